// What the frame-hash benchmarks share (bench/index, bench/shards): timing and memory readings,
// a fast deterministic generator, and synthetic PDQ-like hashes of video clips.
#ifndef SIGHTLINE_BENCH_SYNTHETIC_HASHES_H_
#define SIGHTLINE_BENCH_SYNTHETIC_HASHES_H_

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <vector>

#include "analysis/match/hash_index.h"

namespace sightline::bench {

using analysis::match::Hash256;
using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time of this thread: the machine may be shared, and a query runs on one core.
inline double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

inline long PeakRssMiB() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

// xoshiro256** (Blackman and Vigna), seeded through splitmix64: fast and deterministic.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& w : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      w = z ^ (z >> 31);
    }
  }
  std::uint64_t Next() {
    const std::uint64_t r = Rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return r;
  }
  int Uniform(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
  double Real() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

inline Hash256 RandomHash(Rng& rng) {
  Hash256 h;
  for (int i = 0; i < 32; i += 8) {
    const std::uint64_t w = rng.Next();
    std::memcpy(h.data() + i, &w, 8);
  }
  return h;
}

inline void Flip(Hash256& h, int bits, Rng& rng) {
  for (int i = 0; i < bits; ++i) {
    const int b = rng.Uniform(256);
    h[static_cast<std::size_t>(b / 8)] ^= static_cast<std::uint8_t>(1u << (b % 8));
  }
}

inline constexpr int kClipFrames = 60;

// A source clip: 1–3 shots; a static shot's frames are its key frame with 0–8 bits flipped, a
// moving shot's drift by 6 bits a frame (so its ends are far apart), as PDQ hashes of video
// sampled at one frame a second behave. Key frames are random, or one of `prototypes` (scene
// families) with 60 bits flipped: real PDQ hashes are far from uniform (pairs of corpus frames
// more than 64 bits apart pass a table's test 5.6 times as often as random pairs;
// doc/hash-index.md), and 50 families give somewhat more (7 times random).
inline std::vector<Hash256> SourceClip(Rng& rng, const std::vector<Hash256>& prototypes) {
  std::vector<Hash256> frames;
  const int shots = 1 + rng.Uniform(3);
  for (int s = 0; s < shots; ++s) {
    const int len =
        s + 1 == shots ? kClipFrames - static_cast<int>(frames.size()) : kClipFrames / shots;
    Hash256 key = RandomHash(rng);
    if (!prototypes.empty()) {
      key = prototypes[static_cast<std::size_t>(rng.Uniform(static_cast<int>(prototypes.size())))];
      Flip(key, 60, rng);
    }
    const bool moving = rng.Uniform(2) == 1;
    for (int i = 0; i < len; ++i) {
      Hash256 f = key;
      if (moving) {
        Flip(key, 6, rng);
      } else {
        Flip(f, rng.Uniform(9), rng);
      }
      frames.push_back(f);
    }
  }
  return frames;
}

// A re-post: every frame re-encoded (4–20 bits flipped).
inline std::vector<Hash256> Repost(std::vector<Hash256> frames, Rng& rng) {
  for (Hash256& f : frames) Flip(f, 4 + rng.Uniform(17), rng);
  return frames;
}

struct Stats {
  double p50 = 0, p95 = 0, max = 0;
};

inline Stats Summarize(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
  };
  return {at(0.5), at(0.95), v.back()};
}

}  // namespace sightline::bench

#endif  // SIGHTLINE_BENCH_SYNTHETIC_HASHES_H_

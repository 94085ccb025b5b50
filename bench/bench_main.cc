// Micro-benchmarks of the library's hot paths, printed as a table by bench/run.sh.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "evidence/custody.h"
#include "evidence/identity.h"
#include "signals/visual/pdq.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main() {
  using namespace sightline;
  std::printf("%-44s %14s\n", "measure", "rate");

  std::string block(64 << 20, 'x');
  for (std::size_t i = 0; i < block.size(); i += 64) block[i] = static_cast<char>(i);
  auto t0 = Clock::now();
  Digest256 d = Sha256Of(block);
  double s = Seconds(t0);
  std::printf("%-44s %10.0f MiB/s  (%02x)\n", "SHA-256 (OpenSSL EVP)", 64 / s, d[0]);

  evidence::SigningKey key;
  {
    // bench/run.sh points SIGHTLINE_KEY_DIR at its scratch directory.
    auto k = evidence::LoadOrCreateSigningKey(evidence::DefaultKeyDir());
    if (!k.ok()) return 1;
    key = *k;
  }
  std::vector<evidence::CustodyEntry> chain(20000);
  std::string prev = evidence::kGenesisHash;
  t0 = Clock::now();
  for (std::size_t i = 0; i < chain.size(); ++i) {
    auto& e = chain[i];
    e.seq = static_cast<std::int64_t>(i + 1);
    e.time = "2026-11-25T00:00:00.000Z";
    e.actor = "bench";
    e.action = "ingest";
    e.object_sha256 = Sha256Hex(std::to_string(i));
    e.details = "{\"name\":\"clip.mp4\",\"size\":123456}";
    e.prev_hash = prev;
    (void)evidence::SignEntry(key, &e);
    prev = e.entry_hash;
  }
  s = Seconds(t0);
  std::printf("%-44s %10.0f /s\n", "custody entries signed (Ed25519)", chain.size() / s);
  t0 = Clock::now();
  auto problems = evidence::CheckChain(chain);
  s = Seconds(t0);
  std::printf("%-44s %10.0f /s  (%zu problems)\n", "custody entries verified (chain + signature)",
              chain.size() / s, problems.size());

  // PDQ: 64 × 64 blocks with structure at several scales (what decoders hand over after scaling),
  // hashed on one core for about a second; then whole 1080p luma frames (filter + hash).
  {
    using signals::visual::PdqHasher;
    constexpr int kBlocks = 64;
    std::vector<float> blocks(kBlocks * 4096);
    for (int b = 0; b < kBlocks; ++b) {
      for (int i = 0; i < 4096; ++i) {
        const int x = i % 64, y = i / 64;
        blocks[b * 4096 + i] = 128 + 50 * std::sin(0.1f * (b % 7 + 1) * x + 0.07f * y) +
                               30 * std::cos(0.05f * (b % 5 + 1) * y - 0.02f * x) +
                               static_cast<float>((x * 131 + y * 71 + b * 17) % 23);
      }
    }
    PdqHasher hasher;
    unsigned sink = 0;
    long n = 0;
    t0 = Clock::now();
    do {
      for (int b = 0; b < kBlocks; ++b) sink += hasher.Hash64(&blocks[b * 4096]).bits[0];
      n += kBlocks;
    } while (Seconds(t0) < 1.0);
    s = Seconds(t0);
    std::printf("%-44s %10.0f /s  (%s, %u)\n", "PDQ hashes/s (64x64 blocks, one core)", n / s,
                hasher.KernelName(), sink & 1);

    const int w = 1920, h = 1080;
    std::vector<std::uint8_t> frame(static_cast<std::size_t>(w) * h);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        frame[static_cast<std::size_t>(y) * w + x] = static_cast<std::uint8_t>(
            128 + 60 * std::sin(x * 0.01) * std::cos(y * 0.013) + (x * 7 + y * 13) % 31);
      }
    }
    n = 0;
    t0 = Clock::now();
    do {
      sink += hasher.HashLuma(frame.data(), w, h, w).bits[0];
      ++n;
    } while (Seconds(t0) < 1.0);
    s = Seconds(t0);
    std::printf("%-44s %10.0f /s  (%u)\n", "PDQ full image 1080p luma/s", n / s, sink & 1);
  }
  return 0;
}

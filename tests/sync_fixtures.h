// Audio fixtures for the audio-source, sync and CLI tests: a synthetic "scene" (speech-like
// harmonic syllables, noise bursts, clicks and chirps at random times over a quiet background),
// exact excerpts and degradations of it (room reverberation, other microphones, noise, clipping,
// clock drift), written as WAV; codecs and sample rates are then applied with ffmpeg.
// Header-only so that tests in src/ and tests/ can share it.
#ifndef SIGHTLINE_TESTS_SYNC_FIXTURES_H_
#define SIGHTLINE_TESTS_SYNC_FIXTURES_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace sightline::testing {

// Writes mono or interleaved PCM (floats in [-1, 1]) as 16-bit WAV.
inline void WriteWav(const std::string& path, const std::vector<float>& samples, int rate,
                     int channels = 1) {
  auto le = [](std::ofstream& o, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) o.put(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  std::ofstream o(path, std::ios::binary);
  const std::uint32_t data = static_cast<std::uint32_t>(samples.size() * 2);
  o.write("RIFF", 4);
  le(o, 36 + data, 4);
  o.write("WAVEfmt ", 8);
  le(o, 16, 4);
  le(o, 1, 2);
  le(o, static_cast<std::uint32_t>(channels), 2);
  le(o, static_cast<std::uint32_t>(rate), 4);
  le(o, static_cast<std::uint32_t>(rate * channels * 2), 4);
  le(o, static_cast<std::uint32_t>(channels * 2), 2);
  le(o, 16, 2);
  o.write("data", 4);
  le(o, data, 4);
  for (float s : samples) {
    long v = std::lround(std::clamp(s, -1.0f, 1.0f) * 32767.0f);
    le(o, static_cast<std::uint32_t>(static_cast<std::int16_t>(v)) & 0xffff, 2);
  }
}

// A scene of `seconds` at `rate`: events at random times (about `events_per_s`), each a
// speech-like harmonic syllable, a noise burst, a click or a chirp, over a background 40 dB down.
inline std::vector<float> MakeScene(double seconds, int rate, unsigned seed,
                                    double events_per_s = 3.0) {
  const auto n = static_cast<std::size_t>(seconds * rate);
  std::vector<float> x(n, 0.0f);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> g(0.0, 1.0);
  const double kPi = 3.14159265358979323846;
  double lp = 0;
  for (std::size_t i = 0; i < n; ++i) {  // brownish background
    lp = 0.97 * lp + 0.03 * g(rng);
    x[i] = static_cast<float>(0.01 * lp * 4);
  }
  double t = 0;
  while (true) {
    t += -std::log(1.0 - u(rng)) / events_per_s;
    if (t >= seconds) break;
    const auto start = static_cast<std::size_t>(t * rate);
    const double amp = std::pow(10.0, (-22 + 16 * u(rng)) / 20);
    const int kind = static_cast<int>(u(rng) * 10);
    if (kind < 5) {  // syllable: harmonics of a gliding f0
      const double dur = 0.08 + 0.25 * u(rng);
      const double f0 = 100 + 200 * u(rng), glide = (u(rng) - 0.5) * 80;
      const double formant = 500 + 2000 * u(rng);
      double phase = 0;
      const auto len = static_cast<std::size_t>(dur * rate);
      for (std::size_t k = 0; k < len && start + k < n; ++k) {
        const double tt = static_cast<double>(k) / rate;
        const double env = std::sin(kPi * tt / dur);
        const double f = f0 + glide * tt / dur;
        phase += 2 * kPi * f / rate;
        double s = 0;
        for (int h = 1; h <= 12; ++h) {
          const double fh = f * h;
          if (fh > rate / 2.2) break;
          const double w = std::exp(-std::pow((fh - formant) / 700, 2)) + 0.15 / h;
          s += w * std::sin(h * phase);
        }
        x[start + k] += static_cast<float>(amp * env * s * 0.5);
      }
    } else if (kind < 8) {  // noise burst, low-passed by a random amount
      const double dur = 0.02 + 0.2 * u(rng);
      const double a = 0.2 + 0.75 * u(rng);
      double y = 0;
      const auto len = static_cast<std::size_t>(dur * rate);
      for (std::size_t k = 0; k < len && start + k < n; ++k) {
        const double env = std::exp(-3.0 * static_cast<double>(k) / len);
        y = a * y + (1 - a) * g(rng);
        x[start + k] += static_cast<float>(amp * 2 * env * y);
      }
    } else if (kind < 9) {  // click
      const auto len = static_cast<std::size_t>(0.005 * rate);
      for (std::size_t k = 0; k < len && start + k < n; ++k) {
        x[start + k] +=
            static_cast<float>(amp * 3 * std::exp(-static_cast<double>(k) / (len / 5.0)) * g(rng));
      }
    } else {  // chirp
      const double dur = 0.1 + 0.3 * u(rng);
      const double f1 = 300 + 1000 * u(rng), f2 = 500 + 2500 * u(rng);
      double phase = 0;
      const auto len = static_cast<std::size_t>(dur * rate);
      for (std::size_t k = 0; k < len && start + k < n; ++k) {
        const double tt = static_cast<double>(k) / rate;
        phase += 2 * kPi * (f1 + (f2 - f1) * tt / dur) / rate;
        x[start + k] += static_cast<float>(amp * std::sin(kPi * tt / dur) * std::sin(phase) * 0.7);
      }
    }
  }
  return x;
}

// The samples of `x` from `start_s` for `seconds` (zeros past the end).
inline std::vector<float> Excerpt(const std::vector<float>& x, int rate, double start_s,
                                  double seconds) {
  const auto from = static_cast<std::int64_t>(std::llround(start_s * rate));
  const auto n = static_cast<std::size_t>(std::llround(seconds * rate));
  std::vector<float> out(n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t j = from + static_cast<std::int64_t>(i);
    if (j >= 0 && j < static_cast<std::int64_t>(x.size())) out[i] = x[static_cast<std::size_t>(j)];
  }
  return out;
}

// Another device in another place: a room's reverberation (direct sound first, then a decaying
// tail of `rt60_s`), a microphone's colour (one-pole high-pass and low-pass), gain.
inline std::vector<float> OtherDevice(const std::vector<float>& x, int rate, unsigned seed,
                                      double rt60_s = 0.3, double gain = 0.7) {
  std::mt19937 rng(seed * 104729u + 3u);
  std::normal_distribution<double> g(0.0, 1.0);
  const auto len = static_cast<std::size_t>(rt60_s * rate);
  // Sparse reverberation: a few hundred reflections (cheap to convolve).
  std::vector<std::pair<std::size_t, float>> taps = {{0, 1.0f}};
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 300 && len > 10; ++i) {
    const auto d = static_cast<std::size_t>(rate * 0.002 + u(rng) * len);
    const double decay = std::pow(10.0, -3.0 * static_cast<double>(d) / len);
    taps.push_back({d, static_cast<float>(0.12 * decay * g(rng))});
  }
  std::vector<float> y(x.size(), 0.0f);
  for (const auto& [d, w] : taps) {
    for (std::size_t i = d; i < x.size(); ++i) y[i] += w * x[i - d];
  }
  double hp = 0, prev = 0, lp = 0;
  for (float& s : y) {
    hp = 0.98 * (hp + s - prev);
    prev = s;
    lp = 0.6 * lp + 0.4 * hp;
    s = static_cast<float>(gain * lp);
  }
  return y;
}

// Adds white noise at `snr_db` below the signal's RMS.
inline void AddNoise(std::vector<float>* x, double snr_db, unsigned seed) {
  double e = 0;
  for (float s : *x) e += static_cast<double>(s) * s;
  const double rms = std::sqrt(e / std::max<std::size_t>(1, x->size()));
  std::mt19937 rng(seed * 7919u + 17u);  // not MakeScene's sequence for the same seed
  std::normal_distribution<double> g(0.0, rms * std::pow(10.0, -snr_db / 20));
  for (float& s : *x) s += static_cast<float>(g(rng));
}

// Amplifies by `gain` and clips hard at ±1.
inline void Clip(std::vector<float>* x, double gain) {
  for (float& s : *x) s = std::clamp(static_cast<float>(s * gain), -1.0f, 1.0f);
}

// Resamples so that the result's clock runs `ppm` parts per million fast: sample i of the result
// holds the input at time i / rate * (1 + ppm·1e-6) (cubic interpolation).
inline std::vector<float> Drift(const std::vector<float>& x, double ppm) {
  const double step = 1.0 + ppm * 1e-6;
  const auto n = static_cast<std::size_t>(static_cast<double>(x.size()) / step) - 2;
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double p = static_cast<double>(i) * step;
    const auto k = static_cast<std::size_t>(p);
    const double f = p - static_cast<double>(k);
    const float x0 = x[k > 0 ? k - 1 : 0], x1 = x[k], x2 = x[std::min(k + 1, x.size() - 1)],
                x3 = x[std::min(k + 2, x.size() - 1)];
    // Catmull-Rom
    y[i] = static_cast<float>(
        x1 + 0.5 * f *
                 (x2 - x0 +
                  f * (2.0 * x0 - 5.0 * x1 + 4.0 * x2 - x3 + f * (3.0 * (x1 - x2) + x3 - x0))));
  }
  return y;
}

}  // namespace sightline::testing

#endif  // SIGHTLINE_TESTS_SYNC_FIXTURES_H_

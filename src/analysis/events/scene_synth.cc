#include "analysis/events/scene_synth.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "analysis/events/dsp.h"
#include "analysis/events/shooter_distance.h"

namespace sightline::analysis::events::synth {

namespace {

using dsp::Biquad;
constexpr double kPi = std::numbers::pi;

double Rms(const std::vector<float>& x) {
  double s = 0;
  for (float v : x) s += static_cast<double>(v) * v;
  return x.empty() ? 0 : std::sqrt(s / static_cast<double>(x.size()));
}

// A smooth bell from 0 to 1 and back over [0, 1].
double Bell(double u) { return u <= 0 || u >= 1 ? 0 : 0.5 - 0.5 * std::cos(2 * kPi * u); }

}  // namespace

std::pair<BedKind, BedKind> BenchBeds(int k) {
  static constexpr std::pair<BedKind, BedKind> kMixes[] = {{BedKind::kStreet, BedKind::kQuiet},
                                                           {BedKind::kSpeech, BedKind::kStreet},
                                                           {BedKind::kMusic, BedKind::kStreet},
                                                           {BedKind::kTraffic, BedKind::kStreet},
                                                           {BedKind::kSpeech, BedKind::kMusic}};
  return kMixes[((k % 5) + 5) % 5];
}

const char* BedName(BedKind kind) {
  switch (kind) {
    case BedKind::kStreet:
      return "street";
    case BedKind::kSpeech:
      return "speech";
    case BedKind::kMusic:
      return "music";
    case BedKind::kTraffic:
      return "traffic";
    case BedKind::kQuiet:
      return "quiet";
  }
  return "quiet";
}

Synth::Synth(std::uint64_t seed, int rate) : rng_(seed), rate_(rate) {}

double Synth::Uniform(double lo, double hi) {
  return lo + (hi - lo) * (static_cast<double>(rng_() >> 11) * 0x1.0p-53);
}

double Synth::Normal() {  // Box-Muller: the same numbers with every standard library
  const double u1 = std::max(1e-300, Uniform(0, 1)), u2 = Uniform(0, 1);
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * kPi * u2);
}

void Synth::Mix(std::vector<float>& x, const std::vector<float>& y, std::size_t at) {
  for (std::size_t i = 0; i < y.size() && at + i < x.size(); ++i) x[at + i] += y[i];
}

std::vector<float> Synth::Bed(BedKind kind, double seconds, double rms_dbfs,
                              std::vector<SpeechRegion>* speech) {
  const std::size_t n = static_cast<std::size_t>(seconds * rate_);
  std::vector<float> x(n, 0.0f);
  const double fs = rate_;
  switch (kind) {
    case BedKind::kQuiet: {
      for (auto& v : x) v = static_cast<float>(Normal());
      break;
    }
    case BedKind::kStreet: {
      // Pink noise (Kellet's filter), a slow level drift, cars passing, soft footsteps.
      double b0 = 0, b1 = 0, b2 = 0, drift = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double w = Normal();
        b0 = 0.99765 * b0 + w * 0.0990460;
        b1 = 0.96300 * b1 + w * 0.2965164;
        b2 = 0.57000 * b2 + w * 1.0526913;
        if (i % 480 == 0) drift = 0.999 * drift + 0.02 * Normal();
        x[i] = static_cast<float>((b0 + b1 + b2 + w * 0.1848) * std::pow(10, drift / 20));
      }
      const double base = Rms(x);
      for (double t = Uniform(0, 4); t < seconds; t += Uniform(3, 8)) {
        const double len = Uniform(3, 6), gain = base * Uniform(1, 2.5);
        Biquad bp = Biquad::BandPass(Uniform(300, 900), fs, 0.7);
        const std::size_t s0 = static_cast<std::size_t>(t * fs);
        for (std::size_t i = 0; i < static_cast<std::size_t>(len * fs) && s0 + i < n; ++i)
          x[s0 + i] += static_cast<float>(gain * Bell(i / (len * fs)) * bp(Normal()) * 2);
      }
      for (double t = Uniform(0, 2); t < seconds; t += Uniform(0.4, 0.7)) {
        Biquad lp = Biquad::LowPass(Uniform(300, 700), fs);
        const std::size_t s0 = static_cast<std::size_t>(t * fs);
        const double a = base * Uniform(0.5, 1.5);
        for (std::size_t i = 0; i < static_cast<std::size_t>(0.04 * fs) && s0 + i < n; ++i)
          x[s0 + i] += static_cast<float>(a * std::exp(-static_cast<double>(i) / (0.008 * fs)) *
                                          lp(Normal()) * 3);
      }
      break;
    }
    case BedKind::kTraffic: {
      // Low-passed brown noise, engine harmonics, trucks passing.
      Biquad lp = Biquad::LowPass(150, fs), lp2 = Biquad::LowPass(400, fs);
      double brown = 0, phase = 0, f0 = Uniform(30, 45);
      for (std::size_t i = 0; i < n; ++i) {
        brown = 0.995 * brown + 0.1 * Normal();
        if (i % 4800 == 0) f0 = std::clamp(f0 + Uniform(-1, 1), 25.0, 60.0);
        phase += 2 * kPi * f0 / fs;
        double hum = 0;
        for (int k = 1; k <= 6; ++k) hum += std::sin(k * phase + k) / k;
        x[i] = static_cast<float>(lp(brown) + 0.05 * hum + 0.02 * lp2(Normal()));
      }
      const double base = Rms(x);
      for (double t = Uniform(0, 5); t < seconds; t += Uniform(5, 10)) {
        const double len = Uniform(5, 8), gain = base * Uniform(1.5, 3);
        Biquad lt = Biquad::LowPass(Uniform(120, 300), fs);
        const std::size_t s0 = static_cast<std::size_t>(t * fs);
        for (std::size_t i = 0; i < static_cast<std::size_t>(len * fs) && s0 + i < n; ++i)
          x[s0 + i] += static_cast<float>(gain * Bell(i / (len * fs)) * lt(Normal()) * 3);
      }
      break;
    }
    case BedKind::kSpeech: {
      // Phrases of syllables: glottal pulses (pitch with declination, jitter and accents) through
      // a spectral tilt and three formant resonators, plosive bursts and fricatives, pauses.
      static const double kVowels[][3] = {{730, 1090, 2440}, {270, 2290, 3010}, {300, 870, 2240},
                                          {530, 1840, 2480}, {570, 840, 2410},  {440, 1020, 2240},
                                          {660, 1720, 2410}, {490, 1350, 1690}};
      double t = Uniform(0.2, 1.0);
      while (t < seconds - 0.5) {
        const double phrase = std::min(Uniform(1.0, 3.5), seconds - 0.3 - t);
        if (phrase < 0.4) break;
        const double f_start = Uniform(100, 220);
        double u = t;
        double last_end = t;
        while (u < t + phrase - 0.12) {
          const double syl = Uniform(0.12, 0.3);
          const std::size_t s0 = static_cast<std::size_t>(u * fs);
          const int onset = static_cast<int>(Uniform(0, 3));  // none, plosive, fricative
          const double level = Uniform(0.6, 1.2);             // the syllable's vowel RMS
          std::size_t cons = 0;
          if (onset == 1) {  // closure then a 10-20 ms burst, 12-20 dB below the vowel
            Biquad hp = Biquad::HighPass(Uniform(1500, 3000), fs);
            cons = static_cast<std::size_t>(Uniform(0.03, 0.05) * fs);
            const std::size_t burst = static_cast<std::size_t>(Uniform(0.01, 0.02) * fs);
            const double g = level * std::pow(10, -Uniform(12, 20) / 20) * 1.6;
            for (std::size_t i = 0; i < burst && s0 + cons - burst + i < n; ++i)
              x[s0 + cons - burst + i] +=
                  static_cast<float>(g * std::exp(-3.0 * i / burst) * hp(Normal()) * 1.4);
          } else if (onset == 2) {  // a fricative, 8-14 dB below the vowel
            Biquad hp = Biquad::HighPass(Uniform(2500, 4500), fs);
            cons = static_cast<std::size_t>(Uniform(0.06, 0.12) * fs);
            const double g = level * std::pow(10, -Uniform(8, 14) / 20) * 1.6;
            for (std::size_t i = 0; i < cons && s0 + i < n; ++i)
              x[s0 + i] +=
                  static_cast<float>(g * Bell(static_cast<double>(i) / cons) * hp(Normal()) * 1.4);
          }
          const auto& v = kVowels[static_cast<int>(Uniform(0, 8)) % 8];
          Biquad f1 = Biquad::BandPass(v[0] * Uniform(0.9, 1.1), fs, 8);
          Biquad f2 = Biquad::BandPass(v[1] * Uniform(0.9, 1.1), fs, 10);
          Biquad f3 = Biquad::BandPass(v[2] * Uniform(0.9, 1.1), fs, 12);
          const std::size_t vlen = static_cast<std::size_t>(syl * fs);
          const double accent = Uniform(0.9, 1.15);
          double phase = 0, tilt1 = 0, tilt2 = 0, prev = 0;
          std::vector<float> vowel(vlen);
          for (std::size_t i = 0; i < vlen; ++i) {
            const double at = (u - t + static_cast<double>(i) / fs) / phrase;
            const double f0 = f_start * (1 - 0.25 * at) * accent * (1 + 0.01 * Normal());
            phase += f0 / fs;
            double e = 0;
            if (phase >= 1) {
              phase -= 1;
              e = 1;
            }
            tilt1 = 0.97 * tilt1 + e;
            tilt2 = 0.9 * tilt2 + tilt1;
            const double sv = f1(tilt2) + 0.6 * f2(tilt2) + 0.3 * f3(tilt2);
            const double out = sv - prev;  // lip radiation
            prev = sv;
            // Syllabic envelope: a 25 ms rise, a plateau, a fall.
            const double tt = static_cast<double>(i) / fs,
                         rest = static_cast<double>(vlen - i) / fs;
            const double env = std::min({1.0, tt / 0.025, rest / 0.04});
            vowel[i] = static_cast<float>(env * out);
          }
          const double vr = Rms(vowel);
          for (std::size_t i = 0; i < vlen && s0 + cons + i < n; ++i)
            x[s0 + cons + i] += static_cast<float>(vowel[i] * level / std::max(vr, 1e-12));
          last_end = u + static_cast<double>(cons + vlen) / fs;
          u = last_end + Uniform(0.0, 0.06);
        }
        if (speech) speech->push_back({t, last_end});
        t = last_end + Uniform(0.4, 1.5);
      }
      // A faint room tone so that silence is not digital zero.
      const double r = Rms(x);
      for (auto& v : x) v += static_cast<float>(0.01 * r * Normal());
      break;
    }
    case BedKind::kMusic: {
      // Harmonic notes on a beat (pentatonic melody, chords, a bass line): attacks of 5-40 ms,
      // piano-like decays or held notes.
      static const double kScale[] = {0, 2, 4, 7, 9};
      const double beat = Uniform(0.4, 0.6);
      for (double t = 0; t < seconds; t += beat) {
        const int voices = 1 + static_cast<int>(Uniform(0, 3));
        for (int v = 0; v < voices + 1; ++v) {
          const bool bass = v == voices;
          const int degree = static_cast<int>(Uniform(0, 5)) % 5;
          const int octave = bass ? 0 : 1 + static_cast<int>(Uniform(0, 3)) % 3;
          const double f0 = 65.4 * std::pow(2.0, octave + kScale[degree] / 12.0) * (bass ? 1 : 2);
          const double len = beat * (bass ? 2 : Uniform(0.8, 2.0));
          const double attack = Uniform(0.005, 0.04), tau = Uniform(0.2, 0.8);
          const bool held = Uniform(0, 1) < 0.4;
          const double amp = (bass ? 0.3 : 0.2) * Uniform(0.6, 1.0);
          const std::size_t s0 = static_cast<std::size_t>(t * fs);
          for (std::size_t i = 0; i < static_cast<std::size_t>(len * fs) && s0 + i < n; ++i) {
            const double tt = static_cast<double>(i) / fs;
            double env = tt < attack ? tt / attack : (held ? 0.8 : std::exp(-(tt - attack) / tau));
            env *= std::min(1.0, (len - tt) / 0.03);
            double s = 0;
            for (int k = 1; k <= 6; ++k)
              if (k * f0 < 0.45 * fs) s += std::sin(2 * kPi * k * f0 * tt) / k;
            x[s0 + i] += static_cast<float>(amp * env * s);
          }
        }
      }
      break;
    }
  }
  const double r = Rms(x);
  const double g = r > 0 ? std::pow(10, rms_dbfs / 20) / r : 0;
  for (auto& v : x) v = static_cast<float>(v * g);
  return x;
}

// Friedlander's blast wave p(t) = (1 - t/T) exp(-b t/T) (positive phase T, then the negative
// phase), through a recording chain (low-pass), with reverberation and one discrete echo.
std::vector<float> Synth::MuzzleBlast(double peak, bool with_tail) {
  const double fs = rate_;
  const double T = Uniform(0.0006, 0.0025), b = Uniform(1, 3);
  const double rt60 = Uniform(0.3, 1.2);
  const std::size_t len = static_cast<std::size_t>((with_tail ? rt60 : 0.05) * fs) + 1;
  std::vector<float> y(len, 0.0f);
  const std::size_t pulse = std::min(len, static_cast<std::size_t>(12 * T * fs) + 1);
  for (std::size_t i = 0; i < pulse; ++i) {
    const double u = static_cast<double>(i) / fs / T;
    y[i] = static_cast<float>((1 - u) * std::exp(-b * u));
  }
  Biquad chain = Biquad::LowPass(Uniform(3000, 9000), fs);
  for (auto& v : y) v = static_cast<float>(chain(v));
  if (with_tail) {
    const std::size_t echo = static_cast<std::size_t>(Uniform(0.02, 0.25) * fs);
    const double eg = std::pow(10, -Uniform(8, 16) / 20);
    for (std::size_t i = 0; i < pulse && echo + i < len; ++i)
      y[echo + i] += static_cast<float>(eg * y[i]);
    Biquad lp = Biquad::LowPass(Uniform(1500, 4000), fs);
    const double g = std::pow(10, -Uniform(14, 22) / 20), tau = rt60 / 6.9;
    const std::size_t start = static_cast<std::size_t>(0.002 * fs);
    for (std::size_t i = start; i < len; ++i) {
      const double tt = static_cast<double>(i - start) / fs;
      const double ramp = std::min(1.0, tt / 0.01);
      y[i] += static_cast<float>(g * ramp * std::exp(-tt / tau) * lp(Normal()) * 2.5);
    }
  }
  float mx = 0;
  for (float v : y) mx = std::max(mx, std::fabs(v));
  for (auto& v : y) v = static_cast<float>(v * peak / mx);
  return y;
}

void Synth::AddCrack(std::vector<float>& x, std::size_t at, double peak) {
  // An N-wave: a jump to +p, a linear fall to -p over T, a jump back; then its ground reflection.
  const double fs = rate_;
  const double T = Uniform(0.0002, 0.0005);
  const std::size_t len = std::max<std::size_t>(2, static_cast<std::size_t>(T * fs));
  const std::size_t refl = static_cast<std::size_t>(Uniform(0.0003, 0.0015) * fs);
  const double rg = Uniform(0.4, 0.8);
  std::vector<float> y(len + refl + static_cast<std::size_t>(0.005 * fs), 0.0f);
  for (std::size_t i = 0; i < len; ++i) {
    const double v = 1 - 2.0 * static_cast<double>(i) / static_cast<double>(len - 1);
    y[i] += static_cast<float>(v);
    y[refl + i] += static_cast<float>(rg * v);
  }
  Biquad mic = Biquad::LowPass(Uniform(12000, 18000), fs);
  float mx = 0;
  for (auto& v : y) {
    v = static_cast<float>(mic(v));
    mx = std::max(mx, std::fabs(v));
  }
  for (auto& v : y) v = static_cast<float>(v * peak / mx);
  Mix(x, y, at);
}

TruthEvent Synth::AddShot(std::vector<float>& x, double t, double peak_dbfs) {
  auto y = MuzzleBlast(std::pow(10, peak_dbfs / 20), true);
  Mix(x, y, static_cast<std::size_t>(std::lround(t * rate_)));
  TruthEvent e;
  e.t = t;
  e.end = t + static_cast<double>(y.size()) / rate_;
  e.kind = EventKind::kShot;
  return e;
}

TruthEvent Synth::AddBurst(std::vector<float>& x, double t, double peak_dbfs, int count,
                           double interval_s, double crack_thump_s) {
  TruthEvent e;
  e.t = t;
  e.kind = EventKind::kBurst;
  e.count = count;
  e.interval_s = crack_thump_s;
  double u = t + crack_thump_s;
  const double crack_db = peak_dbfs + Uniform(-6, 3);
  for (int i = 0; i < count; ++i) {
    const double level = peak_dbfs + Uniform(-1.5, 1.5);
    if (crack_thump_s > 0)
      AddCrack(x, static_cast<std::size_t>(std::lround((u - crack_thump_s) * rate_)),
               std::pow(10, (crack_db + Uniform(-1, 1)) / 20));
    auto y = MuzzleBlast(std::pow(10, level / 20), true);
    Mix(x, y, static_cast<std::size_t>(std::lround(u * rate_)));
    e.end = u + static_cast<double>(y.size()) / rate_;
    u += interval_s * Uniform(0.93, 1.07);
  }
  return e;
}

TruthEvent Synth::AddBlast(std::vector<float>& x, double t, double peak_dbfs) {
  const double fs = rate_;
  const double T = Uniform(0.008, 0.025), b = Uniform(0.5, 1.5), tau = Uniform(0.4, 1.0);
  const std::size_t len = static_cast<std::size_t>((0.1 + 4 * tau) * fs);
  std::vector<float> y(len, 0.0f);
  Biquad lp1 = Biquad::LowPass(120, fs), lp2 = Biquad::LowPass(120, fs);
  const double rumble = std::pow(10, -Uniform(4, 9) / 20);
  for (std::size_t i = 0; i < len; ++i) {
    const double tt = static_cast<double>(i) / fs, u = tt / T;
    double v = u < 12 ? (1 - u) * std::exp(-b * u) : 0;
    v += rumble * std::min(1.0, tt / 0.03) * std::exp(-tt / tau) * lp2(lp1(Normal())) * 12;
    y[i] = static_cast<float>(v);
  }
  Biquad chain = Biquad::LowPass(Uniform(600, 1500), fs);
  float mx = 0;
  for (auto& v : y) {
    v = static_cast<float>(chain(v));
    mx = std::max(mx, std::fabs(v));
  }
  const double peak = std::pow(10, peak_dbfs / 20);
  for (auto& v : y) v = static_cast<float>(v * peak / mx);
  Mix(x, y, static_cast<std::size_t>(std::lround(t * fs)));
  TruthEvent e;
  e.t = t;
  e.end = t + static_cast<double>(len) / fs;
  e.kind = EventKind::kBlast;
  return e;
}

TruthEvent Synth::AddSupersonicShot(std::vector<float>& x, double t, double distance_m,
                                    double bullet_speed, double sound_speed, double thump_dbfs,
                                    double crack_dbfs) {
  const double interval = IntervalForDistance(distance_m, sound_speed, bullet_speed);
  AddCrack(x, static_cast<std::size_t>(std::lround(t * rate_)), std::pow(10, crack_dbfs / 20));
  TruthEvent e = AddShot(x, t + interval, thump_dbfs);
  e.t = t;
  e.interval_s = interval;
  e.distance_m = distance_m;
  e.bullet_speed = bullet_speed;
  return e;
}

std::vector<float> Synth::Knock(int kind, double peak) {
  // kind 0: kick drum, 1: snare, 2: hand clap, 3: door slam.
  const double fs = rate_;
  const double seconds = kind == 3 ? 0.6 : kind == 2 ? 0.25 : 0.45;
  std::vector<float> y(static_cast<std::size_t>(seconds * fs), 0.0f);
  if (kind == 0) {
    const double tau = Uniform(0.08, 0.15), f0 = Uniform(130, 170), f1 = Uniform(45, 60);
    double phase = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double t = static_cast<double>(i) / fs;
      phase += 2 * kPi * (f1 + (f0 - f1) * std::exp(-t / 0.03)) / fs;
      y[i] = static_cast<float>(std::sin(phase) * std::exp(-t / tau));
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(0.001 * fs); ++i)
      y[i] += static_cast<float>(0.3 * Normal());
  } else if (kind == 1) {
    Biquad hp = Biquad::HighPass(1000, fs);
    const double tau = Uniform(0.04, 0.08), f = Uniform(180, 220);
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double t = static_cast<double>(i) / fs;
      y[i] = static_cast<float>(0.7 * hp(Normal()) * std::exp(-t / tau) +
                                0.6 * std::sin(2 * kPi * f * t) * std::exp(-t / 0.03));
    }
  } else if (kind == 2) {
    Biquad bp = Biquad::BandPass(Uniform(1000, 2500), fs, Uniform(0.8, 1.5));
    const double tau = Uniform(0.003, 0.008);
    Biquad lp = Biquad::LowPass(Uniform(2000, 5000), fs);
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double t = static_cast<double>(i) / fs;
      const double attack = std::min(1.0, t / 0.0005);
      y[i] = static_cast<float>(bp(Normal()) * attack * std::exp(-t / tau) +
                                0.05 * lp(Normal()) * std::exp(-t / 0.06));
    }
  } else {
    Biquad hp = Biquad::HighPass(800, fs);
    Biquad lp = Biquad::LowPass(Uniform(1500, 3000), fs);
    const double f1 = Uniform(60, 120), f2 = Uniform(150, 300);
    const double tau1 = Uniform(0.04, 0.12), tau2 = Uniform(0.02, 0.06), rt = Uniform(0.3, 0.6);
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double t = static_cast<double>(i) / fs;
      const double click = t < 0.002 ? hp(Normal()) * (1 - t / 0.002) : 0;
      y[i] = static_cast<float>(0.5 * click + std::sin(2 * kPi * f1 * t) * std::exp(-t / tau1) +
                                0.5 * std::sin(2 * kPi * f2 * t) * std::exp(-t / tau2) +
                                0.06 * lp(Normal()) * std::exp(-t * 6.9 / rt));
    }
  }
  float mx = 0;
  for (float v : y) mx = std::max(mx, std::fabs(v));
  for (auto& v : y) v = static_cast<float>(v * peak / mx);
  return y;
}

std::vector<double> Synth::AddHardNegatives(std::vector<float>& x, BedKind kind, double rms_dbfs) {
  std::vector<double> times;
  const double seconds = static_cast<double>(x.size()) / rate_;
  const auto add = [&](int what, double t, double over_db) {
    if (t < 0 || t >= seconds) return;
    Mix(x, Knock(what, std::pow(10, (rms_dbfs + over_db) / 20)),
        static_cast<std::size_t>(std::lround(t * rate_)));
    times.push_back(t);
  };
  if (kind == BedKind::kMusic) {
    const double beat = 60 / Uniform(90, 130);
    const double level = Uniform(12, 22);
    for (double bar = Uniform(0, 2); bar < seconds; bar += 4 * beat) {
      if (Uniform(0, 1) > 0.67) continue;
      const bool claps = Uniform(0, 1) < 0.3;
      for (int b = 0; b < 4; ++b) {
        const double t = bar + b * beat + 0.005 * Normal();  // a drummer's timing
        add(b % 2 == 0 ? 0 : claps ? 2 : 1, t, level + Uniform(-2, 2));
      }
    }
  } else if (kind == BedKind::kSpeech) {
    for (double t = Uniform(2, 8); t < seconds; t += Uniform(8, 20)) {
      const int claps = 3 + static_cast<int>(Uniform(0, 6));
      const double period = Uniform(0.25, 0.5), level = Uniform(15, 25);
      for (int c = 0; c < claps; ++c) add(2, t + c * period * Uniform(0.9, 1.1), level);
    }
  } else if (kind == BedKind::kStreet || kind == BedKind::kTraffic) {
    for (double t = Uniform(2, 6); t < seconds; t += Uniform(6, 15)) add(3, t, Uniform(15, 28));
  }
  return times;
}

Scene Synth::MakeScene(const SceneSpec& spec) {
  Scene s;
  s.rate = rate_;
  s.samples = Bed(spec.bed, spec.seconds, spec.bed_rms_dbfs, &s.speech);
  if (spec.second_bed != BedKind::kQuiet) {
    std::vector<SpeechRegion> sp;
    auto b = Bed(spec.second_bed, spec.seconds, spec.bed_rms_dbfs - 6, &sp);
    for (std::size_t i = 0; i < b.size(); ++i) s.samples[i] += b[i];
    s.speech.insert(s.speech.end(), sp.begin(), sp.end());
  }
  const double c = SpeedOfSound(20);
  const double gap = spec.seconds / std::max(1, spec.events);
  for (int i = 0; i < spec.events; ++i) {
    const double t = i * gap + Uniform(0.3, std::max(0.31, gap - 3.2));
    const double peak = spec.bed_rms_dbfs + Uniform(spec.snr_lo_db, spec.snr_hi_db);
    const double pick = Uniform(0, 1);
    TruthEvent e;
    if (spec.blasts && pick < 0.25) {
      e = AddBlast(s.samples, t, peak);
    } else if (spec.bursts && pick < 0.5) {
      const bool crack = spec.supersonic && Uniform(0, 1) < 0.4;
      e = AddBurst(s.samples, t, peak, 3 + static_cast<int>(Uniform(0, 8)), Uniform(0.06, 0.11),
                   crack ? IntervalForDistance(Uniform(40, 120), c, Uniform(650, 950)) : 0);
    } else if (spec.supersonic && pick < 0.75) {
      e = AddSupersonicShot(s.samples, t, Uniform(50, 400), Uniform(650, 950), c, peak,
                            peak + Uniform(-6, 3));
    } else {
      e = AddShot(s.samples, t, peak);
    }
    s.events.push_back(e);
  }
  if (spec.hard_negatives) {
    AddHardNegatives(s.samples, spec.bed, spec.bed_rms_dbfs);
    if (spec.second_bed != BedKind::kQuiet)
      AddHardNegatives(s.samples, spec.second_bed, spec.bed_rms_dbfs - 6);
  }
  for (auto& v : s.samples) v = std::clamp(v, -1.0f, 1.0f);  // phones clip loud shots
  std::sort(s.speech.begin(), s.speech.end(),
            [](const SpeechRegion& a, const SpeechRegion& b) { return a.start < b.start; });
  return s;
}

void Score::Add(const Score& o) {
  truth += o.truth;
  detected += o.detected;
  matched += o.matched;
  kind_correct += o.kind_correct;
  onset_err_sum += o.onset_err_sum;
  onset_err_max = std::max(onset_err_max, o.onset_err_max);
}

Score ScoreEvents(const std::vector<TruthEvent>& truth, const std::vector<AudioEvent>& found,
                  double tolerance_s) {
  Score s;
  s.truth = static_cast<int>(truth.size());
  s.detected = static_cast<int>(found.size());
  struct Pair {
    double err;
    std::size_t t, f;
  };
  std::vector<Pair> pairs;
  for (std::size_t i = 0; i < truth.size(); ++i)
    for (std::size_t j = 0; j < found.size(); ++j) {
      // A supersonic shot is heard twice: its crack, then its muzzle blast; either is the shot.
      double err = std::fabs(found[j].t - truth[i].t);
      if (truth[i].interval_s > 0)
        err = std::min(err, std::fabs(found[j].t - truth[i].t - truth[i].interval_s));
      if (err <= tolerance_s) pairs.push_back({err, i, j});
    }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.err < b.err; });
  std::vector<bool> ut(truth.size()), uf(found.size());
  for (const Pair& p : pairs) {
    if (ut[p.t] || uf[p.f]) continue;
    ut[p.t] = uf[p.f] = true;
    ++s.matched;
    s.onset_err_sum += p.err;
    s.onset_err_max = std::max(s.onset_err_max, p.err);
    if (found[p.f].kind == truth[p.t].kind) ++s.kind_correct;
  }
  return s;
}

std::string WavBytes(const std::vector<float>& samples, int rate) {
  std::string out;
  const auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  const auto u16 = [&](std::uint16_t v) {
    out.push_back(static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>(v >> 8));
  };
  const std::uint32_t data = static_cast<std::uint32_t>(samples.size() * 4);
  out += "RIFF";
  u32(36 + data);
  out += "WAVEfmt ";
  u32(16);
  u16(3);  // IEEE float
  u16(1);
  u32(static_cast<std::uint32_t>(rate));
  u32(static_cast<std::uint32_t>(rate) * 4);
  u16(4);
  u16(32);
  out += "data";
  u32(data);
  const std::size_t at = out.size();
  out.resize(at + data);
  std::memcpy(out.data() + at, samples.data(), data);
  return out;
}

}  // namespace sightline::analysis::events::synth

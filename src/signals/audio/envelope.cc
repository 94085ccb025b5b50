#include "signals/audio/envelope.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

namespace sightline::signals::audio {

EnvelopeBuilder::EnvelopeBuilder(const EnvelopeParams& params)
    : p_(params),
      fft_(RealFft::Get(static_cast<std::size_t>(params.window))),
      hann_(static_cast<std::size_t>(params.window)),
      band_lo_(static_cast<std::size_t>(params.bands), 0),
      band_hi_(static_cast<std::size_t>(params.bands), 0),
      in_(AllocFloats(static_cast<std::size_t>(params.window))),
      out_(AllocComplex(static_cast<std::size_t>(params.window / 2 + 1))) {
  const int n = p_.window;
  for (int i = 0; i < n; ++i) {
    hann_[static_cast<std::size_t>(i)] =
        static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * (i + 0.5) / n));
  }
  // Band b holds the bins from f_lo·r^b to f_lo·r^(b+1), r = (f_hi / f_lo)^(1/bands).
  const double ratio = std::pow(static_cast<double>(p_.f_hi) / p_.f_lo, 1.0 / p_.bands);
  const double bin_hz = static_cast<double>(p_.sample_rate) / n;
  for (int b = 0; b < p_.bands; ++b) {
    const double lo = p_.f_lo * std::pow(ratio, b), hi = p_.f_lo * std::pow(ratio, b + 1);
    band_lo_[static_cast<std::size_t>(b)] =
        std::clamp(static_cast<int>(std::ceil(lo / bin_hz)), 0, n / 2);
    band_hi_[static_cast<std::size_t>(b)] =
        std::clamp(std::max(static_cast<int>(std::ceil(hi / bin_hz)),
                            band_lo_[static_cast<std::size_t>(b)] + 1),
                   0, n / 2 + 1);
  }
  result_.params = p_;
}

void EnvelopeBuilder::Feed(const float* samples, std::int64_t n) {
  pending_.insert(pending_.end(), samples, samples + n);
  const auto w = static_cast<std::size_t>(p_.window);
  const auto hop = static_cast<std::size_t>(p_.hop);
  while (pending_.size() - next_ >= w) {
    Frame(pending_.data() + next_);
    next_ += hop;
  }
  if (next_ >= 8192) {  // drop what no frame needs any more
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(next_));
    next_ = 0;
  }
}

void EnvelopeBuilder::Frame(const float* x) {
  const auto w = static_cast<std::size_t>(p_.window);
  float* in = in_.get();
  const float* hann = hann_.data();
  for (std::size_t i = 0; i < w; ++i) in[i] = x[i] * hann[i];
  fft_.Forward(in, out_.get());
  const auto* bins = reinterpret_cast<const float*>(out_.get());
  const std::size_t base = result_.energy.size();
  result_.energy.resize(base + static_cast<std::size_t>(p_.bands), 0.0f);
  float* e = result_.energy.data() + base;
  for (int b = 0; b < p_.bands; ++b) {
    float sum = 0;
    for (int k = band_lo_[b]; k < band_hi_[b]; ++k) {
      sum += bins[2 * k] * bins[2 * k] + bins[2 * k + 1] * bins[2 * k + 1];
    }
    e[b] = sum;
  }
  ++result_.frames;
}

BandEnergies EnvelopeBuilder::Finish() {
  BandEnergies r = std::move(result_);
  result_ = BandEnergies();
  result_.params = p_;
  pending_.clear();
  next_ = 0;
  return r;
}

namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(const std::vector<std::uint8_t>& in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::uint32_t v = (static_cast<std::uint32_t>(in[i]) << 16) |
                            (i + 1 < in.size() ? static_cast<std::uint32_t>(in[i + 1]) << 8 : 0) |
                            (i + 2 < in.size() ? in[i + 2] : 0);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kBase64[v & 63] : '=';
  }
  return out;
}

Result<std::vector<std::uint8_t>> FromBase64(const std::string& in) {
  std::vector<std::uint8_t> out;
  out.reserve(in.size() / 4 * 3);
  std::uint32_t v = 0;
  int bits = 0;
  for (char ch : in) {
    if (ch == '=') break;
    const char* p = std::strchr(kBase64, ch);
    if (!p || ch == '\0') return Corrupt("stored envelope: bad base64");
    v = (v << 6) | static_cast<std::uint32_t>(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((v >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace

nlohmann::ordered_json EnvelopeJson(const StoredEnvelope& e, const std::string& file) {
  const BandEnergies& b = e.energies;
  float ref = 0;
  for (float v : b.energy) ref = std::max(ref, v);
  std::vector<std::uint8_t> q(b.energy.size(), 0);
  if (ref > 0) {
    for (std::size_t i = 0; i < q.size(); ++i) {
      const double db = b.energy[i] > 0 ? 10 * std::log10(b.energy[i] / ref) : -200;
      q[i] = static_cast<std::uint8_t>(std::clamp(std::lround(255 + 2 * db), 0L, 255L));
    }
  }
  nlohmann::ordered_json j;
  j["file"] = file;
  j["sample_rate"] = b.params.sample_rate;
  j["window"] = b.params.window;
  j["hop"] = b.params.hop;
  j["bands"] = b.params.bands;
  j["f_lo"] = b.params.f_lo;
  j["f_hi"] = b.params.f_hi;
  j["start_s"] = e.start_s;
  j["duration_s"] = e.duration_s;
  j["peak_dbfs"] = e.peak_dbfs;
  j["frames"] = b.frames;
  j["ref"] = ref;
  j["data"] = Base64(q);
  return j;
}

Result<StoredEnvelope> EnvelopeFromJson(const nlohmann::json& j) {
  StoredEnvelope e;
  BandEnergies& b = e.energies;
  std::vector<std::uint8_t> q;
  double ref = 0;
  try {
    b.params.sample_rate = j.at("sample_rate").get<int>();
    b.params.window = j.at("window").get<int>();
    b.params.hop = j.at("hop").get<int>();
    b.params.bands = j.at("bands").get<int>();
    b.params.f_lo = j.at("f_lo").get<float>();
    b.params.f_hi = j.at("f_hi").get<float>();
    e.start_s = j.at("start_s").get<double>();
    e.duration_s = j.at("duration_s").get<double>();
    e.peak_dbfs = j.value("peak_dbfs", -200.0);
    b.frames = j.at("frames").get<std::int64_t>();
    ref = j.at("ref").get<double>();
    SL_ASSIGN_OR_RETURN(q, FromBase64(j.at("data").get<std::string>()));
  } catch (const nlohmann::json::exception& ex) {
    return Corrupt(std::string("stored envelope: ") + ex.what());
  }
  if (b.params.bands < 1 || b.params.bands > 64 || b.frames < 0 ||
      q.size() != static_cast<std::size_t>(b.frames) * static_cast<std::size_t>(b.params.bands)) {
    return Corrupt("stored envelope: sizes do not agree");
  }
  b.energy.resize(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) {
    b.energy[i] = q[i] == 0 ? 0.0f : static_cast<float>(ref * std::pow(10.0, (q[i] - 255) / 20.0));
  }
  return e;
}

std::string EnvelopeParamsJson(const EnvelopeParams& p) {
  return nlohmann::json({{"rate", p.sample_rate},
                         {"window", p.window},
                         {"hop", p.hop},
                         {"bands", p.bands},
                         {"f_lo", p.f_lo},
                         {"f_hi", p.f_hi}})
      .dump();
}

std::vector<float> OnsetStrength(const BandEnergies& e) {
  const auto bands = static_cast<std::size_t>(e.params.bands);
  const auto frames = static_cast<std::size_t>(e.frames);
  std::vector<float> out(frames * bands, 0.0f);
  if (frames < 2) return out;
  for (std::size_t b = 0; b < bands; ++b) {
    double mean = 0;
    for (std::size_t t = 0; t < frames; ++t) mean += e.energy[t * bands + b];
    mean /= static_cast<double>(frames);
    if (!(mean > 0)) continue;
    const double floor = 0.05 * mean;
    double prev = std::log(e.energy[b] + floor);
    double sum = 0, sum2 = 0;
    for (std::size_t t = 1; t < frames; ++t) {
      const double cur = std::log(e.energy[t * bands + b] + floor);
      const double d = std::max(0.0, cur - prev);
      prev = cur;
      out[t * bands + b] = static_cast<float>(d);
      sum += d;
      sum2 += d * d;
    }
    const double n = static_cast<double>(frames);
    const double m = sum / n;
    const double var = sum2 / n - m * m;
    if (!(var > 1e-12)) {
      for (std::size_t t = 0; t < frames; ++t) out[t * bands + b] = 0;
      continue;
    }
    const double inv = 1.0 / std::sqrt(var);
    for (std::size_t t = 0; t < frames; ++t) {
      out[t * bands + b] = static_cast<float>((out[t * bands + b] - m) * inv);
    }
  }
  return out;
}

}  // namespace sightline::signals::audio

#include "report/waveform.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/markup.h"
#include "media/audio_source.h"

namespace sightline::report {

namespace {

constexpr int kRate = 8000;  // Hz: levels need no more

class LevelMeter : public media::AudioConsumer {
 public:
  LevelMeter(double from_s, double to_s, int bins)
      : from_(from_s), to_(to_s), sum2_(bins, 0.0), count_(bins, 0) {}

  Status OnAudio(const media::AudioBlock& block) override {
    const double bin_s = (to_ - from_) / static_cast<double>(sum2_.size());
    for (std::int64_t i = 0; i < block.frames; ++i) {
      const double t = block.t + static_cast<double>(i) / block.sample_rate;
      if (t < from_) continue;
      if (t >= to_) {
        done_ = true;
        return Internal("past the stretch");
      }
      const auto k = std::min(sum2_.size() - 1, static_cast<std::size_t>((t - from_) / bin_s));
      sum2_[k] += static_cast<double>(block.data[i]) * block.data[i];
      ++count_[k];
    }
    return Status::Ok();
  }

  bool done() const { return done_; }

  std::vector<double> Levels() const {
    std::vector<double> out(sum2_.size(), 0.0);
    for (std::size_t k = 0; k < out.size(); ++k) {
      if (count_[k] == 0) continue;
      const double rms = std::sqrt(sum2_[k] / count_[k]);
      const double db = 20 * std::log10(std::max(rms, 1e-6));
      out[k] = std::round(std::clamp((db + 60) / 60, 0.0, 1.0) * 1000) / 1000;
    }
    return out;
  }

 private:
  double from_, to_;
  std::vector<double> sum2_;
  std::vector<std::int64_t> count_;
  bool done_ = false;
};

std::string Fixed(double v, const char* format = "%.1f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// "M x0 mid L … " of the levels drawn away from `mid` by up to `amp` (sign gives the side), back
// along the middle line.
std::string Area(const std::vector<double>& levels, double left, double width, double mid,
                 double amp) {
  const double step = width / static_cast<double>(levels.size());
  std::string d = "M" + Fixed(left) + " " + Fixed(mid);
  for (std::size_t k = 0; k < levels.size(); ++k) {
    const double y = mid - amp * levels[k];
    d += "L" + Fixed(left + step * k) + " " + Fixed(y) + "L" + Fixed(left + step * (k + 1)) + " " +
         Fixed(y);
  }
  return d + "L" + Fixed(left + width) + " " + Fixed(mid) + "Z";
}

}  // namespace

Result<std::vector<double>> SoundLevels(const std::string& path, double from_s, double to_s,
                                        int bins) {
  if (bins <= 0 || !(to_s > from_s)) return InvalidArgument("an empty stretch of sound");
  media::AudioSourceOptions o;
  o.sample_rate = kRate;
  o.resampling = media::Resampling::kFast;
  o.block_samples = 4096;
  LevelMeter meter(from_s, to_s, bins);
  Result<media::AudioSummary> decoded = media::DecodeAudio(path, o, meter);
  if (!decoded.ok() && !meter.done()) return decoded.status();
  return meter.Levels();
}

std::string SyncedWaveformSvg(const std::vector<double>& a, const std::vector<double>& b,
                              double from_s, double to_s, const std::string& label_a,
                              const std::string& label_b, int width) {
  if (a.empty() || b.empty() || !(to_s > from_s)) return "";
  constexpr int kHeight = 170, kLeft = 10, kTop = 22, kAmp = 55;
  const double plot = width - 2 * kLeft;
  const double mid = kTop + kAmp;
  std::string svg = "<svg class=\"waveform\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(kHeight) + "\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(kHeight) +
                    "\" role=\"img\" aria-label=\"the two soundtracks on one clock\" "
                    "font-family=\"sans-serif\" font-size=\"12\">";
  svg += "<path d=\"" + Area(a, kLeft, plot, mid, kAmp) + "\" fill=\"#2e6fb7\"/>";
  svg += "<path d=\"" + Area(b, kLeft, plot, mid, -kAmp) + "\" fill=\"#d9822b\"/>";
  svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"14\" fill=\"#2e6fb7\">" +
         EscapeMarkup(label_a) + "</text><text x=\"" + std::to_string(kLeft) + "\" y=\"" +
         std::to_string(kTop + 2 * kAmp + 14) + "\" fill=\"#d9822b\">" + EscapeMarkup(label_b) +
         "</text>";
  // Time ticks: about six, at round seconds of a's clock.
  const double span = to_s - from_s;
  double tick = 1;
  for (double t : {0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0}) {
    tick = t;
    if (span / t <= 8) break;
  }
  const int axis = kTop + 2 * kAmp + 20;
  for (double t = std::ceil(from_s / tick) * tick; t <= to_s + 1e-9; t += tick) {
    const double x = kLeft + (t - from_s) / span * plot;
    svg += "<path d=\"M" + Fixed(x) + " " + std::to_string(kTop) + "V" + std::to_string(axis - 10) +
           "\" stroke=\"#999\" stroke-width=\"0.5\"/><text x=\"" + Fixed(x) + "\" y=\"" +
           std::to_string(axis + 4) + "\" text-anchor=\"middle\" fill=\"#444\">" +
           Fixed(t, tick < 1 ? "%.1f s" : "%.0f s") + "</text>";
  }
  return svg + "</svg>";
}

}  // namespace sightline::report

#include "signals/audio/fingerprint.h"

#include <chromaprint.h>

#include <algorithm>
#include <cmath>

#include "media/audio_source.h"

namespace sightline::signals::audio {

namespace {

struct ContextDeleter {
  void operator()(ChromaprintContext* c) const { chromaprint_free(c); }
};
struct ChromaprintMemory {
  void operator()(void* p) const { chromaprint_dealloc(p); }
};

}  // namespace

struct FingerprintBuilder::Context {
  std::unique_ptr<ChromaprintContext, ContextDeleter> ctx;
  bool started = false;
};

FingerprintBuilder::FingerprintBuilder(int sample_rate)
    : ctx_(std::make_unique<Context>()), sample_rate_(sample_rate) {
  ctx_->ctx.reset(chromaprint_new(CHROMAPRINT_ALGORITHM_DEFAULT));
  if (ctx_->ctx) ctx_->started = chromaprint_start(ctx_->ctx.get(), sample_rate, 1) == 1;
}

FingerprintBuilder::~FingerprintBuilder() = default;

Status FingerprintBuilder::Feed(const float* samples, std::int64_t n) {
  if (!ctx_->started) return Internal("Chromaprint could not be started");
  while (n > 0) {
    const std::int64_t k = std::min<std::int64_t>(n, 1 << 15);
    buf_.resize(static_cast<std::size_t>(k));
    for (std::int64_t i = 0; i < k; ++i) {
      buf_[static_cast<std::size_t>(i)] =
          static_cast<std::int16_t>(std::lround(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f));
    }
    if (chromaprint_feed(ctx_->ctx.get(), buf_.data(), static_cast<int>(k)) != 1) {
      return Internal("Chromaprint refused the audio");
    }
    samples += k;
    n -= k;
    fed_ += k;
  }
  return Status::Ok();
}

Result<AudioFingerprint> FingerprintBuilder::Finish(double start_s) {
  if (!ctx_->started) return Internal("Chromaprint could not be started");
  ChromaprintContext* c = ctx_->ctx.get();
  if (chromaprint_finish(c) != 1) return Internal("Chromaprint could not finish");
  AudioFingerprint fp;
  std::uint32_t* raw = nullptr;
  int size = 0;
  if (chromaprint_get_raw_fingerprint(c, &raw, &size) != 1) {
    return Internal("Chromaprint gave no fingerprint");
  }
  std::unique_ptr<void, ChromaprintMemory> owner(raw);
  fp.words.assign(raw, raw + std::max(size, 0));
  fp.algorithm =
      CHROMAPRINT_ALGORITHM_DEFAULT;  // (chromaprint_get_algorithm is not exported by 1.5)
  fp.sample_rate = sample_rate_;
  fp.item_s = chromaprint_get_item_duration_ms(c) / 1000.0;
  if (chromaprint_get_item_duration(c) > 0 && chromaprint_get_sample_rate(c) > 0) {
    fp.item_s =
        static_cast<double>(chromaprint_get_item_duration(c)) / chromaprint_get_sample_rate(c);
    fp.delay_s = static_cast<double>(chromaprint_get_delay(c)) / chromaprint_get_sample_rate(c);
  }
  fp.start_s = start_s;
  fp.duration_s = static_cast<double>(fed_) / sample_rate_;
  return fp;
}

Result<std::string> EncodeFingerprint(const AudioFingerprint& fp) {
  if (fp.words.empty()) return std::string();
  char* text = nullptr;
  int size = 0;
  if (chromaprint_encode_fingerprint(fp.words.data(), static_cast<int>(fp.words.size()),
                                     fp.algorithm, &text, &size, 1) != 1) {
    return Internal("Chromaprint cannot encode the fingerprint");
  }
  std::unique_ptr<void, ChromaprintMemory> owner(text);
  return std::string(text, static_cast<std::size_t>(size));
}

Result<std::vector<std::uint32_t>> DecodeFingerprint(const std::string& text, int* algorithm) {
  if (text.empty()) return std::vector<std::uint32_t>();
  std::uint32_t* raw = nullptr;
  int size = 0;
  int algo = 0;
  if (chromaprint_decode_fingerprint(text.data(), static_cast<int>(text.size()), &raw, &size, &algo,
                                     1) != 1 ||
      size < 0) {
    return Corrupt("not a Chromaprint fingerprint");
  }
  std::unique_ptr<void, ChromaprintMemory> owner(raw);
  if (algorithm) *algorithm = algo;
  return std::vector<std::uint32_t>(raw, raw + size);
}

nlohmann::ordered_json FingerprintJson(const AudioFingerprint& fp, const std::string& file) {
  nlohmann::ordered_json j;
  j["file"] = file;
  j["algorithm"] = fp.algorithm;
  j["sample_rate"] = fp.sample_rate;
  j["item_s"] = fp.item_s;
  j["delay_s"] = fp.delay_s;
  j["start_s"] = fp.start_s;
  j["duration_s"] = fp.duration_s;
  j["words"] = fp.words.size();
  auto text = EncodeFingerprint(fp);
  j["chromaprint"] = text.ok() ? *text : "";
  j["chromaprint_version"] = chromaprint_get_version();
  return j;
}

Result<AudioFingerprint> FingerprintFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("chromaprint") || !j["chromaprint"].is_string()) {
    return Corrupt("stored fingerprint has no \"chromaprint\" text");
  }
  AudioFingerprint fp;
  try {
    fp.sample_rate = j.value("sample_rate", 0);
    fp.item_s = j.value("item_s", 0.0);
    fp.delay_s = j.value("delay_s", 0.0);
    fp.start_s = j.value("start_s", 0.0);
    fp.duration_s = j.value("duration_s", 0.0);
  } catch (const nlohmann::json::exception& e) {
    return Corrupt(std::string("stored fingerprint: ") + e.what());
  }
  SL_ASSIGN_OR_RETURN(fp.words,
                      DecodeFingerprint(j["chromaprint"].get<std::string>(), &fp.algorithm));
  if (!(fp.item_s > 0)) return Corrupt("stored fingerprint has no item duration");
  return fp;
}

std::string FingerprintParamsJson() {
  return nlohmann::json({{"algorithm", CHROMAPRINT_ALGORITHM_DEFAULT}, {"rate", 11025}}).dump();
}

namespace {

class FingerprintConsumer : public media::AudioConsumer {
 public:
  explicit FingerprintConsumer(int sample_rate) : builder_(sample_rate) {}
  Status OnAudio(const media::AudioBlock& b) override { return builder_.Feed(b.data, b.frames); }
  FingerprintBuilder& builder() { return builder_; }

 private:
  FingerprintBuilder builder_;
};

}  // namespace

Result<AudioFingerprint> FingerprintFile(const std::string& path,
                                         std::chrono::milliseconds deadline) {
  constexpr int kRate = 11025;  // Chromaprint's own rate: its resampler is not needed
  FingerprintConsumer consumer(kRate);
  media::AudioSourceOptions source;
  source.sample_rate = kRate;
  source.mono = true;
  // Chromaprint reads up to about 3.5 kHz: the shorter resampling filter loses nothing it uses.
  source.resampling = media::Resampling::kFast;
  source.block_samples = 8192;
  source.deadline = deadline;
  SL_ASSIGN_OR_RETURN(media::AudioSummary summary, media::DecodeAudio(path, source, consumer));
  return consumer.builder().Finish(summary.start_s);
}

}  // namespace sightline::signals::audio

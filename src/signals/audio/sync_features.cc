#include "signals/audio/sync_features.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "media/audio_source.h"

namespace sightline::signals::audio {

bool PcmBudget::Take(std::int64_t bytes) {
  std::int64_t left = left_.load();
  while (left >= bytes) {
    if (left_.compare_exchange_weak(left, left - bytes)) return true;
  }
  return false;
}

PcmStore::PcmStore(int sample_rate, PcmBudget* budget)
    : sample_rate_(sample_rate), budget_(budget) {}

PcmStore::~PcmStore() {
  if (budget_ && taken_ > 0) budget_->Give(taken_);
}

Status PcmStore::Append(const float* samples, std::int64_t n) {
  convert_.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    convert_[static_cast<std::size_t>(i)] =
        static_cast<std::int16_t>(std::lrintf(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f));
  }
  return Append(convert_.data(), n);
}

Status PcmStore::Append(const std::int16_t* data, std::int64_t n) {
  while (n > 0) {
    if (!file_.valid()) {
      if (chunks_.empty() || static_cast<std::int64_t>(chunks_.back().size()) == kChunk) {
        if (budget_ && !budget_->Take(kChunk * 2)) {
          return Spill(data, n);
        }
        if (budget_) taken_ += kChunk * 2;
        chunks_.emplace_back();
        chunks_.back().reserve(kChunk);
      }
      auto& c = chunks_.back();
      const std::int64_t k =
          std::min<std::int64_t>(n, kChunk - static_cast<std::int64_t>(c.size()));
      c.insert(c.end(), data, data + k);
      memory_size_ += k;
      size_ += k;
      data += k;
      n -= k;
    } else {
      return Spill(data, n);
    }
  }
  return Status::Ok();
}

Status PcmStore::Spill(const std::int16_t* data, std::int64_t n) {
  if (!file_.valid()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/sightline-pcm-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    if (fd < 0) return ErrnoStatus(pattern, "cannot create a temporary file for audio", errno);
    unlink(name.data());
    file_ = UniqueFd(fd);
  }
  const std::int64_t offset = (size_ - memory_size_) * 2;
  const auto bytes = static_cast<std::size_t>(n) * 2;
  std::size_t done = 0;
  while (done < bytes) {
    ssize_t w = pwrite(file_.get(), reinterpret_cast<const char*>(data) + done, bytes - done,
                       static_cast<off_t>(offset + static_cast<std::int64_t>(done)));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return ErrnoStatus("temporary audio file", "cannot write", errno);
    done += static_cast<std::size_t>(w);
  }
  size_ += n;
  return Status::Ok();
}

Status PcmStore::Read(std::int64_t start, std::int64_t n, float* out) const {
  constexpr float kScale = 1.0f / 32767.0f;
  std::int64_t i = 0;
  // Before the start and past the end: zeros.
  for (; i < n && start + i < 0; ++i) out[i] = 0;
  // From memory.
  while (i < n && start + i < memory_size_) {
    const std::int64_t pos = start + i;
    const auto& c = chunks_[static_cast<std::size_t>(pos / kChunk)];
    const std::int64_t off = pos % kChunk;
    const std::int64_t k = std::min(n - i, static_cast<std::int64_t>(c.size()) - off);
    for (std::int64_t j = 0; j < k; ++j) out[i + j] = c[static_cast<std::size_t>(off + j)] * kScale;
    i += k;
  }
  // From the file.
  if (i < n && start + i < size_) {
    const std::int64_t pos = start + i;
    const std::int64_t k = std::min(n - i, size_ - pos);
    std::vector<std::int16_t> buf(static_cast<std::size_t>(k));
    const auto bytes = static_cast<std::size_t>(k) * 2;
    std::size_t done = 0;
    while (done < bytes) {
      ssize_t r =
          pread(file_.get(), reinterpret_cast<char*>(buf.data()) + done, bytes - done,
                static_cast<off_t>((pos - memory_size_) * 2 + static_cast<std::int64_t>(done)));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return ErrnoStatus("temporary audio file", "cannot read", errno);
      done += static_cast<std::size_t>(r);
    }
    for (std::int64_t j = 0; j < k; ++j) out[i + j] = buf[static_cast<std::size_t>(j)] * kScale;
    i += k;
  }
  for (; i < n; ++i) out[i] = 0;
  return Status::Ok();
}

namespace {

class FeatureConsumer : public media::AudioConsumer {
 public:
  FeatureConsumer(const SyncFeatureOptions& o, PcmStore* pcm) : options_(o), pcm_(pcm) {
    if (o.fingerprint) fingerprint_ = std::make_unique<FingerprintBuilder>(kSyncSampleRate);
  }

  Status OnAudio(const media::AudioBlock& b) override {
    envelope_.Feed(b.data, b.frames);
    if (fingerprint_) SL_RETURN_IF_ERROR(fingerprint_->Feed(b.data, b.frames));
    // Level and clipping, then the 16-bit copy: two passes simple enough for the compiler to
    // vectorise (a branch per sample here cost 5 % of a whole sync).
    const auto n = static_cast<std::size_t>(b.frames);
    pcm16_.resize(n);
    // Eight partial sums so that the compiler can keep them in one vector register.
    float energy[8] = {}, peak[8] = {};
    std::int32_t clipped[8] = {};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      for (std::size_t k = 0; k < 8; ++k) {
        const float v = b.data[i + k];
        const float a = std::fabs(v);
        energy[k] += v * v;
        peak[k] = std::max(peak[k], a);
        clipped[k] += a >= 0.999f ? 1 : 0;
      }
    }
    for (; i < n; ++i) {
      const float v = b.data[i];
      energy[0] += v * v;
      peak[0] = std::max(peak[0], std::fabs(v));
      clipped[0] += std::fabs(v) >= 0.999f ? 1 : 0;
    }
    // Rounded half away from zero, without a branch; eight at a time, as above. DecodeAudio's
    // samples are within [-1, 1] (media/audio_source.h), so no clamp (one would stop the
    // vectorising).
    const auto to16 = [](float v) {
      const float c = v * 32767.0f;
      return static_cast<std::int16_t>(static_cast<std::int32_t>(c + std::copysign(0.5f, c)));
    };
    const float* data = b.data;
    std::int16_t* pcm16 = pcm16_.data();
    std::size_t j = 0;
    for (; j + 8 <= n; j += 8) {
      for (std::size_t k = 0; k < 8; ++k) pcm16[j + k] = to16(data[j + k]);
    }
    for (; j < n; ++j) pcm16[j] = to16(data[j]);
    for (std::size_t k = 0; k < 8; ++k) {
      energy_ += energy[k];
      peak_ = std::max(peak_, static_cast<double>(peak[k]));
      clipped_ += clipped[k];
    }
    if (pcm_) SL_RETURN_IF_ERROR(pcm_->Append(pcm16_.data(), b.frames));
    count_ += b.frames;
    if (options_.on_progress) {
      options_.on_progress(b.t + static_cast<double>(b.frames) / b.sample_rate);
    }
    return Status::Ok();
  }

  std::vector<std::int16_t> pcm16_;
  EnvelopeBuilder envelope_;
  const SyncFeatureOptions& options_;
  PcmStore* pcm_;
  std::unique_ptr<FingerprintBuilder> fingerprint_;
  double energy_ = 0, peak_ = 0;
  std::int64_t clipped_ = 0, count_ = 0;
};

double Dbfs(double amplitude) { return amplitude > 1e-10 ? 20 * std::log10(amplitude) : -200; }

}  // namespace

Result<SyncFeatures> ExtractSyncFeatures(const std::string& path,
                                         const SyncFeatureOptions& options) {
  std::shared_ptr<PcmStore> pcm;
  if (options.keep_pcm) pcm = std::make_shared<PcmStore>(kSyncSampleRate, options.budget);
  FeatureConsumer consumer(options, pcm.get());
  media::AudioSourceOptions source;
  source.sample_rate = kSyncSampleRate;
  source.mono = true;
  // The slightly shorter filter keeps the band this uses and cuts the resampling, once a sixth of
  // a sync's CPU (doc/sync.md, Measurements).
  source.resampling = media::Resampling::kFast;
  source.block_samples = 8192;
  source.deadline = options.deadline;
  SL_ASSIGN_OR_RETURN(media::AudioSummary summary, media::DecodeAudio(path, source, consumer));
  SyncFeatures f;
  f.file = path;
  f.start_s = summary.start_s;
  f.duration_s = summary.duration_s;
  f.codec = summary.codec;
  f.source_sample_rate = summary.source_sample_rate;
  f.source_channels = summary.source_channels;
  f.warnings = std::move(summary.warnings);
  f.envelope = consumer.envelope_.Finish();
  if (consumer.count_ > 0) {
    f.rms_dbfs = Dbfs(std::sqrt(consumer.energy_ / static_cast<double>(consumer.count_)));
    f.peak_dbfs = Dbfs(consumer.peak_);
    f.clipped_fraction = static_cast<double>(consumer.clipped_) / consumer.count_;
  }
  f.pcm = std::move(pcm);
  if (options.fingerprint) {
    SL_ASSIGN_OR_RETURN(AudioFingerprint fp, consumer.fingerprint_->Finish(summary.start_s));
    f.fingerprint = std::move(fp);
  }
  return f;
}

}  // namespace sightline::signals::audio

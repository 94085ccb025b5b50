// What the sync needs from one file, extracted in one decoding pass (media::DecodeAudio at
// 11025 Hz mono): the band-energy envelope (signals/audio/envelope.h) for the coarse search, a
// 16-bit copy of the PCM for sample-level refinement, a level summary (to call silence silence),
// and, when asked, the Chromaprint fingerprint from the same samples.
//
// Memory: the envelope takes 32 bytes per 10 ms (12 MB for 3 hours); the PCM copy 22 KB per
// second. PCM stays in memory within a budget shared by all files of one run (PcmBudget) and goes
// to an unlinked temporary file beyond it, so hours of audio, or hundreds of clips, sync in bounded
// memory.
//
// Thread safety: ExtractSyncFeatures may run on several threads at once (a PcmBudget is shared
// safely); a PcmStore is read-only once extracted and may be read from several threads.
#ifndef SIGHTLINE_SIGNALS_AUDIO_SYNC_FEATURES_H_
#define SIGHTLINE_SIGNALS_AUDIO_SYNC_FEATURES_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/status.h"
#include "signals/audio/envelope.h"
#include "signals/audio/fingerprint.h"

namespace sightline::signals::audio {

constexpr int kSyncSampleRate = 11025;

// Bytes of PCM the files of one run may keep in memory together.
class PcmBudget {
 public:
  explicit PcmBudget(std::int64_t bytes) : left_(bytes) {}
  // Takes `bytes` from the budget when they are there.
  bool Take(std::int64_t bytes);
  void Give(std::int64_t bytes) { left_ += bytes; }

 private:
  std::atomic<std::int64_t> left_;
};

// Mono 16-bit PCM, appended once, then read by position.
class PcmStore {
 public:
  PcmStore(int sample_rate, PcmBudget* budget);
  ~PcmStore();
  PcmStore(const PcmStore&) = delete;
  PcmStore& operator=(const PcmStore&) = delete;

  Status Append(const float* samples, std::int64_t n);  // clamped to [-1, 1], rounded
  Status Append(const std::int16_t* samples, std::int64_t n);
  // Samples [start, start + n) as floats in [-1, 1]; zeros outside the stored range.
  Status Read(std::int64_t start, std::int64_t n, float* out) const;
  std::int64_t size() const { return size_; }
  int sample_rate() const { return sample_rate_; }
  bool spilled() const { return file_.valid(); }

 private:
  static constexpr std::int64_t kChunk = 1 << 16;  // samples per in-memory chunk
  Status Spill(const std::int16_t* data, std::int64_t n);
  int sample_rate_;
  PcmBudget* budget_;
  std::int64_t taken_ = 0;                         // bytes taken from the budget
  std::vector<std::vector<std::int16_t>> chunks_;  // in memory: samples [0, memory_size_)
  std::int64_t memory_size_ = 0;
  UniqueFd file_;  // beyond: samples [memory_size_, size_) in an unlinked temporary file
  std::int64_t size_ = 0;
  std::vector<std::int16_t> convert_;
};

struct SyncFeatures {
  std::string file;
  double start_s = 0;     // time of the first sample on the file's clock
  double duration_s = 0;  // of the decoded audio
  std::string codec;
  int source_sample_rate = 0, source_channels = 0;
  double rms_dbfs = -200;       // level of the whole file
  double peak_dbfs = -200;      // largest sample
  double clipped_fraction = 0;  // of samples at full scale
  BandEnergies envelope;
  std::shared_ptr<const PcmStore> pcm;  // null when not kept
  std::optional<AudioFingerprint> fingerprint;
  std::vector<std::string> warnings;  // from decoding, each naming its time
  int sample_rate() const { return envelope.params.sample_rate; }
};

struct SyncFeatureOptions {
  bool keep_pcm = true;
  bool fingerprint = false;
  PcmBudget* budget = nullptr;  // null: everything in memory
  std::chrono::milliseconds deadline{std::chrono::hours(6)};
  std::function<void(double)> on_progress;  // told the time reached, seconds
};

// Decodes `path` once and extracts the sync features. Fails, naming the file, when it has no
// audio or none decodes.
Result<SyncFeatures> ExtractSyncFeatures(const std::string& path,
                                         const SyncFeatureOptions& options);

}  // namespace sightline::signals::audio

#endif  // SIGHTLINE_SIGNALS_AUDIO_SYNC_FEATURES_H_

#include "media/audio_source.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "base/file.h"
#include "media/ffmpeg_util.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
}

namespace sightline::media {

namespace {

struct SwrDeleter {
  void operator()(SwrContext* c) const { swr_free(&c); }
};
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;

struct ChannelLayoutOwner {
  AVChannelLayout layout{};
  ChannelLayoutOwner() = default;
  ~ChannelLayoutOwner() { av_channel_layout_uninit(&layout); }
  ChannelLayoutOwner(const ChannelLayoutOwner&) = delete;
  ChannelLayoutOwner& operator=(const ChannelLayoutOwner&) = delete;
};

// Timestamps may disagree with the sample count by container rounding (Matroska and FLV keep
// milliseconds): differences below this are jitter, not gaps.
constexpr double kJitterS = 0.002;
// Gaps and overlaps at least this long are named in a warning.
constexpr double kReportS = 0.005;
// A jump in timestamps beyond this is a discontinuity (a spliced or re-stamped file), not a gap:
// decoding continues without filling, so that a hostile timestamp cannot ask for hours of silence.
constexpr double kMaxFillS = 600.0;
constexpr double kMaxOverlapS = 1.0;
constexpr std::size_t kMaxWarnings = 50;
// libswresample's filter_size for Resampling::kFast (its default, kFull, is 32). Measured at
// 48 kHz to 11025 Hz (audio_source_test.cc): flat to 4 kHz, -2 dB at 5 kHz (the default: -1.3),
// 6 kHz aliased back 25 dB down (the default: 36), all above 6.5 kHz at least 60 dB down. Shorter
// filters cost less still (16: about half the default's time; 8: 40 %) but roll off and alias
// more (8: -1.4 dB at 4 kHz, 6-7 kHz aliased back only 10-20 dB down), and both turned one
// borderline pair of the sync bench (significance 8.00 against a threshold of 8) into a false one.
constexpr int kFastFilterSize = 24;

std::string Seconds3(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", t);
  return buf;
}

class Pipeline {
 public:
  Pipeline(const std::string& path, const AudioSourceOptions& options, AudioConsumer& consumer)
      : path_(path), options_(options), consumer_(consumer) {}

  Result<AudioSummary> Run() {
    if (options_.sample_rate < 1000 || options_.sample_rate > 384000) {
      return InvalidArgument("audio sample rate must be between 1000 and 384000 Hz");
    }
    if (options_.block_samples < 1 || options_.block_samples > (1 << 22)) {
      return InvalidArgument("audio block size must be between 1 and 4194304 samples");
    }
    DemuxOptions demux_options;
    demux_options.deadline = options_.deadline;
    SL_ASSIGN_OR_RETURN(demuxer_, Demuxer::Open(path_, demux_options));
    AVFormatContext* fmt = demuxer_->format();
    int index = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (index < 0) {
      return Unsupported(DisplayPath(path_) + ": no audio stream (a silent video or a picture?)");
    }
    stream_ = fmt->streams[index];
    for (unsigned i = 0; i < fmt->nb_streams; ++i) {
      if (static_cast<int>(i) != index) fmt->streams[i]->discard = AVDISCARD_ALL;
    }
    reference_s_ = ReferenceTime(fmt);
    const AVCodecParameters* par = stream_->codecpar;
    summary_.codec = avcodec_get_name(par->codec_id);
    summary_.source_sample_rate = par->sample_rate;
    summary_.source_channels = par->ch_layout.nb_channels;

    auto decoder = OpenDecoder(stream_);
    if (!decoder.ok()) return decoder.status().WithContext(DisplayPath(path_));
    decoder_ = std::move(decoder).value();

    PacketPtr packet = MakePacket();
    frame_ = MakeFrame();
    pending_ = MakeFrame();
    silence_ = MakeFrame();
    if (!packet || !frame_ || !pending_ || !silence_) return Internal("out of memory");
    for (;;) {
      if (demuxer_->DeadlinePassed()) {
        return IoError(DisplayPath(path_) + ": gave up decoding audio: time limit");
      }
      Result<bool> more = demuxer_->ReadPacket(packet.get());
      if (!more.ok()) {
        if (demuxer_->DeadlinePassed()) return more.status();
        // A read error mid-file is damage: keep what was decoded.
        Warn(last_t_, "the file cannot be read further (" + more.status().message() + ")");
        break;
      }
      if (!*more) break;
      if (packet->stream_index != stream_->index) continue;
      if (packet->flags & AV_PKT_FLAG_CORRUPT) Warn(PacketTime(packet.get()), "corrupt packet");
      int rc = avcodec_send_packet(decoder_.get(), packet.get());
      if (rc < 0 && rc != AVERROR(EAGAIN)) Warn(PacketTime(packet.get()), AvErrorText(rc));
      SL_RETURN_IF_ERROR(Drain());
    }
    avcodec_send_packet(decoder_.get(), nullptr);
    SL_RETURN_IF_ERROR(Drain());
    SL_RETURN_IF_ERROR(FlushPending());
    SL_RETURN_IF_ERROR(FlushResampler());
    SL_RETURN_IF_ERROR(Deliver(/*final=*/true));
    if (!started_) {
      std::string why = summary_.warnings.empty() ? "" : " (" + summary_.warnings.front() + ")";
      return Corrupt(DisplayPath(path_) + ": no audio could be decoded" + why);
    }
    if (suppressed_warnings_ > 0) {
      summary_.warnings.push_back(std::to_string(suppressed_warnings_) +
                                  " more damaged stretches not listed");
    }
    summary_.frames = delivered_;
    summary_.duration_s = static_cast<double>(delivered_) / options_.sample_rate;
    return std::move(summary_);
  }

 private:
  // The zero of the file's clock: the first video frame's time when there is video (so that audio
  // and frame times agree, media/frame_source.h), else the container's start.
  double ReferenceTime(const AVFormatContext* fmt) const {
    int v = av_find_best_stream(const_cast<AVFormatContext*>(fmt), AVMEDIA_TYPE_VIDEO, -1, -1,
                                nullptr, 0);
    if (v >= 0) {
      const AVStream* vs = fmt->streams[v];
      if (!(vs->disposition & AV_DISPOSITION_ATTACHED_PIC) && vs->start_time != AV_NOPTS_VALUE) {
        return static_cast<double>(vs->start_time) * av_q2d(vs->time_base);
      }
    }
    if (fmt->start_time != AV_NOPTS_VALUE) {
      return static_cast<double>(fmt->start_time) / AV_TIME_BASE;
    }
    if (stream_->start_time != AV_NOPTS_VALUE) {
      return static_cast<double>(stream_->start_time) * av_q2d(stream_->time_base);
    }
    return 0;
  }

  double PacketTime(const AVPacket* p) const {
    std::int64_t ts = p->pts != AV_NOPTS_VALUE ? p->pts : p->dts;
    if (ts == AV_NOPTS_VALUE) return last_t_;
    return static_cast<double>(ts) * av_q2d(stream_->time_base) - reference_s_ + shift_s_;
  }

  // One warning per damaged stretch: a new one only a second after the last, at most kMaxWarnings.
  void Warn(double t, const std::string& what) {
    if (t < last_warning_t_ + 1.0 && t >= last_warning_t_ && !summary_.warnings.empty()) return;
    last_warning_t_ = t;
    if (summary_.warnings.size() >= kMaxWarnings) {
      ++suppressed_warnings_;
      return;
    }
    summary_.warnings.push_back("damaged data near " + Seconds3(t) + " s: " + what);
  }

  Status Drain() {
    for (;;) {
      int rc = avcodec_receive_frame(decoder_.get(), frame_.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return Status::Ok();
      if (rc < 0) {
        Warn(last_t_, AvErrorText(rc));
        if (rc == AVERROR(ENOMEM)) return Internal("out of memory while decoding audio");
        continue;
      }
      Status s = OnFrame(frame_.get());
      av_frame_unref(frame_.get());
      if (!s.ok()) return s;
    }
  }

  // The frame's time on the file's clock before any re-basing, or nullopt without a timestamp.
  std::optional<double> RawTime(const AVFrame* f) const {
    if (f->best_effort_timestamp == AV_NOPTS_VALUE) return std::nullopt;
    return static_cast<double>(f->best_effort_timestamp) * av_q2d(stream_->time_base) -
           reference_s_;
  }

  // Frames are held back by one: a frame's timestamp is trusted over the sample count only when
  // the next frame's timestamp agrees with it. Demuxers estimate some timestamps (Ogg Vorbis at
  // block-size changes is off by a few milliseconds, then right again): such a glitch is not a gap.
  Status OnFrame(AVFrame* f) {
    if (f->nb_samples <= 0 || f->sample_rate <= 0 || f->ch_layout.nb_channels <= 0) {
      return Status::Ok();
    }
    if (pending_->nb_samples > 0) {
      SL_RETURN_IF_ERROR(Push(pending_.get(), RawTime(f)));
      av_frame_unref(pending_.get());
    }
    av_frame_move_ref(pending_.get(), f);
    return Status::Ok();
  }

  Status FlushPending() {
    if (pending_->nb_samples <= 0) return Status::Ok();
    Status s = Push(pending_.get(), std::nullopt);
    av_frame_unref(pending_.get());
    return s;
  }

  // Resamples one frame, first filling a confirmed gap before it with silence or dropping a
  // confirmed overlap. `next_raw` is the raw time of the frame after it, when known.
  Status Push(const AVFrame* f, std::optional<double> next_raw) {
    const std::optional<double> raw = RawTime(f);
    double t = raw ? *raw + shift_s_ : next_t_;
    if (f->decode_error_flags || (f->flags & AV_FRAME_FLAG_CORRUPT)) {
      Warn(t, "audio decoded with errors");
    }
    SL_RETURN_IF_ERROR(EnsureResampler(f));
    const double frame_s = static_cast<double>(f->nb_samples) / f->sample_rate;
    // Does the next frame follow this one's timestamp? (At the end there is no witness: trust.)
    const bool confirmed = !next_raw || std::fabs(*next_raw + shift_s_ - (t + frame_s)) <= kJitterS;
    int skip = 0;  // input samples of this frame to drop (overlap with what came before)
    if (!started_) {
      started_ = true;
      summary_.start_s = t;
      next_t_ = t;
    } else if (raw) {
      const double diff = t - next_t_;
      if (std::fabs(diff) <= kJitterS || !confirmed) {
        // On time, or a one-off timestamp error: the sample count keeps the time.
      } else if (diff > kMaxFillS || diff < -kMaxOverlapS) {
        // Discontinuity: carry on from where the stream was, re-basing later timestamps.
        Warn(next_t_, "timestamps jump by " + Seconds3(diff) + " s; continuing without a gap");
        shift_s_ -= diff;
      } else if (diff > 0) {
        const auto missing = static_cast<std::int64_t>(std::llround(diff * f->sample_rate));
        if (diff >= kReportS) {
          Warn(next_t_, "gap of " + Seconds3(diff) + " s in the audio, filled with silence");
        }
        SL_RETURN_IF_ERROR(FeedSilence(f, missing));
        next_t_ += static_cast<double>(missing) / f->sample_rate;
      } else {
        if (-diff >= kReportS) {
          Warn(t, "audio overlaps the previous " + Seconds3(-diff) + " s; overlap dropped");
        }
        skip = static_cast<int>(
            std::min<std::int64_t>(std::llround(-diff * f->sample_rate), f->nb_samples));
      }
    }
    last_t_ = t;
    next_t_ += static_cast<double>(f->nb_samples - skip) / f->sample_rate;
    if (skip >= f->nb_samples) return Status::Ok();
    // Input planes advanced past the dropped samples.
    const int bps = av_get_bytes_per_sample(static_cast<AVSampleFormat>(f->format));
    const bool planar = av_sample_fmt_is_planar(static_cast<AVSampleFormat>(f->format));
    const int channels = f->ch_layout.nb_channels;
    std::vector<const std::uint8_t*> in(planar ? channels : 1);
    for (std::size_t c = 0; c < in.size(); ++c) {
      const std::uint8_t* base = f->extended_data[c];
      in[c] = base + static_cast<std::ptrdiff_t>(skip) * bps * (planar ? 1 : channels);
    }
    return Convert(in.data(), f->nb_samples - skip);
  }

  // (Re)creates the resampler for the frame's format; a change mid-stream flushes the old one.
  Status EnsureResampler(const AVFrame* f) {
    if (swr_ && f->format == in_format_ && f->sample_rate == in_rate_ &&
        av_channel_layout_compare(&f->ch_layout, &frame_layout_.layout) == 0) {
      return Status::Ok();
    }
    if (swr_) SL_RETURN_IF_ERROR(FlushResampler());
    av_channel_layout_uninit(&frame_layout_.layout);
    if (av_channel_layout_copy(&frame_layout_.layout, &f->ch_layout) < 0) {
      return Internal("out of memory");
    }
    av_channel_layout_uninit(&in_layout_.layout);
    if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
      av_channel_layout_default(&in_layout_.layout, f->ch_layout.nb_channels);
    } else if (av_channel_layout_copy(&in_layout_.layout, &f->ch_layout) < 0) {
      return Internal("out of memory");
    }
    if (out_channels_ == 0) {
      out_channels_ = options_.mono ? 1 : f->ch_layout.nb_channels;
      av_channel_layout_uninit(&out_layout_.layout);
      if (options_.mono) {
        av_channel_layout_default(&out_layout_.layout, 1);
      } else if (av_channel_layout_copy(&out_layout_.layout, &in_layout_.layout) < 0) {
        return Internal("out of memory");
      }
      block_.resize(static_cast<std::size_t>(options_.block_samples) * out_channels_);
    }
    SwrContext* raw = nullptr;
    int rc = swr_alloc_set_opts2(&raw, &out_layout_.layout, AV_SAMPLE_FMT_FLT, options_.sample_rate,
                                 &in_layout_.layout, static_cast<AVSampleFormat>(f->format),
                                 f->sample_rate, 0, nullptr);
    SwrPtr swr(raw);
    if (rc < 0 || !swr) return Internal(DisplayPath(path_) + ": cannot set up audio resampling");
    if (options_.resampling == Resampling::kFast &&
        av_opt_set_int(swr.get(), "filter_size", kFastFilterSize, 0) < 0) {
      return Internal(DisplayPath(path_) + ": cannot set up audio resampling (filter size)");
    }
    rc = swr_init(swr.get());
    if (rc < 0) {
      return Unsupported(DisplayPath(path_) + ": cannot resample this audio (" + AvErrorText(rc) +
                         ")");
    }
    swr_ = std::move(swr);
    in_format_ = f->format;
    in_rate_ = f->sample_rate;
    return Status::Ok();
  }

  // Feeds `count` input samples of silence in the frame's format, in pieces.
  Status FeedSilence(const AVFrame* like, std::int64_t count) {
    constexpr int kPiece = 8192;
    const int channels = like->ch_layout.nb_channels;
    const auto format = static_cast<AVSampleFormat>(like->format);
    if (silence_format_ != like->format || silence_channels_ != channels) {
      av_frame_unref(silence_.get());
      silence_->format = like->format;
      silence_->nb_samples = kPiece;
      if (av_channel_layout_copy(&silence_->ch_layout, &in_layout_.layout) < 0 ||
          av_frame_get_buffer(silence_.get(), 0) < 0) {
        return Internal("out of memory");
      }
      av_samples_set_silence(silence_->extended_data, 0, kPiece, channels, format);
      silence_format_ = like->format;
      silence_channels_ = channels;
    }
    const bool planar = av_sample_fmt_is_planar(format);
    std::vector<const std::uint8_t*> in(planar ? channels : 1);
    for (std::size_t c = 0; c < in.size(); ++c) in[c] = silence_->extended_data[c];
    while (count > 0) {
      const int n = static_cast<int>(std::min<std::int64_t>(count, kPiece));
      SL_RETURN_IF_ERROR(Convert(in.data(), n));
      count -= n;
      if (demuxer_->DeadlinePassed()) {
        return IoError(DisplayPath(path_) + ": gave up decoding audio: time limit");
      }
    }
    return Status::Ok();
  }

  Status Convert(const std::uint8_t** in, int n) {
    const int cap = swr_get_out_samples(swr_.get(), n);
    if (cap < 0) return Internal("audio resampling failed");
    scratch_.resize(static_cast<std::size_t>(cap + 16) * out_channels_);
    std::uint8_t* out = reinterpret_cast<std::uint8_t*>(scratch_.data());
    int got = swr_convert(swr_.get(), &out, cap + 16, in, n);
    if (got < 0) return Internal("audio resampling failed: " + AvErrorText(got));
    return Append(scratch_.data(), got);
  }

  Status FlushResampler() {
    if (!swr_) return Status::Ok();
    for (;;) {
      const int cap = std::max(swr_get_out_samples(swr_.get(), 0), 0) + 1024;
      scratch_.resize(static_cast<std::size_t>(cap) * out_channels_);
      std::uint8_t* out = reinterpret_cast<std::uint8_t*>(scratch_.data());
      int got = swr_convert(swr_.get(), &out, cap, nullptr, 0);
      if (got < 0) return Internal("audio resampling failed: " + AvErrorText(got));
      if (got == 0) break;
      SL_RETURN_IF_ERROR(Append(scratch_.data(), got));
    }
    swr_.reset();
    return Status::Ok();
  }

  // Copies resampled samples into the block, clamped to [-1, 1], delivering full blocks.
  Status Append(const float* data, int frames) {
    const std::size_t block_frames = static_cast<std::size_t>(options_.block_samples);
    while (frames > 0) {
      const std::size_t room = block_frames - fill_;
      const std::size_t n = std::min<std::size_t>(room, static_cast<std::size_t>(frames));
      float* dst = block_.data() + fill_ * out_channels_;
      const std::size_t count = n * out_channels_;
      for (std::size_t i = 0; i < count; ++i) dst[i] = std::clamp(data[i], -1.0f, 1.0f);
      fill_ += n;
      data += count;
      frames -= static_cast<int>(n);
      if (fill_ == block_frames) SL_RETURN_IF_ERROR(Deliver(false));
    }
    return Status::Ok();
  }

  Status Deliver(bool final) {
    if (fill_ == 0 || (!final && fill_ < static_cast<std::size_t>(options_.block_samples))) {
      return Status::Ok();
    }
    AudioBlock b;
    b.t = summary_.start_s + static_cast<double>(delivered_) / options_.sample_rate;
    b.sample_rate = options_.sample_rate;
    b.channels = out_channels_;
    b.frames = static_cast<std::int64_t>(fill_);
    b.data = block_.data();
    delivered_ += b.frames;
    fill_ = 0;
    return consumer_.OnAudio(b);
  }

  std::string path_;
  AudioSourceOptions options_;
  AudioConsumer& consumer_;
  std::unique_ptr<Demuxer> demuxer_;
  AVStream* stream_ = nullptr;
  CodecContextPtr decoder_;
  FramePtr frame_, pending_, silence_;
  SwrPtr swr_;
  ChannelLayoutOwner frame_layout_;  // as the decoder gives it
  ChannelLayoutOwner in_layout_;     // the same, with an unspecified order made the default
  ChannelLayoutOwner out_layout_;
  int in_format_ = -1, in_rate_ = 0;
  int silence_format_ = -1, silence_channels_ = 0;
  int out_channels_ = 0;
  std::vector<float> block_, scratch_;
  std::size_t fill_ = 0;
  std::int64_t delivered_ = 0;
  double reference_s_ = 0;
  double shift_s_ = 0;  // added to timestamps after a discontinuity
  bool started_ = false;
  double next_t_ = 0;  // expected time of the next input sample
  double last_t_ = 0;
  double last_warning_t_ = -1e300;
  std::size_t suppressed_warnings_ = 0;
  AudioSummary summary_;
};

}  // namespace

Result<AudioSummary> DecodeAudio(const std::string& path, const AudioSourceOptions& options,
                                 AudioConsumer& consumer) {
  return Pipeline(path, options, consumer).Run();
}

}  // namespace sightline::media

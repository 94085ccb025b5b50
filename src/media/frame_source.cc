#include "media/frame_source.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "base/file.h"
#include "media/exif_reader.h"
#include "media/ffmpeg_util.h"
#include "media/orientation.h"

extern "C" {
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

namespace sightline::media {

namespace {

struct SwsDeleter {
  void operator()(SwsContext* c) const { sws_freeContext(c); }
};

// Degrees clockwise to turn the coded picture upright, from a display matrix (which holds the
// counter-clockwise angle); 0 without one.
int RotationOfMatrix(const std::uint8_t* m, std::size_t size) {
  if (!m || size < 9 * sizeof(std::int32_t)) return 0;
  double angle = av_display_rotation_get(reinterpret_cast<const std::int32_t*>(m));
  if (std::isnan(angle)) return 0;
  long r = std::lround(-angle / 90.0) * 90 % 360;
  return static_cast<int>(r < 0 ? r + 360 : r);
}

// A video's rotation is the stream's (MP4/MOV display matrix).
int RotationOf(const AVStream* st) {
  std::size_t size = 0;
  const std::uint8_t* m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
  return RotationOfMatrix(m, size);
}

// A still's EXIF Orientation (TIFF 6.0 / EXIF 2.3: 1 upright .. 8). FFmpeg 5.1's JPEG and WebP
// decoders put it in the frame's metadata; for PNG and TIFF it does not, and exiv2 reads it from
// the file. 1 when absent or out of range.
int ExifOrientationOf(const AVFrame* f, const std::string& path) {
  int v = 0;
  if (const AVDictionaryEntry* e = av_dict_get(f->metadata, "Orientation", nullptr, 0);
      e != nullptr && e->value != nullptr) {
    v = std::atoi(e->value);
  } else if (auto meta = ReadEmbeddedMetadata(path); meta.ok()) {
    v = meta->orientation;
  }
  return v >= 1 && v <= 8 ? v : 1;
}

bool IsImageFormat(const AVFormatContext* fmt) {
  const std::string name = fmt->iformat && fmt->iformat->name ? fmt->iformat->name : "";
  return name == "image2" || name.find("_pipe") != std::string::npos;
}

// 8-bit formats whose first plane is luma (Y), one byte per pixel.
bool HasLumaPlane(AVPixelFormat f) {
  switch (f) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUV422P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUV444P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUV440P:
    case AV_PIX_FMT_YUVJ440P:
    case AV_PIX_FMT_YUV411P:
    case AV_PIX_FMT_YUV410P:
    case AV_PIX_FMT_YUVA420P:
    case AV_PIX_FMT_NV12:
    case AV_PIX_FMT_NV21:
    case AV_PIX_FMT_GRAY8:
      return true;
    default:
      return false;
  }
}

// Copies a row of limited-range luma (16..235, ITU-R BT.601/709) as full range (0..255):
// (v - 16) * 255 / 219, in 8.8 fixed point (255 / 219 = 1.1644 ≈ 298 / 256) so that the compiler
// vectorises it; at most one level from the exact value.
void CopyExpandingRange(const std::uint8_t* src, std::uint8_t* dst, int n) {
  for (int i = 0; i < n; ++i) {
    int v = ((static_cast<int>(src[i]) - 16) * 298 + 128) >> 8;
    dst[i] = static_cast<std::uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
  }
}

// Converts decoded frames to the delivered layout and size, upright.
class FrameConverter {
 public:
  FrameConverter(PixelLayout layout, int max_side, int rotation)
      : layout_(layout), max_side_(max_side), orientation_(OrientationOfTurn(rotation)) {}

  // How the picture is turned (and mirrored) upright, as an EXIF Orientation 1..8.
  int orientation() const { return orientation_; }
  void set_orientation(int exif) { orientation_ = exif; }

  // Fills `out` (pointing into this converter's buffers) from `in`.
  Status Convert(const AVFrame* in, Frame* out) {
    int w = in->width, h = in->height;
    if (w <= 0 || h <= 0) return Corrupt("decoded frame has no size");
    int dw = w, dh = h;
    if (max_side_ > 0 && std::max(w, h) > max_side_) {
      double s = static_cast<double>(max_side_) / std::max(w, h);
      dw = std::max(1, static_cast<int>(std::lround(w * s)));
      dh = std::max(1, static_cast<int>(std::lround(h * s)));
    }
    const int bpp = layout_ == PixelLayout::kGray8 ? 1 : 3;
    const bool full_range = in->color_range == AVCOL_RANGE_JPEG ||
                            in->format == AV_PIX_FMT_YUVJ420P ||
                            in->format == AV_PIX_FMT_YUVJ422P || in->format == AV_PIX_FMT_YUVJ444P;
    int stride = dw * bpp;
    // Rows written past their end land in the next row, written after; the last one needs
    // spare bytes (ffmpeg_util.h).
    scaled_.resize(static_cast<std::size_t>(stride) * dh + kSwscaleTail);
    std::uint8_t* dst[4] = {scaled_.data(), nullptr, nullptr, nullptr};
    int dst_stride[4] = {stride, 0, 0, 0};
    if (layout_ == PixelLayout::kGray8 && HasLumaPlane(static_cast<AVPixelFormat>(in->format))) {
      // Luma is the Y plane itself: scale it as grey (or not at all) and expand its range with a
      // table, instead of a full colour conversion (several times faster at 1080p).
      if (dw == w && dh == h) {
        for (int y = 0; y < h; ++y) {
          const std::uint8_t* src = in->data[0] + static_cast<std::ptrdiff_t>(y) * in->linesize[0];
          std::uint8_t* row = scaled_.data() + static_cast<std::size_t>(y) * stride;
          if (full_range) {
            std::memcpy(row, src, static_cast<std::size_t>(w));
          } else {
            CopyExpandingRange(src, row, w);
          }
        }
      } else {
        sws_.reset(sws_getCachedContext(sws_.release(), w, h, AV_PIX_FMT_GRAY8, dw, dh,
                                        AV_PIX_FMT_GRAY8, SWS_AREA, nullptr, nullptr, nullptr));
        if (!sws_) return Internal("cannot scale frames");
        const std::uint8_t* src[4] = {in->data[0], nullptr, nullptr, nullptr};
        int src_stride[4] = {in->linesize[0], 0, 0, 0};
        sws_scale(sws_.get(), src, src_stride, 0, h, dst, dst_stride);
        if (!full_range) CopyExpandingRange(scaled_.data(), scaled_.data(), stride * dh);
      }
    } else {
      const AVPixelFormat dst_fmt =
          layout_ == PixelLayout::kGray8 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB24;
      // Unscaled, swscale would use its SIMD YUV-to-RGB converter, which at our exact row size
      // converts only whole groups of 8 pixels and leaves the last columns of a row unwritten
      // (widths not a multiple of 16: zeros, or the previous frame's pixels, depending on the
      // CPU). Accurate rounding takes the general path, which writes every pixel.
      const int flags =
          dw == w && dh == h ? SWS_POINT | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT : SWS_AREA;
      sws_.reset(sws_getCachedContext(sws_.release(), w, h, static_cast<AVPixelFormat>(in->format),
                                      dw, dh, dst_fmt, flags, nullptr, nullptr, nullptr));
      if (!sws_) return Unsupported("cannot convert frames of this pixel format");
      // Full-range output whatever the source range, so values match what RGB tools compute.
      const int* coefs = sws_getCoefficients(SWS_CS_DEFAULT);
      sws_setColorspaceDetails(sws_.get(), coefs, full_range, coefs, 1, 0, 1 << 16, 1 << 16);
      sws_scale(sws_.get(), in->data, in->linesize, 0, h, dst, dst_stride);
    }
    out->layout = layout_;
    if (orientation_ == 1) {
      out->width = dw;
      out->height = dh;
      out->stride = stride;
      out->data = scaled_.data();
      return Status::Ok();
    }
    Rotate(dw, dh, bpp, out);
    return Status::Ok();
  }

 private:
  // Turns (and for EXIF 2, 4, 5, 7 mirrors) the scaled picture upright.
  void Rotate(int w, int h, int bpp, Frame* out) {
    TurnUpright(scaled_.data(), w, h, w * bpp, bpp, orientation_, &rotated_);
    const bool swap = OrientationSwapsSides(orientation_);
    out->width = swap ? h : w;
    out->height = swap ? w : h;
    out->stride = out->width * bpp;
    out->data = rotated_.data();
  }

  PixelLayout layout_;
  int max_side_;
  int orientation_;
  std::unique_ptr<SwsContext, SwsDeleter> sws_;
  std::vector<std::uint8_t> scaled_, rotated_;
};

// Decides which decoded frames are delivered.
class Sampler {
 public:
  Sampler(Sampling sampling, double rate) : sampling_(sampling), rate_(rate) {}
  // The time of the next sample.
  double next() const { return next_; }
  bool Take(double t) {
    if (sampling_ != Sampling::kRate) return true;
    // A tolerance of a microsecond absorbs timestamp rounding (1001/30000 time bases).
    if (t + 1e-6 < next_) return false;
    next_ = (std::floor(t * rate_ + 1e-6) + 1) / rate_;
    return true;
  }

 private:
  Sampling sampling_;
  double rate_;
  double next_ = -1e300;
};

class Pipeline {
 public:
  Pipeline(const std::string& path, const FrameSourceOptions& options, FrameConsumer& consumer)
      : path_(path),
        options_(options),
        consumer_(consumer),
        sampler_(options.sampling, options.rate) {}

  Result<DecodeSummary> Run() {
    if (options_.sampling == Sampling::kRate && !(options_.rate > 0 && options_.rate <= 1000)) {
      return InvalidArgument("sampling rate must be between 0 and 1000 frames per second");
    }
    DemuxOptions demux_options;
    demux_options.deadline = options_.deadline;
    demux_options.max_pixels = options_.max_pixels;
    SL_ASSIGN_OR_RETURN(demuxer_, Demuxer::Open(path_, demux_options));
    AVFormatContext* fmt = demuxer_->format();
    int index = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (index < 0 || (fmt->streams[index]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
      return Unsupported(DisplayPath(path_) + ": no video stream (an audio-only file?)");
    }
    stream_ = fmt->streams[index];
    for (unsigned i = 0; i < fmt->nb_streams; ++i) {
      if (static_cast<int>(i) != index) fmt->streams[i]->discard = AVDISCARD_ALL;
    }
    summary_.is_image = IsImageFormat(fmt);
    // Refuse a picture over the limits before a decoder allocates it, naming its size: still
    // images carry it in a header FFmpeg reads only while decoding.
    const MediaLimits& limits = demuxer_->limits();
    if (summary_.is_image) SL_RETURN_IF_ERROR(CheckClaimedPictureSize(path_, limits));
    SL_RETURN_IF_ERROR(
        CheckPictureSize(path_, stream_->codecpar->width, stream_->codecpar->height, limits));
    summary_.rotation = RotationOf(stream_);
    if (stream_->duration != AV_NOPTS_VALUE && stream_->duration > 0) {
      summary_.duration_s = static_cast<double>(stream_->duration) * av_q2d(stream_->time_base);
    } else if (fmt->duration > 0) {
      summary_.duration_s = static_cast<double>(fmt->duration) / AV_TIME_BASE;
    }
    if (stream_->avg_frame_rate.num > 0 && stream_->avg_frame_rate.den > 0) {
      summary_.frame_rate = av_q2d(stream_->avg_frame_rate);
    }
    start_ = stream_->start_time != AV_NOPTS_VALUE ? stream_->start_time : 0;

    DecoderOptions decoder_options;
    decoder_options.threads = options_.threads;
    decoder_options.max_pixels = DecoderPixelBound(limits);
    auto decoder = OpenDecoder(stream_, decoder_options);
    if (!decoder.ok()) return decoder.status().WithContext(DisplayPath(path_));
    decoder_ = std::move(decoder).value();
    // Skip what need not be decoded: for keyframes, all but intra frames; for sparse sampling,
    // frames no other frame refers to (they are never needed to decode a sample).
    if (options_.sampling == Sampling::kKeyframes) {
      decoder_->skip_frame = AVDISCARD_NONKEY;
    } else if (options_.sampling == Sampling::kRate && summary_.frame_rate > 2.5 * options_.rate) {
      decoder_->skip_frame = AVDISCARD_NONREF;
    }
    const PixelLayout layout =
        summary_.is_image && options_.still_layout ? *options_.still_layout : options_.layout;
    converter_ = std::make_unique<FrameConverter>(layout, options_.max_side, summary_.rotation);
    // Sparse sampling may jump ahead to the keyframe before the next sample, using the
    // container's index (MP4/MOV, Matroska cues); without an index every packet is decoded.
    can_jump_ = options_.sampling == Sampling::kRate && !summary_.is_image &&
                avformat_index_get_entries_count(stream_) > 0;

    PacketPtr packet = MakePacket();
    frame_ = MakeFrame();
    if (!packet || !frame_) return Internal("out of memory");
    for (;;) {
      Result<bool> more = demuxer_->ReadPacket(packet.get());
      if (!more.ok()) {
        // A read error mid-file is damage: keep what was decoded.
        if (demuxer_->DeadlinePassed()) return more.status();
        Warn(last_t_, "the file cannot be read further (" + more.status().message() + ")");
        break;
      }
      if (!*more) break;
      if (packet->stream_index != stream_->index) continue;
      if (jump_to_ != AV_NOPTS_VALUE) {
        if (DecodeTs(packet.get()) < jump_to_ || !(packet->flags & AV_PKT_FLAG_KEY)) {
          ++summary_.packets_skipped;
          continue;
        }
        // At the keyframe: finish what the decoder holds, then start afresh from here.
        jump_to_ = AV_NOPTS_VALUE;
        avcodec_send_packet(decoder_.get(), nullptr);
        SL_RETURN_IF_ERROR(Drain());
        avcodec_flush_buffers(decoder_.get());
        jump_to_ = AV_NOPTS_VALUE;
      }
      if (packet->flags & AV_PKT_FLAG_CORRUPT) Warn(PacketTime(packet.get()), "corrupt packet");
      last_sent_ts_ = DecodeTs(packet.get());
      int rc = avcodec_send_packet(decoder_.get(), packet.get());
      if (rc < 0 && rc != AVERROR(EAGAIN)) Warn(PacketTime(packet.get()), AvErrorText(rc));
      SL_RETURN_IF_ERROR(Drain());
      if (stop_) break;
    }
    if (!stop_) {
      avcodec_send_packet(decoder_.get(), nullptr);
      SL_RETURN_IF_ERROR(Drain());
    }
    if (summary_.frames_decoded == 0) {
      std::string why = summary_.warnings.empty() ? "" : " (" + summary_.warnings.front() + ")";
      return Corrupt(DisplayPath(path_) + ": no frame could be decoded" + why);
    }
    return std::move(summary_);
  }

 private:
  double Seconds(std::int64_t ts) const {
    return static_cast<double>(ts - start_) * av_q2d(stream_->time_base);
  }
  // The timestamp index entries use (decode order): dts when known.
  static std::int64_t DecodeTs(const AVPacket* p) {
    return p->dts != AV_NOPTS_VALUE ? p->dts : p->pts;
  }

  // After a sample: when a keyframe lies between what was sent and the next sample, the packets
  // before it need not be decoded.
  void PlanJump() {
    if (!can_jump_) return;
    double next = sampler_.next();
    auto target = start_ + static_cast<std::int64_t>(std::floor(next / av_q2d(stream_->time_base)));
    int idx = av_index_search_timestamp(stream_, target, AVSEEK_FLAG_BACKWARD);
    if (idx < 0) return;
    const AVIndexEntry* e = avformat_index_get_entry(stream_, idx);
    if (e && (e->flags & AVINDEX_KEYFRAME) && last_sent_ts_ != AV_NOPTS_VALUE &&
        e->timestamp > last_sent_ts_) {
      jump_to_ = e->timestamp;
    }
  }

  double PacketTime(const AVPacket* p) const {
    std::int64_t ts = p->pts != AV_NOPTS_VALUE ? p->pts : p->dts;
    return ts == AV_NOPTS_VALUE ? last_t_ : Seconds(ts);
  }

  // One warning per damaged stretch: a new one only a second after the last.
  void Warn(double t, const std::string& what) {
    if (t < last_warning_t_ + 1.0 && !summary_.warnings.empty()) return;
    last_warning_t_ = t;
    char when[32];
    std::snprintf(when, sizeof when, "%.3f", t);
    summary_.warnings.push_back("damaged data near " + std::string(when) + " s: " + what);
  }

  Status Drain() {
    for (;;) {
      int rc = avcodec_receive_frame(decoder_.get(), frame_.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return Status::Ok();
      if (rc < 0) {
        Warn(last_t_, AvErrorText(rc));
        if (rc == AVERROR(ENOMEM)) return Internal("out of memory while decoding");
        continue;
      }
      std::int64_t ts = frame_->best_effort_timestamp;
      double t = ts == AV_NOPTS_VALUE ? last_t_ : Seconds(ts);
      if (frame_->decode_error_flags || (frame_->flags & AV_FRAME_FLAG_CORRUPT)) {
        Warn(t, "the frame decoded with errors");
      }
      last_t_ = t;
      std::int64_t n = summary_.frames_decoded++;
      bool take = summary_.is_image ? n == 0 : sampler_.Take(t);
      if (take) {
        Frame out;
        out.t = t;
        out.index = n;
        out.keyframe = frame_->key_frame != 0;
        out.still = summary_.is_image;
        if (summary_.is_image && summary_.rotation == 0 && options_.exif_orientation) {
          summary_.exif_orientation = ExifOrientationOf(frame_.get(), path_);
          converter_->set_orientation(summary_.exif_orientation);
        }
        SL_RETURN_IF_ERROR(converter_->Convert(frame_.get(), &out));
        summary_.width = out.width;
        summary_.height = out.height;
        ++summary_.frames_delivered;
        Status s = consumer_.OnFrame(out);
        if (!s.ok()) return s;
        PlanJump();
      }
      av_frame_unref(frame_.get());
      if (summary_.is_image) {
        stop_ = true;
        return Status::Ok();
      }
    }
  }

  std::string path_;
  FrameSourceOptions options_;
  FrameConsumer& consumer_;
  Sampler sampler_;
  std::unique_ptr<Demuxer> demuxer_;
  AVStream* stream_ = nullptr;
  std::int64_t start_ = 0;
  CodecContextPtr decoder_;
  FramePtr frame_;
  std::unique_ptr<FrameConverter> converter_;
  DecodeSummary summary_;
  bool can_jump_ = false;
  std::int64_t jump_to_ = AV_NOPTS_VALUE;       // skip packets until the keyframe at this ts
  std::int64_t last_sent_ts_ = AV_NOPTS_VALUE;  // of the last packet given to the decoder
  double last_t_ = 0;
  double last_warning_t_ = -1e300;
  bool stop_ = false;
};

}  // namespace

Result<DecodeSummary> DecodeFrames(const std::string& path, const FrameSourceOptions& options,
                                   FrameConsumer& consumer) {
  return Pipeline(path, options, consumer).Run();
}

}  // namespace sightline::media

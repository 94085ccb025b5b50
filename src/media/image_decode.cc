#include "media/image_decode.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>

#include "base/file.h"
#include "media/ffmpeg_util.h"

extern "C" {
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace sightline::media {

namespace {

struct SwsDeleter {
  void operator()(SwsContext* c) const { sws_freeContext(c); }
};
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

bool IsFullRange(const AVFrame* f) {
  const auto fmt = static_cast<AVPixelFormat>(f->format);
  return f->color_range == AVCOL_RANGE_JPEG || fmt == AV_PIX_FMT_YUVJ420P ||
         fmt == AV_PIX_FMT_YUVJ422P || fmt == AV_PIX_FMT_YUVJ444P || fmt == AV_PIX_FMT_YUVJ440P ||
         fmt == AV_PIX_FMT_YUVJ411P;
}

// Whether plane 0 of `f` is 8-bit full-range luma: grey, or full-range 8-bit planar YCbCr.
bool HasFullRangeLumaPlane(const AVFrame* f) {
  const auto fmt = static_cast<AVPixelFormat>(f->format);
  if (fmt == AV_PIX_FMT_GRAY8) return true;
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(fmt);
  if (d == nullptr || (d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) ||
      !(d->flags & AV_PIX_FMT_FLAG_PLANAR) || d->nb_components < 3 || d->comp[0].depth != 8 ||
      d->comp[0].plane != 0 || d->comp[0].step != 1) {
    return false;
  }
  return IsFullRange(f);
}

// The non-deprecated equivalent of a "J" (full-range) format; the range is set explicitly.
AVPixelFormat WithoutJ(AVPixelFormat fmt) {
  switch (fmt) {
    case AV_PIX_FMT_YUVJ420P:
      return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P:
      return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P:
      return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P:
      return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P:
      return AV_PIX_FMT_YUV411P;
    default:
      return fmt;
  }
}

Status ToRgb24(const AVFrame* f, const std::string& path, DecodedImage* out) {
  const int w = f->width, h = f->height;
  SwsPtr sws(sws_getContext(w, h, WithoutJ(static_cast<AVPixelFormat>(f->format)), w, h,
                            AV_PIX_FMT_RGB24, SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                            nullptr, nullptr, nullptr));
  if (!sws) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(f->format));
    return Unsupported(DisplayPath(path) + ": cannot convert pixel format " +
                       (name ? name : "unknown") + " to RGB");
  }
  // Full-range output whatever the source range.
  const int* coefs = sws_getCoefficients(SWS_CS_DEFAULT);
  sws_setColorspaceDetails(sws.get(), coefs, IsFullRange(f) ? 1 : 0, coefs, 1, 0, 1 << 16, 1 << 16);
  out->stride = 3 * w;
  // Spare bytes after the last row for swscale (ffmpeg_util.h), dropped once converted.
  const std::size_t size = static_cast<std::size_t>(out->stride) * h;
  out->data.assign(size + kSwscaleTail, 0);
  std::uint8_t* dst[4] = {out->data.data(), nullptr, nullptr, nullptr};
  int dst_stride[4] = {out->stride, 0, 0, 0};
  if (sws_scale(sws.get(), f->data, f->linesize, 0, h, dst, dst_stride) != h) {
    return Internal(DisplayPath(path) + ": pixel conversion failed");
  }
  out->data.resize(size);
  return Status::Ok();
}

Status FillImage(const AVFrame* f, const std::string& path, ImagePixels pixels, DecodedImage* out) {
  out->width = f->width;
  out->height = f->height;
  out->pixels = pixels;
  if (pixels == ImagePixels::kLuma8 && HasFullRangeLumaPlane(f)) {
    out->stride = f->width;
    out->data.resize(static_cast<std::size_t>(f->width) * f->height);
    for (int y = 0; y < f->height; ++y) {
      std::memcpy(out->data.data() + static_cast<std::size_t>(y) * f->width,
                  f->data[0] + static_cast<std::ptrdiff_t>(y) * f->linesize[0],
                  static_cast<std::size_t>(f->width));
    }
    return Status::Ok();
  }
  SL_RETURN_IF_ERROR(ToRgb24(f, path, out));
  if (pixels == ImagePixels::kRgb24) return Status::Ok();
  // Luma with the BT.601 weights (those of PDQ and of JPEG's YCbCr), rounded.
  std::vector<std::uint8_t> luma(static_cast<std::size_t>(f->width) * f->height);
  for (std::size_t i = 0; i < luma.size(); ++i) {
    const std::uint8_t* p = out->data.data() + 3 * i;
    const float y = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
    luma[i] = static_cast<std::uint8_t>(std::lround(std::fmin(255.0f, y)));
  }
  out->data = std::move(luma);
  out->stride = f->width;
  return Status::Ok();
}

}  // namespace

Result<DecodedImage> DecodeImage(const std::string& path, const ImageDecodeOptions& options) {
  DemuxOptions demux;
  demux.deadline = options.deadline;
  demux.max_pixels = options.max_pixels;
  SL_ASSIGN_OR_RETURN(std::unique_ptr<Demuxer> demuxer, Demuxer::Open(path, demux));
  AVFormatContext* fmt = demuxer->format();
  const int index = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0 || (fmt->streams[index]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
    return Unsupported(DisplayPath(path) + ": no picture in this file");
  }
  const AVStream* stream = fmt->streams[index];
  const AVCodecParameters* par = stream->codecpar;
  const MediaLimits& limits = demuxer->limits();
  SL_RETURN_IF_ERROR(CheckClaimedPictureSize(path, limits));
  SL_RETURN_IF_ERROR(CheckPictureSize(path, par->width, par->height, limits));
  DecoderOptions dec_options;
  dec_options.max_pixels = DecoderPixelBound(limits);
  Result<CodecContextPtr> decoder = OpenDecoder(stream, dec_options);
  if (!decoder.ok()) return decoder.status().WithContext(DisplayPath(path));
  AVCodecContext* dec = decoder->get();

  PacketPtr packet = MakePacket();
  FramePtr frame = MakeFrame();
  if (!packet || !frame) return Internal(DisplayPath(path) + ": out of memory");
  std::string last_error;
  int last_error_code = 0;
  bool draining = false;
  for (;;) {
    int rc = avcodec_receive_frame(dec, frame.get());
    if (rc >= 0) {
      if (frame->width <= 0 || frame->height <= 0 ||
          static_cast<std::int64_t>(frame->width) * frame->height > limits.max_pixels) {
        return Unsupported(DisplayPath(path) + ": decoded picture has an unusable size " +
                           std::to_string(frame->width) + "x" + std::to_string(frame->height));
      }
      DecodedImage out;
      SL_RETURN_IF_ERROR(FillImage(frame.get(), path, options.pixels, &out));
      return out;
    }
    if (rc == AVERROR_EOF) break;
    if (rc != AVERROR(EAGAIN)) {
      last_error = AvErrorText(rc);
      last_error_code = rc;
      if (draining) break;
    }
    if (draining) break;
    if (demuxer->DeadlinePassed()) {
      return IoError(DisplayPath(path) + ": gave up decoding: time limit");
    }
    // Feed the next packet of our stream, or start draining at the end of the file.
    bool fed = false;
    while (!fed) {
      SL_ASSIGN_OR_RETURN(bool more, demuxer->ReadPacket(packet.get()));
      if (!more) {
        avcodec_send_packet(dec, nullptr);
        draining = true;
        break;
      }
      if (packet->stream_index != index) continue;
      rc = avcodec_send_packet(dec, packet.get());
      if (rc < 0 && rc != AVERROR(EAGAIN)) {
        last_error = AvErrorText(rc);
        last_error_code = rc;
      }
      fed = true;
    }
  }
  // FFmpeg reports a picture over the decoder's size limit as an invalid argument, and JPEG
  // headers are often only read by the decoder: name both causes.
  std::string why = last_error.empty() ? "" : " (" + last_error + ")";
  if (last_error_code == AVERROR(EINVAL)) {
    why +=
        ": damaged, or larger than the limit of " + std::to_string(limits.max_pixels) + " pixels";
  }
  return Corrupt(DisplayPath(path) + ": no picture could be decoded" + why);
}

}  // namespace sightline::media

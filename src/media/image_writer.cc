#include "media/image_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "base/file.h"
#include "media/ffmpeg_util.h"

extern "C" {
#include <libswscale/swscale.h>
}

namespace sightline::media {

namespace {

struct SwsDeleter {
  void operator()(SwsContext* c) const { sws_freeContext(c); }
};
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

}  // namespace

Image Image::FromFrame(const Frame& frame) {
  Image img;
  img.width = frame.width;
  img.height = frame.height;
  img.layout = frame.layout;
  const std::size_t row = static_cast<std::size_t>(frame.width) * img.BytesPerPixel();
  img.pixels.resize(row * static_cast<std::size_t>(frame.height));
  for (int y = 0; y < frame.height; ++y) {
    std::memcpy(img.pixels.data() + row * y,
                frame.data + static_cast<std::size_t>(y) * frame.stride, row);
  }
  return img;
}

Result<std::string> EncodeJpeg(const Image& image, const JpegOptions& options) {
  if (image.width <= 0 || image.height <= 0 || image.width > kMaxImageSide ||
      image.height > kMaxImageSide) {
    return InvalidArgument("cannot encode a " + std::to_string(image.width) + "x" +
                           std::to_string(image.height) + " picture as JPEG");
  }
  const std::size_t need = static_cast<std::size_t>(image.width) * image.height *
                           static_cast<std::size_t>(image.BytesPerPixel());
  if (image.pixels.size() < need) return InvalidArgument("picture data is shorter than its size");
  int w = image.width, h = image.height;
  if (options.max_side > 0 && std::max(w, h) > options.max_side) {
    const double s = static_cast<double>(options.max_side) / std::max(w, h);
    w = std::max(1, static_cast<int>(std::lround(w * s)));
    h = std::max(1, static_cast<int>(std::lround(h * s)));
  }

  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (!codec) return Unsupported("this FFmpeg has no JPEG (mjpeg) encoder");
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  FramePtr frame = MakeFrame();
  PacketPtr packet = MakePacket();
  if (!ctx || !frame || !packet) return Internal("out of memory");
  ctx->width = w;
  ctx->height = h;
  ctx->pix_fmt = AV_PIX_FMT_YUVJ420P;
  ctx->time_base = AVRational{1, 25};
  ctx->color_range = AVCOL_RANGE_JPEG;
  // Quality 100..1 to the quantiser scale 2..31 (lower is better).
  const int q = std::clamp(options.quality, 1, 100);
  const int qscale = std::clamp(2 + (100 - q) * 29 / 99, 2, 31);
  ctx->flags |= AV_CODEC_FLAG_QSCALE;
  ctx->global_quality = FF_QP2LAMBDA * qscale;
  ctx->qmin = ctx->qmax = qscale;
  int rc = avcodec_open2(ctx.get(), codec, nullptr);
  if (rc < 0) return Internal("cannot open the JPEG encoder: " + AvErrorText(rc));

  frame->format = ctx->pix_fmt;
  frame->width = w;
  frame->height = h;
  frame->color_range = AVCOL_RANGE_JPEG;
  rc = av_frame_get_buffer(frame.get(), 0);
  if (rc < 0)
    return Internal("out of memory for a " + std::to_string(w) + "x" + std::to_string(h) +
                    " picture");
  const AVPixelFormat src_fmt =
      image.layout == PixelLayout::kRgb24 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_GRAY8;
  SwsPtr sws(sws_getContext(image.width, image.height, src_fmt, w, h, AV_PIX_FMT_YUVJ420P, SWS_AREA,
                            nullptr, nullptr, nullptr));
  if (!sws) return Internal("cannot convert the picture for JPEG");
  const int* coefs = sws_getCoefficients(SWS_CS_DEFAULT);
  sws_setColorspaceDetails(sws.get(), coefs, 1, coefs, 1, 0, 1 << 16, 1 << 16);
  // swscale reads past the end of the last row (ffmpeg_util.h): it reads from a padded copy.
  std::vector<std::uint8_t> padded(image.pixels.size() + kSwscaleTail, 0);
  std::copy(image.pixels.begin(), image.pixels.end(), padded.begin());
  const std::uint8_t* src[4] = {padded.data(), nullptr, nullptr, nullptr};
  const int src_stride[4] = {image.width * image.BytesPerPixel(), 0, 0, 0};
  sws_scale(sws.get(), src, src_stride, 0, image.height, frame->data, frame->linesize);
  frame->quality = ctx->global_quality;
  frame->pict_type = AV_PICTURE_TYPE_I;

  rc = avcodec_send_frame(ctx.get(), frame.get());
  if (rc >= 0) rc = avcodec_send_frame(ctx.get(), nullptr);
  if (rc < 0) return Internal("JPEG encoding failed: " + AvErrorText(rc));
  std::string out;
  for (;;) {
    rc = avcodec_receive_packet(ctx.get(), packet.get());
    if (rc == AVERROR_EOF || rc == AVERROR(EAGAIN)) break;
    if (rc < 0) return Internal("JPEG encoding failed: " + AvErrorText(rc));
    out.append(reinterpret_cast<const char*>(packet->data), static_cast<std::size_t>(packet->size));
    av_packet_unref(packet.get());
  }
  if (out.empty()) return Internal("the JPEG encoder produced nothing");
  return out;
}

Status WriteJpeg(const std::string& path, const Image& image, const JpegOptions& options) {
  auto bytes = EncodeJpeg(image, options);
  if (!bytes.ok()) return bytes.status().WithContext(DisplayPath(path));
  return WriteFileAtomic(path, *bytes);
}

}  // namespace sightline::media

#include "media/png_writer.h"

#include <cstring>

#include "base/file.h"
#include "media/ffmpeg_util.h"

namespace sightline::media {

Result<std::string> EncodePng(const Image& image) {
  if (image.width <= 0 || image.height <= 0 || image.width > kMaxImageSide ||
      image.height > kMaxImageSide) {
    return InvalidArgument("cannot encode a " + std::to_string(image.width) + "x" +
                           std::to_string(image.height) + " picture as PNG");
  }
  const std::size_t row = static_cast<std::size_t>(image.width) * image.BytesPerPixel();
  if (image.pixels.size() < row * static_cast<std::size_t>(image.height))
    return InvalidArgument("picture data is shorter than its size");
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
  if (!codec) return Unsupported("this FFmpeg has no PNG encoder");
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  FramePtr frame = MakeFrame();
  PacketPtr packet = MakePacket();
  if (!ctx || !frame || !packet) return Internal("out of memory");
  const AVPixelFormat fmt =
      image.layout == PixelLayout::kRgb24 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_GRAY8;
  ctx->width = image.width;
  ctx->height = image.height;
  ctx->pix_fmt = fmt;
  ctx->time_base = AVRational{1, 25};
  int rc = avcodec_open2(ctx.get(), codec, nullptr);
  if (rc < 0) return Internal("cannot open the PNG encoder: " + AvErrorText(rc));
  frame->format = fmt;
  frame->width = image.width;
  frame->height = image.height;
  rc = av_frame_get_buffer(frame.get(), 0);
  if (rc < 0) return Internal("out of memory for a PNG picture");
  for (int y = 0; y < image.height; ++y) {
    std::memcpy(frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0],
                image.pixels.data() + row * static_cast<std::size_t>(y), row);
  }
  rc = avcodec_send_frame(ctx.get(), frame.get());
  if (rc >= 0) rc = avcodec_send_frame(ctx.get(), nullptr);
  if (rc < 0) return Internal("PNG encoding failed: " + AvErrorText(rc));
  std::string out;
  for (;;) {
    rc = avcodec_receive_packet(ctx.get(), packet.get());
    if (rc == AVERROR_EOF || rc == AVERROR(EAGAIN)) break;
    if (rc < 0) return Internal("PNG encoding failed: " + AvErrorText(rc));
    out.append(reinterpret_cast<const char*>(packet->data), static_cast<std::size_t>(packet->size));
    av_packet_unref(packet.get());
  }
  if (out.empty()) return Internal("the PNG encoder produced nothing");
  return out;
}

Status WritePng(const std::string& path, const Image& image) {
  auto bytes = EncodePng(image);
  if (!bytes.ok()) return bytes.status().WithContext(DisplayPath(path));
  return WriteFileAtomic(path, *bytes);
}

}  // namespace sightline::media

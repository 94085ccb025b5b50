#include "media/media_check.h"

extern "C" {
#include <libavformat/avformat.h>
}

namespace sightline::media {

// Placeholder until the probe module lands: a container FFmpeg can open is readable.
MediaCheck CheckMedia(const std::string& path) {
  MediaCheck out;
  AVFormatContext* ctx = nullptr;
  int rc = avformat_open_input(&ctx, path.c_str(), nullptr, nullptr);
  if (rc < 0) {
    char buf[256];
    av_strerror(rc, buf, sizeof buf);
    out.problem = std::string("not a media file FFmpeg can read (") + buf + ")";
    return out;
  }
  if (avformat_find_stream_info(ctx, nullptr) < 0 || ctx->nb_streams == 0) {
    out.problem = "no readable streams";
  } else {
    out.readable = true;
    out.kind = "video";
  }
  avformat_close_input(&ctx);
  return out;
}

}  // namespace sightline::media

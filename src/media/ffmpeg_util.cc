#include "media/ffmpeg_util.h"

#include <algorithm>
#include <cerrno>
#include <vector>

#include "base/file.h"

namespace sightline::media {

FramePtr MakeFrame() { return FramePtr(av_frame_alloc()); }
PacketPtr MakePacket() { return PacketPtr(av_packet_alloc()); }

std::string AvErrorText(int averror) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  if (av_strerror(averror, buf, sizeof buf) < 0) return "FFmpeg error " + std::to_string(averror);
  return buf;
}

Status AvStatus(int averror, const std::string& path, const std::string& what) {
  std::string msg = DisplayPath(path) + ": " + what + ": " + AvErrorText(averror);
  if (averror == AVERROR(ENOENT)) return NotFound(msg);
  if (averror == AVERROR_INVALIDDATA || averror == AVERROR_DEMUXER_NOT_FOUND ||
      averror == AVERROR_DECODER_NOT_FOUND || averror == AVERROR_PATCHWELCOME) {
    return Unsupported(msg);
  }
  if (averror == AVERROR(ENOMEM)) return Internal(msg);
  return IoError(msg);
}

std::string DictGet(const AVDictionary* dict, const char* key) {
  const AVDictionaryEntry* e = av_dict_get(dict, key, nullptr, 0);
  return e && e->value ? e->value : "";
}

int Demuxer::Interrupt(void* opaque) {
  return static_cast<const Demuxer*>(opaque)->DeadlinePassed() ? 1 : 0;
}

Result<std::unique_ptr<Demuxer>> Demuxer::Open(const std::string& path,
                                               const DemuxOptions& options) {
  // The configured bounds (media/limits.h) tighten the caller's: time, pixels, memory.
  SL_ASSIGN_OR_RETURN(MediaLimits limits, LimitsFromEnvironment());
  SL_RETURN_IF_ERROR(ApplyMemoryCap(limits));
  std::chrono::milliseconds deadline = options.deadline;
  if (limits.decode_timeout.count() > 0) deadline = std::min(deadline, limits.decode_timeout);
  limits.max_pixels = std::min(limits.max_pixels, options.max_pixels);

  std::unique_ptr<Demuxer> d(new Demuxer());
  d->path_ = path;
  d->limits_ = limits;
  d->deadline_ = std::chrono::steady_clock::now() + deadline;

  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) return Internal(DisplayPath(path) + ": out of memory");
  raw->interrupt_callback.callback = &Demuxer::Interrupt;
  raw->interrupt_callback.opaque = d.get();
  raw->probesize = options.probe_size;
  raw->max_streams = options.max_streams;

  AVDictionary* opts_raw = nullptr;
  if (options.export_xmp) av_dict_set(&opts_raw, "export_xmp", "1", 0);
  // On failure avformat_open_input frees the context itself and sets `raw` to null.
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, &opts_raw);
  DictionaryPtr unused_options(opts_raw);
  if (rc < 0) {
    if (d->DeadlinePassed()) return IoError(DisplayPath(path) + ": gave up opening: time limit");
    if (rc == AVERROR_INVALIDDATA) {
      return Unsupported(DisplayPath(path) +
                         ": not a media file FFmpeg can read (unknown format, or damaged: " +
                         AvErrorText(rc) + ")");
    }
    return AvStatus(rc, path, "cannot open");
  }
  d->ctx_.reset(raw);
  // FFmpeg's text-art demuxers (libavformat/tty.c, bintext.c) render any text file as video when
  // its name ends in .txt, .ans, .bin…; a text file is not media to Sightline.
  const std::string format = raw->iformat->name ? raw->iformat->name : "";
  if (format == "tty" || format == "bin" || format == "xbin" || format == "adf" ||
      format == "idf") {
    return Unsupported(DisplayPath(path) +
                       ": not a media file (FFmpeg would only render it as text)");
  }
  if (options.find_stream_info) {
    // Per-stream decoder options for the frames find_stream_info decodes.
    std::vector<AVDictionary*> per_stream(raw->nb_streams, nullptr);
    for (AVDictionary*& o : per_stream) {
      av_dict_set_int(&o, "max_pixels", DecoderPixelBound(limits), 0);
    }
    rc = avformat_find_stream_info(raw, per_stream.empty() ? nullptr : per_stream.data());
    for (AVDictionary*& o : per_stream) av_dict_free(&o);
    if (rc < 0) {
      if (d->DeadlinePassed()) {
        return IoError(DisplayPath(path) + ": gave up reading stream info: time limit");
      }
      return AvStatus(rc, path, "cannot read stream information");
    }
  }
  return d;
}

Result<bool> Demuxer::ReadPacket(AVPacket* packet) {
  av_packet_unref(packet);
  int rc = av_read_frame(ctx_.get(), packet);
  if (rc == AVERROR_EOF) return false;
  if (rc < 0) {
    if (DeadlinePassed()) return IoError(DisplayPath(path_) + ": gave up reading: time limit");
    return AvStatus(rc, path_, "read error");
  }
  return true;
}

Result<CodecContextPtr> OpenDecoder(const AVStream* stream, const DecoderOptions& options) {
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  const char* name = avcodec_get_name(stream->codecpar->codec_id);
  if (!codec) return Unsupported(std::string("no decoder for codec ") + name);
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) return Internal("out of memory allocating a decoder");
  int rc = avcodec_parameters_to_context(ctx.get(), stream->codecpar);
  if (rc < 0) return Unsupported(std::string("bad parameters for codec ") + name);
  ctx->thread_count = options.threads;
  ctx->max_pixels = options.max_pixels;
  ctx->pkt_timebase = stream->time_base;
  rc = avcodec_open2(ctx.get(), codec, nullptr);
  if (rc < 0) {
    return Unsupported(std::string("cannot open decoder ") + name + ": " + AvErrorText(rc));
  }
  return ctx;
}

}  // namespace sightline::media

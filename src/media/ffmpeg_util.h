// RAII owners for FFmpeg objects and a bounded demuxer. Everything in Sightline that touches
// libavformat/libavcodec goes through these, so no FFmpeg resource is ever freed by hand.
//
// Contract:
//  - Every owner is a std::unique_ptr with a deleter calling the matching FFmpeg free function;
//    a null owner is valid and frees nothing.
//  - Demuxer::Open never throws; it returns a Status that names the file and says why FFmpeg
//    refused it, in words a person can act on.
//  - Work on hostile input is bounded: a Demuxer carries a deadline checked by FFmpeg's interrupt
//    callback (while probing, reading stream info and reading packets), and the probe size and
//    stream count are capped. The configured limits (media/limits.h: time, pixels, memory)
//    tighten the options of every Demuxer.
//
// Thread safety: distinct objects may be used from distinct threads; one object is not shared.
#ifndef SIGHTLINE_MEDIA_FFMPEG_UTIL_H_
#define SIGHTLINE_MEDIA_FFMPEG_UTIL_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "media/limits.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/frame.h>
}

namespace sightline::media {

struct FormatContextDeleter {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct DictionaryDeleter {
  void operator()(AVDictionary* d) const { av_dict_free(&d); }
};

using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using DictionaryPtr = std::unique_ptr<AVDictionary, DictionaryDeleter>;

// Allocate; abort-free: a null result means out of memory and callers return an error.
FramePtr MakeFrame();
PacketPtr MakePacket();

// FFmpeg's text for an AVERROR code, e.g. "Invalid data found when processing input".
std::string AvErrorText(int averror);
// A Status for a failed FFmpeg call: "<path>: <what>: <FFmpeg's reason>". ENOENT becomes kNotFound,
// AVERROR_INVALIDDATA and unknown formats kUnsupported, other read errors kIoError.
Status AvStatus(int averror, const std::string& path, const std::string& what);

// The value of `key` in `dict`, or "" when absent. Keys match case-insensitively, as in FFmpeg.
std::string DictGet(const AVDictionary* dict, const char* key);

struct DemuxOptions {
  // Wall-clock budget for everything done through this Demuxer, including ReadPacket calls.
  std::chrono::milliseconds deadline{60000};
  // Bytes FFmpeg may read to identify streams (FFmpeg's default is 5 MB).
  std::int64_t probe_size = 5'000'000;
  // Upper bound on the streams a file may declare.
  int max_streams = 64;
  // Ask the MP4/MOV demuxer to export the XMP packet as the "xmp" container tag.
  bool export_xmp = false;
  // Call avformat_find_stream_info (decodes a few frames for codec parameters). Cheap; on by
  // default.
  bool find_stream_info = true;
  // Largest picture (width × height) a decoder used while reading stream info may allocate.
  std::int64_t max_pixels = 256'000'000;
};

// An opened input file. Not copyable or movable: FFmpeg holds a pointer to it for the interrupt
// callback, so it lives behind a unique_ptr.
class Demuxer {
 public:
  static Result<std::unique_ptr<Demuxer>> Open(const std::string& path,
                                               const DemuxOptions& options = {});
  ~Demuxer() = default;
  Demuxer(const Demuxer&) = delete;
  Demuxer& operator=(const Demuxer&) = delete;

  AVFormatContext* format() const { return ctx_.get(); }
  const std::string& path() const { return path_; }

  // Reads the next packet into `packet` (unreferenced first). Returns true for a packet, false at
  // the end of the file, or an error Status (read error, deadline passed).
  Result<bool> ReadPacket(AVPacket* packet);

  bool DeadlinePassed() const { return std::chrono::steady_clock::now() > deadline_; }
  // The bounds in force for this file: the configured limits (media/limits.h), with max_pixels
  // lowered to DemuxOptions::max_pixels when that is smaller. Decoders of this file use them.
  const MediaLimits& limits() const { return limits_; }

 private:
  Demuxer() = default;
  static int Interrupt(void* opaque);

  std::string path_;
  std::chrono::steady_clock::time_point deadline_;
  MediaLimits limits_;
  FormatContextPtr ctx_;
};

struct DecoderOptions {
  int threads = 1;  // 1 keeps decoding cheap and deterministic; 0 lets FFmpeg choose
  // Largest picture (width × height) the decoder may allocate: a hostile header cannot make it
  // ask for gigabytes. 256 MP is above any camera sensor in use.
  std::int64_t max_pixels = 256'000'000;
};

// Opens a decoder for `stream`. Errors name the codec.
Result<CodecContextPtr> OpenDecoder(const AVStream* stream, const DecoderOptions& options = {});

// Spare bytes to leave after a picture that sws_scale writes into, or reads from, a buffer of
// our own: its vectorised code works in whole blocks of pixels and runs past the end of the last
// row (measured with FFmpeg 5.1: up to 42 bytes written, RGB24, and 25 read; 128 is 3x that).
inline constexpr std::size_t kSwscaleTail = 128;

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_FFMPEG_UTIL_H_

// The media layer on short inputs: the picture-header reader (media/picture_header.h), probe
// (FFmpeg demuxing, the box reader, exiv2, anomalies) and the decode pipeline
// (media/frame_source.h) with a short deadline. FFmpeg itself is fuzzed by OSS-Fuzz; this target
// checks Sightline's glue around it.
#include <chrono>
#include <string_view>

#include "fuzz_util.h"
#include "media/frame_source.h"
#include "media/picture_header.h"
#include "media/probe.h"

namespace {

struct Discard : sightline::media::FrameConsumer {
  sightline::Status OnFrame(const sightline::media::Frame& f) override {
    // Touch the first and last byte of the frame: ASan checks the plane is as large as claimed.
    if (f.width > 0 && f.height > 0) {
      volatile std::uint8_t a = f.data[0];
      volatile std::uint8_t b = f.data[static_cast<std::size_t>(f.stride) * (f.height - 1)];
      (void)a;
      (void)b;
    }
    return sightline::Status::Ok();
  }
};

}  // namespace

// FFmpeg and exiv2 log every damaged input to stderr: quiet them once.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  sightline::media::SilenceMediaLibraryLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace media = sightline::media;
  static sightline::fuzz::ScratchFile file(".bin");
  (void)media::ClaimedPictureSize(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string& path = file.Write(data, size);
  media::ProbeOptions probe;
  probe.deadline = std::chrono::milliseconds(2000);
  (void)media::ProbeFile(path, probe);
  media::FrameSourceOptions decode;
  decode.deadline = std::chrono::milliseconds(2000);
  decode.threads = 1;
  decode.max_pixels = 4'000'000;
  Discard consumer;
  (void)media::DecodeFrames(path, decode, consumer);
  return 0;
}

// EXIF, IPTC and XMP as probe reads them (media/exif_reader.h: exiv2 plus Sightline's own
// bounds), and the XMP packet and GPS-coordinate parsers on their own.
#include <string>

#include "fuzz_util.h"
#include "media/exif_reader.h"
#include "media/probe.h"

// FFmpeg and exiv2 log every damaged input to stderr: quiet them once.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  sightline::media::SilenceMediaLibraryLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static sightline::fuzz::ScratchFile jpeg(".jpg");
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)sightline::media::ReadEmbeddedMetadata(jpeg.Write(data, size));
  sightline::media::EmbeddedMetadata xmp;
  (void)sightline::media::ParseXmpPacket(bytes, &xmp);
  (void)sightline::media::ParseXmpGpsCoordinate(bytes);
  return 0;
}

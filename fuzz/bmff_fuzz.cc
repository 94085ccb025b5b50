// Sightline's own ISO-BMFF box reader (media/bmff_boxes.h): top-level boxes, brands, udta and
// meta keys of MP4/MOV/HEIF files, on any bytes.
#include "fuzz_util.h"
#include "media/bmff_boxes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static sightline::fuzz::ScratchFile file(".mp4");
  (void)sightline::media::ReadBmffSummary(file.Write(data, size));
  return 0;
}

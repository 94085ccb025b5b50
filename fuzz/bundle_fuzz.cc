// `sightline verify --bundle` (evidence/bundle.h, libzip underneath) on any bytes: names, sizes,
// bombs, manifests, signatures and the custody entries inside.
#include "evidence/bundle.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static sightline::fuzz::ScratchFile zip(".zip");
  (void)sightline::evidence::VerifyBundle(zip.Write(data, size));
  return 0;
}

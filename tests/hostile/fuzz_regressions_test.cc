// Inputs that once crashed a fuzz target (fuzz/regressions/TARGET/), replayed through the same
// library calls as the target, in the ordinary build: they must now finish cleanly (and, under
// `make check-sanitize`, without a sanitizer report). `make fuzz-smoke` replays them too.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <span>
#include <string>

#include "analysis/geo/coords.h"
#include "media/picture_header.h"
#include "signals/geo/gpmf.h"
#include "signals/geo/gpx.h"
#include "signals/geo/track.h"
#include "test_util.h"

namespace sightline::hostile {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Inputs(const std::string& target) {
  std::vector<std::string> out;
  const fs::path dir =
      fs::path(SIGHTLINE_TEST_DATA) / ".." / ".." / "fuzz" / "regressions" / target;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) out.push_back(testing::ReadFile(entry.path()));
  }
  return out;
}

TEST(FuzzRegressions, Gpmf) {
  std::vector<std::string> inputs = Inputs("gpmf");
  EXPECT_FALSE(inputs.empty());
  for (const std::string& input : inputs) {
    std::span<const std::uint8_t> payload(reinterpret_cast<const std::uint8_t*>(input.data()),
                                          input.size());
    auto blocks = signals::geo::ParseGpmfGps(payload);
    std::vector<Status> errors;
    auto kept = signals::geo::ParseGpmfGps(payload, {}, &errors);
    // Whatever was read has representable values: fix codes and sample counts are integers
    // taken only from values that fit them.
    for (const auto* r : {&blocks, &kept}) {
      if (!r->ok()) continue;
      for (const auto& b : **r) {
        if (b.fix) {
          EXPECT_GE(*b.fix, -1);
        }
        for (const auto& s : b.samples) {
          EXPECT_TRUE(std::isnan(s.utc_s) || s.utc_s > 9.4e8);
        }
      }
    }
  }
}

TEST(FuzzRegressions, GpxAndCoordinates) {
  for (const std::string& input : Inputs("gpx")) {
    auto track = signals::geo::ParseGpx(input, "regression");
    if (track.ok()) (void)signals::geo::WriteGpx(*track, "regression");
  }
  for (const std::string& input : Inputs("coords")) {
    auto c = analysis::geo::ParseCoordinate(input);
    if (c.ok()) {
      for (auto f : analysis::geo::AllCoordFormats()) (void)analysis::geo::FormatCoordinate(*c, f);
    }
  }
}

TEST(FuzzRegressions, PictureHeaders) {
  std::vector<std::string> inputs = Inputs("media");
  EXPECT_FALSE(inputs.empty());
  for (const std::string& input : inputs) {
    auto size = media::ClaimedPictureSize(input);  // must not throw
    if (size) {
      EXPECT_GE(size->width, 0);
      EXPECT_GE(size->height, 0);
    }
  }
}

}  // namespace
}  // namespace sightline::hostile

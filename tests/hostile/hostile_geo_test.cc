// Hostile geodata through the real CLI (issue 9): GPX nested a hundred thousand levels deep,
// entity expansion ("billion laughs") and external entities, points with absurd values; GoPro
// telemetry (GPMF) with sizes past the end, deep nests, zero divisors and junk. Each run is
// bounded in time and memory and ends with exit 1 and a message naming the file and the problem.
#include <gtest/gtest.h>

#include "gpmf_fixture.h"
#include "hostile_util.h"
#include "test_util.h"

namespace sightline::hostile {
namespace {

using testing::Bytes;
using testing::Klv;
using testing::Nest;
using testing::ScratchDir;
using testing::WriteFile;

constexpr char kGpxHead[] = "<?xml version=\"1.0\"?><gpx version=\"1.1\" creator=\"x\">";

std::string Repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * n);
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(HostileGeo, GpxNestingEntitiesAndAbsurdPoints) {
  ScratchDir dir;
  struct Case {
    std::string name, xml, problem;
  };
  std::string lol = "<?xml version=\"1.0\"?><!DOCTYPE gpx [<!ENTITY a0 \"dddddddddddddddd\">";
  for (int i = 1; i < 12; ++i) {
    lol += "<!ENTITY a" + std::to_string(i) + " \"" +
           Repeat("&a" + std::to_string(i - 1) + ";", 10) + "\">";
  }
  lol +=
      "]><gpx version=\"1.1\" creator=\"x\"><wpt lat=\"1\" lon=\"2\"><name>&a11;</name></wpt>"
      "</gpx>";
  const int n = 200000;
  std::vector<Case> cases = {
      {"deep_points.gpx",
       std::string(kGpxHead) + "<trk><trkseg>" + Repeat("<trkpt lat=\"1\" lon=\"2\">", n) +
           Repeat("</trkpt>", n) + "</trkseg></trk></gpx>",
       "nested deeper"},
      {"deep_unknown.gpx", std::string(kGpxHead) + Repeat("<a>", n) + Repeat("</a>", n) + "</gpx>",
       "nested deeper"},
      {"laughs.gpx", lol, "amplification"},
      {"absurd.gpx",
       std::string(kGpxHead) + "<trk><trkseg>" +
           Repeat("<trkpt lat=\"1e308\" lon=\"-1e308\"><ele>nan</ele>"
                  "<time>9999-99-99T99:99:99Z</time></trkpt>",
                  50000) +
           "</trkseg></trk></gpx>",
       "no track, route or waypoint with a valid position"},
      {"unclosed.gpx", std::string(kGpxHead) + "<trk><trkseg><trkpt lat=\"1\" lon=\"2\">", ""},
      {"binary.gpx", std::string("\x00\xff\xfe<gpx", 7) + std::string(1000, '\x01'), ""},
  };
  for (const Case& c : cases) {
    WriteFile(dir / c.name, c.xml);
    BoundedResult r = RunBounded({"track", dir / c.name});
    if (c.problem.empty()) {
      EXPECT_BOUNDED_FAILURE(r, 1, c.name);
    } else {
      EXPECT_BOUNDED_FAILURE(r, 1, c.name, c.problem);
    }
  }
  // An external entity is never fetched: the file's content does not leak into the output.
  WriteFile(dir / "secret.txt", "SECRET-CONTENT");
  WriteFile(dir / "external.gpx",
            "<?xml version=\"1.0\"?><!DOCTYPE gpx [<!ENTITY x SYSTEM \"file://" + dir.path() +
                "/secret.txt\">]><gpx version=\"1.1\" creator=\"x\"><wpt lat=\"1\" lon=\"2\">"
                "<name>&x;</name></wpt></gpx>");
  BoundedResult ext = RunBounded({"track", "--json", dir / "external.gpx"});
  EXPECT_FALSE(ext.killed());
  EXPECT_EQ(ext.run.out.find("SECRET-CONTENT"), std::string::npos) << ext.run.out;
  EXPECT_EQ(ext.run.err.find("SECRET-CONTENT"), std::string::npos) << ext.run.err;
}

TEST(HostileGeo, CorruptGpmfTelemetry) {
  ScratchDir dir;
  auto be32 = [](std::uint32_t v) {
    Bytes b;
    testing::PutBe(&b, v, 4);
    return b;
  };
  // A nest claiming 65535 words with 8 bytes behind it.
  Bytes past_end = Klv("DEVC", 0, 4, 0xFFFF, Bytes(8, 0));
  past_end.resize(16);
  // 2000 nests inside each other.
  Bytes deep = Klv("GPS5", 'l', 4, 1, be32(1));
  for (int i = 0; i < 2000; ++i) deep = Nest(i % 2 ? "DEVC" : "STRM", {deep});
  // GPS5 samples with a zero divisor, and a SCAL that does not fit them.
  Bytes zero_scal = Nest("DEVC", {Nest("STRM", {Klv("SCAL", 'l', 4, 5, Bytes(20, 0)),
                                                Klv("GPS5", 'l', 20, 2, Bytes(40, 1))})});
  Bytes bad_scal = Nest("DEVC", {Nest("STRM", {Klv("SCAL", 'l', 4, 3, Bytes(12, 1)),
                                               Klv("GPS5", 'l', 20, 2, Bytes(40, 1))})});
  // A structure size that does not divide its data, and a repeat far past the payload.
  Bytes odd_size = Nest("DEVC", {Nest("STRM", {Klv("GPS5", 'l', 7, 3, Bytes(21, 1))})});
  Bytes huge_repeat = Klv("GPS5", 'l', 255, 0xFFFF, Bytes(64, 1));
  huge_repeat.resize(72);
  Bytes junk(4096);
  std::uint32_t x = 12345;
  for (auto& b : junk) b = static_cast<std::uint8_t>((x = x * 1103515245 + 12345) >> 24);
  std::vector<std::pair<std::string, Bytes>> payloads = {
      {"past_end", past_end}, {"deep", deep},         {"zero_scal", zero_scal},
      {"bad_scal", bad_scal}, {"odd_size", odd_size}, {"huge_repeat", huge_repeat},
      {"junk", junk}};
  for (const auto& [name, payload] : payloads) {
    const std::string path = dir / ("gopro_" + name + ".mov");
    ASSERT_EQ(testing::WriteGpmdMov(path, {payload, payload, payload}, 1.0), "") << name;
    EXPECT_BOUNDED_FAILURE(RunBounded({"track", path}), 1, "gopro_" + name + ".mov");
    BoundedResult probe = RunBounded({"probe", "--json", path});
    EXPECT_FALSE(probe.killed()) << name << ": " << probe.run.err;
  }
  // Twenty thousand junk payloads: bounded, and still a clear error.
  std::vector<Bytes> many(20000, Bytes(junk.begin(), junk.begin() + 64));
  const std::string path = dir / "gopro_many.mov";
  ASSERT_EQ(testing::WriteGpmdMov(path, many, 0.01), "");
  EXPECT_BOUNDED_FAILURE(RunBounded({"track", path}), 1, "gopro_many.mov");
}

}  // namespace
}  // namespace sightline::hostile

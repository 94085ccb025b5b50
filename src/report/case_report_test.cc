// The report's per-item and per-finding content on generated media: keyframe sheets, custody
// summaries, match pictures, synced waveforms and the map, and the picture contract redaction
// relies on (every <img> is a data: URI marked with the item or items it shows).
#include "report/case_report.h"

#include <gtest/gtest.h>

#include <map>

#include "base/file.h"
#include "case/case_test_fixture.h"
#include "case/findings.h"
#include "case/locations.h"
#include "case/observations.h"
#include "evidence/ingest.h"
#include "report/report_files.h"
#include "report/report_html.h"
#include "report/world_map.h"
#include "test_util.h"

namespace sightline::report {
namespace {

namespace inv = investigation;

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

class CaseReportTest : public inv::EmptyCase {
 protected:
  void SetUp() override {
    inv::EmptyCase::SetUp();
    if (HasFatalFailure()) return;
    // Two videos with sound (a tone that starts loud then falls silent), and a photo.
    for (const char* name : {"a.mp4", "b.mp4"}) {
      testing::MakeMedia({"-f", "lavfi", "-i", "testsrc2=d=4:s=160x120:r=25", "-f", "lavfi", "-i",
                          "sine=frequency=440:duration=4,volume=enable='gt(t,2)':volume=0", "-c:v",
                          "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                          "-shortest", "-metadata", std::string("title=") + name},
                         dir_ / name);
    }
    testing::MakeMedia({"-f", "lavfi", "-i", "testsrc=s=160x120", "-frames:v", "1"},
                       dir_ / "photo.jpg");
    for (const char* name : {"a.mp4", "b.mp4", "photo.jpg"}) {
      evidence::IngestReport r = evidence::IngestFile(*case_, who_, dir_ / name, {});
      ASSERT_EQ(r.outcome, evidence::IngestOutcome::kStored) << r.message;
    }
  }
};

TEST_F(CaseReportTest, PicturesWaveformsCustodyAndMap) {
  ASSERT_TRUE(inv::RecordSuggestions(*case_, who_,
                                     {{inv::FindingKind::kSameFootage, 1, 2, "match", 1, 0.9,
                                       R"({"evidence":[{"a_t":1.0,"b_t":1.0}]})"},
                                      {inv::FindingKind::kSameMoment, 1, 2, "sync", 1, 0.95,
                                       R"({"offset_s":0.0,"overlap_s":4.0})"},
                                      {inv::FindingKind::kSamePlace, 1, 3, "scene", 1, 0.7,
                                       R"({"a_time":2.0,"b_time":0,"b_still":true})"},
                                      // b.mp4 is a.mp4 again: only the lines tell the two apart.
                                      {inv::FindingKind::kSamePlace, 2, 3, "scene", 1, 0.7,
                                       R"({"a_time":2.0,"b_time":0,"b_still":true,"mirrored":true,
                                           "points":[[0.1,0.1,0.9,0.9],[0.5,0.2,0.3,0.7]]})"}})
                  .ok());
  inv::Location where;
  where.item_id = 1;
  where.lat = 50.4501;
  where.lon = 30.5234;
  where.radius_m = 200;
  where.method = "landmarks";
  ASSERT_TRUE(inv::SetLocation(*case_, who_, where).ok());
  inv::Observation said;
  said.item_id = 2;
  said.kind = "speech";
  said.start_s = 1;
  said.text = "a greeting";
  said.language = "uk";
  said.original = "Привіт";
  said.translation = "Hello";
  ASSERT_TRUE(inv::AddObservation(*case_, who_, said).ok());

  auto r = BuildCaseReport(*case_, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const nlohmann::json& items = (*r)["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_TRUE(items[0]["keyframes_jpeg_base64"].is_string()) << items[0].dump().substr(0, 300);
  EXPECT_TRUE(items[2]["keyframes_jpeg_base64"].is_null());  // a photo: its picture suffices
  EXPECT_EQ(items[0]["custody"]["ingest"]["actor"], "desk@newsroom");
  EXPECT_EQ(items[0]["custody"]["ingest"]["action"], "ingest");
  EXPECT_EQ(items[0]["custody"]["ingest"]["entry_hash"].get<std::string>().size(), 64u);

  const nlohmann::json& findings = (*r)["findings"];
  ASSERT_EQ(findings.size(), 4u);
  std::map<std::string, std::string> place_pictures;
  for (const nlohmann::json& f : findings) {
    if (f["kind"] == "same_place") {
      place_pictures[f["a"].dump()] = f.value("picture_jpeg_base64", std::string());
    }
    if (f["kind"] == "same_moment") {
      ASSERT_TRUE(f["waveform"].is_object()) << f.dump();
      const auto a = f["waveform"]["a_levels"].get<std::vector<double>>();
      const auto b = f["waveform"]["b_levels"].get<std::vector<double>>();
      ASSERT_EQ(a.size(), 300u);
      ASSERT_EQ(b.size(), 300u);
      EXPECT_GT(a[50], 0.5);   // the tone, loud for the first two seconds
      EXPECT_LT(a[250], 0.1);  // then silence
      EXPECT_NEAR(a[50], b[50], 0.05);
      EXPECT_FALSE(f.contains("picture_jpeg_base64"));
    } else {
      EXPECT_TRUE(f["picture_jpeg_base64"].is_string()) << f.dump().substr(0, 300);
    }
  }

  // The matched points of the second are joined by lines on its picture.
  ASSERT_EQ(place_pictures.size(), 2u);
  EXPECT_FALSE(place_pictures["2"].empty());
  EXPECT_NE(place_pictures["1"], place_pictures["2"]);
  auto map = LoadWorldMap();
  ASSERT_TRUE(map.ok()) << map.status().message();
  const std::string html = RenderReportHtml(*r, {&*map, ""});
  EXPECT_EQ(Count(html, "<svg class=\"map\""), 1u);
  EXPECT_EQ(Count(html, "<svg class=\"waveform\""), 1u);
  EXPECT_EQ(Count(html, "data-items=\"1,2\""), 1u);  // same_footage; same_moment is a waveform
  EXPECT_EQ(Count(html, "data-items=\"1,3\""), 1u);
  EXPECT_EQ(Count(html, "mirrored (flipped left to right)"), 1u);  // finding 4 only
  EXPECT_EQ(Count(html, "data-item=\"1\""), 2u);                   // picture and keyframe sheet
  EXPECT_EQ(Count(html, "data-item=\"3\""), 1u);                   // the photo's picture
  // The picture contract: every <img> is inline and names what it shows.
  EXPECT_EQ(Count(html, "<img "), Count(html, "<img data-item"));
  EXPECT_EQ(Count(html, "<img "), Count(html, "src=\"data:image/jpeg;base64,"));
  EXPECT_EQ(Count(html, "http://") + Count(html, "https://"), 0u);
  EXPECT_NE(html.find("«Привіт» [uk] — Hello"), std::string::npos);
  EXPECT_NE(html.find("Transcripts and translations"), std::string::npos);

  // Without pictures nothing is decoded: no sheet, match picture or waveform.
  CaseReportOptions bare;
  bare.thumbnail_side = 0;
  auto b = BuildCaseReport(*case_, bare);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Count(b->dump(), "_jpeg_base64\":\""), 0u);
  EXPECT_EQ(Count(b->dump(), "a_levels"), 0u);
}

// A report that places nothing but a camera's GPS track still gets its map, with the track.
TEST_F(CaseReportTest, WrittenWithAMapForAGpsTrackAlone) {
  CaseReportOptions bare;
  bare.thumbnail_side = 0;
  auto r = BuildCaseReport(*case_, bare);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE((*r)["locations"].empty());
  (*r)["items"][0]["gps_track"] = {{"source", "GPMF GPS5 (Camera)"},
                                   {"start_utc", "2024-05-01T10:00:00.000Z"},
                                   {"distance_m", 100},
                                   {"path", {{50.45, 30.52}, {50.451, 30.521}, {50.452, 30.523}}}};
  const std::string out = dir_ / "report";
  auto written = WriteReportFiles(*r, out);
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_TRUE(written->map_note.empty()) << written->map_note;
  auto html = ReadFileToString(written->html_path);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(Count(*html, "<svg class=\"map\""), 1u);
  EXPECT_EQ(Count(*html, "stroke=\"#1f5fa8\""), 1u);  // the track
  EXPECT_NE(html->find("#1 GPS track"), std::string::npos);
  EXPECT_NE(html->find("recording started 2024-05-01T10:00:00.000Z by its GPS clock"),
            std::string::npos);
  auto json = ReadFileToString(written->json_path);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(nlohmann::json::parse(*json)["items"][0]["gps_track"]["distance_m"], 100);
}

}  // namespace
}  // namespace sightline::report

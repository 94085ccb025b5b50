// End-to-end: `sightline scene` and `sightline locate` through the real binary, on committed
// street views (tests/data/scene) and generated pictures and clips: JSON schema, readable
// output, the evidence picture, video frame times, bad input (featureless, tiny, huge claimed
// size, missing, not media) and exit codes; locate with the text of signs (--ref-text,
// --no-text) and index files of the old format.
#include <gtest/gtest.h>

#include <cmath>

#include <exiv2/exiv2.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "analysis/scene/frames.h"
#include "analysis/scene/synthetic.h"
#include "media/image_writer.h"
#include "report/item_pictures.h"
#include "test_util.h"

namespace sightline {
namespace {

namespace sy = analysis::scene::synthetic;
using testing::MakeMedia;
using testing::RunSightline;
using testing::ScratchDir;

const std::string kData = std::string(SIGHTLINE_TEST_DATA) + "/scene/";

void WriteGray(const std::string& path, const cv::Mat& gray) {
  ASSERT_TRUE(sy::WriteGrayJpeg(path, gray).ok()) << path;
}

void SetGps(const std::string& path, const std::string& lat, const std::string& lon) {
  Exiv2::Image::AutoPtr img = Exiv2::ImageFactory::open(path);
  img->readMetadata();
  Exiv2::ExifData& e = img->exifData();
  e["Exif.GPSInfo.GPSLatitudeRef"] = "N";
  e["Exif.GPSInfo.GPSLatitude"] = lat;
  e["Exif.GPSInfo.GPSLongitudeRef"] = "E";
  e["Exif.GPSInfo.GPSLongitude"] = lon;
  img->writeMetadata();
}

// A PNG whose header claims 100000 x 100000 pixels (and whose data is garbage).
std::string HugePng() {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  const unsigned char ihdr[] = {0, 0,    0,    13, 'I', 'H', 'D', 'R', 0,    1,    0x86, 0xA0, 0,
                                1, 0x86, 0xA0, 8,  0,   0,   0,   0,   0xDE, 0xAD, 0xBE, 0xEF};
  png.append(reinterpret_cast<const char*>(ihdr), sizeof ihdr);
  png += std::string("\0\0\0\x10IDAT", 8) + std::string(20, 'x');
  return png;
}

class SceneCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    // A large textured "place" and two clips panning over overlapping parts of it, one zoomed.
    WriteGray(*dir_ / "place.jpg", sy::Texture(1200, 900, 21));
    const std::vector<std::string> x264 = {"-c:v",     "libx264", "-preset", "veryfast",
                                           "-pix_fmt", "yuv420p", "-crf",    "20"};
    auto clip = [&](const std::string& filter, const std::string& name) {
      std::vector<std::string> args = {
          "-loop", "1", "-framerate", "10", "-i", *dir_ / "place.jpg", "-vf", filter};
      args.insert(args.end(), x264.begin(), x264.end());
      MakeMedia(args, *dir_ / name);
    };
    clip("crop=640:480:x='100+40*t':y=100,trim=duration=3", "pan_a.mp4");
    clip("crop=500:380:x='300+30*t':y='200+10*t',scale=640:480,trim=duration=3", "pan_b.mp4");
    MakeMedia({"-f", "lavfi", "-i", "testsrc2=s=640x480:r=10:d=2", "-c:v", "libx264", "-pix_fmt",
               "yuv420p"},
              *dir_ / "other.mp4");
    // The place seen face-on and from about 75 degrees to one side (squeezed 4x along a
    // direction 30 degrees from x): a wide baseline.
    {
      const cv::Mat face = sy::Texture(800, 600, 23);
      const double a = 30 * CV_PI / 180;
      const cv::Matx33d turn(std::cos(a), std::sin(a), 0, -std::sin(a), std::cos(a), 0, 0, 0, 1);
      const cv::Matx33d squeeze(1.6 / 4, 0, 0, 0, 1.6, 0, 0, 0, 1);
      const cv::Matx33d centre(1, 0, -400, 0, 1, -300, 0, 0, 1),
          back(1, 0, 400, 0, 1, 300, 0, 0, 1);
      WriteGray(*dir_ / "face.jpg", face);
      WriteGray(*dir_ / "oblique.jpg",
                sy::View(face, back * squeeze * turn * centre, face.size(), 0.8, 20));
    }
    // A street view reposted mirrored.
    MakeMedia({"-i", kData + "lund_02.jpg", "-vf", "hflip", "-q:v", "2"},
              *dir_ / "lund_02_flipped.jpg");
    WriteGray(*dir_ / "black.jpg", cv::Mat(480, 640, CV_8UC1, cv::Scalar(0)));
    WriteGray(*dir_ / "tiny.jpg", sy::Texture(8, 8, 4));
    testing::WriteFile(*dir_ / "huge.png", HugePng());
    testing::WriteFile(*dir_ / "text.jpg", "not a picture");
  }
  static void TearDownTestSuite() { delete dir_; }
  static ScratchDir* dir_;
};
ScratchDir* SceneCli::dir_ = nullptr;

nlohmann::json Parse(const testing::CommandResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
  return j;
}

TEST_F(SceneCli, NeighbouringStreetViewsMatchWithEvidenceAndPicture) {
  const std::string picture = *dir_ / "evidence.jpg";
  auto r = RunSightline(
      {"scene", "--json", "--picture", picture, kData + "lund_01.jpg", kData + "lund_02.jpg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = Parse(r);
  for (const char* key :
       {"a", "b", "match", "score", "inliers", "tentative", "model", "a_time", "b_time", "coverage",
        "reason", "frame_pairs", "stage", "mirrored", "evidence", "picture"})
    EXPECT_TRUE(j.contains(key)) << key << "\n" << r.out;
  EXPECT_EQ(j["match"], true) << j["reason"];
  EXPECT_EQ(j["stage"], "direct");  // neighbouring views need no simulated views
  EXPECT_EQ(j["mirrored"], false);
  EXPECT_TRUE(j["model"] == "homography" || j["model"] == "fundamental");
  EXPECT_TRUE(j["a_time"].is_null());  // photos
  EXPECT_GE(j["inliers"].get<int>(), 20);
  ASSERT_EQ(j["evidence"].size(), j["inliers"].get<size_t>());
  for (const auto& p : j["evidence"]) {
    ASSERT_EQ(p.size(), 4u);
    for (const auto& v : p) EXPECT_TRUE(v.get<double>() >= 0 && v.get<double>() <= 1);
  }
  const std::string jpeg = testing::ReadFile(picture);
  ASSERT_GT(jpeg.size(), 1000u);
  EXPECT_EQ(jpeg.substr(0, 2), "\xFF\xD8");
  // Photos are drawn in colour, as they look (they were compared in grey): the sky is blue over
  // a good part of the picture. Drawn grey, only the coloured lines differ so (12 %, measured).
  auto drawn = report::FrameAt(picture, 0, 4000);
  ASSERT_TRUE(drawn.ok()) << drawn.status().message();
  ASSERT_EQ(drawn->layout, media::PixelLayout::kRgb24);
  std::size_t tinted = 0;
  for (std::size_t i = 0; i + 2 < drawn->pixels.size(); i += 3)
    tinted += std::abs(drawn->pixels[i] - drawn->pixels[i + 2]) > 30;
  EXPECT_GT(tinted * 3, drawn->pixels.size() * 3 / 10);
}

TEST_F(SceneCli, AMirroredRepostMatchesAndSaysSo) {
  const std::string flipped = *dir_ / "lund_02_flipped.jpg";
  auto r = RunSightline({"scene", "--json", kData + "lund_01.jpg", flipped});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = Parse(r);
  EXPECT_EQ(j["match"], true) << j["reason"];
  EXPECT_EQ(j["mirrored"], true) << j["reason"];
  EXPECT_NE(j["reason"].get<std::string>().find("mirrored"), std::string::npos);
  // The evidence is in B's own pixels: against its own flipped copy, a point at x lies at 1 - x.
  r = RunSightline({"scene", "--json", kData + "lund_02.jpg", flipped});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Parse(r);
  EXPECT_EQ(j["mirrored"], true) << j["reason"];
  int mirrored_points = 0;
  for (const auto& p : j["evidence"]) {
    mirrored_points += std::abs(p[2].get<double>() - (1 - p[0].get<double>())) < 0.01 &&
                       std::abs(p[3].get<double>() - p[1].get<double>()) < 0.01;
  }
  EXPECT_GT(j["evidence"].size(), 100u);
  EXPECT_GE(mirrored_points * 10, static_cast<int>(j["evidence"].size()) * 9);
  r = RunSightline({"scene", kData + "lund_01.jpg", flipped});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("SAME PLACE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("B is mirrored"), std::string::npos) << r.out;
}

TEST_F(SceneCli, ObliqueViewMatchesThroughAffineSimulatedViews) {
  auto r = RunSightline({"scene", "--json", *dir_ / "face.jpg", *dir_ / "oblique.jpg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = Parse(r);
  EXPECT_EQ(j["match"], true) << j["reason"];
  EXPECT_EQ(j["stage"], "affine") << j["reason"];
  EXPECT_NE(j["reason"].get<std::string>().find("affine"), std::string::npos);
  // A different place seen the same way is not a match, even with the simulated views.
  r = RunSightline({"scene", "--json", *dir_ / "place.jpg", *dir_ / "oblique.jpg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Parse(r)["match"], false);
}

TEST_F(SceneCli, DistantViewsDoNotMatchAndThatIsStillSuccess) {
  auto r = RunSightline({"scene", kData + "lund_01.jpg", kData + "lund_20.jpg"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no match"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lund_20.jpg"), std::string::npos) << r.out;
}

TEST_F(SceneCli, VideosReportTheMatchingFrameTimes) {
  auto r = RunSightline({"scene", "--json", *dir_ / "pan_a.mp4", *dir_ / "pan_b.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = Parse(r);
  EXPECT_EQ(j["match"], true) << j["reason"];
  ASSERT_TRUE(j["a_time"].is_number());
  ASSERT_TRUE(j["b_time"].is_number());
  EXPECT_GT(j["frame_pairs"].get<int>(), 1);

  r = RunSightline({"scene", "--json", "--at", "2:0.5", *dir_ / "pan_a.mp4", *dir_ / "pan_b.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Parse(r);
  EXPECT_NEAR(j["a_time"].get<double>(), 2.0, 0.11);
  EXPECT_NEAR(j["b_time"].get<double>(), 0.5, 0.11);
  EXPECT_EQ(j["frame_pairs"], 1);

  r = RunSightline({"scene", "--json", *dir_ / "pan_a.mp4", *dir_ / "other.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Parse(r)["match"], false);
}

TEST_F(SceneCli, FeaturelessAndTinyPicturesAreAClearNoMatch) {
  for (const char* name : {"black.jpg", "tiny.jpg"}) {
    auto r = RunSightline({"scene", "--json", *dir_ / name, kData + "lund_01.jpg"});
    EXPECT_EQ(r.exit_code, 0) << name << r.err;
    auto j = Parse(r);
    EXPECT_EQ(j["match"], false) << name;
    EXPECT_EQ(j["model"], "none") << name;
    EXPECT_NE(j["reason"].get<std::string>().find("too few features"), std::string::npos)
        << j["reason"];
  }
}

TEST_F(SceneCli, UnreadableFilesFailWithTheirNameAndUsageErrors) {
  for (const char* name : {"huge.png", "text.jpg", "missing.jpg"}) {
    auto r = RunSightline({"scene", "--json", kData + "lund_01.jpg", *dir_ / name});
    EXPECT_EQ(r.exit_code, 1) << name << r.out;
    EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
    auto j = Parse(r);
    EXPECT_TRUE(j.contains("error")) << r.out;
  }
  EXPECT_EQ(RunSightline({"scene", kData + "lund_01.jpg"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"scene", "--at", "soon", kData + "lund_01.jpg", kData + "lund_02.jpg"})
                .exit_code,
            2);
}

TEST_F(SceneCli, LocateRanksReferencesReportsGpsAndKeepsAnIndex) {
  const std::string refs = *dir_ / "refs";
  std::filesystem::create_directories(refs);
  std::filesystem::copy_file(kData + "lund_01.jpg", refs + "/lund_01.jpg");
  std::filesystem::copy_file(kData + "lund_20.jpg", refs + "/lund_20.jpg");
  SetGps(refs + "/lund_01.jpg", "55/1 41889/1000 0/1", "13/1 11723/1000 0/1");
  SetGps(refs + "/lund_20.jpg", "55/1 41950/1000 0/1", "13/1 11682/1000 0/1");
  WriteGray(refs + "/texture.jpg", sy::Texture(480, 360, 8));
  const std::string index = *dir_ / "refs.index";

  auto r = RunSightline({"locate", "--json", "--refs", refs, "--index", index,
                         kData + "lund_02.jpg", *dir_ / "black.jpg", *dir_ / "text.jpg"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // text.jpg cannot be read; the others are answered
  auto j = Parse(r);
  ASSERT_TRUE(j.is_array() && j.size() == 3) << r.out;
  EXPECT_EQ(j[0]["located"], true) << j[0]["reason"];
  EXPECT_NEAR(j[0]["position"]["lat"].get<double>(), 55 + 41.889 / 60, 1e-6);
  EXPECT_NEAR(j[0]["position"]["lon"].get<double>(), 13 + 11.723 / 60, 1e-6);
  EXPECT_EQ(j[0]["position"]["reference"], "lund_01.jpg");
  EXPECT_GT(j[0]["confidence"].get<double>(), 0.3);
  ASSERT_EQ(j[0]["candidates"].size(), 3u);
  EXPECT_EQ(j[0]["candidates"][0]["reference"], "lund_01.jpg");
  EXPECT_EQ(j[0]["candidates"][0]["match"], true);
  EXPECT_EQ(j[1]["located"], false);
  EXPECT_TRUE(j[1]["position"].is_null());
  EXPECT_TRUE(j[2].contains("error"));
  EXPECT_TRUE(std::filesystem::exists(index));
  // Nothing was written into the references' folder.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(refs), {}), 3);

  // The second run reuses the index (no rebuild message) and gives the same answer, readable.
  r = RunSightline({"locate", "--refs", refs, "--index", index, kData + "lund_03.jpg"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("building"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("LOCATED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lund_01.jpg"), std::string::npos) << r.out;

  // A changed reference set: the index is rebuilt, said on stderr.
  WriteGray(refs + "/texture2.jpg", sy::Texture(480, 360, 9));
  r = RunSightline({"locate", "--json", "--refs", refs, "--index", index, kData + "lund_02.jpg"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("out of date"), std::string::npos) << r.err;
  EXPECT_EQ(Parse(r)["candidates"].size(), 4u);

  EXPECT_EQ(RunSightline({"locate", kData + "lund_02.jpg"}).exit_code, 2);
  EXPECT_EQ(
      RunSightline({"locate", "--refs", refs, "--case", refs, kData + "lund_02.jpg"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"locate", "--refs", *dir_ / "nowhere", kData + "lund_02.jpg"}).exit_code,
            1);
}

TEST_F(SceneCli, LocateReadsTheReferencesOfACase) {
  const std::string in = *dir_ / "case_in";
  std::filesystem::create_directories(in);
  std::filesystem::copy_file(kData + "lund_01.jpg", in + "/first.jpg");
  SetGps(in + "/first.jpg", "55/1 41889/1000 0/1", "13/1 11723/1000 0/1");
  WriteGray(in + "/texture.jpg", sy::Texture(480, 360, 8));
  auto r = RunSightline({"ingest", "--case", *dir_ / "case", in});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunSightline({"locate", "--json", "--case", *dir_ / "case", kData + "lund_02.jpg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = Parse(r);
  EXPECT_EQ(j["located"], true) << r.out;
  EXPECT_EQ(j["position"]["reference"], "first.jpg");
}

constexpr char kFont[] = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// `gray` with a white sign reading `words` (black DejaVu Sans, 36 px) at (x, y), drawn by FFmpeg.
cv::Mat WithSign(const std::string& dir, const cv::Mat& gray, const std::string& words, int x,
                 int y) {
  const std::string plain = dir + "/sign_plain.jpg", with = dir + "/sign.png";
  EXPECT_TRUE(sy::WriteGrayJpeg(plain, gray).ok());
  MakeMedia({"-i", plain, "-vf",
             std::string("drawtext=fontfile=") + kFont + ":text='" + words +
                 "':fontsize=36:fontcolor=black:box=1:boxcolor=white:boxborderw=16:x=" +
                 std::to_string(x) + ":y=" + std::to_string(y),
             "-frames:v", "1"},
            with);
  analysis::scene::FrameOptions fo;
  fo.max_side = 4096;
  auto frames = analysis::scene::ReadSceneFrames(with, fo);
  EXPECT_TRUE(frames.ok()) << frames.status().message();
  return frames.ok() ? frames->front().gray.clone() : gray.clone();
}

TEST_F(SceneCli, LocateShortlistsByTheWordsOfSignsButOnlyGeometryMatches) {
  // The query shows a place with a sign; the references: the place photographed focused on the
  // sign (the rest blurred, a third of it something else), a different place with the same sign,
  // and another place. `--shortlist 0`: only the words can bring a reference to geometry.
  const std::string refs = *dir_ / "text_refs";
  std::filesystem::create_directories(refs);
  const cv::Size s(800, 600);
  const cv::Mat place = sy::Texture(800, 600, 31);
  WriteGray(*dir_ / "sign_query.jpg", WithSign(dir_->path(), place, "BESSARABSKA", 100, 120));
  cv::Mat blurred;
  cv::GaussianBlur(sy::View(place, sy::Motion(s, 0, 1.0, 0), s, 0.9, 8), blurred, cv::Size(), 3);
  sy::Texture(800, 600, 35)(cv::Rect(420, 0, 380, 600)).copyTo(blurred(cv::Rect(420, 0, 380, 600)));
  WriteGray(refs + "/place.jpg", WithSign(dir_->path(), blurred, "BESSARABSKA", 100, 120));
  SetGps(refs + "/place.jpg", "50/1 26940/1000 0/1", "30/1 31260/1000 0/1");
  WriteGray(refs + "/other.jpg", sy::Texture(800, 600, 32));
  WriteGray(refs + "/elsewhere.jpg",
            WithSign(dir_->path(), sy::Texture(800, 600, 41), "BESSARABSKA", 440, 480));
  SetGps(refs + "/elsewhere.jpg", "49/1 50380/1000 0/1", "24/1 1780/1000 0/1");
  const std::string index = *dir_ / "text_refs.index";

  // An index of the first format (before words) is rebuilt, said on stderr.
  testing::WriteFile(index, "SLSCIDX1" + std::string(64, '\0'));
  auto r = RunSightline({"locate", "--json", "--shortlist", "0", "--wide", "0", "--refs", refs,
                         "--index", index, *dir_ / "sign_query.jpg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("format 1"), std::string::npos) << r.err;
  auto j = Parse(r);
  // Without the references' text: nothing is verified, the place is missed.
  EXPECT_EQ(j["located"], false) << r.out;
  EXPECT_TRUE(j["query_words"].is_null());
  EXPECT_TRUE(j["candidates"].empty());

  // --ref-text: the index is rebuilt with the words (its cost per reference on stderr).
  r = RunSightline({"locate", "--json", "--ref-text", "--shortlist", "0", "--wide", "0", "--refs",
                    refs, "--index", index, *dir_ / "sign_query.jpg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("without the references' text"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("s per reference"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 with place words"), std::string::npos) << r.err;
  j = Parse(r);
  for (const char* key : {"file", "located", "position", "confidence", "reason", "seconds",
                          "query_words", "text_seconds", "wide_tested", "candidates"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["query_words"], nlohmann::json::array({"bessarabska"})) << r.out;
  ASSERT_EQ(j["located"], true) << j["reason"];
  EXPECT_EQ(j["position"]["reference"], "place.jpg");
  EXPECT_NEAR(j["position"]["lat"].get<double>(), 50 + 26.94 / 60, 1e-6);
  ASSERT_EQ(j["candidates"].size(), 2u) << r.out;
  const auto& best = j["candidates"][0];
  for (const char* key : {"reference", "path", "similarity", "shortlisted_by", "shared_words",
                          "text_score", "verified", "match", "stage", "wide_tested", "score",
                          "inliers", "model", "query_time", "gps"})
    EXPECT_TRUE(best.contains(key)) << key;
  EXPECT_EQ(best["reference"], "place.jpg");
  EXPECT_EQ(best["shortlisted_by"], "text");
  EXPECT_EQ(best["stage"], "direct");
  EXPECT_EQ(best["shared_words"], nlohmann::json::array({"bessarabska"}));
  bool saw_elsewhere = false;
  for (const auto& c : j["candidates"]) {
    if (c["reference"] != "elsewhere.jpg") continue;
    saw_elsewhere = true;
    EXPECT_EQ(c["shortlisted_by"], "text");
    EXPECT_EQ(c["verified"], true);
    EXPECT_EQ(c["match"], false);  // the same sign on another wall
    EXPECT_TRUE(c["stage"].is_null());
  }
  EXPECT_TRUE(saw_elsewhere) << r.out;

  // Readable output names the shared words; the index is reused.
  r = RunSightline(
      {"locate", "--shortlist", "0", "--refs", refs, "--index", index, *dir_ / "sign_query.jpg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("building"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("LOCATED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shares the words bessarabska"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shortlisted by them"), std::string::npos) << r.out;

  // A video query: its text is read every 2 s, its frames compared; the same answer.
  MakeMedia({"-loop", "1", "-framerate", "10", "-i", *dir_ / "sign_query.jpg", "-t", "3", "-c:v",
             "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-crf", "18"},
            *dir_ / "sign_query.mp4");
  r = RunSightline({"locate", "--json", "--shortlist", "0", "--refs", refs, "--index", index,
                    *dir_ / "sign_query.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Parse(r);
  EXPECT_EQ(j["query_words"], nlohmann::json::array({"bessarabska"})) << r.out;
  EXPECT_EQ(j["located"], true) << j["reason"];
  EXPECT_EQ(j["position"]["reference"], "place.jpg");

  // --no-text: the query's text is not read; nothing to verify.
  r = RunSightline({"locate", "--json", "--no-text", "--shortlist", "0", "--wide", "0", "--refs",
                    refs, "--index", index, *dir_ / "sign_query.jpg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Parse(r);
  EXPECT_TRUE(j["query_words"].is_null());
  EXPECT_EQ(j["located"], false);

  EXPECT_EQ(
      RunSightline({"locate", "--ref-text", "--no-text", "--refs", refs, *dir_ / "sign_query.jpg"})
          .exit_code,
      2);
  EXPECT_EQ(
      RunSightline({"locate", "--wide", "-1", "--refs", refs, *dir_ / "sign_query.jpg"}).exit_code,
      2);
}

}  // namespace
}  // namespace sightline

// Locating a picture among geotagged references: the right reference wins, its GPS is reported,
// the index file round-trips and notices changed references (and refuses the old format), and
// unreadable files are reported without stopping the rest. Text: a reference sharing a sign's
// words with the query is verified even when VLAD ranks it low, and a different place with the
// same sign is not matched (words alone never make a match). A query flipped left to right (a
// mirrored repost) is located and said to be mirrored.
#include "analysis/scene/locate.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <exiv2/exiv2.hpp>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "analysis/scene/frames.h"
#include "analysis/scene/synthetic.h"
#include "analysis/text/ocr.h"
#include "base/file.h"
#include "media/image_writer.h"
#include "test_util.h"

namespace sightline::analysis::scene {
namespace {

namespace sy = synthetic;
using testing::ScratchDir;

void WriteGray(const std::string& path, const cv::Mat& gray) {
  ASSERT_TRUE(sy::WriteGrayJpeg(path, gray).ok()) << path;
}

// Writes EXIF GPS (whole degrees and decimal minutes as rationals, as cameras do).
void SetGps(const std::string& path, double lat, double lon) {
  auto rational = [](double v) {
    const double a = std::abs(v);
    const int deg = static_cast<int>(a);
    const long micro_min = std::lround((a - deg) * 60 * 1000000);
    return std::to_string(deg) + "/1 " + std::to_string(micro_min) + "/1000000 0/1";
  };
  Exiv2::Image::AutoPtr img = Exiv2::ImageFactory::open(path);
  img->readMetadata();
  Exiv2::ExifData& e = img->exifData();
  e["Exif.GPSInfo.GPSLatitudeRef"] = lat >= 0 ? "N" : "S";
  e["Exif.GPSInfo.GPSLatitude"] = rational(lat);
  e["Exif.GPSInfo.GPSLongitudeRef"] = lon >= 0 ? "E" : "W";
  e["Exif.GPSInfo.GPSLongitude"] = rational(lon);
  img->writeMetadata();
}

class LocateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    const std::string refs = *dir_ / "refs";
    ASSERT_TRUE(MakeDirs(refs + "/street").ok());
    const std::string data = std::string(SIGHTLINE_TEST_DATA) + "/scene/";
    std::filesystem::copy_file(data + "lund_01.jpg", refs + "/street/lund_01.jpg");
    std::filesystem::copy_file(data + "lund_20.jpg", refs + "/street/lund_20.jpg");
    SetGps(refs + "/street/lund_01.jpg", 55.698167, 13.195389);
    SetGps(refs + "/street/lund_20.jpg", 55.699161, 13.194700);
    for (int seed = 1; seed <= 6; ++seed) {
      const std::string p = refs + "/texture_" + std::to_string(seed) + ".jpg";
      WriteGray(p, sy::Texture(480, 360, seed));
      SetGps(p, 10 + seed, 20 + seed);
    }
    testing::WriteFile(refs + "/broken.jpg", "not a picture");
    testing::WriteFile(refs + "/notes.txt", "ignored: not a picture name");
    auto files = ListReferencePictures(refs);
    ASSERT_TRUE(files.ok());
    problems_ = new std::vector<std::string>;
    auto index = ReferenceIndex::Build(*files, {}, problems_);
    ASSERT_TRUE(index.ok()) << index.status().message();
    index_ = new ReferenceIndex(std::move(index).value());
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete index_;
    delete problems_;
  }
  static ScratchDir* dir_;
  // The references indexed once for the suite, and what could not be read.
  static ReferenceIndex* index_;
  static std::vector<std::string>* problems_;
};
ScratchDir* LocateTest::dir_ = nullptr;
ReferenceIndex* LocateTest::index_ = nullptr;
std::vector<std::string>* LocateTest::problems_ = nullptr;

TEST_F(LocateTest, ListsPicturesRecursivelyAndSorted) {
  auto files = ListReferencePictures(*dir_ / "refs");
  ASSERT_TRUE(files.ok()) << files.status().message();
  ASSERT_EQ(files->size(), 9u);  // 6 textures, 2 street views, broken.jpg; not notes.txt
  EXPECT_EQ(files->front().label, "broken.jpg");
  EXPECT_EQ(files->back().label, "texture_6.jpg");
  EXPECT_FALSE(ListReferencePictures(*dir_ / "missing").ok());
}

TEST_F(LocateTest, FindsTheMatchingReferenceAndItsGps) {
  ASSERT_NE(index_, nullptr);
  const ReferenceIndex* index = index_;
  EXPECT_EQ(index->references().size(), 8u);
  ASSERT_EQ(problems_->size(), 1u);
  EXPECT_NE((*problems_)[0].find("broken.jpg"), std::string::npos) << (*problems_)[0];

  // A street view a few metres from lund_01.
  auto r = Locate(std::string(SIGHTLINE_TEST_DATA) + "/scene/lund_02.jpg", *index);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->located) << r->reason;
  EXPECT_EQ(r->position_label, "street/lund_01.jpg");
  EXPECT_NEAR(r->position->lat, 55.698167, 1e-6);
  EXPECT_NEAR(r->position->lon, 13.195389, 1e-6);
  EXPECT_GT(r->confidence, 0.5);
  ASSERT_FALSE(r->ranked.empty());
  EXPECT_TRUE(r->ranked.front().match.match);

  // A view of texture 4, rotated and darker: texture 4's GPS.
  const std::string q = *dir_ / "query.jpg";
  const cv::Size s(480, 360);
  WriteGray(q, sy::View(sy::Texture(480, 360, 4), sy::Motion(s, 10, 0.85, 0.0002), s, 0.7, 10));
  r = Locate(q, *index);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->located) << r->reason;
  EXPECT_EQ(r->position_label, "texture_4.jpg");
  EXPECT_NEAR(r->position->lat, 14, 1e-6);

  // An unrelated picture: ranked candidates, but no location.
  const std::string other = *dir_ / "other.jpg";
  WriteGray(other, sy::Texture(480, 360, 77));
  r = Locate(other, *index);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->located);
  EXPECT_FALSE(r->position.has_value());
  EXPECT_EQ(r->confidence, 0.0);

  // A query that is not a picture is an error naming it.
  r = Locate(*dir_ / "refs/broken.jpg", *index);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("broken.jpg"), std::string::npos);
}

TEST_F(LocateTest, AMirroredQueryIsLocatedAndSaidToBeMirrored) {
  ASSERT_NE(index_, nullptr);
  const ReferenceIndex* index = index_;
  // The street view a few metres from lund_01, reposted flipped left to right.
  auto frames = ReadSceneFrames(std::string(SIGHTLINE_TEST_DATA) + "/scene/lund_02.jpg");
  ASSERT_TRUE(frames.ok()) << frames.status().message();
  cv::Mat flipped;
  cv::flip(frames->front().gray, flipped, 1);
  const std::string q = *dir_ / "flipped_query.jpg";
  WriteGray(q, flipped);

  auto r = Locate(q, *index);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->located) << r->reason;
  EXPECT_EQ(r->position_label, "street/lund_01.jpg");
  EXPECT_NEAR(r->position->lat, 55.698167, 1e-6);
  ASSERT_TRUE(r->ranked.front().match.match);
  EXPECT_TRUE(r->ranked.front().mirrored);
  EXPECT_TRUE(r->ranked.front().wide_tested);
  EXPECT_NE(r->reason.find("the query is mirrored"), std::string::npos) << r->reason;

  // Without the flipped test the same query is not located (SIFT is not mirror-invariant).
  LocateOptions as_is;
  as_is.mirror_tests = 0;
  r = Locate(q, *index, as_is);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->located) << r->reason;
  for (const LocateCandidate& c : r->ranked) EXPECT_FALSE(c.mirrored);

  // A query as it is is not called mirrored.
  r = Locate(std::string(SIGHTLINE_TEST_DATA) + "/scene/lund_02.jpg", *index);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->located);
  EXPECT_FALSE(r->ranked.front().mirrored);
}

TEST_F(LocateTest, IndexFileRoundTripsAndNoticesChanges) {
  auto files = ListReferencePictures(*dir_ / "refs");
  ASSERT_TRUE(files.ok());
  auto index = ReferenceIndex::Build(*files, {}, nullptr);
  ASSERT_TRUE(index.ok());
  const std::string path = *dir_ / "refs.index";
  ASSERT_TRUE(index->Save(path).ok());
  auto loaded = ReferenceIndex::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_EQ(loaded->references().size(), index->references().size());
  EXPECT_EQ(loaded->references()[2].vlad, index->references()[2].vlad);
  EXPECT_EQ(loaded->references()[2].label, index->references()[2].label);
  ASSERT_TRUE(loaded->references()[0].gps.has_value());
  EXPECT_TRUE(loaded->Covers(*files));
  EXPECT_EQ(loaded->skipped().size(), 1u);

  std::vector<ReferenceFile> fewer(files->begin() + 1, files->end());
  EXPECT_FALSE(loaded->Covers(fewer));
  // A reference rewritten since: no longer covered.
  const std::string touched = *dir_ / "refs/texture_1.jpg";
  WriteGray(touched, sy::Texture(480, 360, 1));
  struct timespec later[2] = {{0, UTIME_OMIT}, {2000000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, touched.c_str(), later, 0), 0);
  EXPECT_FALSE(loaded->Covers(*files));

  // Damaged index files are refused with a message saying what to do.
  std::string bytes = testing::ReadFile(path);
  testing::WriteFile(*dir_ / "cut.index", bytes.substr(0, bytes.size() / 2));
  auto cut = ReferenceIndex::Load(*dir_ / "cut.index");
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("built again"), std::string::npos);
  testing::WriteFile(*dir_ / "junk.index", "SLSCIDX1" + std::string(40, '\xff'));
  EXPECT_FALSE(ReferenceIndex::Load(*dir_ / "junk.index").ok());
}

TEST_F(LocateTest, IndexOfTheFirstFormatIsRefusedWithItsVersion) {
  testing::WriteFile(*dir_ / "v1.index", "SLSCIDX1" + std::string(64, '\0'));
  auto old = ReferenceIndex::Load(*dir_ / "v1.index");
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.status().message().find("format 1"), std::string::npos) << old.status().message();
  EXPECT_NE(old.status().message().find("built again"), std::string::npos);
}

constexpr char kFont[] = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// `gray` with a white sign reading `words` (black DejaVu Sans, 36 px) at (x, y): rendered by
// FFmpeg's drawtext and read back.
cv::Mat WithSign(const std::string& dir, const cv::Mat& gray, const std::string& words, int x,
                 int y) {
  const std::string plain = dir + "/sign_plain.jpg", signed_ = dir + "/sign.png";
  EXPECT_TRUE(sy::WriteGrayJpeg(plain, gray).ok());
  testing::MakeMedia({"-i", plain, "-vf",
                      std::string("drawtext=fontfile=") + kFont + ":text='" + words +
                          "':fontsize=36:fontcolor=black:box=1:boxcolor=white:boxborderw=16:x=" +
                          std::to_string(x) + ":y=" + std::to_string(y),
                      "-frames:v", "1"},
                     signed_);
  FrameOptions fo;
  fo.max_side = 4096;
  auto frames = ReadSceneFrames(signed_, fo);
  EXPECT_TRUE(frames.ok()) << frames.status().message();
  return frames.ok() ? frames->front().gray.clone() : gray.clone();
}

// A place with a sign, seen by the query. References: the same place photographed focused on the
// sign (the rest out of focus, a third of the picture something else), a different place with the
// same sign, and three other places without text.
class LocateTextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    const std::string refs = *dir_ / "refs";
    ASSERT_TRUE(MakeDirs(refs).ok());
    const cv::Size s(800, 600);
    const cv::Mat place = sy::Texture(800, 600, 31);
    const cv::Mat query = WithSign(dir_->path(), place, "BESSARABSKA", 100, 120);
    WriteGray(*dir_ / "query.jpg", query);
    // Focused on the sign, the rest of the place out of focus, and something else, sharp, over a
    // third of the picture: VLAD sees mostly that.
    cv::Mat blurred;
    cv::GaussianBlur(sy::View(place, sy::Motion(s, 0, 1.0, 0), s, 0.9, 8), blurred, cv::Size(), 3);
    sy::Texture(800, 600, 35)(cv::Rect(500, 0, 300, 600))
        .copyTo(blurred(cv::Rect(500, 0, 300, 600)));
    WriteGray(refs + "/place.jpg", WithSign(dir_->path(), blurred, "BESSARABSKA", 100, 120));
    SetGps(refs + "/place.jpg", 50.4420, 30.5200);
    for (int k = 0; k < 3; ++k) {
      const std::string p = refs + "/other_" + std::to_string(k) + ".jpg";
      WriteGray(p, sy::Texture(800, 600, 32 + k));
      SetGps(p, 40 + k, 20);
    }
    WriteGray(refs + "/elsewhere.jpg",
              WithSign(dir_->path(), sy::Texture(800, 600, 41), "BESSARABSKA", 440, 480));
    SetGps(refs + "/elsewhere.jpg", 49.8397, 24.0297);
    WriteGray(*dir_ / "other_query.jpg",
              WithSign(dir_->path(), sy::Texture(800, 600, 51), "BESSARABSKA", 100, 120));
  }
  static void TearDownTestSuite() { delete dir_; }
  static ScratchDir* dir_;
};
ScratchDir* LocateTextTest::dir_ = nullptr;

TEST_F(LocateTextTest, SharedSignWordsShortlistTheReferenceAndGeometryDecides) {
  auto files = ListReferencePictures(*dir_ / "refs");
  ASSERT_TRUE(files.ok());
  IndexOptions io;
  io.read_text = true;
  std::vector<std::string> problems;
  IndexBuildTimes times;
  auto index = ReferenceIndex::Build(*files, io, &problems, {}, &times);
  ASSERT_TRUE(index.ok()) << index.status().message();
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_TRUE(index->has_text());
  EXPECT_EQ(times.text_read, 5);
  EXPECT_EQ(times.with_words, 2);  // the two signs; the textures read as nothing
  EXPECT_GT(times.text_s, 0);
  for (const Reference& r : index->references()) {
    const bool sign = r.label == "place.jpg" || r.label == "elsewhere.jpg";
    EXPECT_EQ(r.words, sign ? std::vector<std::string>{"bessarabska"} : std::vector<std::string>{})
        << r.label;
  }
  // The words survive the index file.
  ASSERT_TRUE(index->Save(*dir_ / "text.index").ok());
  auto loaded = ReferenceIndex::Load(*dir_ / "text.index");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_TRUE(loaded->has_text());
  for (size_t i = 0; i < index->references().size(); ++i)
    EXPECT_EQ(loaded->references()[i].words, index->references()[i].words);

  // No shortlist by similarity (on these few pictures VLAD would rank the place first): only
  // words can bring a reference to geometry. Without the query's text, nothing is verified.
  LocateOptions lo;
  lo.shortlist = 0;
  lo.wide_baseline = 0;
  auto r = Locate(*dir_ / "query.jpg", *loaded, lo);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->text_used);
  EXPECT_FALSE(r->located) << r->reason;
  EXPECT_TRUE(r->ranked.empty());

  // With the query's text: the place and the other sign join the shortlist; geometry confirms
  // the place only.
  auto reader = text::TextReader::Create();
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  lo.text_reader = reader->get();
  r = Locate(*dir_ / "query.jpg", *loaded, lo);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->text_used);
  EXPECT_EQ(r->query_words, std::vector<std::string>{"bessarabska"});
  ASSERT_TRUE(r->located) << r->reason;
  EXPECT_EQ(r->position_label, "place.jpg");
  EXPECT_NEAR(r->position->lat, 50.442, 1e-6);
  EXPECT_NE(r->reason.find("bessarabska"), std::string::npos) << r->reason;
  ASSERT_EQ(r->ranked.size(), 2u);  // the two references with the sign
  const LocateCandidate& best = r->ranked.front();
  EXPECT_TRUE(best.by_text);
  EXPECT_FALSE(best.by_similarity);
  EXPECT_EQ(best.stage, LocateStage::kDirect);
  EXPECT_EQ(best.words.shared, std::vector<std::string>{"bessarabska"});
  bool saw_elsewhere = false;
  for (const LocateCandidate& c : r->ranked) {
    if (index->references()[c.reference].label != "elsewhere.jpg") continue;
    saw_elsewhere = true;
    EXPECT_TRUE(c.by_text);
    EXPECT_TRUE(c.verified);
    EXPECT_FALSE(c.match.match) << c.match.reason;
    EXPECT_EQ(c.words.score, 1.0);
  }
  EXPECT_TRUE(saw_elsewhere);

  // A different place with the same sign, even given the wide-baseline test: the words bring
  // both signed references to geometry, which matches neither.
  lo.wide_baseline = 3;
  r = Locate(*dir_ / "other_query.jpg", *loaded, lo);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->located) << r->reason;
  EXPECT_GE(r->wide_tested, 2);
  int by_text = 0;
  for (const LocateCandidate& c : r->ranked) {
    EXPECT_FALSE(c.match.match) << loaded->references()[c.reference].label << c.match.reason;
    by_text += c.by_text ? 1 : 0;
  }
  EXPECT_EQ(by_text, 2);
  EXPECT_NE(r->reason.find("words alone are not a match"), std::string::npos) << r->reason;
}

TEST(LocateEmptyTest, NoReadableReferenceIsAnError) {
  ScratchDir dir;
  testing::WriteFile(dir / "bad.jpg", "nope");
  std::vector<std::string> problems;
  auto index = ReferenceIndex::Build({{dir / "bad.jpg", "bad.jpg"}}, {}, &problems);
  EXPECT_FALSE(index.ok());
  EXPECT_FALSE(ReferenceIndex::Build({}, {}, &problems).ok());
}

}  // namespace
}  // namespace sightline::analysis::scene

// Locating a picture among geotagged references: the right reference wins, its GPS is reported,
// the index file round-trips and notices changed references, and unreadable files are reported
// without stopping the rest.
#include "analysis/scene/locate.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <exiv2/exiv2.hpp>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "analysis/scene/synthetic.h"
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
  }
  static void TearDownTestSuite() { delete dir_; }
  static ScratchDir* dir_;
};
ScratchDir* LocateTest::dir_ = nullptr;

TEST_F(LocateTest, ListsPicturesRecursivelyAndSorted) {
  auto files = ListReferencePictures(*dir_ / "refs");
  ASSERT_TRUE(files.ok()) << files.status().message();
  ASSERT_EQ(files->size(), 9u);  // 6 textures, 2 street views, broken.jpg; not notes.txt
  EXPECT_EQ(files->front().label, "broken.jpg");
  EXPECT_EQ(files->back().label, "texture_6.jpg");
  EXPECT_FALSE(ListReferencePictures(*dir_ / "missing").ok());
}

TEST_F(LocateTest, FindsTheMatchingReferenceAndItsGps) {
  auto files = ListReferencePictures(*dir_ / "refs");
  ASSERT_TRUE(files.ok());
  std::vector<std::string> problems;
  auto index = ReferenceIndex::Build(*files, {}, &problems);
  ASSERT_TRUE(index.ok()) << index.status().message();
  EXPECT_EQ(index->references().size(), 8u);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("broken.jpg"), std::string::npos) << problems[0];

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

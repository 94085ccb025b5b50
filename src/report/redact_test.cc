#include "report/redact.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "base/file.h"
#include "media/image_decode.h"
#include "media/image_writer.h"
#include "report/redact_scan.h"
#include "test_util.h"

namespace sightline::report {
namespace {

using Json = nlohmann::json;

// A picture with detail everywhere (stripes both ways, in colour), so that blurring any part of
// it changes that part a lot.
cv::Mat Stripes(int width, int height) {
  cv::Mat rgb(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double a = std::sin(x * 2 * M_PI / 24), b = std::sin(y * 2 * M_PI / 20);
      rgb.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<std::uint8_t>(128 + 100 * a),
                                          static_cast<std::uint8_t>(128 + 100 * b),
                                          static_cast<std::uint8_t>(128 + 50 * a * b));
    }
  }
  return rgb;
}

std::string JpegBase64(const cv::Mat& rgb) {
  media::Image image;
  image.width = rgb.cols;
  image.height = rgb.rows;
  image.layout = media::PixelLayout::kRgb24;
  image.pixels.assign(rgb.datastart, rgb.dataend);
  auto jpeg = media::EncodeJpeg(image, {});
  EXPECT_TRUE(jpeg.ok());
  return EncodeBase64(jpeg.ok() ? *jpeg : "");
}

cv::Mat DecodeBase64Picture(const std::string& base64, const testing::ScratchDir& dir) {
  auto bytes = DecodeBase64(base64);
  EXPECT_TRUE(bytes.ok());
  if (!bytes.ok()) return {};
  const std::string path =
      dir / ("p" + std::to_string(base64.size()) + "." + SniffPictureFormat(*bytes));
  testing::WriteFile(path, *bytes);
  media::ImageDecodeOptions o;
  o.pixels = media::ImagePixels::kRgb24;
  auto d = media::DecodeImage(path, o);
  EXPECT_TRUE(d.ok()) << d.status().message();
  if (!d.ok()) return {};
  return cv::Mat(d->height, d->width, CV_8UC3, d->data.data(), d->stride).clone();
}

// Mean absolute difference of two pictures over `mask` (non-zero pixels).
double MeanDiff(const cv::Mat& a, const cv::Mat& b, const cv::Mat& mask) {
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  return cv::mean(diff, mask)[0] / 3 + cv::mean(diff, mask)[1] / 3 + cv::mean(diff, mask)[2] / 3;
}

TEST(RedactRegion, ParsesItemAndAll) {
  auto r = ParseRedactRegion("3:0.1,0.2,0.3,0.4");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->item.has_value());
  EXPECT_EQ(*r->item, 3);
  EXPECT_DOUBLE_EQ(r->x, 0.1);
  EXPECT_DOUBLE_EQ(r->height, 0.4);
  auto all = ParseRedactRegion("all:0,0,1,1");
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(all->item.has_value());
  for (const char* bad :
       {"3:0.1,0.2,0.3", "x:0,0,1,1", "0:0,0,1,1", "3:0.5,0.5,0.6,0.1", "3:0.1,0.1,0,0.2",
        "3:a,0,1,1", "0.1,0.2,0.3,0.4", "3:-0.1,0,0.5,0.5", "3:0.1,0.2,0.3,0.4,0.5"}) {
    auto p = ParseRedactRegion(bad);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(RedactScan, FindsEveryDataUriWithItsItems) {
  const std::string html =
      "<p>x</p><img alt=\"picture of item 3\" data-item=\"3\" src=\"data:image/jpeg;base64,QUJD\">"
      "<svg><image data-items=\"1,2\" href='data:image/png;base64,REVG'/></svg>"
      "<div style=\"background:url(data:image/png;base64,R0hJ)\"></div>"
      "<img src=\"data:image/svg+xml;utf8,<svg></svg>\">"
      "<img src=\"DATA:IMAGE/JPEG;BASE64,SktM\">";
  const auto spots = FindDataUriPictures(html, "report.html");
  ASSERT_EQ(spots.size(), 5u);
  EXPECT_EQ(spots[0].key, "QUJD");
  EXPECT_EQ(spots[0].items, std::vector<std::int64_t>{3});
  EXPECT_NE(spots[0].place.find("picture of item 3"), std::string::npos);
  EXPECT_EQ(spots[1].key, "REVG");
  EXPECT_EQ(spots[1].items, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(spots[2].key, "R0hJ");
  EXPECT_TRUE(spots[2].items.empty());
  EXPECT_FALSE(spots[3].base64);
  EXPECT_EQ(spots[4].key, "SktM");
  EXPECT_EQ(html.substr(spots[0].begin, spots[0].end - spots[0].begin),
            "data:image/jpeg;base64,QUJD");
}

TEST(RedactScan, FindsJsonPicturesOfItemsAndFindings) {
  const std::string png = EncodeBase64("\x89PNG\r\n\x1A\n0000000000000000000000000000000000");
  const Json report = {
      {"items",
       {{{"id", 7}, {"thumbnail_jpeg_base64", "QUJD"}, {"name", "a"}},
        {{"id", 8}, {"thumbnail_jpeg_base64", nullptr}}}},
      {"findings", {{{"id", 1}, {"a", 7}, {"b", 8}, {"evidence", {{"match_png_base64", "REVG"}}}}}},
      {"figure", {{"svg", "<image href=\"data:image/png;base64,R0hJ\"/>"}}},
      {"other_base64", png},
      {"signature_base64", EncodeBase64("not a picture at all, a signature")}};
  auto spots = FindJsonPictures(report);
  ASSERT_TRUE(spots.ok());
  ASSERT_EQ(spots->size(), 4u);
  std::map<std::string, PictureSpot> by_key;
  for (const auto& s : *spots) by_key[s.key] = s;
  EXPECT_EQ(by_key["QUJD"].items, std::vector<std::int64_t>{7});
  EXPECT_EQ(by_key["QUJD"].format, "jpeg");
  EXPECT_EQ(by_key["QUJD"].place, "report.json items[0].thumbnail_jpeg_base64");
  EXPECT_EQ(by_key["REVG"].items, (std::vector<std::int64_t>{7, 8}));
  EXPECT_EQ(by_key["REVG"].format, "png");
  EXPECT_TRUE(by_key.count("R0hJ"));
  EXPECT_TRUE(by_key.count(png));
}

TEST(Redact, RegionChangesOnlyItsPixelsInBothFilesAlike) {
  testing::ScratchDir dir;
  const cv::Mat original = Stripes(320, 240);
  const std::string pic = JpegBase64(original);
  const std::string other = JpegBase64(Stripes(160, 120));
  const Json report = {{"report", {{"format", "sightline-report-v1"}}},
                       {"items",
                        {{{"id", 7}, {"name", "clip.mp4"}, {"thumbnail_jpeg_base64", pic}},
                         {{"id", 8}, {"name", "other.jpg"}, {"thumbnail_jpeg_base64", other}}}}};
  const std::string json = report.dump(1) + "\n";
  // The HTML carries no data-item: the picture is tied to item 7 through report.json.
  const std::string html =
      "<html><body><img alt=\"picture of item 7\" src=\"data:image/jpeg;base64," + pic +
      "\"><img src=\"data:image/jpeg;base64," + other + "\"></body></html>\n";
  RedactOptions options;
  options.scratch_parent = dir.path();
  options.regions = {*ParseRedactRegion("7:0.25,0.25,0.5,0.5"),
                     *ParseRedactRegion("99:0,0,0.5,0.5")};
  auto r = RedactReport(html, json, options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->pictures.size(), 2u);
  EXPECT_EQ(r->pictures[0].items, std::vector<std::int64_t>{7});
  EXPECT_EQ(r->pictures[0].places.size(), 2u);  // in both files
  EXPECT_EQ(r->pictures[0].regions, std::vector<std::string>{"7:0.25,0.25,0.5,0.5"});
  EXPECT_TRUE(r->pictures[1].regions.empty());
  EXPECT_EQ(r->unmatched_regions, std::vector<std::string>{"99:0,0,0.5,0.5"});

  const Json out = Json::parse(r->json);
  const std::string redacted = out["items"][0]["thumbnail_jpeg_base64"];
  EXPECT_NE(redacted, pic);
  EXPECT_NE(r->html.find(redacted), std::string::npos);  // the same picture in both files
  EXPECT_EQ(sightline::testing::WithoutPictures(r->json),
            sightline::testing::WithoutPictures(json));  // nothing else changed
  EXPECT_EQ(sightline::testing::WithoutPictures(r->html),
            sightline::testing::WithoutPictures(html));

  // Compared with the picture as the report held it (JPEG), so that only this redaction shows.
  const cv::Mat before = DecodeBase64Picture(pic, dir);
  const cv::Mat after = DecodeBase64Picture(redacted, dir);
  ASSERT_EQ(after.size(), original.size());
  ASSERT_EQ(before.size(), original.size());
  cv::Mat inside(original.size(), CV_8UC1, cv::Scalar(0));
  inside(cv::Rect(80, 60, 160, 120)) = 255;
  cv::Mat outside(original.size(), CV_8UC1, cv::Scalar(255));
  outside(cv::Rect(72, 52, 176, 136)) = 0;  // one JPEG block of slack around the box
  // The other item's picture only went through re-encoding: that is the loss any picture takes.
  const cv::Mat other_after = DecodeBase64Picture(out["items"][1]["thumbnail_jpeg_base64"], dir);
  const double reencoding = MeanDiff(DecodeBase64Picture(other, dir), other_after, cv::Mat());
  EXPECT_LT(reencoding, 8);  // JPEG at quality 90, and the decoder's colour conversion
  const double in = MeanDiff(before, after, inside), out_of_box = MeanDiff(before, after, outside);
  EXPECT_GT(in, 30);
  EXPECT_GT(in, 8 * out_of_box);
  EXPECT_LT(out_of_box, 1.5 * reencoding + 1);
}

TEST(Redact, UndecodablePicturesBecomePlaceholders) {
  testing::ScratchDir dir;
  const std::string broken = EncodeBase64(std::string("\xFF\xD8\xFF\xE0") + std::string(200, 'x'));
  const Json report = {{"items", {{{"id", 1}, {"thumbnail_jpeg_base64", broken}}}}};
  const std::string html = "<img data-item=\"1\" src=\"data:image/jpeg;base64," + broken +
                           "\"><img src=\"data:image/png;base64,@@notbase64\">"
                           "<img src=\"data:image/svg+xml;utf8,<svg/>\">";
  RedactOptions options;
  ASSERT_TRUE(MakeDirs(dir / "scratch").ok());
  options.scratch_parent = dir / "scratch";
  auto r = RedactReport(html, report.dump(1), options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->pictures.size(), 3u);
  for (const auto& p : r->pictures) EXPECT_FALSE(p.error.empty()) << p.places.front();
  // Each is replaced by a grey picture, in the format its place expects.
  const Json out = Json::parse(r->json);
  const std::string placeholder = out["items"][0]["thumbnail_jpeg_base64"];
  const cv::Mat grey = DecodeBase64Picture(placeholder, dir);
  ASSERT_FALSE(grey.empty());
  EXPECT_NEAR(cv::mean(grey)[0], 124, 6);
  EXPECT_EQ(r->html.find("@@notbase64"), std::string::npos);
  EXPECT_EQ(r->html.find("svg+xml"), std::string::npos);
  EXPECT_EQ(FindDataUriPictures(r->html, "").size(), 3u);
  EXPECT_EQ(r->html.find(broken), std::string::npos);
  // No scratch files are left behind.
  auto left = ListDirectory(dir / "scratch");
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
}

TEST(Redact, FacesAreBlurredBeyondDetection) {
  testing::ScratchDir dir;
  const std::string path = std::string(SIGHTLINE_TEST_DATA) + "/faces/astronaut_320x240.jpg";
  auto bytes = ReadFileToString(path);
  ASSERT_TRUE(bytes.ok());
  const std::string pic = EncodeBase64(*bytes);
  auto cascades = FindCascadeDirectory();
  ASSERT_TRUE(cascades.ok()) << cascades.status().message();
  auto detector = FaceDetector::Load(*cascades);
  ASSERT_TRUE(detector.ok()) << detector.status().message();
  RedactOptions options;
  options.scratch_parent = dir.path();
  options.faces = &*detector;
  const std::string html = "<img src=\"data:image/jpeg;base64," + pic + "\">";
  auto r = RedactReport(html, "", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->pictures.size(), 1u);
  const auto& faces = r->pictures[0].faces;
  const cv::Point centre(140, 72);
  const auto at_centre = [&](const std::vector<FaceBox>& found) {
    return std::any_of(found.begin(), found.end(),
                       [&](const FaceBox& f) { return f.box.contains(centre); });
  };
  ASSERT_TRUE(at_centre(faces));
  EXPECT_TRUE(r->json.empty());

  const auto spots = FindDataUriPictures(r->html, "");
  ASSERT_EQ(spots.size(), 1u);
  const cv::Mat before = DecodeBase64Picture(pic, dir);
  const cv::Mat after = DecodeBase64Picture(spots[0].key, dir);
  ASSERT_EQ(before.size(), after.size());
  // The face and the margin around it changed a lot; the detector no longer finds it.
  cv::Mat face(before.size(), CV_8UC1, cv::Scalar(0));
  for (const FaceBox& f : faces) {
    if (f.box.contains(centre)) face(f.box) = 255;
  }
  EXPECT_GT(MeanDiff(before, after, face), 10);
  EXPECT_FALSE(at_centre(detector->Detect(after)));
  // Blurred beyond recognition: within the face box only a few distinct blobs remain, so the
  // picture holds little detail there (mean gradient far below the original's).
  cv::Mat gb, ga;
  cv::Laplacian(before, gb, CV_32F);
  cv::Laplacian(after, ga, CV_32F);
  EXPECT_LT(cv::mean(cv::abs(ga), face)[0], cv::mean(cv::abs(gb), face)[0] / 4);
}

TEST(Redact, FaceBoxIsEnlarged) {
  const cv::Rect box = FaceRedactionBox({100, 100, 50, 50});
  EXPECT_EQ(box, cv::Rect(90, 90, 70, 70));
  cv::Mat rgb = Stripes(64, 64);
  BlurBox(rgb, cv::Rect(-10, -10, 30, 30));  // clipped, no crash
  BlurBox(rgb, cv::Rect(100, 100, 10, 10));  // outside: nothing
  EXPECT_EQ(rgb.at<cv::Vec3b>(40, 40), Stripes(64, 64).at<cv::Vec3b>(40, 40));
}

TEST(Redact, RefusesAJsonThatIsNotAReport) {
  RedactOptions options;
  EXPECT_EQ(RedactReport("", "not json", options).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RedactReport("", "[1,2]", options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sightline::report

#include "media/heif_image.h"

#include <gtest/gtest.h>
#include <libheif/heif.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "media/media_check.h"
#include "media/probe.h"
#include "test_util.h"

namespace sightline::media {
namespace {

using sightline::testing::ReadFile;
using sightline::testing::ScratchDir;
using sightline::testing::WriteFile;

// The test picture's luma at (x, y): a diagonal ramp with a bright square, so that a turned or
// mirrored decode does not match.
int SourceLuma(int x, int y, int w, int h) {
  if (x >= w / 8 && x < w / 3 && y >= h / 8 && y < h / 3) return 235;
  return 16 + (160 * x / w + 60 * y / h);
}

// Encodes a w×h 8-bit 4:2:0 picture with libheif's own encoders (x265 for HEIC, aom for AVIF,
// both built into Debian's libheif1) and writes it to `path`. `orientation` adds irot/imir boxes.
void EncodeTestImage(const std::string& path, int w, int h, heif_compression_format format,
                     heif_orientation orientation = heif_orientation_normal, bool noise = false) {
  heif_context* ctx = heif_context_alloc();
  ASSERT_NE(ctx, nullptr);
  heif_encoder* enc = nullptr;
  heif_error e = heif_context_get_encoder_for_format(ctx, format, &enc);
  ASSERT_EQ(e.code, heif_error_Ok) << e.message;
  heif_encoder_set_lossy_quality(enc, 90);
  heif_image* img = nullptr;
  e = heif_image_create(w, h, heif_colorspace_YCbCr, heif_chroma_420, &img);
  ASSERT_EQ(e.code, heif_error_Ok) << e.message;
  const int cw = (w + 1) / 2, ch = (h + 1) / 2;
  ASSERT_EQ(heif_image_add_plane(img, heif_channel_Y, w, h, 8).code, heif_error_Ok);
  ASSERT_EQ(heif_image_add_plane(img, heif_channel_Cb, cw, ch, 8).code, heif_error_Ok);
  ASSERT_EQ(heif_image_add_plane(img, heif_channel_Cr, cw, ch, 8).code, heif_error_Ok);
  std::uint32_t rng = 12345;
  int stride = 0;
  std::uint8_t* y = heif_image_get_plane(img, heif_channel_Y, &stride);
  for (int r = 0; r < h; ++r) {
    for (int c = 0; c < w; ++c) {
      int v = SourceLuma(c, r, w, h);
      if (noise) {
        rng = rng * 1664525u + 1013904223u;
        v = 16 + static_cast<int>((rng >> 24) % 220);
      }
      y[r * stride + c] = static_cast<std::uint8_t>(v);
    }
  }
  for (heif_channel chan : {heif_channel_Cb, heif_channel_Cr}) {
    std::uint8_t* p = heif_image_get_plane(img, chan, &stride);
    for (int r = 0; r < ch; ++r) {
      for (int c = 0; c < cw; ++c) p[r * stride + c] = chan == heif_channel_Cb ? 100 : 150;
    }
  }
  heif_encoding_options* opts = heif_encoding_options_alloc();
  opts->image_orientation = orientation;
  e = heif_context_encode_image(ctx, img, enc, opts, nullptr);
  heif_encoding_options_free(opts);
  ASSERT_EQ(e.code, heif_error_Ok) << e.message;
  e = heif_context_write_to_file(ctx, path.c_str());
  ASSERT_EQ(e.code, heif_error_Ok) << e.message;
  heif_image_release(img);
  heif_encoder_release(enc);
  heif_context_free(ctx);
}

// Rewrites every 'ispe' box of a HEIF file to claim w×h pixels.
std::string WithIspe(std::string bytes, std::uint32_t w, std::uint32_t h) {
  int patched = 0;
  for (std::size_t at = bytes.find("ispe"); at != std::string::npos;
       at = bytes.find("ispe", at + 4)) {
    // size(4) 'ispe'(4) version+flags(4) width(4) height(4), big-endian.
    if (at + 16 > bytes.size()) break;
    for (int i = 0; i < 4; ++i) {
      bytes[at + 8 + i] = static_cast<char>((w >> (24 - 8 * i)) & 0xff);
      bytes[at + 12 + i] = static_cast<char>((h >> (24 - 8 * i)) & 0xff);
    }
    ++patched;
  }
  EXPECT_GT(patched, 0);
  return bytes;
}

double MeanAbsDiff(const LumaImage& got, int (*expected)(int x, int y, const LumaImage& img)) {
  double sum = 0;
  for (int y = 0; y < got.height; ++y) {
    for (int x = 0; x < got.width; ++x) {
      sum +=
          std::abs(got.pixels[static_cast<std::size_t>(y) * got.width + x] - expected(x, y, got));
    }
  }
  return sum / (static_cast<double>(got.width) * got.height);
}

TEST(HeifImageTest, DecodesHeicToLumaOfTheEncodedSize) {
  ScratchDir dir;
  std::string heic = dir / "photo.heic";
  EncodeTestImage(heic, 96, 64, heif_compression_HEVC);

  Result<HeifInfo> info = ReadHeifInfo(heic);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->coded_width, 96);
  EXPECT_EQ(info->coded_height, 64);
  EXPECT_EQ(info->width, 96);
  EXPECT_EQ(info->height, 64);
  EXPECT_EQ(info->luma_bits, 8);
  EXPECT_FALSE(info->has_alpha);
  EXPECT_EQ(info->top_level_images, 1);

  Result<LumaImage> luma = DecodeHeifLuma(heic);
  ASSERT_TRUE(luma.ok()) << luma.status().message();
  EXPECT_EQ(luma->width, 96);
  EXPECT_EQ(luma->height, 64);
  ASSERT_EQ(luma->pixels.size(), 96u * 64u);
  double diff = MeanAbsDiff(*luma, [](int x, int y, const LumaImage& img) {
    return SourceLuma(x, y, img.width, img.height);
  });
  EXPECT_LT(diff, 4.0);  // lossy at quality 90: close to the source, not equal
}

// A picture coded 96×64 with an irot box turning it a quarter clockwise, as phones write them: a
// person sees it 64×96. libheif 1.15's encoder writes the turned size (64×96) into 'ispe', where
// the standard (and Apple) put the coded size, so the box is corrected to 96×64 here.
void EncodeTurnedImage(const std::string& path) {
  EncodeTestImage(path, 96, 64, heif_compression_HEVC, heif_orientation_rotate_90_cw);
  WriteFile(path, WithIspe(ReadFile(path), 96, 64));
}

TEST(HeifImageTest, AppliesTheFilesRotation) {
  ScratchDir dir;
  std::string heic = dir / "turned.heic";
  EncodeTurnedImage(heic);
  Result<HeifInfo> info = ReadHeifInfo(heic);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->coded_width, 96);
  EXPECT_EQ(info->coded_height, 64);
  Result<LumaImage> luma = DecodeHeifLuma(heic);
  ASSERT_TRUE(luma.ok()) << luma.status().message();
  ASSERT_EQ(luma->width, 64);
  ASSERT_EQ(luma->height, 96);
  // Turning a w×h picture a quarter clockwise puts source (x, y) = (y', h-1-x') at (x', y').
  double diff = MeanAbsDiff(*luma, [](int x, int y, const LumaImage& img) {
    return SourceLuma(y, img.width - 1 - x, img.height, img.width);
  });
  EXPECT_LT(diff, 4.0);
}

TEST(HeifImageTest, DecodesAvif) {
  ScratchDir dir;
  std::string avif = dir / "photo.avif";
  EncodeTestImage(avif, 64, 48, heif_compression_AV1);
  Result<LumaImage> luma = DecodeHeifLuma(avif);
  ASSERT_TRUE(luma.ok()) << luma.status().message();
  EXPECT_EQ(luma->width, 64);
  EXPECT_EQ(luma->height, 48);
  MediaCheck c = CheckMedia(avif);
  EXPECT_TRUE(c.readable) << c.problem;
  EXPECT_EQ(c.kind, "image");
}

TEST(HeifImageTest, RefusesPicturesAboveThePixelLimitBeforeDecoding) {
  ScratchDir dir;
  std::string heic = dir / "photo.heic";
  EncodeTestImage(heic, 96, 64, heif_compression_HEVC);
  HeifOptions small;
  small.max_pixels = 96 * 64 - 1;
  Result<HeifFile> f = HeifFile::Open(heic, small);
  ASSERT_TRUE(f.ok()) << f.status().message();  // reading the header is fine
  Result<HeifImagePtr> img = f->DecodePrimary();
  ASSERT_FALSE(img.ok());
  EXPECT_EQ(img.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(img.status().message().find("96×64"), std::string::npos) << img.status().message();
  EXPECT_NE(img.status().message().find("not decoded"), std::string::npos);
  EXPECT_FALSE(DecodeHeifLuma(heic, small).ok());
  small.max_pixels = 96 * 64;
  EXPECT_TRUE(DecodeHeifLuma(heic, small).ok());
}

TEST(HeifImageTest, FileClaimingHugeDimensionsIsRefusedWithoutDecoding) {
  ScratchDir dir;
  std::string heic = dir / "photo.heic", huge = dir / "huge.heic", absurd = dir / "absurd.heic";
  EncodeTestImage(heic, 96, 64, heif_compression_HEVC);
  // 20000×20000 = 400 MP: within libheif's own per-side limit, above ours.
  WriteFile(huge, WithIspe(ReadFile(heic), 20000, 20000));
  Result<HeifInfo> info = ReadHeifInfo(huge);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->coded_width, 20000);
  auto start = std::chrono::steady_clock::now();
  Result<LumaImage> luma = DecodeHeifLuma(huge);
  MediaCheck c = CheckMedia(huge);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(luma.ok());
  EXPECT_EQ(luma.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(luma.status().message().find("400.0 MP"), std::string::npos) << luma.status().message();
  EXPECT_FALSE(c.readable);
  EXPECT_FALSE(c.decoded);
  EXPECT_EQ(c.kind, "image");
  EXPECT_NE(c.problem.find(huge), std::string::npos) << c.problem;
  EXPECT_NE(c.problem.find("20000×20000"), std::string::npos) << c.problem;
  EXPECT_LT(secs, 1.0);  // nothing was decoded or allocated for 400 MP

  // 100000×100000: libheif itself refuses it while reading the boxes.
  WriteFile(absurd, WithIspe(ReadFile(heic), 100000, 100000));
  MediaCheck a = CheckMedia(absurd);
  EXPECT_FALSE(a.readable);
  EXPECT_NE(a.problem.find(absurd), std::string::npos) << a.problem;
  EXPECT_NE(a.problem.find("100000"), std::string::npos) << a.problem;
  EXPECT_FALSE(DecodeHeifLuma(absurd).ok());
}

TEST(HeifImageTest, CheckMediaReadsHeic) {
  ScratchDir dir;
  std::string heic = dir / "IMG_0001.HEIC";
  EncodeTestImage(heic, 96, 64, heif_compression_HEVC);
  MediaCheck c = CheckMedia(heic);
  EXPECT_TRUE(c.readable) << c.problem;
  EXPECT_TRUE(c.decoded);
  EXPECT_FALSE(c.truncated);
  EXPECT_EQ(c.kind, "image");
  EXPECT_EQ(c.container, "heif");
  EXPECT_EQ(c.problem, "");
}

TEST(HeifImageTest, TruncatedHeicIsNotReadable) {
  ScratchDir dir;
  std::string full = dir / "full.heic", cut = dir / "cut.heic";
  EncodeTestImage(full, 256, 192, heif_compression_HEVC, heif_orientation_normal, /*noise=*/true);
  std::string bytes = ReadFile(full);
  ASSERT_GT(bytes.size(), 2000u);
  for (std::size_t keep : {bytes.size() * 6 / 10, bytes.size() - 1}) {
    WriteFile(cut, bytes.substr(0, keep));
    MediaCheck c = CheckMedia(cut);
    EXPECT_FALSE(c.readable) << keep;
    EXPECT_FALSE(c.decoded) << keep;
    EXPECT_TRUE(c.truncated) << keep;
    EXPECT_EQ(c.kind, "image");
    EXPECT_NE(c.problem.find(cut), std::string::npos) << c.problem;
    EXPECT_NE(c.problem.find("cut short"), std::string::npos) << c.problem;
    Result<LumaImage> luma = DecodeHeifLuma(cut);
    EXPECT_FALSE(luma.ok());
    EXPECT_NE(luma.status().message().find(cut), std::string::npos);
  }
  // Cut inside the header: not even the boxes can be read.
  WriteFile(cut, bytes.substr(0, 40));
  MediaCheck c = CheckMedia(cut);
  EXPECT_FALSE(c.readable);
  EXPECT_FALSE(c.problem.empty());
}

TEST(HeifImageTest, NotHeifIsRefusedWithAReason) {
  ScratchDir dir;
  std::string text = dir / "note.heic";
  WriteFile(text, "not an image at all\n");
  Result<LumaImage> luma = DecodeHeifLuma(text);
  ASSERT_FALSE(luma.ok());
  EXPECT_NE(luma.status().message().find(text), std::string::npos);
  Result<HeifInfo> missing = ReadHeifInfo(dir / "missing.heic");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(ReadHeifInfo(dir.path()).ok());  // a directory
}

TEST(HeifImageTest, ProbeReportsThePrimaryImageSize) {
  ScratchDir dir;
  std::string plain = dir / "plain.heic", turned = dir / "turned.heic";
  EncodeTestImage(plain, 96, 64, heif_compression_HEVC);
  EncodeTurnedImage(turned);
  for (const std::string& heic : {plain, turned}) {
    ProbeResult r = ProbeFile(heic);
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    EXPECT_EQ(r.kind, "image");
    EXPECT_EQ(r.container.format, "heif");
    EXPECT_EQ(r.container.major_brand, "heic");
    const StreamInfo* v = r.FirstVideo();
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->codec, "hevc");
    EXPECT_EQ(v->width, 96);  // the coded size, before any turn (exiftool's ImageWidth)
    EXPECT_EQ(v->height, 64);
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
  }
}

TEST(HeifImageTest, StillBrands) {
  EXPECT_TRUE(IsHeifStillBrand("heic", {"mif1", "heic"}));
  EXPECT_TRUE(IsHeifStillBrand("avif", {}));
  EXPECT_TRUE(IsHeifStillBrand("MiHE", {"mif1", "heic"}));
  EXPECT_FALSE(IsHeifStillBrand("msf1", {"mif1", "heic"}));
  EXPECT_FALSE(IsHeifStillBrand("avis", {"avif"}));
  EXPECT_FALSE(IsHeifStillBrand("isom", {"isom", "avc1", "mp41"}));
  EXPECT_FALSE(IsHeifStillBrand("qt", {"qt"}));
}

}  // namespace
}  // namespace sightline::media

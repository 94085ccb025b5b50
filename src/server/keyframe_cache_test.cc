// The workbench's keyframe cache: computed once, read afterwards, and computed again when it was
// made by an older version (photos before they were turned upright by their EXIF orientation).
#include "server/keyframe_cache.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "test_util.h"

namespace sightline::server {
namespace {

using testing::MakeMedia;
using testing::ScratchDir;

constexpr char kHash[] = "ab12";

TEST(KeyframeCache, ComputesOnceAndAgainWhenMadeByAnOlderVersion) {
  ScratchDir dir;
  const std::string photo = dir / "photo.jpg";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=96x64", "-frames:v", "1"}, photo);
  KeyframeCache cache(dir / "case");
  auto index = cache.Index(kHash, photo, "image");
  ASSERT_TRUE(index.ok()) << index.status().message();
  EXPECT_EQ((*index)["version"], 2);
  ASSERT_EQ((*index)["keyframes"].size(), 1u);
  auto path = cache.PicturePath(kHash, photo, "image", 0);
  ASSERT_TRUE(path.ok());
  auto jpeg = ReadFileToString(*path, 1 << 20);
  ASSERT_TRUE(jpeg.ok());
  EXPECT_EQ(jpeg->substr(0, 2), "\xFF\xD8");

  // Read from the cache afterwards: a change to the cached picture stays.
  testing::WriteFile(*path, "cached");
  ASSERT_TRUE(cache.Index(kHash, photo, "image").ok());
  EXPECT_EQ(*ReadFileToString(*path, 1 << 20), "cached");

  // An index written before versions (or by another one) is made again, picture and all.
  testing::WriteFile(dir / "case/workbench/cache/keyframes/ab12/index.json",
                     R"({"shots":0,"keyframes":[{"index":0,"t":0.0,"shot":0}]})");
  index = cache.Index(kHash, photo, "image");
  ASSERT_TRUE(index.ok()) << index.status().message();
  EXPECT_EQ((*index)["version"], 2);
  EXPECT_EQ(ReadFileToString(*path, 1 << 20)->substr(0, 2), "\xFF\xD8");
}

}  // namespace
}  // namespace sightline::server

#include "analysis/text/file_text.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace sightline::analysis::text {
namespace {

using testing::MakeMedia;
using testing::ScratchDir;
using testing::WriteFile;

constexpr char kFont[] = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

TEST(FileTextTest, CaptionHeldThreeSecondsIsOneEntryWithItsTimes) {
  ScratchDir dir;
  const std::string video = dir / "caption.mp4";
  // A still background for 7 s; a caption from 2 s to 5 s.
  MakeMedia({"-f", "lavfi", "-i", "color=c=0x2a4d69:s=640x360:r=25:d=7", "-vf",
             std::string("drawtext=fontfile=") + kFont +
                 ":text='Київ вул. Хрещатик':fontsize=32:fontcolor=white:borderw=2:"
                 "bordercolor=black:x=40:y=280:enable='between(t,2,5)'",
             "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"},
            video);
  auto reader = TextReader::Create();
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  std::vector<double> seen;
  auto ft = ReadTextInFile(video, {.every_s = 1.0}, **reader, [&](double t) { seen.push_back(t); });
  ASSERT_TRUE(ft.ok()) << ft.status().message();
  EXPECT_FALSE(ft->still);
  EXPECT_EQ(ft->width, 640);
  EXPECT_EQ(ft->height, 360);
  EXPECT_NEAR(ft->duration_s, 7, 0.1);
  EXPECT_GE(ft->frames_sampled, 6);
  EXPECT_EQ(static_cast<std::size_t>(ft->frames_sampled), seen.size());
  // Unchanged frames are not read again: the background before the caption, the caption held.
  EXPECT_LE(ft->frames_read, 4);
  ASSERT_EQ(ft->entries.size(), 1u);
  const TextEntry& e = ft->entries[0];
  // The black border may add a stray mark ("Хрещатик:").
  EXPECT_GE(TextSimilarity(e.text, "Київ вул. Хрещатик"), 0.9) << e.text;
  EXPECT_TRUE(e.lang == "ukr" || e.lang == "rus") << e.lang;
  // Within one sampling step of the truth.
  EXPECT_GE(e.t, 2.0 - 1e-6);
  EXPECT_LE(e.t, 3.0);
  EXPECT_GE(e.end, 4.0);
  EXPECT_LE(e.end, 5.0 + 1e-6);
  EXPECT_GE(e.frames, 3);
  EXPECT_NEAR(e.box.x, 40, 8);
  EXPECT_NEAR(e.box.y, 285, 12);
}

TEST(FileTextTest, PhotoWithoutTextAndBadFiles) {
  ScratchDir dir;
  const std::string photo = dir / "sky.jpg", junk = dir / "notes.mp4";
  MakeMedia({"-f", "lavfi", "-i", "gradients=s=480x320:seed=5", "-frames:v", "1"}, photo);
  WriteFile(junk, "this is not a video");
  auto reader = TextReader::Create();
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  auto ft = ReadTextInFile(photo, {}, **reader);
  ASSERT_TRUE(ft.ok()) << ft.status().message();
  EXPECT_TRUE(ft->still);
  EXPECT_EQ(ft->frames_sampled, 1);
  EXPECT_TRUE(ft->entries.empty());
  for (const std::string& bad : {junk, dir / "missing.jpg"}) {
    auto r = ReadTextInFile(bad, {}, **reader);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find(bad), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(ReadTextInFile(photo, {.every_s = 0}, **reader).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sightline::analysis::text

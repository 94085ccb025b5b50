#include "server/http_util.h"

#include <gtest/gtest.h>

#include "server/uploads.h"

namespace sightline::server {
namespace {

TEST(HttpUtil, IdsAreStrictDecimal) {
  EXPECT_EQ(ParseId("1"), 1);
  EXPECT_EQ(ParseId("4096"), 4096);
  for (const char* bad : {"", "0", "01", "-1", "+1", "1.0", "1e3", "..", "1/..", " 1", "1 ",
                          "99999999999999999", "0x10"}) {
    EXPECT_FALSE(ParseId(bad)) << bad;
  }
}

TEST(HttpUtil, SafeNamesAndUploadNames) {
  EXPECT_TRUE(IsSafeName("20261207T061500Z-2"));
  for (const char* bad : {"", ".", "..", ".hidden", "a/b", "a\\b", "a b", "a%2Fb"}) {
    EXPECT_FALSE(IsSafeName(bad)) << bad;
  }
  EXPECT_TRUE(IsValidUploadName("Видео 2026-12-07 (1).mp4"));
  for (const std::string& bad :
       {std::string(), std::string("."), std::string(".."), std::string("a/b.mp4"),
        std::string("a\\b.mp4"), std::string("a\0b", 3), std::string(256, 'x'),
        std::string("\xff\xfe.mp4")}) {
    EXPECT_FALSE(IsValidUploadName(bad));
  }
}

TEST(HttpUtil, ContentTypesAndPercentEncoding) {
  EXPECT_EQ(ContentTypeForPath("assets/index-3f2a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("INDEX.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("a.b/noext"), "application/octet-stream");
  EXPECT_EQ(PercentEncode("a b/ü.mp4"), "a%20b%2F%C3%BC.mp4");
}

}  // namespace
}  // namespace sightline::server

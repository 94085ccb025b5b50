#include "media/picture_header.h"

#include <cstdlib>

namespace sightline::media {

namespace {

std::uint32_t Be16(std::string_view s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 8) |
         static_cast<unsigned char>(s[at + 1]);
}
std::uint32_t Be32(std::string_view s, std::size_t at) {
  return (Be16(s, at) << 16) | Be16(s, at + 2);
}
std::uint32_t Le16(std::string_view s, std::size_t at) {
  return static_cast<unsigned char>(s[at]) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8);
}
std::uint32_t Le24(std::string_view s, std::size_t at) {
  return Le16(s, at) | (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16);
}
std::uint32_t Le32(std::string_view s, std::size_t at) {
  return Le16(s, at) | (Le16(s, at + 2) << 16);
}

// PNG specification, 11.2.2: the signature, then IHDR with width and height (big-endian).
std::optional<ClaimedSize> Png(std::string_view s) {
  if (s.size() < 24 || s.substr(12, 4) != "IHDR") return std::nullopt;
  return ClaimedSize{Be32(s, 16), Be32(s, 20), "PNG"};
}

// ITU-T T.81, B.2: segments (FF marker, 16-bit length) up to the first frame header SOFn
// (C0-CF except C4 DHT, C8 JPG, CC DAC), which holds height then width.
std::optional<ClaimedSize> Jpeg(std::string_view s) {
  std::size_t at = 2;
  while (at + 4 <= s.size()) {
    if (static_cast<unsigned char>(s[at]) != 0xFF) return std::nullopt;
    const unsigned marker = static_cast<unsigned char>(s[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
      at += 2;  // markers without a length
      continue;
    }
    const std::size_t length = Be16(s, at + 2);
    if (length < 2) return std::nullopt;
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      if (at + 9 > s.size()) return std::nullopt;
      return ClaimedSize{Be16(s, at + 7), Be16(s, at + 5), "JPEG"};
    }
    if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // scan data before any frame
    at += 2 + length;
  }
  return std::nullopt;
}

// GIF89a: the logical screen descriptor after the 6-byte signature (little-endian).
std::optional<ClaimedSize> Gif(std::string_view s) {
  if (s.size() < 10) return std::nullopt;
  return ClaimedSize{Le16(s, 6), Le16(s, 8), "GIF"};
}

// BMP: BITMAPFILEHEADER (14 bytes), then a BITMAPINFOHEADER or later (size ≥ 40) with signed
// 32-bit width and height (negative height: top-down rows).
std::optional<ClaimedSize> Bmp(std::string_view s) {
  if (s.size() < 26 || Le32(s, 14) < 40) return std::nullopt;
  const auto width = static_cast<std::int32_t>(Le32(s, 18));
  const auto height = static_cast<std::int32_t>(Le32(s, 22));
  return ClaimedSize{std::llabs(static_cast<long long>(width)),
                     std::llabs(static_cast<long long>(height)), "BMP"};
}

// WebP container (RIFF, Google's "WebP Container Specification"): the first chunk is VP8X
// (canvas size minus one, 24-bit), VP8L (14-bit sizes minus one after the 0x2F signature) or VP8
// (14-bit sizes after the 3-byte frame tag and the start code 9D 01 2A).
std::optional<ClaimedSize> Webp(std::string_view s) {
  if (s.size() < 30) return std::nullopt;
  const std::string_view chunk = s.substr(12, 4);
  if (chunk == "VP8X") return ClaimedSize{Le24(s, 24) + 1, Le24(s, 27) + 1, "WebP"};
  if (chunk == "VP8L" && static_cast<unsigned char>(s[20]) == 0x2F) {
    const std::uint32_t bits = Le32(s, 21);
    return ClaimedSize{(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "WebP"};
  }
  if (chunk == "VP8 " && s.substr(23, 3) == "\x9D\x01\x2A") {
    return ClaimedSize{Le16(s, 26) & 0x3FFF, Le16(s, 28) & 0x3FFF, "WebP"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ClaimedSize> ClaimedPictureSize(std::string_view head) {
  if (head.substr(0, 8) == "\x89PNG\r\n\x1a\n") return Png(head);
  if (head.substr(0, 3) == "\xFF\xD8\xFF") return Jpeg(head);
  if (head.substr(0, 6) == "GIF87a" || head.substr(0, 6) == "GIF89a") return Gif(head);
  if (head.substr(0, 2) == "BM") return Bmp(head);
  if (head.size() >= 12 && head.substr(0, 4) == "RIFF" && head.substr(8, 4) == "WEBP") {
    return Webp(head);
  }
  return std::nullopt;
}

}  // namespace sightline::media

#include "media/limits.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "base/file.h"
#include "media/picture_header.h"

namespace sightline::media {

namespace {

// The variable's value as a positive whole number; `*out` unchanged when unset.
Status ReadPositive(const char* name, std::int64_t max, std::int64_t* out) {
  const char* value = std::getenv(name);
  if (!value || !*value) return Status::Ok();
  std::int64_t v = 0;
  const char* end = value + std::strlen(value);
  auto [ptr, ec] = std::from_chars(value, end, v);
  if (ec != std::errc() || ptr != end || v <= 0 || v > max) {
    return InvalidArgument(std::string(name) + "=" + value + ": not a whole number from 1 to " +
                           std::to_string(max) + " (doc/limits.md)");
  }
  *out = v;
  return Status::Ok();
}

// "10000 MP", "0.3 MP"; small counts exactly ("10000 pixels"), so that a low limit reads right.
std::string Megapixels(std::int64_t pixels) {
  if (pixels < 1'000'000) return std::to_string(pixels) + " pixels";
  const std::int64_t tenths = (pixels + 50'000) / 100'000;
  return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") +
         " MP";
}

}  // namespace

Result<MediaLimits> LimitsFromEnvironment() {
  MediaLimits limits;
  std::int64_t dimension = limits.max_dimension, seconds = 0;
  SL_RETURN_IF_ERROR(
      ReadPositive("SIGHTLINE_MAX_PIXELS", std::int64_t{1} << 40, &limits.max_pixels));
  SL_RETURN_IF_ERROR(ReadPositive("SIGHTLINE_MAX_DIMENSION", 1 << 20, &dimension));
  SL_RETURN_IF_ERROR(ReadPositive("SIGHTLINE_DECODE_TIMEOUT", 366 * 24 * 3600, &seconds));
  SL_RETURN_IF_ERROR(ReadPositive("SIGHTLINE_MEMORY_MB", std::int64_t{1} << 30, &limits.memory_mb));
  limits.max_dimension = static_cast<int>(dimension);
  limits.decode_timeout = std::chrono::seconds(seconds);
  return limits;
}

Status ApplyMemoryCap(const MediaLimits& limits) {
  if (limits.memory_mb <= 0) return Status::Ok();
  const rlim_t cap = static_cast<rlim_t>(limits.memory_mb) << 20;
  struct rlimit current;
  if (::getrlimit(RLIMIT_AS, &current) != 0) {
    return ErrnoStatus("SIGHTLINE_MEMORY_MB", "cannot read the memory limit", errno);
  }
  if (current.rlim_cur != RLIM_INFINITY && current.rlim_cur <= cap) return Status::Ok();
  struct rlimit lowered = current;
  lowered.rlim_cur = cap;
  if (::setrlimit(RLIMIT_AS, &lowered) != 0) {
    return ErrnoStatus("SIGHTLINE_MEMORY_MB", "cannot set the memory limit", errno);
  }
  return Status::Ok();
}

Status CheckPictureSize(const std::string& path, std::int64_t width, std::int64_t height,
                        const MediaLimits& limits, const char* what) {
  if (width <= 0 || height <= 0) return Status::Ok();
  const std::string size = std::to_string(width) + "×" + std::to_string(height);
  if (width > limits.max_dimension || height > limits.max_dimension) {
    return Unsupported(DisplayPath(path) + ": " + what + " is " + size +
                       " pixels, wider or taller than the limit of " +
                       std::to_string(limits.max_dimension) +
                       "; not decoded (a damaged or hostile header; the limit is "
                       "SIGHTLINE_MAX_DIMENSION, doc/limits.md)");
  }
  // Both sides are at most 2^20 here: the product cannot overflow.
  const std::int64_t pixels = width * height;
  if (pixels > limits.max_pixels) {
    return Unsupported(DisplayPath(path) + ": " + what + " is " + size + " pixels (" +
                       Megapixels(pixels) + "), more than the limit of " +
                       Megapixels(limits.max_pixels) +
                       "; not decoded (a damaged or hostile header; the limit is "
                       "SIGHTLINE_MAX_PIXELS, doc/limits.md)");
  }
  return Status::Ok();
}

Status CheckClaimedPictureSize(const std::string& path, const MediaLimits& limits) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Status::Ok();
  std::string head(kPictureHeaderBytes, '\0');
  std::size_t got = 0;
  while (got < head.size()) {
    ssize_t n = ::read(fd.get(), head.data() + got, head.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  head.resize(got);
  std::optional<ClaimedSize> claimed = ClaimedPictureSize(head);
  if (!claimed) return Status::Ok();
  const std::string what = std::string("the picture its ") + claimed->format + " header claims";
  return CheckPictureSize(path, claimed->width, claimed->height, limits, what.c_str());
}

}  // namespace sightline::media

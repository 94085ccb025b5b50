#include "server/file_response.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "base/file.h"
#include "server/http_util.h"

namespace sightline::server {

namespace {

// Whether every range httplib parsed from the Range header lies (at least partly) in a file of
// `size` bytes. httplib gives (first, last) with -1 for an absent bound.
bool RangesSatisfiable(const httplib::Ranges& ranges, std::uint64_t size) {
  for (const auto& [first, last] : ranges) {
    if (first < 0 && last < 0) return false;
    if (first < 0) {  // suffix: the last `last` bytes
      if (last == 0 || size == 0) return false;
      continue;
    }
    if (static_cast<std::uint64_t>(first) >= size) return false;
    if (last >= 0 && last < first) return false;
  }
  return true;
}

}  // namespace

void SendFile(const httplib::Request& req, httplib::Response& res, const std::string& path,
              const std::string& content_type, bool cache) {
  auto fd = std::make_shared<UniqueFd>(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd->valid() || ::fstat(fd->get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    SendError(res, 404, "not found");
    return;
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  res.set_header("Accept-Ranges", "bytes");
  res.set_header("Cache-Control", cache ? "private, max-age=3600" : "no-store");
  if (req.has_header("Range") && (req.ranges.empty() || !RangesSatisfiable(req.ranges, size))) {
    res.status = 416;
    res.set_header("Content-Range", "bytes */" + std::to_string(size));
    return;
  }
  if (size == 0) {
    res.status = 200;
    res.set_content("", content_type);
    return;
  }
  // httplib cuts the requested range(s) out of this provider's whole-file view and sets 206
  // and Content-Range itself.
  res.set_content_provider(
      size, content_type,
      [fd, path](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        char buf[64 * 1024];
        const std::size_t want = std::min(length, sizeof buf);
        const ssize_t n = ::pread(fd->get(), buf, want, static_cast<off_t>(offset));
        if (n <= 0) return false;  // the file shrank or cannot be read: end the response
        return sink.write(buf, static_cast<std::size_t>(n));
      });
}

}  // namespace sightline::server

// Shared by the fuzz targets: a scratch file that holds the current input, for the parsers that
// read files (FFmpeg, exiv2, libzip and Sightline's own box reader take paths).
#ifndef SIGHTLINE_FUZZ_FUZZ_UTIL_H_
#define SIGHTLINE_FUZZ_FUZZ_UTIL_H_

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace sightline::fuzz {

// A file under $TMPDIR named with `suffix`, rewritten with each input and removed at exit.
class ScratchFile {
 public:
  explicit ScratchFile(const char* suffix) {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/sightline-fuzz-XXXXXX" + suffix;
    fd_ = ::mkstemps(path_.data(), static_cast<int>(std::string(suffix).size()));
    if (fd_ < 0) std::abort();
  }
  ~ScratchFile() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  // Replaces the file's content with `data`.
  const std::string& Write(const std::uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) std::abort();
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace sightline::fuzz

#endif  // SIGHTLINE_FUZZ_FUZZ_UTIL_H_

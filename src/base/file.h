// Small POSIX file helpers with RAII descriptors and errors that name the path and the reason.
#ifndef SIGHTLINE_BASE_FILE_H_
#define SIGHTLINE_BASE_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace sightline {

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset();

 private:
  int fd_ = -1;
};

// Maps errno to a Status naming `path`: ENOSPC, EDQUOT and EFBIG become kNoSpace, ENOENT kNotFound.
Status ErrnoStatus(const std::string& path, const std::string& what, int err);

Result<UniqueFd> OpenForRead(const std::string& path);
// Writes all of `data`, retrying short writes and EINTR.
Status WriteAll(int fd, const void* data, std::size_t size, const std::string& path);
Status FsyncFd(int fd, const std::string& path);
// Makes a rename or unlink in `dir` durable.
Status FsyncDir(const std::string& dir);
// Creates `path` and any missing parents (mode 0755 unless given).
Status MakeDirs(const std::string& path, unsigned mode = 0755);

Result<std::string> ReadFileToString(const std::string& path, std::uint64_t max_bytes = 1ull << 30);
// Writes `data` to `path` through a temporary file, fsync and rename.
Status WriteFileAtomic(const std::string& path, std::string_view data, unsigned mode = 0644);

// The names in `dir` (without "." and ".."), unsorted; fails when it cannot be listed.
Result<std::vector<std::string>> ListDirectory(const std::string& dir);

bool PathExists(const std::string& path);
bool IsDirectory(const std::string& path);

// "PID-RANDOM": a part for temporary file names that no other process, nor another call in this
// one, is likely to pick.
std::string UniqueSuffix();

std::string JoinPath(const std::string& a, const std::string& b);
std::string BaseName(const std::string& path);
std::string DirName(const std::string& path);

// A path as a person can read it in a message: bytes that are not valid UTF-8 are shown as \xNN.
std::string DisplayPath(std::string_view path);
bool IsValidUtf8(std::string_view s);

}  // namespace sightline

#endif  // SIGHTLINE_BASE_FILE_H_

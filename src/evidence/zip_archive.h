// RAII over libzip: writing a bundle and reading one back with bounds on what a hostile archive
// can make us read.
#ifndef SIGHTLINE_EVIDENCE_ZIP_ARCHIVE_H_
#define SIGHTLINE_EVIDENCE_ZIP_ARCHIVE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

typedef struct zip zip_t;

namespace sightline::evidence {

// Builds a new archive at `path`. Nothing appears at `path` until Close() succeeds: the archive is
// written to a temporary file beside it and renamed.
class ZipWriter {
 public:
  static Result<std::unique_ptr<ZipWriter>> Create(const std::string& path);
  ~ZipWriter();  // discards the archive unless Close() succeeded

  Status AddBytes(const std::string& name, std::string bytes);
  // Streams `file` into the archive at Close(), uncompressed (media does not compress).
  Status AddFile(const std::string& name, const std::string& file, std::uint64_t size);
  // Writes everything; `on_progress` receives a fraction in [0, 1].
  Status Close(const std::function<void(double)>& on_progress = {});

 private:
  ZipWriter(zip_t* z, std::string path, std::string tmp) : zip_(z), path_(path), tmp_(tmp) {}
  zip_t* zip_;
  std::string path_, tmp_;
  std::function<void(double)> on_progress_;
};

struct ZipEntryInfo {
  std::uint64_t index;
  std::string name;
  std::uint64_t size;  // as declared by the archive: a hostile archive may lie
};

class ZipReader {
 public:
  static Result<std::unique_ptr<ZipReader>> Open(const std::string& path);
  ~ZipReader();

  const std::vector<ZipEntryInfo>& entries() const { return entries_; }
  // Streams an entry's bytes to `sink`; fails when it holds more than `max_bytes` (a zip bomb
  // stops there) or the data is damaged.
  Status Read(std::uint64_t index, std::uint64_t max_bytes,
              const std::function<void(const char*, std::size_t)>& sink);
  Result<std::string> ReadAll(std::uint64_t index, std::uint64_t max_bytes);

 private:
  ZipReader(zip_t* z, std::string path) : zip_(z), path_(std::move(path)) {}
  zip_t* zip_;
  std::string path_;
  std::vector<ZipEntryInfo> entries_;
};

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_ZIP_ARCHIVE_H_

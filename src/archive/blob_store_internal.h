// Pieces the BlobStore back-ends share (src/archive/blob_store.cc, s3_blob_store.cc); not for
// use outside src/archive.
#ifndef SIGHTLINE_ARCHIVE_BLOB_STORE_INTERNAL_H_
#define SIGHTLINE_ARCHIVE_BLOB_STORE_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "archive/blob_store.h"
#include "base/file.h"
#include "base/sha256.h"
#include "base/status.h"

namespace sightline::archive {

// kInvalidArgument unless `sha256` is 64 lower-case hex digits.
Status CheckSha256Name(const std::string& sha256);
// kInvalidArgument unless `key` is a relative path of [A-Za-z0-9._/-] with no empty, "." or ".."
// component.
Status CheckNamedKey(const std::string& key);

// `s` with "%2F"-style escapes decoded; kInvalidArgument naming `url` on a malformed escape.
Result<std::string> PercentDecode(const std::string& s, const std::string& url);

// A file being written in place of `dest_path`: the bytes go to a temporary file beside it
// (same directory, so the final rename is atomic) and are hashed as they are written. Nothing
// appears at `dest_path` until Publish; the temporary file is removed on destruction unless
// published. Not thread-safe.
class HashingFileWriter {
 public:
  // Creates the temporary file (and the directories above it). `mode` is the final mode.
  static Result<std::unique_ptr<HashingFileWriter>> Create(const std::string& dest_path,
                                                           unsigned mode = 0644);
  ~HashingFileWriter();
  HashingFileWriter(const HashingFileWriter&) = delete;
  HashingFileWriter& operator=(const HashingFileWriter&) = delete;

  Status Write(const void* data, std::size_t size);
  std::uint64_t size() const { return size_; }
  // Flushes the bytes to disk and returns their SHA-256 (hex). Write must not be called after.
  Result<std::string> Finish();
  // Renames the finished file over `dest_path` durably.
  Status Publish();

 private:
  HashingFileWriter() = default;
  std::string dest_path_;
  std::string tmp_path_;
  unsigned mode_ = 0644;
  UniqueFd fd_;
  Sha256 hasher_;
  std::uint64_t size_ = 0;
  bool finished_ = false;
  bool published_ = false;
};

// The S3 back-end (s3_blob_store.cc), for an "s3://" URL with default options.
Result<std::unique_ptr<BlobStore>> OpenS3BlobStoreFromUrl(const std::string& url);

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_BLOB_STORE_INTERNAL_H_

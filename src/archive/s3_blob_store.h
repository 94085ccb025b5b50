// The S3 back-end of BlobStore (see blob_store.h for the contract, doc/objects.md for the use).
//
// Keys: PREFIX/ab/cdef… for the original whose SHA-256 is abcdef… (PREFIX may be empty), and
// PREFIX/named/KEY for named files. A file larger than one part goes up as a multipart upload;
// a Put that finds an upload of the same key in progress (a Put interrupted by a crash, a lost
// connection or a kill) resumes it: the parts the server already holds with the right size and
// ETag (the MD5 of the part) are not sent again.
//
// Every object carries its SHA-256 as metadata (x-amz-meta-sha256); Get checks the bytes against
// the name, GetNamed against that metadata.
//
// Thread safety: one S3BlobStore per thread (it holds one connection).
#ifndef SIGHTLINE_ARCHIVE_S3_BLOB_STORE_H_
#define SIGHTLINE_ARCHIVE_S3_BLOB_STORE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "archive/blob_store.h"
#include "archive/s3_client.h"
#include "base/status.h"

namespace sightline::archive {

struct S3BlobStoreOptions {
  // Bytes per part of a multipart upload; 0 chooses: 16 MiB, or more for files of more than
  // 10,000 such parts (S3's limit). The choice depends on the file's size only, so that a
  // resumed upload cuts the same parts. AWS requires at least 5 MiB for all but the last part.
  std::uint64_t part_size = 0;
};

// Where an s3:// URL points (see OpenBlobStore).
struct S3Location {
  std::string bucket;
  std::string prefix;  // "" or "a/b" (no leading or trailing '/')
  std::string endpoint;
  std::string region;
};

// Parses "s3://BUCKET[/PREFIX]?endpoint=URL&region=R" (both parameters optional: the endpoint
// defaults to AWS's for the region, the region to us-east-1). kInvalidArgument with what is
// expected otherwise, also for credentials written in the URL.
Result<S3Location> ParseS3Url(const std::string& url);

class S3BlobStore : public BlobStore {
 public:
  // Makes no network call: the first operation is the first contact with the server.
  S3BlobStore(const S3Location& location, S3Config config, S3BlobStoreOptions options);

  Status Put(const std::string& sha256, const std::string& path) override;
  Status Get(const std::string& sha256, const std::string& dest_path) override;
  Result<bool> Exists(const std::string& sha256) override;
  Status PutNamed(const std::string& key, const std::string& path) override;
  Status GetNamed(const std::string& key, const std::string& dest_path) override;
  const std::string& description() const override { return description_; }

  // What the uploads did, since construction: parts sent, and parts found already on the server
  // when resuming an upload.
  struct Stats {
    std::uint64_t parts_uploaded = 0;
    std::uint64_t parts_reused = 0;
    std::uint64_t uploads_resumed = 0;
  };
  const Stats& stats() const { return stats_; }
  S3Client& client() { return client_; }
  // The object key of an original, and of a named file.
  std::string ObjectKey(const std::string& sha256) const;
  std::string NamedObjectKey(const std::string& key) const;
  // The part size used for a file of `size` bytes.
  std::uint64_t PartSizeFor(std::uint64_t size) const;

 private:
  // Uploads the file at `path` to `key` in parts, with its SHA-256 as metadata; kCorrupt (and
  // nothing sent) when `expected_sha256` is given and differs. `resumable`: continue an upload
  // of `key` left in progress (only for keys whose content cannot differ: originals).
  Status UploadMultipart(const std::string& key, const std::string& path,
                         const std::string& expected_sha256, bool resumable);
  // Downloads `key` to `dest_path`, checking its hash against `sha256`, or against the object's
  // own sha256 metadata when `sha256` is empty.
  Status Download(const std::string& key, const std::string& expected_sha256,
                  const std::string& dest_path, const std::string& what);

  std::string prefix_;
  S3BlobStoreOptions options_;
  S3Client client_;
  std::string description_;
  Stats stats_;
};

// An S3BlobStore for `url`, with credentials from the environment.
Result<std::unique_ptr<S3BlobStore>> OpenS3BlobStore(const std::string& url,
                                                     S3BlobStoreOptions options = {});

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_S3_BLOB_STORE_H_

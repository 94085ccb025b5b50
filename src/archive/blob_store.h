// Where an archive keeps its originals and index snapshots: a shared directory (the default) or
// an S3-compatible object store (Ceph RGW, Garage, SeaweedFS, AWS). Originals are keyed by their
// SHA-256 and the hash is checked on every read, so a damaged or replaced object is named as such
// (kCorrupt) instead of being analysed.
//
// URLs: a plain path or "file:///dir" for a directory; "s3://BUCKET[/PREFIX]?endpoint=URL&region=R"
// for S3 (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment, never in
// the URL, so that they do not show in process lists or logs; the endpoint defaults to AWS).
//
// Layout (both back-ends): originals under ab/cdef… (the first two hex digits of the SHA-256
// name a subdirectory), named files under named/KEY; doc/objects.md has the details.
//
// Thread safety: one BlobStore per thread; several processes may share one store (writes of the
// same key carry the same bytes, and land whole or not at all).
#ifndef SIGHTLINE_ARCHIVE_BLOB_STORE_H_
#define SIGHTLINE_ARCHIVE_BLOB_STORE_H_

#include <memory>
#include <string>

#include "base/status.h"

namespace sightline::archive {

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores the file at `path` as the original with hash `sha256` (64 lower-case hex digits).
  // The file is hashed while it is read; kCorrupt when it does not match `sha256` (nothing is
  // stored). A no-op when an object of the same size is already there (its bytes are checked on
  // Get); one of another size (a damaged copy) is replaced. An interrupted upload of the same
  // object is resumed where the back-end allows (S3 multipart).
  virtual Status Put(const std::string& sha256, const std::string& path) = 0;
  // Writes the original `sha256` to `dest_path` (replaced), checking its hash: kNotFound when
  // the store has no such object, kCorrupt when its bytes do not hash to `sha256` (dest_path is
  // then removed).
  virtual Status Get(const std::string& sha256, const std::string& dest_path) = 0;
  virtual Result<bool> Exists(const std::string& sha256) = 0;

  // Named files that are not originals (index snapshots): `key` is a relative path of
  // [A-Za-z0-9._/-] with no ".." component (kInvalidArgument otherwise). Put replaces. GetNamed
  // fails with kNotFound when there is no such file; on S3, where the SHA-256 is recorded with the
  // object, with kCorrupt (dest_path removed) when the bytes no longer match it.
  virtual Status PutNamed(const std::string& key, const std::string& path) = 0;
  virtual Status GetNamed(const std::string& key, const std::string& dest_path) = 0;

  // The URL without credentials, for messages.
  virtual const std::string& description() const = 0;
};

Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& url);

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_BLOB_STORE_H_

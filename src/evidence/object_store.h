// The case's originals, stored byte for byte under the name of their SHA-256:
// objects/ab/cdef… (the first two hex digits name a subdirectory). Objects are read-only and never
// modified. New content arrives through staging/: copied and hashed in one pass, fsynced, and only
// published into objects/ once the catalogue has recorded it, so that objects/ never holds a file
// the catalogue does not know (see doc/case-format.md, "Ingest and crash safety").
//
// Thread safety: an ObjectStore holds only paths; concurrent use from threads or processes is safe.
#ifndef SIGHTLINE_EVIDENCE_OBJECT_STORE_H_
#define SIGHTLINE_EVIDENCE_OBJECT_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/file.h"
#include "base/status.h"

namespace sightline::evidence {

// A copy of a source file in staging/, locked against cleanup while this object lives. Removed
// on destruction unless published.
class StagedObject {
 public:
  StagedObject() = default;
  StagedObject(StagedObject&& o) noexcept { *this = std::move(o); }
  StagedObject& operator=(StagedObject&& o) noexcept;
  ~StagedObject();

  const std::string& sha256() const { return sha256_; }
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }  // where the staged copy is now
  // True when the source's size or mtime changed while it was being copied.
  bool source_changed() const { return source_changed_; }
  // Leaves the staged copy in place on destruction (for Recover to finish later).
  void Keep() { keep_ = true; }

 private:
  friend class ObjectStore;
  std::string path_;
  std::string sha256_;
  std::uint64_t size_ = 0;
  bool source_changed_ = false;
  bool keep_ = false;  // published, or left for recovery
  UniqueFd lock_;      // holds an flock on the staged file
};

class ObjectStore {
 public:
  explicit ObjectStore(std::string case_dir);

  // objects/ab/cdef… for a 64-hex-digit hash.
  std::string PathFor(const std::string& sha256) const;
  // PathFor(sha256) once checked to hold a stored original: a regular file, reached through no
  // symbolic link inside the case. Commands that read originals (analyses, hash, report) open
  // them through this, so that a case changed outside Sightline (an object replaced by a link to
  // a device or to a file elsewhere) is named as such instead of being read. Fails with
  // kNotFound when the object is missing, kCorrupt when it is not a plain stored file; both
  // messages point at `sightline verify`.
  Result<std::string> OriginalPath(const std::string& sha256) const;
  const std::string& objects_dir() const { return objects_dir_; }
  const std::string& staging_dir() const { return staging_dir_; }

  // Copies an open regular file `src_fd` (named `src_path` in messages) into staging while
  // hashing it, then fsyncs the copy. `on_bytes` is told of progress. On failure (a read error,
  // a full disk) nothing is left behind.
  Result<StagedObject> Stage(int src_fd, const std::string& src_path,
                             const std::function<void(std::uint64_t)>& on_bytes);

  // Moves a staged object into objects/, read-only, durably. Idempotent for identical content.
  Status Publish(StagedObject* staged);

  // Staged copies of `sha256`: left by an interrupted ingest, or in flight.
  std::vector<std::string> StagedCopies(const std::string& sha256) const;

  // Cleans staging/ after interrupted ingests: a copy whose content the catalogue records
  // (`is_catalogued`) but whose object is missing is verified and published; any other
  // abandoned file is removed. Files in use by a live process are left alone. When
  // `is_catalogued` fails (the catalogue's server is unreachable), Recover stops with its error
  // and removes nothing: a staged file may be the only copy of a recorded original.
  struct Recovery {
    int published = 0;
    int removed = 0;
  };
  Result<Recovery> Recover(
      const std::function<Result<bool>(const std::string& sha256)>& is_catalogued);

 private:
  std::string objects_dir_;
  std::string staging_dir_;
};

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_OBJECT_STORE_H_

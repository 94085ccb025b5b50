// Uploads in chunks (doc/api.md, "Uploads in chunks"): each upload is a file growing in its own
// staging directory, DIR/workbench/uploads/ID/, outside the case's catalogue and objects. Only
// `finish` (api_uploads.cc) brings it into the case, through the same ingest as `sightline
// ingest`; until then the case does not know it exists, so an interrupted or abandoned upload can
// leave no item behind. Directories of uploads untouched for `expiry`, and every one left by an
// earlier run of the server, are removed.
//
// Thread safety: may be used from several threads. Chunks of one upload are written one at a
// time (the offset must be the bytes received so far, so a second writer of the same bytes is
// refused, not interleaved).
#ifndef SIGHTLINE_SERVER_UPLOADS_H_
#define SIGHTLINE_SERVER_UPLOADS_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sightline::server {

struct UploadLimits {
  std::uint64_t max_bytes = 4096ull << 20;  // one file
  std::uint64_t chunk_max = 8ull << 20;     // one PUT
  int per_user = 4;                         // uploads in progress at once
  std::chrono::seconds expiry{24 * 3600};   // untouched for this long: removed
};

struct UploadInfo {
  std::string id;
  std::string user;
  std::string name;
  std::uint64_t size = 0;
  std::uint64_t received = 0;
  std::string data_path;  // the growing file
};

class UploadStore {
 public:
  // Removes what earlier runs left in DIR/workbench/uploads.
  static Result<std::unique_ptr<UploadStore>> Open(const std::string& case_dir,
                                                   UploadLimits limits);
  static std::string RootFor(const std::string& case_dir);
  const UploadLimits& limits() const { return limits_; }

  // kInvalidArgument for a bad name, kNoSpace for a size over the limit, kBusy when `user` has
  // too many uploads in progress.
  Result<UploadInfo> Start(const std::string& user, const std::string& name, std::uint64_t size);
  // The upload `id` of `user` (kNotFound for another user's).
  Result<UploadInfo> Get(const std::string& user, const std::string& id);
  // Appends `bytes` at `offset`; kAlreadyExists (409) when offset is not the bytes received so
  // far, kInvalidArgument past the declared size, kNoSpace for a chunk over the limit.
  Result<UploadInfo> Append(const std::string& user, const std::string& id, std::uint64_t offset,
                            std::string_view bytes);
  // Takes the upload out of the store for `finish` (fsynced, complete), so that no other request
  // can write to it; the caller removes it with Discard after ingest. kInvalidArgument when bytes
  // are missing.
  Result<UploadInfo> Claim(const std::string& user, const std::string& id);
  // Removes the staging directory of `info`.
  void Discard(const UploadInfo& info);
  // Forgets and removes upload `id` of `user`.
  Status Cancel(const std::string& user, const std::string& id);
  // Removes uploads untouched for longer than the expiry.
  void Expire();

 private:
  struct Entry {
    UploadInfo info;
    std::chrono::steady_clock::time_point touched;
    bool busy = false;  // a chunk is being written
  };
  UploadStore(std::string root, UploadLimits limits) : root_(std::move(root)), limits_(limits) {}
  std::string root_;
  UploadLimits limits_;
  std::mutex mu_;
  std::map<std::string, Entry> uploads_;
};

// A file name a browser may send: no '/', '\\' or NUL, not "." or "..", valid UTF-8, 1 to 255
// bytes.
bool IsValidUploadName(const std::string& name);

}  // namespace sightline::server

#endif  // SIGHTLINE_SERVER_UPLOADS_H_

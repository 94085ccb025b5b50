#include "server/uploads.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "base/file.h"
#include "server/sessions.h"

namespace sightline::server {

namespace {

void RemoveDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace

bool IsValidUploadName(const std::string& name) {
  if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
  if (name.find_first_of(std::string("/\\\0", 3)) != std::string::npos) return false;
  return IsValidUtf8(name);
}

std::string UploadStore::RootFor(const std::string& case_dir) {
  return JoinPath(JoinPath(case_dir, "workbench"), "uploads");
}

Result<std::unique_ptr<UploadStore>> UploadStore::Open(const std::string& case_dir,
                                                       UploadLimits limits) {
  const std::string root = RootFor(case_dir);
  RemoveDir(root);  // an earlier run's uploads: nobody can resume them (sessions are gone)
  SL_RETURN_IF_ERROR(MakeDirs(root, 0700));
  return std::unique_ptr<UploadStore>(new UploadStore(root, limits));
}

Result<UploadInfo> UploadStore::Start(const std::string& user, const std::string& name,
                                      std::uint64_t size) {
  if (!IsValidUploadName(name)) {
    return InvalidArgument("'name' must be a file name (no '/', at most 255 bytes)");
  }
  if (size == 0) return InvalidArgument("'size' must be at least 1 byte: empty files are refused");
  if (size > limits_.max_bytes) {
    return Status(StatusCode::kNoSpace, "the file is larger than this server accepts (" +
                                            std::to_string(limits_.max_bytes >> 20) + " MiB)");
  }
  Expire();
  UploadInfo info{RandomHex(16), user, name, size, 0, ""};
  const std::string dir = JoinPath(root_, info.id);
  info.data_path = JoinPath(dir, "data");
  {
    std::lock_guard<std::mutex> lock(mu_);
    int mine = 0;
    for (const auto& [id, e] : uploads_) mine += e.info.user == user;
    if (mine >= limits_.per_user) {
      return Status(StatusCode::kBusy, "you have " + std::to_string(mine) +
                                           " uploads in progress: finish or cancel one first");
    }
    uploads_[info.id] = {info, std::chrono::steady_clock::now(), true};
  }
  Status made = MakeDirs(dir, 0700);
  int fd = made.ok() ? ::open(info.data_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
                     : -1;
  std::lock_guard<std::mutex> lock(mu_);
  if (fd < 0) {
    uploads_.erase(info.id);
    RemoveDir(dir);
    return made.ok() ? ErrnoStatus(info.data_path, "cannot create", errno) : made;
  }
  ::close(fd);
  uploads_[info.id].busy = false;
  return info;
}

Result<UploadInfo> UploadStore::Get(const std::string& user, const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second.info.user != user) {
    return NotFound("no upload " + id + " in progress (finished, cancelled or expired)");
  }
  return it->second.info;
}

Result<UploadInfo> UploadStore::Append(const std::string& user, const std::string& id,
                                       std::uint64_t offset, std::string_view bytes) {
  UploadInfo info;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = uploads_.find(id);
    if (it == uploads_.end() || it->second.info.user != user) {
      return NotFound("no upload " + id + " in progress (finished, cancelled or expired)");
    }
    Entry& e = it->second;
    if (e.busy || offset != e.info.received) {
      return Status(StatusCode::kAlreadyExists,
                    "offset " + std::to_string(offset) + " is not where the upload stands (" +
                        std::to_string(e.info.received) + " bytes received)");
    }
    if (bytes.size() > limits_.chunk_max) {
      return Status(StatusCode::kNoSpace,
                    "a chunk may hold at most " + std::to_string(limits_.chunk_max) + " bytes");
    }
    if (offset + bytes.size() > e.info.size) {
      return InvalidArgument("the chunk goes past the declared size (" +
                             std::to_string(e.info.size) + " bytes)");
    }
    e.busy = true;
    info = e.info;
  }
  Status written;
  {
    UniqueFd fd(::open(info.data_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    written = fd.valid() ? WriteAll(fd.get(), bytes.data(), bytes.size(), info.data_path)
                         : ErrnoStatus(info.data_path, "cannot open", errno);
    if (!written.ok() && fd.valid()) {  // leave the file as it stood before this chunk
      (void)::ftruncate(fd.get(), static_cast<off_t>(info.received));
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = uploads_.find(id);
  if (it == uploads_.end()) return NotFound("upload " + id + " was cancelled meanwhile");
  it->second.busy = false;
  it->second.touched = std::chrono::steady_clock::now();
  if (!written.ok()) return written;
  it->second.info.received += bytes.size();
  return it->second.info;
}

Result<UploadInfo> UploadStore::Claim(const std::string& user, const std::string& id) {
  UploadInfo info;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = uploads_.find(id);
    if (it == uploads_.end() || it->second.info.user != user) {
      return NotFound("no upload " + id + " in progress (finished, cancelled or expired)");
    }
    if (it->second.busy) {
      return Status(StatusCode::kAlreadyExists, "a chunk of this upload is still being written");
    }
    if (it->second.info.received != it->second.info.size) {
      return InvalidArgument(
          "the upload is incomplete: " + std::to_string(it->second.info.received) + " of " +
          std::to_string(it->second.info.size) + " bytes received");
    }
    info = it->second.info;
    uploads_.erase(it);
  }
  return info;
}

void UploadStore::Discard(const UploadInfo& info) { RemoveDir(DirName(info.data_path)); }

Status UploadStore::Cancel(const std::string& user, const std::string& id) {
  UploadInfo info;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = uploads_.find(id);
    if (it == uploads_.end() || it->second.info.user != user) {
      return NotFound("no upload " + id + " in progress (finished, cancelled or expired)");
    }
    info = it->second.info;
    uploads_.erase(it);
  }
  Discard(info);
  return Status::Ok();
}

void UploadStore::Expire() {
  std::vector<UploadInfo> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    for (auto it = uploads_.begin(); it != uploads_.end();) {
      if (!it->second.busy && it->second.touched + limits_.expiry <= now) {
        old.push_back(it->second.info);
        it = uploads_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& info : old) Discard(info);
}

}  // namespace sightline::server

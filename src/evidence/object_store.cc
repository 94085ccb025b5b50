#include "evidence/object_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "base/sha256.h"

namespace sightline::evidence {

namespace {

constexpr std::size_t kCopyBuffer = 1 << 20;

// Opens `path` and takes an exclusive flock without waiting; an invalid fd when another process
// holds it (or it vanished).
UniqueFd TryLock(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return fd;
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return UniqueFd();
  return fd;
}

}  // namespace

StagedObject& StagedObject::operator=(StagedObject&& o) noexcept {
  if (this != &o) {
    if (!keep_ && !path_.empty()) ::unlink(path_.c_str());
    path_ = std::exchange(o.path_, std::string());
    sha256_ = std::move(o.sha256_);
    size_ = o.size_;
    source_changed_ = o.source_changed_;
    keep_ = o.keep_;
    lock_ = std::move(o.lock_);
  }
  return *this;
}

StagedObject::~StagedObject() {
  if (!keep_ && !path_.empty()) ::unlink(path_.c_str());
}

ObjectStore::ObjectStore(std::string case_dir)
    : objects_dir_(JoinPath(case_dir, "objects")), staging_dir_(JoinPath(case_dir, "staging")) {}

std::string ObjectStore::PathFor(const std::string& sha256) const {
  return JoinPath(JoinPath(objects_dir_, sha256.substr(0, 2)), sha256.substr(2));
}

Result<std::string> ObjectStore::OriginalPath(const std::string& sha256) const {
  const std::string path = PathFor(sha256);
  const std::string short_name =
      "objects/" + sha256.substr(0, 2) + "/" + sha256.substr(2, 12) + "…";
  for (const std::string& p : {objects_dir_, DirName(path), path}) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) {
        return NotFound(short_name +
                        ": the stored original is missing (run 'sightline verify "
                        "--case' to see what happened to the case)");
      }
      return ErrnoStatus(p, "cannot stat the stored original", errno);
    }
    const bool ok = p == path ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode);
    if (!ok) {
      return Corrupt(short_name + ": " + (p == path ? "the stored original" : "its directory") +
                     " is " +
                     (S_ISLNK(st.st_mode) ? "a symbolic link" : "not a plain file or directory") +
                     ", not what Sightline stored: the case was changed outside Sightline; not "
                     "reading it (run 'sightline verify --case')");
    }
  }
  return path;
}

Result<StagedObject> ObjectStore::Stage(int src_fd, const std::string& src_path,
                                        const std::function<void(std::uint64_t)>& on_bytes) {
  struct stat before;
  if (::fstat(src_fd, &before) != 0) return ErrnoStatus(src_path, "cannot stat", errno);
  StagedObject staged;
  staged.path_ = JoinPath(staging_dir_, UniqueSuffix() + ".part");
  int out = ::open(staged.path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    Status s = ErrnoStatus(staged.path_, "cannot create staging file", errno);
    staged.path_.clear();
    return s;
  }
  staged.lock_ = UniqueFd(out);
  ::flock(out, LOCK_EX);  // our own new file: cannot be contended
  ::posix_fadvise(src_fd, 0, 0, POSIX_FADV_SEQUENTIAL);

  Sha256 hasher;
  std::vector<char> buf(kCopyBuffer);
  for (;;) {
    ssize_t n = ::read(src_fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(src_path, "read failed", errno);
    }
    if (n == 0) break;
    hasher.Update(buf.data(), static_cast<std::size_t>(n));
    SL_RETURN_IF_ERROR(WriteAll(out, buf.data(), static_cast<std::size_t>(n), staged.path_));
    staged.size_ += static_cast<std::uint64_t>(n);
    if (on_bytes) on_bytes(static_cast<std::uint64_t>(n));
  }
  SL_RETURN_IF_ERROR(FsyncFd(out, staged.path_));
  staged.sha256_ = ToHex(hasher.Finish());

  struct stat after;
  if (::fstat(src_fd, &after) == 0) {
    staged.source_changed_ = after.st_size != before.st_size ||
                             after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
                             after.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
                             static_cast<std::uint64_t>(after.st_size) != staged.size_;
  }
  // Name the copy by its content so that recovery can match it with the catalogue.
  std::string named = JoinPath(staging_dir_, staged.sha256_ + "." + UniqueSuffix());
  if (::rename(staged.path_.c_str(), named.c_str()) != 0) {
    return ErrnoStatus(named, "cannot rename staging file", errno);
  }
  staged.path_ = named;
  SL_RETURN_IF_ERROR(FsyncDir(staging_dir_));
  return staged;
}

Status ObjectStore::Publish(StagedObject* staged) {
  std::string target = PathFor(staged->sha256_);
  std::string dir = DirName(target);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus(dir, "cannot create object directory", errno);
  }
  // A symbolic link in place of objects/ or objects/ab/ would send the original outside the case
  // (where verify cannot vouch for it): refuse rather than follow it.
  for (const std::string& d : {objects_dir_, dir}) {
    struct stat st;
    if (::lstat(d.c_str(), &st) != 0) return ErrnoStatus(d, "cannot stat object directory", errno);
    if (!S_ISDIR(st.st_mode)) {
      return Corrupt(DisplayPath(d) + ": " +
                     (S_ISLNK(st.st_mode) ? "a symbolic link" : "not a directory") +
                     " inside the case's objects/; refusing to store an original through it "
                     "(run 'sightline verify --case' and remove it)");
    }
  }
  if (::fchmod(staged->lock_.get(), 0444) != 0) {
    return ErrnoStatus(staged->path_, "cannot make object read-only", errno);
  }
  if (::rename(staged->path_.c_str(), target.c_str()) != 0) {
    return ErrnoStatus(target, "cannot move object into place", errno);
  }
  staged->keep_ = true;
  staged->path_ = target;
  SL_RETURN_IF_ERROR(FsyncDir(dir));
  return FsyncDir(staging_dir_);
}

std::vector<std::string> ObjectStore::StagedCopies(const std::string& sha256) const {
  std::vector<std::string> out;
  for (const std::string& name : ListDirectory(staging_dir_).value_or({})) {
    if (name.size() > 65 && name.compare(0, 64, sha256) == 0 && name[64] == '.') {
      out.push_back(JoinPath(staging_dir_, name));
    }
  }
  return out;
}

Result<ObjectStore::Recovery> ObjectStore::Recover(
    const std::function<Result<bool>(const std::string&)>& is_catalogued) {
  Recovery r;
  for (const std::string& name : ListDirectory(staging_dir_).value_or({})) {
    std::string path = JoinPath(staging_dir_, name);
    UniqueFd lock = TryLock(path);
    if (!lock.valid()) continue;  // a live ingest owns it, or it is already gone
    std::string sha = name.substr(0, 64);
    bool publish = false;
    if (name.size() > 65 && name[64] == '.' && IsSha256Hex(sha)) {
      SL_ASSIGN_OR_RETURN(bool catalogued, is_catalogued(sha));
      publish = catalogued && !PathExists(PathFor(sha));
    }
    if (publish) {
      Result<Digest256> actual = Sha256File(path);
      if (actual.ok() && ToHex(*actual) == sha) {
        StagedObject staged;
        staged.path_ = path;
        staged.sha256_ = sha;
        staged.lock_ = std::move(lock);
        SL_RETURN_IF_ERROR(Publish(&staged));
        ++r.published;
        continue;
      }
    }
    if (::unlink(path.c_str()) == 0) ++r.removed;
  }
  if (r.removed > 0) SL_RETURN_IF_ERROR(FsyncDir(staging_dir_));
  return r;
}

}  // namespace sightline::evidence

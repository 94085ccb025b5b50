// OpenBlobStore's URL forms and the directory back-end: originals at DIR/ab/cdef… (the first two
// hex digits of the SHA-256 name a subdirectory, as in a case's objects/), named files at
// DIR/named/KEY. Every write goes to a temporary file beside its target, is fsynced and renamed
// into place, so that a reader (or another process writing the same key) sees a whole file or
// none. Objects are made read-only (0444).
#include "archive/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "archive/blob_store_internal.h"
#include "base/file.h"
#include "base/sha256.h"

namespace sightline::archive {

namespace {

constexpr std::size_t kCopyBuffer = 1 << 20;

// Copies the rest of `src_fd` (named `src_path` in messages) into `out`.
Status CopyInto(int src_fd, const std::string& src_path, HashingFileWriter* out) {
  ::posix_fadvise(src_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<char> buf(kCopyBuffer);
  for (;;) {
    ssize_t n = ::read(src_fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(src_path, "read failed", errno);
    }
    if (n == 0) return Status::Ok();
    SL_RETURN_IF_ERROR(out->Write(buf.data(), static_cast<std::size_t>(n)));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class DirectoryBlobStore : public BlobStore {
 public:
  explicit DirectoryBlobStore(std::string dir) : dir_(std::move(dir)), description_(dir_) {}

  Status Put(const std::string& sha256, const std::string& path) override {
    SL_RETURN_IF_ERROR(CheckSha256Name(sha256));
    SL_ASSIGN_OR_RETURN(UniqueFd src, OpenForRead(path));
    struct stat src_st;
    if (::fstat(src.get(), &src_st) != 0) return ErrnoStatus(path, "cannot stat", errno);
    if (!S_ISREG(src_st.st_mode)) {
      return InvalidArgument(DisplayPath(path) + ": not a regular file; only files are stored");
    }
    const std::string target = ObjectPath(sha256);
    struct stat st;
    if (::lstat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == src_st.st_size) {
      return Status::Ok();  // already stored; Get checks its bytes
    }
    // Missing, or damaged (wrong size, not a file): the new bytes replace it once verified.
    SL_ASSIGN_OR_RETURN(std::unique_ptr<HashingFileWriter> out,
                        HashingFileWriter::Create(target, 0444));
    SL_RETURN_IF_ERROR(CopyInto(src.get(), path, out.get()));
    SL_ASSIGN_OR_RETURN(std::string actual, out->Finish());
    if (actual != sha256) {
      return Corrupt(DisplayPath(path) + ": its SHA-256 is " + actual + ", not " + sha256 +
                     " as expected (the file changed after it was hashed, or it is not the file "
                     "meant); nothing stored in " +
                     description_);
    }
    return out->Publish();
  }

  Status Get(const std::string& sha256, const std::string& dest_path) override {
    SL_RETURN_IF_ERROR(CheckSha256Name(sha256));
    const std::string object = ObjectPath(sha256);
    SL_ASSIGN_OR_RETURN(UniqueFd src, OpenStored(object, "object " + sha256));
    SL_ASSIGN_OR_RETURN(std::unique_ptr<HashingFileWriter> out,
                        HashingFileWriter::Create(dest_path));
    SL_RETURN_IF_ERROR(CopyInto(src.get(), object, out.get()));
    SL_ASSIGN_OR_RETURN(std::string actual, out->Finish());
    if (actual != sha256) {
      out.reset();  // removes the temporary copy
      ::unlink(dest_path.c_str());
      return Corrupt(DisplayPath(object) + ": the stored bytes hash to " + actual +
                     ", not to the object's name: the object is damaged or was replaced; not "
                     "used (restore it from another copy of the archive, or Put the original "
                     "again)");
    }
    return out->Publish();
  }

  Result<bool> Exists(const std::string& sha256) override {
    SL_RETURN_IF_ERROR(CheckSha256Name(sha256));
    const std::string object = ObjectPath(sha256);
    struct stat st;
    if (::lstat(object.c_str(), &st) == 0) return S_ISREG(st.st_mode);
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return ErrnoStatus(object, "cannot stat the stored object", errno);
  }

  Status PutNamed(const std::string& key, const std::string& path) override {
    SL_RETURN_IF_ERROR(CheckNamedKey(key));
    SL_ASSIGN_OR_RETURN(UniqueFd src, OpenForRead(path));
    SL_ASSIGN_OR_RETURN(std::unique_ptr<HashingFileWriter> out,
                        HashingFileWriter::Create(NamedPath(key)));
    SL_RETURN_IF_ERROR(CopyInto(src.get(), path, out.get()));
    SL_RETURN_IF_ERROR(out->Finish().status());
    return out->Publish();
  }

  Status GetNamed(const std::string& key, const std::string& dest_path) override {
    SL_RETURN_IF_ERROR(CheckNamedKey(key));
    const std::string named = NamedPath(key);
    SL_ASSIGN_OR_RETURN(UniqueFd src, OpenStored(named, "named file '" + key + "'"));
    SL_ASSIGN_OR_RETURN(std::unique_ptr<HashingFileWriter> out,
                        HashingFileWriter::Create(dest_path));
    SL_RETURN_IF_ERROR(CopyInto(src.get(), named, out.get()));
    SL_RETURN_IF_ERROR(out->Finish().status());
    return out->Publish();
  }

  const std::string& description() const override { return description_; }

 private:
  std::string ObjectPath(const std::string& sha256) const {
    return JoinPath(JoinPath(dir_, sha256.substr(0, 2)), sha256.substr(2));
  }
  std::string NamedPath(const std::string& key) const {
    return JoinPath(JoinPath(dir_, "named"), key);
  }

  // Opens a stored file without following a symbolic link: kNotFound when missing, kCorrupt
  // when something other than a plain file stands in its place.
  Result<UniqueFd> OpenStored(const std::string& path, const std::string& what) const {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) {
        return NotFound(description_ + ": no " + what + " (looked for " + DisplayPath(path) + ")");
      }
      if (errno == ELOOP) {
        return Corrupt(DisplayPath(path) +
                       ": a symbolic link, not a file this store wrote; "
                       "not reading it");
      }
      return ErrnoStatus(path, "cannot open", errno);
    }
    UniqueFd owned(fd);
    struct stat st;
    if (::fstat(fd, &st) != 0) return ErrnoStatus(path, "cannot stat", errno);
    if (!S_ISREG(st.st_mode)) {
      return Corrupt(DisplayPath(path) +
                     ": not a plain file, not what this store wrote; not "
                     "reading it");
    }
    return owned;
  }

  std::string dir_;
  std::string description_;
};

Result<std::unique_ptr<BlobStore>> OpenDirectory(const std::string& dir, const std::string& url) {
  if (dir.empty()) return InvalidArgument("'" + url + "': no directory given");
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    return InvalidArgument(DisplayPath(dir) +
                           ": not a directory; an object store is a directory (created when "
                           "missing) or an s3://BUCKET/PREFIX?endpoint=URL&region=R URL");
  }
  std::string clean = dir;
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  return std::unique_ptr<BlobStore>(new DirectoryBlobStore(clean));
}

}  // namespace

Status CheckSha256Name(const std::string& sha256) {
  if (IsSha256Hex(sha256)) return Status::Ok();
  return InvalidArgument("'" + DisplayPath(sha256) +
                         "' is not a SHA-256 object name (64 lower-case hex digits)");
}

Status CheckNamedKey(const std::string& key) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("named key '" + DisplayPath(key) + "': " + why +
                           " (a key is a relative path of letters, digits and . _ / -, such as "
                           "'index/shard-3/snapshot-42.faiss')");
  };
  if (key.empty()) return bad("empty");
  for (char c : key) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '/' || c == '-';
    if (!ok) return bad("holds a character other than letters, digits and . _ / -");
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t end = key.find('/', start);
    std::string part =
        key.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part.empty()) return bad("starts or ends with '/', or has '//'");
    if (part == "." || part == "..") return bad("has a '.' or '..' component");
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return Status::Ok();
}

Result<std::string> PercentDecode(const std::string& s, const std::string& url) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return InvalidArgument("'" + url + "': a '%' not followed by two hex digits");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Result<std::unique_ptr<HashingFileWriter>> HashingFileWriter::Create(const std::string& dest_path,
                                                                     unsigned mode) {
  const std::string dir = DirName(dest_path);
  SL_RETURN_IF_ERROR(MakeDirs(dir));
  std::unique_ptr<HashingFileWriter> w(new HashingFileWriter());
  w->dest_path_ = dest_path;
  w->mode_ = mode;
  w->tmp_path_ = JoinPath(dir, "." + BaseName(dest_path) + ".tmp-" + UniqueSuffix());
  int fd = ::open(w->tmp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    Status s = ErrnoStatus(w->tmp_path_, "cannot create", errno);
    w->tmp_path_.clear();
    return s;
  }
  w->fd_ = UniqueFd(fd);
  return w;
}

HashingFileWriter::~HashingFileWriter() {
  if (!published_ && !tmp_path_.empty()) ::unlink(tmp_path_.c_str());
}

Status HashingFileWriter::Write(const void* data, std::size_t size) {
  hasher_.Update(data, size);
  size_ += size;
  return WriteAll(fd_.get(), data, size, tmp_path_);
}

Result<std::string> HashingFileWriter::Finish() {
  if (::fchmod(fd_.get(), mode_) != 0) return ErrnoStatus(tmp_path_, "cannot chmod", errno);
  SL_RETURN_IF_ERROR(FsyncFd(fd_.get(), tmp_path_));
  fd_.Reset();
  finished_ = true;
  return ToHex(hasher_.Finish());
}

Status HashingFileWriter::Publish() {
  if (!finished_) return Internal("HashingFileWriter::Publish before Finish");
  if (::rename(tmp_path_.c_str(), dest_path_.c_str()) != 0) {
    return ErrnoStatus(dest_path_, "cannot rename into place", errno);
  }
  published_ = true;
  return FsyncDir(DirName(dest_path_));
}

Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& url) {
  const std::string forms =
      "use a directory path, file:///DIR, or s3://BUCKET[/PREFIX]?endpoint=URL&region=REGION";
  if (url.empty()) return InvalidArgument("no object store given; " + forms);
  if (url.rfind("s3://", 0) == 0) return OpenS3BlobStoreFromUrl(url);
  if (url.rfind("file://", 0) == 0) {
    std::string rest = url.substr(7);
    if (rest.rfind("localhost/", 0) == 0) rest = rest.substr(9);
    if (rest.empty() || rest[0] != '/') {
      return InvalidArgument("'" + url +
                             "': a file URL names an absolute path on this machine, as in "
                             "file:///srv/objects (three slashes)");
    }
    if (rest.find_first_of("?#") != std::string::npos) {
      return InvalidArgument("'" + url + "': a file URL takes no '?' or '#' part");
    }
    SL_ASSIGN_OR_RETURN(std::string dir, PercentDecode(rest, url));
    return OpenDirectory(dir, url);
  }
  std::size_t scheme_end = url.find("://");
  if (scheme_end != std::string::npos && scheme_end > 0 && url.find('/') == scheme_end + 1) {
    return InvalidArgument("'" + url + "': unsupported kind of object store '" +
                           url.substr(0, scheme_end) + "'; " + forms);
  }
  return OpenDirectory(url, url);
}

}  // namespace sightline::archive

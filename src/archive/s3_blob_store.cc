#include "archive/s3_blob_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "archive/blob_store_internal.h"
#include "base/file.h"
#include "base/sha256.h"

namespace sightline::archive {

namespace {

constexpr std::uint64_t kDefaultPartSize = 16ull << 20;
constexpr std::uint64_t kMaxParts = 10000;  // S3's limit per upload
constexpr std::size_t kHashBuffer = 1 << 20;
const char kUrlForm[] = "s3://BUCKET[/PREFIX]?endpoint=URL&region=REGION";

// Reads exactly `size` bytes at `offset`; kCorrupt when the file ends sooner (it shrank).
Status ReadAt(int fd, std::uint64_t offset, std::size_t size, char* out, const std::string& path) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, "read failed", errno);
    }
    if (n == 0) {
      return Corrupt(DisplayPath(path) + ": the file became shorter while it was being stored");
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

// The SHA-256 (hex) of the first `size` bytes of `fd`.
Result<std::string> HashPrefix(int fd, std::uint64_t size, const std::string& path) {
  Sha256 hasher;
  std::vector<char> buf(kHashBuffer);
  for (std::uint64_t off = 0; off < size;) {
    std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - off));
    SL_RETURN_IF_ERROR(ReadAt(fd, off, len, buf.data(), path));
    hasher.Update(buf.data(), len);
    off += len;
  }
  return ToHex(hasher.Finish());
}

struct OpenFile {
  UniqueFd fd;
  std::uint64_t size = 0;
};

Result<OpenFile> OpenRegular(const std::string& path) {
  OpenFile f;
  SL_ASSIGN_OR_RETURN(f.fd, OpenForRead(path));
  struct stat st;
  if (::fstat(f.fd.get(), &st) != 0) return ErrnoStatus(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgument(DisplayPath(path) + ": not a regular file; only files are stored");
  }
  f.size = static_cast<std::uint64_t>(st.st_size);
  return f;
}

bool ValidBucket(const std::string& b) {
  if (b.empty() || b.size() > 255) return false;
  return std::all_of(b.begin(), b.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
}

bool ValidRegion(const std::string& r) {
  return !r.empty() && std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

}  // namespace

Result<S3Location> ParseS3Url(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("'" + DisplayPath(url) + "': " + why + "; expected " + kUrlForm);
  };
  if (url.rfind("s3://", 0) != 0) return bad("not an s3:// URL");
  std::string rest = url.substr(5);
  std::string query;
  if (std::size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.find('@') != std::string::npos || query.find('@') != std::string::npos) {
    return InvalidArgument("'" + DisplayPath(url).substr(0, 5) +
                           "…': credentials do not go in the URL (it shows in process lists "
                           "and logs); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead");
  }
  S3Location loc;
  std::size_t slash = rest.find('/');
  loc.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) loc.prefix = rest.substr(slash + 1);
  while (!loc.prefix.empty() && loc.prefix.back() == '/') loc.prefix.pop_back();
  if (!ValidBucket(loc.bucket)) return bad("the bucket name is missing or malformed");
  if (!loc.prefix.empty()) {
    Status s = CheckNamedKey(loc.prefix);
    if (!s.ok()) return bad("the prefix '" + loc.prefix + "' is malformed");
  }
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string param = query.substr(start, end - start);
    start = end + 1;
    if (param.empty()) continue;
    std::size_t eq = param.find('=');
    std::string name = param.substr(0, eq);
    SL_ASSIGN_OR_RETURN(std::string value,
                        PercentDecode(eq == std::string::npos ? "" : param.substr(eq + 1), url));
    if (name == "endpoint") {
      loc.endpoint = value;
    } else if (name == "region") {
      loc.region = value;
    } else {
      return bad("unknown parameter '" + name + "' (known: endpoint, region)");
    }
  }
  if (loc.region.empty()) loc.region = "us-east-1";
  if (!ValidRegion(loc.region)) return bad("region '" + loc.region + "' is malformed");
  if (loc.endpoint.empty()) loc.endpoint = "https://s3." + loc.region + ".amazonaws.com";
  if (loc.endpoint.rfind("http://", 0) != 0 && loc.endpoint.rfind("https://", 0) != 0) {
    return bad("endpoint '" + loc.endpoint + "' must start with http:// or https://");
  }
  if (loc.endpoint.find_first_of("?#") != std::string::npos) {
    return bad("endpoint '" + loc.endpoint + "' must be a plain http(s)://HOST[:PORT] URL");
  }
  while (loc.endpoint.back() == '/') loc.endpoint.pop_back();
  return loc;
}

S3BlobStore::S3BlobStore(const S3Location& location, S3Config config, S3BlobStoreOptions options)
    : prefix_(location.prefix), options_(options), client_([&] {
        config.endpoint = location.endpoint;
        config.region = location.region;
        config.bucket = location.bucket;
        return std::move(config);
      }()) {
  description_ = "s3://" + location.bucket + (prefix_.empty() ? "" : "/" + prefix_) + " (at " +
                 location.endpoint + ", region " + location.region + ")";
}

std::string S3BlobStore::ObjectKey(const std::string& sha256) const {
  return (prefix_.empty() ? "" : prefix_ + "/") + sha256.substr(0, 2) + "/" + sha256.substr(2);
}

std::string S3BlobStore::NamedObjectKey(const std::string& key) const {
  return (prefix_.empty() ? "" : prefix_ + "/") + "named/" + key;
}

std::uint64_t S3BlobStore::PartSizeFor(std::uint64_t size) const {
  if (options_.part_size > 0) return options_.part_size;
  std::uint64_t part = kDefaultPartSize;
  while ((size + part - 1) / part > kMaxParts) part *= 2;
  return part;
}

Status S3BlobStore::Put(const std::string& sha256, const std::string& path) {
  SL_RETURN_IF_ERROR(CheckSha256Name(sha256));
  SL_ASSIGN_OR_RETURN(OpenFile file, OpenRegular(path));
  const std::string key = ObjectKey(sha256);
  Result<S3ObjectInfo> head = client_.HeadObject(key);
  if (head.ok() && head->size == file.size) return Status::Ok();  // Get checks its bytes
  if (!head.ok() && head.status().code() != StatusCode::kNotFound) return head.status();
  // Missing, or of the wrong size (a damaged copy): the verified bytes replace it.
  if (file.size <= PartSizeFor(file.size)) {
    std::string bytes(file.size, '\0');
    SL_RETURN_IF_ERROR(ReadAt(file.fd.get(), 0, bytes.size(), bytes.data(), path));
    const std::string actual = Sha256Hex(bytes);
    if (actual != sha256) {
      return Corrupt(DisplayPath(path) + ": its SHA-256 is " + actual + ", not " + sha256 +
                     " as expected (the file changed after it was hashed, or it is not the file "
                     "meant); nothing stored in " +
                     description_);
    }
    return client_.PutObject(key, bytes, {{"sha256", sha256}});
  }
  return UploadMultipart(key, path, sha256, /*resumable=*/true);
}

Status S3BlobStore::UploadMultipart(const std::string& key, const std::string& path,
                                    const std::string& expected_sha256, bool resumable) {
  SL_ASSIGN_OR_RETURN(OpenFile file, OpenRegular(path));
  // Hash first, so that a file that is not what the caller says never reaches the server.
  SL_ASSIGN_OR_RETURN(std::string sha256, HashPrefix(file.fd.get(), file.size, path));
  if (!expected_sha256.empty() && sha256 != expected_sha256) {
    return Corrupt(DisplayPath(path) + ": its SHA-256 is " + sha256 + ", not " + expected_sha256 +
                   " as expected (the file changed after it was hashed, or it is not the file "
                   "meant); nothing stored in " +
                   description_);
  }
  const std::uint64_t part_size = PartSizeFor(file.size);
  const int part_count = static_cast<int>((file.size + part_size - 1) / part_size);

  // An upload of this key left by an earlier, interrupted Put carries the same bytes (the key
  // is their hash): resume it. Parts are matched by number, size and MD5, so parts cut with
  // another part size are simply sent again.
  std::string upload_id;
  std::vector<S3Part> held;
  if (resumable) {
    // A server that lacks the listing (501, 405) or a key pair not allowed to list (403) only
    // costs the resume: the upload starts afresh, and a real credential problem shows there.
    Result<std::vector<S3Upload>> uploads = client_.ListMultipartUploads(key);
    if (!uploads.ok() && uploads.status().code() != StatusCode::kUnsupported &&
        uploads.status().code() != StatusCode::kInvalidArgument) {
      return uploads.status();
    }
    if (uploads.ok()) {
      std::vector<S3Upload> mine;
      for (const S3Upload& u : *uploads) {
        if (u.key == key) mine.push_back(u);
      }
      // The most recent first.
      std::sort(mine.begin(), mine.end(),
                [](const S3Upload& a, const S3Upload& b) { return a.initiated > b.initiated; });
      for (const S3Upload& u : mine) {
        Result<std::vector<S3Part>> parts = client_.ListParts(key, u.upload_id);
        if (!parts.ok()) {
          if (parts.status().code() == StatusCode::kNotFound) continue;  // finished meanwhile
          return parts.status();
        }
        upload_id = u.upload_id;
        held = std::move(parts).value();
        ++stats_.uploads_resumed;
        break;
      }
    }
  }
  if (upload_id.empty()) {
    SL_ASSIGN_OR_RETURN(upload_id, client_.CreateMultipartUpload(key, {{"sha256", sha256}}));
  }

  const std::string resume_hint =
      resumable ? " (the parts sent so far stay on the server: storing the same file again "
                  "resumes the upload)"
                : "";
  Sha256 again;  // the bytes as sent, to catch a file changed since it was hashed
  std::vector<S3Part> parts;
  std::string buf(static_cast<std::size_t>(part_size), '\0');
  for (int number = 1; number <= part_count; ++number) {
    const std::uint64_t offset = static_cast<std::uint64_t>(number - 1) * part_size;
    const std::size_t len = static_cast<std::size_t>(std::min(part_size, file.size - offset));
    SL_RETURN_IF_ERROR(ReadAt(file.fd.get(), offset, len, buf.data(), path));
    std::string_view bytes(buf.data(), len);
    again.Update(bytes);
    const std::string md5 = Md5Hex(bytes);
    auto it =
        std::find_if(held.begin(), held.end(), [&](const S3Part& p) { return p.number == number; });
    if (it != held.end() && it->size == len && it->etag == md5) {
      parts.push_back(*it);
      ++stats_.parts_reused;
      continue;
    }
    Result<std::string> etag = client_.UploadPart(key, upload_id, number, bytes);
    if (!etag.ok()) return etag.status().WithContext(DisplayPath(path) + resume_hint);
    parts.push_back({number, len, *etag});
    ++stats_.parts_uploaded;
  }
  if (ToHex(again.Finish()) != sha256) {
    (void)client_.AbortMultipartUpload(key, upload_id);
    return Corrupt(DisplayPath(path) +
                   ": the file changed while it was being stored; nothing "
                   "stored in " +
                   description_);
  }
  Status done = client_.CompleteMultipartUpload(key, upload_id, parts);
  Result<S3ObjectInfo> head = client_.HeadObject(key);
  if (!done.ok()) {
    // Another process resuming the same upload may have completed it first.
    if (done.code() == StatusCode::kNotFound && head.ok() && head->size == file.size) {
      return Status::Ok();
    }
    return done.WithContext(DisplayPath(path) + resume_hint);
  }
  if (!head.ok()) return head.status();
  if (head->size != file.size) {
    return IoError(client_.Describe(key) + ": holds " + std::to_string(head->size) +
                   " bytes after the upload of " + std::to_string(file.size) +
                   ": the server joined the parts wrongly");
  }
  return Status::Ok();
}

Status S3BlobStore::Download(const std::string& key, const std::string& expected_sha256,
                             const std::string& dest_path, const std::string& what) {
  SL_ASSIGN_OR_RETURN(std::unique_ptr<HashingFileWriter> out, HashingFileWriter::Create(dest_path));
  S3ObjectInfo info;
  Status got = client_.GetObject(
      key, [&](const char* data, std::size_t size) { return out->Write(data, size); },
      [&](const S3ObjectInfo& i) { info = i; });
  if (!got.ok()) {
    if (got.code() == StatusCode::kNotFound) {
      return NotFound(description_ + ": no " + what + " (" + got.message() + ")");
    }
    return got;
  }
  SL_ASSIGN_OR_RETURN(std::string actual, out->Finish());
  std::string expected = expected_sha256;
  if (expected.empty()) {
    auto it = info.metadata.find("sha256");
    if (it != info.metadata.end()) expected = it->second;
  }
  if (!expected.empty() && actual != expected) {
    out.reset();  // removes the temporary copy
    ::unlink(dest_path.c_str());
    return Corrupt(client_.Describe(key) + ": the stored bytes hash to " + actual + ", not to " +
                   expected + " as recorded: the " + what +
                   " is damaged or was replaced; not used (restore it from another copy, or "
                   "store the original again)");
  }
  return out->Publish();
}

Status S3BlobStore::Get(const std::string& sha256, const std::string& dest_path) {
  SL_RETURN_IF_ERROR(CheckSha256Name(sha256));
  return Download(ObjectKey(sha256), sha256, dest_path, "object " + sha256);
}

Result<bool> S3BlobStore::Exists(const std::string& sha256) {
  SL_RETURN_IF_ERROR(CheckSha256Name(sha256));
  Result<S3ObjectInfo> head = client_.HeadObject(ObjectKey(sha256));
  if (head.ok()) return true;
  if (head.status().code() == StatusCode::kNotFound) return false;
  return head.status();
}

Status S3BlobStore::PutNamed(const std::string& key, const std::string& path) {
  SL_RETURN_IF_ERROR(CheckNamedKey(key));
  SL_ASSIGN_OR_RETURN(OpenFile file, OpenRegular(path));
  const std::string object_key = NamedObjectKey(key);
  if (file.size <= PartSizeFor(file.size)) {
    std::string bytes(file.size, '\0');
    SL_RETURN_IF_ERROR(ReadAt(file.fd.get(), 0, bytes.size(), bytes.data(), path));
    return client_.PutObject(object_key, bytes, {{"sha256", Sha256Hex(bytes)}});
  }
  // A named file is replaced by new content under the same key, so an upload left in progress
  // may hold other bytes (and another sha256 in its metadata): always start afresh.
  return UploadMultipart(object_key, path, "", /*resumable=*/false);
}

Status S3BlobStore::GetNamed(const std::string& key, const std::string& dest_path) {
  SL_RETURN_IF_ERROR(CheckNamedKey(key));
  return Download(NamedObjectKey(key), "", dest_path, "named file '" + key + "'");
}

Result<std::unique_ptr<S3BlobStore>> OpenS3BlobStore(const std::string& url,
                                                     S3BlobStoreOptions options) {
  SL_ASSIGN_OR_RETURN(S3Location location, ParseS3Url(url));
  S3Config config;
  SL_RETURN_IF_ERROR(LoadS3CredentialsFromEnvironment(&config));
  return std::make_unique<S3BlobStore>(location, std::move(config), options);
}

Result<std::unique_ptr<BlobStore>> OpenS3BlobStoreFromUrl(const std::string& url) {
  SL_ASSIGN_OR_RETURN(std::unique_ptr<S3BlobStore> store, OpenS3BlobStore(url));
  return std::unique_ptr<BlobStore>(std::move(store));
}

}  // namespace sightline::archive

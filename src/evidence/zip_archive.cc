#include "evidence/zip_archive.h"

#include <unistd.h>
#include <zip.h>

#include <cstdlib>
#include <cstring>

#include "base/file.h"

namespace sightline::evidence {

namespace {

std::string ZipErrorText(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string s = zip_error_strerror(&e);
  zip_error_fini(&e);
  return s;
}

struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

}  // namespace

Result<std::unique_ptr<ZipWriter>> ZipWriter::Create(const std::string& path) {
  std::string tmp = path + ".partial." + UniqueSuffix();
  int err = 0;
  zip_t* z = zip_open(tmp.c_str(), ZIP_CREATE | ZIP_EXCL, &err);
  if (!z) return IoError(DisplayPath(tmp) + ": cannot create archive: " + ZipErrorText(err));
  return std::unique_ptr<ZipWriter>(new ZipWriter(z, path, tmp));
}

ZipWriter::~ZipWriter() {
  if (zip_) {
    zip_discard(zip_);
    ::unlink(tmp_.c_str());
  }
}

Status ZipWriter::AddBytes(const std::string& name, std::string bytes) {
  // libzip frees the copy (freep = 1) once the archive is written.
  void* copy = std::malloc(bytes.size() ? bytes.size() : 1);
  if (!copy) return Internal("out of memory");
  std::memcpy(copy, bytes.data(), bytes.size());
  zip_source_t* src = zip_source_buffer(zip_, copy, bytes.size(), 1);
  if (!src) {
    std::free(copy);
    return Internal(name + ": " + zip_strerror(zip_));
  }
  if (zip_file_add(zip_, name.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
    zip_source_free(src);
    return Internal(name + ": " + zip_strerror(zip_));
  }
  return Status::Ok();
}

Status ZipWriter::AddFile(const std::string& name, const std::string& file, std::uint64_t size) {
  zip_source_t* src = zip_source_file(zip_, file.c_str(), 0, static_cast<zip_int64_t>(size));
  if (!src) return IoError(DisplayPath(file) + ": " + zip_strerror(zip_));
  zip_int64_t index = zip_file_add(zip_, name.c_str(), src, ZIP_FL_ENC_UTF_8);
  if (index < 0) {
    zip_source_free(src);
    return Internal(name + ": " + zip_strerror(zip_));
  }
  zip_set_file_compression(zip_, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  return Status::Ok();
}

Status ZipWriter::Close(const std::function<void(double)>& on_progress) {
  on_progress_ = on_progress;
  if (on_progress_) {
    zip_register_progress_callback_with_state(
        zip_, 0.01,
        [](zip_t*, double fraction, void* self) {
          static_cast<ZipWriter*>(self)->on_progress_(fraction);
        },
        nullptr, this);
  }
  if (zip_close(zip_) != 0) {
    std::string why = zip_strerror(zip_);
    return IoError(DisplayPath(path_) + ": cannot write archive: " + why);
  }
  zip_ = nullptr;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    Status s = ErrnoStatus(path_, "cannot move archive into place", errno);
    ::unlink(tmp_.c_str());
    return s;
  }
  return FsyncDir(DirName(path_));
}

Result<std::unique_ptr<ZipReader>> ZipReader::Open(const std::string& path) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
  if (!z) {
    if (err == ZIP_ER_NOENT || err == ZIP_ER_OPEN) {
      return NotFound(DisplayPath(path) + ": cannot open: " + ZipErrorText(err));
    }
    return Corrupt(DisplayPath(path) + ": not a readable zip archive: " + ZipErrorText(err));
  }
  std::unique_ptr<ZipReader> r(new ZipReader(z, path));
  zip_int64_t n = zip_get_num_entries(z, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0) {
      return Corrupt(DisplayPath(path) + ": entry " + std::to_string(i) + " is unreadable");
    }
    r->entries_.push_back({static_cast<std::uint64_t>(i), st.name ? st.name : "",
                           (st.valid & ZIP_STAT_SIZE) ? st.size : 0});
  }
  return r;
}

ZipReader::~ZipReader() {
  if (zip_) zip_discard(zip_);
}

Status ZipReader::Read(std::uint64_t index, std::uint64_t max_bytes,
                       const std::function<void(const char*, std::size_t)>& sink) {
  std::unique_ptr<zip_file_t, ZipFileCloser> f(zip_fopen_index(zip_, index, 0));
  std::string name = index < entries_.size() ? entries_[index].name : std::to_string(index);
  if (!f) return Corrupt(name + ": cannot read from the archive: " + zip_strerror(zip_));
  std::vector<char> buf(1 << 20);
  std::uint64_t total = 0;
  for (;;) {
    zip_int64_t n = zip_fread(f.get(), buf.data(), buf.size());
    if (n < 0) return Corrupt(name + ": damaged in the archive: " + zip_file_strerror(f.get()));
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    if (total > max_bytes) {
      return Corrupt(name + ": holds more than the " + std::to_string(max_bytes) +
                     " bytes expected; not read further");
    }
    sink(buf.data(), static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Result<std::string> ZipReader::ReadAll(std::uint64_t index, std::uint64_t max_bytes) {
  std::string out;
  SL_RETURN_IF_ERROR(
      Read(index, max_bytes, [&](const char* p, std::size_t n) { out.append(p, n); }));
  return out;
}

}  // namespace sightline::evidence

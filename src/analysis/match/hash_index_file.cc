// HashIndex files: Save (a compacted snapshot), Append (one record of changes) and Load.
// The byte layout is in doc/hash-index.md.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <random>

#include "analysis/match/hash_index.h"
#include "base/file.h"

namespace sightline::analysis::match {
namespace {

static_assert(std::endian::native == std::endian::little, "the file format is little-endian");

constexpr char kFileMagic[8] = {'S', 'L', 'H', 'I', 'D', 'X', '\r', '\n'};
constexpr std::size_t kHeaderBytes = 64;
constexpr std::uint32_t kRecordMagic = 0x52584948;  // "HIXR" in the file
constexpr std::size_t kRecordHeaderBytes = 24;
constexpr std::uint32_t kOpInsert = 1, kOpRemove = 2;
constexpr std::size_t kOpBytes = 24;     // kind, reserved, id, count
constexpr std::size_t kFrameBytes = 40;  // time (f64) and the 32 hash bytes
// Save cuts the snapshot into records of at most this many frames (2.6 MB), so that Load reads
// and checks it piece by piece.
constexpr std::size_t kSnapshotRecordFrames = 1 << 16;
// Load's sanity limit for one record (an Append of more than about 25 million frames).
constexpr std::uint64_t kMaxRecordBytes = 1ull << 30;

// A 64-bit checksum for detecting damage (not an adversary): each 8-byte word goes through a
// bijective multiply-rotate step, so changing any single word always changes the result; any
// other change goes unnoticed with probability about 2^-64.
std::uint64_t Checksum64(const void* data, std::size_t size, std::uint64_t seed) {
  constexpr std::uint64_t kMul1 = 0x9E3779B97F4A7C15ull, kMul2 = 0xC2B2AE3D27D4EB4Full;
  const auto* p = static_cast<const std::uint8_t*>(data);
  std::uint64_t h = (seed ^ size) * kMul1;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = std::rotl(h ^ (w * kMul2), 31) * kMul1;
  }
  if (i < size) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + i, size - i);
    h = std::rotl(h ^ (w * kMul2), 31) * kMul1;
  }
  h ^= h >> 33;
  h *= kMul2;
  h ^= h >> 29;
  return h;
}

template <typename T>
void Put(std::vector<std::uint8_t>* out, T value) {
  std::uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->insert(out->end(), bytes, bytes + sizeof(T));
}

template <typename T>
T Get(const std::uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

std::vector<std::uint8_t> MakeHeader(std::uint64_t file_id, std::uint64_t tag) {
  std::vector<std::uint8_t> h;
  h.reserve(kHeaderBytes);
  h.insert(h.end(), kFileMagic, kFileMagic + 8);
  Put<std::uint32_t>(&h, HashIndex::kFormatVersion);
  Put<std::uint32_t>(&h, kHeaderBytes);
  Put<std::uint64_t>(&h, file_id);
  Put<std::uint64_t>(&h, tag);
  h.resize(kHeaderBytes - 8, 0);
  Put<std::uint64_t>(&h, Checksum64(h.data(), h.size(), 0));
  return h;
}

struct Header {
  std::uint64_t file_id = 0;
  std::uint64_t tag = 0;
};

Result<Header> ParseHeader(const std::uint8_t* h, std::uint64_t file_size,
                           const std::string& path) {
  const std::string where = "hash index " + DisplayPath(path);
  if (file_size < kHeaderBytes || std::memcmp(h, kFileMagic, 8) != 0) {
    return Corrupt(where + ": not a Sightline hash index (no header or wrong magic)");
  }
  std::uint32_t version = Get<std::uint32_t>(h + 8);
  if (Checksum64(h, kHeaderBytes - 8, 0) != Get<std::uint64_t>(h + 56)) {
    return Corrupt(where + ": the header fails its checksum; rebuild the index");
  }
  if (version > static_cast<std::uint32_t>(HashIndex::kFormatVersion)) {
    return Unsupported(where + ": format version " + std::to_string(version) +
                       " is newer than this build reads (" +
                       std::to_string(HashIndex::kFormatVersion) + "); update Sightline");
  }
  if (Get<std::uint32_t>(h + 12) != kHeaderBytes) {
    return Corrupt(where + ": unexpected header size");
  }
  return Header{Get<std::uint64_t>(h + 16), Get<std::uint64_t>(h + 24)};
}

// A record: magic, check of the size, payload size, checksum of the payload, then the payload.
// The size has its own check so that a damaged size is not taken for a torn append (which it
// would resemble by pointing past the end of the file).
std::uint32_t SizeCheck(std::uint64_t payload_bytes) {
  return static_cast<std::uint32_t>(Checksum64(&payload_bytes, 8, kRecordMagic));
}

std::vector<std::uint8_t> StartRecord() { return std::vector<std::uint8_t>(kRecordHeaderBytes, 0); }

void FinishRecord(std::vector<std::uint8_t>* rec) {
  std::uint64_t payload = rec->size() - kRecordHeaderBytes;
  std::uint8_t* h = rec->data();
  std::memcpy(h, &kRecordMagic, 4);
  std::uint32_t check = SizeCheck(payload);
  std::memcpy(h + 4, &check, 4);
  std::memcpy(h + 8, &payload, 8);
  std::uint64_t sum = Checksum64(h + kRecordHeaderBytes, payload, kRecordMagic);
  std::memcpy(h + 16, &sum, 8);
}

void PutOp(std::vector<std::uint8_t>* rec, std::uint32_t kind, std::int64_t id,
           std::uint64_t count) {
  Put<std::uint32_t>(rec, kind);
  Put<std::uint32_t>(rec, 0);
  Put<std::int64_t>(rec, id);
  Put<std::uint64_t>(rec, count);
}

Status PreadAll(int fd, void* data, std::size_t size, std::uint64_t offset,
                const std::string& path) {
  auto* p = static_cast<std::uint8_t*>(data);
  while (size > 0) {
    ssize_t n = ::pread(fd, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(path, "read", errno);
    if (n == 0) return Corrupt("hash index " + DisplayPath(path) + ": ends unexpectedly");
    p += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return Status::Ok();
}

Status PwriteAll(int fd, const void* data, std::size_t size, std::uint64_t offset,
                 const std::string& path) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (size > 0) {
    ssize_t n = ::pwrite(fd, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(path, "write", errno);
    p += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return Status::Ok();
}

Result<std::uint64_t> FileSize(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus(path, "stat", errno);
  return static_cast<std::uint64_t>(st.st_size);
}

// What lies at `offset` of a file of `size` bytes whose records before it were good.
enum class RecordState { kEnd, kGood, kTorn };

struct RecordRead {
  RecordState state = RecordState::kEnd;
  std::uint64_t payload_bytes = 0;
};

// Reads the record at `offset` into `payload` and classifies it. Torn: what a crash during an
// Append leaves (a partial header, a zero-filled header, a payload running past the end, or a
// last record failing its checksum). A bad record with data after it is corruption.
Result<RecordRead> ReadRecord(int fd, std::uint64_t offset, std::uint64_t size,
                              std::vector<std::uint8_t>* payload, const std::string& path) {
  RecordRead out;
  if (offset == size) return out;
  out.state = RecordState::kTorn;
  if (size - offset < kRecordHeaderBytes) return out;
  std::uint8_t h[kRecordHeaderBytes];
  SL_RETURN_IF_ERROR(PreadAll(fd, h, sizeof(h), offset, path));
  if (std::all_of(h, h + sizeof(h), [](std::uint8_t b) { return b == 0; })) return out;
  const std::string where =
      "hash index " + DisplayPath(path) + ": record at byte " + std::to_string(offset);
  if (Get<std::uint32_t>(h) != kRecordMagic) {
    return Corrupt(where + " has no record magic; the file is damaged, rebuild the index");
  }
  std::uint64_t bytes = Get<std::uint64_t>(h + 8);
  if (Get<std::uint32_t>(h + 4) != SizeCheck(bytes)) {
    return Corrupt(where + " has a damaged size; the file is damaged, rebuild the index");
  }
  if (bytes > size - offset - kRecordHeaderBytes) return out;
  if (bytes > kMaxRecordBytes) return Corrupt(where + " claims an implausible size");
  payload->resize(bytes);
  SL_RETURN_IF_ERROR(PreadAll(fd, payload->data(), bytes, offset + kRecordHeaderBytes, path));
  if (Checksum64(payload->data(), bytes, kRecordMagic) != Get<std::uint64_t>(h + 16)) {
    std::uint64_t after = size - offset - kRecordHeaderBytes - bytes;
    if (after == 0) return out;
    return Corrupt(where + " fails its checksum with " + std::to_string(after) +
                   " bytes after it; the file is damaged, rebuild the index");
  }
  out.state = RecordState::kGood;
  out.payload_bytes = bytes;
  return out;
}

}  // namespace

std::uint64_t HashIndex::TagDigest(const std::string& description) {
  return Checksum64(description.data(), description.size(), 0x5461674469676573ull);
}

Status HashIndex::ReplayRecord(const std::uint8_t* payload, std::size_t size) {
  std::vector<HashFrame> frames;
  std::size_t pos = 0;
  while (pos < size) {
    if (size - pos < kOpBytes) return Corrupt("an operation is cut short");
    std::uint32_t kind = Get<std::uint32_t>(payload + pos);
    std::int64_t id = Get<std::int64_t>(payload + pos + 8);
    std::uint64_t count = Get<std::uint64_t>(payload + pos + 16);
    pos += kOpBytes;
    if (kind == kOpRemove) {
      if (count != 0) return Corrupt("a remove carries frames");
      Remove(id);
      continue;
    }
    if (kind != kOpInsert) return Corrupt("unknown operation " + std::to_string(kind));
    if (count > (size - pos) / kFrameBytes) return Corrupt("an insert runs past its record");
    frames.resize(count);
    for (HashFrame& f : frames) {
      f.t = Get<double>(payload + pos);
      std::memcpy(f.hash.data(), payload + pos + 8, 32);
      pos += kFrameBytes;
    }
    Insert(id, frames);
  }
  return Status::Ok();
}

Result<HashIndex> HashIndex::Load(const std::string& path) {
  SL_ASSIGN_OR_RETURN(UniqueFd fd, OpenForRead(path));
  SL_ASSIGN_OR_RETURN(std::uint64_t size, FileSize(fd.get(), path));
  std::uint8_t h[kHeaderBytes] = {};
  if (size >= kHeaderBytes) SL_RETURN_IF_ERROR(PreadAll(fd.get(), h, kHeaderBytes, 0, path));
  SL_ASSIGN_OR_RETURN(Header header, ParseHeader(h, size, path));

  HashIndex index;
  index.tag_ = header.tag;
  index.DeferIndexing(true);
  std::vector<std::uint8_t> payload;
  std::uint64_t offset = kHeaderBytes;
  for (;;) {
    SL_ASSIGN_OR_RETURN(RecordRead rec, ReadRecord(fd.get(), offset, size, &payload, path));
    if (rec.state != RecordState::kGood) break;
    Status s = index.ReplayRecord(payload.data(), payload.size());
    if (!s.ok()) {
      return s.WithContext("hash index " + DisplayPath(path) + ": record at byte " +
                           std::to_string(offset));
    }
    offset += kRecordHeaderBytes + rec.payload_bytes;
  }
  index.journal_.clear();
  index.defer_ = false;
  index.Compact();
  index.persisted_path_ = path;
  index.persisted_file_id_ = header.file_id;
  index.persisted_length_ = offset;
  index.torn_bytes_ = size - offset;
  return index;
}

Status HashIndex::Save(const std::string& path) {
  const std::string tmp = path + ".tmp";
  int raw = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (raw < 0) return ErrnoStatus(tmp, "create", errno);
  UniqueFd fd(raw);
  std::uint64_t file_id = std::random_device{}();
  file_id = file_id << 32 ^ std::random_device{}();
  std::vector<std::uint8_t> buf = MakeHeader(file_id, tag_);
  std::uint64_t length = buf.size();
  SL_RETURN_IF_ERROR(WriteAll(fd.get(), buf.data(), buf.size(), tmp));

  // Live runs in row order, cut into records of at most kSnapshotRecordFrames frames.
  std::vector<std::uint8_t> rec = StartRecord();
  std::size_t frames_in_record = 0;
  auto flush = [&]() -> Status {
    FinishRecord(&rec);
    SL_RETURN_IF_ERROR(WriteAll(fd.get(), rec.data(), rec.size(), tmp));
    length += rec.size();
    rec = StartRecord();
    frames_in_record = 0;
    return Status::Ok();
  };
  for (const Run& run : runs_) {
    if (run.dead) continue;
    std::uint64_t row = run.begin;
    do {
      std::uint64_t n =
          std::min<std::uint64_t>(run.end - row, kSnapshotRecordFrames - frames_in_record);
      PutOp(&rec, kOpInsert, run.id, n);
      for (std::uint64_t i = row; i < row + n; ++i) {
        Put<double>(&rec, times_[i]);
        Hash256 hash = HashOfRow(i);
        rec.insert(rec.end(), hash.begin(), hash.end());
      }
      row += n;
      frames_in_record += n;
      if (frames_in_record == kSnapshotRecordFrames) SL_RETURN_IF_ERROR(flush());
    } while (row < run.end);
  }
  if (rec.size() > kRecordHeaderBytes) SL_RETURN_IF_ERROR(flush());
  SL_RETURN_IF_ERROR(FsyncFd(fd.get(), tmp));
  fd.Reset();
  // Replace the file while holding its lock, so that an Append in another process either
  // finished before or finds the file replaced (it checks the path still names what it locked).
  UniqueFd old(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (old.valid()) ::flock(old.get(), LOCK_EX);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return ErrnoStatus(path, "rename into", errno);
  old.Reset();
  SL_RETURN_IF_ERROR(FsyncDir(DirName(path)));
  persisted_path_ = path;
  persisted_file_id_ = file_id;
  persisted_length_ = length;
  torn_bytes_ = 0;
  journal_.clear();
  return Status::Ok();
}

Status HashIndex::Append(const std::string& path) {
  if (persisted_path_.empty() || persisted_path_ != path) {
    return InvalidArgument("hash index " + DisplayPath(path) +
                           ": this index was not loaded from or saved to it; Save it first");
  }
  if (journal_.empty()) return Status::Ok();
  int raw = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (raw < 0) return ErrnoStatus(path, "open", errno);
  UniqueFd fd(raw);
  const Status changed(StatusCode::kBusy, "hash index " + DisplayPath(path) +
                                              " changed since it was loaded; load it again");
  // One writer at a time; a second one gets kBusy instead of waiting.
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return changed;
    return ErrnoStatus(path, "lock", errno);
  }
  struct stat locked, named;
  if (::fstat(fd.get(), &locked) != 0 || ::stat(path.c_str(), &named) != 0 ||
      locked.st_ino != named.st_ino || locked.st_dev != named.st_dev) {
    return changed;  // replaced by a Save between our open and our lock
  }
  SL_ASSIGN_OR_RETURN(std::uint64_t size, FileSize(fd.get(), path));
  std::uint8_t h[kHeaderBytes] = {};
  if (size >= kHeaderBytes) SL_RETURN_IF_ERROR(PreadAll(fd.get(), h, kHeaderBytes, 0, path));
  SL_ASSIGN_OR_RETURN(Header header, ParseHeader(h, size, path));
  if (header.file_id != persisted_file_id_ || size < persisted_length_) return changed;
  if (size > persisted_length_) {
    // A good record there was committed by another writer; anything else is a torn append.
    std::vector<std::uint8_t> payload;
    SL_ASSIGN_OR_RETURN(RecordRead rec,
                        ReadRecord(fd.get(), persisted_length_, size, &payload, path));
    if (rec.state == RecordState::kGood) return changed;
    if (::ftruncate(fd.get(), static_cast<off_t>(persisted_length_)) != 0) {
      return ErrnoStatus(path, "truncate the torn end of", errno);
    }
  }

  std::vector<std::uint8_t> rec = StartRecord();
  for (const JournalOp& op : journal_) {
    if (op.remove) {
      PutOp(&rec, kOpRemove, op.id, 0);
      continue;
    }
    const Run& run = runs_[op.run];
    PutOp(&rec, kOpInsert, run.id, run.end - run.begin);
    for (std::uint64_t i = run.begin; i < run.end; ++i) {
      Put<double>(&rec, times_[i]);
      Hash256 hash = HashOfRow(i);
      rec.insert(rec.end(), hash.begin(), hash.end());
    }
  }
  if (rec.size() - kRecordHeaderBytes > kMaxRecordBytes) {
    return InvalidArgument("hash index " + DisplayPath(path) +
                           ": too many changes for one append; Save instead");
  }
  FinishRecord(&rec);
  SL_RETURN_IF_ERROR(PwriteAll(fd.get(), rec.data(), rec.size(), persisted_length_, path));
  SL_RETURN_IF_ERROR(FsyncFd(fd.get(), path));
  persisted_length_ += rec.size();
  torn_bytes_ = 0;
  journal_.clear();
  return Status::Ok();
}

}  // namespace sightline::analysis::match

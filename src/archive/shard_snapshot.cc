// Snapshots of a shard (doc/hash-shards.md, "Snapshots"): one object holding the HashIndex file
// (doc/hash-index.md) followed by a trailer that says which shard it is and which catalogue ids
// it covers. One object, so that the index and its position are replaced together: a reader sees
// the old pair or the new one, never an index with another's position.
//
// Trailer: the position as JSON, then 48 bytes: the JSON's length (u64, little-endian), its
// SHA-256 (32 bytes) and the magic "SLSHSNP1". A reader takes the trailer from the end, checks it,
// cuts the file back to the index's length and loads that (which checks its own records).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <nlohmann/json.hpp>

#include "archive/blob_store.h"
#include "archive/shard_index.h"
#include "base/file.h"
#include "base/sha256.h"
#include "base/time.h"

namespace sightline::archive {

namespace {

constexpr char kMagic[8] = {'S', 'L', 'S', 'H', 'S', 'N', 'P', '1'};
constexpr std::size_t kFooterBytes = 8 + 32 + 8;
constexpr const char* kFormat = "sightline frame-hash shard snapshot";

// A scratch file name no other snapshot of this process or another uses at the same time.
std::string ScratchPath(const std::string& dir, const ShardSpec& spec, const char* what) {
  static std::atomic<unsigned> counter{0};
  return JoinPath(dir, "sightline-shard-" + std::to_string(spec.count) + "-" +
                           std::to_string(spec.shard) + "-" + std::to_string(::getpid()) + "-" +
                           std::to_string(counter++) + "." + what);
}

// Removes a scratch file (and the temporary file HashIndex::Save may leave) on scope exit.
struct ScratchFile {
  std::string path;
  ~ScratchFile() {
    ::unlink(path.c_str());
    ::unlink((path + ".tmp").c_str());
  }
};

Status AppendTrailer(const std::string& path, const std::string& json) {
  int raw = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (raw < 0) return ErrnoStatus(path, "open", errno);
  UniqueFd fd(raw);
  std::string footer(kFooterBytes, '\0');
  const std::uint64_t length = json.size();
  for (int i = 0; i < 8; ++i) footer[i] = static_cast<char>(length >> (8 * i) & 0xff);
  const Digest256 digest = Sha256Of(json);
  std::memcpy(footer.data() + 8, digest.data(), digest.size());
  std::memcpy(footer.data() + 40, kMagic, sizeof kMagic);
  SL_RETURN_IF_ERROR(WriteAll(fd.get(), json.data(), json.size(), path));
  SL_RETURN_IF_ERROR(WriteAll(fd.get(), footer.data(), footer.size(), path));
  return FsyncFd(fd.get(), path);
}

// Reads and checks the trailer; returns the position JSON and the length of the index before it.
Result<std::pair<nlohmann::json, std::uint64_t>> ReadTrailer(const std::string& path,
                                                             const std::string& what) {
  SL_ASSIGN_OR_RETURN(UniqueFd fd, OpenForRead(path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(path, "stat", errno);
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  if (size < kFooterBytes) return Corrupt(what + ": too short to be a shard snapshot");
  std::uint8_t footer[kFooterBytes];
  if (::pread(fd.get(), footer, kFooterBytes, static_cast<off_t>(size - kFooterBytes)) !=
      static_cast<ssize_t>(kFooterBytes)) {
    return ErrnoStatus(path, "read", errno);
  }
  if (std::memcmp(footer + 40, kMagic, sizeof kMagic) != 0) {
    return Corrupt(what + ": not a shard snapshot (no trailer magic at the end)");
  }
  std::uint64_t length = 0;
  for (int i = 0; i < 8; ++i) length |= static_cast<std::uint64_t>(footer[i]) << (8 * i);
  if (length > size - kFooterBytes || length > (16u << 20)) {
    return Corrupt(what + ": trailer length out of range");
  }
  std::string json(length, '\0');
  const off_t at = static_cast<off_t>(size - kFooterBytes - length);
  if (::pread(fd.get(), json.data(), length, at) != static_cast<ssize_t>(length)) {
    return ErrnoStatus(path, "read", errno);
  }
  const Digest256 digest = Sha256Of(json);
  if (std::memcmp(digest.data(), footer + 8, digest.size()) != 0) {
    return Corrupt(what + ": trailer fails its SHA-256");
  }
  nlohmann::json position = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!position.is_object() || position.value("format", "") != kFormat) {
    return Corrupt(what + ": trailer is not a shard position");
  }
  return std::make_pair(std::move(position), static_cast<std::uint64_t>(at));
}

}  // namespace

Status ShardIndex::SaveSnapshot(BlobStore& store) {
  const std::string key = spec_.SnapshotKey();
  ScratchFile file{ScratchPath(options_.scratch_dir, spec_, "snapshot")};
  nlohmann::json position;
  std::int64_t rows = 0;
  {
    // Exclusive: HashIndex::Save is not a const method (it records the file it wrote).
    std::unique_lock lock(mu_);
    SL_RETURN_IF_ERROR(index_.Save(file.path).WithContext("shard " + spec_.Name() + " snapshot"));
    rows = static_cast<std::int64_t>(index_.size());
    nlohmann::json gaps = nlohmann::json::array();
    for (const IdGap& g : gaps_) gaps.push_back({g.first, g.last});
    position = {{"format", kFormat},
                {"version", 1},
                {"shard", spec_.shard},
                {"shard_count", spec_.count},
                {"rows", rows},
                {"scanned_to", scanned_to_},
                {"checkpoint", checkpoint_},
                {"gaps", gaps},
                {"probe_id", probe_id_},
                {"probe_digest", probe_digest_},
                {"written_at", UtcNowRfc3339()}};
    changed_ = false;
  }
  struct stat st {};
  if (::stat(file.path.c_str(), &st) != 0) return ErrnoStatus(file.path, "stat", errno);
  position["index_bytes"] = static_cast<std::int64_t>(st.st_size);
  Status written = AppendTrailer(file.path, position.dump());
  if (written.ok()) written = store.PutNamed(key, file.path);
  std::unique_lock lock(mu_);
  if (!written.ok()) {
    changed_ = true;
    return written.WithContext("shard " + spec_.Name() + ": snapshot to " + store.description() +
                               " (" + key + ")");
  }
  snapshot_rows_ = rows;
  snapshot_scanned_to_ = position["scanned_to"].get<std::int64_t>();
  return Status::Ok();
}

Status ShardIndex::LoadSnapshot(BlobStore& store) {
  const std::string key = spec_.SnapshotKey();
  const std::string what = "shard snapshot " + key + " in " + store.description();
  ScratchFile file{ScratchPath(options_.scratch_dir, spec_, "loaded")};
  Status got = store.GetNamed(key, file.path);
  if (!got.ok()) {
    if (got.code() == StatusCode::kNotFound) return got;
    return got.WithContext(what);
  }
  SL_ASSIGN_OR_RETURN(auto trailer, ReadTrailer(file.path, what));
  const nlohmann::json& p = trailer.first;
  try {
    if (p.at("version").get<int>() != 1) {
      return Unsupported(what + ": format version " + p.at("version").dump() + " is newer");
    }
    if (p.at("shard").get<int>() != spec_.shard || p.at("shard_count").get<int>() != spec_.count) {
      return Corrupt(what + ": made for shard " + p.at("shard").dump() + "/" +
                     p.at("shard_count").dump());
    }
    if (p.at("index_bytes").get<std::uint64_t>() != trailer.second) {
      return Corrupt(what + ": the index length in the trailer does not match the object");
    }
  } catch (const nlohmann::json::exception& e) {
    return Corrupt(what + ": malformed trailer (" + e.what() + ")");
  }
  if (::truncate(file.path.c_str(), static_cast<off_t>(trailer.second)) != 0) {
    return ErrnoStatus(file.path, "truncate", errno);
  }
  auto loaded = analysis::match::HashIndex::Load(file.path);
  if (!loaded.ok()) return loaded.status().WithContext(what);
  if (loaded->tag() != index_.tag()) return Corrupt(what + ": the index inside is of another kind");
  std::vector<IdGap> gaps;
  std::int64_t scanned_to = 0, rows = 0, probe_id = 0;
  std::string probe_digest;
  try {
    scanned_to = p.at("scanned_to").get<std::int64_t>();
    rows = p.at("rows").get<std::int64_t>();
    probe_id = p.at("probe_id").get<std::int64_t>();
    probe_digest = p.at("probe_digest").get<std::string>();
    const double now = Now();
    std::int64_t prev = 0;
    for (const auto& g : p.at("gaps")) {
      IdGap gap{g.at(0).get<std::int64_t>(), g.at(1).get<std::int64_t>(), now, 0};
      if (gap.first <= prev || gap.last < gap.first || gap.last > scanned_to) {
        return Corrupt(what + ": gaps out of order");
      }
      prev = gap.last;
      gaps.push_back(gap);
    }
  } catch (const nlohmann::json::exception& e) {
    return Corrupt(what + ": malformed trailer (" + e.what() + ")");
  }
  if (static_cast<std::int64_t>(loaded->size()) != rows || loaded->torn_bytes() != 0) {
    return Corrupt(what + ": the index holds " + std::to_string(loaded->size()) +
                   " frames, the trailer says " + std::to_string(rows));
  }
  std::unique_lock lock(mu_);
  index_ = std::move(*loaded);
  scanned_to_ = scanned_to;
  gaps_ = std::move(gaps);
  UpdateCheckpoint();
  probe_id_ = probe_id;
  probe_digest_ = std::move(probe_digest);
  snapshot_rows_ = rows;
  snapshot_scanned_to_ = scanned_to;
  changed_ = false;
  return Status::Ok();
}

}  // namespace sightline::archive

// ShardIndex: the index of one shard and the position in the catalogue it covers (reads applied in
// order, gaps waited for). Snapshots: shard_snapshot.cc; reading the catalogue: shard_tail.cc.
#include "archive/shard_index.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "base/sha256.h"

namespace sightline::archive {

using analysis::match::HashFrame;

std::string ShardSpec::Name() const { return std::to_string(shard) + "/" + std::to_string(count); }

std::string ShardSpec::SnapshotKey() const {
  return "index/frame-hashes/" + std::to_string(count) + "-" + std::to_string(shard) + "/snapshot";
}

Result<ShardSpec> ParseShardSpec(std::string_view text) {
  const std::size_t slash = text.find('/');
  auto number = [](std::string_view s, int* out) {
    if (s.empty() || s.size() > 4) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && end == s.data() + s.size();
  };
  ShardSpec spec;
  if (slash == std::string_view::npos || !number(text.substr(0, slash), &spec.shard) ||
      !number(text.substr(slash + 1), &spec.count) || spec.count < 1 || spec.count > 4096 ||
      spec.shard < 0 || spec.shard >= spec.count) {
    return InvalidArgument("shard \"" + std::string(text) +
                           "\": expected I/N with 1 <= N <= 4096 and 0 <= I < N, e.g. 0/4");
  }
  return spec;
}

ShardIndex::ShardIndex(ShardSpec spec, ShardIndexOptions options)
    : spec_(spec), options_(std::move(options)) {
  index_.set_tag(analysis::match::HashIndex::TagDigest("archive_frame_hashes shard v1"));
}

double ShardIndex::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string ShardIndex::ProbeDigest(std::int64_t item_id, double t, std::string_view hash_bytes) {
  char time[40];
  std::snprintf(time, sizeof time, "%.17g", t);
  return Sha256Hex(
      std::to_string(item_id) + " " + time + " " +
      ToHex(reinterpret_cast<const std::uint8_t*>(hash_bytes.data()), hash_bytes.size()));
}

void ShardIndex::InsertRows(std::vector<FrameRow> rows) {
  if (rows.empty()) return;
  // The frames of one item are inserted together (one run in the index), in id order, which is
  // the order the catalogue wrote them.
  std::sort(rows.begin(), rows.end(), [](const FrameRow& a, const FrameRow& b) {
    return a.item_id != b.item_id ? a.item_id < b.item_id : a.id < b.id;
  });
  std::vector<HashFrame> frames;
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t j = i;
    frames.clear();
    while (j < rows.size() && rows[j].item_id == rows[i].item_id) {
      frames.push_back({rows[j].t, rows[j].hash});
      ++j;
    }
    index_.Insert(rows[i].item_id, frames);
    i = j;
  }
  rows_read_ += static_cast<std::int64_t>(rows.size());
  changed_ = true;
}

void ShardIndex::UpdateCheckpoint() {
  checkpoint_ = gaps_.empty() ? scanned_to_ : gaps_.front().first - 1;
}

namespace {

Status CheckMissing(const CatalogueRead& read) {
  std::int64_t prev = read.after;
  for (const auto& [first, last] : read.missing) {
    if (first <= prev || last < first || last > read.through) {
      return InvalidArgument("catalogue read (" + std::to_string(read.after) + ", " +
                             std::to_string(read.through) +
                             "]: missing id ranges out of order or out of the range");
    }
    prev = last;
  }
  return Status::Ok();
}

bool InMissing(const CatalogueRead& read, std::int64_t id) {
  auto it = std::upper_bound(
      read.missing.begin(), read.missing.end(), id,
      [](std::int64_t v, const std::pair<std::int64_t, std::int64_t>& r) { return v < r.first; });
  return it != read.missing.begin() && std::prev(it)->second >= id;
}

}  // namespace

Status ShardIndex::ApplyNew(const CatalogueRead& read) {
  std::unique_lock lock(mu_);
  if (read.after != scanned_to_ || read.through < read.after) {
    return InvalidArgument("shard " + spec_.Name() + ": a read of ids (" +
                           std::to_string(read.after) + ", " + std::to_string(read.through) +
                           "] does not follow on from id " + std::to_string(scanned_to_));
  }
  SL_RETURN_IF_ERROR(CheckMissing(read));
  const FrameRow* probe = nullptr;
  for (const FrameRow& r : read.rows) {
    if (r.id <= read.after || r.id > read.through || !spec_.Owns(r.item_id) ||
        InMissing(read, r.id)) {
      return InvalidArgument("shard " + spec_.Name() + ": row " + std::to_string(r.id) + " (item " +
                             std::to_string(r.item_id) + ") does not belong in this read");
    }
    if (probe == nullptr || r.id > probe->id) probe = &r;
  }
  if (probe != nullptr) {
    probe_id_ = probe->id;
    probe_digest_ = ProbeDigest(
        probe->item_id, probe->t,
        std::string_view(reinterpret_cast<const char*>(probe->hash.data()), probe->hash.size()));
  }
  InsertRows(read.rows);
  const double now = Now();
  for (const auto& [first, last] : read.missing) gaps_.push_back({first, last, now, 0});
  if (read.through != scanned_to_) changed_ = true;
  scanned_to_ = read.through;
  UpdateCheckpoint();
  return Status::Ok();
}

Status ShardIndex::ApplyGapRead(const CatalogueRead& read) {
  std::unique_lock lock(mu_);
  if (read.through > scanned_to_ || read.through < read.after) {
    return InvalidArgument("shard " + spec_.Name() + ": a read again of ids (" +
                           std::to_string(read.after) + ", " + std::to_string(read.through) +
                           "] goes past the ids read so far (" + std::to_string(scanned_to_) + ")");
  }
  SL_RETURN_IF_ERROR(CheckMissing(read));
  auto in_gap = [&](std::int64_t id) {
    auto it = std::upper_bound(gaps_.begin(), gaps_.end(), id,
                               [](std::int64_t v, const IdGap& g) { return v < g.first; });
    return it != gaps_.begin() && std::prev(it)->last >= id;
  };
  std::vector<FrameRow> fresh;
  for (const FrameRow& r : read.rows) {
    if (r.id <= read.after || r.id > read.through || !spec_.Owns(r.item_id) ||
        InMissing(read, r.id)) {
      return InvalidArgument("shard " + spec_.Name() + ": row " + std::to_string(r.id) +
                             " does not belong in this read");
    }
    if (in_gap(r.id)) fresh.push_back(r);
  }
  // Each gap keeps its part outside the range read, and within it only the ids still missing.
  std::vector<IdGap> next;
  for (const IdGap& g : gaps_) {
    if (g.last <= read.after || g.first > read.through) {
      next.push_back(g);
      continue;
    }
    if (g.first <= read.after) next.push_back({g.first, read.after, g.seen_at, g.wait_xmax});
    for (const auto& [first, last] : read.missing) {
      const std::int64_t a = std::max(first, g.first), b = std::min(last, g.last);
      if (a <= b) next.push_back({a, b, g.seen_at, g.wait_xmax});
    }
    if (g.last > read.through) next.push_back({read.through + 1, g.last, g.seen_at, g.wait_xmax});
  }
  std::sort(next.begin(), next.end(),
            [](const IdGap& a, const IdGap& b) { return a.first < b.first; });
  if (next.size() != gaps_.size() || !fresh.empty()) changed_ = true;
  gaps_ = std::move(next);
  InsertRows(std::move(fresh));
  UpdateCheckpoint();
  return Status::Ok();
}

std::int64_t ShardIndex::SettleGaps(const TxHorizon& horizon, std::int64_t first,
                                    std::int64_t last) {
  std::unique_lock lock(mu_);
  const double now = Now();
  std::int64_t given_up = 0;
  std::vector<IdGap> next;
  for (IdGap& g : gaps_) {
    if (g.first >= first && g.last <= last) {
      if (g.wait_xmax == 0 && now - g.seen_at >= options_.gap_settle_seconds) {
        g.wait_xmax = std::max<std::int64_t>(horizon.xmax, 1);
      }
      if (g.wait_xmax != 0 && horizon.xmin >= g.wait_xmax) {
        given_up += g.last - g.first + 1;
        continue;
      }
    }
    next.push_back(g);
  }
  if (given_up > 0) changed_ = true;
  gaps_ = std::move(next);
  UpdateCheckpoint();
  return given_up;
}

void ShardIndex::DeferIndexing(bool defer) {
  std::unique_lock lock(mu_);
  index_.DeferIndexing(defer);
}

void ShardIndex::set_ready(bool ready) {
  std::unique_lock lock(mu_);
  ready_ = ready;
}

void ShardIndex::CountBadRow() {
  std::unique_lock lock(mu_);
  ++bad_rows_;
}

Result<ShardAnswer> ShardIndex::Query(std::span<const Hash256> hashes, int radius) const {
  std::shared_lock lock(mu_);
  ShardAnswer answer;
  SL_ASSIGN_OR_RETURN(answer.hits, index_.Query(hashes, radius));
  answer.checkpoint = checkpoint_;
  answer.scanned_to = scanned_to_;
  answer.rows = static_cast<std::int64_t>(index_.size());
  return answer;
}

Result<ShardAnswer> ShardIndex::Scan(std::span<const Hash256> hashes, int radius) const {
  std::shared_lock lock(mu_);
  ShardAnswer answer;
  SL_ASSIGN_OR_RETURN(answer.hits, index_.Scan(hashes, radius));
  answer.checkpoint = checkpoint_;
  answer.scanned_to = scanned_to_;
  answer.rows = static_cast<std::int64_t>(index_.size());
  return answer;
}

ShardStatus ShardIndex::status() const {
  std::shared_lock lock(mu_);
  ShardStatus s;
  s.spec = spec_;
  s.ready = ready_;
  s.rows = static_cast<std::int64_t>(index_.size());
  s.checkpoint = checkpoint_;
  s.scanned_to = scanned_to_;
  s.open_gaps = static_cast<std::int64_t>(gaps_.size());
  const double now = Now();
  for (const IdGap& g : gaps_) {
    s.gap_ids += g.last - g.first + 1;
    s.oldest_gap_seconds = std::max(s.oldest_gap_seconds, now - g.seen_at);
  }
  s.rows_read = rows_read_;
  s.bad_rows = bad_rows_;
  s.snapshot_rows = snapshot_rows_;
  s.snapshot_scanned_to = snapshot_scanned_to_;
  s.memory_bytes = index_.MemoryBytes();
  return s;
}

std::int64_t ShardIndex::scanned_to() const {
  std::shared_lock lock(mu_);
  return scanned_to_;
}

std::int64_t ShardIndex::checkpoint() const {
  std::shared_lock lock(mu_);
  return checkpoint_;
}

std::vector<IdGap> ShardIndex::gaps() const {
  std::shared_lock lock(mu_);
  return gaps_;
}

bool ShardIndex::changed_since_snapshot() const {
  std::shared_lock lock(mu_);
  return changed_;
}

std::int64_t ShardIndex::probe_id() const {
  std::shared_lock lock(mu_);
  return probe_id_;
}

std::string ShardIndex::probe_digest() const {
  std::shared_lock lock(mu_);
  return probe_digest_;
}

void ShardIndex::Reset() {
  std::unique_lock lock(mu_);
  index_ = analysis::match::HashIndex();
  index_.set_tag(analysis::match::HashIndex::TagDigest("archive_frame_hashes shard v1"));
  scanned_to_ = checkpoint_ = 0;
  gaps_.clear();
  changed_ = false;
  snapshot_rows_ = snapshot_scanned_to_ = 0;
  probe_id_ = 0;
  probe_digest_.clear();
}

}  // namespace sightline::archive

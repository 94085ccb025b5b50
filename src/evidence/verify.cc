#include "evidence/verify.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "base/file.h"
#include "base/sha256.h"
#include "evidence/case_timestamp.h"
#include "evidence/sidecar_store.h"

namespace sightline::evidence {

namespace {

Result<std::string> HashFile(const std::string& path,
                             const std::function<void(std::uint64_t)>& on_bytes) {
  SL_ASSIGN_OR_RETURN(Digest256 digest, Sha256File(path, on_bytes));
  return ToHex(digest);
}

class Verifier {
 public:
  Verifier(Case& c, const std::function<void(std::uint64_t)>& on_bytes,
           const std::string& trusted_tsa_pem)
      : case_(c), on_bytes_(on_bytes), trusted_tsa_pem_(trusted_tsa_pem) {}

  VerifyReport Run() {
    // One read transaction: a consistent snapshot even while another process ingests.
    SqlReadSnapshot snapshot(case_.sql());
    if (!snapshot.status().ok()) return Fatal(snapshot.status());
    Result<std::vector<CustodyEntry>> entries = case_.log().All();
    Result<std::vector<Item>> items = case_.catalog().ListItems();
    if (!entries.ok()) return Fatal(entries.status());
    if (!items.ok()) return Fatal(items.status());
    report_.entries = static_cast<std::int64_t>(entries->size());
    report_.items = static_cast<std::int64_t>(items->size());
    if (!entries->empty()) report_.log_head = entries->back().entry_hash;
    for (const CustodyEntry& e : *entries) by_seq_[e.seq] = &e;

    // Sidecars are kept in objects/ like originals: hashed, and not strays.
    Result<std::vector<Sidecar>> sidecars = ListSidecars(case_, 0);
    if (!sidecars.ok()) return Fatal(sidecars.status());
    std::vector<Item> objects = *items;
    std::set<std::string> seen;
    for (const Item& item : *items) seen.insert(item.sha256);
    for (const Sidecar& sc : *sidecars) {
      if (!seen.insert(sc.sha256).second) continue;
      Item o;
      o.id = sc.item_id;
      o.sha256 = sc.sha256;
      o.size = sc.size;
      o.name = "sidecar " + sc.name + " of item " + std::to_string(sc.item_id);
      objects.push_back(std::move(o));
    }

    CheckLog(*entries);
    CheckCatalogueAgainstLog(*items, *entries);
    CheckObjects(objects);
    CheckForStrays(objects);
    CheckTimestamps(*entries);
    return std::move(report_);
  }

 private:
  VerifyReport Fatal(const Status& s) {
    Add("catalogue_unreadable", s.message());
    return std::move(report_);
  }

  void Add(const std::string& code, const std::string& message, const std::string& sha = "",
           std::int64_t seq = 0, const std::string& path = "") {
    report_.problems.push_back({code, message, sha, seq, path});
  }

  void CheckLog(const std::vector<CustodyEntry>& entries) {
    for (const ChainProblem& p : CheckChain(entries)) Add(p.code, p.message, "", p.seq);
    Result<std::vector<std::pair<std::string, std::int64_t>>> signers = case_.log().Signers();
    std::map<std::string, std::int64_t> first_seq;
    if (signers.ok()) first_seq.insert(signers->begin(), signers->end());
    for (const CustodyEntry& e : entries) {
      auto it = first_seq.find(e.public_key);
      if (it == first_seq.end() || it->second > e.seq) {
        Add("unknown_signer",
            "custody entry " + std::to_string(e.seq) + ": signed by key " +
                e.public_key.substr(0, 16) + "… which the case does not list as a signer",
            "", e.seq);
      }
    }
  }

  // The log is the record of what happened; the catalogue must agree with it.
  void CheckCatalogueAgainstLog(const std::vector<Item>& items,
                                const std::vector<CustodyEntry>& entries) {
    std::set<std::string> catalogued;
    for (const Item& item : items) {
      catalogued.insert(item.sha256);
      auto it = by_seq_.find(item.ingest_seq);
      if (it == by_seq_.end()) {
        Add("entry_missing",
            "item " + std::to_string(item.id) + " (" + item.name + "): its ingest, custody entry " +
                std::to_string(item.ingest_seq) + ", is missing from the log",
            item.sha256, item.ingest_seq);
        continue;
      }
      const CustodyEntry& e = *it->second;
      if (e.action != "ingest" || e.object_sha256 != item.sha256) {
        Add("catalogue_mismatch",
            "item " + std::to_string(item.id) + " (" + item.name +
                "): the catalogue says it was "
                "ingested by custody entry " +
                std::to_string(e.seq) + ", but that entry records something else",
            item.sha256, e.seq);
        continue;
      }
      nlohmann::json d = nlohmann::json::parse(e.details, nullptr, false);
      if (d.is_discarded() || d.value("size", std::uint64_t{0}) != item.size) {
        Add("catalogue_mismatch",
            "item " + std::to_string(item.id) + ": size in the catalogue (" +
                std::to_string(item.size) + ") differs from the size recorded at ingest",
            item.sha256, e.seq);
      }
    }
    for (const CustodyEntry& e : entries) {
      if (e.action == "ingest" && !catalogued.count(e.object_sha256)) {
        Add("catalogue_mismatch",
            "object " + e.object_sha256 + ": ingested by custody entry " + std::to_string(e.seq) +
                " but missing from the catalogue",
            e.object_sha256, e.seq);
      }
    }
  }

  void CheckObjects(const std::vector<Item>& items) {
    for (const Item& item : items) {
      std::string path = case_.objects().PathFor(item.sha256);
      struct stat st;
      if (::lstat(path.c_str(), &st) != 0) {
        CheckPending(item);
        continue;
      }
      if (!S_ISREG(st.st_mode)) {
        Add("object_modified",
            "object " + item.sha256 + " (" + item.name +
                "): replaced by something that is not a regular file",
            item.sha256, 0, path);
        continue;
      }
      Result<std::string> actual = HashFile(path, on_bytes_);
      report_.bytes_hashed += static_cast<std::uint64_t>(st.st_size);
      if (!actual.ok()) {
        Add("object_unreadable", "object " + item.sha256 + ": " + actual.status().message(),
            item.sha256, 0, path);
      } else if (*actual != item.sha256) {
        Add("object_modified",
            "object " + item.sha256 + " (" + item.name + "): content modified, now hashes to " +
                *actual,
            item.sha256, 0, path);
      } else if (st.st_mode & 0222) {
        report_.notes.push_back("object " + item.sha256 +
                                " is writable; originals should be read-only (chmod a-w)");
      }
    }
  }

  // An object missing from objects/ is fine only while its ingest is being completed: the
  // catalogue has it and a staged copy with the right content waits in staging/.
  void CheckPending(const Item& item) {
    for (const std::string& staged : case_.objects().StagedCopies(item.sha256)) {
      Result<std::string> actual = HashFile(staged, on_bytes_);
      if (actual.ok() && *actual == item.sha256) {
        report_.notes.push_back("object " + item.sha256 + " (" + item.name +
                                "): ingest interrupted before publication; the staged copy is "
                                "intact and the next write to the case completes it");
        return;
      }
    }
    Add("object_missing",
        "object " + item.sha256 + " (" + item.name + ", item " + std::to_string(item.id) +
            "): missing from objects/",
        item.sha256);
  }

  void CheckForStrays(const std::vector<Item>& items) {
    std::set<std::string> expected;
    for (const Item& item : items) expected.insert(item.sha256);
    const std::string& root = case_.objects().objects_dir();
    for (const std::string& sub : ListDirectory(root).value_or({})) {
      std::string sub_path = JoinPath(root, sub);
      struct stat st;
      bool is_dir = ::lstat(sub_path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      if (!is_dir || sub.size() != 2 || !IsSha256Hex(sub + std::string(62, '0'))) {
        Add("stray_file",
            "stray file in objects/: " + DisplayPath(sub) +
                " (not an object the catalogue records)",
            "", 0, sub_path);
        continue;
      }
      for (const std::string& name : ListDirectory(sub_path).value_or({})) {
        std::string sha = sub + name;
        std::string path = JoinPath(sub_path, name);
        if (!IsSha256Hex(sha) || !expected.count(sha)) {
          Add("stray_file",
              "stray file in objects/: " + DisplayPath(sub + "/" + name) +
                  " (not an object the catalogue records)",
              "", 0, path);
        } else if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
          Add("stray_file", "objects/" + sub + "/" + name + " is a symbolic link, not an object",
              sha, 0, path);
        }
      }
    }
  }

  void CheckTimestamps(const std::vector<CustodyEntry>& entries) {
    Result<std::vector<StoredTimestamp>> stored = case_.catalog().Timestamps();
    if (!stored.ok()) {
      Add("timestamp_invalid", stored.status().message());
      return;
    }
    report_.timestamps = static_cast<std::int64_t>(stored->size());
    for (const TimestampStatus& s : CheckCaseTimestamps(*stored, entries, trusted_tsa_pem_)) {
      // Named by the custody entry that recorded it: that survives the token's row being lost.
      std::string which = "timestamp of custody entry " + std::to_string(s.stored.custody_seq) +
                          " (over log entry " + std::to_string(s.stored.log_seq) + ", " +
                          s.stored.tsa_url + ")";
      if (!s.check.ok) {
        Add("timestamp_invalid", which + ": " + s.check.problem, "", s.stored.log_seq);
      } else {
        report_.notes.push_back(
            which + ": the log up to entry " + std::to_string(s.stored.log_seq) +
            " existed no later than " + s.check.gen_time + ", signed by " + s.check.tsa_name +
            "; trust anchor " + s.check.root_subject + " (sha256 " + s.check.root_sha256 + ")");
      }
    }
  }

  Case& case_;
  const std::function<void(std::uint64_t)>& on_bytes_;
  const std::string& trusted_tsa_pem_;
  VerifyReport report_;
  std::map<std::int64_t, const CustodyEntry*> by_seq_;
};

}  // namespace

VerifyReport VerifyCase(Case& c, const std::function<void(std::uint64_t)>& on_bytes,
                        const std::string& trusted_tsa_pem) {
  return Verifier(c, on_bytes, trusted_tsa_pem).Run();
}

}  // namespace sightline::evidence

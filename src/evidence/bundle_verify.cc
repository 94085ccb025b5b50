#include <sodium.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/file.h"
#include "base/sha256.h"
#include "evidence/bundle.h"
#include "evidence/custody.h"
#include "evidence/record_json.h"
#include "evidence/zip_archive.h"

namespace sightline::evidence {

namespace {

// Limits on what a bundle can make us read into memory. Originals are streamed, never held.
constexpr std::uint64_t kMaxManifestBytes = 64ull << 20;
constexpr std::uint64_t kMaxSmallFileBytes = 256ull << 20;
constexpr std::size_t kMaxEntries = 10'000'000;

// A name that could escape the directory it is unpacked into, or that is ambiguous.
bool UnsafeName(const std::string& name) {
  if (name.empty() || name[0] == '/' || name.find('\\') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    return true;
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string part = name.substr(start, end - start);
    if (part == ".." || part == ".") return true;
    start = end + 1;
  }
  return false;
}

bool VerifySignatureHex(const std::string& pk_hex, const Digest256& digest,
                        const std::string& sig_hex) {
  Result<std::string> pk = FromHex(pk_hex), sig = FromHex(sig_hex);
  if (!pk.ok() || !sig.ok() || pk->size() != crypto_sign_PUBLICKEYBYTES ||
      sig->size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                     digest.data(), digest.size(),
                                     reinterpret_cast<const unsigned char*>(pk->data())) == 0;
}

class BundleVerifier {
 public:
  BundleVerifier(const std::string& path, const std::function<void(std::uint64_t)>& on_bytes)
      : path_(path), on_bytes_(on_bytes) {}

  BundleReport Run() {
    if (sodium_init() < 0) {
      Add("unreadable_bundle", "libsodium failed to initialise");
      return std::move(report_);
    }
    auto zip = ZipReader::Open(path_);
    if (!zip.ok()) {
      Add("unreadable_bundle", zip.status().message());
      return std::move(report_);
    }
    zip_ = zip->get();
    if (zip_->entries().size() > kMaxEntries) {
      Add("unreadable_bundle", "the archive lists more than " + std::to_string(kMaxEntries) +
                                   " files; refusing to read it");
      return std::move(report_);
    }
    for (const ZipEntryInfo& e : zip_->entries()) {
      if (UnsafeName(e.name)) {
        Add("unsafe_name", "archive entry '" + DisplayPath(e.name) +
                               "' has an unsafe name (absolute, '..' or '\\'); a bundle never "
                               "contains one: this archive was altered or is hostile");
      }
      if (!by_name_.emplace(e.name, e.index).second) {
        Add("unsafe_name", "archive entry '" + DisplayPath(e.name) + "' appears twice");
      }
    }
    if (!ReadManifest()) return std::move(report_);
    CheckFiles();
    CheckCustody();
    return std::move(report_);
  }

 private:
  void Add(const std::string& code, const std::string& message) {
    report_.problems.push_back({code, message});
  }

  Result<std::string> ReadSmall(const std::string& name, std::uint64_t max) {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return NotFound(name + " is missing from the bundle");
    return zip_->ReadAll(it->second, max);
  }

  bool ReadManifest() {
    Result<std::string> text = ReadSmall("manifest.json", kMaxManifestBytes);
    if (!text.ok()) {
      Add("bad_manifest", "manifest.json: " + text.status().message());
      return false;
    }
    manifest_ = nlohmann::json::parse(*text, nullptr, false);
    if (!manifest_.is_object() || manifest_.value("format", "") != kBundleFormat ||
        !manifest_["files"].is_array() || !manifest_["items"].is_array()) {
      Add("bad_manifest", "manifest.json is not a " + std::string(kBundleFormat) + " manifest");
      return false;
    }
    report_.case_id = manifest_.value("case_id", "");
    report_.exported_at = manifest_.value("exported_at", "");
    report_.exported_by = manifest_.value("exported_by", "");
    report_.complete = manifest_.value("complete", false);
    report_.items = manifest_["items"].size();

    Result<std::string> sig = ReadSmall("manifest.sig", 1024);
    std::string sig_hex = sig.ok() ? *sig : "";
    while (!sig_hex.empty() && (sig_hex.back() == '\n' || sig_hex.back() == '\r')) {
      sig_hex.pop_back();
    }
    exporter_key_ = manifest_.value("exporter_public_key", "");
    if (!VerifySignatureHex(exporter_key_, Sha256Of(*text), sig_hex)) {
      Add("bad_manifest_signature",
          "manifest.sig does not verify under the exporter's key: the manifest was altered");
    }
    return true;
  }

  void CheckFiles() {
    std::set<std::string> listed = {"manifest.json", "manifest.sig"};
    for (const nlohmann::json& f : manifest_["files"]) {
      if (!f.is_object() || !f["path"].is_string() || !f["sha256"].is_string() ||
          !f["size"].is_number_unsigned()) {
        Add("bad_manifest", "manifest.json: a file entry is malformed");
        continue;
      }
      std::string name = f["path"], sha = f["sha256"];
      std::uint64_t size = f["size"];
      listed.insert(name);
      auto it = by_name_.find(name);
      if (it == by_name_.end()) {
        Add("missing_file", name + ": listed in the manifest but missing from the bundle");
        continue;
      }
      Sha256 h;
      std::uint64_t got = 0;
      Status read = zip_->Read(it->second, size, [&](const char* p, std::size_t n) {
        h.Update(p, n);
        got += n;
        if (on_bytes_) on_bytes_(n);
      });
      report_.bytes_hashed += got;
      if (!read.ok()) {
        Add("file_modified", name + ": " + read.message());
      } else if (got != size || ToHex(h.Finish()) != sha) {
        Add("file_modified", name + ": content differs from the manifest (expected sha256 " + sha +
                                 ", " + std::to_string(size) + " bytes)");
      }
      hashes_[name] = sha;
    }
    for (const auto& [name, index] : by_name_) {
      if (!listed.count(name)) {
        Add("unlisted_file", name + ": in the bundle but not in its manifest (added afterwards)");
      }
    }
    for (const nlohmann::json& item : manifest_["items"]) {
      std::string original = item.value("original", ""), sha = item.value("sha256", "");
      auto it = hashes_.find(original);
      if (it == hashes_.end() || it->second != sha) {
        Add("bad_manifest", "item " + item.value("name", "?") + ": its original '" + original +
                                "' is not listed with hash " + sha);
      }
    }
  }

  void CheckCustody() {
    Result<std::string> jsonl = ReadSmall("custody.jsonl", kMaxSmallFileBytes);
    Result<std::string> keys_text = ReadSmall("public_keys.json", kMaxSmallFileBytes);
    if (!jsonl.ok() || !keys_text.ok()) {
      Add("missing_file", "custody.jsonl or public_keys.json is missing");
      return;
    }
    std::map<std::string, std::int64_t> signers;
    nlohmann::json keys = nlohmann::json::parse(*keys_text, nullptr, false);
    if (keys.is_array()) {
      for (const auto& k : keys) {
        if (k.is_object()) signers[k.value("public_key", "")] = k.value("first_seq", 0);
      }
    }
    std::vector<CustodyEntry> entries;
    std::size_t pos = 0;
    while (pos < jsonl->size()) {
      std::size_t end = jsonl->find('\n', pos);
      if (end == std::string::npos) end = jsonl->size();
      std::string line = jsonl->substr(pos, end - pos);
      pos = end + 1;
      if (line.empty()) continue;
      Result<CustodyEntry> e = EntryFromJson(nlohmann::json::parse(line, nullptr, false));
      if (!e.ok()) {
        Add("malformed_entry", "custody.jsonl: " + e.status().message());
        continue;
      }
      entries.push_back(*e);
    }
    report_.entries = entries.size();
    if (report_.complete) {
      for (const ChainProblem& p : CheckChain(entries)) Add(p.code, p.message);
      std::int64_t head_seq = manifest_["log_head"].value("seq", std::int64_t{0});
      std::string head_hash = manifest_["log_head"].value("entry_hash", "");
      if (entries.empty() || entries.back().seq != head_seq ||
          entries.back().entry_hash != head_hash) {
        Add("entry_missing",
            "custody.jsonl does not end at the log head the manifest names "
            "(entry " +
                std::to_string(head_seq) + ")");
      }
    } else {
      // A partial export carries a selection: each entry must be sound on its own, and where two
      // consecutive entries are both present their link must hold.
      const CustodyEntry* prev = nullptr;
      for (const CustodyEntry& e : entries) {
        if (auto p = CheckEntry(e)) Add(p->code, p->message);
        if (prev && e.seq == prev->seq + 1 && e.prev_hash != prev->entry_hash) {
          Add("chain_broken",
              "custody entry " + std::to_string(e.seq) + ": does not follow the entry before it");
        }
        if (prev && e.seq <= prev->seq) {
          Add("out_of_order", "custody entry " + std::to_string(e.seq) + ": out of order");
        }
        prev = &e;
      }
      report_.notes.push_back("partial export: " + std::to_string(entries.size()) +
                              " custody entries concerning the exported items; each entry's "
                              "hash and signature checked, the full chain is in the case");
    }
    for (const CustodyEntry& e : entries) {
      auto it = signers.find(e.public_key);
      if (it == signers.end() || it->second > e.seq) {
        Add("unknown_signer", "custody entry " + std::to_string(e.seq) +
                                  ": signed by a key not listed in public_keys.json");
      }
    }
    // Every item has the ingest entry that stored it.
    std::set<std::string> ingested;
    for (const CustodyEntry& e : entries) {
      if (e.action == "ingest") ingested.insert(e.object_sha256);
    }
    for (const nlohmann::json& item : manifest_["items"]) {
      std::string sha = item.value("sha256", "");
      if (!ingested.count(sha)) {
        Add("item_without_custody",
            "item " + item.value("name", "?") + " (" + sha + "): no ingest entry in custody.jsonl");
      }
    }
    if (!signers.count(exporter_key_)) {
      report_.notes.push_back("the exporter's key had not signed in this case before the export");
    }
  }

  std::string path_;
  const std::function<void(std::uint64_t)>& on_bytes_;
  BundleReport report_;
  ZipReader* zip_ = nullptr;
  std::map<std::string, std::uint64_t> by_name_;
  std::map<std::string, std::string> hashes_;
  nlohmann::json manifest_;
  std::string exporter_key_;
};

}  // namespace

BundleReport VerifyBundle(const std::string& bundle_path,
                          const std::function<void(std::uint64_t)>& on_bytes) {
  return BundleVerifier(bundle_path, on_bytes).Run();
}

}  // namespace sightline::evidence

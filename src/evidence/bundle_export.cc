#include <sodium.h>

#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/file.h"
#include "base/sha256.h"
#include "base/time.h"
#include "evidence/bundle.h"
#include "evidence/record_json.h"
#include "evidence/sidecar_store.h"
#include "evidence/zip_archive.h"

namespace sightline::evidence {

namespace {

constexpr char kBundleReadme[] =
    "Sightline evidence bundle\n"
    "=========================\n\n"
    "manifest.json     what this bundle holds: every file with its SHA-256 and size\n"
    "manifest.sig      Ed25519 signature (hex) of the SHA-256 of manifest.json, by the exporter\n"
    "originals/        the original files, byte for byte, named by SHA-256\n"
    "items/ID.json     each item's names, paths, sources and metadata\n"
    "sidecars/         what was kept with an item (a post's .info.json, a web capture, a\n"
    "                  screenshot), byte for byte, named by SHA-256\n"
    "custody.jsonl     the custody log entries concerning these items (all, for a whole case)\n"
    "public_keys.json  the public keys that signed those entries\n\n"
    "Check it with 'sightline verify --bundle FILE', or by hand as described in Sightline's\n"
    "doc/bundle-format.md and doc/custody-log.md (sha256sum, python3 and openssl suffice).\n";

// A short, safe extension from the original name so that the original opens in a player.
std::string SafeExtension(const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos || dot + 1 >= name.size() || name.size() - dot - 1 > 8) return "";
  std::string ext = name.substr(dot + 1);
  for (char& ch : ext) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) return "";
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return "." + ext;
}

// What a bundle holds, read from one consistent state of the case.
struct Snapshot {
  std::vector<Item> items;
  std::map<std::int64_t, nlohmann::json> records;         // item id -> items/ID.json
  std::map<std::int64_t, std::vector<Sidecar>> sidecars;  // item id -> what was kept with it
  std::vector<CustodyEntry> entries;
  std::vector<std::pair<std::string, std::int64_t>> signers;
  CustodyEntry head;
  bool complete = false;
};

Result<Snapshot> ReadSnapshot(Case& c, const std::vector<Item>& chosen) {
  SqlReadSnapshot read(c.sql());
  SL_RETURN_IF_ERROR(read.status());
  Snapshot snap;
  SL_ASSIGN_OR_RETURN(std::vector<Item> all, c.catalog().ListItems());
  snap.complete = chosen.empty();
  snap.items = snap.complete ? all : chosen;
  SL_ASSIGN_OR_RETURN(std::vector<CustodyEntry> log, c.log().All());
  if (log.empty()) return Corrupt("the case has no custody log");
  snap.head = log.back();
  SL_ASSIGN_OR_RETURN(snap.signers, c.log().Signers());

  std::set<std::string> shas;
  for (const Item& item : snap.items) {
    shas.insert(item.sha256);
    SL_ASSIGN_OR_RETURN(nlohmann::json ijson, ItemJson(c, item));
    SL_ASSIGN_OR_RETURN(std::vector<ItemName> names, c.catalog().NamesOf(item.id));
    SL_ASSIGN_OR_RETURN(std::string metadata, c.catalog().Metadata(item.id));
    nlohmann::json jnames = nlohmann::json::array();
    for (const ItemName& n : names) jnames.push_back(NameJson(n));
    nlohmann::json meta = metadata.empty() ? nlohmann::json(nullptr)
                                           : nlohmann::json::parse(metadata, nullptr, false);
    snap.records[item.id] = {{"item", ijson}, {"names", jnames}, {"metadata", meta}};
    SL_ASSIGN_OR_RETURN(snap.sidecars[item.id], ListSidecars(c, item.id));
  }
  // A partial bundle carries the entries about its items, the case's creation, and the entries
  // introducing every key that signed them.
  std::set<std::string> keys;
  for (const CustodyEntry& e : log) {
    if (snap.complete || shas.count(e.object_sha256) || e.action == "case_created") {
      keys.insert(e.public_key);
    }
  }
  for (const CustodyEntry& e : log) {
    if (snap.complete || shas.count(e.object_sha256) || e.action == "case_created" ||
        (e.action == "signer_added" && keys.count(e.public_key))) {
      snap.entries.push_back(e);
    }
  }
  if (!snap.complete) {
    std::vector<std::pair<std::string, std::int64_t>> used;
    for (const auto& s : snap.signers) {
      if (keys.count(s.first)) used.push_back(s);
    }
    snap.signers = std::move(used);
  }
  return snap;
}

std::string SignHex(const SigningKey& key, const Digest256& digest) {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, digest.data(), digest.size(),
                       reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  return ToHex(sig, sizeof sig);
}

}  // namespace

Result<ExportResult> ExportBundle(Case& c, const Identity& who, const std::string& bundle_path,
                                  const std::vector<Item>& chosen,
                                  const std::function<void(std::uint64_t)>& on_bytes,
                                  const std::function<void(double)>& on_progress) {
  if (PathExists(bundle_path)) {
    return Status(StatusCode::kAlreadyExists,
                  DisplayPath(bundle_path) + ": already exists; choose another name");
  }
  SL_ASSIGN_OR_RETURN(Snapshot snap, ReadSnapshot(c, chosen));
  const std::vector<Item>& items = snap.items;
  const std::vector<CustodyEntry>& entries = snap.entries;
  const bool complete = snap.complete;

  SL_ASSIGN_OR_RETURN(auto zip, ZipWriter::Create(bundle_path));
  nlohmann::json files = nlohmann::json::array(), jitems = nlohmann::json::array();
  auto add_bytes = [&](const std::string& name, const std::string& bytes) -> Status {
    files.push_back({{"path", name}, {"sha256", Sha256Hex(bytes)}, {"size", bytes.size()}});
    return zip->AddBytes(name, bytes);
  };

  ExportResult result;
  result.bundle_path = bundle_path;
  result.complete = complete;
  for (const Item& item : items) {
    std::string object = c.objects().PathFor(item.sha256);
    // Re-hash: a bundle must never vouch for a modified original.
    SL_ASSIGN_OR_RETURN(Digest256 actual, Sha256File(object));
    if (ToHex(actual) != item.sha256) {
      return Corrupt("object " + item.sha256 + " (" + item.name +
                     ") no longer matches its hash; run 'sightline verify' before exporting");
    }
    if (on_bytes) on_bytes(item.size);
    std::string name = "originals/" + item.sha256 + SafeExtension(item.name);
    files.push_back({{"path", name}, {"sha256", item.sha256}, {"size", item.size}});
    SL_RETURN_IF_ERROR(zip->AddFile(name, object, item.size));
    result.bytes += item.size;

    // What was kept with it (a post's .info.json, a WACZ capture, a screenshot), re-hashed too:
    // the recipient gets the context the desk had, bound to the item by its custody entries.
    nlohmann::json jsidecars = nlohmann::json::array();
    for (const Sidecar& sc : snap.sidecars[item.id]) {
      const std::string sc_object = c.objects().PathFor(sc.sha256);
      SL_ASSIGN_OR_RETURN(Digest256 sc_actual, Sha256File(sc_object));
      if (ToHex(sc_actual) != sc.sha256) {
        return Corrupt("sidecar " + sc.name + " of " + item.name +
                       " no longer matches its hash; run 'sightline verify' before exporting");
      }
      const std::string sc_name = "sidecars/" + sc.sha256 + SafeExtension(sc.name);
      files.push_back({{"path", sc_name}, {"sha256", sc.sha256}, {"size", sc.size}});
      SL_RETURN_IF_ERROR(zip->AddFile(sc_name, sc_object, sc.size));
      jsidecars.push_back(
          {{"kind", sc.kind}, {"name", sc.name}, {"sha256", sc.sha256}, {"file", sc_name}});
    }

    std::string item_file = "items/" + std::to_string(item.id) + ".json";
    SL_RETURN_IF_ERROR(add_bytes(item_file, snap.records.at(item.id).dump(2) + "\n"));
    jitems.push_back({{"id", item.id},
                      {"sha256", item.sha256},
                      {"name", item.name},
                      {"original", name},
                      {"record", item_file},
                      {"sidecars", std::move(jsidecars)}});
  }

  std::string jsonl;
  for (const CustodyEntry& e : entries) jsonl += EntryJson(e).dump() + "\n";
  SL_RETURN_IF_ERROR(add_bytes("custody.jsonl", jsonl));
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& [pk, seq] : snap.signers)
    keys.push_back({{"public_key", pk}, {"first_seq", seq}});
  SL_RETURN_IF_ERROR(add_bytes("public_keys.json", keys.dump(2) + "\n"));
  SL_RETURN_IF_ERROR(add_bytes("README.txt", kBundleReadme));

  nlohmann::json manifest = {
      {"format", kBundleFormat},
      {"case_id", c.case_id()},
      {"exported_at", UtcNowRfc3339()},
      {"exported_by", who.actor},
      {"exporter_public_key", who.key.PublicHex()},
      {"complete", complete},
      {"log_head", {{"seq", snap.head.seq}, {"entry_hash", snap.head.entry_hash}}},
      {"items", jitems},
      {"files", files},
  };
  std::string manifest_text = manifest.dump(2) + "\n";
  Digest256 manifest_digest = Sha256Of(manifest_text);
  result.manifest_sha256 = ToHex(manifest_digest);
  SL_RETURN_IF_ERROR(zip->AddBytes("manifest.json", manifest_text));
  SL_RETURN_IF_ERROR(zip->AddBytes("manifest.sig", SignHex(who.key, manifest_digest) + "\n"));
  result.items = items.size();

  SL_RETURN_IF_ERROR(zip->Close(on_progress));

  Result<CustodyEntry> recorded = c.Write(who, [&](Case::WriteContext&) -> Result<CustodyRecord> {
    nlohmann::json details = {{"bundle", DisplayPath(BaseName(bundle_path))},
                              {"manifest_sha256", result.manifest_sha256},
                              {"complete", complete},
                              {"items", items.size()},
                              {"log_head_seq", snap.head.seq}};
    return CustodyRecord{"export", "", details.dump()};
  });
  if (!recorded.ok()) {
    return recorded.status().WithContext("bundle written, but the export could not be recorded");
  }
  result.custody_seq = recorded->seq;
  return result;
}

}  // namespace sightline::evidence

#include "evidence/record_json.h"

namespace sightline::evidence {

namespace {

nlohmann::json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

}  // namespace

nlohmann::json NameJson(const ItemName& n) {
  nlohmann::json j = {{"name", n.name},           {"path", n.path},
                      {"mtime", OrNull(n.mtime)}, {"ingested_at", n.ingested_at},
                      {"actor", n.actor},         {"source", OrNull(n.source)},
                      {"note", OrNull(n.note)},   {"custody_seq", n.custody_seq}};
  if (!n.name_hex.empty()) j["name_hex"] = n.name_hex;
  return j;
}

Result<nlohmann::json> ItemJson(Case& c, const Item& item) {
  SL_ASSIGN_OR_RETURN(std::vector<ItemName> names, c.catalog().NamesOf(item.id));
  nlohmann::json other = nlohmann::json::array();
  for (std::size_t i = 1; i < names.size(); ++i) other.push_back(names[i].name);
  return nlohmann::json{{"id", item.id},
                        {"name", item.name},
                        {"sha256", item.sha256},
                        {"size", item.size},
                        {"kind", OrNull(item.media_kind)},
                        {"media_problem", OrNull(item.media_problem)},
                        {"ingested_at", item.ingested_at},
                        {"other_names", other}};
}

nlohmann::json EntryJson(const CustodyEntry& e) {
  // details stay the exact text that was hashed, so that a reader can recompute entry_hash.
  return {{"seq", e.seq},
          {"time", e.time},
          {"actor", e.actor},
          {"action", e.action},
          {"object_sha256", OrNull(e.object_sha256)},
          {"details", e.details},
          {"prev_hash", e.prev_hash},
          {"entry_hash", e.entry_hash},
          {"public_key", e.public_key},
          {"signature", e.signature}};
}

Result<CustodyEntry> EntryFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Corrupt("custody entry is not a JSON object");
  CustodyEntry e;
  auto text = [&](const char* key, std::string* out) {
    auto it = j.find(key);
    if (it == j.end()) return false;
    if (it->is_null()) {
      out->clear();
      return true;
    }
    if (!it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  auto seq = j.find("seq");
  if (seq == j.end() || !seq->is_number_integer()) return Corrupt("custody entry without seq");
  e.seq = seq->get<std::int64_t>();
  if (!text("time", &e.time) || !text("actor", &e.actor) || !text("action", &e.action) ||
      !text("object_sha256", &e.object_sha256) || !text("details", &e.details) ||
      !text("prev_hash", &e.prev_hash) || !text("entry_hash", &e.entry_hash) ||
      !text("public_key", &e.public_key) || !text("signature", &e.signature)) {
    return Corrupt("custody entry " + std::to_string(e.seq) + ": a field is missing or mistyped");
  }
  return e;
}

}  // namespace sightline::evidence

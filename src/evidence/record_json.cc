#include "cli/item_json.h"

namespace sightline::cli {

namespace {

nlohmann::json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

}  // namespace

nlohmann::json NameJson(const evidence::ItemName& n) {
  nlohmann::json j = {{"name", n.name},           {"path", n.path},
                      {"mtime", OrNull(n.mtime)}, {"ingested_at", n.ingested_at},
                      {"actor", n.actor},         {"source", OrNull(n.source)},
                      {"note", OrNull(n.note)},   {"custody_seq", n.custody_seq}};
  if (!n.name_hex.empty()) j["name_hex"] = n.name_hex;
  return j;
}

Result<nlohmann::json> ItemJson(evidence::Case& c, const evidence::Item& item) {
  SL_ASSIGN_OR_RETURN(std::vector<evidence::ItemName> names, c.catalog().NamesOf(item.id));
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

nlohmann::json EntryJson(const evidence::CustodyEntry& e) {
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

}  // namespace sightline::cli

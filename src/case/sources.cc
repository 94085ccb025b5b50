#include "case/sources.h"

#include <cstring>

#include "base/time.h"

namespace sightline::investigation {

const char* const kSourceKinds[] = {"person",       "account", "agency", "eyewitness",
                                    "organisation", "unknown", nullptr};

bool IsSourceKind(const std::string& kind) { return IsOneOf(kSourceKinds, kind); }

namespace {

Result<Source> FindSource(evidence::Case& c, std::int64_t id) {
  SL_ASSIGN_OR_RETURN(std::vector<Source> all, ListSources(c));
  for (const Source& s : all) {
    if (s.id == id) return s;
  }
  return NotFound("no source #" + std::to_string(id) +
                  " in this case (see `sightline source list`)");
}

}  // namespace

Result<Source> AddSource(evidence::Case& c, const evidence::Identity& who, Source source) {
  if (!IsSourceKind(source.kind)) {
    return InvalidArgument("unknown source kind \"" + source.kind +
                           "\" (person, account, agency, eyewitness, organisation or unknown)");
  }
  if (source.name.empty()) return InvalidArgument("a source needs a name");
  source.id = 0;
  nlohmann::json details = SourceJson(source);
  details.erase("id");
  SL_ASSIGN_OR_RETURN(auto added, InsertRecord(c, who, "sources",
                                               {{"kind", source.kind},
                                                {"name", source.name},
                                                {"handle", OptionalText(source.handle)},
                                                {"platform", OptionalText(source.platform)},
                                                {"url", OptionalText(source.url)},
                                                {"note", OptionalText(source.note)}},
                                               "source_added", "", details));
  source.id = added.first;
  source.provenance = added.second;
  return source;
}

Result<std::vector<Source>> ListSources(evidence::Case& c) {
  SL_ASSIGN_OR_RETURN(bool has_tables, HasInvestigationTables(c));
  if (!has_tables) return std::vector<Source>();
  SL_ASSIGN_OR_RETURN(evidence::SqlRows s,
                      c.sql()->Query(std::string("SELECT id, kind, name, handle, platform, url, "
                                                 "note, ") +
                                     kProvenanceColumns + " FROM sources ORDER BY id"));
  std::vector<Source> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    Source src;
    src.id = s.Int(i, 0);
    src.kind = s.Text(i, 1);
    src.name = s.Text(i, 2);
    src.handle = s.Text(i, 3);
    src.platform = s.Text(i, 4);
    src.url = s.Text(i, 5);
    src.note = s.Text(i, 6);
    src.provenance = ProvenanceAt(s, i, 7);
    out.push_back(std::move(src));
  }
  return out;
}

Result<std::int64_t> FindSourceId(evidence::Case& c, const Source& like) {
  SL_ASSIGN_OR_RETURN(std::vector<Source> all, ListSources(c));
  for (const Source& s : all) {
    const bool same = like.handle.empty() ? s.handle.empty() && s.kind == like.kind &&
                                                s.name == like.name && s.platform == like.platform
                                          : s.handle == like.handle && s.platform == like.platform;
    if (same) return s.id;
  }
  return std::int64_t{0};
}

std::optional<double> PublishedBound(const std::string& published_at) {
  if (published_at.size() == 10 && published_at[4] == '-' && published_at[7] == '-') {
    // A day (UTC): published by its end.
    if (auto t = ParseRfc3339(published_at + "T00:00:00Z")) return *t + 86400;
    return std::nullopt;
  }
  return ParseRfc3339(published_at, /*zone_required=*/false);
}

Result<ItemSource> LinkItemToSource(evidence::Case& c, const evidence::Identity& who,
                                    ItemSource link) {
  if (!link.published_at.empty() && !PublishedBound(link.published_at)) {
    return InvalidArgument("published_at \"" + link.published_at +
                           "\" is neither an ISO 8601 time (2026-11-24T05:42:10Z) nor a day "
                           "(2026-11-24)");
  }
  SL_ASSIGN_OR_RETURN(evidence::Item item, ItemById(c, link.item_id));
  SL_ASSIGN_OR_RETURN(Source source, FindSource(c, link.source_id));
  SL_ASSIGN_OR_RETURN(std::vector<ItemSource> existing, ListItemSources(c, link.item_id));
  for (const ItemSource& l : existing) {
    if (l.source_id == link.source_id) {
      return Status(StatusCode::kAlreadyExists, "item #" + std::to_string(link.item_id) +
                                                    " is already linked to source #" +
                                                    std::to_string(link.source_id));
    }
  }
  nlohmann::json details = ItemSourceJson(link);
  details.erase("id");
  details["source_name"] = source.name;
  SL_ASSIGN_OR_RETURN(auto added, InsertRecord(c, who, "item_sources",
                                               {{"item_id", link.item_id},
                                                {"source_id", link.source_id},
                                                {"how", OptionalText(link.how)},
                                                {"url", OptionalText(link.url)},
                                                {"obtained_at", OptionalText(link.obtained_at)},
                                                {"published_at", OptionalText(link.published_at)}},
                                               "item_source_linked", item.sha256, details));
  link.id = added.first;
  link.provenance = added.second;
  return link;
}

Result<std::vector<ItemSource>> ListItemSources(evidence::Case& c, std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(bool has_tables, HasInvestigationTables(c));
  if (!has_tables) return std::vector<ItemSource>();
  SL_ASSIGN_OR_RETURN(bool has_published_at, HasPublishedAt(c));
  SL_ASSIGN_OR_RETURN(
      evidence::SqlRows s,
      c.sql()->Query(
          std::string("SELECT id, item_id, source_id, how, url, obtained_at, ") +
              kProvenanceColumns + (has_published_at ? ", published_at" : ", NULL") +
              " FROM item_sources WHERE CAST($1 AS BIGINT) = 0 OR item_id = $1 ORDER BY id",
          {item_id}));
  std::vector<ItemSource> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    ItemSource l;
    l.id = s.Int(i, 0);
    l.item_id = s.Int(i, 1);
    l.source_id = s.Int(i, 2);
    l.how = s.Text(i, 3);
    l.url = s.Text(i, 4);
    l.obtained_at = s.Text(i, 5);
    l.provenance = ProvenanceAt(s, i, 6);
    l.published_at = s.Text(i, 9);
    out.push_back(std::move(l));
  }
  return out;
}

nlohmann::json SourceJson(const Source& s) {
  nlohmann::json j = {{"id", s.id},         {"kind", s.kind},         {"name", s.name},
                      {"handle", s.handle}, {"platform", s.platform}, {"url", s.url},
                      {"note", s.note}};
  if (s.provenance.custody_seq != 0) AddProvenanceJson(s.provenance, &j);
  return j;
}

nlohmann::json ItemSourceJson(const ItemSource& l) {
  nlohmann::json j = {{"id", l.id},
                      {"item", l.item_id},
                      {"source", l.source_id},
                      {"how", l.how},
                      {"url", l.url},
                      {"obtained_at", l.obtained_at},
                      {"published_at", l.published_at}};
  if (l.provenance.custody_seq != 0) AddProvenanceJson(l.provenance, &j);
  return j;
}

}  // namespace sightline::investigation

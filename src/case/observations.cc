#include "case/observations.h"

#include <cmath>
#include <cstdio>

namespace sightline::investigation {

const char* const kObservationKinds[] = {"visual", "sound", "speech", "text", "other", nullptr};

bool IsObservationKind(const std::string& kind) { return IsOneOf(kObservationKinds, kind); }

namespace {

constexpr char kObservationSelect[] =
    "SELECT id, item_id, kind, start_s, end_s, region, text, language, original, translation, "
    "actor, created_at, custody_seq FROM observations ";

bool InUnit(double v) { return std::isfinite(v) && v >= 0 && v <= 1; }

Status CheckObservation(const Observation& o) {
  if (!IsObservationKind(o.kind)) {
    return InvalidArgument("unknown observation kind \"" + o.kind +
                           "\" (visual, sound, speech, text or other)");
  }
  if (o.text.empty())
    return InvalidArgument("an observation needs a text saying what is seen or heard");
  if (o.start_s && (!std::isfinite(*o.start_s) || *o.start_s < 0)) {
    return InvalidArgument("the start time must be a number of seconds >= 0");
  }
  if (o.end_s && (!o.start_s || !std::isfinite(*o.end_s) || *o.end_s < *o.start_s)) {
    return InvalidArgument("the end time needs a start time and must not come before it");
  }
  if (o.region) {
    const Region& r = *o.region;
    if (!InUnit(r.x) || !InUnit(r.y) || !(r.w > 0) || !(r.h > 0) || r.x + r.w > 1 + 1e-9 ||
        r.y + r.h > 1 + 1e-9) {
      return InvalidArgument("a region is X,Y,W,H in fractions of the picture, inside it");
    }
  }
  return Status::Ok();
}

std::optional<double> OptReal(const evidence::SqlRows& s, std::size_t row, int col) {
  return s.IsNull(row, col) ? std::nullopt : std::optional<double>(s.Double(row, col));
}

Result<std::vector<Observation>> Query(evidence::Case& c, const std::string& where,
                                       std::int64_t arg) {
  SL_ASSIGN_OR_RETURN(bool has_tables, HasInvestigationTables(c));
  if (!has_tables) return std::vector<Observation>();
  SL_ASSIGN_OR_RETURN(evidence::SqlRows s, c.sql()->Query(kObservationSelect + where, {arg}));
  std::vector<Observation> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    Observation o;
    o.id = s.Int(i, 0);
    o.item_id = s.Int(i, 1);
    o.kind = s.Text(i, 2);
    o.start_s = OptReal(s, i, 3);
    o.end_s = OptReal(s, i, 4);
    if (!s.IsNull(i, 5)) o.region = ParseRegion(s.Text(i, 5));
    o.text = s.Text(i, 6);
    o.language = s.Text(i, 7);
    o.original = s.Text(i, 8);
    o.translation = s.Text(i, 9);
    o.provenance = ProvenanceAt(s, i, 10);
    out.push_back(std::move(o));
  }
  return out;
}

std::string RegionText(const Region& r) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.6g,%.6g,%.6g,%.6g", r.x, r.y, r.w, r.h);
  return buf;
}

}  // namespace

std::optional<Region> ParseRegion(const std::string& text) {
  Region r;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%lf,%lf,%lf,%lf%c", &r.x, &r.y, &r.w, &r.h, &tail) != 4) {
    return std::nullopt;
  }
  return r;
}

Result<Observation> AddObservation(evidence::Case& c, const evidence::Identity& who,
                                   Observation o) {
  SL_RETURN_IF_ERROR(CheckObservation(o));
  SL_ASSIGN_OR_RETURN(evidence::Item item, ItemById(c, o.item_id));
  o.id = 0;
  nlohmann::json details = ObservationJson(o);
  details.erase("id");
  SL_ASSIGN_OR_RETURN(
      auto added, InsertRecord(c, who, "observations",
                               {{"item_id", o.item_id},
                                {"kind", o.kind},
                                {"start_s", OptionalReal(o.start_s)},
                                {"end_s", OptionalReal(o.end_s)},
                                {"region", o.region ? SqlValue(RegionText(*o.region)) : SqlValue()},
                                {"text", o.text},
                                {"language", OptionalText(o.language)},
                                {"original", OptionalText(o.original)},
                                {"translation", OptionalText(o.translation)}},
                               "observation_added", item.sha256, details));
  o.id = added.first;
  o.provenance = added.second;
  return o;
}

Result<std::vector<Observation>> ListObservations(evidence::Case& c, std::int64_t item_id) {
  return Query(
      c, "WHERE CAST($1 AS BIGINT) = 0 OR item_id = $1 ORDER BY item_id, start_s NULLS FIRST, id",
      item_id);
}

Result<Observation> GetObservation(evidence::Case& c, std::int64_t id) {
  SL_ASSIGN_OR_RETURN(std::vector<Observation> found, Query(c, "WHERE id = $1", id));
  if (found.empty()) return NotFound("no observation #" + std::to_string(id) + " in this case");
  return found.front();
}

nlohmann::json ObservationJson(const Observation& o) {
  nlohmann::json j = {{"id", o.id},
                      {"item", o.item_id},
                      {"kind", o.kind},
                      {"start_s", nullptr},
                      {"end_s", nullptr},
                      {"region", nullptr},
                      {"text", o.text},
                      {"language", o.language},
                      {"original", o.original},
                      {"translation", o.translation}};
  if (o.start_s) j["start_s"] = *o.start_s;
  if (o.end_s) j["end_s"] = *o.end_s;
  if (o.region) {
    j["region"] = {{"x", o.region->x}, {"y", o.region->y}, {"w", o.region->w}, {"h", o.region->h}};
  }
  if (o.provenance.custody_seq != 0) AddProvenanceJson(o.provenance, &j);
  return j;
}

}  // namespace sightline::investigation

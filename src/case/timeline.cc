#include "case/timeline.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>

#include "base/time.h"
#include "case/findings.h"
#include "case/gps_tracks.h"
#include "case/observations.h"
#include "case/relations.h"
#include "case/sources.h"

namespace sightline::investigation {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// A capture time without a zone is a wall clock somewhere on Earth: UTC-12 to UTC+14.
constexpr double kUnknownZoneS = 14 * 3600.0;
// How far the telemetry GPS clock may put a recording's start from the truth.
constexpr double kTelemetryClockS = 1.0;

TimeSpan Point(double t) { return {t, t}; }
TimeSpan Before(double t) { return {-kInf, t}; }
TimeSpan Shift(const TimeSpan& s, double d) { return {s.earliest + d, s.latest + d}; }

bool Intersects(const TimeSpan& a, const TimeSpan& b) {
  return a.earliest <= b.latest && b.earliest <= a.latest;
}
TimeSpan Intersect(const TimeSpan& a, const TimeSpan& b) {
  return {std::max(a.earliest, b.earliest), std::min(a.latest, b.latest)};
}

std::string SpanText(const TimeSpan& s) {
  if (s.earliest == s.latest) return TimeText(s.earliest);
  if (!std::isfinite(s.earliest)) return "before " + TimeText(s.latest);
  if (!std::isfinite(s.latest)) return "after " + TimeText(s.earliest);
  return TimeText(s.earliest) + " .. " + TimeText(s.latest);
}

std::string Ref(std::int64_t id) { return "#" + std::to_string(id); }

// The capture times the stored probe states: times.created and the GPS fix time (UTC by
// definition, so it pins a zone-less camera time).
std::vector<TimeBasis> MetadataBases(const nlohmann::json& probe) {
  std::vector<TimeBasis> out;
  const nlohmann::json times = probe.value("times", nlohmann::json::object());
  if (!times.is_object()) return out;
  for (const char* role : {"created", "gps"}) {
    const nlohmann::json t = times.value(role, nlohmann::json());
    if (!t.is_object() || t.value("unset", false)) continue;
    const std::string source = t.value("source", std::string(role));
    if (t.value("utc", nlohmann::json()).is_string()) {
      if (auto v = ParseRfc3339(t["utc"].get<std::string>())) {
        out.push_back({"metadata", source, Point(*v)});
        continue;
      }
    }
    if (t.value("local", nlohmann::json()).is_string()) {
      if (auto v = ParseRfc3339(t["local"].get<std::string>(), /*zone_required=*/false)) {
        out.push_back({"metadata",
                       source + " (no time zone: ±14 h)",
                       {*v - kUnknownZoneS, *v + kUnknownZoneS}});
      }
    }
  }
  return out;
}

struct Placing {
  TimelineItem item;
  TimeSpan span{-kInf, kInf};
};

// Narrows `p` by `basis`, or reports the conflict and leaves `p` as it was.
bool Apply(Placing& p, TimeBasis basis, std::vector<TimelineConflict>* conflicts,
           std::int64_t other = 0) {
  if (!Intersects(p.span, basis.span)) {
    std::vector<std::int64_t> items = {p.item.item_id};
    if (other != 0) items.push_back(other);
    std::string was;
    for (const TimeBasis& b : p.item.basis)
      was += (was.empty() ? "" : "; ") + b.kind + " " + b.detail + ": " + SpanText(b.span);
    conflicts->push_back({items, Ref(p.item.item_id) + ": " + basis.kind + " " + basis.detail +
                                     " says " + SpanText(basis.span) + ", but " + was +
                                     " (left out)"});
    return false;
  }
  p.span = Intersect(p.span, basis.span);
  p.item.basis.push_back(std::move(basis));
  return true;
}

// A same_moment edge: b's time 0 falls at `offset_s` on a's clock.
struct SyncEdge {
  std::int64_t a = 0, b = 0;
  double offset_s = 0;
  std::string why;
};

}  // namespace

bool TimeSpan::bounded() const { return std::isfinite(earliest) && std::isfinite(latest); }
double TimeSpan::best() const {
  if (bounded()) return (earliest + latest) / 2;
  return std::isfinite(earliest) ? earliest : latest;
}

std::string TimeText(double t) {
  if (!std::isfinite(t)) return "";
  const double whole = std::floor(t);
  return FormatUtc(static_cast<std::int64_t>(whole),
                   static_cast<long>(std::lround((t - whole) * 1000)) * 1000000L);
}

namespace {

nlohmann::json TimeJson(double t) {
  return std::isfinite(t) ? nlohmann::json(TimeText(t)) : nlohmann::json();
}

nlohmann::json SpanJson(const std::optional<TimeSpan>& s) {
  if (!s) return nullptr;
  return {{"best", TimeJson(s->best())},
          {"earliest", TimeJson(s->earliest)},
          {"latest", TimeJson(s->latest)}};
}

}  // namespace

nlohmann::json TimelineJson(const Timeline& timeline) {
  nlohmann::json items = nlohmann::json::array(), events = nlohmann::json::array(),
                 conflicts = nlohmann::json::array();
  for (const TimelineItem& i : timeline.items) {
    nlohmann::json basis = nlohmann::json::array();
    for (const TimeBasis& b : i.basis) {
      basis.push_back({{"kind", b.kind},
                       {"detail", b.detail},
                       {"earliest", TimeJson(b.span.earliest)},
                       {"latest", TimeJson(b.span.latest)}});
    }
    items.push_back({{"item", i.item_id},
                     {"name", i.name},
                     {"duration_s", i.duration_s},
                     {"start", SpanJson(i.start)},
                     {"basis", basis}});
  }
  for (const TimelineEvent& e : timeline.events) {
    events.push_back({{"observation", e.observation_id},
                      {"item", e.item_id},
                      {"kind", e.kind},
                      {"text", e.text},
                      {"offset_s", e.offset_s},
                      {"time", SpanJson(e.time)}});
  }
  for (const TimelineConflict& k : timeline.conflicts) {
    conflicts.push_back({{"items", k.items}, {"message", k.message}});
  }
  return {{"items", items}, {"events", events}, {"conflicts", conflicts}};
}

Result<Timeline> BuildTimeline(evidence::Case& c) {
  Timeline out;
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c.catalog().ListItems());
  SL_ASSIGN_OR_RETURN(std::vector<ItemSource> links, ListItemSources(c, 0));
  SL_ASSIGN_OR_RETURN(std::vector<Relation> relations, ListRelations(c, 0));
  FindingFilter accepted_moments;
  accepted_moments.kind = FindingKind::kSameMoment;
  accepted_moments.status = FindingStatus::kAccepted;
  SL_ASSIGN_OR_RETURN(std::vector<Finding> moments, ListFindings(c, accepted_moments));

  std::map<std::int64_t, Placing> placing;
  for (const evidence::Item& item : items) {
    Placing& p = placing[item.id];
    p.item.item_id = item.id;
    p.item.name = item.name;
    SL_ASSIGN_OR_RETURN(std::string probe_text, c.catalog().Metadata(item.id));
    const nlohmann::json probe = nlohmann::json::parse(probe_text, nullptr, false);
    if (probe.is_object()) {
      const nlohmann::json container = probe.value("container", nlohmann::json::object());
      if (container.is_object() && container.value("duration_s", nlohmann::json()).is_number()) {
        p.item.duration_s = container["duration_s"].get<double>();
      }
    }
    // What the desk knows for certain first: it had the file by then.
    if (auto t = ParseRfc3339(item.ingested_at)) {
      Apply(p, {"obtained", "ingested into the case", Before(*t)}, &out.conflicts);
    }
    for (const ItemSource& l : links) {
      if (l.item_id != item.id || l.obtained_at.empty()) continue;
      if (auto t = ParseRfc3339(l.obtained_at, /*zone_required=*/false)) {
        Apply(p, {"obtained", "from source #" + std::to_string(l.source_id), Before(*t)},
              &out.conflicts);
      }
    }
    // The post it was found at was published then (a platform's statement, or a server's
    // Last-Modified): the recording started before.
    for (const ItemSource& l : links) {
      if (l.item_id != item.id || l.published_at.empty()) continue;
      if (auto t = PublishedBound(l.published_at)) {
        Apply(p,
              {"uploaded",
               "published " + l.published_at + " (source #" + std::to_string(l.source_id) + ")",
               Before(*t)},
              &out.conflicts);
      }
    }
    // The GPS receiver's clock in the camera's telemetry (analyze's gps stage), before the
    // camera's own: that one is set by hand (GoPro writes local time where QuickTime wants UTC),
    // the GPS clock by the satellites. GoPro stamps each payload, about a second long, so the
    // start is known to about a second.
    Result<std::optional<signals::geo::Track>> track = StoredGpsTrack(c, item.id);
    if (track.ok() && *track) {
      if (std::optional<double> start = GpsStartUtc(**track)) {
        Apply(p,
              {"telemetry",
               "GPS time in the telemetry (" + (*track)->source + ")",
               {*start - kTelemetryClockS, *start + kTelemetryClockS}},
              &out.conflicts);
      }
    }
    if (probe.is_object()) {
      for (TimeBasis& basis : MetadataBases(probe)) Apply(p, std::move(basis), &out.conflicts);
    }
  }

  std::vector<SyncEdge> edges;
  for (const Finding& f : moments) {
    nlohmann::json e = nlohmann::json::parse(f.suggestion.evidence, nullptr, false);
    if (!e.is_object() || !e.value("offset_s", nlohmann::json()).is_number()) continue;
    edges.push_back({f.suggestion.item_a, f.suggestion.item_b, e["offset_s"].get<double>(),
                     "finding " + std::to_string(f.id)});
  }
  for (const Relation& r : relations) {
    if (r.kind == "same_moment" && r.offset_s) {
      edges.push_back({r.item_a, r.item_b, *r.offset_s, "relation " + std::to_string(r.id)});
    }
  }
  // One clock through the sync edges: each side narrowed by the other, until nothing changes
  // (a chain of n items settles in n rounds).
  std::vector<std::array<bool, 2>> given_up(edges.size(), {false, false});  // conflicted sides
  for (std::size_t round = 0; round <= edges.size(); ++round) {
    bool changed = false;
    for (std::size_t k = 0; k < edges.size(); ++k) {
      const SyncEdge& e = edges[k];
      Placing& a = placing[e.a];
      Placing& b = placing[e.b];
      const TimeSpan b_from_a = Shift(a.span, e.offset_s);
      const TimeSpan a_from_b = Shift(b.span, -e.offset_s);
      char off[32];
      std::snprintf(off, sizeof off, "%+.3f s", e.offset_s);
      if (!given_up[k][1] &&
          (b_from_a.earliest > b.span.earliest || b_from_a.latest < b.span.latest)) {
        const bool ok = Apply(b, {"sync", Ref(e.a) + " " + off + " (" + e.why + ")", b_from_a},
                              &out.conflicts, e.a);
        changed |= ok;
        given_up[k][1] = !ok;
      }
      std::snprintf(off, sizeof off, "%+.3f s", -e.offset_s);
      if (!given_up[k][0] &&
          (a_from_b.earliest > a.span.earliest || a_from_b.latest < a.span.latest)) {
        const bool ok = Apply(a, {"sync", Ref(e.b) + " " + off + " (" + e.why + ")", a_from_b},
                              &out.conflicts, e.b);
        changed |= ok;
        given_up[k][0] = !ok;
      }
    }
    if (!changed) break;
  }
  for (const Relation& r : relations) {
    if (r.kind != "before") continue;
    Placing& a = placing[r.item_a];
    Placing& b = placing[r.item_b];
    const std::string why = " (relation " + std::to_string(r.id) + ")";
    if (std::isfinite(b.span.latest)) {
      Apply(a, {"before", "filmed before " + Ref(r.item_b) + why, Before(b.span.latest)},
            &out.conflicts, r.item_b);
    }
    if (std::isfinite(a.span.earliest)) {
      Apply(b, {"before", "filmed after " + Ref(r.item_a) + why, {a.span.earliest, kInf}},
            &out.conflicts, r.item_a);
    }
  }

  for (auto& [id, p] : placing) {
    if (p.span.bounded()) p.item.start = p.span;
    out.items.push_back(std::move(p.item));
  }
  const auto by_time = [](const auto& x, const auto& y, auto when) {
    const auto& tx = when(x);
    const auto& ty = when(y);
    if (tx.has_value() != ty.has_value()) return tx.has_value();
    return tx && ty ? tx->best() < ty->best() : false;
  };
  std::stable_sort(out.items.begin(), out.items.end(), [&](const auto& x, const auto& y) {
    return by_time(x, y,
                   [](const TimelineItem& i) -> const std::optional<TimeSpan>& { return i.start; });
  });

  SL_ASSIGN_OR_RETURN(std::vector<Observation> observations, ListObservations(c, 0));
  std::map<std::int64_t, const TimelineItem*> item_of;
  for (const TimelineItem& i : out.items) item_of[i.item_id] = &i;
  for (const Observation& o : observations) {
    TimelineEvent e;
    e.observation_id = o.id;
    e.item_id = o.item_id;
    e.kind = o.kind;
    e.text = o.text;
    e.offset_s = o.start_s.value_or(0);
    const TimelineItem* item = item_of[o.item_id];
    if (item && item->start) e.time = Shift(*item->start, e.offset_s);
    out.events.push_back(std::move(e));
  }
  std::stable_sort(out.events.begin(), out.events.end(), [&](const auto& x, const auto& y) {
    return by_time(x, y,
                   [](const TimelineEvent& e) -> const std::optional<TimeSpan>& { return e.time; });
  });
  return out;
}

}  // namespace sightline::investigation

// sightline timeline: items and observed events on one clock, with where each time comes from.
#include <cmath>
#include <cstdio>

#include "case/timeline.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

namespace inv = investigation;

constexpr char kUsage[] =
    "Usage: sightline timeline --case DIR [--json]\n"
    "\n"
    "Puts the items of a case and the events observed in them (`sightline annotate`) on one\n"
    "clock (UTC). Each item's start is an interval, narrowed by every statement about it:\n"
    "  metadata   the capture time the file states (±14 h when it gives no time zone)\n"
    "  obtained   the desk had it by then: ingest time, and a source link's --obtained-at\n"
    "  uploaded   the post's publication time (link --published-at, yt-dlp's upload time):\n"
    "             the recording started before\n"
    "  sync       a same_moment relation: an accepted finding, or `link --kind same_moment\n"
    "             --offset S`, places it on another item's clock\n"
    "  before     `link A B --kind before`\n"
    "Statements that cannot all hold are shown as conflicts, with the one left out: a camera\n"
    "clock set wrong shows up here. Items nothing places are listed last.\n"
    "\n"
    "  --json   {\"case\", \"items\": [{\"item\", \"name\", \"duration_s\", \"start\": {\"best\",\n"
    "           \"earliest\", \"latest\"}|null, \"basis\": [{\"kind\", \"detail\", \"earliest\",\n"
    "           \"latest\"}]}], \"events\": [{\"observation\", \"item\", \"kind\", \"text\", "
    "\"offset_s\",\n"
    "           \"time\": {\"best\", \"earliest\", \"latest\"}|null}], \"conflicts\": "
    "[{\"items\",\n"
    "           \"message\"}]}; times RFC 3339 UTC, an unbounded end null\n";

// "2026-11-24T05:42:10.000Z ±1.5 s", or the interval when it is wide.
std::string SpanText(const inv::TimeSpan& s) {
  const double half = (s.latest - s.earliest) / 2;
  char buf[32];
  if (half < 0.0005) return inv::TimeText(s.best());
  if (half < 3600) {
    std::snprintf(buf, sizeof buf, " ±%.3g s", half);
    return inv::TimeText(s.best()) + buf;
  }
  return inv::TimeText(s.earliest) + " .. " + inv::TimeText(s.latest);
}

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("timeline", "--case DIR is required");
  if (!args.positional().empty()) return UsageError("timeline", "unexpected argument");
  auto c = OpenCase("timeline", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  auto timeline = inv::BuildTimeline(*c);
  if (!timeline.ok()) {
    Warn("timeline", timeline.status().message());
    return kExitFailed;
  }
  if (args.Has("json")) {
    nlohmann::json out = inv::TimelineJson(*timeline);
    out["case"] = DisplayPath(dir);
    PrintJson(out);
    return kExitOk;
  }
  for (const auto& i : timeline->items) {
    std::printf("#%-4lld %-32s %s\n", static_cast<long long>(i.item_id), i.name.c_str(),
                i.start ? SpanText(*i.start).c_str() : "not placed");
    for (const auto& b : i.basis) {
      if (b.kind == "obtained" && i.basis.size() > 1) continue;  // shown only when alone
      std::printf("        %-9s %s\n", b.kind.c_str(), b.detail.c_str());
    }
  }
  if (!timeline->events.empty()) std::printf("\nevents:\n");
  for (const auto& e : timeline->events) {
    char at[48];
    std::snprintf(at, sizeof at, "#%lld at %.2f s", static_cast<long long>(e.item_id), e.offset_s);
    std::printf("  %-30s %-18s %-7s %s\n", e.time ? SpanText(*e.time).c_str() : "not placed", at,
                e.kind.c_str(), e.text.c_str());
  }
  if (!timeline->conflicts.empty()) std::printf("\nconflicts:\n");
  for (const auto& k : timeline->conflicts) std::printf("  %s\n", k.message.c_str());
  return kExitOk;
}

}  // namespace

extern const Command kTimelineCommand = {
    "timeline", "items and observed events on one clock, with where each time comes from",
    kUsage,     {{"json"}, {"case"}, {}},
    Run,
};

}  // namespace sightline::cli

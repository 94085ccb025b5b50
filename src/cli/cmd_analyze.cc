// sightline analyze: every analysis over every item of a case, recorded as findings.
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "case/analyze.h"
#include "cli/analyze_meter.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

namespace inv = investigation;

constexpr char kUsage[] =
    "Usage: sightline analyze --case DIR [--threads N] [--no-sound] [--skip STAGE]... [--json]\n"
    "\n"
    "Runs the analyses over the items of a case and records what they find as findings, for a\n"
    "person to accept or reject (`sightline findings`, `accept`, `reject`; doc/findings.md):\n"
    "\n"
    "  footage   same_footage: items holding the same recording (copies, re-encodes, crops,\n"
    "            excerpts, compilations), as `sightline match` finds them\n"
    "  moment    same_moment: recordings of one moment, lined up by their sound, as\n"
    "            `sightline sync` finds them (offset_s: where b's start falls on a's clock)\n"
    "  sounds    no finding: shots, bursts, blasts and speech heard in each item, as\n"
    "            `sightline events` finds them, kept for `report` and `show`\n"
    "  text      no finding: the words in each photo and video (captions, signs), as\n"
    "            `sightline text --every 5` reads them, kept for `report`\n"
    "  gps       no finding: the GPS track a camera recorded beside its video (GoPro\n"
    "            telemetry), as `sightline track` reads it, kept for `timeline` and `report`\n"
    "  place     same_place: photos and videos showing the same place, as `sightline scene`\n"
    "            finds them (pairs of the same footage are not suggested again)\n"
    "  event     same_event: the same place at about the same time (recordings that can lie\n"
    "            within an hour of each other on the timeline); decodes nothing\n"
    "\n"
    "Incremental: signals computed before are read from the case, and only items an analysis\n"
    "has not compared yet (at its current version) are compared, each with all the others. Each\n"
    "stage is recorded when it ends, so a run that is stopped resumes at the stage it was in.\n"
    "Re-running on an unchanged case does nothing. On a terminal, one line on stderr gives the\n"
    "stage, its files, the share of the whole run done and an ETA.\n"
    "\n"
    "  --threads N   files decoded and pairs compared at once (default 2)\n"
    "  --no-sound    do not compare soundtracks in the footage stage\n"
    "  --skip STAGE  leave a stage out: moment, sounds, text, gps, place or event (repeatable;\n"
    "                text and place are the slowest)\n"
    "  --no-place    the same as --skip place\n"
    "  --json        {\"case\", \"stages\": [{\"stage\", \"items\", \"new_items\", \"reused\", "
    "\"extracted\",\n"
    "                \"compared\", \"suggested\", \"new_findings\", \"seconds\", \"warnings\": "
    "[...],\n                "
    "\"error\"}],\n"
    "                \"new_findings\"}; error is null when the stage ran\n"
    "\n"
    "Exit status: 0 every stage ran and every item was read, 1 something failed (the rest is\n"
    "still analysed and recorded), 2 usage.\n";

// One line per stage. The per-item stages (sounds, text, gps) read items and compare nothing; the
// event stage decodes nothing and looks at pairs shown to be one place.
void PrintStage(const inv::StageReport& s) {
  const inv::StageOutcome& o = s.outcome;
  const char* name = s.stage.c_str();
  if (s.stage == "event") {
    std::printf("%-8s %zu pairs of one place placed in time; %d new findings\n", name, o.compared,
                s.new_findings);
  } else if (o.new_items == 0 && s.status.ok()) {
    std::printf("%-8s %zu items, none new: nothing to do\n", name, o.items);
  } else if (s.stage == "sounds" || s.stage == "text" || s.stage == "gps") {
    std::printf("%-8s %zu items (%zu new); %zu read, %zu stored before\n", name, o.items,
                o.new_items, o.extracted, o.reused);
  } else {
    std::printf(
        "%-8s %zu items (%zu new); signals: %zu reused, %zu computed; %zu pairs compared; "
        "%d new findings\n",
        name, o.items, o.new_items, o.reused, o.extracted, o.compared, s.new_findings);
  }
}

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("analyze", "--case DIR is required");
  if (!args.positional().empty()) return UsageError("analyze", "unexpected argument");
  int threads = 2;
  if (args.Has("threads") && !ParseWholeNumber(args.Get("threads"), 1, 64, &threads)) {
    return UsageError("analyze", "--threads needs a number from 1 to 64");
  }
  auto opened = OpenCaseToWrite("analyze", dir);
  if (!opened) return kExitFailed;
  inv::AnalyzeOptions options;
  options.threads = threads;
  options.sound = !args.Has("no-sound");
  std::set<std::string> skip;
  for (const std::string& stage : args.GetAll("skip")) {
    if (stage != "moment" && stage != "sounds" && stage != "text" && stage != "gps" &&
        stage != "place" && stage != "event") {
      return UsageError("analyze", "--skip takes moment, sounds, text, gps, place or event, not '" +
                                       stage + "' (the footage stage always runs)");
    }
    skip.insert(stage);
  }
  if (args.Has("no-place")) skip.insert("place");
  options.moments = !skip.count("moment");
  options.sounds = !skip.count("sounds");
  options.text = !skip.count("text");
  options.gps = !skip.count("gps");
  options.places = !skip.count("place");
  options.events = !skip.count("event");
  // One line over the whole run: "analyze 3/7 text", the stage's files, the run's share and ETA.
  const int stage_count = 1 + options.moments + options.sounds + options.text + options.gps +
                          options.places + options.events;
  Result<std::vector<inv::StageWork>> plan = inv::PlanAnalysis(*opened->c, options);
  if (!plan.ok()) return FailWith("analyze", plan.status());
  AnalyzeMeter meter(std::move(*plan), stage_count);
  options.progress = &meter;
  options.on_stage = [&meter](const std::string& stage) { meter.StageStarted(stage); };
  inv::AnalyzeReport report = inv::AnalyzeCase(*opened->c, opened->who, options);
  meter.Clear();

  int new_findings = 0;
  nlohmann::ordered_json stages = nlohmann::ordered_json::array();
  for (const inv::StageReport& s : report.stages) {
    new_findings += s.new_findings;
    for (const std::string& w : s.outcome.warnings) Warn("analyze", s.stage + ": " + w);
    if (!s.status.ok()) Warn("analyze", s.stage + ": " + s.status.message());
    const inv::StageOutcome& o = s.outcome;
    stages.push_back({{"stage", s.stage},
                      {"items", o.items},
                      {"new_items", o.new_items},
                      {"reused", o.reused},
                      {"extracted", o.extracted},
                      {"compared", o.compared},
                      {"suggested", o.run.suggestions.size()},
                      {"new_findings", s.new_findings},
                      {"seconds", std::round(s.seconds * 1000) / 1000},
                      {"warnings", o.warnings},
                      {"error", s.status.ok() ? nlohmann::ordered_json()
                                              : nlohmann::ordered_json(s.status.message())}});
    if (!args.Has("json")) PrintStage(s);
  }
  if (args.Has("json")) {
    nlohmann::ordered_json out = {{"case", DisplayPath(dir)}};
    out["stages"] = stages;
    out["new_findings"] = new_findings;
    PrintOrderedJson(out);
  } else if (new_findings > 0) {
    std::printf("%d new findings: sightline findings --case %s\n", new_findings,
                DisplayPath(dir).c_str());
  }
  return report.failed() ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kAnalyzeCommand = {
    "analyze", "run the analyses over a case's items and record findings",
    kUsage,    {{"json", "no-sound", "no-place"}, {"case", "threads"}, {"skip"}},
    Run,
};

}  // namespace sightline::cli

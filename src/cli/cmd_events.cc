// sightline events: gunshot-like impulses, bursts of automatic fire, explosions and speech regions
// in audio and video files, with shooter distances from supersonic crack-thump pairs. Thin: the
// detectors are analysis/events/; this file decodes each file once (media::DecodeAudio), shows
// progress and prints.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "analysis/events/events.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/events_common.h"
#include "cli/output.h"
#include "media/audio_source.h"
#include "report/contact_sheet.h"

namespace sightline::cli {
namespace {

namespace ev = analysis::events;

constexpr char kUsage[] =
    "Usage: sightline events [--json] [--min-confidence C] [--temperature C]\n"
    "                        [--bullet-speed LO:HI] [--no-speech] FILE...\n"
    "\n"
    "Finds impulsive sound events in the audio of each FILE, so that gunshots and explosions can\n"
    "be found in hours of footage, and where people speak:\n"
    "  shot    a steep, short, broadband impulse (gunshot-like; also door slams, claps, "
    "fireworks)\n"
    "  burst   three or more shots at most 0.25 s apart (automatic fire), one event with its "
    "count\n"
    "  blast   a long, low-frequency-heavy impulse (explosion)\n"
    "A supersonic bullet's crack (shock wave) arrives before the muzzle blast's thump; when both\n"
    "are heard, the shot carries their times and the distance range to the weapon that their\n"
    "interval implies (d = interval * c * v / (v - c)) for a shot aimed at or near the "
    "microphone,\n"
    "with its assumptions (an oblique shot is farther than the range; doc/events.md).\n"
    "Confidence (0-1) weighs contrast over the background, steepness, absence of tones and decay;\n"
    "check events on `sightline spectrogram`.\n"
    "\n"
    "  --min-confidence C  report events at or above C (default 0.5)\n"
    "  --temperature C     air temperature for the speed of sound, degrees Celsius (default 20)\n"
    "  --bullet-speed LO:HI  assumed mean bullet speeds over the path, m/s (default 600:1000)\n"
    "  --no-speech         skip speech regions\n"
    "  --json              "
    "{\"file\",\"duration_s\",\"events\":[{\"t\",\"end\",\"kind\",\"peak_dbfs\",\n"
    "                      \"confidence\",\"count\"?,\"crack_t\"?,\"thump_t\"?,\"interval_s\"?,\n"
    "                      "
    "\"distance_m\"?:[lo,hi],\"assumptions\"?:{...}}],\"speech\":[{\"start\",\n"
    "                      \"end\"}],\"warnings\":[...]}; times in seconds on the file's clock; "
    "several\n"
    "                      files: an array\n"
    "\n"
    "Exit status: 0 all files analysed, 1 a file could not be read (no audio stream, damaged),\n"
    "2 usage error.\n";

void PrintText(const std::string& file, const EventsAnalysis& a, const ev::EventOptions& o) {
  using report::Timecode;
  std::printf("== %s  (%s of audio, %zu event(s), %zu speech region(s))\n", file.c_str(),
              Timecode(a.duration_s).c_str(), a.result.events.size(), a.result.speech.size());
  for (const ev::AudioEvent& e : a.result.events) {
    std::string kind = ev::KindName(e.kind);
    if (e.kind == ev::EventKind::kBurst) kind += " x" + std::to_string(e.count);
    std::printf("  %s  %-9s %6.1f dBFS  confidence %.2f  (to %s)\n", Timecode(e.t).c_str(),
                kind.c_str(), e.peak_dbfs, e.confidence, Timecode(e.end).c_str());
    if (e.crack_thump) {
      const auto& ct = *e.crack_thump;
      std::printf(
          "             crack %s, thump %s: %.3f s apart -> shooter %.0f-%.0f m away (bullet "
          "%.0f-%.0f m/s, sound %.1f m/s at %.0f C, shot aimed near the microphone)\n",
          Timecode(ct.crack_t).c_str(), Timecode(ct.thump_t).c_str(), ct.interval_s,
          ct.distance_lo_m, ct.distance_hi_m, o.distance.bullet_speed_lo,
          o.distance.bullet_speed_hi, ev::SpeedOfSound(o.distance.temperature_c),
          o.distance.temperature_c);
    }
  }
  if (!a.result.speech.empty()) {
    std::printf("  speech:");
    for (const auto& s : a.result.speech)
      std::printf(" %s-%s", Timecode(s.start).c_str(), Timecode(s.end).c_str());
    std::printf("\n");
  }
  for (const std::string& w : a.warnings) std::printf("  warning: %s\n", w.c_str());
  std::printf("\n");
}

int Run(const Args& args) {
  if (args.positional().empty()) return UsageError("events", "no FILE given");
  auto options = ParseEventOptions(args);
  if (!options.ok()) return UsageError("events", options.status().message());
  const bool json = args.Has("json");
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  bool failed = false;
  ProgressMeter progress("events", 0, args.positional().size(), ProgressMeter::Unit::kMediaSeconds);
  for (const std::string& file : args.positional()) {
    auto a = AnalyseEvents(file, *options, [&](double seconds) { progress.Add(seconds); });
    progress.FileDone();
    progress.Clear();
    if (!a.ok()) {
      Warn("events", a.status().message());
      failed = true;
      if (json) all.push_back({{"file", DisplayPath(file)}, {"error", a.status().message()}});
      continue;
    }
    for (const auto& w : a->warnings) Warn("events", DisplayPath(file) + ": " + w);
    if (json) {
      all.push_back(EventsJson(DisplayPath(file), *a, *options));
    } else {
      PrintText(DisplayPath(file), *a, *options);
    }
  }
  if (json) PrintOrderedJson(all.size() == 1 ? all[0] : all);
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kEventsCommand = {
    "events", "gunshots, bursts, explosions and speech regions in audio",
    kUsage,   {{"json", "no-speech"}, {"min-confidence", "temperature", "bullet-speed"}, {}},
    Run,
};

}  // namespace sightline::cli

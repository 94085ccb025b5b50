// sightline events: gunshot-like impulses, bursts of automatic fire, explosions and speech regions
// in audio and video files, with shooter distances from supersonic crack-thump pairs. Thin: the
// detectors are analysis/events/; this file decodes each file once (media::DecodeAudio), shows
// progress and prints.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "analysis/events/events.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/events_common.h"
#include "cli/events_link.h"
#include "cli/output.h"
#include "media/audio_source.h"
#include "report/contact_sheet.h"

namespace sightline::cli {
namespace {

namespace ev = analysis::events;

constexpr char kUsage[] =
    "Usage: sightline events [--json] [--min-confidence C] [--temperature C]\n"
    "                        [--bullet-speed LO:HI] [--no-speech] FILE...\n"
    "       sightline events --sync [--max-difference S] [options] FILE FILE...\n"
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
    "  --sync              also put the files on one clock by their sound (as sightline sync "
    "does)\n"
    "                      and link the same event in two clips: its time in each, the arrival-\n"
    "                      time difference and, with the speed of sound at --temperature, how\n"
    "                      much farther the source is from one microphone than from the other.\n"
    "                      The difference is relative to the sound the clips were synced on: a\n"
    "                      difference of distances when that sound was near both microphones\n"
    "                      (doc/events.md). Pairs that share no sound say \"not synced\" and why.\n"
    "                      Decodes each file's audio a second time, for the sync.\n"
    "  --max-difference S  with --sync, the largest arrival-time difference linked, seconds\n"
    "                      (default 1: about 340 m of path difference)\n"
    "  --json              "
    "{\"file\",\"duration_s\",\"events\":[{\"t\",\"end\",\"kind\",\"peak_dbfs\",\n"
    "                      \"confidence\",\"count\"?,\"crack_t\"?,\"thump_t\"?,\"interval_s\"?,\n"
    "                      "
    "\"distance_m\"?:[lo,hi],\"assumptions\"?:{...}}],\"speech\":[{\"start\",\n"
    "                      \"end\"}],\"warnings\":[...]}; times in seconds on the file's clock; "
    "several\n"
    "                      files: an array\n"
    "                      With --sync: {\"files\":[the "
    "above],\"links\":[{\"a\",\"b\",\"offset_s\",\n"
    "                      \"drift_ppm\",\"confidence\",\"overlap_s\",\"other_offsets\",\n"
    "                      \"events\":[{\"a_t\",\"b_t\",\"kind\",\"count\"?,\"b_kind\"?,\n"
    "                      \"arrival_difference_s\",\"distance_difference_m\"}],\"unlinked_a\",\n"
    "                      \"unlinked_b\"}],\"no_sync\":[{\"a\",\"b\",\"reason\"}],\n"
    "                      \"link_assumptions\":{\"temperature_c\",\"speed_of_sound_m_s\",\n"
    "                      \"max_difference_s\",\"reference\"}}; arrival_difference_s > 0: heard\n"
    "                      later in a (farther from a)\n"
    "\n"
    "Exit status: 0 all files analysed, 1 a file could not be read (no audio stream, damaged),\n"
    "2 usage error.\n";

void PrintText(const std::string& file, const signals::EventsAnalysis& a,
               const ev::EventOptions& o) {
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
  const bool link = args.Has("sync");
  if (link && args.positional().size() < 2)
    return UsageError("events", "--sync needs two or more FILEs");
  LinkRunOptions link_options;
  link_options.link.temperature_c = options->distance.temperature_c;
  if (args.Has("max-difference") &&
      !ParseReal(args.Get("max-difference"), 0.001, 10, &link_options.link.max_difference_s))
    return UsageError("events", "--max-difference must be seconds from 0.001 to 10");
  if (args.Has("max-difference") && !link)
    return UsageError("events", "--max-difference goes with --sync");
  link_options.threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  // With --sync, every file's analysis is kept for the links.
  std::vector<signals::EventsAnalysis> kept(link ? args.positional().size() : 0);
  std::vector<LinkInput> link_inputs;
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  bool failed = false;
  ProgressMeter progress("events", 0, args.positional().size(), ProgressMeter::Unit::kMediaSeconds);
  for (std::size_t i = 0; i < args.positional().size(); ++i) {
    const std::string& file = args.positional()[i];
    auto a = signals::AnalyseEvents(file, *options, [&](double seconds) { progress.Add(seconds); });
    progress.FileDone();
    progress.Clear();
    if (link) link_inputs.push_back({DisplayPath(file), file, nullptr});
    if (!a.ok()) {
      Warn("events", a.status().message());
      failed = true;
      if (json) all.push_back({{"file", DisplayPath(file)}, {"error", a.status().message()}});
      continue;
    }
    for (const auto& w : a->warnings) Warn("events", DisplayPath(file) + ": " + w);
    if (json) {
      all.push_back(signals::EventsJson(DisplayPath(file), *a, *options));
    } else {
      PrintText(DisplayPath(file), *a, *options);
    }
    if (link) {
      kept[i] = std::move(*a);
      link_inputs.back().events = &kept[i].result.events;
    }
  }
  if (!link) {
    if (json) PrintOrderedJson(all.size() == 1 ? all[0] : all);
    return failed ? kExitFailed : kExitOk;
  }
  const std::vector<LinkedPair> pairs = LinkFiles(link_inputs, link_options);
  if (json) {
    nlohmann::ordered_json j;
    j["files"] = std::move(all);
    j["links"] = nlohmann::ordered_json::array();
    j["no_sync"] = nlohmann::ordered_json::array();
    for (const LinkedPair& p : pairs)
      j[p.synced ? "links" : "no_sync"].push_back(LinkedPairJson(p, link_inputs));
    j["link_assumptions"] = LinkAssumptionsJson(link_options.link);
    PrintOrderedJson(j);
  } else {
    PrintLinkedPairs(pairs, link_inputs, link_options.link);
  }
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kEventsCommand = {
    "events",
    "gunshots, bursts, explosions and speech regions in audio",
    kUsage,
    {{"json", "no-speech", "sync"},
     {"min-confidence", "temperature", "bullet-speed", "max-difference"},
     {}},
    Run,
};

}  // namespace sightline::cli

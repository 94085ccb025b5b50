// The audio-events benchmark's helper (bench/run.sh, "Audio events"): generates scenes with known
// events (analysis/events/scene_synth.h) and scores `sightline events --json` against them.
//
//   events_bench gen DIR N SECONDS [SET]
//                                    DIR/scene_K.wav (48 kHz float) and DIR/scene_K.truth.json;
//                                    SET (default 0, the bench's) picks another set of seeds, for
//                                    checking a change on scenes it was not tuned on; SET + 1000
//                                    adds hard negatives (drums, hand claps, door slams:
//                                    SceneSpec::hard_negatives) to the same scenes
//   events_bench score DIR N CODEC   reads DIR/scene_K.CODEC.found.json (sightline's output),
//                                    prints precision, recall, onset error, kinds, crack-thump
//                                    errors, and precision/recall/onset error per bed
//
// Built by bench/run.sh straight from the sources (it needs only the generator and the standard
// library), so the benchmark does not change the project's build.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "analysis/events/scene_synth.h"

namespace ev = sightline::analysis::events;
namespace synth = sightline::analysis::events::synth;

namespace {

const char* Kind(ev::EventKind k) {
  return k == ev::EventKind::kBurst ? "burst" : k == ev::EventKind::kBlast ? "blast" : "shot";
}
ev::EventKind KindOf(const std::string& s) {
  return s == "burst"   ? ev::EventKind::kBurst
         : s == "blast" ? ev::EventKind::kBlast
                        : ev::EventKind::kShot;
}

int Gen(const std::string& dir, int n, double seconds, int set) {
  for (int k = 0; k < n; ++k) {
    synth::Synth gen(1000003ull * (k + 1) + 7919ull * static_cast<unsigned>(set % 1000));
    synth::SceneSpec spec;
    spec.seconds = seconds;
    spec.bed = synth::BenchBeds(k).first;
    spec.second_bed = synth::BenchBeds(k).second;
    spec.events = std::max(1, static_cast<int>(seconds / 6));
    spec.hard_negatives = set >= 1000;
    synth::Scene s = gen.MakeScene(spec);
    const std::string base = dir + "/scene_" + std::to_string(k);
    std::ofstream(base + ".wav", std::ios::binary) << synth::WavBytes(s.samples, s.rate);
    nlohmann::json j = {{"bed", synth::BedName(spec.bed)},
                        {"second_bed", synth::BedName(spec.second_bed)}};
    j["events"] = nlohmann::json::array();
    for (const auto& e : s.events)
      j["events"].push_back({{"t", e.t},
                             {"kind", Kind(e.kind)},
                             {"count", e.count},
                             {"interval_s", e.interval_s},
                             {"distance_m", e.distance_m}});
    std::ofstream(base + ".truth.json") << j.dump(1) << "\n";
  }
  return 0;
}

int Score(const std::string& dir, int n, const std::string& codec) {
  synth::Score total;
  std::vector<std::pair<std::string, synth::Score>> per_bed;  // in order of first appearance
  int ct_n = 0, ct_held = 0, ct_truth = 0;
  double ct_err_max = 0, ct_err_sum = 0;
  for (int k = 0; k < n; ++k) {
    const std::string base = dir + "/scene_" + std::to_string(k);
    std::ifstream tf(base + ".truth.json"), ff(base + "." + codec + ".found.json");
    if (!tf || !ff) {
      std::fprintf(stderr, "events_bench: missing %s.truth.json or %s.%s.found.json\n",
                   base.c_str(), base.c_str(), codec.c_str());
      return 1;
    }
    const nlohmann::json truth = nlohmann::json::parse(tf), found = nlohmann::json::parse(ff);
    std::vector<synth::TruthEvent> te;
    for (const auto& e : truth["events"]) {
      synth::TruthEvent t;
      t.t = e["t"];
      t.kind = KindOf(e["kind"]);
      t.count = e["count"];
      t.interval_s = e["interval_s"];
      t.distance_m = e["distance_m"];
      te.push_back(t);
      if (t.interval_s > 0 && t.kind == ev::EventKind::kShot) ++ct_truth;
    }
    std::vector<ev::AudioEvent> fe;
    for (const auto& e : found["events"]) {
      ev::AudioEvent a;
      a.t = e["t"];
      a.kind = KindOf(e["kind"]);
      a.count = e.value("count", 1);
      fe.push_back(a);
      // Crack-thump pairs: against the nearest supersonic single shot.
      if (!e.contains("interval_s")) continue;
      for (const auto& t : te) {
        if (t.interval_s <= 0 || t.kind != ev::EventKind::kShot || std::fabs(t.t - a.t) > 0.05)
          continue;
        const double err = std::fabs(e["interval_s"].get<double>() - t.interval_s);
        ++ct_n;
        ct_err_sum += err;
        ct_err_max = std::max(ct_err_max, err);
        if (e["distance_m"][0].get<double>() <= t.distance_m &&
            t.distance_m <= e["distance_m"][1].get<double>())
          ++ct_held;
      }
    }
    const synth::Score s = synth::ScoreEvents(te, fe);
    total.Add(s);
    const std::string bed =
        truth["bed"].get<std::string>() + "+" + truth["second_bed"].get<std::string>();
    auto it =
        std::find_if(per_bed.begin(), per_bed.end(), [&](const auto& p) { return p.first == bed; });
    if (it == per_bed.end()) {
      per_bed.push_back({bed, {}});
      it = per_bed.end() - 1;
    }
    it->second.Add(s);
  }
  std::printf("%-44s %10d\n", "events in the truth", total.truth);
  std::printf("%-44s %10d\n", "events found", total.detected);
  std::printf("%-44s %10.3f\n", "precision", total.precision());
  std::printf("%-44s %10.3f\n", "recall", total.recall());
  std::printf("%-44s %10.2f\n", "onset error, mean (ms)", 1e3 * total.mean_onset_error());
  std::printf("%-44s %10.2f\n", "onset error, max (ms)", 1e3 * total.onset_err_max);
  std::printf("%-44s %6d/%d\n", "kind right (of matched)", total.kind_correct, total.matched);
  std::printf("%-44s %6d/%d\n", "crack-thump pairs measured (of supersonic)", ct_n, ct_truth);
  const std::string head = "per bed (" + codec + ")";
  std::printf("  %-20s %6s %6s %9s %9s %14s\n", head.c_str(), "truth", "found", "precision",
              "recall", "onset max ms");
  for (const auto& [bed, b] : per_bed)
    std::printf("  %-20s %6d %6d %9.3f %9.3f %14.2f\n", bed.c_str(), b.truth, b.detected,
                b.precision(), b.recall(), 1e3 * b.onset_err_max);
  if (ct_n) {
    std::printf("%-44s %10.2f\n", "crack-thump interval error, mean (ms)", 1e3 * ct_err_sum / ct_n);
    std::printf("%-44s %10.2f\n", "crack-thump interval error, max (ms)", 1e3 * ct_err_max);
    std::printf("%-44s %6d/%d\n", "distance range holds the true distance", ct_held, ct_n);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if ((argc == 5 || argc == 6) && std::string(argv[1]) == "gen")
    return Gen(argv[2], std::atoi(argv[3]), std::atof(argv[4]), argc == 6 ? std::atoi(argv[5]) : 0);
  if (argc == 5 && std::string(argv[1]) == "score")
    return Score(argv[2], std::atoi(argv[3]), argv[4]);
  std::fprintf(stderr, "usage: events_bench gen DIR N SECONDS [SET] | score DIR N CODEC\n");
  return 2;
}

// The event-linking benchmark's helper (bench/events/run.sh, "events --sync"): pairs of
// recordings of one generated scene with a known offset, each event reaching the two phones with
// its own known arrival-time difference, and the score of `sightline events --sync --json`.
//
//   link_bench gen DIR N     DIR/pair_K_a.wav (60 s), DIR/pair_K_b.wav (40 s, starting at a
//                            known time in a, at another level with its own noise) and
//                            DIR/pair_K.truth.json
//   link_bench score DIR N   reads DIR/pair_K.found.json (sightline's output); prints sync
//                            offset errors, events linked, links to pieces of events (a burst
//                            split in two), wrong links, arrival-difference errors
//
// The bed (street, voices, music, traffic; analysis/events/scene_synth.h) is heard alike by both
// phones — the sound they are synced on — and each event comes from its own place: 0.25 s of
// difference either way (±86 m of path difference). Built by run.sh straight from the sources.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/events/scene_synth.h"

namespace synth = sightline::analysis::events::synth;

namespace {

constexpr int kRate = 48000;
constexpr double kSecondsA = 60, kSecondsB = 40;

// Event `kind` (0 shot, 1 burst, 2 blast) drawn by a generator of its own seed, so that both
// recordings get the same waveform.
void AddEvent(std::vector<float>& x, std::uint64_t seed, int kind, double t, double peak_dbfs) {
  synth::Synth gen(seed);
  if (kind == 0) {
    gen.AddShot(x, t, peak_dbfs);
  } else if (kind == 1) {
    gen.AddBurst(x, t, peak_dbfs, 3 + static_cast<int>(gen.Uniform(0, 5)), gen.Uniform(0.07, 0.1));
  } else {
    gen.AddBlast(x, t, peak_dbfs);
  }
}

int Gen(const std::string& dir, int n) {
  for (int k = 0; k < n; ++k) {
    synth::Synth gen(7000003ull * (k + 1));
    const auto [first_bed, second_bed] = synth::BenchBeds(k);
    auto bed = gen.Bed(first_bed, kSecondsA, -30);
    if (second_bed != synth::BedKind::kQuiet) {
      auto second = gen.Bed(second_bed, kSecondsA, -36);
      for (std::size_t i = 0; i < bed.size(); ++i) bed[i] += second[i];
    }
    const double offset = gen.Uniform(5, 15);
    const auto from = static_cast<std::size_t>(std::lround(offset * kRate));
    std::vector<float> a = bed, b(static_cast<std::size_t>(kSecondsB * kRate));
    const auto own = gen.Bed(synth::BedKind::kStreet, kSecondsB, -46);
    const float gain_b = static_cast<float>(std::pow(10, gen.Uniform(-8, 0) / 20));
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = gain_b * bed[from + i] + own[i];
    nlohmann::json truth = {
        {"bed", std::string(synth::BedName(first_bed)) + "+" + synth::BedName(second_bed)},
        {"offset_s", static_cast<double>(from) / kRate}};
    truth["events"] = nlohmann::json::array();
    // Six events 6-10 s apart from 2 s on (blasts and the next event: 2 s of rumble between).
    double t = gen.Uniform(2, 5);
    for (int e = 0; e < 6 && t < kSecondsA - 3; ++e) {
      const double u = gen.Uniform(0, 1);
      const int kind = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
      const double delay = gen.Uniform(-0.25, 0.25);  // t_A − t_B on A's clock
      const double peak = gen.Uniform(-8, -1);
      const std::uint64_t seed = 9100000ull * (k + 1) + e;
      AddEvent(a, seed, kind, t, peak);
      const double t_b = t - delay - static_cast<double>(from) / kRate;
      const bool in_b = t_b > 0.5 && t_b < kSecondsB - 3;
      if (in_b) AddEvent(b, seed, kind, t_b, peak + 20 * std::log10(gain_b));
      truth["events"].push_back({{"t_a", t},
                                 {"t_b", t_b},
                                 {"kind", kind == 0   ? "shot"
                                          : kind == 1 ? "burst"
                                                      : "blast"},
                                 {"delay_s", delay},
                                 {"in_b", in_b}});
      t += gen.Uniform(6, 10);
    }
    for (auto* x : {&a, &b})
      for (auto& v : *x) v = std::clamp(v, -1.0f, 1.0f);
    const std::string base = dir + "/pair_" + std::to_string(k);
    std::ofstream(base + "_a.wav", std::ios::binary) << synth::WavBytes(a, kRate);
    std::ofstream(base + "_b.wav", std::ios::binary) << synth::WavBytes(b, kRate);
    std::ofstream(base + ".truth.json") << truth.dump(1) << "\n";
  }
  return 0;
}

int Score(const std::string& dir, int n) {
  int synced = 0, linkable = 0, found = 0, pieces = 0, wrong = 0;
  std::vector<double> offset_err, diff_err;
  for (int k = 0; k < n; ++k) {
    const std::string base = dir + "/pair_" + std::to_string(k);
    std::ifstream tf(base + ".truth.json"), ff(base + ".found.json");
    if (!tf || !ff) {
      std::fprintf(stderr, "link_bench: missing %s.truth.json or %s.found.json\n", base.c_str(),
                   base.c_str());
      return 1;
    }
    const nlohmann::json truth = nlohmann::json::parse(tf), out = nlohmann::json::parse(ff);
    for (const auto& e : truth["events"]) linkable += e["in_b"].get<bool>() ? 1 : 0;
    if (out["links"].empty()) continue;
    ++synced;
    const auto& p = out["links"][0];
    offset_err.push_back(std::fabs(p["offset_s"].get<double>() - truth["offset_s"].get<double>()));
    // A link is right when both its times fall within one event heard in both (a burst or a
    // blast whose first part was missed is still that event, and its arrival difference holds).
    std::vector<int> links_of(truth["events"].size(), 0);
    for (const auto& l : p["events"]) {
      int match = -1;
      for (std::size_t e = 0; e < truth["events"].size(); ++e) {
        const auto& te = truth["events"][e];
        const double span = te["kind"] == "shot" ? 0.05 : 0.8;
        const double da = l["a_t"].get<double>() - te["t_a"].get<double>();
        const double db = l["b_t"].get<double>() - te["t_b"].get<double>();
        if (te["in_b"].get<bool>() && da > -0.05 && da < span && db > -0.05 && db < span)
          match = static_cast<int>(e);
      }
      if (match < 0) {
        ++wrong;
        continue;
      }
      if (links_of[match]++ == 0) {
        ++found;
      } else {
        ++pieces;
      }
      diff_err.push_back(std::fabs(l["arrival_difference_s"].get<double>() -
                                   truth["events"][match]["delay_s"].get<double>()));
    }
  }
  const auto median = [](std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const auto max = [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
  };
  std::printf("%-44s %6d/%d\n", "pairs synced", synced, n);
  std::printf("%-44s %10.3f\n", "sync offset error, median (ms)", 1e3 * median(offset_err));
  std::printf("%-44s %10.3f\n", "sync offset error, max (ms)", 1e3 * max(offset_err));
  std::printf("%-44s %6d/%d\n", "events linked right (of heard in both)", found, linkable);
  std::printf("%-44s %10d\n", "further links to pieces of those events", pieces);
  std::printf("%-44s %10d\n", "wrong links", wrong);
  std::printf("%-44s %10.2f\n", "arrival difference error, median (ms)", 1e3 * median(diff_err));
  std::printf("%-44s %10.2f\n", "arrival difference error, max (ms)", 1e3 * max(diff_err));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "gen") return Gen(argv[2], std::atoi(argv[3]));
  if (argc == 4 && std::string(argv[1]) == "score") return Score(argv[2], std::atoi(argv[3]));
  std::fprintf(stderr, "usage: link_bench gen DIR N | score DIR N\n");
  return 2;
}

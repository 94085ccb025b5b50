// The sync benchmark's helper (bench/sync/run.sh, section "Audio sync"): makes long synthetic
// recordings to cut clips from, and scores `sightline sync --json` against the known offsets.
//
//   sync_bench scene OUT.wav SEED SECONDS BED   a scene (analysis/events/scene_synth.h: a bed of
//                                               speech, music, street or traffic with a second bed
//                                               6 dB down and an event every 10 s), 48 kHz mono
//   sync_bench pairs DIR     reads DIR/pairs.tsv (id, a, b, offset_s or "none", drift_ppm, what),
//                            DIR/out/ID.json and DIR/out/times.tsv (id, then wall and CPU seconds:
//                            decode wall, sync wall, decode CPU, sync CPU, decode-to-11025-Hz CPU);
//                            prints one row per pair and the summary (accuracy, misses, false
//                            pairs, time against a bare decode)
//   sync_bench clips DIR     reads DIR/clips.tsv (file, master, start_s, duration_s) and
//                            DIR/out/clips.json (one sync over every clip); prints pair recall,
//                            false pairs, offset errors and how the groups came out
//   sync_bench bbc FILE.json OFFSET_2 OFFSET_3   the corpus pairs (bbc_timbl: timbl_2 and
//                            timbl_3 against timbl_1; bbc_r4: must give no pair)
//   sync_bench summary FILE.json                 "N pair(s)" or "no match: REASON"
//
// Built by run.sh straight from the sources (the generator and the standard library only), so
// the benchmark does not change the project's build.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/events/scene_synth.h"

namespace synth = sightline::analysis::events::synth;

namespace {

std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    rows.push_back(cols);
  }
  return rows;
}

bool ReadJson(const std::string& path, nlohmann::json* j) {
  std::ifstream in(path);
  if (!in) return false;
  *j = nlohmann::json::parse(in, nullptr, false);
  return !j->is_discarded();
}

std::string Base(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double Max(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

int Scene(const std::string& out, unsigned long long seed, double seconds, const std::string& bed) {
  const std::map<std::string, std::pair<synth::BedKind, synth::BedKind>> beds = {
      {"speech", {synth::BedKind::kSpeech, synth::BedKind::kStreet}},
      {"music", {synth::BedKind::kMusic, synth::BedKind::kTraffic}},
      {"street", {synth::BedKind::kStreet, synth::BedKind::kSpeech}},
      {"traffic", {synth::BedKind::kTraffic, synth::BedKind::kMusic}}};
  const auto it = beds.find(bed);
  if (it == beds.end()) {
    std::fprintf(stderr, "sync_bench: unknown bed %s\n", bed.c_str());
    return 2;
  }
  synth::Synth gen(seed);
  synth::SceneSpec spec;
  spec.seconds = seconds;
  spec.bed = it->second.first;
  spec.second_bed = it->second.second;
  spec.bed_rms_dbfs = -26;
  spec.events = std::max(1, static_cast<int>(seconds / 10));
  synth::Scene s = gen.MakeScene(spec);
  std::ofstream(out, std::ios::binary) << synth::WavBytes(s.samples, s.rate);
  return 0;
}

// The matched pair of a and b in a sync report (by file name), with its offset as offset_s of b
// in a; false when not reported.
struct Found {
  bool matched = false;
  double offset_s = 0, drift_ppm = 0, confidence = 0;
  bool drift_estimated = false;
};

Found FindPair(const nlohmann::json& report, const std::string& a, const std::string& b) {
  Found f;
  for (const auto& p : report["pairs"]) {
    const std::string pa = Base(p["a"].get<std::string>()), pb = Base(p["b"].get<std::string>());
    const double sign = pa == a && pb == b ? 1 : pa == b && pb == a ? -1 : 0;
    if (sign == 0) continue;
    f.matched = true;
    f.offset_s = sign * p["offset_s"].get<double>();
    f.drift_ppm = sign * p["drift_ppm"].get<double>();
    f.confidence = p["confidence"].get<double>();
    f.drift_estimated = p["drift_estimated"].get<bool>();
  }
  return f;
}

int Pairs(const std::string& dir) {
  const auto rows = ReadTsv(dir + "/pairs.tsv");
  struct Times {
    double dec_wall = 0, sync_wall = 0, dec_cpu = 0, sync_cpu = 0, dec11_cpu = 0;
  };
  std::map<std::string, Times> times;
  for (const auto& t : ReadTsv(dir + "/out/times.tsv")) {
    if (t.size() >= 6) {
      times[t[0]] = {std::atof(t[1].c_str()), std::atof(t[2].c_str()), std::atof(t[3].c_str()),
                     std::atof(t[4].c_str()), std::atof(t[5].c_str())};
    }
  }
  std::vector<double> errors_ms, drift_errors;
  int expected = 0, found_ok = 0, missed = 0, wrong = 0, negatives = 0, false_pairs = 0;
  Times total;
  std::printf("%-4s %-46s %8s %10s %7s %13s %6s %6s %6s\n", "pair", "what", "truth s", "found s",
              "err ms", "drift ppm", "dec", "dec11", "sync");
  for (const auto& r : rows) {
    if (r.size() < 6) continue;
    const std::string& id = r[0];
    nlohmann::json report;
    if (!ReadJson(dir + "/out/" + id + ".json", &report)) {
      std::printf("%-4s %-44s (no report: sightline sync failed)\n", id.c_str(), r[5].c_str());
      ++missed;
      continue;
    }
    const Found f = FindPair(report, Base(r[1]), Base(r[2]));
    const bool negative = r[3] == "none";
    const Times tm = times.count(id) ? times[id] : Times{};
    total.dec_wall += tm.dec_wall, total.sync_wall += tm.sync_wall;
    total.dec_cpu += tm.dec_cpu, total.sync_cpu += tm.sync_cpu, total.dec11_cpu += tm.dec11_cpu;
    char found_s[32] = "-", err[32] = "-", drift[32] = "-";
    if (f.matched) std::snprintf(found_s, sizeof found_s, "%.4f", f.offset_s);
    if (negative) {
      ++negatives;
      if (f.matched) ++false_pairs, std::snprintf(err, sizeof err, "FALSE");
    } else {
      ++expected;
      const double truth = std::atof(r[3].c_str()), truth_drift = std::atof(r[4].c_str());
      if (!f.matched) {
        ++missed;
        std::snprintf(err, sizeof err, "MISS");
      } else {
        const double e = std::fabs(f.offset_s - truth) * 1e3;
        std::snprintf(err, sizeof err, "%.2f", e);
        if (e > 20) {
          ++wrong;
        } else {
          ++found_ok;
          errors_ms.push_back(e);
        }
        if (f.drift_estimated) {
          std::snprintf(drift, sizeof drift, "%+.1f/%+.0f", f.drift_ppm, truth_drift);
          drift_errors.push_back(std::fabs(f.drift_ppm - truth_drift));
        } else if (truth_drift != 0) {
          std::snprintf(drift, sizeof drift, "n/a/%+.0f", truth_drift);
        }
      }
    }
    std::printf("%-4s %-46s %8s %10s %7s %13s %6.2f %6.2f %6.2f\n", id.c_str(), r[5].c_str(),
                negative ? "none" : r[3].c_str(), found_s, err, drift, tm.dec_cpu, tm.dec11_cpu,
                tm.sync_cpu);
  }
  std::printf(
      "pairs with common sound: %d, found within 20 ms: %d, wrong offset: %d, missed: %d\n"
      "offset error: median %.2f ms, max %.2f ms\n",
      expected, found_ok, wrong, missed, Median(errors_ms), Max(errors_ms));
  if (!drift_errors.empty()) {
    std::printf("drift error where estimated: max %.2f ppm (%zu pairs)\n", Max(drift_errors),
                drift_errors.size());
  }
  std::printf("pairs without common sound: %d, false pairs: %d\n", negatives, false_pairs);
  auto pct = [](double a, double b) { return b > 0 ? 100 * (a - b) / b : 0.0; };
  std::printf(
      "CPU s in all (columns dec, dec11, sync: best of the runs, user + system): bare decode of\n"
      "both files %.2f, decode to 11025 Hz mono %.2f, sightline sync --threads 1 %.2f (%+.0f%%\n"
      "against the bare decode, %+.0f%% against the decode to 11025 Hz); wall: decode %.2f, sync\n"
      "%.2f (%+.0f%%)\n",
      total.dec_cpu, total.dec11_cpu, total.sync_cpu, pct(total.sync_cpu, total.dec_cpu),
      pct(total.sync_cpu, total.dec11_cpu), total.dec_wall, total.sync_wall,
      pct(total.sync_wall, total.dec_wall));
  return 0;
}

int Clips(const std::string& dir) {
  struct Clip {
    std::string file, master;
    double start = 0, duration = 0;
  };
  std::vector<Clip> clips;
  for (const auto& r : ReadTsv(dir + "/clips.tsv")) {
    if (r.size() >= 4)
      clips.push_back({Base(r[0]), r[1], std::atof(r[2].c_str()), std::atof(r[3].c_str())});
  }
  nlohmann::json report;
  if (!ReadJson(dir + "/out/clips.json", &report)) {
    std::printf("(no report: sightline sync failed on the clips)\n");
    return 1;
  }
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < clips.size(); ++i) index[clips[i].file] = static_cast<int>(i);
  auto overlap = [&](int i, int j) {
    if (clips[i].master != clips[j].master) return -1.0;
    return std::min(clips[i].start + clips[i].duration, clips[j].start + clips[j].duration) -
           std::max(clips[i].start, clips[j].start);
  };
  // Reported pairs.
  int reported = 0, correct = 0, false_pairs = 0;
  std::vector<double> errors_ms;
  std::set<std::pair<int, int>> ok_pairs;
  for (const auto& p : report["pairs"]) {
    const auto ia = index.find(Base(p["a"].get<std::string>()));
    const auto ib = index.find(Base(p["b"].get<std::string>()));
    if (ia == index.end() || ib == index.end()) continue;
    ++reported;
    const int a = ia->second, b = ib->second;
    const double truth = clips[b].start - clips[a].start;
    const double e = std::fabs(p["offset_s"].get<double>() - truth) * 1e3;
    if (overlap(a, b) > 0 && e <= 20) {
      ++correct;
      errors_ms.push_back(e);
      ok_pairs.insert({std::min(a, b), std::max(a, b)});
    } else {
      ++false_pairs;
    }
  }
  int must = 0, must_found = 0, short_overlap = 0, apart = 0;
  for (int i = 0; i < static_cast<int>(clips.size()); ++i) {
    for (int j = i + 1; j < static_cast<int>(clips.size()); ++j) {
      const double ov = overlap(i, j);
      if (ov >= 5) {
        ++must;
        if (ok_pairs.count({i, j})) ++must_found;
      } else if (ov > 0) {
        ++short_overlap;
      } else {
        ++apart;
      }
    }
  }
  // Groups: each reported group's clips should come from one master, placed as in the truth.
  int groups = 0, mixed = 0;
  double worst_place_ms = 0;
  std::map<int, std::vector<std::pair<int, double>>> members;
  for (const auto& t : report["timeline"]) {
    const auto it = index.find(Base(t["file"].get<std::string>()));
    if (it != index.end())
      members[t["group"].get<int>()].push_back({it->second, t["start_s"].get<double>()});
  }
  for (const auto& [g, m] : members) {
    ++groups;
    std::set<std::string> masters;
    for (const auto& [c, s] : m) masters.insert(clips[c].master);
    if (masters.size() > 1) {
      ++mixed;
      continue;
    }
    for (const auto& [c, s] : m) {
      const double e =
          std::fabs((s - m[0].second) - (clips[c].start - clips[m[0].first].start)) * 1e3;
      worst_place_ms = std::max(worst_place_ms, e);
    }
  }
  // The truth's groups: clips linked by overlaps of at least 5 s (pairs overlapping less may or
  // may not be found, so a group may also split there).
  std::vector<int> parent(clips.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = static_cast<int>(i);
  auto find = [&](int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (int i = 0; i < static_cast<int>(clips.size()); ++i)
    for (int j = i + 1; j < static_cast<int>(clips.size()); ++j)
      if (overlap(i, j) >= 5) parent[find(i)] = find(j);
  std::map<int, int> sizes;
  for (int i = 0; i < static_cast<int>(clips.size()); ++i) ++sizes[find(i)];
  int true_groups = 0, true_single = 0;
  for (const auto& [root, n] : sizes) (n > 1 ? true_groups : true_single)++;
  std::printf(
      "pairs overlapping >= 5 s: %d, found within 20 ms: %d (%.1f%%); overlapping < 5 s: %d; "
      "apart: %d\n"
      "reported pairs: %d, correct: %d, false: %d; offset error median %.2f ms, max %.2f ms\n"
      "groups: %d reported (%d mixing recordings), %d in the truth; %zu unmatched reported, %d "
      "in the truth; worst place on a group's clock %.2f ms; %zu conflicts\n",
      must, must_found, must ? 100.0 * must_found / must : 100.0, short_overlap, apart, reported,
      correct, false_pairs, Median(errors_ms), Max(errors_ms), groups, mixed, true_groups,
      report["unmatched"].size(), true_single, worst_place_ms, report["conflicts"].size());
  return 0;
}

int Bbc(const std::string& path, double truth_2, double truth_3) {
  nlohmann::json report;
  if (!ReadJson(path, &report)) {
    std::printf("(no report)\n");
    return 1;
  }
  if (report.contains("pairs") && report["pairs"].size() > 0 &&
      Base(report["files"][0]["file"].get<std::string>()).rfind("r4_", 0) == 0) {
    std::printf("bbc_r4 (no overlap): %zu pair(s) reported: FAIL\n", report["pairs"].size());
    return 0;
  }
  if (Base(report["files"][0]["file"].get<std::string>()).rfind("r4_", 0) == 0) {
    std::printf("bbc_r4 (no overlap): no pair: ok (%s)\n",
                report["no_match"].empty()
                    ? "-"
                    : report["no_match"][0]["reason"].get<std::string>().c_str());
    return 0;
  }
  for (const auto& [b, truth] : {std::pair{"timbl_2.mp3", truth_2}, {"timbl_3.mp3", truth_3}}) {
    const Found f = FindPair(report, "timbl_1.mp3", b);
    if (!f.matched) {
      std::printf("bbc_timbl %s in timbl_1: no pair: FAIL\n", b);
    } else {
      const double e = std::fabs(f.offset_s - truth) * 1e3;
      std::printf("bbc_timbl %s in timbl_1: %.4f s (truth %.3f s): error %.1f ms: %s\n", b,
                  f.offset_s, truth, e, e <= 5 ? "ok" : "FAIL (> 5 ms)");
    }
  }
  const Found f = FindPair(report, "timbl_2.mp3", "timbl_3.mp3");
  if (f.matched) std::printf("bbc_timbl timbl_3 in timbl_2: %.4f s\n", f.offset_s);
  return 0;
}

int Summary(const std::string& path) {
  nlohmann::json report;
  if (!ReadJson(path, &report)) {
    std::printf("(no report)\n");
    return 1;
  }
  if (!report["pairs"].empty()) {
    std::printf("%zu pair(s)\n", report["pairs"].size());
  } else if (!report["no_match"].empty()) {
    std::printf("no match: %s\n", report["no_match"][0]["reason"].get<std::string>().c_str());
  } else {
    std::printf("no pair compared\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "scene" && argc == 6)
    return Scene(argv[2], std::strtoull(argv[3], nullptr, 10), std::atof(argv[4]), argv[5]);
  if (cmd == "pairs" && argc == 3) return Pairs(argv[2]);
  if (cmd == "clips" && argc == 3) return Clips(argv[2]);
  if (cmd == "summary" && argc == 3) return Summary(argv[2]);
  if (cmd == "bbc" && argc == 5) return Bbc(argv[2], std::atof(argv[3]), std::atof(argv[4]));
  std::fprintf(stderr,
               "usage: sync_bench scene OUT.wav SEED SECONDS speech|music|street|traffic\n"
               "       sync_bench pairs DIR | clips DIR | bbc REPORT.json OFFSET_2 OFFSET_3\n"
               "       sync_bench summary REPORT.json\n");
  return 2;
}

#include "cli/events_link.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>

#include "analysis/sync/group_sync.h"
#include "analysis/sync/pair_sync.h"
#include "base/parallel.h"
#include "cli/output.h"
#include "report/contact_sheet.h"
#include "signals/audio/sync_features.h"

namespace sightline::cli {

namespace ev = analysis::events;
namespace sync = analysis::sync;
namespace audio = signals::audio;

namespace {

double Round(double v, double unit) { return std::round(v / unit) * unit + 0.0; }

// What the sync made of one input.
struct Synced {
  std::shared_ptr<const audio::SyncFeatures> features;
  std::unique_ptr<sync::Clip> clip;
  std::string problem;  // why it cannot be synced
};

// Events that no link uses whose time (on A's clock through `clock`, when given) falls within
// [from, to].
int Unlinked(const std::vector<ev::AudioEvent>& events, const std::vector<bool>& used,
             const ev::ClockMapping* clock, double from, double to) {
  int n = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const double t = clock ? clock->ToA(events[i].t) : events[i].t;
    if (!used[i] && t >= from && t <= to) ++n;
  }
  return n;
}

std::string KindOf(const ev::AudioEvent& e) {
  std::string k = ev::KindName(e.kind);
  if (e.kind == ev::EventKind::kBurst) k += " x" + std::to_string(e.count);
  return k;
}

// "12.345 s", with the timecode from a minute on.
std::string At(double t) {
  char buf[64];
  if (std::fabs(t) < 60) {
    std::snprintf(buf, sizeof buf, "%.3f s", t);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f s (%s)", t, report::Timecode(t).c_str());
  }
  return buf;
}

}  // namespace

std::vector<LinkedPair> LinkFiles(const std::vector<LinkInput>& inputs,
                                  const LinkRunOptions& options) {
  const std::size_t n = inputs.size();
  std::vector<Synced> clips(n);
  audio::PcmBudget budget(512ll << 20);
  std::mutex mu;
  ProgressMeter decoding("events: decoding for the sync", 0, n, ProgressMeter::Unit::kMediaSeconds);
  ParallelFor(n, options.threads, [&](std::size_t i) {
    struct Done {
      std::mutex& mu;
      ProgressMeter& meter;
      ~Done() {
        std::lock_guard<std::mutex> lock(mu);
        meter.FileDone();
      }
    } done{mu, decoding};
    if (!inputs[i].events) {
      clips[i].problem = inputs[i].name + " could not be read";
      return;
    }
    audio::SyncFeatureOptions fo;
    fo.keep_pcm = true;
    fo.budget = &budget;
    auto f = audio::ExtractSyncFeatures(inputs[i].path, fo);
    if (!f.ok()) {
      clips[i].problem =
          inputs[i].name + " could not be decoded for the sync: " + f.status().message();
      return;
    }
    clips[i].features = std::make_shared<const audio::SyncFeatures>(std::move(*f));
    clips[i].clip = std::make_unique<sync::Clip>(clips[i].features);
    if (clips[i].clip->silent()) clips[i].problem = inputs[i].name + " is silent";
  });
  decoding.Clear();

  std::vector<LinkedPair> pairs;
  std::vector<std::pair<int, int>> to_sync;
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = a + 1; b < n; ++b) {
      LinkedPair p;
      p.a = static_cast<int>(a);
      p.b = static_cast<int>(b);
      p.reason = !clips[a].problem.empty() ? clips[a].problem : clips[b].problem;
      if (p.reason.empty()) to_sync.push_back({p.a, p.b});
      pairs.push_back(std::move(p));
    }
  }
  std::vector<sync::PairSync> results(to_sync.size());
  ProgressMeter syncing("events: syncing pairs", 0, to_sync.size(),
                        ProgressMeter::Unit::kMediaSeconds);
  ParallelFor(to_sync.size(), options.threads, [&](std::size_t k) {
    results[k] = sync::SyncPair(*clips[to_sync[k].first].clip, *clips[to_sync[k].second].clip);
    std::lock_guard<std::mutex> lock(mu);
    syncing.FileDone();
  });
  syncing.Clear();

  // The group's choice among each pair's candidates: when a sound occurs twice, the offset the
  // other clips agree with.
  std::vector<sync::PairEdge> edges;
  std::vector<std::size_t> edge_of(to_sync.size(), SIZE_MAX);
  for (std::size_t k = 0; k < to_sync.size(); ++k) {
    if (!results[k].matched) continue;
    edge_of[k] = edges.size();
    edges.push_back({to_sync[k].first, to_sync[k].second, results[k]});
  }
  const sync::GroupResult groups = sync::SolveGroups(static_cast<int>(n), edges, 0.02);

  for (std::size_t k = 0, q = 0; k < to_sync.size(); ++k) {
    while (pairs[q].a != to_sync[k].first || pairs[q].b != to_sync[k].second) ++q;
    LinkedPair& p = pairs[q];
    const sync::PairSync& s = results[k];
    if (!s.matched) {
      p.reason = s.reason;
      continue;
    }
    const int used = groups.used_candidate[edge_of[k]];
    if (used < 0) {
      p.reason = "the offset found (" + std::to_string(s.offset_s) +
                 " s) disagrees with the other clips of its group";
      continue;
    }
    const sync::Candidate* c =
        used > 0 && used < static_cast<int>(s.candidates.size()) ? &s.candidates[used] : nullptr;
    p.synced = true;
    p.clock =
        c ? ev::ClockMapping{c->offset_s, c->drift_ppm} : ev::ClockMapping{s.offset_s, s.drift_ppm};
    p.confidence = c ? c->confidence : s.confidence;
    p.other_offsets = std::max(0, static_cast<int>(s.candidates.size()) - 1);
    const audio::SyncFeatures& fa = *clips[p.a].features;
    const audio::SyncFeatures& fb = *clips[p.b].features;
    p.overlap_a_start_s = std::max(fa.start_s, p.clock.ToA(fb.start_s));
    p.overlap_a_end_s =
        std::min(fa.start_s + fa.duration_s, p.clock.ToA(fb.start_s + fb.duration_s));
    p.overlap_s = std::max(0.0, p.overlap_a_end_s - p.overlap_a_start_s);
    const auto& ea = *inputs[p.a].events;
    const auto& eb = *inputs[p.b].events;
    p.links = ev::LinkEvents(ea, eb, p.clock, options.link);
    std::vector<bool> used_a(ea.size()), used_b(eb.size());
    for (const ev::EventLink& l : p.links) used_a[l.a] = used_b[l.b] = true;
    p.unlinked_a = Unlinked(ea, used_a, nullptr, p.overlap_a_start_s, p.overlap_a_end_s);
    p.unlinked_b = Unlinked(eb, used_b, &p.clock, p.overlap_a_start_s, p.overlap_a_end_s);
  }
  return pairs;
}

nlohmann::ordered_json LinkedPairJson(const LinkedPair& p, const std::vector<LinkInput>& inputs) {
  nlohmann::ordered_json j;
  j["a"] = inputs[p.a].name;
  j["b"] = inputs[p.b].name;
  if (!p.synced) {
    j["reason"] = p.reason;
    return j;
  }
  j["offset_s"] = Round(p.clock.offset_s, 1e-6);
  j["drift_ppm"] = Round(p.clock.drift_ppm, 1e-3);
  j["confidence"] = Round(p.confidence, 1e-3);
  j["overlap_s"] = Round(p.overlap_s, 1e-3);
  j["other_offsets"] = p.other_offsets;
  j["events"] = nlohmann::ordered_json::array();
  const auto& ea = *inputs[p.a].events;
  const auto& eb = *inputs[p.b].events;
  for (const ev::EventLink& l : p.links) {
    nlohmann::ordered_json e;
    e["a_t"] = Round(l.t_a, 1e-4);
    e["b_t"] = Round(l.t_b, 1e-4);
    e["kind"] = ev::KindName(ea[l.a].kind);
    if (ea[l.a].kind == ev::EventKind::kBurst) e["count"] = ea[l.a].count;
    if (eb[l.b].kind != ea[l.a].kind) e["b_kind"] = ev::KindName(eb[l.b].kind);
    e["arrival_difference_s"] = Round(l.arrival_difference_s, 1e-4);
    e["distance_difference_m"] = Round(l.distance_difference_m, 0.1);
    j["events"].push_back(e);
  }
  j["unlinked_a"] = p.unlinked_a;
  j["unlinked_b"] = p.unlinked_b;
  return j;
}

nlohmann::ordered_json LinkAssumptionsJson(const ev::LinkOptions& o) {
  nlohmann::ordered_json j;
  j["temperature_c"] = o.temperature_c;
  j["speed_of_sound_m_s"] = Round(ev::SpeedOfSound(o.temperature_c), 0.1);
  j["max_difference_s"] = o.max_difference_s;
  j["reference"] =
      "arrival_difference_s = a_t - (b_t on a's clock); the clocks are aligned on the sound the "
      "clips share, itself heard with its own path difference: a difference of distances only "
      "when that sound came from near both microphones, else relative to it";
  return j;
}

void PrintLinkedPairs(const std::vector<LinkedPair>& pairs, const std::vector<LinkInput>& inputs,
                      const ev::LinkOptions& o) {
  std::printf(
      "== links  (sound at %.1f m/s, %.0f C; a difference is relative to the sound the clips "
      "were synced on, doc/events.md)\n",
      ev::SpeedOfSound(o.temperature_c), o.temperature_c);
  for (const LinkedPair& p : pairs) {
    const char* a = inputs[p.a].name.c_str();
    const char* b = inputs[p.b].name.c_str();
    if (!p.synced) {
      std::printf("%s ~ %s: not synced: %s\n", a, b, p.reason.c_str());
      continue;
    }
    std::printf("%s ~ %s: %s starts at %+.4f s in %s (sync confidence %.2f, overlap %.1f s", a, b,
                b, p.clock.offset_s, a, p.confidence, p.overlap_s);
    if (p.clock.drift_ppm != 0) std::printf(", drift %+.1f ppm", p.clock.drift_ppm);
    std::printf(")\n");
    if (p.other_offsets > 0) {
      std::printf(
          "  the same sound also matches at %d other offset(s) (sightline sync lists them)\n",
          p.other_offsets);
    }
    const auto& ea = *inputs[p.a].events;
    for (const ev::EventLink& l : p.links) {
      const double dt = l.arrival_difference_s;
      std::printf("  %s at %s in %s = %s in %s; ", KindOf(ea[l.a]).c_str(), At(l.t_a).c_str(), a,
                  At(l.t_b).c_str(), b);
      if (std::fabs(dt) < 0.0005) {
        std::printf("heard at the same time in both (within 1 ms): about as far from each\n");
      } else {
        std::printf("heard %.3f s %s in %s: ~%.0f m %s %s than %s %s\n", std::fabs(dt),
                    dt > 0 ? "later" : "earlier", a, std::fabs(l.distance_difference_m),
                    dt > 0 ? "farther from" : "nearer to", a, dt > 0 ? "from" : "to", b);
      }
    }
    if (p.links.empty()) std::printf("  no event heard in both\n");
    if (p.unlinked_a + p.unlinked_b > 0) {
      std::printf("  within the overlap, not linked: %d event(s) in %s, %d in %s\n", p.unlinked_a,
                  a, p.unlinked_b, b);
    }
  }
  std::printf("\n");
}

}  // namespace sightline::cli

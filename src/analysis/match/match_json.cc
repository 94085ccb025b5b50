#include "analysis/match/match_json.h"

#include <cmath>

namespace sightline::analysis::match {

namespace {

double R3(double v) { return std::round(v * 1000) / 1000; }

}  // namespace

nlohmann::ordered_json SoundtrackJson(const SoundtrackMatch& s) {
  return {
      {"offset_s", R3(s.offset_s)}, {"bit_error", R3(s.bit_error)}, {"overlap_s", R3(s.overlap_s)}};
}

bool SoundAgreesWithFootage(const SoundtrackMatch& sound, const PairMatch& m) {
  for (const Segment& seg : m.segments)
    if (!SoundAgrees(sound, seg)) return false;
  return !m.segments.empty();
}

nlohmann::ordered_json PairMatchJson(const PairMatch& m, const SoundtrackMatch* sound) {
  nlohmann::ordered_json p;
  p["score"] = R3(m.score);
  p["mirrored"] = m.mirrored;
  p["static"] = m.is_static;
  nlohmann::ordered_json segs = nlohmann::ordered_json::array();
  nlohmann::ordered_json ev = nlohmann::ordered_json::array();
  for (std::size_t k = 0; k < m.segments.size(); ++k) {
    const Segment& s = m.segments[k];
    segs.push_back({{"a_start", R3(s.a_start)},
                    {"a_end", R3(s.a_end)},
                    {"b_start", R3(s.b_start)},
                    {"b_end", R3(s.b_end)},
                    {"score", R3(s.score)},
                    {"speed", R3(s.speed)},
                    {"appearance", R3(s.appearance)},
                    {"motion", R3(s.motion)},
                    {"static", s.is_static},
                    {"method", s.method},
                    {"transform", s.transform},
                    {"mirrored", s.mirrored},
                    {"region", {s.region[0], s.region[1], s.region[2], s.region[3]}}});
    for (const Evidence& e : s.evidence) {
      nlohmann::ordered_json j = {{"segment", k},
                                  {"a_t", R3(e.a_t)},
                                  {"b_t", R3(e.b_t)},
                                  {"distance", e.distance},
                                  {"method", e.method}};
      j["similarity"] = std::isnan(e.similarity) ? nlohmann::ordered_json()
                                                 : nlohmann::ordered_json(R3(e.similarity));
      ev.push_back(j);
    }
  }
  p["segments"] = segs;
  p["evidence"] = ev;
  if (sound) {
    p["sound"] = SoundtrackJson(*sound);
    p["sound"]["agrees"] = SoundAgreesWithFootage(*sound, m);
  } else {
    p["sound"] = nullptr;
  }
  return p;
}

}  // namespace sightline::analysis::match

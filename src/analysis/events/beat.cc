#include "analysis/events/beat.h"

#include <algorithm>
#include <cmath>

namespace sightline::analysis::events {

namespace {

// Percussion keeps a beat: periods of 0.3-1.2 s (50-200 beats per minute), onsets within 12 ms of
// the grid, at least 7 beats over at least 3 s, searched 6 s either side.
constexpr double kBeatMinS = 0.3, kBeatMaxS = 1.2;
constexpr double kBeatJitterS = 0.012;
constexpr int kBeatHits = 7;
constexpr double kBeatSpanS = 3.0, kBeatWindowS = 6.0;

}  // namespace

std::vector<bool> OnABeat(const std::vector<Impulse>& impulses, double min_score) {
  std::vector<double> all;
  std::vector<std::size_t> all_index;
  for (std::size_t i = 0; i < impulses.size(); ++i) {
    if (impulses[i].score < min_score || impulses[i].crack) continue;
    all.push_back(impulses[i].t);
    all_index.push_back(i);
  }
  // Rounds of automatic fire are neither beats nor evidence of one (a burst's rounds would hit
  // many grids).
  const auto round_spacing = [](double d) { return d >= 0.04 && d <= 0.12; };
  std::vector<double> t;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if ((i > 0 && round_spacing(all[i] - all[i - 1])) ||
        (i + 1 < all.size() && round_spacing(all[i + 1] - all[i])))
      continue;
    t.push_back(all[i]);
    index.push_back(all_index[i]);
  }
  std::vector<bool> on(impulses.size(), false);
  std::vector<long> grid;
  for (std::size_t i = 0; i < t.size(); ++i) {
    std::size_t lo = i, hi = i;
    while (lo > 0 && t[i] - t[lo - 1] <= kBeatWindowS) --lo;
    while (hi + 1 < t.size() && t[hi + 1] - t[i] <= kBeatWindowS) ++hi;
    if (hi - lo + 1 < static_cast<std::size_t>(kBeatHits)) continue;
    bool found = false;
    for (std::size_t j = lo; j <= hi && !found; ++j) {
      const double d = std::fabs(t[j] - t[i]);
      if (j == i || d < kBeatMinS) continue;
      for (long n = std::max(1L, static_cast<long>(std::ceil(d / kBeatMaxS)));
           d / static_cast<double>(n) >= kBeatMinS && !found; ++n) {
        const double period = d / static_cast<double>(n);
        grid.assign(1, 0);
        for (std::size_t k = lo; k <= hi; ++k) {
          const double m = (t[k] - t[i]) / period;
          const long r = std::lround(m);
          if (r != 0 && std::fabs(m - static_cast<double>(r)) * period <= kBeatJitterS)
            grid.push_back(r);
        }
        std::sort(grid.begin(), grid.end());
        grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
        found = static_cast<int>(grid.size()) >= kBeatHits &&
                static_cast<double>(grid.back() - grid.front()) * period >= kBeatSpanS;
      }
    }
    on[index[i]] = found;
  }
  return on;
}

}  // namespace sightline::analysis::events

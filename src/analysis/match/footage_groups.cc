#include "analysis/match/footage_groups.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "base/union_find.h"

namespace sightline::analysis::match {

namespace {

// One end of one segment: a stretch of one file.
struct Stretch {
  int file = 0;
  double start = 0, end = 0;
};

// A still's side of a segment is a point at 0 and a video's side, when matched with a still, a
// point at the matching frame's time: points within a second of each other (every point of a
// still), or a point within a stretch, are the same footage.
bool SameFootage(const Stretch& x, const Stretch& y) {
  constexpr double kPointSlack = 1.0;
  const bool x_point = x.end <= x.start, y_point = y.end <= y.start;
  if (x_point && y_point) return std::abs(x.start - y.start) <= kPointSlack;
  if (x_point) return x.start >= y.start - kPointSlack && x.start <= y.end + kPointSlack;
  if (y_point) return y.start >= x.start - kPointSlack && y.start <= x.end + kPointSlack;
  const double overlap = std::min(x.end, y.end) - std::max(x.start, y.start);
  return overlap >= 0.5 * std::min(x.end - x.start, y.end - y.start);
}

}  // namespace

std::vector<FootageGroup> GroupFootage(const std::vector<MatchedFiles>& pairs) {
  std::vector<Stretch> stretches;  // 2k: segment k's A side, 2k + 1: its B side
  std::vector<std::pair<int, int>> segment_of;
  for (int p = 0; p < static_cast<int>(pairs.size()); ++p) {
    if (!pairs[p].match) continue;
    const auto& segs = pairs[p].match->segments;
    for (int s = 0; s < static_cast<int>(segs.size()); ++s) {
      stretches.push_back({pairs[p].a, segs[s].a_start, segs[s].a_end});
      stretches.push_back({pairs[p].b, segs[s].b_start, segs[s].b_end});
      segment_of.push_back({p, s});
    }
  }
  const int n = static_cast<int>(stretches.size());
  UnionFind sets(n);
  for (int k = 0; k < n; k += 2) sets.Unite(k, k + 1);
  // Stretches of one file that hold the same footage. Quadratic per file: a file has one
  // stretch per segment of its pairs, a few hundred at most in one run.
  std::map<int, std::vector<int>> by_file;
  for (int k = 0; k < n; ++k) by_file[stretches[k].file].push_back(k);
  for (const auto& [file, ks] : by_file) {
    for (std::size_t i = 0; i < ks.size(); ++i)
      for (std::size_t j = i + 1; j < ks.size(); ++j)
        if (SameFootage(stretches[ks[i]], stretches[ks[j]])) sets.Unite(ks[i], ks[j]);
  }
  std::map<int, std::vector<int>> members;  // root → stretches
  for (int k = 0; k < n; ++k) members[sets.Find(k)].push_back(k);
  std::vector<FootageGroup> groups;
  for (const auto& [root, ks] : members) {
    FootageGroup g;
    std::vector<Stretch> mine;
    for (int k : ks) {
      mine.push_back(stretches[k]);
      if (k % 2 == 0) g.segments.push_back(segment_of[k / 2]);
    }
    std::sort(mine.begin(), mine.end(), [](const Stretch& x, const Stretch& y) {
      return std::tie(x.file, x.start, x.end) < std::tie(y.file, y.start, y.end);
    });
    // The union of each file's stretches.
    for (const Stretch& s : mine) {
      if (!g.spans.empty() && g.spans.back().file == s.file && s.start <= g.spans.back().end) {
        g.spans.back().end = std::max(g.spans.back().end, s.end);
        continue;
      }
      g.spans.push_back({s.file, s.start, s.end});
      if (g.files.empty() || g.files.back() != s.file) g.files.push_back(s.file);
    }
    std::sort(g.segments.begin(), g.segments.end());
    if (g.files.size() >= 2) groups.push_back(std::move(g));
  }
  std::sort(groups.begin(), groups.end(), [](const FootageGroup& x, const FootageGroup& y) {
    return std::tie(x.spans.front().file, x.spans.front().start) <
           std::tie(y.spans.front().file, y.spans.front().start);
  });
  return groups;
}

}  // namespace sightline::analysis::match

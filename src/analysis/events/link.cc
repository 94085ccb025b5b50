#include "analysis/events/link.h"

#include <algorithm>
#include <cmath>

#include "analysis/events/shooter_distance.h"

namespace sightline::analysis::events {

namespace {

bool Compatible(const AudioEvent& x, const AudioEvent& y) {
  if (x.kind == EventKind::kBlast || y.kind == EventKind::kBlast) return x.kind == y.kind;
  // A burst may lose a shot or two in one recording, and a short burst may look like a shot.
  const int lo = std::min(x.count, y.count), hi = std::max(x.count, y.count);
  return hi <= 2 * lo + 2;
}

}  // namespace

std::vector<EventLink> LinkEvents(const std::vector<AudioEvent>& a,
                                  const std::vector<AudioEvent>& b, const ClockMapping& clock,
                                  const LinkOptions& options) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<EventLink> links;
  if (n == 0 || m == 0) return links;
  const double c = SpeedOfSound(options.temperature_c);
  const double tol = options.max_difference_s;
  std::vector<double> tb(m);
  for (std::size_t j = 0; j < m; ++j) tb[j] = clock.ToA(b[j].t);
  const auto score = [&](std::size_t i, std::size_t j) {
    const double d = std::fabs(a[i].t - tb[j]);
    if (d > tol || !Compatible(a[i], b[j])) return -1.0;
    return 1.0 - 0.5 * d / tol + (a[i].kind == b[j].kind ? 0.1 : 0.0);
  };
  // Monotone alignment: best[i][j] = the best total over a[0..i) and b[0..j).
  std::vector<std::vector<double>> best(n + 1, std::vector<double>(m + 1, 0.0));
  // Only pairs within the tolerance can score; the rest of a row is a max of its neighbours.
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      double v = std::max(best[i - 1][j], best[i][j - 1]);
      const double s = score(i - 1, j - 1);
      if (s > 0) v = std::max(v, best[i - 1][j - 1] + s);
      best[i][j] = v;
    }
  }
  for (std::size_t i = n, j = m; i > 0 && j > 0;) {
    const double s = score(i - 1, j - 1);
    if (s > 0 && best[i][j] == best[i - 1][j - 1] + s) {
      EventLink l;
      l.a = i - 1;
      l.b = j - 1;
      l.t_a = a[i - 1].t;
      l.t_b = b[j - 1].t;
      l.arrival_difference_s = a[i - 1].t - tb[j - 1];
      l.distance_difference_m = c * l.arrival_difference_s;
      links.push_back(l);
      --i;
      --j;
    } else if (best[i][j] == best[i - 1][j]) {
      --i;
    } else {
      --j;
    }
  }
  std::reverse(links.begin(), links.end());
  return links;
}

}  // namespace sightline::analysis::events

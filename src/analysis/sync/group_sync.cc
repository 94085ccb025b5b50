#include "analysis/sync/group_sync.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>

#include "base/union_find.h"

namespace sightline::analysis::sync {

namespace {

double OffsetOf(const PairEdge& e, int candidate) {
  if (candidate <= 0 || candidate >= static_cast<int>(e.sync.candidates.size())) {
    return e.sync.offset_s;
  }
  return e.sync.candidates[static_cast<std::size_t>(candidate)].offset_s;
}

// Solves the weighted least-squares placement of one group's clips (positions relative to
// members[0]) from the active edges, by Gaussian elimination on the normal equations.
void SolveComponent(const std::vector<int>& members, const std::vector<PairEdge>& edges,
                    const std::vector<int>& used, std::vector<double>* start) {
  const std::size_t m = members.size();
  if (m < 2) return;
  std::vector<int> index_of(start->size(), -1);
  for (std::size_t i = 0; i < m; ++i) index_of[members[i]] = static_cast<int>(i);
  // Unknowns 1..m−1 (member 0 fixed at 0).
  const std::size_t u = m - 1;
  std::vector<double> mat(u * u, 0.0), rhs(u, 0.0);
  for (std::size_t k = 0; k < edges.size(); ++k) {
    if (used[k] < 0) continue;
    const int ia = index_of[edges[k].a], ib = index_of[edges[k].b];
    if (ia < 0 || ib < 0) continue;
    const double w = std::clamp(edges[k].sync.score, 1.0, 200.0);
    const double o = OffsetOf(edges[k], used[k]);  // T_b − T_a = o
    // Terms w (T_b − T_a − o)²: ∂/∂T_b: w (T_b − T_a − o); ∂/∂T_a: −w (T_b − T_a − o).
    auto add = [&](int r, int c, double v) {
      if (r > 0 && c > 0) mat[(r - 1) * u + (c - 1)] += v;
    };
    add(ib, ib, w), add(ia, ia, w), add(ib, ia, -w), add(ia, ib, -w);
    if (ib > 0) rhs[ib - 1] += w * o;
    if (ia > 0) rhs[ia - 1] -= w * o;
  }
  // Gaussian elimination with partial pivoting.
  std::vector<std::size_t> perm(u);
  for (std::size_t col = 0; col < u; ++col) {
    std::size_t piv = col;
    for (std::size_t r = col + 1; r < u; ++r) {
      if (std::fabs(mat[r * u + col]) > std::fabs(mat[piv * u + col])) piv = r;
    }
    if (std::fabs(mat[piv * u + col]) < 1e-12) continue;  // (cannot happen in a connected group)
    if (piv != col) {
      for (std::size_t c = 0; c < u; ++c) std::swap(mat[piv * u + c], mat[col * u + c]);
      std::swap(rhs[piv], rhs[col]);
    }
    for (std::size_t r = col + 1; r < u; ++r) {
      const double f = mat[r * u + col] / mat[col * u + col];
      if (f == 0) continue;
      for (std::size_t c = col; c < u; ++c) mat[r * u + c] -= f * mat[col * u + c];
      rhs[r] -= f * rhs[col];
    }
  }
  std::vector<double> x(u, 0.0);
  for (std::size_t r = u; r-- > 0;) {
    double s = rhs[r];
    for (std::size_t c = r + 1; c < u; ++c) s -= mat[r * u + c] * x[c];
    x[r] = std::fabs(mat[r * u + r]) < 1e-12 ? 0 : s / mat[r * u + r];
  }
  (*start)[members[0]] = 0;
  for (std::size_t i = 1; i < m; ++i) (*start)[members[i]] = x[i - 1];
}

}  // namespace

GroupResult SolveGroups(int clips, const std::vector<PairEdge>& edges, double tolerance_s) {
  GroupResult out;
  const auto n = static_cast<std::size_t>(clips);
  out.group_of.assign(n, -1);
  out.start_s.assign(n, 0.0);
  out.used_candidate.assign(edges.size(), -1);
  // 1. Maximum spanning forest, strongest pairs first.
  std::vector<std::size_t> order(edges.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return edges[x].sync.score > edges[y].sync.score;
  });
  UnionFind uf(clips);
  std::vector<std::vector<std::pair<int, std::size_t>>> tree(n);  // neighbour, edge
  std::vector<bool> in_tree(edges.size(), false);
  for (std::size_t k : order) {
    if (uf.Unite(edges[k].a, edges[k].b)) {
      in_tree[k] = true;
      out.used_candidate[k] = 0;
      tree[edges[k].a].push_back({edges[k].b, k});
      tree[edges[k].b].push_back({edges[k].a, k});
    }
  }
  // Components (clips joined by some pair) and provisional places from the tree.
  std::vector<std::vector<int>> components;
  std::vector<bool> seen(n, false);
  for (int c = 0; c < clips; ++c) {
    if (seen[c] || tree[c].empty()) continue;
    std::vector<int> members;
    std::queue<int> q;
    q.push(c);
    seen[c] = true;
    out.start_s[c] = 0;
    while (!q.empty()) {
      const int x = q.front();
      q.pop();
      members.push_back(x);
      for (const auto& [y, k] : tree[x]) {
        if (seen[y]) continue;
        seen[y] = true;
        const double o = edges[k].sync.offset_s;  // T_b − T_a
        out.start_s[y] = edges[k].a == x ? out.start_s[x] + o : out.start_s[x] - o;
        q.push(y);
      }
    }
    components.push_back(members);
  }
  // 2. The other pairs: the candidate that agrees with the tree's places, or a conflict.
  auto residual = [&](std::size_t k, int cand) {
    return OffsetOf(edges[k], cand) - (out.start_s[edges[k].b] - out.start_s[edges[k].a]);
  };
  for (std::size_t k : order) {
    if (in_tree[k]) continue;
    const int cands = std::max<int>(1, static_cast<int>(edges[k].sync.candidates.size()));
    for (int c = 0; c < cands; ++c) {
      if (std::fabs(residual(k, c)) <= tolerance_s) {
        out.used_candidate[k] = c;
        break;
      }
    }
  }
  // 3. Least squares over the agreeing pairs; drop the worst pair while one disagrees.
  for (int iter = 0; iter < static_cast<int>(edges.size()) + 1; ++iter) {
    for (const auto& members : components)
      SolveComponent(members, edges, out.used_candidate, &out.start_s);
    double worst = tolerance_s;
    std::size_t worst_k = edges.size();
    for (std::size_t k = 0; k < edges.size(); ++k) {
      if (out.used_candidate[k] < 0) continue;
      const double r = std::fabs(residual(k, out.used_candidate[k]));
      if (r > worst) worst = r, worst_k = k;
    }
    if (worst_k == edges.size()) break;
    out.used_candidate[worst_k] = -1;
  }
  for (std::size_t k = 0; k < edges.size(); ++k) {
    if (out.used_candidate[k] >= 0) continue;
    Conflict c;
    c.a = edges[k].a, c.b = edges[k].b;
    c.offset_s = edges[k].sync.offset_s;
    c.expected_s = out.start_s[c.b] - out.start_s[c.a];
    c.residual_s = c.offset_s - c.expected_s;
    out.conflicts.push_back(c);
  }
  // Groups: each clock starts at its earliest clip; largest group first.
  std::sort(components.begin(), components.end(),
            [](const auto& x, const auto& y) { return x.size() > y.size(); });
  for (auto& members : components) {
    double earliest = 1e300;
    for (int c : members) earliest = std::min(earliest, out.start_s[c]);
    for (int c : members) out.start_s[c] -= earliest;
    std::stable_sort(members.begin(), members.end(),
                     [&](int x, int y) { return out.start_s[x] < out.start_s[y]; });
    const int g = static_cast<int>(out.groups.size());
    for (int c : members) out.group_of[c] = g;
    double r2 = 0;
    int count = 0;
    for (std::size_t k = 0; k < edges.size(); ++k) {
      if (out.used_candidate[k] < 0 || out.group_of[edges[k].a] != g) continue;
      const double r = residual(k, out.used_candidate[k]);
      r2 += r * r;
      ++count;
    }
    out.group_rms_ms.push_back(count ? std::sqrt(r2 / count) * 1e3 : 0);
    out.groups.push_back(members);
  }
  return out;
}

}  // namespace sightline::analysis::sync

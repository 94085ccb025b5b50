// Disjoint sets over 0..n-1 (union-find with path halving): which items a set of pairs joins.
// Used to group clips that share footage or sound. Not thread-safe (Find compresses paths).
#ifndef SIGHTLINE_BASE_UNION_FIND_H_
#define SIGHTLINE_BASE_UNION_FIND_H_

#include <cstddef>
#include <numeric>
#include <vector>

namespace sightline {

class UnionFind {
 public:
  explicit UnionFind(int n) : parent_(static_cast<std::size_t>(n)) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  // The representative of x's set.
  int Find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  // Joins the sets of a and b; false when they were already one.
  bool Unite(int a, int b) {
    a = Find(a), b = Find(b);
    if (a == b) return false;
    parent_[b] = a;
    return true;
  }

 private:
  std::vector<int> parent_;
};

}  // namespace sightline

#endif  // SIGHTLINE_BASE_UNION_FIND_H_

// Running independent pieces of work on a few threads: the commands read files and match pairs
// this way (`--threads`).
#ifndef SIGHTLINE_BASE_PARALLEL_H_
#define SIGHTLINE_BASE_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace sightline {

// Runs work(i) for every i in [0, n), in ascending order of start, on at most `threads` threads
// (the caller's among them); returns when all are done. `work` must be safe to run concurrently
// for different i.
inline void ParallelFor(std::size_t n, int threads, const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) work(i);
  };
  std::vector<std::thread> pool;
  const auto extra = static_cast<std::size_t>(std::max(0, threads - 1));
  for (std::size_t t = 0; t < std::min(extra, n > 0 ? n - 1 : 0); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace sightline

#endif  // SIGHTLINE_BASE_PARALLEL_H_

#include "analysis/sync/fingerprint_match.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace sightline::analysis::sync {

std::vector<FingerprintHit> MatchFingerprints(const signals::audio::AudioFingerprint& a,
                                              const signals::audio::AudioFingerprint& b,
                                              const FingerprintMatchOptions& o) {
  std::vector<FingerprintHit> hits;
  const auto na = static_cast<std::int64_t>(a.words.size());
  const auto nb = static_cast<std::int64_t>(b.words.size());
  if (!(a.item_s > 0) || std::fabs(a.item_s - b.item_s) > 1e-6) return hits;
  const auto min_items =
      std::max<std::int64_t>(4, static_cast<std::int64_t>(std::ceil(o.min_overlap_s / a.item_s)));
  if (na < min_items || nb < min_items) return hits;
  // Lag L = a-item − b-item.
  const std::int64_t lo = -(nb - min_items), hi = na - min_items;
  std::vector<double> z(static_cast<std::size_t>(hi - lo + 1));
  std::vector<double> ber(z.size());
  for (std::int64_t lag = lo; lag <= hi; ++lag) {
    const std::int64_t a0 = std::max<std::int64_t>(0, lag), b0 = std::max<std::int64_t>(0, -lag);
    const std::int64_t len = std::min(na - a0, nb - b0);
    std::int64_t diff = 0;
    const std::uint32_t* x = a.words.data() + a0;
    const std::uint32_t* y = b.words.data() + b0;
    for (std::int64_t i = 0; i < len; ++i) diff += std::popcount(x[i] ^ y[i]);
    const double bits = 32.0 * static_cast<double>(len);
    const double e = static_cast<double>(diff) / bits;
    ber[static_cast<std::size_t>(lag - lo)] = e;
    // Under chance each bit differs with probability 1/2: z = (1/2 − e) / (1/2 / √bits).
    z[static_cast<std::size_t>(lag - lo)] = (0.5 - e) * 2.0 * std::sqrt(bits);
  }
  // Robust scale over all lags (bits within and between words are not independent).
  std::vector<double> tmp = z;
  auto mid = tmp.begin() + static_cast<std::ptrdiff_t>(tmp.size() / 2);
  std::nth_element(tmp.begin(), mid, tmp.end());
  const double med = *mid;
  for (std::size_t i = 0; i < z.size(); ++i) tmp[i] = std::fabs(z[i] - med);
  std::nth_element(tmp.begin(), mid, tmp.end());
  const double mad = std::max(1.4826 * *mid, 1e-9);
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < z.size(); ++i) {
    z[i] = (z[i] - med) / mad;
    if (z[i] >= o.min_score && ber[i] <= o.max_bit_error) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return z[x] > z[y]; });
  for (std::size_t i : order) {
    const std::int64_t lag = static_cast<std::int64_t>(i) + lo;
    bool near = false;
    for (const FingerprintHit& h : hits) {
      if (std::fabs(h.offset_s - (a.start_s + lag * a.item_s - b.start_s)) < 4 * a.item_s)
        near = true;
    }
    if (near) continue;
    FingerprintHit h;
    h.offset_s = a.start_s + static_cast<double>(lag) * a.item_s - b.start_s;
    h.bit_error = ber[i];
    h.score = z[i];
    // The overlap of the two recordings (the words cover each but its last couple of seconds).
    const double from = std::max(a.start_s, h.offset_s + b.start_s);
    const double to = std::min(a.start_s + a.duration_s, h.offset_s + b.start_s + b.duration_s);
    h.overlap_s = std::max(0.0, to - from);
    hits.push_back(h);
    if (static_cast<int>(hits.size()) >= o.max_hits) break;
  }
  return hits;
}

}  // namespace sightline::analysis::sync

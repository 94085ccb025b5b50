#include "analysis/text/track.h"

#include <algorithm>

#include "analysis/text/unicode.h"

namespace sightline::analysis::text {
namespace {

std::u32string Folded(const std::string& text) {
  std::u32string cps = DecodeUtf8(text);
  for (char32_t& c : cps) c = FoldCase(c);
  return cps;
}

double Similarity(const std::u32string& a, const std::u32string& b) {
  const std::size_t longer = std::max(a.size(), b.size());
  if (longer == 0) return 1.0;
  return 1.0 - static_cast<double>(EditDistance(a, b)) / static_cast<double>(longer);
}

double Overlap(const Box& a, const Box& b) {
  const int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  const int x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  if (x1 <= x0 || y1 <= y0) return 0;
  const double inter = static_cast<double>(x1 - x0) * (y1 - y0);
  const double uni = static_cast<double>(a.w) * a.h + static_cast<double>(b.w) * b.h - inter;
  return uni > 0 ? inter / uni : 0;
}

}  // namespace

double TextSimilarity(const std::string& a, const std::string& b) {
  return Similarity(Folded(a), Folded(b));
}

void TextTracker::Add(double t, const std::vector<TextLine>& lines) {
  // Entries unseen for too long are closed first, so they cannot take a reading.
  for (auto it = open_.begin(); it != open_.end();) {
    if (t - it->entry.end > max_gap_s_ + 1e-9) {
      done_.push_back(std::move(it->entry));
      it = open_.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<bool> taken(open_.size(), false);
  for (const TextLine& line : lines) {
    const std::u32string folded = Folded(line.text);
    // The best unclaimed open entry for this reading.
    int best = -1;
    double best_score = 0;
    for (std::size_t k = 0; k < open_.size(); ++k) {
      if (taken[k] || open_[k].entry.end >= t) continue;  // one reading per entry per frame
      const double sim = Similarity(folded, DecodeUtf8(open_[k].folded));
      const double overlap = Overlap(line.box, open_[k].last_box);
      const bool same = (sim >= 0.8 && overlap > 0.2) || sim >= 0.9;
      const double score = sim + overlap;
      if (same && score > best_score) best = static_cast<int>(k), best_score = score;
    }
    if (best < 0) {
      Open o;
      o.entry = {t, t, line.text, line.confidence, line.box, line.lang, 1};
      o.folded = EncodeUtf8(folded);
      o.last_box = line.box;
      open_.push_back(std::move(o));
      taken.push_back(true);
      continue;
    }
    Open& o = open_[best];
    taken[best] = true;
    o.entry.end = t;
    ++o.entry.frames;
    o.folded = EncodeUtf8(folded);
    o.last_box = line.box;
    if (line.confidence > o.entry.confidence) {
      o.entry.text = line.text;
      o.entry.confidence = line.confidence;
      o.entry.box = line.box;
      o.entry.lang = line.lang;
    }
  }
}

std::vector<TextEntry> TextTracker::Finish() {
  for (Open& o : open_) done_.push_back(std::move(o.entry));
  open_.clear();
  std::vector<TextEntry> out = std::move(done_);
  done_.clear();
  std::stable_sort(out.begin(), out.end(), [](const TextEntry& a, const TextEntry& b) {
    if (a.t != b.t) return a.t < b.t;
    return a.box.y != b.box.y ? a.box.y < b.box.y : a.box.x < b.box.x;
  });
  return out;
}

}  // namespace sightline::analysis::text

#include "analysis/match/originality.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <utility>

#include "analysis/metadata/signatures.h"

namespace sightline::analysis::match {

namespace {

// Points per criterion. Camera metadata and encoder signatures weigh most: platforms strip the
// first and add the second on every upload, and neither can come back once lost. A capture time
// is strong only when it is earlier: re-encoders often write the time of the re-encode. Size,
// bitrate and coverage are graded by how much is missing (log2 of the ratio to the best copy),
// because a copy at half the size is more clearly a derivative than one 5 % smaller.
constexpr double kCamera = 3.0;
constexpr double kPerReencoder = -2.0, kMaxReencode = -4.0;
constexpr double kEarliest = 2.0;
constexpr double kPerHalvedPixels = 1.0, kMaxPixels = -3.0;
constexpr double kPerHalvedBits = 0.75, kMaxBits = -2.0;
constexpr double kCoverage = 2.0;  // at no coverage; scaled by the missing share
constexpr double kBars = -1.5, kTransformed = -1.5, kStill = -3.0;
// A file that also holds other footage is an edit (a compilation, a news package) made from the
// footage, not a copy of it; like bars, it is something added.
constexpr double kOtherFootage = -2.0;

struct Criterion {
  double points = 0;
  std::string reason;
};

std::string Fmt(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

}  // namespace

CopyFacts CopyFactsFromProbe(const std::string& id, const media::ProbeResult& probe) {
  CopyFacts f;
  f.id = id;
  if (const media::Timestamp* t = probe.Time(media::TimeRole::kCreated); t && !t->unset) {
    if (auto utc = t->UtcSeconds())
      f.created_utc = *utc;
    else
      f.created_local = static_cast<double>(t->wall_seconds) + std::max(0, t->millis) / 1000.0;
    f.created_text = t->Text();
  }
  std::string camera = probe.device.make;
  if (!probe.device.model.empty()) camera += (camera.empty() ? "" : " ") + probe.device.model;
  f.camera = camera;
  for (const auto& sig : metadata::FindReencodeSignatures(probe))
    f.reencoded_by.push_back(sig.tool + " (" + sig.evidence + ")");
  f.still = probe.kind == "image";
  if (const media::StreamInfo* v = probe.FirstVideo()) {
    const bool quarter_turn = v->rotation == 90 || v->rotation == 270;
    f.width = quarter_turn ? v->height : v->width;
    f.height = quarter_turn ? v->width : v->height;
    std::int64_t bits = v->bit_rate > 0 ? v->bit_rate : probe.container.bit_rate;
    const double pixels_per_s = static_cast<double>(v->width) * v->height * v->frame_rate;
    if (!f.still && bits > 0 && pixels_per_s > 0)
      f.bits_per_pixel = static_cast<double>(bits) / pixels_per_s;
  }
  f.duration_s = f.still ? 0 : std::max(0.0, probe.container.duration_s.value_or(0));
  return f;
}

bool HasBars(const signals::visual::MatchSignature& signature) {
  std::size_t barred = 0;
  for (const auto& f : signature.frames) barred += f.box.IsFull() ? 0 : 1;
  return !signature.frames.empty() && 2 * barred > signature.frames.size();
}

void AddMatchFacts(const std::vector<GroupPair>& pairs, std::vector<CopyFacts>* copies) {
  const std::size_t n = copies->size();
  std::vector<int> turned(n, 0), seen(n, 0);
  std::vector<std::vector<std::pair<double, double>>> held(n);  // shared stretches, own clock
  for (const GroupPair& p : pairs) {
    if (!p.match || p.a < 0 || p.b < 0 || static_cast<std::size_t>(p.a) >= n ||
        static_cast<std::size_t>(p.b) >= n)
      continue;
    bool dihedral = false;
    for (const Segment& s : p.match->segments) {
      held[p.a].push_back({s.a_start, s.a_end});
      held[p.b].push_back({s.b_start, s.b_end});
      dihedral = dihedral || (s.transform != "none" && s.transform != "geometric");
      // region: where A's picture lies in B's frame. Much smaller than the frame: B shows A
      // inside something else; much larger: B shows a crop of A.
      const double area = (s.region[2] - s.region[0]) * (s.region[3] - s.region[1]);
      if (s.transform == "geometric" && (area < 0.8 || area > 1.25))
        (*copies)[p.b].transformed = true;
    }
    ++seen[p.a];
    ++seen[p.b];
    if (dihedral) {
      ++turned[p.a];
      ++turned[p.b];
    }
  }
  // Coverage: the union of the stretches a copy shares with any other member.
  for (std::size_t i = 0; i < n; ++i) {
    auto& h = held[i];
    std::sort(h.begin(), h.end());
    double total = 0, from = 0, to = -1;
    for (const auto& [s, e] : h) {
      if (s > to) {
        total += std::max(0.0, to - from);
        from = s;
        to = e;
      } else {
        to = std::max(to, e);
      }
    }
    total += std::max(0.0, to - from);
    (*copies)[i].coverage_s = std::max((*copies)[i].coverage_s, total);
  }
  if (n < 3) return;
  for (std::size_t i = 0; i < n; ++i)
    if (seen[i] >= 2 && 2 * turned[i] > seen[i]) (*copies)[i].transformed = true;
}

std::vector<RankedCopy> RankCopies(const std::vector<CopyFacts>& copies) {
  const std::size_t n = copies.size();
  std::vector<std::vector<Criterion>> crit(n);
  const auto any_of = [&](auto pred) { return std::any_of(copies.begin(), copies.end(), pred); };
  const auto all_of = [&](auto pred) { return std::all_of(copies.begin(), copies.end(), pred); };

  // Camera metadata: only tells copies apart when some have it and some do not.
  if (any_of([](const CopyFacts& c) { return !c.camera.empty(); }) &&
      !all_of([](const CopyFacts& c) { return !c.camera.empty(); }))
    for (std::size_t i = 0; i < n; ++i)
      crit[i].push_back(
          copies[i].camera.empty()
              ? Criterion{0, "no camera metadata (stripped, or never had any)"}
              : Criterion{kCamera, "camera metadata present (" + copies[i].camera + ")"});

  // Re-encoding signatures.
  if (any_of([](const CopyFacts& c) { return !c.reencoded_by.empty(); }))
    for (std::size_t i = 0; i < n; ++i) {
      const auto& tools = copies[i].reencoded_by;
      if (tools.empty()) {
        crit[i].push_back({0.5, "no re-encoding signature in its tags"});
        continue;
      }
      std::string list;
      for (const auto& t : tools) list += (list.empty() ? "" : "; ") + t;
      crit[i].push_back({std::max(kMaxReencode, kPerReencoder * static_cast<double>(tools.size())),
                         "re-encoded or re-muxed: " + list});
    }

  // Earliest capture time, among copies whose times are comparable (both UTC, or both zone-less).
  for (const bool utc : {true, false}) {
    const auto time_of = [&](const CopyFacts& c) { return utc ? c.created_utc : c.created_local; };
    std::vector<std::size_t> dated;
    for (std::size_t i = 0; i < n; ++i)
      if (time_of(copies[i])) dated.push_back(i);
    if (dated.size() < 2) continue;
    double first = *time_of(copies[dated[0]]), last = first;
    for (std::size_t i : dated) {
      first = std::min(first, *time_of(copies[i]));
      last = std::max(last, *time_of(copies[i]));
    }
    // Within a second the copies carry the same capture time: no evidence either way.
    if (last - first <= 1) continue;
    for (std::size_t i : dated) {
      const double late = *time_of(copies[i]) - first;
      if (late <= 1) {
        crit[i].push_back(
            {kEarliest, "earliest capture time in metadata (" + copies[i].created_text + ")"});
      } else {
        crit[i].push_back({0, "capture time " + copies[i].created_text +
                                  Fmt(", %.0f s after the earliest copy's", late)});
      }
    }
  }

  // Resolution and bits per pixel, graded against the best copy.
  double max_pixels = 0, max_bpp = 0, max_cover = 0;
  for (const CopyFacts& c : copies) {
    // Bars add pixels but no picture: a barred copy's size is not comparable.
    if (!c.bars) max_pixels = std::max(max_pixels, static_cast<double>(c.width) * c.height);
    max_bpp = std::max(max_bpp, c.bits_per_pixel);
    max_cover = std::max(max_cover, c.coverage_s);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const CopyFacts& c = copies[i];
    const double pixels = static_cast<double>(c.width) * c.height;
    if (pixels > 0 && max_pixels > 0 && !c.bars) {
      const double halvings = std::log2(max_pixels / pixels);
      if (halvings > 0.1)
        crit[i].push_back({std::max(kMaxPixels, -kPerHalvedPixels * halvings),
                           Fmt("smaller picture (%.0f×%.0f, %.0f %% of the largest copy's pixels)",
                               c.width, c.height, 100 * pixels / max_pixels)});
      else if (std::any_of(copies.begin(), copies.end(), [&](const CopyFacts& o) {
                 return !o.bars && o.width * o.height > 0 && o.width * o.height < 0.93 * pixels;
               }))
        crit[i].push_back({0.25, Fmt("largest picture (%.0f×%.0f)", c.width, c.height)});
    }
    if (c.bits_per_pixel > 0 && max_bpp > 0) {
      const double halvings = std::log2(max_bpp / c.bits_per_pixel);
      if (halvings > 0.5)
        crit[i].push_back({std::max(kMaxBits, -kPerHalvedBits * halvings),
                           Fmt("lower bitrate per pixel (%.3f bits vs %.3f for the best copy)",
                               c.bits_per_pixel, max_bpp)});
    }
    if (max_cover > 0 && c.coverage_s < 0.9 * max_cover)
      crit[i].push_back({-kCoverage * (1 - c.coverage_s / max_cover),
                         Fmt("holds %.1f s of the shared footage (the longest copy %.1f s)",
                             c.coverage_s, max_cover)});
    if (c.bars) crit[i].push_back({kBars, "bars added around the picture"});
    if (c.other_footage > 0)
      crit[i].push_back(
          {kOtherFootage,
           Fmt("also holds other footage (%.0f other group(s)): a compilation or an edit",
               c.other_footage)});
    if (c.transformed)
      crit[i].push_back({kTransformed, "picture transformed (mirrored, rotated or inset)"});
    if (c.still && any_of([](const CopyFacts& o) { return !o.still; }))
      crit[i].push_back({kStill, "a still picture of the footage (a screenshot or frame grab)"});
  }

  std::vector<RankedCopy> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].id = copies[i].id;
    std::stable_sort(crit[i].begin(), crit[i].end(), [](const Criterion& x, const Criterion& y) {
      return std::abs(x.points) > std::abs(y.points);
    });
    for (const Criterion& c : crit[i]) {
      out[i].score += c.points;
      out[i].reasons.push_back(c.reason);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const RankedCopy& x, const RankedCopy& y) { return x.score > y.score; });
  for (std::size_t i = 0; i < n; ++i) out[i].rank = static_cast<int>(i) + 1;
  return out;
}

}  // namespace sightline::analysis::match

// Shadows to Sun bands, bands to times at a place (scan + bisection with full SPA) and to places
// at a time (spherical trigonometry per cell from one SPA call, edges checked with full SPA).
#include "analysis/sun/shadow.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace sightline::analysis::sun {
namespace {

constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr double kRadToDeg = 180.0 / std::numbers::pi;
constexpr double kEarthRadiusKm = 6371.0088;  // IUGG mean radius
constexpr double kSiderealDegPerSecond = 360.98564736629 / 86400.0;
constexpr double kScanStepS = 20;
constexpr double kEdgeToleranceS = 0.05;

double Normalize360(double deg) {
  double r = std::fmod(deg, 360.0);
  return r < 0 ? r + 360.0 : r;
}
double Normalize180(double deg) {
  double r = Normalize360(deg);
  return r >= 180 ? r - 360 : r;
}

Status CheckRange(const Range& r, const std::string& what) {
  if (!std::isfinite(r.lo) || !std::isfinite(r.hi))
    return InvalidArgument(what + " is not a number");
  if (r.lo > r.hi) return InvalidArgument(what + ": the range's low end is above its high end");
  return Status::Ok();
}

// e = atan2(h - s sin α, s cos α), degrees.
double ShadowElevation(double h, double s, double slope_deg) {
  const double a = slope_deg * kDegToRad;
  return std::atan2(h - s * std::sin(a), s * std::cos(a)) * kRadToDeg;
}

std::vector<TimeInterval> Dilate(std::vector<TimeInterval> v, double by) {
  std::vector<TimeInterval> out;
  for (auto& i : v) {
    i.start_unix -= by;
    i.end_unix += by;
    if (!out.empty() && i.start_unix <= out.back().end_unix) {
      out.back().end_unix = std::max(out.back().end_unix, i.end_unix);
    } else {
      out.push_back(i);
    }
  }
  return out;
}

std::vector<TimeInterval> Intersect(const std::vector<TimeInterval>& a,
                                    const std::vector<TimeInterval>& b) {
  std::vector<TimeInterval> out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const double lo = std::max(a[i].start_unix, b[j].start_unix);
    const double hi = std::min(a[i].end_unix, b[j].end_unix);
    if (lo <= hi) out.push_back({lo, hi});
    if (a[i].end_unix < b[j].end_unix) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

// Where a Sun position lies relative to a band, per constraint: -1 below (elevation) or
// anticlockwise of (azimuth) the band, +1 above or clockwise, 0 inside; and the azimuth's signed
// offset from the band's middle.
struct Sides {
  int elevation = 0, azimuth = 0;
  double azimuth_offset = 0;
  bool In() const { return elevation == 0 && azimuth == 0; }
};

Sides SidesOf(const SunBand& band, double elevation_deg, double azimuth_deg) {
  Sides s;
  if (band.elevation_deg) {
    s.elevation = elevation_deg < band.elevation_deg->lo   ? -1
                  : elevation_deg > band.elevation_deg->hi ? 1
                                                           : 0;
  }
  if (band.azimuth_deg) {
    const double width = Normalize360(band.azimuth_deg->hi - band.azimuth_deg->lo);
    s.azimuth_offset = Normalize180(azimuth_deg - (band.azimuth_deg->lo + width / 2));
    s.azimuth = s.azimuth_offset < -width / 2 ? -1 : s.azimuth_offset > width / 2 ? 1 : 0;
  }
  return s;
}

// The times in [from, to] at which `band` holds at the observer: a scan, each edge bisected. A
// band the Sun crosses between two samples (a narrow or exact elevation or azimuth: "when does
// the Sun stand at 200°?") is caught by the constraint's side flipping from -1 to +1: the crossing
// is bisected, and kept if the other constraint holds there.
std::vector<TimeInterval> BandTimes(const SunBand& band, const Observer& obs, double from,
                                    double to) {
  auto sides = [&](double t) {
    auto p = ComputeSolarPosition(t, obs);
    if (!p.ok()) return Sides{2, 2, 0};  // never inside (the range was checked by the caller)
    return SidesOf(band, p->elevation_deg, p->azimuth_deg);
  };
  auto holds = [&](double t) { return sides(t).In(); };
  // The edge between a time where the band holds (`in`) and one where it does not (`out`).
  auto edge = [&](double in, double out) {
    while (std::fabs(out - in) > kEdgeToleranceS) {
      const double mid = (in + out) / 2;
      (holds(mid) ? in : out) = mid;
    }
    return in;
  };
  std::vector<TimeInterval> out;
  // A passage through the band between t0 and t1, both outside it.
  auto crossing = [&](double t0, const Sides& s0, double t1, const Sides& s1) {
    const bool elevation_flip = s0.elevation * s1.elevation == -1;
    const bool azimuth_flip = s0.azimuth * s1.azimuth == -1 && std::fabs(s0.azimuth_offset) < 90 &&
                              std::fabs(s1.azimuth_offset) < 90;
    if (!elevation_flip && !azimuth_flip) return;
    const int before = elevation_flip ? s0.elevation : s0.azimuth;
    auto side = [&](const Sides& s) { return elevation_flip ? s.elevation : s.azimuth; };
    double lo = t0, hi = t1;
    while (hi - lo > kEdgeToleranceS) {
      const double mid = (lo + hi) / 2;
      const Sides s = sides(mid);
      if (s.In()) {  // a band wider than an instant: find its edges
        out.push_back({edge(mid, t0), edge(mid, t1)});
        return;
      }
      if (side(s) == 0) break;  // inside this constraint, outside the other
      (side(s) == before ? lo : hi) = mid;
    }
    const double at = (lo + hi) / 2;
    const Sides s = sides(at);
    const int other = elevation_flip ? s.azimuth : s.elevation;
    if (other == 0) out.push_back({at, at});
  };
  const int steps = static_cast<int>(std::ceil((to - from) / kScanStepS));
  double prev_t = from;
  Sides prev = sides(from);
  double start = from;
  for (int k = 1; k <= steps; ++k) {
    const double t = std::min(to, from + k * kScanStepS);
    const Sides now = sides(t);
    if (now.In() && !prev.In()) start = edge(t, prev_t);
    if (!now.In() && prev.In()) out.push_back({start, edge(prev_t, t)});
    if (!now.In() && !prev.In()) crossing(prev_t, prev, t, now);
    prev = now;
    prev_t = t;
  }
  if (prev.In()) out.push_back({start, to});
  return out;
}

// The geometric elevation whose refracted value is `apparent` (refraction is monotone above the
// horizon; below SPA's cutoff it is 0).
double UnrefractedElevation(double apparent, const Observer& air) {
  double lo = apparent - 5, hi = apparent;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    (mid + RefractionDeg(mid, air) < apparent ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// Sets cells within `k` columns (circularly) of a set cell in `row`.
void DilateRow(std::uint8_t* row, int width, int k, std::vector<std::uint8_t>& scratch) {
  if (k <= 0) return;
  scratch.assign(row, row + width);
  if (2 * k + 1 >= width) {
    if (std::find(scratch.begin(), scratch.end(), 1) != scratch.end())
      std::fill(row, row + width, 1);
    return;
  }
  for (int j = 0; j < width; ++j) {
    if (!scratch[j]) continue;
    const bool run_start = !scratch[(j + width - 1) % width];
    int end = j;
    while (end + 1 < width && scratch[end + 1]) ++end;
    const bool run_end_wraps = end == width - 1 && scratch[0];
    for (int d = run_start ? -k : 0; d < 0; ++d) row[(j + d + width) % width] = 1;
    if (!run_end_wraps) {
      for (int d = 1; d <= k; ++d) row[(end + d) % width] = 1;
    }
    j = end;
  }
}

}  // namespace

Result<SunBand> BandFromShadow(const ShadowMeasurement& s) {
  SunBand band;
  if (s.object_height.has_value() != s.shadow_length.has_value())
    return InvalidArgument("give both the object's height and its shadow's length (same unit)");
  if (s.object_height && s.sun_elevation_deg)
    return InvalidArgument(
        "give the object's height and shadow length, or the sun's elevation, "
        "not both");
  if (s.shadow_azimuth_deg && s.sun_azimuth_deg)
    return InvalidArgument("give the shadow's azimuth or the sun's azimuth, not both");
  SL_RETURN_IF_ERROR(CheckRange(s.ground_slope_deg, "ground slope"));
  if (s.ground_slope_deg.lo <= -60 || s.ground_slope_deg.hi >= 60)
    return InvalidArgument("ground slope must be within -60..60 degrees");
  if (s.object_height) {
    const Range h = *s.object_height, len = *s.shadow_length;
    SL_RETURN_IF_ERROR(CheckRange(h, "object height"));
    SL_RETURN_IF_ERROR(CheckRange(len, "shadow length"));
    if (h.lo <= 0) return InvalidArgument("object height must be positive");
    if (len.lo <= 0) return InvalidArgument("shadow length must be positive");
    double lo = 90, hi = -90;
    for (double hv : {h.lo, h.hi}) {
      for (double lv : {len.lo, len.hi}) {
        std::vector<double> slopes = {s.ground_slope_deg.lo, s.ground_slope_deg.hi};
        if (lv < hv) {  // the stationary point of e over the slope: sin(slope) = s / h
          const double stationary = std::asin(lv / hv) * kRadToDeg;
          if (stationary > s.ground_slope_deg.lo && stationary < s.ground_slope_deg.hi)
            slopes.push_back(stationary);
        }
        for (double a : slopes) {
          const double e = ShadowElevation(hv, lv, a);
          lo = std::min(lo, e);
          hi = std::max(hi, e);
        }
      }
    }
    if (hi <= 0)
      return InvalidArgument(
          "the shadow's length and the ground slope put the sun below the "
          "horizon: check the measurements and the slope's sign");
    band.elevation_deg = Range{std::max(lo, 0.0), hi};
  } else if (s.sun_elevation_deg) {
    SL_RETURN_IF_ERROR(CheckRange(*s.sun_elevation_deg, "sun elevation"));
    if (s.sun_elevation_deg->lo < -1 || s.sun_elevation_deg->hi > 90)
      return InvalidArgument("sun elevation must be within -1..90 degrees");
    band.elevation_deg = *s.sun_elevation_deg;
  }
  std::optional<Range> az = s.sun_azimuth_deg;
  if (s.shadow_azimuth_deg)
    az = Range{s.shadow_azimuth_deg->lo + 180, s.shadow_azimuth_deg->hi + 180};
  if (az) {
    SL_RETURN_IF_ERROR(CheckRange(*az, "azimuth"));
    const double width = az->hi - az->lo;
    if (width < 360) band.azimuth_deg = Range{Normalize360(az->lo), Normalize360(az->lo + width)};
  }
  if (!band.elevation_deg && !s.shadow_azimuth_deg && !s.sun_azimuth_deg)
    return InvalidArgument(
        "a shadow needs an elevation (height and length, or sun elevation) "
        "or an azimuth");
  return band;
}

bool InBand(const SunBand& band, double elevation_deg, double azimuth_deg) {
  return SidesOf(band, elevation_deg, azimuth_deg).In();
}

Result<std::vector<TimeInterval>> FindConsistentTimes(const std::vector<ShadowMeasurement>& shadows,
                                                      const Observer& observer, double from_unix,
                                                      double to_unix) {
  if (shadows.empty()) return InvalidArgument("no shadow given");
  if (!std::isfinite(from_unix) || !std::isfinite(to_unix) || to_unix <= from_unix)
    return InvalidArgument("the time span is empty");
  if (to_unix - from_unix > 31 * 86400.0) return InvalidArgument("the time span exceeds 31 days");
  std::vector<TimeInterval> result = {{from_unix, to_unix}};
  for (std::size_t i = 0; i < shadows.size(); ++i) {
    const ShadowMeasurement& s = shadows[i];
    SL_ASSIGN_OR_RETURN(SunBand band, BandFromShadow(s));
    if (!std::isfinite(s.time_offset_s) || !std::isfinite(s.time_uncertainty_s) ||
        s.time_uncertainty_s < 0 || std::fabs(s.time_offset_s) > 31 * 86400.0) {
      return InvalidArgument("a shadow's time offset or uncertainty is malformed");
    }
    const double u = s.time_uncertainty_s;
    const double lo = from_unix + s.time_offset_s - u, hi = to_unix + s.time_offset_s + u;
    SL_RETURN_IF_ERROR(ComputeSolarPosition(lo, observer).status());
    SL_RETURN_IF_ERROR(ComputeSolarPosition(hi, observer).status());
    std::vector<TimeInterval> times = BandTimes(band, observer, lo, hi);
    for (auto& t : times) {  // to the instant sought
      t.start_unix -= s.time_offset_s;
      t.end_unix -= s.time_offset_s;
    }
    result = Intersect(result, Dilate(std::move(times), u));
  }
  return result;
}

Result<ShadowMap> ComputeShadowMap(const std::vector<ShadowMeasurement>& shadows,
                                   const Observer& air, const ShadowMapOptions& options) {
  if (shadows.empty()) return InvalidArgument("no shadow given");
  if (shadows.size() > 8) return InvalidArgument("at most 8 shadows can be intersected on a map");
  const double rows_f = 180.0 / options.cell_deg;
  if (!(options.cell_deg >= 0.05 && options.cell_deg <= 10) ||
      std::fabs(rows_f - std::round(rows_f)) > 1e-6) {
    return InvalidArgument("the map's cell size must divide 180 degrees, within 0.05..10");
  }
  ShadowMap map;
  map.cell_deg = options.cell_deg;
  map.height = static_cast<int>(std::round(rows_f));
  map.width = 2 * map.height;
  const std::size_t n = static_cast<std::size_t>(map.width) * map.height;
  map.cells.assign(n, 1);
  map.shadow_bits.assign(n, 0);
  std::vector<double> cos_h(map.width), sin_h(map.width);
  std::vector<std::uint8_t> mask(n), scratch;
  for (std::size_t i = 0; i < shadows.size(); ++i) {
    const ShadowMeasurement& s = shadows[i];
    SL_ASSIGN_OR_RETURN(SunBand band, BandFromShadow(s));
    if (!std::isfinite(s.time_uncertainty_s) || s.time_uncertainty_s < 0 ||
        s.time_uncertainty_s > 86400) {
      return InvalidArgument("a shadow's time uncertainty must be within 0..86400 seconds");
    }
    Observer geocentre = air;
    geocentre.latitude_deg = geocentre.longitude_deg = geocentre.elevation_m = 0;
    SL_ASSIGN_OR_RETURN(SolarPosition sun, ComputeSolarPosition(s.time_unix, geocentre));
    // The Sun's Greenwich hour angle and declination: a cell at longitude λ sees hour angle
    // GHA + λ.
    const double gha = sun.apparent_sidereal_time_deg - sun.geocentric_right_ascension_deg;
    const double dec = sun.geocentric_declination_deg * kDegToRad;
    map.subsolar.push_back({sun.geocentric_declination_deg, Normalize180(-gha)});
    const double sin_dec = std::sin(dec), cos_dec = std::cos(dec);
    double sin_lo = -2, sin_hi = 2;
    if (band.elevation_deg) {
      sin_lo = std::sin(UnrefractedElevation(band.elevation_deg->lo, air) * kDegToRad);
      sin_hi = std::sin(UnrefractedElevation(band.elevation_deg->hi, air) * kDegToRad);
    }
    const bool use_az = band.azimuth_deg.has_value();
    double cos_alo = 0, sin_alo = 0, cos_ahi = 0, sin_ahi = 0;
    bool wide = false;
    if (use_az) {
      cos_alo = std::cos(band.azimuth_deg->lo * kDegToRad);
      sin_alo = std::sin(band.azimuth_deg->lo * kDegToRad);
      cos_ahi = std::cos(band.azimuth_deg->hi * kDegToRad);
      sin_ahi = std::sin(band.azimuth_deg->hi * kDegToRad);
      wide = Normalize360(band.azimuth_deg->hi - band.azimuth_deg->lo) > 180;
    }
    for (int c = 0; c < map.width; ++c) {
      const double h = (gha + map.ColumnLongitude(c)) * kDegToRad;
      cos_h[c] = std::cos(h);
      sin_h[c] = std::sin(h);
    }
    for (int r = 0; r < map.height; ++r) {
      const double phi = map.RowLatitude(r) * kDegToRad;
      const double sin_phi = std::sin(phi), cos_phi = std::cos(phi);
      const double a = sin_phi * sin_dec, b = cos_phi * cos_dec;
      const double north0 = cos_phi * sin_dec, north1 = sin_phi * cos_dec;
      std::uint8_t* out = &mask[static_cast<std::size_t>(r) * map.width];
      for (int c = 0; c < map.width; ++c) {
        const double sin_e = a + b * cos_h[c];
        bool in = sin_e >= sin_lo && sin_e <= sin_hi;
        if (use_az) {
          // The Sun's direction on the horizon plane (east, north); azimuth atan2(east, north).
          const double east = -cos_dec * sin_h[c];
          const double north = north0 - north1 * cos_h[c];
          const bool after_lo = east * cos_alo - north * sin_alo >= 0;   // clockwise of lo
          const bool before_hi = north * sin_ahi - east * cos_ahi >= 0;  // anticlockwise of hi
          in = in && (wide ? (after_lo || before_hi) : (after_lo && before_hi));
        }
        out[c] = in;
      }
    }
    // Check band-edge cells (in the band, with a neighbour outside, and that neighbour) against
    // full SPA at the cell.
    std::vector<std::size_t> edges;  // pairs: a cell in the band, its neighbour outside
    for (int r = 0; r < map.height; ++r) {
      for (int c = 0; c < map.width; ++c) {
        const std::size_t k = static_cast<std::size_t>(r) * map.width + c;
        const std::size_t right = static_cast<std::size_t>(r) * map.width + (c + 1) % map.width;
        if (mask[k] == mask[right]) continue;
        edges.push_back(mask[k] ? k : right);
        edges.push_back(mask[k] ? right : k);
      }
    }
    const std::size_t pairs = edges.size() / 2;
    const std::size_t stride = std::max<std::size_t>(1, pairs / std::max(1, options.verify_cells));
    for (std::size_t e = 0; e < pairs; e += stride) {
      for (int side = 0; side < 2; ++side) {
        const std::size_t kk = edges[2 * e + side];
        const int r = static_cast<int>(kk / map.width);
        const int c = static_cast<int>(kk % map.width);
        Observer at = air;
        at.latitude_deg = map.RowLatitude(r);
        at.longitude_deg = map.ColumnLongitude(c);
        at.elevation_m = 0;
        SL_ASSIGN_OR_RETURN(SolarPosition p, ComputeSolarPosition(s.time_unix, at));
        const double phi = at.latitude_deg * kDegToRad;
        const double sin_e = std::sin(phi) * sin_dec + std::cos(phi) * cos_dec * cos_h[c];
        const double e0 = std::asin(std::clamp(sin_e, -1.0, 1.0)) * kRadToDeg;
        const double fast_e = e0 + RefractionDeg(e0, air);
        const double east = -cos_dec * sin_h[c];
        const double north = std::cos(phi) * sin_dec - std::sin(phi) * cos_dec * cos_h[c];
        const double fast_az = Normalize360(std::atan2(east, north) * kRadToDeg);
        auto& v = map.verification;
        ++v.cells_checked;
        if (InBand(band, p.elevation_deg, p.azimuth_deg) != (mask[kk] != 0)) ++v.disagreements;
        v.max_elevation_diff_deg =
            std::max(v.max_elevation_diff_deg, std::fabs(p.elevation_deg - fast_e));
        v.max_azimuth_diff_deg =
            std::max(v.max_azimuth_diff_deg, std::fabs(Normalize180(p.azimuth_deg - fast_az)) *
                                                 std::cos(p.elevation_deg * kDegToRad));
      }
    }
    // The time uncertainty: the Earth turns 360.9856°/day under the Sun.
    const int k = static_cast<int>(
        std::lround(s.time_uncertainty_s * kSiderealDegPerSecond / options.cell_deg));
    for (int r = 0; r < map.height; ++r) {
      DilateRow(&mask[static_cast<std::size_t>(r) * map.width], map.width, k, scratch);
    }
    for (std::size_t j = 0; j < n; ++j) {
      map.cells[j] &= mask[j];
      map.shadow_bits[j] |= static_cast<std::uint8_t>(mask[j] << i);
    }
  }
  const double cell_rad = options.cell_deg * kDegToRad;
  for (int r = 0; r < map.height; ++r) {
    std::int64_t count = 0;
    for (int c = 0; c < map.width; ++c) count += map.At(r, c);
    const double top = (90.0 - r * options.cell_deg) * kDegToRad;
    const double bottom = (90.0 - (r + 1) * options.cell_deg) * kDegToRad;
    map.cell_count += count;
    map.area_km2 +=
        count * kEarthRadiusKm * kEarthRadiusKm * cell_rad * (std::sin(top) - std::sin(bottom));
  }
  return map;
}

}  // namespace sightline::analysis::sun

// What a measured shadow says about when and where a picture was taken.
//
// A vertical object of height h casts on the ground a shadow of length s (measured along the
// ground) pointing away from the Sun. On ground that rises by `slope` degrees along the shadow's
// direction, the shadow's tip lies at (s·cos slope, s·sin slope) from the object's foot and the
// Sun's rays pass through the object's top and the tip, so the Sun's apparent elevation is
//     e = atan2(h - s·sin(slope), s·cos(slope))        (slope 0: e = atan(h / s)),
// and its azimuth is the shadow's azimuth + 180°. Every measured input is a range [lo, hi]; the
// elevation band is the smallest and largest e over the box of (h, s, slope) (e rises with h and
// falls with s; over the slope it is checked at both ends and at its stationary point
// sin(slope) = s/h). A shadow thus gives a band of Sun positions: elevation [e_lo, e_hi] (apparent,
// i.e. refracted, since shadows are cast by the Sun we see) and azimuth [a_lo, a_hi] (clockwise).
//
// Questions answered (doc/sun.md):
//  (a) FindConsistentTimes: at a place, over a span of time (a day), the intervals when the Sun
//      stands in the band(s): a scan with full SPA every 20 s and bisection of each edge to 0.05 s.
//      Several shadows are intersected; each carries an offset from the instant sought (a second
//      clip filmed a known time later) with its own uncertainty. With only an azimuth, or only an
//      elevation, this answers the inverse questions: when does the Sun stand at this azimuth, or
//      cast a shadow this long, here.
//  (b) ComputeShadowMap: at an instant (± an uncertainty), the places on Earth where the Sun
//      stands in the band, on a global grid (0.1° by default: 3600 × 1800 cells, cell centres
//      tested). The Sun's declination and Greenwich hour angle come from SPA once per shadow; each
//      cell then needs only spherical trigonometry (the cell's hour angle is the column's, so the
//      trigonometry of longitude is tabulated once). The time uncertainty dilates each row by the
//      hour angle the Earth turns in it. Cells on the band's edges are then checked against full
//      SPA (topocentric, refracted) and the disagreement is reported.
//  (c) Several shadows: every function takes a list and intersects.
//
// Contract: inputs are checked (kInvalidArgument naming the field: non-positive heights or
// lengths, |slope| >= 60°, inverted ranges, elevation outside -1..90°); results are values.
// Thread safety: pure functions; call from any thread.
#ifndef SIGHTLINE_ANALYSIS_SUN_SHADOW_H_
#define SIGHTLINE_ANALYSIS_SUN_SHADOW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/sun/spa.h"
#include "base/status.h"

namespace sightline::analysis::sun {

// A closed range [lo, hi]. For azimuths, lo..hi runs clockwise and may cross north (350..10).
struct Range {
  double lo = 0, hi = 0;
  static Range Exact(double v) { return {v, v}; }
  static Range PlusMinus(double v, double d) { return {v - d, v + d}; }
  double Mid() const { return (lo + hi) / 2; }
};

// One shadow measured in a picture. Give either object_height and shadow_length (same unit), or
// sun_elevation_deg; and/or shadow_azimuth_deg or sun_azimuth_deg. At least one of the two.
struct ShadowMeasurement {
  std::optional<Range> object_height, shadow_length;
  Range ground_slope_deg{
      0, 0};  // along the shadow; positive when the ground rises away from the object
  std::optional<Range> sun_elevation_deg;   // apparent
  std::optional<Range> shadow_azimuth_deg;  // where the shadow points, from north, eastward
  std::optional<Range> sun_azimuth_deg;     // = shadow azimuth + 180°
  // (b) maps: when the picture was taken (UTC) and how uncertain that is (±seconds).
  double time_unix = 0;
  double time_uncertainty_s = 0;
  // (a) times: this shadow was seen `time_offset_s` after the instant sought (0 for shadows in the
  // same picture), ± time_uncertainty_s.
  double time_offset_s = 0;
};

// The Sun positions a shadow allows. Absent members do not constrain.
struct SunBand {
  std::optional<Range> elevation_deg;  // apparent elevation
  std::optional<Range> azimuth_deg;    // clockwise from lo to hi, lo and hi in [0, 360)
};

Result<SunBand> BandFromShadow(const ShadowMeasurement& shadow);
// Whether a Sun at (elevation, azimuth) lies in the band (edges included).
bool InBand(const SunBand& band, double elevation_deg, double azimuth_deg);

struct TimeInterval {
  double start_unix = 0, end_unix = 0;
};

// (a)/(d): the intervals of [from_unix, to_unix] at which every shadow's band holds (shadow i at
// t + its offset, for some offset within its uncertainty), at the place `observer` describes.
// Edges are exact to 0.05 s; a band crossed between two 20 s samples (an exact azimuth or
// elevation) is found as an instant (start == end). A tiny band whose two constraints are both
// crossed within one step can be missed. The span may be at most 31 days.
Result<std::vector<TimeInterval>> FindConsistentTimes(const std::vector<ShadowMeasurement>& shadows,
                                                      const Observer& observer, double from_unix,
                                                      double to_unix);

// (b)/(c): the map. Row 0 is the northernmost (centre latitude 90 - cell/2), column 0 the
// westernmost (centre longitude -180 + cell/2).
struct ShadowMapOptions {
  double cell_deg = 0.1;   // 180 / cell_deg must be a whole number; 0.01..10
  int verify_cells = 400;  // band-edge cells checked against full SPA (per shadow)
};

struct ShadowMap {
  int width = 0, height = 0;
  double cell_deg = 0;
  std::vector<std::uint8_t> cells;  // width*height; 1 where every shadow's band holds
  // Per shadow: its own mask (1 bit per shadow, up to 8 shadows) for drawing; bit i = shadow i.
  std::vector<std::uint8_t> shadow_bits;
  struct Subsolar {
    double latitude_deg, longitude_deg;  // where the Sun stands at the zenith, at the shadow's time
  };
  std::vector<Subsolar> subsolar;  // one per shadow
  std::int64_t cell_count = 0;     // cells set in `cells`
  double area_km2 = 0;             // their area on a sphere of the Earth's mean radius
  // The check of band-edge cells against full SPA (per-cell topocentric, refracted positions):
  // how many were checked, how many SPA places on the other side of the band's edge than the
  // fast model, and the largest differences between the two models at those cells.
  struct Verification {
    int cells_checked = 0;
    int disagreements = 0;
    double max_elevation_diff_deg = 0;
    double max_azimuth_diff_deg = 0;  // an angle on the sky (azimuth difference × cos elevation)
  } verification;

  bool At(int row, int col) const {
    return cells[static_cast<std::size_t>(row) * width + col] != 0;
  }
  double RowLatitude(int row) const { return 90.0 - (row + 0.5) * cell_deg; }
  double ColumnLongitude(int col) const { return -180.0 + (col + 0.5) * cell_deg; }
};

// `air` gives the pressure, temperature, ΔT and ΔUT1 used for every cell (its place is ignored).
Result<ShadowMap> ComputeShadowMap(const std::vector<ShadowMeasurement>& shadows,
                                   const Observer& air, const ShadowMapOptions& options = {});

}  // namespace sightline::analysis::sun

#endif  // SIGHTLINE_ANALYSIS_SUN_SHADOW_H_

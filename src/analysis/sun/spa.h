// The position of the Sun seen from a place on Earth at an instant: NREL's Solar Position
// Algorithm (SPA), written from the paper's equations and tables:
//
//   I. Reda and A. Andreas, "Solar Position Algorithm for Solar Radiation Applications",
//   NREL/TP-560-34302, National Renewable Energy Laboratory, 2003 (revised 2008); also
//   Solar Energy 76(5):577-589, 2004.
//
// SPA computes the Earth's heliocentric position from a truncated VSOP87 series, nutation from the
// IAU 1980 series (63 terms), the true obliquity from Laskar's polynomial, aberration, the
// apparent sidereal time, parallax for the observer's elevation and an atmospheric refraction
// correction. Its stated uncertainty is ±0.0003° in zenith and azimuth for the years -2000..6000.
// doc/sun.md gives the measured agreement with the paper's worked example and with an independent
// reference (ERFA, through astropy) on random places and times.
//
// Contract:
//  - Inputs are timezone-free: an instant as Unix seconds (UTC) or UTC calendar fields; SPA works
//    in UT1 = UTC + Observer::delta_ut1_s. Local times are converted by the caller.
//  - Invalid inputs (latitude outside ±90°, longitude outside ±180°, a time outside the years
//    -2000..6000, pressure, temperature, ΔT or refraction out of physical range, non-finite
//    numbers) are refused with kInvalidArgument and a message naming the field.
//  - Angles are degrees. Azimuth is measured from north, eastward (0 = N, 90 = E), in [0, 360).
//  - At the poles (latitude ±90°) every direction is south (or north): the azimuth is then the one
//    SPA's formula yields in the limit and carries no information.
//
// Thread safety: pure functions of their arguments; call from any thread.
#ifndef SIGHTLINE_ANALYSIS_SUN_SPA_H_
#define SIGHTLINE_ANALYSIS_SUN_SPA_H_

#include <optional>

#include "base/status.h"

namespace sightline::analysis::sun {

// Where and in what air the Sun is observed.
struct Observer {
  double latitude_deg = 0;   // geodetic, north positive, [-90, 90]
  double longitude_deg = 0;  // east positive (west negative), [-180, 180]
  double elevation_m = 0;    // above sea level; > -6,500,000
  // Mean annual local pressure and temperature: they scale the refraction correction only.
  // 1010 mbar and 10 °C are the reference conditions of the refraction formula (paper eq. 42).
  double pressure_mbar = 1010;  // [0, 5000]
  double temperature_c = 10;    // [-273, 6000]
  // ΔT = TT - UT1 in seconds: the Earth's rotation's lag behind uniform time. 69.2 s in 2024;
  // observed values and predictions: IERS Bulletins, or Espenak & Meeus' polynomials for the past.
  double delta_t_s = 69.2;  // |ΔT| <= 8000
  // ΔUT1 = UT1 - UTC in seconds (IERS Bulletin A), |ΔUT1| < 1. Ignoring it costs up to 0.004° of
  // hour angle (the Earth turns 15″ a second).
  double delta_ut1_s = 0;
  // The Sun's apparent elevation below which refraction is not applied (its radius plus the
  // refraction at the horizon), degrees: the refraction formula is meaningless below the horizon.
  // Also sets sunrise and sunset: the Sun's centre then stands at -(0.26667° + this).
  double atmospheric_refraction_deg = 0.5667;  // [-5, 5]
};

// Everything SPA computes on the way; the last block is what most callers want.
struct SolarPosition {
  double julian_day = 0;            // JD (UT1)
  double julian_ephemeris_day = 0;  // JDE = JD + ΔT/86400
  // The Earth's heliocentric ecliptic position (of date): L and B in degrees, R in AU.
  double heliocentric_longitude_deg = 0;
  double heliocentric_latitude_deg = 0;
  double earth_sun_distance_au = 0;
  double nutation_longitude_deg = 0;           // Δψ
  double nutation_obliquity_deg = 0;           // Δε
  double true_obliquity_deg = 0;               // ε
  double aberration_deg = 0;                   // Δτ
  double apparent_longitude_deg = 0;           // λ
  double apparent_sidereal_time_deg = 0;       // ν, at Greenwich
  double geocentric_right_ascension_deg = 0;   // α, [0, 360)
  double geocentric_declination_deg = 0;       // δ
  double hour_angle_deg = 0;                   // H, observer's local hour angle, [0, 360)
  double topocentric_right_ascension_deg = 0;  // α'
  double topocentric_declination_deg = 0;      // δ'
  double topocentric_hour_angle_deg = 0;       // H'
  double elevation_geometric_deg = 0;          // e0, without refraction
  double refraction_deg = 0;                   // Δe added to e0
  // Observer's view of the Sun's centre, refraction included.
  double elevation_deg = 0;  // e = e0 + Δe
  double zenith_deg = 0;     // 90 - e
  double azimuth_deg = 0;    // from north, eastward, [0, 360)
  // Apparent minus mean solar time, minutes (paper appendix A.1), in [-20, 20].
  double equation_of_time_min = 0;
};

// SPA at `unix_seconds` (UTC, fractional seconds allowed).
Result<SolarPosition> ComputeSolarPosition(double unix_seconds, const Observer& observer);

// SPA at a UTC calendar time. As in the paper (eq. 4), dates before 1582-10-15 are in the Julian
// calendar and later ones in the Gregorian; `second` may carry a fraction.
Result<SolarPosition> ComputeSolarPositionUtc(int year, int month, int day, int hour, int minute,
                                              double second, const Observer& observer);

// The Julian day of a UT calendar time (paper eq. 4; Julian calendar before 1582-10-15).
double JulianDay(int year, int month, int day, int hour, int minute, double second);
// The Julian day of a Unix time (proleptic Gregorian, as Unix time is).
inline double JulianDayFromUnix(double unix_seconds) { return unix_seconds / 86400.0 + 2440587.5; }
inline double UnixFromJulianDay(double jd) { return (jd - 2440587.5) * 86400.0; }

// The instants of SPA's validity range: 2000 BC (-2000-01-01, Julian calendar) .. 6000-12-31.
double SpaFirstJulianDay();
double SpaLastJulianDay();

// Sunrise, the Sun's transit (solar noon) and sunset on one day, by the paper's appendix A.2: the
// geocentric position at 0 TT of the day before, the day and the day after, interpolated. Sunrise
// and sunset are when the Sun's centre stands at -0.8333° of geometric elevation (its radius plus
// the standard refraction at the horizon, 34').
struct SunDay {
  enum class Kind { kNormal, kPolarDay, kPolarNight };
  Kind kind = Kind::kNormal;
  double transit_unix = 0;  // always defined: the Sun crosses the meridian every day
  // Absent when the Sun neither rises nor sets that day (polar day or night).
  std::optional<double> sunrise_unix, sunset_unix;
  double transit_elevation_deg = 0;  // geometric elevation at transit (from the interpolation)
};

// The events of the day that begins at local midnight `utc_offset_s` seconds from UTC: e.g. the
// day 2003-10-17 at offset -25200 (UTC-7) runs from 2003-10-17T07:00Z to 2003-10-18T07:00Z. With
// offset 0 this is exactly the paper's method (times as fractions of the UT day). `year`, `month`
// and `day` name the local calendar day (Gregorian from 1582-10-15, Julian before).
Result<SunDay> ComputeSunDay(int year, int month, int day, int utc_offset_s,
                             const Observer& observer);
// The same for the local day (at `utc_offset_s`) that contains the instant `unix_seconds`: no
// calendar involved, so it also suits ISO 8601 dates before 1582 (proleptic Gregorian).
Result<SunDay> ComputeSunDayOf(double unix_seconds, int utc_offset_s, const Observer& observer);
// The same for the day whose 0h UT is the Julian day `jd0` (x.5).
Result<SunDay> ComputeSunDayAtJulianDay(double jd0, int utc_offset_s, const Observer& observer);

// SPA's refraction correction (eq. 42) for a Sun at geometric elevation `e0_deg` in the
// observer's air: 0 below -(0.26667° + atmospheric_refraction_deg), as in ComputeSolarPosition.
double RefractionDeg(double e0_deg, const Observer& observer);

// Checks an Observer's fields (the checks ComputeSolarPosition makes); names the bad field.
Status ValidateObserver(const Observer& observer);

}  // namespace sightline::analysis::sun

#endif  // SIGHTLINE_ANALYSIS_SUN_SPA_H_

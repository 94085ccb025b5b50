// NREL's Solar Position Algorithm: the steps of Reda & Andreas (NREL/TP-560-34302) section 3, in
// the paper's order, with its equation numbers in the comments. Tables: spa_terms.h.
#include "analysis/sun/spa.h"

#include <cmath>
#include <numbers>
#include <string>

#include "analysis/sun/spa_terms.h"

namespace sightline::analysis::sun {
namespace {

constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr double kRadToDeg = 180.0 / std::numbers::pi;
constexpr double kSunRadiusDeg = 0.26667;  // the Sun's apparent radius (paper A.2 step 4)

double Sin(double deg) { return std::sin(deg * kDegToRad); }
double Cos(double deg) { return std::cos(deg * kDegToRad); }
double Tan(double deg) { return std::tan(deg * kDegToRad); }

// [0, 360).
double LimitDegrees(double deg) {
  double r = std::fmod(deg, 360.0);
  return r < 0 ? r + 360.0 : r;
}
// [-180, 180].
double LimitDegrees180(double deg) {
  double r = LimitDegrees(deg);
  return r > 180 ? r - 360 : r;
}
double Frac(double x) { return x - std::floor(x); }

template <std::size_t N>
double SumSeries(const terms::Periodic (&rows)[N], double jme) {
  double sum = 0;
  for (const auto& t : rows) sum += t.a * std::cos(t.b + t.c * jme);
  return sum;
}

// Σ Li·JME^i / 1e8 by Horner's rule (eqs. 9-11), in radians or AU.
template <typename... Series>
double Polynomial(double jme, const Series&... series) {
  const double values[] = {SumSeries(series, jme)...};
  double acc = 0;
  for (int i = static_cast<int>(sizeof...(Series)) - 1; i >= 0; --i) acc = acc * jme + values[i];
  return acc / 1e8;
}

// The geocentric quantities, which depend on time only (SPA sections 3.1-3.8).
struct Geocentric {
  double jd, jde, jc, jce, jme;
  double l_deg, b_deg, r_au;
  double dpsi_deg, deps_deg, eps_deg, dtau_deg, lambda_deg;
  double nu_deg;  // apparent sidereal time at Greenwich
  double alpha_deg, delta_deg;
};

Geocentric ComputeGeocentric(double jd, double delta_t_s) {
  Geocentric g{};
  g.jd = jd;
  g.jde = jd + delta_t_s / 86400.0;                  // eq. 5
  g.jc = (jd - 2451545.0) / 36525.0;                 // eq. 6
  g.jce = (g.jde - 2451545.0) / 36525.0;             // eq. 7
  g.jme = g.jce / 10.0;                              // eq. 8
  const double jme = g.jme, jce = g.jce, jc = g.jc;  // 3.2: the Earth's heliocentric position
  using namespace terms;
  g.l_deg = LimitDegrees(Polynomial(jme, kL0, kL1, kL2, kL3, kL4, kL5) * kRadToDeg);
  g.b_deg = Polynomial(jme, kB0, kB1) * kRadToDeg;
  g.r_au = Polynomial(jme, kR0, kR1, kR2, kR3, kR4);
  // 3.3: geocentric longitude and latitude.
  const double theta = LimitDegrees(g.l_deg + 180.0);  // eq. 13
  const double beta = -g.b_deg;                        // eq. 14
  // 3.4: nutation (eqs. 15-24).
  const double x[5] = {
      297.85036 + 445267.111480 * jce - 0.0019142 * jce * jce + jce * jce * jce / 189474.0,
      357.52772 + 35999.050340 * jce - 0.0001603 * jce * jce - jce * jce * jce / 300000.0,
      134.96298 + 477198.867398 * jce + 0.0086972 * jce * jce + jce * jce * jce / 56250.0,
      93.27191 + 483202.017538 * jce - 0.0036825 * jce * jce + jce * jce * jce / 327270.0,
      125.04452 - 1934.136261 * jce + 0.0020708 * jce * jce + jce * jce * jce / 450000.0,
  };
  double dpsi = 0, deps = 0;
  for (const auto& t : kNutation) {
    double arg = 0;
    for (int j = 0; j < 5; ++j) arg += x[j] * t.y[j];
    dpsi += (t.a + t.b * jce) * Sin(arg);
    deps += (t.c + t.d * jce) * Cos(arg);
  }
  g.dpsi_deg = dpsi / 36000000.0;
  g.deps_deg = deps / 36000000.0;
  // 3.5: true obliquity of the ecliptic (eqs. 24-25), Laskar's polynomial in U = JME/10.
  const double u = jme / 10.0;
  constexpr double kEps[] = {84381.448, -4680.93, -1.55, 1999.25, -51.38, -249.67,
                             -39.05,    7.12,     27.87, 5.79,    2.45};
  double eps0 = 0;
  for (int i = 10; i >= 0; --i) eps0 = eps0 * u + kEps[i];
  g.eps_deg = eps0 / 3600.0 + g.deps_deg;
  // 3.6-3.7: aberration and the apparent longitude (eqs. 26-27).
  g.dtau_deg = -20.4898 / (3600.0 * g.r_au);
  g.lambda_deg = theta + g.dpsi_deg + g.dtau_deg;
  // 3.8: apparent sidereal time at Greenwich (eqs. 28-29).
  const double nu0 = LimitDegrees(280.46061837 + 360.98564736629 * (jd - 2451545.0) +
                                  0.000387933 * jc * jc - jc * jc * jc / 38710000.0);
  g.nu_deg = nu0 + g.dpsi_deg * Cos(g.eps_deg);
  // 3.9-3.10: geocentric right ascension and declination (eqs. 30-31).
  const double lambda = g.lambda_deg * kDegToRad, eps = g.eps_deg * kDegToRad;
  g.alpha_deg = LimitDegrees(
      std::atan2(std::sin(lambda) * std::cos(eps) - Tan(beta) * std::sin(eps), std::cos(lambda)) *
      kRadToDeg);
  g.delta_deg =
      std::asin(Sin(beta) * std::cos(eps) + Cos(beta) * std::sin(eps) * std::sin(lambda)) *
      kRadToDeg;
  return g;
}

// The equation of time in minutes (paper appendix A.1, eqs. A1-A4).
double EquationOfTime(const Geocentric& g) {
  const double t = g.jme;
  const double m =
      LimitDegrees(280.4664567 + 360007.6982779 * t + 0.03032028 * t * t + t * t * t / 49931.0 -
                   t * t * t * t / 15300.0 - t * t * t * t * t / 2000000.0);
  double e = 4.0 * LimitDegrees(m - 0.0057183 - g.alpha_deg + g.dpsi_deg * Cos(g.eps_deg));
  if (e > 20) e -= 1440;
  if (e < -20) e += 1440;
  return e;
}

bool Finite(double v) { return std::isfinite(v); }

Status CheckTime(double jd) {
  if (!Finite(jd)) return InvalidArgument("the time is not a finite number");
  if (jd < SpaFirstJulianDay() || jd > SpaLastJulianDay()) {
    return InvalidArgument("the time is outside SPA's validity range (years -2000 to 6000)");
  }
  return Status::Ok();
}

Result<SolarPosition> ComputeAtJulianDay(double jd, const Observer& obs) {
  SL_RETURN_IF_ERROR(ValidateObserver(obs));
  SL_RETURN_IF_ERROR(CheckTime(jd));
  const Geocentric g = ComputeGeocentric(jd, obs.delta_t_s);
  SolarPosition p;
  p.julian_day = g.jd;
  p.julian_ephemeris_day = g.jde;
  p.heliocentric_longitude_deg = g.l_deg;
  p.heliocentric_latitude_deg = g.b_deg;
  p.earth_sun_distance_au = g.r_au;
  p.nutation_longitude_deg = g.dpsi_deg;
  p.nutation_obliquity_deg = g.deps_deg;
  p.true_obliquity_deg = g.eps_deg;
  p.aberration_deg = g.dtau_deg;
  p.apparent_longitude_deg = g.lambda_deg;
  p.apparent_sidereal_time_deg = g.nu_deg;
  p.geocentric_right_ascension_deg = g.alpha_deg;
  p.geocentric_declination_deg = g.delta_deg;
  // 3.11: the observer's local hour angle (eq. 32).
  const double h = LimitDegrees(g.nu_deg + obs.longitude_deg - g.alpha_deg);
  p.hour_angle_deg = h;
  // 3.12: topocentric right ascension and declination: parallax (eqs. 33-38).
  const double xi = 8.794 / (3600.0 * g.r_au);
  const double phi = obs.latitude_deg * kDegToRad;
  const double u = std::atan(0.99664719 * std::tan(phi));
  const double x = std::cos(u) + obs.elevation_m / 6378140.0 * std::cos(phi);
  const double y = 0.99664719 * std::sin(u) + obs.elevation_m / 6378140.0 * std::sin(phi);
  const double sin_xi = Sin(xi), cos_delta = Cos(g.delta_deg);
  const double denom = cos_delta - x * sin_xi * Cos(h);
  const double dalpha = std::atan2(-x * sin_xi * Sin(h), denom);
  const double delta_p =
      std::atan2((Sin(g.delta_deg) - y * sin_xi) * std::cos(dalpha), denom) * kRadToDeg;
  p.topocentric_right_ascension_deg = LimitDegrees(g.alpha_deg + dalpha * kRadToDeg);
  p.topocentric_declination_deg = delta_p;
  // 3.13: topocentric local hour angle (eq. 40).
  const double hp = h - dalpha * kRadToDeg;
  p.topocentric_hour_angle_deg = LimitDegrees(hp);
  // 3.14: topocentric zenith angle (eqs. 41-44). Refraction only for a Sun above the horizon.
  const double e0 =
      std::asin(std::sin(phi) * Sin(delta_p) + std::cos(phi) * Cos(delta_p) * Cos(hp)) * kRadToDeg;
  const double de = RefractionDeg(e0, obs);
  p.elevation_geometric_deg = e0;
  p.refraction_deg = de;
  p.elevation_deg = e0 + de;
  p.zenith_deg = 90.0 - p.elevation_deg;
  // 3.15: topocentric azimuth, astronomers' (from south, westward) then navigators' (eqs. 45-46).
  const double gamma =
      std::atan2(Sin(hp), Cos(hp) * std::sin(phi) - Tan(delta_p) * std::cos(phi)) * kRadToDeg;
  p.azimuth_deg = LimitDegrees(gamma + 180.0);
  p.equation_of_time_min = EquationOfTime(g);
  return p;
}

}  // namespace

double JulianDay(int year, int month, int day, int hour, int minute, double second) {
  const double day_decimal = day + (hour + (minute + second / 60.0) / 60.0) / 24.0;
  if (month < 3) {
    year -= 1;
    month += 12;
  }
  double jd = std::floor(365.25 * (year + 4716.0)) + std::floor(30.6001 * (month + 1)) +
              day_decimal - 1524.5;  // eq. 4
  if (jd > 2299160.0) {              // Gregorian calendar from 1582-10-15
    const double a = std::floor(year / 100.0);
    jd += 2 - a + std::floor(a / 4);
  }
  return jd;
}

double RefractionDeg(double e0, const Observer& obs) {
  if (e0 < -(kSunRadiusDeg + obs.atmospheric_refraction_deg)) return 0;
  return obs.pressure_mbar / 1010.0 * 283.0 / (273.0 + obs.temperature_c) * 1.02 /
         (60.0 * Tan(e0 + 10.3 / (e0 + 5.11)));
}

double SpaFirstJulianDay() { return JulianDay(-2000, 1, 1, 0, 0, 0); }
double SpaLastJulianDay() { return JulianDay(6000, 12, 31, 24, 0, 0); }

Status ValidateObserver(const Observer& o) {
  auto bad = [](const std::string& what) { return InvalidArgument(what); };
  if (!Finite(o.latitude_deg) || o.latitude_deg < -90 || o.latitude_deg > 90)
    return bad("latitude must be within -90..90 degrees (north positive)");
  if (!Finite(o.longitude_deg) || o.longitude_deg < -180 || o.longitude_deg > 180)
    return bad("longitude must be within -180..180 degrees (east positive, west negative)");
  if (!Finite(o.elevation_m) || o.elevation_m < -6500000 || o.elevation_m > 1e8)
    return bad("elevation must be a height in metres above sea level");
  if (!Finite(o.pressure_mbar) || o.pressure_mbar < 0 || o.pressure_mbar > 5000)
    return bad("pressure must be within 0..5000 mbar");
  if (!Finite(o.temperature_c) || o.temperature_c <= -273 || o.temperature_c > 6000)
    return bad("temperature must be within -273..6000 degrees Celsius");
  if (!Finite(o.delta_t_s) || std::fabs(o.delta_t_s) > 8000)
    return bad("delta T must be within -8000..8000 seconds");
  if (!Finite(o.delta_ut1_s) || std::fabs(o.delta_ut1_s) >= 1)
    return bad("delta UT1 (UT1 - UTC) must be within -1..1 seconds");
  if (!Finite(o.atmospheric_refraction_deg) || std::fabs(o.atmospheric_refraction_deg) > 5)
    return bad("the atmospheric refraction at the horizon must be within -5..5 degrees");
  return Status::Ok();
}

Result<SolarPosition> ComputeSolarPosition(double unix_seconds, const Observer& observer) {
  return ComputeAtJulianDay(JulianDayFromUnix(unix_seconds + observer.delta_ut1_s), observer);
}

Result<SolarPosition> ComputeSolarPositionUtc(int year, int month, int day, int hour, int minute,
                                              double second, const Observer& observer) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 24 || minute < 0 ||
      minute > 59 || !Finite(second) || second < 0 || second > 60) {
    return InvalidArgument(
        "the calendar time is malformed (month 1-12, day 1-31, hour 0-24, "
        "minute 0-59, second 0-60)");
  }
  return ComputeAtJulianDay(
      JulianDay(year, month, day, hour, minute, second + observer.delta_ut1_s), observer);
}

Result<SunDay> ComputeSunDay(int year, int month, int day, int utc_offset_s,
                             const Observer& observer) {
  if (month < 1 || month > 12 || day < 1 || day > 31)
    return InvalidArgument("the date is malformed (month 1-12, day 1-31)");
  return ComputeSunDayAtJulianDay(JulianDay(year, month, day, 0, 0, 0), utc_offset_s, observer);
}

Result<SunDay> ComputeSunDayOf(double unix_seconds, int utc_offset_s, const Observer& observer) {
  if (!Finite(unix_seconds)) return InvalidArgument("the time is not a finite number");
  const double local_days = std::floor((unix_seconds + utc_offset_s) / 86400.0);
  return ComputeSunDayAtJulianDay(JulianDayFromUnix(local_days * 86400.0), utc_offset_s, observer);
}

Result<SunDay> ComputeSunDayAtJulianDay(double jd0, int utc_offset_s, const Observer& observer) {
  SL_RETURN_IF_ERROR(ValidateObserver(observer));
  if (utc_offset_s < -18 * 3600 || utc_offset_s > 18 * 3600)
    return InvalidArgument("the UTC offset must be within -18:00..+18:00");
  SL_RETURN_IF_ERROR(CheckTime(jd0 - 1));
  SL_RETURN_IF_ERROR(CheckTime(jd0 + 2));
  // A.2 steps 1-2: ν at 0 UT; α and δ at 0 TT of the day before, the day and the day after.
  const double nu = ComputeGeocentric(jd0, 0).nu_deg;
  double alpha[3], delta[3];
  for (int i = 0; i < 3; ++i) {
    const Geocentric g = ComputeGeocentric(jd0 + i - 1, 0);
    alpha[i] = g.alpha_deg;
    delta[i] = g.delta_deg;
  }
  const double phi = observer.latitude_deg, sigma = observer.longitude_deg;
  const double h0p = -(kSunRadiusDeg + observer.atmospheric_refraction_deg);
  // Times are fractions of the UT day of jd0; the local day is [-f, 1 - f).
  const double f = utc_offset_s / 86400.0;
  auto in_day = [f](double m) { return m - std::floor(m + f); };
  // Step 3: the approximate transit; step 4: the local hour angle of sunrise and sunset.
  const double m0 = in_day((alpha[1] - sigma - nu) / 360.0);
  SunDay out;
  const double num = Sin(h0p) - Sin(phi) * Sin(delta[1]);
  const double den = Cos(phi) * Cos(delta[1]);
  const double arg = den > 1e-12 ? num / den : (num > 0 ? 2.0 : -2.0);
  if (arg > 1) out.kind = SunDay::Kind::kPolarNight;
  if (arg < -1) out.kind = SunDay::Kind::kPolarDay;
  const double h0 = std::acos(std::fmax(-1.0, std::fmin(1.0, arg))) * kRadToDeg;
  // Steps 5-10: transit, sunrise and sunset times, each refined with interpolated α', δ'.
  const double m[3] = {m0, in_day(m0 - h0 / 360.0), in_day(m0 + h0 / 360.0)};
  auto limit_difference = [](double d) { return std::fabs(d) > 2 ? Frac(d) : d; };
  const double a = limit_difference(alpha[1] - alpha[0]);
  const double b = limit_difference(alpha[2] - alpha[1]);
  const double ad = limit_difference(delta[1] - delta[0]);
  const double bd = limit_difference(delta[2] - delta[1]);
  double hp[3], dp[3], hh[3];
  for (int i = 0; i < 3; ++i) {
    const double nu_i = nu + 360.985647 * m[i];
    const double n = m[i] + observer.delta_t_s / 86400.0;
    const double alpha_i = alpha[1] + n * (a + b + (b - a) * n) / 2.0;
    dp[i] = delta[1] + n * (ad + bd + (bd - ad) * n) / 2.0;
    hp[i] = LimitDegrees180(nu_i + sigma - alpha_i);
    hh[i] = std::asin(Sin(phi) * Sin(dp[i]) + Cos(phi) * Cos(dp[i]) * Cos(hp[i])) * kRadToDeg;
  }
  // Steps 11-13.
  const double day_start = UnixFromJulianDay(jd0) - observer.delta_ut1_s;  // UT1 to UTC
  out.transit_unix = day_start + (m[0] - hp[0] / 360.0) * 86400.0;
  out.transit_elevation_deg = hh[0];
  if (out.kind == SunDay::Kind::kNormal) {
    const double r = m[1] + (hh[1] - h0p) / (360.0 * Cos(dp[1]) * Cos(phi) * Sin(hp[1]));
    const double s = m[2] + (hh[2] - h0p) / (360.0 * Cos(dp[2]) * Cos(phi) * Sin(hp[2]));
    out.sunrise_unix = day_start + r * 86400.0;
    out.sunset_unix = day_start + s * 86400.0;
  }
  return out;
}

}  // namespace sightline::analysis::sun

// sightline sun: the Sun's position (NREL SPA, analysis/sun/spa.h) at a place and an instant, with
// the day's sunrise, solar noon and sunset, printed in the UTC offset the time was written in.
#include <cmath>
#include <cstdio>
#include <string>

#include "analysis/sun/spa.h"
#include "analysis/sun/sun_text.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {
namespace {

namespace sun = analysis::sun;

constexpr char kUsage[] =
    "Usage: sightline sun --lat LAT --lon LON --time ISO8601 [--elevation-m M]\n"
    "                     [--pressure-mbar P] [--temp-c C] [--delta-t S] [--delta-ut1 S] [--json]\n"
    "\n"
    "Where the Sun stands seen from a place at an instant, by NREL's Solar Position Algorithm\n"
    "(Reda & Andreas 2004; +-0.0003 degrees for the years -2000..6000), and the sunrise, solar\n"
    "noon and sunset of that local day (the day of the time as written, in its UTC offset).\n"
    "\n"
    "  --lat, --lon       decimal degrees, north and east positive (e.g. --lon -105.1786)\n"
    "  --time             ISO 8601 with seconds and an offset: 2003-10-17T12:30:30-07:00 or\n"
    "                     2024-05-01T07:30:00Z; results are printed in the same offset\n"
    "  --elevation-m      height above sea level (default 0)\n"
    "  --pressure-mbar    mean local air pressure, for refraction (default 1010)\n"
    "  --temp-c           mean local temperature, for refraction (default 10)\n"
    "  --delta-t          TT - UT1 in seconds (default 69.2, the 2024 value; an error of a\n"
    "                     minute moves the Sun by about 0.0007 degrees)\n"
    "  --delta-ut1        UT1 - UTC in seconds, from IERS Bulletin A (default 0; up to 0.004 deg)\n"
    "  --json             {\"latitude_deg\",\"longitude_deg\",\"elevation_m\",\"time\",\"unix\",\n"
    "                     \"julian_day\",\"zenith_deg\",\"azimuth_deg\",\"elevation_deg\",\n"
    "                     \"elevation_geometric_deg\",\"refraction_deg\",\"right_ascension_deg\",\n"
    "                     \"declination_deg\",\"hour_angle_deg\",\"equation_of_time_min\",\n"
    "                     "
    "\"shadow_length_per_height\",\"day\",\"sunrise\",\"solar_noon\",\"sunset\",\n"
    "                     \"assumptions\":{...}}; azimuth from north, eastward; elevation "
    "refracted;\n"
    "                     sunrise/sunset null in polar day or night (\"day\": \"polar_day\",\n"
    "                     \"polar_night\")\n"
    "\n"
    "Exit status: 0 ok, 2 usage error (including a place or time outside SPA's range).\n";

// Reads the value of --NAME as a number into *out (left as is when absent).
Status ReadNumber(const Args& args, const char* name, double* out) {
  if (!args.Has(name)) return Status::Ok();
  auto v = sun::ParseNumber(args.Get(name));
  if (!v.ok()) return v.status().WithContext(std::string("--") + name);
  *out = *v;
  return Status::Ok();
}

const char* DayKind(sun::SunDay::Kind k) {
  switch (k) {
    case sun::SunDay::Kind::kPolarDay:
      return "polar_day";
    case sun::SunDay::Kind::kPolarNight:
      return "polar_night";
    default:
      return "normal";
  }
}

int Run(const Args& args) {
  if (!args.positional().empty())
    return UsageError("sun", "unexpected argument " + args.positional()[0]);
  for (const char* required : {"lat", "lon", "time"}) {
    if (!args.Has(required))
      return UsageError("sun", std::string("--") + required + " is required");
  }
  sun::Observer obs;
  for (auto [name, field] : {std::pair{"lat", &obs.latitude_deg},
                             {"lon", &obs.longitude_deg},
                             {"elevation-m", &obs.elevation_m},
                             {"pressure-mbar", &obs.pressure_mbar},
                             {"temp-c", &obs.temperature_c},
                             {"delta-t", &obs.delta_t_s},
                             {"delta-ut1", &obs.delta_ut1_s}}) {
    if (Status s = ReadNumber(args, name, field); !s.ok()) return UsageError("sun", s.message());
  }
  auto time = sun::ParseIsoTime(args.Get("time"));
  if (!time.ok()) return UsageError("sun", "--time: " + time.status().message());
  auto pos = sun::ComputeSolarPosition(time->unix, obs);
  if (!pos.ok()) return UsageError("sun", pos.status().message());
  // The local day of the time as written.
  const std::string local = sun::FormatIsoTime(time->unix, time->utc_offset_s, time->zulu);
  auto day = sun::ComputeSunDayOf(time->unix, time->utc_offset_s, obs);
  if (!day.ok()) return UsageError("sun", day.status().message());
  auto iso = [&](double t) { return sun::FormatIsoTime(t, time->utc_offset_s, time->zulu); };
  const bool up = pos->elevation_deg > 0;
  const double per_height = up ? 1.0 / std::tan(pos->elevation_deg * M_PI / 180) : 0;

  if (args.Has("json")) {
    nlohmann::ordered_json j;
    j["latitude_deg"] = obs.latitude_deg;
    j["longitude_deg"] = obs.longitude_deg;
    j["elevation_m"] = obs.elevation_m;
    j["time"] = local;
    j["unix"] = time->unix;
    j["julian_day"] = pos->julian_day;
    j["zenith_deg"] = pos->zenith_deg;
    j["azimuth_deg"] = pos->azimuth_deg;
    j["elevation_deg"] = pos->elevation_deg;
    j["elevation_geometric_deg"] = pos->elevation_geometric_deg;
    j["refraction_deg"] = pos->refraction_deg;
    j["right_ascension_deg"] = pos->topocentric_right_ascension_deg;
    j["declination_deg"] = pos->topocentric_declination_deg;
    j["hour_angle_deg"] = pos->topocentric_hour_angle_deg;
    j["equation_of_time_min"] = pos->equation_of_time_min;
    j["shadow_length_per_height"] = up ? nlohmann::ordered_json(per_height) : nullptr;
    j["day"] = DayKind(day->kind);
    j["sunrise"] = day->sunrise_unix ? nlohmann::ordered_json(iso(*day->sunrise_unix)) : nullptr;
    j["solar_noon"] = iso(day->transit_unix);
    j["sunset"] = day->sunset_unix ? nlohmann::ordered_json(iso(*day->sunset_unix)) : nullptr;
    j["assumptions"] = {{"pressure_mbar", obs.pressure_mbar},
                        {"temperature_c", obs.temperature_c},
                        {"delta_t_s", obs.delta_t_s},
                        {"delta_ut1_s", obs.delta_ut1_s},
                        {"algorithm", "NREL SPA (Reda & Andreas 2004)"}};
    PrintOrderedJson(j);
    return kExitOk;
  }
  std::printf("Sun at %.6f, %.6f (%.0f m) on %s\n", obs.latitude_deg, obs.longitude_deg,
              obs.elevation_m, local.c_str());
  std::printf("  zenith      %10.5f°\n", pos->zenith_deg);
  std::printf("  azimuth     %10.5f°  from north, eastward\n", pos->azimuth_deg);
  std::printf("  elevation   %10.5f°  (geometric %.5f° + refraction %.5f°)\n", pos->elevation_deg,
              pos->elevation_geometric_deg, pos->refraction_deg);
  if (up) {
    std::printf("  shadow      %10.3f × the object's height, pointing to %.1f°\n", per_height,
                std::fmod(pos->azimuth_deg + 180, 360));
  } else {
    std::printf("  shadow      none: the Sun is below the horizon\n");
  }
  std::printf("  declination %10.5f°, right ascension %.5f°, hour angle %.5f° (topocentric)\n",
              pos->topocentric_declination_deg, pos->topocentric_right_ascension_deg,
              pos->topocentric_hour_angle_deg);
  std::printf("  equation of time %+.2f min\n", pos->equation_of_time_min);
  if (day->kind == sun::SunDay::Kind::kNormal) {
    std::printf("  sunrise %s   solar noon %s   sunset %s\n", iso(*day->sunrise_unix).c_str(),
                iso(day->transit_unix).c_str(), iso(*day->sunset_unix).c_str());
  } else {
    std::printf("  %s all day; solar noon %s (elevation %.2f°)\n",
                day->kind == sun::SunDay::Kind::kPolarDay ? "polar day: the Sun stays up"
                                                          : "polar night: the Sun stays down",
                iso(day->transit_unix).c_str(), day->transit_elevation_deg);
  }
  std::printf("  (pressure %.0f mbar, %.0f °C, delta T %.1f s, delta UT1 %.2f s)\n",
              obs.pressure_mbar, obs.temperature_c, obs.delta_t_s, obs.delta_ut1_s);
  return kExitOk;
}

}  // namespace

extern const Command kSunCommand = {
    "sun",
    "sun position (NREL SPA) at a place and time, sunrise and sunset",
    kUsage,
    {{"json"},
     {"lat", "lon", "time", "elevation-m", "pressure-mbar", "temp-c", "delta-t", "delta-ut1"},
     {}},
    Run};

}  // namespace sightline::cli

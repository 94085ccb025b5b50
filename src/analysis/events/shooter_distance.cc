#include "analysis/events/shooter_distance.h"

#include <algorithm>
#include <cmath>

namespace sightline::analysis::events {

double SpeedOfSound(double temperature_c) {
  return 331.3 * std::sqrt(std::max(0.0, 1.0 + temperature_c / 273.15));
}

double DistanceForInterval(double interval_s, double sound_speed, double bullet_speed) {
  if (interval_s <= 0 || bullet_speed <= sound_speed) return 0;
  return interval_s * sound_speed * bullet_speed / (bullet_speed - sound_speed);
}

double IntervalForDistance(double distance_m, double sound_speed, double bullet_speed,
                           double angle_rad) {
  const double m = bullet_speed / sound_speed;
  if (m <= 1) return 0;
  const double crack = distance_m / bullet_speed *
                       (std::cos(angle_rad) + std::sin(angle_rad) * std::sqrt(m * m - 1));
  return distance_m / sound_speed - crack;
}

CrackThump MakeCrackThump(double crack_t, double thump_t, const DistanceAssumptions& a) {
  CrackThump ct;
  ct.crack_t = crack_t;
  ct.thump_t = thump_t;
  ct.interval_s = thump_t - crack_t;
  const double c = SpeedOfSound(a.temperature_c);
  const double lo_v = std::min(a.bullet_speed_lo, a.bullet_speed_hi);
  const double hi_v = std::max(a.bullet_speed_lo, a.bullet_speed_hi);
  // The factor c·v/(v − c) falls as v grows: the fastest bullet gives the nearest shooter.
  ct.distance_lo_m =
      DistanceForInterval(std::max(0.0, ct.interval_s - a.timing_tolerance_s), c, hi_v);
  ct.distance_hi_m = DistanceForInterval(ct.interval_s + a.timing_tolerance_s, c, lo_v);
  return ct;
}

}  // namespace sightline::analysis::events

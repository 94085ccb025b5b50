// Distance to a weapon from one recording of a supersonic shot.
//
// A supersonic bullet drags a shock wave (its "crack", an N-wave a few hundred microseconds long)
// that reaches a microphone near its path before the muzzle blast (the "thump") that left the
// weapon at the speed of sound. For a shot fired toward the microphone from distance d, the bullet
// (mean speed v over the path) passes the microphone at d/v and the blast arrives at d/c, so the
// crack-thump interval is
//     Δ = d/c − d/v    ⇒    d = Δ · c · v / (v − c).
// With v in [v_lo, v_hi] the distance lies in [Δ c v_hi/(v_hi − c), Δ c v_lo/(v_lo − c)] (the
// factor falls as v grows). A shot passing the microphone at an angle shortens Δ for the same
// distance, so for oblique shots the true distance is larger than this range (doc/events.md derives
// Δ(θ) and the caveats: bullet deceleration, reflections, wind, the crack's absence behind the
// weapon). Published estimates of this kind: Maher 2007 ("Acoustical characterization of
// gunshots"), and the crack-thump method as taught to soldiers and used by open-source
// investigators.
#ifndef SIGHTLINE_ANALYSIS_EVENTS_SHOOTER_DISTANCE_H_
#define SIGHTLINE_ANALYSIS_EVENTS_SHOOTER_DISTANCE_H_

namespace sightline::analysis::events {

struct DistanceAssumptions {
  double temperature_c = 20;          // air temperature for the speed of sound
  double bullet_speed_lo = 600;       // m/s: mean bullet speed over the path, slowest assumed
  double bullet_speed_hi = 1000;      // m/s: fastest assumed (rifle rounds leave at 700-1000 m/s)
  double timing_tolerance_s = 0.001;  // the interval's measurement uncertainty, widening the range
};

// Speed of sound in dry air at `temperature_c` (m/s): 331.3 · sqrt(1 + T/273.15).
double SpeedOfSound(double temperature_c);

struct CrackThump {
  double crack_t = 0, thump_t = 0;  // seconds
  double interval_s = 0;            // thump_t − crack_t
  double distance_lo_m = 0, distance_hi_m = 0;
};

// The crack-thump pair with its distance range under `a`. Intervals ≤ 0 give distance 0..0.
CrackThump MakeCrackThump(double crack_t, double thump_t, const DistanceAssumptions& a);

// d = Δ c v / (v − c) for one bullet speed (v > c); 0 when v ≤ c or Δ ≤ 0.
double DistanceForInterval(double interval_s, double sound_speed, double bullet_speed);

// The crack-thump interval for a shot from `distance_m` at bullet speed v, aimed `angle_rad` away
// from the microphone (0 = straight at it): Δ = (d/c)·[1 − (cos θ + sin θ·√(M² − 1))/M], M = v/c.
// Used by tests and the documentation's worked examples.
double IntervalForDistance(double distance_m, double sound_speed, double bullet_speed,
                           double angle_rad = 0);

}  // namespace sightline::analysis::events

#endif  // SIGHTLINE_ANALYSIS_EVENTS_SHOOTER_DISTANCE_H_

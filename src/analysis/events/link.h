// Linking the same event across two synchronised recordings.
//
// Given the events of clips A and B and the clock mapping between them (from audio sync: the time
// in A of B's start, and the drift of B's clock against A's), events of compatible kinds that map
// to nearly the same time are paired, keeping the order of both lists (a monotone alignment by
// dynamic programming, as in sequence alignment: two shots cannot arrive in one order at one
// phone and in the other order at a phone a few hundred metres away unless they were fired
// within a second of each other, which the tolerance leaves to a person).
//
// For each pair the arrival-time difference Δt = t_A − map(t_B) is reported, and with the speed of
// sound c the path difference c·Δt: the source is that much farther from A's microphone than from
// B's. Caveat (doc/events.md): audio sync aligns the clips on their common sound, itself delayed
// by its own path difference; Δt is relative to that reference sound's source, so it is a true
// difference of distances only when the sync was found on sound from near both microphones (or
// on the events' own source) — else it is the difference between the two paths differences.
#ifndef SIGHTLINE_ANALYSIS_EVENTS_LINK_H_
#define SIGHTLINE_ANALYSIS_EVENTS_LINK_H_

#include <cstddef>
#include <vector>

#include "analysis/events/events.h"

namespace sightline::analysis::events {

// The convention of analysis/sync/pair_sync.h, so that a PairSync's offset_s and drift_ppm go in
// as they are: A's time = offset_s + B's time · (1 + drift_ppm · 1e-6).
struct ClockMapping {
  double offset_s = 0;   // the time in A at which B's t = 0 falls
  double drift_ppm = 0;  // A's clock advances this many parts per million more than B's
  double ToA(double t_b) const { return offset_s + t_b * (1 + drift_ppm * 1e-6); }
};

struct LinkOptions {
  double max_difference_s = 1.0;  // about 340 m of path difference
  double temperature_c = 20;      // for the speed of sound
};

struct EventLink {
  std::size_t a = 0, b = 0;          // indices into the two lists
  double t_a = 0, t_b = 0;           // each on its own clock
  double arrival_difference_s = 0;   // t_a − ToA(t_b): positive when heard later in A
  double distance_difference_m = 0;  // c · arrival difference: farther from A by this much
};

std::vector<EventLink> LinkEvents(const std::vector<AudioEvent>& a,
                                  const std::vector<AudioEvent>& b, const ClockMapping& clock,
                                  const LinkOptions& options = {});

}  // namespace sightline::analysis::events

#endif  // SIGHTLINE_ANALYSIS_EVENTS_LINK_H_

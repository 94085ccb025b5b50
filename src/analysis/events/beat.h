// Percussion: which onsets fall on a steady beat (drums, hand claps to music, a metronome), so
// that the event detector can count them for less. Pure function; thread-safe.
#ifndef SIGHTLINE_ANALYSIS_EVENTS_BEAT_H_
#define SIGHTLINE_ANALYSIS_EVENTS_BEAT_H_

#include <vector>

#include "analysis/events/impulses.h"

namespace sightline::analysis::events {

// Which onsets fall on a steady beat. Gunfire does not keep one at these periods: automatic fire
// is faster (50-100 ms, and a burst lasts a few seconds at most, below 3 s at those periods'
// multiples), and aimed single shots come tens of milliseconds off any grid. For each onset,
// every other within 6 s proposes periods (its distance divided by 1, 2, 3, … while within
// 0.3-1.2 s: 50-200 beats per minute; a far neighbour gives the period to a fraction of the
// jitter); an onset is on a beat when, for one period, onsets fall within 12 ms of at least 7
// grid points (itself included) spanning 3 s. Onsets are those scored `min_score` or more,
// cracks left out; one with a neighbour 40-120 ms away (automatic fire's spacing) is a round,
// neither a beat nor evidence of one, whatever the grid (a long burst at a steady cyclic rate is
// on a grid of its own). Returns one flag per impulse (impulses in time order).
std::vector<bool> OnABeat(const std::vector<Impulse>& impulses, double min_score);

}  // namespace sightline::analysis::events

#endif  // SIGHTLINE_ANALYSIS_EVENTS_BEAT_H_

// `sightline events --sync`: the files put on one clock by their sound (analysis/sync), and the
// same event in two clips linked (analysis/events/link.h) with its arrival-time difference and,
// with the speed of sound, the difference of the source's distances to the two microphones.
//
// Cost: each file's audio is decoded a second time for the sync (mono 11025 Hz, the sync's own
// extraction, signals/audio/sync_features.h) besides the events' 48 kHz pass; sync features keep
// 22 KB of PCM per second, within one budget for the run (spilled to a temporary file beyond).
//
// Thread safety: LinkFiles runs its decodes and pairs on up to `threads` threads internally; call
// it from one thread.
#ifndef SIGHTLINE_CLI_EVENTS_LINK_H_
#define SIGHTLINE_CLI_EVENTS_LINK_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/events/events.h"
#include "analysis/events/link.h"

namespace sightline::cli {

// One file of the run: its name in the output, its path, and its events (null when the events
// could not be found: such a file is left out of the sync).
struct LinkInput {
  std::string name;
  std::string path;
  const std::vector<analysis::events::AudioEvent>* events = nullptr;
};

struct LinkedPair {
  int a = 0, b = 0;  // indices into the inputs
  bool synced = false;
  std::string reason;  // why not, when not synced
  // The clock mapping used (the group's choice among the pair's candidates when the same sound
  // occurs more than once), with the sync's confidence and overlap.
  analysis::events::ClockMapping clock;
  double confidence = 0, overlap_s = 0;
  double overlap_a_start_s = 0, overlap_a_end_s = 0;  // in A's times
  int other_offsets = 0;  // further offsets at which the same sound matches
  std::vector<analysis::events::EventLink> links;
  int unlinked_a = 0, unlinked_b = 0;  // events inside the overlap without a partner
};

struct LinkRunOptions {
  analysis::events::LinkOptions link;
  int threads = 2;
};

// Syncs every pair of inputs that have events (empty lists count: the pair still syncs, with
// nothing to link) and links their events. Failures to decode for the sync become the pairs'
// reasons (they do not fail the run: the events were found).
std::vector<LinkedPair> LinkFiles(const std::vector<LinkInput>& inputs,
                                  const LinkRunOptions& options);

// {"a","b","offset_s","drift_ppm","confidence","overlap_s","events":[{"a_t","b_t","kind",
// "b_kind"?,"arrival_difference_s","distance_difference_m"}],"unlinked_a","unlinked_b"} for
// synced pairs; {"a","b","reason"} for the others (the caller files them under "no_sync").
nlohmann::ordered_json LinkedPairJson(const LinkedPair& p, const std::vector<LinkInput>& inputs);
// The assumptions under the differences: temperature, speed of sound, tolerance, reference.
nlohmann::ordered_json LinkAssumptionsJson(const analysis::events::LinkOptions& o);

// Readable lines a person can cite, one block per pair.
void PrintLinkedPairs(const std::vector<LinkedPair>& pairs, const std::vector<LinkInput>& inputs,
                      const analysis::events::LinkOptions& o);

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_EVENTS_LINK_H_

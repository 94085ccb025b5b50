// Observations: what a person notes on an item, at a time or in a region of the picture
// ("burning truck, marking V", "gunshots", "speech: 'Слава Україні' — 'Glory to Ukraine'"), with
// the language, the original text and a translation for speech and writing.
//
// Storage: table `observations` of case.db; each is one custody entry ("observation_added").
// Thread safety: as evidence::Case.
#ifndef SIGHTLINE_CASE_OBSERVATIONS_H_
#define SIGHTLINE_CASE_OBSERVATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "case/records.h"

namespace sightline::investigation {

// A rectangle in fractions of the picture (0..1), origin at the top left, so that it holds at any
// decoded size.
struct Region {
  double x = 0, y = 0, w = 0, h = 0;
};

struct Observation {
  std::int64_t id = 0;
  std::int64_t item_id = 0;
  std::string kind;               // one of kObservationKinds
  std::optional<double> start_s;  // seconds into the item; none for a still or the whole item
  std::optional<double> end_s;    // none for an instant
  std::optional<Region> region;   // none for the whole picture (or a sound)
  std::string text;               // the observation, in the desk's language
  std::string language;           // of the original speech or writing (BCP 47, e.g. "uk")
  std::string original;           // the words as spoken or written
  std::string translation;        // into the desk's language
  Provenance provenance;
};

// "visual", "sound", "speech", "text", "other".
extern const char* const kObservationKinds[];
bool IsObservationKind(const std::string& kind);

// Adds an observation; fills id and provenance. Fails on an unknown item or kind, empty text, a
// negative time, an end before the start, or a region outside the picture.
Result<Observation> AddObservation(evidence::Case& c, const evidence::Identity& who, Observation o);
// Every observation, or those of one item (item_id != 0), by item then time.
Result<std::vector<Observation>> ListObservations(evidence::Case& c, std::int64_t item_id);
Result<Observation> GetObservation(evidence::Case& c, std::int64_t id);

// {"id","item","kind","start_s","end_s","region":{"x","y","w","h"},"text","language","original",
//  "translation",…provenance}; absent times and region are null.
nlohmann::json ObservationJson(const Observation& o);

// Parses "X,Y,W,H" in fractions of the picture.
std::optional<Region> ParseRegion(const std::string& text);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_OBSERVATIONS_H_

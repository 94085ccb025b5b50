// Sources: who an item came from (a person, an account on a platform, an agency, an eyewitness)
// and how the desk obtained it. A source is recorded once and linked to any number of items.
//
// Storage: tables `sources` and `item_sources` of case.db; each write is one custody entry
// ("source_added", "item_source_linked"). Thread safety: as evidence::Case.
#ifndef SIGHTLINE_CASE_SOURCES_H_
#define SIGHTLINE_CASE_SOURCES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "case/records.h"

namespace sightline::investigation {

struct Source {
  std::int64_t id = 0;
  std::string kind;      // one of kSourceKinds
  std::string name;      // how the desk refers to it: a person's name, an outlet, an account
  std::string handle;    // the account handle, e.g. "@resident_kyiv"; "" when none
  std::string platform;  // e.g. "Telegram", "X", "TikTok"; "" when none
  std::string url;       // profile or post URL; "" when none
  std::string note;
  Provenance provenance;
};

// "person", "account", "agency", "eyewitness", "organisation", "unknown".
extern const char* const kSourceKinds[];
bool IsSourceKind(const std::string& kind);

// Which source an item came from, and how it reached the desk.
struct ItemSource {
  std::int64_t id = 0;
  std::int64_t item_id = 0;
  std::int64_t source_id = 0;
  std::string how;          // e.g. "downloaded from the post", "sent by messenger"
  std::string url;          // where this item was found, e.g. the post URL
  std::string obtained_at;  // when the desk obtained it (ISO 8601), "" when not stated
  // When the post it was found at was published (ISO 8601, or a day "YYYY-MM-DD" when only the
  // day is known, as platforms' upload dates are in UTC), "" when not known. The recording
  // started before: an upper bound for the timeline ("uploaded").
  std::string published_at;
  Provenance provenance;
};

// The latest time (Unix seconds) a published_at allows: the time itself, or the end of the day
// (UTC) for a day. nullopt when malformed.
std::optional<double> PublishedBound(const std::string& published_at);

// Adds a source; fills id and provenance. Fails on an unknown kind or an empty name.
Result<Source> AddSource(evidence::Case& c, const evidence::Identity& who, Source source);
Result<std::vector<Source>> ListSources(evidence::Case& c);
// The source with this platform and handle (both compared exactly, both non-empty), or with this
// kind, name and no handle when `handle` is empty; 0 when there is none. Lets a collector reuse
// the account it recorded for an earlier post.
Result<std::int64_t> FindSourceId(evidence::Case& c, const Source& like);

// Links an item to a source. Fails with kInvalidArgument for a published_at that is neither
// ISO 8601 nor a day, with kNotFound for an unknown item or source, and with
// kAlreadyExists when the item is already linked to that source.
Result<ItemSource> LinkItemToSource(evidence::Case& c, const evidence::Identity& who,
                                    ItemSource link);
// Every link, or those of one item (item_id != 0), by id.
Result<std::vector<ItemSource>> ListItemSources(evidence::Case& c, std::int64_t item_id);

nlohmann::json SourceJson(const Source& s);
nlohmann::json ItemSourceJson(const ItemSource& l);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_SOURCES_H_

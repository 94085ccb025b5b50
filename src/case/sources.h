// Sources: who an item came from (a person, an account on a platform, an agency, an eyewitness)
// and how the desk obtained it. A source is recorded once and linked to any number of items.
//
// Storage: tables `sources` and `item_sources` of case.db; each write is one custody entry
// ("source_added", "item_source_linked"). Thread safety: as evidence::Case.
#ifndef SIGHTLINE_CASE_SOURCES_H_
#define SIGHTLINE_CASE_SOURCES_H_

#include <cstdint>
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
  Provenance provenance;
};

// Adds a source; fills id and provenance. Fails on an unknown kind or an empty name.
Result<Source> AddSource(evidence::Case& c, const evidence::Identity& who, Source source);
Result<std::vector<Source>> ListSources(evidence::Case& c);

// Links an item to a source. Fails with kNotFound for an unknown item or source, and with
// kAlreadyExists when the item is already linked to that source.
Result<ItemSource> LinkItemToSource(evidence::Case& c, const evidence::Identity& who,
                                    ItemSource link);
// Every link, or those of one item (item_id != 0), by id.
Result<std::vector<ItemSource>> ListItemSources(evidence::Case& c, std::int64_t item_id);

nlohmann::json SourceJson(const Source& s);
nlohmann::json ItemSourceJson(const ItemSource& l);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_SOURCES_H_

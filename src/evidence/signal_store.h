// Derived signals of a case's items (fingerprints and the like): the full data as a JSON file under
// derived/, and a catalogue row keyed by (item, kind, algorithm version, parameters), so that
// up-to-date signals are not recomputed and a new algorithm version is stored beside, never mixed
// with, the old. Frame hashes are also stored as rows, for search. Derived data is rebuildable: it
// is not evidence, but computing it is recorded in the custody log ("derive") like every write.
#ifndef SIGHTLINE_EVIDENCE_SIGNAL_STORE_H_
#define SIGHTLINE_EVIDENCE_SIGNAL_STORE_H_

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "evidence/case.h"

namespace sightline::evidence {

struct SignalKey {
  std::string kind;    // e.g. "pdq_frames"
  int version = 0;     // the algorithm's format version
  std::string params;  // compact JSON of the parameters that change the result, e.g. {"rate":1}
};

struct StoredSignal {
  std::int64_t id = 0;
  std::int64_t item_id = 0;
  SignalKey key;
  std::string path;     // of the JSON data, relative to the case directory
  std::string sha256;   // of that file
  std::string summary;  // compact JSON, e.g. {"frames":171,"duration_s":171.0}
  std::string created_at;
  std::int64_t custody_seq = 0;
};

struct FrameHashRow {
  double t = 0;
  std::array<std::uint8_t, 32> hash{};
  int quality = 0;
};

// The stored signal for `item_id` and `key`, or nullopt.
Result<std::optional<StoredSignal>> FindSignal(Case& c, std::int64_t item_id, const SignalKey& key);

// Writes `data` to derived/<kind>/<ab>/<sha256>.v<version>.<params digest>.<extension>
// (atomically; "json" unless the data is another format), then records the signal, its frame rows
// and a "derive" custody entry in one transaction. Replaces nothing: fails with kAlreadyExists
// when the same key is stored.
Result<StoredSignal> StoreSignal(Case& c, const Identity& who, const Item& item,
                                 const SignalKey& key, const std::string& data,
                                 const std::string& summary,
                                 const std::vector<FrameHashRow>& frames,
                                 const std::string& extension = "json");

// The data file of a stored signal, read whole (at most 1 GiB); and the same parsed as JSON
// (kCorrupt naming the file when it is not JSON).
Result<std::string> ReadSignalData(Case& c, const StoredSignal& signal);
Result<nlohmann::json> ReadSignalJson(Case& c, const StoredSignal& signal);

// The frame rows of a stored signal, in time order.
Result<std::vector<FrameHashRow>> FrameRows(Case& c, std::int64_t signal_id);

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_SIGNAL_STORE_H_

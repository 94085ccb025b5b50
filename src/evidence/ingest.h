// Ingest: bringing files into a case. Each file is copied into staging while being hashed,
// fsynced, checked as media, recorded in the catalogue with its custody entry, and only then
// published into objects/. A duplicate is recorded as another name of the existing item, never
// stored twice. Nothing a file does (missing, unreadable, empty, not media, a full disk) stops the
// others; each outcome says what happened and why.
#ifndef SIGHTLINE_EVIDENCE_INGEST_H_
#define SIGHTLINE_EVIDENCE_INGEST_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "evidence/case.h"
#include "evidence/identity.h"

namespace sightline::evidence {

struct IngestOptions {
  std::string source;  // where the files came from ("Telegram channel X", "USB stick from Y")
  std::string note;
  // Recorded instead of the file's own name and absolute path when set: for a download, a name
  // made from the post and the URL it was downloaded from (the file itself is a temporary copy).
  std::string name;
  std::string origin;
};

enum class IngestOutcome {
  kStored,          // new content, readable as media
  kStoredFlagged,   // new content preserved, but it cannot be read as media
  kDuplicate,       // content already in the case; this name recorded as another name
  kAlreadyPresent,  // this very file (same content, path and mtime) was ingested before
  kRefused,         // nothing stored: see message
};

const char* OutcomeName(IngestOutcome o);  // "stored", "flagged", "duplicate", …

struct IngestReport {
  std::string path;  // as given, readable
  IngestOutcome outcome = IngestOutcome::kRefused;
  std::string message;  // why refused or flagged, or which item a duplicate matches
  std::string sha256;
  std::uint64_t size = 0;
  std::int64_t item_id = 0;
  std::string media_kind;
  std::int64_t custody_seq = 0;
  bool failed() const {
    return outcome == IngestOutcome::kRefused || outcome == IngestOutcome::kStoredFlagged;
  }
};

// The files named by `paths`: files as given, directories walked recursively in name order
// (symbolic links to directories are not followed, and the case directory itself is skipped).
// Paths that do not exist or cannot be listed become refused reports.
struct IngestPlan {
  std::vector<std::string> files;
  std::vector<std::uint64_t> sizes;
  std::uint64_t total_bytes = 0;
  std::vector<IngestReport> refused;
};
IngestPlan PlanIngest(const std::vector<std::string>& paths, const std::string& case_dir);

// Ingests one file. `on_bytes` is told how many bytes were copied, as they are.
IngestReport IngestFile(Case& c, const Identity& who, const std::string& path,
                        const IngestOptions& options,
                        const std::function<void(std::uint64_t)>& on_bytes = {});

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_INGEST_H_

// Export bundles: a zip that carries chosen originals (or a whole case) with their metadata, the
// custody entries that concern them, the signers' public keys and a signed manifest of hashes, in
// open formats only, so that the recipient can check it without the case and without Sightline.
// The layout is specified in doc/bundle-format.md.
#ifndef SIGHTLINE_EVIDENCE_BUNDLE_H_
#define SIGHTLINE_EVIDENCE_BUNDLE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "evidence/case.h"
#include "evidence/identity.h"

namespace sightline::evidence {

inline constexpr char kBundleFormat[] = "sightline-bundle-v1";

struct ExportResult {
  std::string bundle_path;
  std::string manifest_sha256;
  bool complete = false;  // the whole case (all items, the whole log)
  std::size_t items = 0;
  std::uint64_t bytes = 0;       // of originals
  std::int64_t custody_seq = 0;  // the "export" entry recorded in the case
};

// Writes `items` (all items of the case when empty) to a new zip at `bundle_path`, then records
// the export in the case's custody log. Every original is re-hashed first: a modified object
// stops the export. Nothing is left at `bundle_path` on failure. Progress: `on_bytes` while
// re-hashing, `on_progress` (a fraction) while writing the archive.
Result<ExportResult> ExportBundle(Case& c, const Identity& who, const std::string& bundle_path,
                                  const std::vector<Item>& items,
                                  const std::function<void(std::uint64_t)>& on_bytes = {},
                                  const std::function<void(double)>& on_progress = {});

struct BundleProblem {
  // Stable codes: unreadable_bundle, bad_manifest, bad_manifest_signature, unsafe_name,
  // missing_file, unlisted_file, file_modified, entry_modified, bad_signature, entry_missing,
  // chain_broken, out_of_order, malformed_entry, unknown_signer, item_without_custody.
  std::string code;
  std::string message;
};

struct BundleReport {
  std::vector<BundleProblem> problems;
  std::vector<std::string> notes;
  std::string case_id;
  std::string exported_at;
  std::string exported_by;
  bool complete = false;
  std::size_t items = 0;
  std::size_t entries = 0;
  std::uint64_t bytes_hashed = 0;
  bool ok() const { return problems.empty(); }
};

// Checks a bundle with no case present: every listed file's hash and size, nothing unlisted, the
// manifest's signature, every custody entry's hash and signature (and the chain, for a complete
// export), and that every item has its ingest entry. Bounded: a file is never read past its
// declared size, so a zip bomb costs nothing.
BundleReport VerifyBundle(const std::string& bundle_path,
                          const std::function<void(std::uint64_t)>& on_bytes = {});

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_BUNDLE_H_

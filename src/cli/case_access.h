// Opening the case a command names with --case, with the messages every command shares.
#ifndef SIGHTLINE_CLI_CASE_ACCESS_H_
#define SIGHTLINE_CLI_CASE_ACCESS_H_

#include <memory>
#include <optional>
#include <string>

#include "evidence/case.h"
#include "evidence/identity.h"
#include "evidence/signal_store.h"

namespace sightline::cli {

// Opens an existing case; prints the reason and returns null when it cannot.
std::unique_ptr<evidence::Case> OpenCase(const char* command, const std::string& dir,
                                         evidence::Case::Access access);

// A case opened for writing, with the identity that signs its custody entries.
struct WritableCase {
  std::unique_ptr<evidence::Case> c;
  evidence::Identity who;
};

// Loads the user's signing identity and opens the case at `dir`, creating it when `dir` is
// absent or empty (and saying so on stderr). Refuses a non-empty directory that is not a case:
// it is most likely a mistyped path. `catalog_url` (--db) puts a new case's catalogue in that
// PostgreSQL database, and must name the existing case's own. Prints the reason and returns
// nullopt when it cannot.
std::optional<WritableCase> OpenOrCreateCase(const char* command, const std::string& dir,
                                             const std::string& catalog_url = "");

// Loads the user's signing identity and opens the existing case at `dir` for writing; prints the
// reason and returns nullopt when either fails.
std::optional<WritableCase> OpenCaseToWrite(const char* command, const std::string& dir);

// The one item `ref` names (an id, a file name it was ingested under, or a hash prefix), or an
// error a person can act on: nothing matches, or several do (listed with their ids).
Result<evidence::Item> ResolveItem(evidence::Case& c, const std::string& ref);

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_CASE_ACCESS_H_

// The workbench's accounts: who may log in to `sightline serve`, with which role, and their
// password hashes (Argon2id, libsodium's crypto_pwhash_str, with its "interactive" limits).
//
// Accounts are not evidence: they live in their own SQLite file, DIR/workbench/accounts.sqlite,
// beside the case's catalogue but never in it, and are not exported, bundled or verified. What
// a person does through the workbench is recorded in the case's custody log under their account
// name.
//
// Thread safety: an AccountStore may be used from several threads (it serialises itself).
// Several processes may open the same file (`sightline user add` while `serve` runs): SQLite
// serialises their writes.
#ifndef SIGHTLINE_SERVER_ACCOUNTS_H_
#define SIGHTLINE_SERVER_ACCOUNTS_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/sqlite.h"

namespace sightline::server {

enum class Role { kViewer = 0, kEditor = 1, kAdmin = 2 };
const char* RoleName(Role role);  // "viewer", "editor", "admin"
std::optional<Role> ParseRole(const std::string& name);

struct Account {
  std::string name;
  Role role = Role::kViewer;
  std::string created_at;
};

// 1 to 64 characters of A-Z a-z 0-9 . _ @ - (they appear in custody entries and file names).
bool IsValidAccountName(const std::string& name);
inline constexpr std::size_t kMinPasswordLength = 8;

class AccountStore {
 public:
  // The accounts file of the case at `case_dir` (DIR/workbench/accounts.sqlite), created with
  // its directory (0700) when absent.
  static Result<std::unique_ptr<AccountStore>> Open(const std::string& case_dir);
  static std::string PathFor(const std::string& case_dir);

  // Fails with kAlreadyExists for a taken name, kInvalidArgument for a bad name or a password
  // shorter than kMinPasswordLength.
  Result<Account> Add(const std::string& name, const std::string& password, Role role);
  // kNotFound when there is no such account.
  Status Remove(const std::string& name);
  Result<std::vector<Account>> List();
  // The account when `password` is its password; nullopt for a wrong password or an unknown
  // name (which costs a hash as well, so that timing does not tell which).
  Result<std::optional<Account>> Check(const std::string& name, const std::string& password);

 private:
  explicit AccountStore(std::unique_ptr<evidence::SqliteDb> db) : db_(std::move(db)) {}
  std::mutex mu_;
  std::unique_ptr<evidence::SqliteDb> db_;
  std::string dummy_hash_;  // checked against for unknown names
};

}  // namespace sightline::server

#endif  // SIGHTLINE_SERVER_ACCOUNTS_H_

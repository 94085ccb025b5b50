#include "server/accounts.h"

#include <sodium.h>
#include <sys/stat.h>

#include "base/file.h"
#include "base/time.h"

namespace sightline::server {

namespace {

Result<std::string> HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  // Argon2id (RFC 9106) with libsodium's interactive limits: ~64 MiB and a few tens of ms.
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Internal("cannot hash the password: out of memory");
  }
  return std::string(out);
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kEditor:
      return "editor";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(const std::string& name) {
  if (name == "viewer") return Role::kViewer;
  if (name == "editor") return Role::kEditor;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

bool IsValidAccountName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char ch : name) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '@' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

std::string AccountStore::PathFor(const std::string& case_dir) {
  return JoinPath(JoinPath(case_dir, "workbench"), "accounts.sqlite");
}

Result<std::unique_ptr<AccountStore>> AccountStore::Open(const std::string& case_dir) {
  if (sodium_init() < 0) return Internal("libsodium cannot start");
  SL_RETURN_IF_ERROR(MakeDirs(JoinPath(case_dir, "workbench"), 0700));
  SL_ASSIGN_OR_RETURN(
      auto db, evidence::SqliteDb::Open(PathFor(case_dir), evidence::SqliteDb::Mode::kCreate));
  ::chmod(PathFor(case_dir).c_str(), 0600);  // password hashes: the owner's only
  SL_RETURN_IF_ERROR(
      db->Exec("CREATE TABLE IF NOT EXISTS accounts ("
               " name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,"
               " created_at TEXT NOT NULL)"));
  std::unique_ptr<AccountStore> store(new AccountStore(std::move(db)));
  SL_ASSIGN_OR_RETURN(store->dummy_hash_, HashPassword("not a password of anyone"));
  return store;
}

Result<Account> AccountStore::Add(const std::string& name, const std::string& password, Role role) {
  if (!IsValidAccountName(name)) {
    return InvalidArgument("'" + name +
                           "' is not a valid account name: 1 to 64 of A-Z a-z 0-9 . _ @ -");
  }
  if (password.size() < kMinPasswordLength) {
    return InvalidArgument("the password must have at least " + std::to_string(kMinPasswordLength) +
                           " characters");
  }
  SL_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  Account a{name, role, UtcNowRfc3339()};
  std::lock_guard<std::mutex> lock(mu_);
  SL_ASSIGN_OR_RETURN(auto stmt, db_->Prepare("INSERT OR IGNORE INTO accounts"
                                              " (name, role, password_hash, created_at)"
                                              " VALUES (?, ?, ?, ?)"));
  SL_RETURN_IF_ERROR(
      stmt.Bind(1, name).Bind(2, RoleName(role)).Bind(3, hash).Bind(4, a.created_at).Run());
  if (db_->Changes() == 0) {
    return Status(StatusCode::kAlreadyExists, "an account named '" + name + "' exists already");
  }
  return a;
}

Status AccountStore::Remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  SL_ASSIGN_OR_RETURN(auto stmt, db_->Prepare("DELETE FROM accounts WHERE name = ?"));
  SL_RETURN_IF_ERROR(stmt.Bind(1, name).Run());
  if (db_->Changes() == 0) return NotFound("no account named '" + name + "'");
  return Status::Ok();
}

Result<std::vector<Account>> AccountStore::List() {
  std::lock_guard<std::mutex> lock(mu_);
  SL_ASSIGN_OR_RETURN(auto stmt,
                      db_->Prepare("SELECT name, role, created_at FROM accounts ORDER BY name"));
  std::vector<Account> out;
  while (true) {
    SL_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.Text(0), ParseRole(stmt.Text(1)).value_or(Role::kViewer), stmt.Text(2)});
  }
  return out;
}

Result<std::optional<Account>> AccountStore::Check(const std::string& name,
                                                   const std::string& password) {
  std::optional<Account> found;
  std::string hash;
  {
    std::lock_guard<std::mutex> lock(mu_);
    SL_ASSIGN_OR_RETURN(
        auto stmt,
        db_->Prepare("SELECT role, password_hash, created_at FROM accounts WHERE name = ?"));
    stmt.Bind(1, name);
    SL_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) {
      found = Account{name, ParseRole(stmt.Text(0)).value_or(Role::kViewer), stmt.Text(2)};
      hash = stmt.Text(1);
    }
  }
  // Verified outside the lock: Argon2id takes tens of milliseconds on purpose.
  const std::string& against = found ? hash : dummy_hash_;
  const bool match =
      crypto_pwhash_str_verify(against.c_str(), password.data(), password.size()) == 0;
  if (!found || !match) return std::optional<Account>();
  return found;
}

}  // namespace sightline::server

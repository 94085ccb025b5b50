#include "evidence/identity.h"

#include <fcntl.h>
#include <pwd.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/file.h"

namespace sightline::evidence {

namespace {

constexpr char kKeyFile[] = "signing-key.ed25519";
constexpr char kKeyHeader[] = "sightline-ed25519-secret-key-v1\n";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Result<SigningKey> ParseKeyFile(const std::string& path, const std::string& text) {
  std::string header = kKeyHeader;
  if (text.compare(0, header.size(), header) != 0) {
    return Corrupt(path + ": not a Sightline signing key (unexpected header)");
  }
  std::string hex = text.substr(header.size());
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  Result<std::string> secret = FromHex(hex);
  if (!secret.ok() || secret->size() != crypto_sign_SECRETKEYBYTES) {
    return Corrupt(path + ": signing key is damaged (expected " +
                   std::to_string(crypto_sign_SECRETKEYBYTES) + " bytes of hex)");
  }
  SigningKey key;
  key.secret_key = *secret;
  key.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_ed25519_sk_to_pk(reinterpret_cast<unsigned char*>(key.public_key.data()),
                               reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  return key;
}

}  // namespace

std::string DefaultKeyDir() {
  if (std::string d = Env("SIGHTLINE_KEY_DIR"); !d.empty()) return d;
  if (std::string d = Env("XDG_CONFIG_HOME"); !d.empty()) return JoinPath(d, "sightline");
  std::string home = Env("HOME");
  if (home.empty()) {
    if (passwd* pw = getpwuid(getuid())) home = pw->pw_dir;
  }
  return JoinPath(JoinPath(home, ".config"), "sightline");
}

std::string DefaultActor() {
  if (std::string a = Env("SIGHTLINE_ACTOR"); !a.empty()) return a;
  std::string user = Env("USER");
  if (user.empty()) {
    if (passwd* pw = getpwuid(getuid())) user = pw->pw_name;
  }
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return (user.empty() ? "unknown" : user) + "@" + host;
}

Result<SigningKey> LoadOrCreateSigningKey(const std::string& dir) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  std::string path = JoinPath(dir, kKeyFile);
  Result<std::string> existing = ReadFileToString(path, 4096);
  if (existing.ok()) return ParseKeyFile(path, *existing);
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();

  SL_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  std::string text = std::string(kKeyHeader) + ToHex(sk, sizeof sk) + "\n";
  sodium_memzero(sk, sizeof sk);
  // Write a private temporary file, then link() it into place: link fails if another process got
  // there first, and then we use that process's key.
  std::string tmp = path + ".tmp." + UniqueSuffix();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(tmp, "cannot create signing key", errno);
  UniqueFd guard(fd);
  Status s = WriteAll(fd, text.data(), text.size(), tmp);
  if (s.ok()) s = FsyncFd(fd, tmp);
  guard.Reset();
  if (s.ok() && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    s = ErrnoStatus(path, "cannot install signing key", errno);
  }
  ::unlink(tmp.c_str());
  SL_RETURN_IF_ERROR(s);
  SL_RETURN_IF_ERROR(FsyncDir(dir));
  SL_ASSIGN_OR_RETURN(std::string stored, ReadFileToString(path, 4096));
  return ParseKeyFile(path, stored);
}

Result<Identity> DefaultIdentity() {
  SL_ASSIGN_OR_RETURN(SigningKey key, LoadOrCreateSigningKey(DefaultKeyDir()));
  return Identity{DefaultActor(), std::move(key)};
}

}  // namespace sightline::evidence

// SHA-256 (FIPS 180-4) over streams of bytes, via OpenSSL's EVP interface, which uses the CPU's SHA
// extensions where present: hashing must keep pace with reading from disk.
#ifndef SIGHTLINE_BASE_SHA256_H_
#define SIGHTLINE_BASE_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sightline {

using Digest256 = std::array<std::uint8_t, 32>;

// Incremental hasher. Not thread-safe; one per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, std::size_t size);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  // Returns the digest; the hasher must not be updated afterwards.
  Digest256 Finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

Digest256 Sha256Of(std::string_view bytes);
std::string Sha256Hex(std::string_view bytes);

// Hashes a whole file, telling `on_bytes` of progress. Does not follow a symbolic link at `path`.
// Fails with the path named when it cannot be read.
Result<Digest256> Sha256File(const std::string& path,
                             const std::function<void(std::uint64_t)>& on_bytes = {});

std::string ToHex(const std::uint8_t* data, std::size_t size);
inline std::string ToHex(const Digest256& d) { return ToHex(d.data(), d.size()); }
// Parses lowercase or uppercase hex; fails on odd length or a non-hex character.
Result<std::string> FromHex(std::string_view hex);
// True for exactly 64 lowercase hex characters: the form object names take.
bool IsSha256Hex(std::string_view s);

}  // namespace sightline

#endif  // SIGHTLINE_BASE_SHA256_H_

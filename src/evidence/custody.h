// The custody log's entries: what each records, how it is hashed into the chain, and how it is
// signed. Pure functions, no storage: the catalogue stores entries (see catalog.h) and
// doc/custody-log.md specifies the format so a third party can check a log without Sightline.
#ifndef SIGHTLINE_EVIDENCE_CUSTODY_H_
#define SIGHTLINE_EVIDENCE_CUSTODY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "base/status.h"

namespace sightline::evidence {

// What a write to the case appends: filled by the code making the change.
struct CustodyRecord {
  std::string action;         // e.g. "ingest", "ingest_duplicate", "case_created"
  std::string object_sha256;  // the object concerned, or "" when none
  std::string details;        // compact JSON object text
};

struct CustodyEntry {
  std::int64_t seq = 0;  // 1, 2, 3, … without gaps
  std::string time;      // RFC 3339 UTC with milliseconds
  std::string actor;     // who made the change, as configured by the user
  std::string action;
  std::string object_sha256;  // "" when the entry concerns no object
  std::string details;        // compact JSON object text, hashed byte for byte
  std::string prev_hash;      // entry_hash of seq-1; 64 zeros for seq 1
  std::string public_key;     // Ed25519 public key of the signer, hex
  std::string entry_hash;     // SHA-256 of Preimage(), hex
  std::string signature;      // Ed25519 signature of the 32 raw bytes of entry_hash, hex
};

inline constexpr char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";
inline constexpr char kCustodyFormat[] = "sightline-custody-v1";

// The bytes hashed for an entry: the netstrings (D. J. Bernstein, "Netstrings", 1997) of
// kCustodyFormat, seq in decimal, time, actor, action, object_sha256, details, prev_hash and
// public_key, concatenated. Length prefixes make the encoding unambiguous whatever the fields hold.
std::string CustodyPreimage(const CustodyEntry& e);
std::string ComputeEntryHash(const CustodyEntry& e);

// An Ed25519 key pair (libsodium). The secret key never leaves the user's configuration directory.
struct SigningKey {
  std::string public_key;  // 32 bytes
  std::string secret_key;  // 64 bytes (libsodium's seed || public key form)
  std::string PublicHex() const {
    return ToHex(reinterpret_cast<const std::uint8_t*>(public_key.data()), public_key.size());
  }
};

// Fills public_key, entry_hash and signature of `e` (seq, time, actor, action, object, details and
// prev_hash already set).
Status SignEntry(const SigningKey& key, CustodyEntry* e);

struct ChainProblem {
  std::int64_t seq;
  std::string code;     // "entry_modified", "bad_signature", "malformed_entry", "entry_missing",
                        // "out_of_order", "chain_broken"
  std::string message;  // names the seq, for a person
};

// The problem of one entry taken alone (hash mismatch, bad signature, malformed fields), or
// nullopt when the entry is internally sound.
std::optional<ChainProblem> CheckEntry(const CustodyEntry& e);

// Checks a whole chain from seq 1: each entry sound, seqs contiguous, each prev_hash equal to the
// previous entry's hash.
std::vector<ChainProblem> CheckChain(const std::vector<CustodyEntry>& entries);

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_CUSTODY_H_

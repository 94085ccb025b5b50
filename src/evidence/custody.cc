#include "evidence/custody.h"

#include <sodium.h>

namespace sightline::evidence {

namespace {

void AppendNetstring(std::string* out, const std::string& field) {
  *out += std::to_string(field.size());
  *out += ':';
  *out += field;
  *out += ',';
}

}  // namespace

std::string CustodyPreimage(const CustodyEntry& e) {
  std::string out;
  AppendNetstring(&out, kCustodyFormat);
  AppendNetstring(&out, std::to_string(e.seq));
  AppendNetstring(&out, e.time);
  AppendNetstring(&out, e.actor);
  AppendNetstring(&out, e.action);
  AppendNetstring(&out, e.object_sha256);
  AppendNetstring(&out, e.details);
  AppendNetstring(&out, e.prev_hash);
  AppendNetstring(&out, e.public_key);
  return out;
}

std::string ComputeEntryHash(const CustodyEntry& e) { return Sha256Hex(CustodyPreimage(e)); }

Status SignEntry(const SigningKey& key, CustodyEntry* e) {
  if (key.secret_key.size() != crypto_sign_SECRETKEYBYTES) {
    return InvalidArgument("signing key has the wrong size");
  }
  e->public_key = key.PublicHex();
  e->entry_hash = ComputeEntryHash(*e);
  Digest256 digest = Sha256Of(CustodyPreimage(*e));
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, digest.data(), digest.size(),
                       reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  e->signature = ToHex(sig, sizeof sig);
  return Status::Ok();
}

std::optional<ChainProblem> CheckEntry(const CustodyEntry& e) {
  std::string where = "custody entry " + std::to_string(e.seq) + ": ";
  auto problem = [&](const char* code, const std::string& what) {
    return std::optional<ChainProblem>(ChainProblem{e.seq, code, where + what});
  };
  if (!IsSha256Hex(e.prev_hash)) return problem("malformed_entry", "prev_hash is malformed");
  if (!e.object_sha256.empty() && !IsSha256Hex(e.object_sha256)) {
    return problem("malformed_entry", "object hash is malformed");
  }
  if (ComputeEntryHash(e) != e.entry_hash) {
    return problem("entry_modified",
                   "content does not match its hash (the entry was edited after it was written)");
  }
  Result<std::string> pk = FromHex(e.public_key);
  Result<std::string> sig = FromHex(e.signature);
  if (!pk.ok() || pk->size() != crypto_sign_PUBLICKEYBYTES) {
    return problem("malformed_entry", "public key is malformed");
  }
  if (!sig.ok() || sig->size() != crypto_sign_BYTES) {
    return problem("bad_signature", "signature is malformed");
  }
  Result<std::string> digest = FromHex(e.entry_hash);
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                  reinterpret_cast<const unsigned char*>(digest->data()),
                                  digest->size(),
                                  reinterpret_cast<const unsigned char*>(pk->data())) != 0) {
    return problem("bad_signature", "bad signature (not made by the key it names)");
  }
  return std::nullopt;
}

std::vector<ChainProblem> CheckChain(const std::vector<CustodyEntry>& entries) {
  std::vector<ChainProblem> problems;
  std::string prev = kGenesisHash;
  std::int64_t expected_seq = 1;
  for (const CustodyEntry& e : entries) {
    std::string where = "custody entry " + std::to_string(e.seq) + ": ";
    if (e.seq > expected_seq) {
      std::string range = std::to_string(expected_seq);
      if (e.seq - 1 > expected_seq) range += "-" + std::to_string(e.seq - 1);
      problems.push_back(
          {expected_seq, "entry_missing",
           (range.find('-') == std::string::npos ? "custody entry " : "custody entries ") + range +
               ": missing (dropped from the log)"});
    } else if (e.seq < expected_seq) {
      problems.push_back(
          {e.seq, "out_of_order", where + "out of order (seq repeats or goes back)"});
    }
    if (auto p = CheckEntry(e)) problems.push_back(*p);
    if (e.prev_hash != prev) {
      problems.push_back({e.seq, "chain_broken",
                          where + "does not follow the entry before it (entries were removed, "
                                  "inserted or re-ordered)"});
    }
    prev = e.entry_hash;
    expected_seq = e.seq + 1;
  }
  return problems;
}

}  // namespace sightline::evidence

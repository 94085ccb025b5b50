// Internal to the RFC 3161 module (timestamp.cc, tsa_http.cc): owners for OpenSSL objects and
// OpenSSL's per-thread error queue turned into text a person can read. Not for other callers.
#ifndef SIGHTLINE_EVIDENCE_OPENSSL_UTIL_H_
#define SIGHTLINE_EVIDENCE_OPENSSL_UTIL_H_

#include <openssl/bio.h>
#include <openssl/crypto.h>

#include <memory>
#include <string>
#include <vector>

namespace sightline::evidence::internal {

// unique_ptr with an OpenSSL free function: OsslPtr<BIO, BIO_free_all>.
template <auto kFree>
struct OsslDeleter {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
template <typename T, auto kFree>
using OsslPtr = std::unique_ptr<T, OsslDeleter<kFree>>;

using BioPtr = OsslPtr<BIO, BIO_free_all>;

// Memory OpenSSL allocated (OPENSSL_malloc), such as a string from BN_bn2hex.
void FreeOsslString(char* s);
using OsslStringPtr = OsslPtr<char, FreeOsslString>;

// One entry of the error queue.
struct OsslError {
  int lib = 0;
  int reason = 0;
  std::string text;  // reason string, plus any data OpenSSL attached
  std::string data;
};

// Takes every entry off this thread's error queue, oldest first.
std::vector<OsslError> DrainErrors();
// "reason (data); reason ...", or "no details from OpenSSL" when `errors` is empty.
std::string JoinErrors(const std::vector<OsslError>& errors);
// JoinErrors(DrainErrors()).
std::string ErrorText();
// The first entry of `errors` from library `lib` with reason `reason`, or null.
const OsslError* FindError(const std::vector<OsslError>& errors, int lib, int reason);

// The contents of a memory BIO.
std::string BioToString(BIO* bio);

}  // namespace sightline::evidence::internal

#endif  // SIGHTLINE_EVIDENCE_OPENSSL_UTIL_H_

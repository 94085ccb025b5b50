#include "evidence/openssl_util.h"

#include <openssl/err.h>

namespace sightline::evidence::internal {

void FreeOsslString(char* s) { OPENSSL_free(s); }

std::vector<OsslError> DrainErrors() {
  std::vector<OsslError> out;
  const char* data = nullptr;
  int flags = 0;
  unsigned long e;
  while ((e = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) != 0) {
    OsslError err;
    err.lib = ERR_GET_LIB(e);
    err.reason = ERR_GET_REASON(e);
    const char* reason = ERR_reason_error_string(e);
    err.text = reason ? reason : "error " + std::to_string(e);
    if (data && (flags & ERR_TXT_STRING) && *data) {
      err.data = data;
      err.text += " (" + err.data + ")";
    }
    out.push_back(std::move(err));
  }
  return out;
}

std::string JoinErrors(const std::vector<OsslError>& errors) {
  std::string s;
  for (const auto& e : errors) {
    if (!s.empty()) s += "; ";
    s += e.text;
  }
  return s.empty() ? "no details from OpenSSL" : s;
}

std::string ErrorText() { return JoinErrors(DrainErrors()); }

const OsslError* FindError(const std::vector<OsslError>& errors, int lib, int reason) {
  for (const auto& e : errors) {
    if (e.lib == lib && e.reason == reason) return &e;
  }
  return nullptr;
}

std::string BioToString(BIO* bio) {
  char* p = nullptr;
  long n = BIO_get_mem_data(bio, &p);
  return n > 0 ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace sightline::evidence::internal

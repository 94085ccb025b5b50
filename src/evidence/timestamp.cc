#include "evidence/timestamp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/http.h>
#include <openssl/httperr.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

#include "base/file.h"

namespace sightline::evidence {
namespace {

// ---------------------------------------------------------------------------------------------
// RAII for OpenSSL objects.

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
using BignumPtr = OsslPtr<BIGNUM, BN_free>;
using Asn1IntegerPtr = OsslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using X509AlgorPtr = OsslPtr<X509_ALGOR, X509_ALGOR_free>;
using X509Ptr = OsslPtr<X509, X509_free>;
using X509StorePtr = OsslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OsslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using Pkcs7Ptr = OsslPtr<PKCS7, PKCS7_free>;
using TsReqPtr = OsslPtr<TS_REQ, TS_REQ_free>;
using TsRespPtr = OsslPtr<TS_RESP, TS_RESP_free>;
using TsMsgImprintPtr = OsslPtr<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>;
using TsTstInfoPtr = OsslPtr<TS_TST_INFO, TS_TST_INFO_free>;
using SslCtxPtr = OsslPtr<SSL_CTX, SSL_CTX_free>;
using SslPtr = OsslPtr<SSL, SSL_free>;
using HttpReqCtxPtr = OsslPtr<OSSL_HTTP_REQ_CTX, OSSL_HTTP_REQ_CTX_free>;

void FreeX509Stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using X509StackPtr = OsslPtr<STACK_OF(X509), FreeX509Stack>;
// A stack that borrows its certificates.
void FreeX509RefStack(STACK_OF(X509) * s) { sk_X509_free(s); }
using X509RefStackPtr = OsslPtr<STACK_OF(X509), FreeX509RefStack>;

void FreeConfValues(STACK_OF(CONF_VALUE) * s) { sk_CONF_VALUE_pop_free(s, X509V3_conf_free); }
using ConfValuesPtr = OsslPtr<STACK_OF(CONF_VALUE), FreeConfValues>;

void FreeOsslString(char* s) { OPENSSL_free(s); }
using OsslStringPtr = OsslPtr<char, FreeOsslString>;

constexpr std::size_t kMaxResponseBytes = 1 << 20;

// ---------------------------------------------------------------------------------------------
// OpenSSL's per-thread error queue, turned into text a person can read.

struct OsslError {
  int lib = 0;
  int reason = 0;
  std::string text;  // reason string, plus any data OpenSSL attached
  std::string data;
};

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

// ---------------------------------------------------------------------------------------------
// Small conversions.

std::string BioToString(BIO* bio) {
  char* p = nullptr;
  long n = BIO_get_mem_data(bio, &p);
  return n > 0 ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

std::string NameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !name) return "";
  // RFC 2253 order and escaping, but UTF-8 left readable.
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return BioToString(bio.get());
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string IntegerHex(const ASN1_INTEGER* v) {
  if (!v) return "";
  BignumPtr bn(ASN1_INTEGER_to_BN(v, nullptr));
  if (!bn) return "";
  OsslStringPtr hex(BN_bn2hex(bn.get()));
  return hex ? Lower(hex.get()) : "";
}

std::string ObjectText(const ASN1_OBJECT* obj) {
  if (!obj) return "";
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, /*no_name=*/1);
  return n > 0 && static_cast<std::size_t>(n) < sizeof buf ? std::string(buf) : "";
}

std::string CertSha256Hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!X509_digest(cert, EVP_sha256(), md, &len)) return "";
  return ToHex(md, len);
}

Result<X509StackPtr> ParsePemCerts(const std::string& pem, const std::string& what) {
  X509StackPtr certs(sk_X509_new_null());
  if (!certs) return Internal("out of memory");
  if (pem.empty()) return certs;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Internal("out of memory");
  for (;;) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    if (!sk_X509_push(certs.get(), cert.get())) return Internal("out of memory");
    cert.release();
  }
  // Reaching the end of the input shows up as PEM_R_NO_START_LINE; anything else is damage.
  std::vector<OsslError> errors = DrainErrors();
  bool clean_end = !errors.empty() && errors.back().lib == ERR_LIB_PEM &&
                   errors.back().reason == PEM_R_NO_START_LINE;
  if (!clean_end && !errors.empty()) {
    return Corrupt(what + " is not valid PEM: " + JoinErrors(errors));
  }
  if (sk_X509_num(certs.get()) == 0) return Corrupt(what + " holds no PEM certificate");
  return certs;
}

// Appends `cert` (up-referenced) unless an equal certificate is already in `stack`.
bool PushUnique(STACK_OF(X509) * stack, X509* cert) {
  for (int i = 0; i < sk_X509_num(stack); ++i) {
    if (X509_cmp(sk_X509_value(stack, i), cert) == 0) return true;
  }
  if (!X509_up_ref(cert)) return false;
  if (!sk_X509_push(stack, cert)) {
    X509_free(cert);
    return false;
  }
  return true;
}

std::string CertsToPem(STACK_OF(X509) * certs) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return "";
  for (int i = 0; i < sk_X509_num(certs); ++i)
    PEM_write_bio_X509(bio.get(), sk_X509_value(certs, i));
  return BioToString(bio.get());
}

// ---------------------------------------------------------------------------------------------
// Reading a token.

// What a TSTInfo (RFC 3161 section 2.4.2) says, in readable form.
struct TokenInfo {
  std::string gen_time;  // RFC 3339
  std::time_t gen_time_unix = 0;
  std::string serial_hex;
  std::string policy_oid;
  std::string digest_hex;
  int imprint_nid = NID_undef;
};

// genTime is a GeneralizedTime that RFC 3161 section 2.4.2 restricts to "YYYYMMDDhhmmss[.s...]Z".
Status ConvertGenTime(const ASN1_GENERALIZEDTIME* t, TokenInfo* info) {
  if (!t) return Corrupt("the token has no genTime");
  std::string_view s(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t)),
                     static_cast<std::size_t>(ASN1_STRING_length(t)));
  auto digits = [&](std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int year = digits(0, 4), mon = digits(4, 2), day = digits(6, 2), hour = digits(8, 2),
      min = digits(10, 2), sec = digits(12, 2);
  std::size_t pos = 14;
  std::string fraction;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') fraction += s[pos++];
    if (fraction.empty()) year = -1;
  }
  if (year < 0 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || min < 0 ||
      min > 59 || sec < 0 || sec > 60 || pos + 1 != s.size() || s[pos] != 'Z') {
    return Corrupt("the token's genTime \"" + std::string(s) + "\" is not a UTC GeneralizedTime");
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  info->gen_time_unix = timegm(&tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", year, mon, day, hour, min, sec);
  info->gen_time = buf;
  if (!fraction.empty()) info->gen_time += "." + fraction;
  info->gen_time += "Z";
  return Status::Ok();
}

Result<TokenInfo> ReadTokenInfo(TS_TST_INFO* tst) {
  TokenInfo info;
  if (TS_TST_INFO_get_version(tst) != 1) {
    return Corrupt("the token's TSTInfo has version " +
                   std::to_string(TS_TST_INFO_get_version(tst)) + ", not 1");
  }
  SL_RETURN_IF_ERROR(ConvertGenTime(TS_TST_INFO_get_time(tst), &info));
  info.serial_hex = IntegerHex(TS_TST_INFO_get_serial(tst));
  info.policy_oid = ObjectText(TS_TST_INFO_get_policy_id(tst));
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(tst);
  if (!imprint) return Corrupt("the token has no message imprint");
  const ASN1_OBJECT* alg_obj = nullptr;
  X509_ALGOR_get0(&alg_obj, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(imprint));
  info.imprint_nid = alg_obj ? OBJ_obj2nid(alg_obj) : NID_undef;
  ASN1_OCTET_STRING* msg = TS_MSG_IMPRINT_get_msg(imprint);
  if (msg) info.digest_hex = ToHex(ASN1_STRING_get0_data(msg), ASN1_STRING_length(msg));
  return info;
}

// A decoded token: either a whole TimeStampResp or a bare TimeStampToken.
struct ParsedToken {
  TsRespPtr resp;          // set when the input was a TimeStampResp
  Pkcs7Ptr bare;           // set when the input was a bare token
  PKCS7* token = nullptr;  // points into one of the above; null when the TSA refused
  TsTstInfoPtr tst;
};

Result<ParsedToken> ParseDer(const std::string& der) {
  ParsedToken p;
  const unsigned char* start = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* cur = start;
  p.resp.reset(d2i_TS_RESP(nullptr, &cur, static_cast<long>(der.size())));
  if (p.resp && cur == start + der.size()) {
    p.token = TS_RESP_get_token(p.resp.get());
  } else {
    p.resp.reset();
    cur = start;
    p.bare.reset(d2i_PKCS7(nullptr, &cur, static_cast<long>(der.size())));
    if (!p.bare || cur != start + der.size()) {
      DrainErrors();
      return Corrupt("not a DER TimeStampResp or TimeStampToken (" + std::to_string(der.size()) +
                     " bytes)");
    }
    p.token = p.bare.get();
  }
  DrainErrors();  // the failed first attempt, if any
  return p;
}

// RFC 3161 section 2.4.2: PKIStatusInfo. Granted (0) and grantedWithMods (1) carry a token.
Status CheckStatus(TS_RESP* resp) {
  TS_STATUS_INFO* si = TS_RESP_get_status_info(resp);
  long status = si ? ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si)) : -1;
  if (status == TS_STATUS_GRANTED || status == TS_STATUS_GRANTED_WITH_MODS) return Status::Ok();

  static constexpr const char* kStatusNames[] = {"granted",           "grantedWithMods",
                                                 "rejection",         "waiting",
                                                 "revocationWarning", "revocationNotification"};
  std::string msg = "status ";
  msg += status >= 0 && status <= 5 ? kStatusNames[status] : std::to_string(status);
  if (si) {
    static constexpr struct {
      int bit;
      const char* name;
    } kFailInfo[] = {{TS_INFO_BAD_ALG, "badAlg"},
                     {TS_INFO_BAD_REQUEST, "badRequest"},
                     {TS_INFO_BAD_DATA_FORMAT, "badDataFormat"},
                     {TS_INFO_TIME_NOT_AVAILABLE, "timeNotAvailable"},
                     {TS_INFO_UNACCEPTED_POLICY, "unacceptedPolicy"},
                     {TS_INFO_UNACCEPTED_EXTENSION, "unacceptedExtension"},
                     {TS_INFO_ADD_INFO_NOT_AVAILABLE, "addInfoNotAvailable"},
                     {TS_INFO_SYSTEM_FAILURE, "systemFailure"}};
    const ASN1_BIT_STRING* fail = TS_STATUS_INFO_get0_failure_info(si);
    if (fail) {
      std::string names;
      for (const auto& f : kFailInfo) {
        if (ASN1_BIT_STRING_get_bit(fail, f.bit))
          names += (names.empty() ? "" : ",") + std::string(f.name);
      }
      if (!names.empty()) msg += ", failInfo " + names;
    }
    const STACK_OF(ASN1_UTF8STRING)* text = TS_STATUS_INFO_get0_text(si);
    for (int i = 0; i < sk_ASN1_UTF8STRING_num(text); ++i) {
      const ASN1_UTF8STRING* t = sk_ASN1_UTF8STRING_value(text, i);
      msg += i == 0 ? ", text \"" : " / \"";
      msg.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t)),
                 static_cast<std::size_t>(ASN1_STRING_length(t)));
      msg += "\"";
    }
  }
  return Unsupported(msg);
}

// Decodes the token's content and reads it; also checks the imprint is a SHA-256 of `digest`.
Status ReadAndMatch(ParsedToken* p, const Digest256& digest, TokenInfo* info) {
  if (!p->token || !PKCS7_type_is_signed(p->token)) {
    return Corrupt("the time-stamp token is not CMS SignedData");
  }
  p->tst.reset(PKCS7_to_TS_TST_INFO(p->token));
  if (!p->tst) return Corrupt("the token does not contain a TSTInfo: " + ErrorText());
  SL_ASSIGN_OR_RETURN(*info, ReadTokenInfo(p->tst.get()));
  if (info->imprint_nid != NID_sha256) {
    const char* sn = OBJ_nid2sn(info->imprint_nid);
    return Corrupt(std::string("the token's imprint uses ") + (sn ? sn : "an unknown algorithm") +
                   ", not SHA-256");
  }
  std::string want = ToHex(digest);
  if (info->digest_hex != want) {
    return Corrupt("the token covers digest " + info->digest_hex + ", not " + want);
  }
  return Status::Ok();
}

// The token's own certificates (from certReq=TRUE) and the caller's, signer not yet known.
Result<X509StackPtr> CollectCerts(PKCS7* token, const std::string& extra_pem,
                                  const std::string& what) {
  X509StackPtr all(sk_X509_new_null());
  if (!all) return Internal("out of memory");
  STACK_OF(X509)* own = token->d.sign ? token->d.sign->cert : nullptr;
  for (int i = 0; i < sk_X509_num(own); ++i) {
    if (!PushUnique(all.get(), sk_X509_value(own, i))) return Internal("out of memory");
  }
  if (!extra_pem.empty()) {
    SL_ASSIGN_OR_RETURN(X509StackPtr extra, ParsePemCerts(extra_pem, what));
    for (int i = 0; i < sk_X509_num(extra.get()); ++i) {
      if (!PushUnique(all.get(), sk_X509_value(extra.get(), i))) return Internal("out of memory");
    }
  }
  return all;
}

struct ChainInfo {
  X509Ptr signer;
  std::string signer_subject;
  std::string root_subject;
  std::string root_sha256;
};

// Verifies the token's signature and its signer's chain up to one of `anchors`, as of `at`:
// TS_RESP_verify_signature checks that the SignedData has one signer, that the signer's certificate
// is bound by the ESS signingCertificate(V2) attribute (RFC 3161 section 2.4.1, RFC 5816), that it
// is valid for time stamping (extendedKeyUsage critical timeStamping only, section 2.3) and that
// the signature over the TSTInfo verifies.
Result<ChainInfo> VerifySignatureAndChain(PKCS7* token, STACK_OF(X509) * certs,
                                          STACK_OF(X509) * anchors, bool partial_chain,
                                          std::time_t at) {
  X509StorePtr store(X509_STORE_new());
  if (!store) return Internal("out of memory");
  for (int i = 0; i < sk_X509_num(anchors); ++i) {
    if (!X509_STORE_add_cert(store.get(), sk_X509_value(anchors, i))) {
      return Internal("cannot add a trust anchor: " + ErrorText());
    }
  }
  X509_VERIFY_PARAM* param = X509_STORE_get0_param(store.get());
  // The chain must have been valid when the token was made; it may have expired since.
  X509_VERIFY_PARAM_set_time(param, at);
  X509_VERIFY_PARAM_set_flags(
      param, partial_chain ? X509_V_FLAG_PARTIAL_CHAIN : X509_V_FLAG_CHECK_SS_SIGNATURE);

  // The signer's chain first, for a precise message; TS_RESP_verify_signature checks it again.
  X509RefStackPtr signers(PKCS7_get0_signers(token, certs, 0));
  if (!signers || sk_X509_num(signers.get()) != 1) {
    DrainErrors();
    return Corrupt(
        "the token's signing certificate is missing (neither in the token nor in the stored "
        "chain)");
  }
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx ||
      !X509_STORE_CTX_init(ctx.get(), store.get(), sk_X509_value(signers.get(), 0), certs)) {
    return Internal("cannot set up certificate verification: " + ErrorText());
  }
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_TIMESTAMP_SIGN);
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    std::string msg = std::string("the TSA's certificate chain does not verify as of genTime: ") +
                      X509_verify_cert_error_string(err);
    STACK_OF(X509)* partial = X509_STORE_CTX_get0_chain(ctx.get());
    if (sk_X509_num(partial) > 0) {
      X509* top = sk_X509_value(partial, sk_X509_num(partial) - 1);
      msg += " (the chain ends at \"" + NameToString(X509_get_subject_name(top)) + "\")";
    }
    DrainErrors();
    return Corrupt(msg);
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  X509* root = sk_X509_value(chain, sk_X509_num(chain) - 1);
  ChainInfo out;
  out.root_subject = NameToString(X509_get_subject_name(root));
  out.root_sha256 = CertSha256Hex(root);

  X509* signer = nullptr;
  if (TS_RESP_verify_signature(token, certs, store.get(), &signer) != 1) {
    return Corrupt("the token's signature does not verify: " + ErrorText());
  }
  out.signer.reset(signer);
  out.signer_subject = NameToString(X509_get_subject_name(signer));
  DrainErrors();
  return out;
}

// The self-signed certificates in `certs`: the candidate roots when the caller names none.
Result<X509StackPtr> SelfSignedIn(STACK_OF(X509) * certs) {
  X509StackPtr roots(sk_X509_new_null());
  if (!roots) return Internal("out of memory");
  for (int i = 0; i < sk_X509_num(certs); ++i) {
    X509* c = sk_X509_value(certs, i);
    if ((X509_get_extension_flags(c) & EXFLAG_SS) && !PushUnique(roots.get(), c)) {
      return Internal("out of memory");
    }
  }
  return roots;
}

std::string DescribeCerts(STACK_OF(X509) * certs) {
  std::string s;
  for (int i = 0; i < sk_X509_num(certs); ++i) {
    X509* c = sk_X509_value(certs, i);
    if (!s.empty()) s += "; ";
    s += "\"" + NameToString(X509_get_subject_name(c)) + "\" issued by \"" +
         NameToString(X509_get_issuer_name(c)) + "\"";
  }
  return s.empty() ? "none" : s;
}

// ---------------------------------------------------------------------------------------------
// Network: TCP connect with a deadline, optional TLS, and the HTTP exchange by OpenSSL's client.

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(std::min<long long>(left.count(), 1 << 30)) : 0;
}

std::string ErrnoText(int err) { return std::generic_category().message(err); }

// Writing to a socket the peer has closed raises SIGPIPE, which would end the process. Blocks it in
// this thread for the lifetime of the guard and discards any SIGPIPE raised meanwhile; the
// process's signal dispositions are not touched.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        sigset_t pipe_set;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        timespec zero{};
        sigtimedwait(&pipe_set, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t old_mask_;
  bool was_pending_ = false;
};

struct ParsedUrl {
  bool tls = false;
  std::string host;  // without brackets
  std::string port;
  std::string path;  // path and query, starting with '/'
};

Result<ParsedUrl> ParseTsaUrl(const std::string& url) {
  std::string lower = Lower(url.substr(0, 8));
  if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) {
    return InvalidArgument("TSA URL " + url + " must start with http:// or https://");
  }
  int tls = 0;
  char *user = nullptr, *host = nullptr, *port = nullptr, *path = nullptr, *query = nullptr,
       *frag = nullptr;
  int ok =
      OSSL_HTTP_parse_url(url.c_str(), &tls, &user, &host, &port, nullptr, &path, &query, &frag);
  OsslStringPtr user_p(user), host_p(host), port_p(port), path_p(path), query_p(query),
      frag_p(frag);
  if (!ok || !host || !*host) {
    return InvalidArgument("cannot parse TSA URL " + url + ": " + ErrorText());
  }
  ParsedUrl u;
  u.tls = tls != 0;
  u.host = host;
  u.port = port && *port ? port : (u.tls ? "443" : "80");
  u.path = path && *path ? path : "/";
  if (u.path[0] != '/') u.path = "/" + u.path;
  if (query && *query) u.path += std::string("?") + query;
  return u;
}

Result<UniqueFd> ConnectTcp(const ParsedUrl& u, const std::string& url, Clock::time_point deadline,
                            int timeout_seconds) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* res = nullptr;
  int gai = getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &res);
  if (gai != 0) {
    return IoError("cannot connect to " + url + ": cannot resolve host \"" + u.host +
                   "\": " + (gai == EAI_SYSTEM ? ErrnoText(errno) : gai_strerror(gai)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> res_owner(res, freeaddrinfo);
  int last_err = 0;
  bool timed_out = false;
  for (addrinfo* ai = res; ai && !timed_out; ai = ai->ai_next) {
    UniqueFd fd(
        socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd.valid()) {
      last_err = errno;
      continue;
    }
    int rc;
    do {
      rc = connect(fd.get(), ai->ai_addr, ai->ai_addrlen);
    } while (rc != 0 && errno == EINTR);
    if (rc == 0) return fd;
    if (errno != EINPROGRESS) {
      last_err = errno;
      continue;
    }
    for (;;) {
      pollfd pfd{fd.get(), POLLOUT, 0};
      int n = poll(&pfd, 1, MillisLeft(deadline));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        last_err = errno;
      } else if (n == 0) {
        timed_out = true;
      } else {
        int so_error = 0;
        socklen_t len = sizeof so_error;
        getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &len);
        if (so_error == 0) return fd;
        last_err = so_error;
      }
      break;
    }
  }
  if (timed_out) {
    return IoError("cannot connect to " + url + ": no connection within " +
                   std::to_string(timeout_seconds) + " s");
  }
  return IoError("cannot connect to " + url + ": " + Lower(ErrnoText(last_err)));
}

// Runs the TLS handshake on the connected socket and checks the server's certificate against the
// default trusted roots and `host`.
Status StartTls(SSL* ssl, int fd, const ParsedUrl& u, const std::string& url,
                Clock::time_point deadline, int timeout_seconds) {
  if (!SSL_set_fd(ssl, fd)) return Internal("cannot set up TLS: " + ErrorText());
  in6_addr ip6;
  in_addr ip4;
  bool is_ip = inet_pton(AF_INET, u.host.c_str(), &ip4) == 1 ||
               inet_pton(AF_INET6, u.host.c_str(), &ip6) == 1;
  if (is_ip) {
    if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), u.host.c_str())) {
      return Internal("cannot set up TLS: " + ErrorText());
    }
  } else if (!SSL_set_tlsext_host_name(ssl, u.host.c_str()) ||
             !SSL_set1_host(ssl, u.host.c_str())) {
    return Internal("cannot set up TLS: " + ErrorText());
  }
  for (;;) {
    int rc = SSL_connect(ssl);
    if (rc == 1) return Status::Ok();
    int err = SSL_get_error(ssl, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      pollfd pfd{fd, static_cast<short>(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
      int n;
      do {
        n = poll(&pfd, 1, MillisLeft(deadline));
      } while (n < 0 && errno == EINTR);
      if (n == 0) {
        return IoError("TLS handshake with " + url + " did not finish within " +
                       std::to_string(timeout_seconds) + " s");
      }
      continue;
    }
    long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
      DrainErrors();
      return IoError("TLS certificate of " + url +
                     " is not trusted: " + X509_verify_cert_error_string(verify));
    }
    return IoError("TLS handshake with " + url + " failed: " + ErrorText());
  }
}

// Turns a failed OSSL_HTTP_REQ_CTX_exchange into a message for a person.
Status HttpFailure(const std::string& url, int timeout_seconds) {
  std::vector<OsslError> errors = DrainErrors();
  auto has = [&](int lib, int reason) { return FindError(errors, lib, reason); };
  const OsslError* e = has(ERR_LIB_HTTP, HTTP_R_RECEIVED_ERROR);
  if (!e) e = has(ERR_LIB_HTTP, HTTP_R_STATUS_CODE_UNSUPPORTED);
  if (e) {
    // The data reads "code=500, reason=Internal Server Error".
    std::string code = e->data, reason;
    if (code.rfind("code=", 0) == 0) code = code.substr(5);
    if (auto comma = code.find(", reason="); comma != std::string::npos) {
      reason = code.substr(comma + 9);
      code = code.substr(0, comma);
    }
    return IoError("TSA at " + url + " answered HTTP " + code +
                   (reason.empty() ? "" : " (" + reason + ")"));
  }
  if (has(ERR_LIB_HTTP, HTTP_R_REDIRECTION_NOT_ENABLED)) {
    return IoError("TSA at " + url + " answered with a redirect, which is not followed: give the " +
                   "URL it redirects to");
  }
  if (has(ERR_LIB_BIO, BIO_R_TRANSFER_TIMEOUT) || has(ERR_LIB_HTTP, HTTP_R_RETRY_TIMEOUT)) {
    return IoError("no answer from TSA at " + url + " within " + std::to_string(timeout_seconds) +
                   " s");
  }
  if (has(ERR_LIB_HTTP, HTTP_R_MAX_RESP_LEN_EXCEEDED) ||
      has(ERR_LIB_HTTP, HTTP_R_ASN1_LEN_EXCEEDS_MAX_RESP_LEN)) {
    return IoError("TSA at " + url + " sent an answer larger than " +
                   std::to_string(kMaxResponseBytes >> 20) + " MiB: " + JoinErrors(errors));
  }
  if (has(ERR_LIB_HTTP, HTTP_R_HEADER_PARSE_ERROR) ||
      has(ERR_LIB_HTTP, HTTP_R_RESPONSE_PARSE_ERROR) ||
      has(ERR_LIB_HTTP, HTTP_R_RECEIVED_WRONG_HTTP_VERSION) ||
      has(ERR_LIB_HTTP, HTTP_R_RESPONSE_LINE_TOO_LONG)) {
    return Corrupt("TSA at " + url + " did not answer with HTTP: " + JoinErrors(errors));
  }
  if (has(ERR_LIB_HTTP, HTTP_R_MISSING_ASN1_ENCODING) ||
      has(ERR_LIB_HTTP, HTTP_R_ERROR_PARSING_ASN1_LENGTH)) {
    return Corrupt("TSA at " + url +
                   " answered HTTP 200 but the body is not a DER TimeStampResp (is this the "
                   "TSA's time-stamping URL?)");
  }
  if (has(ERR_LIB_HTTP, HTTP_R_FAILED_READING_DATA) || has(ERR_LIB_HTTP, HTTP_R_ERROR_RECEIVING)) {
    return IoError("TSA at " + url + " closed the connection before a complete answer (" +
                   JoinErrors(errors) + ")");
  }
  return IoError("HTTP exchange with TSA at " + url + " failed: " + JoinErrors(errors));
}

// POSTs `req` (DER) to the TSA at `url` and returns the body of its HTTP 200 answer.
Result<std::string> PostTimestampQuery(const std::string& url, TS_REQ* req, int timeout_seconds) {
  SL_ASSIGN_OR_RETURN(ParsedUrl u, ParseTsaUrl(url));
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
  SigpipeGuard sigpipe_guard;

  SL_ASSIGN_OR_RETURN(UniqueFd fd, ConnectTcp(u, url, deadline, timeout_seconds));
  SslCtxPtr ssl_ctx;
  SslPtr ssl;  // owned here; the SSL BIO below does not free it
  BioPtr bio;
  if (u.tls) {
    ssl_ctx.reset(SSL_CTX_new(TLS_client_method()));
    if (!ssl_ctx || !SSL_CTX_set_min_proto_version(ssl_ctx.get(), TLS1_2_VERSION) ||
        !SSL_CTX_set_default_verify_paths(ssl_ctx.get())) {
      return Internal("cannot set up TLS: " + ErrorText());
    }
    SSL_CTX_set_verify(ssl_ctx.get(), SSL_VERIFY_PEER, nullptr);
    ssl.reset(SSL_new(ssl_ctx.get()));
    if (!ssl) return Internal("cannot set up TLS: " + ErrorText());
    SL_RETURN_IF_ERROR(StartTls(ssl.get(), fd.get(), u, url, deadline, timeout_seconds));
    bio.reset(BIO_new(BIO_f_ssl()));
    if (bio) BIO_set_ssl(bio.get(), ssl.get(), BIO_NOCLOSE);
  } else {
    bio.reset(BIO_new_socket(fd.get(), BIO_NOCLOSE));
  }
  if (!bio) return Internal("out of memory");

  // RFC 3161 section 3.4: POST with Content-Type application/timestamp-query; the answer is a
  // DER TimeStampResp (application/timestamp-reply). The content type of the answer is not
  // insisted on, since some TSAs label it differently; the DER parse below is the real check.
  std::string host_header = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  if (u.port != (u.tls ? "443" : "80")) host_header += ":" + u.port;
  int seconds_left = std::max(1, (MillisLeft(deadline) + 999) / 1000);
  unsigned char* req_der = nullptr;
  int req_len = i2d_TS_REQ(req, &req_der);
  OsslStringPtr req_der_owner(reinterpret_cast<char*>(req_der));
  BioPtr req_bio(req_len > 0 ? BIO_new_mem_buf(req_der, req_len) : nullptr);
  STACK_OF(CONF_VALUE)* headers_raw = nullptr;
  bool headers_ok = X509V3_add_value("Host", host_header.c_str(), &headers_raw) &&
                    X509V3_add_value("Accept", "application/timestamp-reply", &headers_raw) &&
                    X509V3_add_value("User-Agent", "sightline", &headers_raw);
  ConfValuesPtr headers(headers_raw);
  HttpReqCtxPtr rctx(OSSL_HTTP_REQ_CTX_new(bio.get(), bio.get(), 0));
  if (!req_bio || !headers_ok || !rctx ||
      !OSSL_HTTP_set1_request(rctx.get(), u.path.c_str(), headers.get(),
                              "application/timestamp-query", req_bio.get(),
                              /*expected_content_type=*/nullptr, /*expect_asn1=*/1,
                              kMaxResponseBytes, seconds_left, /*keep_alive=*/0)) {
    return Internal("cannot build the HTTP request: " + ErrorText());
  }
  BIO* body = OSSL_HTTP_REQ_CTX_exchange(rctx.get());  // owned by rctx
  if (!body) return HttpFailure(url, timeout_seconds);
  std::string der = BioToString(body);
  DrainErrors();
  return der;
}

Result<TsReqPtr> BuildRequest(const Digest256& digest, Asn1IntegerPtr* nonce_out) {
  TsReqPtr req(TS_REQ_new());
  TsMsgImprintPtr imprint(TS_MSG_IMPRINT_new());
  X509AlgorPtr alg(X509_ALGOR_new());
  unsigned char nonce_bytes[8];
  if (!req || !imprint || !alg || RAND_bytes(nonce_bytes, sizeof nonce_bytes) != 1) {
    return Internal("cannot build the time-stamp request: " + ErrorText());
  }
  BignumPtr nonce_bn(BN_bin2bn(nonce_bytes, sizeof nonce_bytes, nullptr));
  Asn1IntegerPtr nonce(nonce_bn ? BN_to_ASN1_INTEGER(nonce_bn.get(), nullptr) : nullptr);
  Digest256 d = digest;
  // RFC 3161 section 2.4.1: version 1, messageImprint, nonce, certReq (TRUE so that the TSA's
  // certificate comes with the token and it can be checked offline later).
  if (!nonce || !X509_ALGOR_set0(alg.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr) ||
      !TS_MSG_IMPRINT_set_algo(imprint.get(), alg.get()) ||
      !TS_MSG_IMPRINT_set_msg(imprint.get(), d.data(), static_cast<int>(d.size())) ||
      !TS_REQ_set_version(req.get(), 1) || !TS_REQ_set_msg_imprint(req.get(), imprint.get()) ||
      !TS_REQ_set_nonce(req.get(), nonce.get()) || !TS_REQ_set_cert_req(req.get(), 1)) {
    return Internal("cannot build the time-stamp request: " + ErrorText());
  }
  *nonce_out = std::move(nonce);
  return req;
}

}  // namespace

Result<TimestampToken> RequestTimestamp(const std::string& tsa_url, const Digest256& digest,
                                        int timeout_seconds, const std::string& extra_chain_pem) {
  if (timeout_seconds <= 0) {
    return InvalidArgument("the TSA timeout must be positive, not " +
                           std::to_string(timeout_seconds));
  }
  ERR_clear_error();  // so that messages carry only this call's errors
  Asn1IntegerPtr nonce;
  SL_ASSIGN_OR_RETURN(TsReqPtr req, BuildRequest(digest, &nonce));
  SL_ASSIGN_OR_RETURN(std::string der, PostTimestampQuery(tsa_url, req.get(), timeout_seconds));

  const std::string from = "the answer from TSA at " + tsa_url;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  TsRespPtr resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));
  if (!resp || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    DrainErrors();
    return Corrupt(from + " is not a DER TimeStampResp (" + std::to_string(der.size()) + " bytes)");
  }
  Status status = CheckStatus(resp.get());
  if (!status.ok()) return Unsupported("TSA at " + tsa_url + " refused: " + status.message());
  if (!TS_RESP_get_token(resp.get())) return Corrupt(from + " grants the request but has no token");

  ParsedToken parsed;
  parsed.token = TS_RESP_get_token(resp.get());
  TokenInfo info;
  Status match = ReadAndMatch(&parsed, digest, &info);
  if (!match.ok()) return match.WithContext(from);
  // RFC 3161 section 2.4.2: the nonce must be the one sent, else the answer may be a replay.
  const ASN1_INTEGER* got_nonce = TS_TST_INFO_get_nonce(parsed.tst.get());
  if (!got_nonce || ASN1_INTEGER_cmp(got_nonce, nonce.get()) != 0) {
    return Corrupt(
        from + " carries " + (got_nonce ? "nonce " + IntegerHex(got_nonce) : "no nonce") +
        ", not the nonce sent (" + IntegerHex(nonce.get()) + "): a stale or replayed answer");
  }

  SL_ASSIGN_OR_RETURN(X509StackPtr certs,
                      CollectCerts(parsed.token, extra_chain_pem, "the extra TSA chain"));
  SL_ASSIGN_OR_RETURN(X509StackPtr roots, SelfSignedIn(certs.get()));
  if (sk_X509_num(roots.get()) == 0) {
    return Corrupt(from + " comes without the TSA's root certificate (certificates present: " +
                   DescribeCerts(certs.get()) +
                   "); supply the TSA's CA chain (PEM) so the token can be checked and kept "
                   "with its root");
  }
  Result<ChainInfo> chain =
      VerifySignatureAndChain(parsed.token, certs.get(), roots.get(), false, info.gen_time_unix);
  if (!chain.ok()) return chain.status().WithContext(from);

  // Store the chain signer first, then the other certificates as received.
  X509StackPtr ordered(sk_X509_new_null());
  if (!ordered || !PushUnique(ordered.get(), chain->signer.get())) return Internal("out of memory");
  for (int i = 0; i < sk_X509_num(certs.get()); ++i) {
    if (!PushUnique(ordered.get(), sk_X509_value(certs.get(), i))) return Internal("out of memory");
  }

  TimestampToken token;
  token.response_der = std::move(der);
  token.chain_pem = CertsToPem(ordered.get());
  token.gen_time = info.gen_time;
  token.tsa_name = chain->signer_subject;
  token.serial_hex = info.serial_hex;
  token.policy_oid = info.policy_oid;
  token.digest_hex = info.digest_hex;
  return token;
}

TimestampCheck VerifyTimestamp(const TimestampToken& token, const Digest256& digest,
                               const std::string& trusted_ca_pem) {
  TimestampCheck check;
  ERR_clear_error();  // so that messages carry only this call's errors
  auto fail = [&](const std::string& problem) {
    check.ok = false;
    check.problem = problem;
    DrainErrors();
    return check;
  };

  Result<ParsedToken> parsed = ParseDer(token.response_der);
  if (!parsed.ok()) return fail("the stored token is " + parsed.status().message());
  if (parsed->resp) {
    Status status = CheckStatus(parsed->resp.get());
    if (!status.ok()) return fail("the stored answer is a refusal: " + status.message());
    if (!parsed->token) return fail("the stored answer grants the request but has no token");
  }
  TokenInfo info;
  Status match = ReadAndMatch(&*parsed, digest, &info);
  check.gen_time = info.gen_time;
  if (!match.ok()) return fail(match.message());

  // The readable copy must say what the token says.
  struct Field {
    const char* name;
    const std::string& stored;
    const std::string& actual;
  };
  const Field fields[] = {{"gen_time", token.gen_time, info.gen_time},
                          {"serial_hex", token.serial_hex, info.serial_hex},
                          {"policy_oid", token.policy_oid, info.policy_oid},
                          {"digest_hex", token.digest_hex, info.digest_hex}};
  for (const Field& f : fields) {
    if (!f.stored.empty() && f.stored != f.actual) {
      return fail(std::string("the stored ") + f.name + " \"" + f.stored +
                  "\" differs from the token's \"" + f.actual + "\"");
    }
  }

  Result<X509StackPtr> certs = CollectCerts(parsed->token, token.chain_pem, "the stored chain");
  if (!certs.ok()) return fail(certs.status().message());
  Result<X509StackPtr> anchors = trusted_ca_pem.empty()
                                     ? SelfSignedIn(certs->get())
                                     : ParsePemCerts(trusted_ca_pem, "the trusted CA certificates");
  if (!anchors.ok()) return fail(anchors.status().message());
  if (sk_X509_num(anchors->get()) == 0) {
    return fail("no self-signed root among the token's certificates (" +
                DescribeCerts(certs->get()) + "); check it against the TSA's CA certificate");
  }
  Result<ChainInfo> chain =
      VerifySignatureAndChain(parsed->token, certs->get(), anchors->get(),
                              /*partial_chain=*/!trusted_ca_pem.empty(), info.gen_time_unix);
  if (!chain.ok()) {
    std::string problem = chain.status().message();
    if (!trusted_ca_pem.empty()) problem += " (trusting only the given CA certificates)";
    return fail(problem);
  }
  check.tsa_name = chain->signer_subject;
  check.root_subject = chain->root_subject;
  check.root_sha256 = chain->root_sha256;
  if (!token.tsa_name.empty() && token.tsa_name != check.tsa_name) {
    return fail("the stored tsa_name \"" + token.tsa_name + "\" differs from the signer \"" +
                check.tsa_name + "\"");
  }
  check.ok = true;
  DrainErrors();
  return check;
}

}  // namespace sightline::evidence

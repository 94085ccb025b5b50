// RFC 3161: building the request, checking the answer, verifying a stored token offline. The
// HTTP(S) transport is in tsa_http.cc.
#include "evidence/timestamp.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "evidence/openssl_util.h"
#include "evidence/tsa_http.h"

namespace sightline::evidence {
namespace {

using internal::BioPtr;
using internal::BioToString;
using internal::DrainErrors;
using internal::ErrorText;
using internal::JoinErrors;
using internal::OsslError;
using internal::OsslPtr;
using internal::OsslStringPtr;

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

void FreeX509Stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using X509StackPtr = OsslPtr<STACK_OF(X509), FreeX509Stack>;
// A stack that borrows its certificates.
void FreeX509RefStack(STACK_OF(X509) * s) { sk_X509_free(s); }
using X509RefStackPtr = OsslPtr<STACK_OF(X509), FreeX509RefStack>;

// ---------------------------------------------------------------------------------------------
// Small conversions.

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
  info->gen_time_unix = UnixFromUtcFields(year, mon, day, hour, min, sec);
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
  unsigned char* query = nullptr;
  int query_len = i2d_TS_REQ(req.get(), &query);
  OsslStringPtr query_owner(reinterpret_cast<char*>(query));
  if (query_len <= 0) return Internal("cannot encode the time-stamp request: " + ErrorText());
  SL_ASSIGN_OR_RETURN(
      std::string der,
      internal::PostTimestampQuery(
          tsa_url, std::string(reinterpret_cast<char*>(query), static_cast<std::size_t>(query_len)),
          timeout_seconds));

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

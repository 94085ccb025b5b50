// RFC 3161 trusted timestamps over a SHA-256 digest: asking a time-stamping authority (TSA) to sign
// "this digest existed at this time", and checking such a token later, offline, without the TSA.
//
// A token proves that the digest (for Sightline: the head of a case's custody log) existed no later
// than genTime, as far as one trusts the TSA whose root certificate ends the token's chain. A third
// party can check the stored token with the `openssl ts -verify` command; doc/timestamps.md says
// how.
//
// No global state; network traffic only inside RequestTimestamp. Thread safety: the functions may
// be called from several threads at once (OpenSSL 3 keeps its error queue per thread).
#ifndef SIGHTLINE_EVIDENCE_TIMESTAMP_H_
#define SIGHTLINE_EVIDENCE_TIMESTAMP_H_

#include <string>

#include "base/sha256.h"
#include "base/status.h"

namespace sightline::evidence {

// A time-stamp token as stored with a case. `response_der` and `chain_pem` are the evidence; the
// other fields are a readable copy of what the token says, filled in by RequestTimestamp and
// checked against the token by VerifyTimestamp (they are never trusted on their own).
struct TimestampToken {
  std::string response_der;  // the TimeStampResp exactly as received (DER, RFC 3161 section 2.4.2);
                             // a bare TimeStampToken (CMS ContentInfo) is accepted too
  std::string chain_pem;     // certificates of the TSA, signer first: those carried by the token
                             // (requested with certReq=TRUE) plus any the caller supplied
  std::string gen_time;      // genTime as RFC 3339 UTC, e.g. "2026-11-25T15:48:17Z" (fraction kept)
  std::string tsa_name;      // subject of the signing certificate, RFC 2253 ("CN=...,O=...")
  std::string serial_hex;    // the token's serial number, lowercase hex
  std::string policy_oid;    // the TSA policy under which the token was issued, dotted decimal
  std::string digest_hex;    // the SHA-256 message imprint the token covers, lowercase hex
};

// Asks the TSA at `tsa_url` (http:// or https://) for a token over `digest`: sends a TimeStampReq
// (version 1, SHA-256 imprint, random 64-bit nonce, certReq=TRUE) by HTTP POST with Content-Type
// application/timestamp-query (RFC 3161 section 3.4) and checks the answer before returning it:
// the status is granted (or grantedWithMods), the nonce and the imprint are those sent, the
// signature verifies, the signing certificate is bound to the signature (ESS signingCertificate, v1
// or v2 per RFC 5816), is marked for time stamping only, and chains up to a self-signed root found
// among the token's certificates and `extra_chain_pem` (PEM; for a TSA that does not send its
// root).
//
// The whole exchange (connecting, TLS, sending, receiving) must finish within `timeout_seconds`,
// which must be positive; only host name resolution (getaddrinfo) is not bounded by it. Answers
// larger than 1 MiB are refused. For https:// the server is checked against the system's trusted
// roots (OpenSSL's default paths; SSL_CERT_FILE and SSL_CERT_DIR apply). Redirects are not
// followed. Errors name the URL: kIoError for network failures and HTTP errors, kCorrupt for an
// answer that is not a valid TimeStampResp or fails a check, kUnsupported when the TSA refuses the
// request (the message carries its status, failInfo and text), kInvalidArgument for a bad URL or
// timeout.
Result<TimestampToken> RequestTimestamp(const std::string& tsa_url, const Digest256& digest,
                                        int timeout_seconds,
                                        const std::string& extra_chain_pem = "");

// The outcome of an offline check. When `ok` is false, `problem` says what failed, for a person;
// the other fields are filled in as far as the token could be read.
struct TimestampCheck {
  bool ok = false;
  std::string problem;
  std::string gen_time;      // as in TimestampToken, read from the token itself
  std::string tsa_name;      // subject of the signing certificate
  std::string root_subject;  // the trust anchor the chain ended at
  std::string root_sha256;   // SHA-256 of that certificate's DER, lowercase hex (compare with the
                             // TSA's published fingerprint: `openssl x509 -fingerprint -sha256`)
};

// Checks `token` offline: that it is a well-formed, granted time-stamp token; that it covers
// `digest` with SHA-256; that its signature verifies with the signing certificate, which is bound
// to it (ESS) and valid for time stamping; and that the certificate chain is valid at genTime up to
// a trust anchor:
//  - when `trusted_ca_pem` is empty, a self-signed root among chain_pem and the token's own
//    certificates. This only shows the token is intact: the caller must show root_subject and
//    root_sha256 to a person, who compares them with the TSA's published root;
//  - otherwise only the certificates in `trusted_ca_pem` (PEM; an intermediate CA may serve as the
//    anchor).
// Revocation is not checked (no network). The readable fields of `token`, when not empty, must
// agree with the token (gen_time, tsa_name, serial_hex, policy_oid, digest_hex).
TimestampCheck VerifyTimestamp(const TimestampToken& token, const Digest256& digest,
                               const std::string& trusted_ca_pem = "");

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_TIMESTAMP_H_

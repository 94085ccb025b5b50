// Internal to the RFC 3161 client (timestamp.cc): the transport to a time-stamping authority.
// Connects over TCP with a deadline, runs TLS for https://, and POSTs one query with OpenSSL's HTTP
// client. Knows nothing of what the bytes mean; RequestTimestamp (timestamp.h) builds the query and
// checks the answer. Not for other callers.
#ifndef SIGHTLINE_EVIDENCE_TSA_HTTP_H_
#define SIGHTLINE_EVIDENCE_TSA_HTTP_H_

#include <cstddef>
#include <string>

#include "base/status.h"

namespace sightline::evidence::internal {

// Answers larger than this are refused.
inline constexpr std::size_t kMaxTsaAnswerBytes = 1 << 20;

// POSTs `query_der` (a DER TimeStampReq) to the TSA at `tsa_url` (http:// or https://) with
// Content-Type application/timestamp-query (RFC 3161 section 3.4) and returns the body of its
// HTTP 200 answer, which must be DER (not otherwise checked here).
//
// Everything after host name resolution finishes within `timeout_seconds` (positive). For https://
// the server is checked against OpenSSL's default trusted roots and the URL's host. Redirects are
// not followed. SIGPIPE is blocked in the calling thread meanwhile. Errors name the URL:
// kInvalidArgument for a URL that is not http(s), kIoError for network failures, HTTP errors, a
// timeout or an oversized answer, kCorrupt for an answer that is not HTTP or whose body is not DER.
Result<std::string> PostTimestampQuery(const std::string& tsa_url, const std::string& query_der,
                                       int timeout_seconds);

}  // namespace sightline::evidence::internal

#endif  // SIGHTLINE_EVIDENCE_TSA_HTTP_H_

#include "evidence/tsa_http.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/httperr.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <memory>
#include <system_error>
#include <vector>

#include "base/file.h"
#include "evidence/openssl_util.h"

namespace sightline::evidence::internal {
namespace {

using SslCtxPtr = OsslPtr<SSL_CTX, SSL_CTX_free>;
using SslPtr = OsslPtr<SSL, SSL_free>;
using HttpReqCtxPtr = OsslPtr<OSSL_HTTP_REQ_CTX, OSSL_HTTP_REQ_CTX_free>;
void FreeConfValues(STACK_OF(CONF_VALUE) * s) { sk_CONF_VALUE_pop_free(s, X509V3_conf_free); }
using ConfValuesPtr = OsslPtr<STACK_OF(CONF_VALUE), FreeConfValues>;

using Clock = std::chrono::steady_clock;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

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
                   std::to_string(kMaxTsaAnswerBytes >> 20) + " MiB: " + JoinErrors(errors));
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

}  // namespace

Result<std::string> PostTimestampQuery(const std::string& url, const std::string& query_der,
                                       int timeout_seconds) {
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
  // insisted on, since some TSAs label it differently; the caller's DER parse is the real check.
  std::string host_header = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  if (u.port != (u.tls ? "443" : "80")) host_header += ":" + u.port;
  int seconds_left = std::max(1, (MillisLeft(deadline) + 999) / 1000);
  BioPtr req_bio(query_der.empty()
                     ? nullptr
                     : BIO_new_mem_buf(query_der.data(), static_cast<int>(query_der.size())));
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
                              kMaxTsaAnswerBytes, seconds_left, /*keep_alive=*/0)) {
    return Internal("cannot build the HTTP request: " + ErrorText());
  }
  BIO* body = OSSL_HTTP_REQ_CTX_exchange(rctx.get());  // owned by rctx
  if (!body) return HttpFailure(url, timeout_seconds);
  std::string der = BioToString(body);
  DrainErrors();
  return der;
}

}  // namespace sightline::evidence::internal

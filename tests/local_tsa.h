// A time-stamping authority for tests, with no internet: a small PKI made at test time with the
// `openssl` command, a loopback HTTP(S) server in this process, and a handler that answers RFC 3161
// queries with `openssl ts -reply`. Used by the unit tests of src/evidence/timestamp and by the
// end-to-end tests of `sightline timestamp`.
#ifndef SIGHTLINE_TESTS_LOCAL_TSA_H_
#define SIGHTLINE_TESTS_LOCAL_TSA_H_

#include <openssl/types.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace sightline::testing {

// The policy the test TSA issues tokens under (its default_policy in TestPki's openssl.cnf).
inline constexpr char kTestTsaPolicy[] = "1.3.6.1.4.1.99999.1";

// A small PKI made with the openssl command in a scratch directory: a root CA ("root", subject
// "O=Sightline Tests,CN=Sightline Test Root"), a TSA certificate it issued ("tsa"; critical
// extendedKeyUsage timeStamping, RFC 3161 section 2.3), a TLS server certificate for 127.0.0.1 and
// localhost ("server"), an unrelated root ("other_root"), and an openssl.cnf with sections for
// `openssl ts -reply`:
//   tsa_full       sends its certificate and the root; ESSCertIDv2 (RFC 5816)
//   tsa_leaf_only  sends only its own certificate; the older ESSCertID (SHA-1)
//   tsa_sha1_only  accepts only SHA-1 imprints, so it refuses SHA-256 ones (badAlg)
// Failures to make it are reported with ADD_FAILURE.
class TestPki {
 public:
  TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  // A file in the PKI's directory: NAME.crt and NAME.key for the names above.
  std::string path(const std::string& name) const { return dir_ / name; }
  const std::string& cnf() const { return cnf_; }
  // The PEM certificate NAME.crt.
  std::string pem(const std::string& name) const;

  // Runs openssl with this PKI's configuration.
  CommandResult OpenSsl(std::vector<std::string> args) const;

 private:
  void MakeRoot(const std::string& name, const std::string& subject);
  void MakeLeaf(const std::string& name, const std::string& subject, const std::string& ext);

  ScratchDir dir_;
  std::string cnf_;
  int serial_ = 100;
};

// An HTTP/1.0 answer with Content-Length and "Connection: close".
std::string HttpResponse(const std::string& status, const std::string& content_type,
                         const std::string& body);

// A one-connection-at-a-time HTTP/1.0 server on 127.0.0.1 (optionally TLS), served by a thread of
// this process. For each request it reads the headers and the body (by Content-Length) and sends
// back whatever `handler` returns; an empty string means "never answer" (the connection stays open
// until the server is destroyed). The listening and accepted sockets are close-on-exec.
class LoopbackServer {
 public:
  using Handler = std::function<std::string(const std::string& body)>;

  // `tls`, when set, must outlive the server.
  explicit LoopbackServer(Handler handler, SSL_CTX* tls = nullptr);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" + path (https:// with TLS).
  std::string Url(const std::string& path = "/tsa") const;
  // Requests read completely so far.
  int requests() const { return requests_; }
  std::string last_headers() const;

 private:
  void Run();
  void Serve(int fd);

  Handler handler_;
  SSL_CTX* tls_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  mutable std::mutex mu_;
  std::string last_headers_;
  std::thread thread_;
};

// Answers the N-th query with `openssl ts -reply` using [section] of `pki`'s configuration, and
// keeps the files as pki.path("queryN.tsq") and pki.path("replyN.tsr"); appends each reply (DER)
// to `replies` when given. `pki` and `replies` must outlive the handler.
LoopbackServer::Handler TsaHandler(const TestPki& pki, const std::string& section,
                                   std::vector<std::string>* replies = nullptr);

// A port on 127.0.0.1 that refuses connections: a socket bound to it that does not listen, held
// (so no one else gets the port) for the object's lifetime.
class ClosedPort {
 public:
  ClosedPort();
  ~ClosedPort();
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;

  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace sightline::testing

#endif  // SIGHTLINE_TESTS_LOCAL_TSA_H_

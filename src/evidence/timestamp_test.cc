// Tests for RFC 3161 timestamps against a time-stamping authority built at test time with the
// `openssl` command (root CA, TSA certificate, `openssl ts -reply`) and served over HTTP (and
// HTTPS) by a loopback server thread in this process. No internet needed.
#include "evidence/timestamp.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/pkcs7.h>
#include <openssl/ssl.h>
#include <openssl/ts.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/sha256.h"
#include "base/time.h"
#include "test_util.h"

namespace sightline::evidence {
namespace {

using sightline::testing::CommandResult;
using sightline::testing::ReadFile;
using sightline::testing::RunProgram;
using sightline::testing::ScratchDir;
using sightline::testing::WriteFile;

constexpr char kPolicy[] = "1.3.6.1.4.1.99999.1";

int CountOf(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A small PKI made with the openssl command: a root CA, a TSA certificate it issued (critical
// extendedKeyUsage timeStamping, RFC 3161 section 2.3), a TLS server certificate for 127.0.0.1,
// an unrelated root, and an openssl.cnf with [tsa] sections for `openssl ts -reply`.
class TestPki {
 public:
  TestPki() {
    const std::string d = dir_.path();
    cnf_ = dir_ / "openssl.cnf";
    WriteFile(cnf_, R"(
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused

[ v3_root ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[ v3_tsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ v3_server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost

[ tsa ]
default_tsa = tsa_full

# Sends its certificate and the root (certs = ...) when certReq is set; ESSCertIDv2 (RFC 5816).
[ tsa_full ]
dir = )" + d + R"(
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/root.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256

# Sends only its own certificate, with the older ESSCertID (SHA-1).
[ tsa_leaf_only ]
dir = )" + d + R"(
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256
ess_cert_id_alg = sha1

# Accepts only SHA-1 imprints, so it refuses ours (badAlg).
[ tsa_sha1_only ]
dir = )" + d + R"(
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha1
)");
    WriteFile(dir_ / "tsaserial", "01\n");
    MakeRoot("root", "/CN=Sightline Test Root/O=Sightline Tests");
    MakeRoot("other_root", "/CN=Unrelated Root/O=Elsewhere");
    MakeLeaf("tsa", "/CN=Sightline Test TSA/O=Sightline Tests", "v3_tsa");
    MakeLeaf("server", "/CN=localhost", "v3_server");
  }

  std::string path(const std::string& name) const { return dir_ / name; }
  const std::string& cnf() const { return cnf_; }
  std::string pem(const std::string& name) const { return ReadFile(path(name + ".crt")); }

  // Runs openssl with this PKI's configuration.
  CommandResult OpenSsl(std::vector<std::string> args) const {
    args.insert(args.begin(), "openssl");
    return RunProgram(args, {"OPENSSL_CONF=" + cnf_});
  }

 private:
  void Check(const CommandResult& r, const std::string& what) {
    if (r.exit_code != 0) ADD_FAILURE() << what << " failed: " << r.err;
  }
  void MakeRoot(const std::string& name, const std::string& subject) {
    Check(OpenSsl({"req",
                   "-x509",
                   "-new",
                   "-newkey",
                   "ec",
                   "-pkeyopt",
                   "ec_paramgen_curve:prime256v1",
                   "-nodes",
                   "-keyout",
                   path(name + ".key"),
                   "-out",
                   path(name + ".crt"),
                   "-days",
                   "3",
                   "-subj",
                   subject,
                   "-config",
                   cnf_,
                   "-extensions",
                   "v3_root"}),
          "making " + name);
  }
  void MakeLeaf(const std::string& name, const std::string& subject, const std::string& ext) {
    Check(OpenSsl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                   "-nodes", "-keyout", path(name + ".key"), "-out", path(name + ".csr"), "-subj",
                   subject, "-config", cnf_}),
          "making the " + name + " request");
    Check(OpenSsl({"x509", "-req", "-in", path(name + ".csr"), "-CA", path("root.crt"), "-CAkey",
                   path("root.key"), "-set_serial", std::to_string(++serial_), "-days", "2", "-out",
                   path(name + ".crt"), "-extfile", cnf_, "-extensions", ext}),
          "signing " + name);
  }

  ScratchDir dir_;
  std::string cnf_;
  int serial_ = 100;
};

std::string HttpResponse(const std::string& status, const std::string& content_type,
                         const std::string& body) {
  return "HTTP/1.0 " + status + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         body;
}

// A one-connection-at-a-time HTTP/1.0 server on 127.0.0.1 (optionally TLS). For each request it
// reads the headers and the body (by Content-Length) and sends back whatever `handler` returns;
// an empty string means "never answer" (the connection stays open until the server is destroyed).
class LoopbackServer {
 public:
  using Handler = std::function<std::string(const std::string& body)>;

  explicit LoopbackServer(Handler handler, SSL_CTX* tls = nullptr)
      : handler_(std::move(handler)), tls_(tls) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listen_fd_, 8) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot start the loopback server";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) close(listen_fd_);
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::string Url(const std::string& path = "/tsa") const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
  }
  int requests() const { return requests_; }
  std::string last_headers() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_headers_;
  }

 private:
  void Run() {
    while (!stop_) {
      pollfd pfd{listen_fd_, POLLIN, 0};
      if (poll(&pfd, 1, 50) <= 0) continue;
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      timeval tv{5, 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      Serve(fd);
      close(fd);
    }
  }

  void Serve(int fd) {
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(nullptr, SSL_free);
    if (tls_) {
      ssl.reset(SSL_new(tls_));
      SSL_set_fd(ssl.get(), fd);
      if (SSL_accept(ssl.get()) != 1) return;  // e.g. the client refused our certificate
    }
    auto read_some = [&](char* buf, int n) {
      return ssl ? SSL_read(ssl.get(), buf, n) : static_cast<int>(read(fd, buf, n));
    };
    auto write_all = [&](const std::string& s) {
      std::size_t off = 0;
      while (off < s.size()) {
        int n = ssl ? SSL_write(ssl.get(), s.data() + off, static_cast<int>(s.size() - off))
                    : static_cast<int>(send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL));
        if (n <= 0) return;
        off += static_cast<std::size_t>(n);
      }
    };
    std::string data;
    char buf[4096];
    std::size_t header_end;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
      int n = read_some(buf, sizeof buf);
      if (n <= 0) return;
      data.append(buf, static_cast<std::size_t>(n));
    }
    std::string headers = data.substr(0, header_end + 4);
    std::size_t content_length = 0;
    std::string lower = Lower(headers);
    if (auto pos = lower.find("\r\ncontent-length:"); pos != std::string::npos) {
      content_length = std::strtoul(lower.c_str() + pos + 17, nullptr, 10);
    }
    std::string body = data.substr(header_end + 4);
    while (body.size() < content_length) {
      int n = read_some(buf, sizeof buf);
      if (n <= 0) return;
      body.append(buf, static_cast<std::size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_headers_ = headers;
    }
    ++requests_;
    std::string answer = handler_(body);
    if (answer.empty()) {
      while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return;
    }
    write_all(answer);
    if (ssl) SSL_shutdown(ssl.get());
  }

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

// Answers each query with `openssl ts -reply` using the given [tsa] section; keeps the queries.
LoopbackServer::Handler TsaHandler(const TestPki& pki, const std::string& section,
                                   std::vector<std::string>* replies = nullptr) {
  auto counter = std::make_shared<std::atomic<int>>(0);
  return [&pki, section, counter, replies](const std::string& query) {
    int n = ++*counter;
    std::string q = pki.path("query" + std::to_string(n) + ".tsq");
    std::string r = pki.path("reply" + std::to_string(n) + ".tsr");
    WriteFile(q, query);
    CommandResult res = pki.OpenSsl(
        {"ts", "-reply", "-config", pki.cnf(), "-section", section, "-queryfile", q, "-out", r});
    if (res.exit_code != 0) {
      ADD_FAILURE() << "openssl ts -reply failed: " << res.err;
      return HttpResponse("500 Internal Server Error", "text/plain", "openssl failed\n");
    }
    std::string der = ReadFile(r);
    if (replies) replies->push_back(der);
    return HttpResponse("200 OK", "application/timestamp-reply", der);
  };
}

class TimestampTest : public ::testing::Test {
 protected:
  TestPki pki_;
  Digest256 digest_ = Sha256Of("custody log head: entry 42");
};

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

TEST_F(TimestampTest, RequestAndVerify) {
  LoopbackServer server(TsaHandler(pki_, "tsa_full"));
  Result<TimestampToken> token = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_TRUE(token.ok()) << token.status().message();
  EXPECT_EQ(server.requests(), 1);

  EXPECT_EQ(token->digest_hex, ToHex(digest_));
  EXPECT_EQ(token->policy_oid, kPolicy);
  EXPECT_EQ(token->tsa_name, "O=Sightline Tests,CN=Sightline Test TSA");
  EXPECT_FALSE(token->serial_hex.empty());
  std::optional<double> gen = ParseRfc3339(token->gen_time);
  ASSERT_TRUE(gen.has_value()) << token->gen_time;
  EXPECT_NEAR(*gen, static_cast<double>(std::time(nullptr)), 60.0) << token->gen_time;
  // The signer first, then the root the TSA sent (certs = root.crt).
  EXPECT_EQ(CountOf(token->chain_pem, "-----BEGIN CERTIFICATE-----"), 2);
  EXPECT_EQ(token->chain_pem.rfind(pki_.pem("tsa"), 0), 0u);
  EXPECT_NE(token->chain_pem.find(pki_.pem("root")), std::string::npos);

  TimestampCheck check = VerifyTimestamp(*token, digest_);
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_EQ(check.gen_time, token->gen_time);
  EXPECT_EQ(check.tsa_name, token->tsa_name);
  EXPECT_EQ(check.root_subject, "O=Sightline Tests,CN=Sightline Test Root");
  CommandResult fp =
      pki_.OpenSsl({"x509", "-in", pki_.path("root.crt"), "-noout", "-fingerprint", "-sha256"});
  std::string want = fp.out.substr(fp.out.find('=') + 1);
  std::erase(want, ':');
  std::erase(want, '\n');
  EXPECT_EQ(check.root_sha256, Lower(want));
}

TEST_F(TimestampTest, RequestIsWellFormed) {
  std::vector<std::string> replies;
  LoopbackServer server(TsaHandler(pki_, "tsa_full", &replies));
  ASSERT_TRUE(RequestTimestamp(server.Url("/tsr?x=1"), digest_, 10).ok());
  std::string headers = server.last_headers();
  EXPECT_EQ(headers.rfind("POST /tsr?x=1 HTTP/1.", 0), 0u) << headers;
  EXPECT_NE(Lower(headers).find("content-type: application/timestamp-query"), std::string::npos)
      << headers;
  CommandResult text = pki_.OpenSsl({"ts", "-query", "-in", pki_.path("query1.tsq"), "-text"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Hash Algorithm: sha256"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Certificate required: yes"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("Nonce: unspecified"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Nonce: 0x"), std::string::npos) << text.out;

  // Two requests carry different nonces.
  ASSERT_TRUE(RequestTimestamp(server.Url(), digest_, 10).ok());
  CommandResult text2 = pki_.OpenSsl({"ts", "-query", "-in", pki_.path("query2.tsq"), "-text"});
  auto nonce_of = [](const std::string& t) {
    std::size_t p = t.find("Nonce: ");
    return t.substr(p, t.find('\n', p) - p);
  };
  EXPECT_NE(nonce_of(text.out), nonce_of(text2.out));
}

// What doc/timestamps.md tells a third party to run.
TEST_F(TimestampTest, OpensslCommandVerifiesStoredToken) {
  LoopbackServer server(TsaHandler(pki_, "tsa_full"));
  Result<TimestampToken> token = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_TRUE(token.ok()) << token.status().message();
  WriteFile(pki_.path("token.tsr"), token->response_der);
  WriteFile(pki_.path("chain.pem"), token->chain_pem);
  CommandResult ok =
      pki_.OpenSsl({"ts", "-verify", "-digest", token->digest_hex, "-in", pki_.path("token.tsr"),
                    "-CAfile", pki_.path("root.crt"), "-untrusted", pki_.path("chain.pem")});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("Verification: OK"), std::string::npos) << ok.out;
  std::optional<double> gen = ParseRfc3339(token->gen_time);
  ASSERT_TRUE(gen.has_value());
  CommandResult at =
      pki_.OpenSsl({"ts", "-verify", "-digest", token->digest_hex, "-in", pki_.path("token.tsr"),
                    "-CAfile", pki_.path("root.crt"), "-untrusted", pki_.path("chain.pem"),
                    "-attime", std::to_string(static_cast<long long>(*gen))});
  EXPECT_EQ(at.exit_code, 0) << at.out << at.err;
  CommandResult text = pki_.OpenSsl({"ts", "-reply", "-in", pki_.path("token.tsr"), "-text"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(std::string("Policy OID: ") + kPolicy), std::string::npos) << text.out;
  CommandResult bad = pki_.OpenSsl({"ts", "-verify", "-digest", Sha256Hex("something else"), "-in",
                                    pki_.path("token.tsr"), "-CAfile", pki_.path("root.crt"),
                                    "-untrusted", pki_.path("chain.pem")});
  EXPECT_NE(bad.exit_code, 0) << bad.out;
}

TEST_F(TimestampTest, OtherDigestFails) {
  LoopbackServer server(TsaHandler(pki_, "tsa_full"));
  Result<TimestampToken> token = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_TRUE(token.ok()) << token.status().message();
  Digest256 other = Sha256Of("custody log head: entry 43");
  TimestampCheck check = VerifyTimestamp(*token, other);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.problem.find("covers digest " + ToHex(digest_) + ", not " + ToHex(other)),
            std::string::npos)
      << check.problem;
}

TEST_F(TimestampTest, TamperedTokenFails) {
  LoopbackServer server(TsaHandler(pki_, "tsa_full"));
  Result<TimestampToken> token = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_TRUE(token.ok()) << token.status().message();
  ASSERT_TRUE(VerifyTimestamp(*token, digest_).ok);

  // genTime: the first GeneralizedTime (tag 0x18, 15 bytes "YYYYMMDDhhmmssZ") in the TSTInfo.
  std::size_t pos = token->response_der.find(std::string("\x18\x0f", 2));
  ASSERT_NE(pos, std::string::npos);
  TimestampToken earlier = *token;
  earlier.gen_time.clear();  // the readable copy is checked separately below
  ASSERT_EQ(earlier.response_der[pos + 2], '2');
  earlier.response_der[pos + 2] = '1';  // a thousand years earlier, same length and format
  TimestampCheck check = VerifyTimestamp(earlier, digest_);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.problem.find("does not verify"), std::string::npos) << check.problem;
  EXPECT_EQ(check.gen_time.rfind("1", 0), 0u) << check.gen_time;

  // The last byte belongs to the signature value.
  TimestampToken bad_sig = *token;
  bad_sig.response_der.back() = static_cast<char>(bad_sig.response_der.back() ^ 0x01);
  check = VerifyTimestamp(bad_sig, digest_);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.problem.find("does not verify"), std::string::npos) << check.problem;

  // A truncated token does not parse.
  TimestampToken cut = *token;
  cut.response_der.resize(cut.response_der.size() / 2);
  check = VerifyTimestamp(cut, digest_);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.problem.find("not a DER"), std::string::npos) << check.problem;

  // The readable copy must agree with the token.
  TimestampToken edited = *token;
  edited.gen_time = "2020-01-01T00:00:00Z";
  check = VerifyTimestamp(edited, digest_);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.problem.find("gen_time"), std::string::npos) << check.problem;
}

TEST_F(TimestampTest, TrustedCaChoosesTheRoot) {
  LoopbackServer server(TsaHandler(pki_, "tsa_full"));
  Result<TimestampToken> token = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_TRUE(token.ok()) << token.status().message();

  TimestampCheck unrelated = VerifyTimestamp(*token, digest_, pki_.pem("other_root"));
  EXPECT_FALSE(unrelated.ok);
  EXPECT_NE(unrelated.problem.find("self-signed certificate in certificate chain (the chain ends "
                                   "at \"O=Sightline Tests,CN=Sightline Test Root\")"),
            std::string::npos)
      << unrelated.problem;
  EXPECT_TRUE(unrelated.root_subject.empty());

  TimestampCheck right = VerifyTimestamp(*token, digest_, pki_.pem("root"));
  EXPECT_TRUE(right.ok) << right.problem;
  EXPECT_EQ(right.root_subject, "O=Sightline Tests,CN=Sightline Test Root");

  TimestampCheck not_pem = VerifyTimestamp(*token, digest_, "not a certificate");
  EXPECT_FALSE(not_pem.ok);
  EXPECT_NE(not_pem.problem.find("trusted CA"), std::string::npos) << not_pem.problem;
}

TEST_F(TimestampTest, BareTokenVerifies) {
  LoopbackServer server(TsaHandler(pki_, "tsa_full"));
  Result<TimestampToken> token = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_TRUE(token.ok()) << token.status().message();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(token->response_der.data());
  std::unique_ptr<TS_RESP, decltype(&TS_RESP_free)> resp(
      d2i_TS_RESP(nullptr, &p, static_cast<long>(token->response_der.size())), TS_RESP_free);
  ASSERT_TRUE(resp);
  unsigned char* der = nullptr;
  int len = i2d_PKCS7(TS_RESP_get_token(resp.get()), &der);
  ASSERT_GT(len, 0);
  TimestampToken bare = *token;
  bare.response_der.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  TimestampCheck check = VerifyTimestamp(bare, digest_);
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_EQ(check.gen_time, token->gen_time);
}

TEST_F(TimestampTest, TsaWithoutRootNeedsTheChain) {
  LoopbackServer server(TsaHandler(pki_, "tsa_leaf_only"));
  Result<TimestampToken> token = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(token.status().message().find("without the TSA's root certificate"), std::string::npos)
      << token.status().message();
  EXPECT_NE(token.status().message().find(server.Url()), std::string::npos);

  Result<TimestampToken> with_chain = RequestTimestamp(server.Url(), digest_, 10, pki_.pem("root"));
  ASSERT_TRUE(with_chain.ok()) << with_chain.status().message();
  EXPECT_EQ(CountOf(with_chain->chain_pem, "-----BEGIN CERTIFICATE-----"), 2);
  TimestampCheck check = VerifyTimestamp(*with_chain, digest_);
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_EQ(check.root_subject, "O=Sightline Tests,CN=Sightline Test Root");

  // Without the root in the stored chain, only an explicit trusted CA will do.
  TimestampToken leaf_only = *with_chain;
  leaf_only.chain_pem = pki_.pem("tsa");
  check = VerifyTimestamp(leaf_only, digest_);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.problem.find("no self-signed root"), std::string::npos) << check.problem;
  EXPECT_TRUE(VerifyTimestamp(leaf_only, digest_, pki_.pem("root")).ok);
  check = VerifyTimestamp(leaf_only, digest_, pki_.pem("other_root"));
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.problem.find("unable to get local issuer certificate"), std::string::npos)
      << check.problem;
}

TEST_F(TimestampTest, TsaRefusal) {
  LoopbackServer server(TsaHandler(pki_, "tsa_sha1_only"));
  Result<TimestampToken> token = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), StatusCode::kUnsupported);
  const std::string& m = token.status().message();
  EXPECT_NE(m.find("TSA at " + server.Url() + " refused: status rejection, failInfo badAlg"),
            std::string::npos)
      << m;
}

TEST_F(TimestampTest, ReplayedAnswerIsRejected) {
  std::vector<std::string> replies;
  auto tsa = TsaHandler(pki_, "tsa_full", &replies);
  LoopbackServer server([&](const std::string& body) {
    std::string fresh = tsa(body);
    if (replies.size() < 2) return fresh;
    return HttpResponse("200 OK", "application/timestamp-reply", replies[0]);
  });
  ASSERT_TRUE(RequestTimestamp(server.Url(), digest_, 10).ok());
  Result<TimestampToken> replayed = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_FALSE(replayed.ok());
  EXPECT_NE(replayed.status().message().find("not the nonce sent"), std::string::npos)
      << replayed.status().message();
  // An answer for another digest is rejected too.
  Result<TimestampToken> other = RequestTimestamp(server.Url(), Sha256Of("other"), 10);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("covers digest " + ToHex(digest_)), std::string::npos)
      << other.status().message();
}

TEST(TimestampNetworkTest, UnreachableUrlFailsQuickly) {
  // A bound socket that does not listen: connections to it are refused.
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/tsa";

  auto start = std::chrono::steady_clock::now();
  Result<TimestampToken> token = RequestTimestamp(url, Sha256Of("x"), 10);
  double took = SecondsSince(start);
  close(fd);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), StatusCode::kIoError);
  EXPECT_EQ(token.status().message(), "cannot connect to " + url + ": connection refused");
  EXPECT_LT(took, 2.0);
}

TEST(TimestampNetworkTest, BadArguments) {
  Result<TimestampToken> ftp = RequestTimestamp("ftp://127.0.0.1/tsa", Sha256Of("x"), 10);
  ASSERT_FALSE(ftp.ok());
  EXPECT_EQ(ftp.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ftp.status().message().find("ftp://127.0.0.1/tsa"), std::string::npos);
  Result<TimestampToken> no_time = RequestTimestamp("http://127.0.0.1:1/", Sha256Of("x"), 0);
  ASSERT_FALSE(no_time.ok());
  EXPECT_EQ(no_time.status().code(), StatusCode::kInvalidArgument);
}

TEST(TimestampNetworkTest, HttpErrorStatus) {
  LoopbackServer server([](const std::string&) {
    return HttpResponse("500 Internal Server Error", "text/html", "<h1>oops</h1>");
  });
  Result<TimestampToken> token = RequestTimestamp(server.Url(), Sha256Of("x"), 10);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().message(),
            "TSA at " + server.Url() + " answered HTTP 500 (Internal Server Error)");
}

TEST(TimestampNetworkTest, NotHttp) {
  LoopbackServer server([](const std::string&) { return std::string("SSH-2.0-OpenSSH\r\n\r\n"); });
  Result<TimestampToken> token = RequestTimestamp(server.Url(), Sha256Of("x"), 10);
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.status().message().find("TSA at " + server.Url() + " did not answer with HTTP"),
            std::string::npos)
      << token.status().message();
}

TEST(TimestampNetworkTest, GarbageBody) {
  LoopbackServer server([](const std::string&) {
    return HttpResponse("200 OK", "text/html", "<html>Welcome</html>");
  });
  Result<TimestampToken> token = RequestTimestamp(server.Url(), Sha256Of("x"), 10);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(token.status().message().find("body is not a DER TimeStampResp"), std::string::npos)
      << token.status().message();
}

TEST(TimestampNetworkTest, DerThatIsNotATimeStampResp) {
  // A well-formed DER SEQUENCE { INTEGER 5 }.
  LoopbackServer server([](const std::string&) {
    return HttpResponse("200 OK", "application/timestamp-reply",
                        std::string("\x30\x03\x02\x01\x05", 5));
  });
  Result<TimestampToken> token = RequestTimestamp(server.Url(), Sha256Of("x"), 10);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().message(),
            "the answer from TSA at " + server.Url() + " is not a DER TimeStampResp (5 bytes)");
}

TEST(TimestampNetworkTest, OversizedAnswer) {
  LoopbackServer server([](const std::string&) {
    std::string body = std::string("\x30\x83\x20\x00\x00", 5) + std::string(4096, 'x');
    return "HTTP/1.0 200 OK\r\nContent-Type: application/timestamp-reply\r\n\r\n" + body;
  });
  Result<TimestampToken> token = RequestTimestamp(server.Url(), Sha256Of("x"), 10);
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.status().message().find("larger than 1 MiB"), std::string::npos)
      << token.status().message();
}

TEST(TimestampNetworkTest, SilentServerTimesOut) {
  LoopbackServer server([](const std::string&) { return std::string(); });
  auto start = std::chrono::steady_clock::now();
  Result<TimestampToken> token = RequestTimestamp(server.Url(), Sha256Of("x"), 1);
  double took = SecondsSince(start);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().message(), "no answer from TSA at " + server.Url() + " within 1 s");
  EXPECT_LT(took, 4.0);
  EXPECT_EQ(server.requests(), 1);
}

// HTTPS, with the test root made trusted through SSL_CERT_FILE (OpenSSL's default paths).
class TimestampHttpsTest : public TimestampTest {
 protected:
  void SetUp() override {
    tls_.reset(SSL_CTX_new(TLS_server_method()));
    ASSERT_TRUE(tls_);
    ASSERT_EQ(
        SSL_CTX_use_certificate_file(tls_.get(), pki_.path("server.crt").c_str(), SSL_FILETYPE_PEM),
        1);
    ASSERT_EQ(
        SSL_CTX_use_PrivateKey_file(tls_.get(), pki_.path("server.key").c_str(), SSL_FILETYPE_PEM),
        1);
    const char* old = std::getenv("SSL_CERT_FILE");
    if (old) saved_cert_file_ = old;
  }
  void TearDown() override {
    if (saved_cert_file_) {
      setenv("SSL_CERT_FILE", saved_cert_file_->c_str(), 1);
    } else {
      unsetenv("SSL_CERT_FILE");
    }
  }
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> tls_{nullptr, SSL_CTX_free};
  std::optional<std::string> saved_cert_file_;
};

TEST_F(TimestampHttpsTest, TrustedServer) {
  setenv("SSL_CERT_FILE", pki_.path("root.crt").c_str(), 1);
  LoopbackServer server(TsaHandler(pki_, "tsa_full"), tls_.get());
  ASSERT_EQ(server.Url().rfind("https://", 0), 0u);
  Result<TimestampToken> token = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_TRUE(token.ok()) << token.status().message();
  EXPECT_TRUE(VerifyTimestamp(*token, digest_).ok);
}

TEST_F(TimestampHttpsTest, UntrustedServer) {
  setenv("SSL_CERT_FILE", pki_.path("other_root.crt").c_str(), 1);
  LoopbackServer server(TsaHandler(pki_, "tsa_full"), tls_.get());
  Result<TimestampToken> token = RequestTimestamp(server.Url(), digest_, 10);
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.status().message().find("TLS certificate of " + server.Url() + " is not trusted"),
            std::string::npos)
      << token.status().message();
  EXPECT_EQ(server.requests(), 0);
}

}  // namespace
}  // namespace sightline::evidence

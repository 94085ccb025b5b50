#include "local_tsa.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <memory>

namespace sightline::testing {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void Check(const CommandResult& r, const std::string& what) {
  if (r.exit_code != 0) ADD_FAILURE() << what << " failed: " << r.err;
}

}  // namespace

TestPki::TestPki() {
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

std::string TestPki::pem(const std::string& name) const { return ReadFile(path(name + ".crt")); }

CommandResult TestPki::OpenSsl(std::vector<std::string> args) const {
  args.insert(args.begin(), "openssl");
  return RunProgram(args, {"OPENSSL_CONF=" + cnf_});
}

void TestPki::MakeRoot(const std::string& name, const std::string& subject) {
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

void TestPki::MakeLeaf(const std::string& name, const std::string& subject,
                       const std::string& ext) {
  Check(OpenSsl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-nodes", "-keyout", path(name + ".key"), "-out", path(name + ".csr"), "-subj",
                 subject, "-config", cnf_}),
        "making the " + name + " request");
  Check(OpenSsl({"x509", "-req", "-in", path(name + ".csr"), "-CA", path("root.crt"), "-CAkey",
                 path("root.key"), "-set_serial", std::to_string(++serial_), "-days", "2", "-out",
                 path(name + ".crt"), "-extfile", cnf_, "-extensions", ext}),
        "signing " + name);
}

std::string HttpResponse(const std::string& status, const std::string& content_type,
                         const std::string& body) {
  return "HTTP/1.0 " + status + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         body;
}

LoopbackServer::LoopbackServer(Handler handler, SSL_CTX* tls)
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

LoopbackServer::~LoopbackServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

std::string LoopbackServer::Url(const std::string& path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
}

std::string LoopbackServer::last_headers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_headers_;
}

void LoopbackServer::Run() {
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

void LoopbackServer::Serve(int fd) {
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

LoopbackServer::Handler TsaHandler(const TestPki& pki, const std::string& section,
                                   std::vector<std::string>* replies) {
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

ClosedPort::ClosedPort() {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "cannot reserve a loopback port";
    return;
  }
  port_ = ntohs(addr.sin_port);
}

ClosedPort::~ClosedPort() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace sightline::testing

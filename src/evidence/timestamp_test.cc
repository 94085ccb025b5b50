// Tests for RFC 3161 timestamps against a time-stamping authority built at test time with the
// `openssl` command (root CA, TSA certificate, `openssl ts -reply`) and served over HTTP (and
// HTTPS) by a loopback server thread in this process (tests/local_tsa.h). No internet needed.
#include "evidence/timestamp.h"

#include <gtest/gtest.h>

#include <openssl/pkcs7.h>
#include <openssl/ssl.h>
#include <openssl/ts.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "base/time.h"
#include "local_tsa.h"
#include "test_util.h"

namespace sightline::evidence {
namespace {

using sightline::testing::ClosedPort;
using sightline::testing::CommandResult;
using sightline::testing::HttpResponse;
using sightline::testing::LoopbackServer;
using sightline::testing::TestPki;
using sightline::testing::TsaHandler;
using sightline::testing::WriteFile;

constexpr const char* kPolicy = sightline::testing::kTestTsaPolicy;

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
  ClosedPort closed;  // a bound socket that does not listen: connections to it are refused
  ASSERT_GT(closed.port(), 0);
  std::string url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/tsa";

  auto start = std::chrono::steady_clock::now();
  Result<TimestampToken> token = RequestTimestamp(url, Sha256Of("x"), 10);
  double took = SecondsSince(start);
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

// `sightline user` and `sightline serve` as a person runs them: accounts made from the command
// line, the server started on an ephemeral port (the `listening http://HOST:PORT/` line), the
// "front-end not built" page, and a clean stop on SIGTERM.
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeTestVideo;
using testing::RunSightline;
using testing::ScratchDir;
using testing::WriteFile;

// `sightline ARGS…` in the background, with the first line of its stdout.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(SIGHTLINE_BIN));
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(SIGHTLINE_BIN, argv.data());
      _exit(127);
    }
    close(out[1]);
    out_ = out[0];
  }
  ~Child() {
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }
  std::string FirstLine() {
    std::string line;
    char ch;
    while (read(out_, &ch, 1) == 1 && ch != '\n') line += ch;
    return line;
  }
  // SIGTERM, then the exit status (-1 when it did not exit normally).
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool waited_ = false;
};

TEST(CliServe, UserAccountsAndAServerOnAnEphemeralPort) {
  ScratchDir dir;
  const std::vector<std::string> env = {"SIGHTLINE_KEY_DIR=" + dir / "keys",
                                        "SIGHTLINE_ACTOR=desk@test"};
  MakeTestVideo(dir / "a.mp4", 1.0);
  auto ingest = RunSightline({"ingest", "--case", dir / "case", dir / "a.mp4"}, env);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  WriteFile(dir / "pw", "a-long-password\n");
  auto add = RunSightline({"user", "add", "--case", dir / "case", "--role", "editor",
                           "--password-file", dir / "pw", "maria"},
                          env);
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto dup = RunSightline({"user", "add", "--case", dir / "case", "--role", "editor",
                           "--password-file", dir / "pw", "maria"},
                          env);
  EXPECT_EQ(dup.exit_code, 1);
  auto bad_role = RunSightline({"user", "add", "--case", dir / "case", "--role", "boss", "x"}, env);
  EXPECT_EQ(bad_role.exit_code, 2);
  WriteFile(dir / "short", "short\n");
  auto weak = RunSightline({"user", "add", "--case", dir / "case", "--role", "viewer",
                            "--password-file", dir / "short", "weak"},
                           env);
  EXPECT_EQ(weak.exit_code, 2) << weak.err;
  auto list = RunSightline({"user", "list", "--case", dir / "case", "--json"}, env);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto users = nlohmann::json::parse(list.out)["users"];
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0]["user"], "maria");
  EXPECT_EQ(users[0]["role"], "editor");
  // The accounts are not in the case's catalogue: the case still verifies.
  auto verify = RunSightline({"verify", "--case", dir / "case"}, env);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  auto remote = RunSightline({"serve", "--case", dir / "case", "--listen", "0.0.0.0:0"}, env);
  EXPECT_EQ(remote.exit_code, 2);  // not without --allow-remote
  EXPECT_NE(remote.err.find("--allow-remote"), std::string::npos);

  Child serve({"serve", "--case", dir / "case", "--listen", "127.0.0.1:0", "--web", dir / "no-web"},
              env);
  const std::string line = serve.FirstLine();
  const std::string prefix = "listening http://127.0.0.1:";
  ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
  const int port = std::stoi(line.substr(prefix.size()));
  ASSERT_GT(port, 0);
  httplib::Client cli("127.0.0.1", port);
  auto page = cli.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("not built"), std::string::npos);
  auto anonymous = cli.Post("/api/items", "{}", "application/json");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto login = cli.Post("/api/login", R"({"user":"maria","password":"a-long-password"})",
                        "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 200);
  const std::string cookie = login->get_header_value("Set-Cookie");
  auto items = cli.Get("/api/items", {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  ASSERT_TRUE(items);
  EXPECT_EQ(nlohmann::json::parse(items->body)["items"].size(), 1u);
  EXPECT_EQ(serve.Stop(), 0);

  auto removed = RunSightline({"user", "remove", "--case", dir / "case", "maria"}, env);
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  auto again = RunSightline({"user", "remove", "--case", dir / "case", "maria"}, env);
  EXPECT_EQ(again.exit_code, 1);
}

}  // namespace
}  // namespace sightline

// Crash safety: an ingest killed with SIGKILL at any moment leaves a case that verify accepts, a
// re-run completes it, and every file is present exactly once. Two concurrent ingests into one
// case do not corrupt it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "base/sha256.h"
#include "test_util.h"

extern char** environ;

namespace sightline {
namespace {

using testing::RunSightline;
using testing::ScratchDir;

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=tester"};
    input_ = dir_ / "input";
    mkdir(input_.c_str(), 0755);
    std::mt19937_64 rng(42);
    for (int i = 0; i < kFiles; ++i) {
      std::string bytes(256 * 1024 + i * 4096, '\0');
      for (auto& b : bytes) b = static_cast<char>(rng());
      std::string path = input_ + "/clip" + std::to_string(i) + ".bin";
      testing::WriteFile(path, bytes);
      expected_.insert(Sha256Hex(bytes));
    }
  }

  pid_t StartIngest(const std::string& case_dir, const std::string& from) {
    std::vector<std::string> args{SIGHTLINE_BIN, "ingest", "--case", case_dir, from};
    std::vector<std::string> envs;
    for (char** e = environ; *e; ++e) envs.emplace_back(*e);
    envs.insert(envs.end(), env_.begin(), env_.end());
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()), 0);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
  }

  std::multiset<std::string> CatalogueHashes(const std::string& case_dir) {
    auto r = RunSightline({"list", "--case", case_dir, "--json"}, env_);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    std::multiset<std::string> out;
    if (j.is_discarded()) return out;
    for (const auto& item : j["items"]) out.insert(item["sha256"].get<std::string>());
    return out;
  }

  static constexpr int kFiles = 24;
  ScratchDir dir_;
  std::vector<std::string> env_;
  std::string input_;
  std::set<std::string> expected_;
};

TEST_F(CrashTest, KilledIngestLeavesAVerifiableCaseAndRerunCompletes) {
  // How long a whole ingest takes here, to spread the kills over it.
  auto t0 = std::chrono::steady_clock::now();
  auto full = RunSightline({"ingest", "--case", dir_ / "timing", input_}, env_);
  ASSERT_NE(full.exit_code, 2) << full.err;
  auto full_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();

  std::string case_dir = dir_ / "case";
  std::mt19937 rng(7);
  const int kRuns = 6;
  for (int run = 0; run < kRuns; ++run) {
    pid_t pid = StartIngest(case_dir, input_);
    // A failed spawn leaves pid at -1, and kill(-1, …) would signal every process we may signal.
    ASSERT_GT(pid, 0) << "could not start sightline ingest";
    std::uniform_int_distribution<long> when(1, std::max<long>(2, full_ms));
    std::this_thread::sleep_for(std::chrono::milliseconds(when(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (access((case_dir + "/case.db").c_str(), F_OK) != 0)
      continue;  // killed before the case was created
    auto v = RunSightline({"verify", "--case", case_dir}, env_);
    EXPECT_EQ(v.exit_code, 0) << "after kill in run " << run << ":\n" << v.out << v.err;
    std::multiset<std::string> hashes = CatalogueHashes(case_dir);
    for (const auto& h : hashes) EXPECT_EQ(hashes.count(h), 1u) << "stored twice: " << h;
  }
  auto rerun = RunSightline({"ingest", "--case", case_dir, input_}, env_);
  EXPECT_NE(rerun.exit_code, 2) << rerun.err;
  std::multiset<std::string> hashes = CatalogueHashes(case_dir);
  EXPECT_EQ(std::set<std::string>(hashes.begin(), hashes.end()), expected_);
  EXPECT_EQ(hashes.size(), expected_.size());
  auto v = RunSightline({"verify", "--case", case_dir, "--json"}, env_);
  EXPECT_EQ(v.exit_code, 0) << v.out;
  auto notes = nlohmann::json::parse(v.out, nullptr, false);
  ASSERT_FALSE(notes.is_discarded());
  EXPECT_TRUE(notes["notes"].empty()) << v.out;  // nothing left pending
  auto staging = testing::RunProgram({"sh", "-c", "ls -A \"$0\" | wc -l", case_dir + "/staging"});
  EXPECT_EQ(staging.out, "0\n") << "leftover temp files were not cleaned";
}

TEST_F(CrashTest, TwoConcurrentIngestsDoNotCorruptTheCase) {
  std::string case_dir = dir_ / "case";
  // Create the case first so both processes race on ingest, then ingest the same inputs twice
  // at once: every content must end up stored exactly once.
  testing::WriteFile(dir_ / "seed.bin", "seed");
  RunSightline({"ingest", "--case", case_dir, dir_ / "seed.bin"}, env_);
  pid_t a = StartIngest(case_dir, input_);
  pid_t b = StartIngest(case_dir, input_);
  int sa = 0, sb = 0;
  waitpid(a, &sa, 0);
  waitpid(b, &sb, 0);
  EXPECT_TRUE(WIFEXITED(sa) && WEXITSTATUS(sa) != 2);
  EXPECT_TRUE(WIFEXITED(sb) && WEXITSTATUS(sb) != 2);
  auto v = RunSightline({"verify", "--case", case_dir}, env_);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  std::multiset<std::string> hashes = CatalogueHashes(case_dir);
  EXPECT_EQ(hashes.size(), expected_.size() + 1);
  for (const auto& h : expected_) EXPECT_EQ(hashes.count(h), 1u);
}

}  // namespace
}  // namespace sightline

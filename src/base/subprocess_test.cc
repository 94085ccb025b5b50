#include "base/subprocess.h"

#include <gtest/gtest.h>

#include <chrono>

#include "base/file.h"
#include "test_util.h"

namespace sightline {
namespace {

TEST(RunChild, ExitStatusAndLog) {
  testing::ScratchDir dir;
  ChildOptions options;
  options.log_path = dir / "log";
  auto r = RunChild({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 3);
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(testing::ReadFile(dir / "log"), "out\nerr\n");
  options.append_log = true;
  ASSERT_TRUE(RunChild({"/bin/sh", "-c", "echo more"}, options).ok());
  EXPECT_EQ(testing::ReadFile(dir / "log"), "out\nerr\nmore\n");
  options.env = {"ONLY=this"};
  ASSERT_TRUE(RunChild({"/bin/sh", "-c", "echo \"$ONLY ${HOME:-no-home}\""}, options).ok());
  EXPECT_EQ(testing::ReadFile(dir / "log"), "out\nerr\nmore\nthis no-home\n");
}

// A time limit ends the child and what it started (a grandchild holding the log open would
// otherwise outlive it).
TEST(RunChild, TimeLimitKillsTheGroup) {
  testing::ScratchDir dir;
  ChildOptions options;
  options.log_path = dir / "log";
  options.timeout_s = 0.3;
  const auto start = std::chrono::steady_clock::now();
  auto r = RunChild({"/bin/sh", "-c", "sleep 30 & sleep 30"}, options);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->status, -1);
  EXPECT_LT(took, 10);
}

TEST(RunChild, MissingProgramIsAnError) {
  testing::ScratchDir dir;
  ChildOptions options;
  options.log_path = dir / "log";
  auto r = RunChild({"/nonexistent/program"}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/program"), std::string::npos);
}

}  // namespace
}  // namespace sightline

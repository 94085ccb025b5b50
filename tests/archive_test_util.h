// Fixtures for the archive's end-to-end tests: generated clips, a case holding them, and
// worker processes started in the background.
#ifndef SIGHTLINE_TESTS_ARCHIVE_TEST_UTIL_H_
#define SIGHTLINE_TESTS_ARCHIVE_TEST_UTIL_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_util.h"

extern char** environ;

namespace sightline::testing {

// `count` clips of 1.5 s, each different (a rule-30 cellular automaton scrolling: chaotic, so
// no two stretches look alike), cut from one ffmpeg run: DIR/seg000.mp4 …; then a re-encoded,
// rescaled copy of each clip in `copies`: DIR/copyNNN.mp4.
inline std::vector<std::string> MakeArchiveClips(const std::string& dir, int count,
                                                 const std::vector<int>& copies) {
  MakeMedia({"-f",
             "lavfi",
             "-i",
             "cellauto=rule=30:s=128x96:rate=8:random_fill_ratio=0.5:random_seed=7:scroll=1",
             "-t",
             std::to_string(count * 1.5),
             "-c:v",
             "libx264",
             "-preset",
             "ultrafast",
             "-g",
             "4",
             "-pix_fmt",
             "yuv420p",
             "-f",
             "segment",
             "-segment_time",
             "1.5",
             "-reset_timestamps",
             "1"},
            dir + "/seg%03d.mp4");
  std::vector<std::string> out;
  char name[32];
  for (int i = 0; i < count; ++i) {
    std::snprintf(name, sizeof name, "/seg%03d.mp4", i);
    out.push_back(dir + name);
  }
  for (int i : copies) {
    std::snprintf(name, sizeof name, "/copy%03d.mp4", i);
    MakeMedia({"-i", out[static_cast<std::size_t>(i)], "-c:v", "libx264", "-crf", "30", "-vf",
               "scale=112:84"},
              dir + name);
    out.push_back(dir + name);
  }
  return out;
}

// A process running `sightline ARGS…` with stdout and stderr to files.
class BackgroundSightline {
 public:
  BackgroundSightline(const std::vector<std::string>& args, const std::string& out_path,
                      const std::string& err_path) {
    std::vector<std::string> argv = {SIGHTLINE_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    if (posix_spawn(&pid_, SIGHTLINE_BIN, &actions, nullptr, raw.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~BackgroundSightline() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  void Kill9() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    reaped_ = true;
  }
  // Waits for the exit and returns the exit code (-1 when killed by a signal).
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

inline nlohmann::json JsonOf(const CommandResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
  return j;
}

}  // namespace sightline::testing

#endif  // SIGHTLINE_TESTS_ARCHIVE_TEST_UTIL_H_

// Running a helper program (yt-dlp, Chromium) as a child process: from an argv (no shell, so no
// quoting of URLs or paths), stdin from /dev/null, stdout and stderr to a log file, in a process
// group of its own, so that a time limit ends it and every process it started.
//
// Thread safety: RunChild may be called from several threads at once (it waits for its own
// child only).
#ifndef SIGHTLINE_BASE_SUBPROCESS_H_
#define SIGHTLINE_BASE_SUBPROCESS_H_

#include <string>
#include <vector>

#include "base/status.h"

namespace sightline {

struct ChildOptions {
  std::vector<std::string> env;  // "K=V" entries, the whole environment; empty: the parent's
  std::string log_path;          // receives stdout and stderr
  bool append_log = false;       // else the log is truncated first
  double timeout_s = 60;         // then the group is killed
};

struct ChildExit {
  int status = -1;  // the exit status; -1 when a signal ended it or it was killed
  int signal = 0;   // the signal that ended it, 0 if none
  bool timed_out = false;
};

// Runs argv[0] (a path: PATH is not searched) and waits for it, at most options.timeout_s.
// Whatever the child left running in its process group is killed after it exits. Fails only
// when the program cannot be started or waited for; its own failure is in ChildExit.
Result<ChildExit> RunChild(const std::vector<std::string>& argv, const ChildOptions& options);

}  // namespace sightline

#endif  // SIGHTLINE_BASE_SUBPROCESS_H_

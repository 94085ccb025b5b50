#include "case/yt_dlp.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "base/file.h"
#include "base/subprocess.h"

namespace sightline::investigation {

namespace {

constexpr char kNotInstalled[] =
    "yt-dlp is not installed; --url needs it to download the post (Debian: apt install yt-dlp, "
    "or set SIGHTLINE_YT_DLP to its path). Without it, download the post with another tool and "
    "ingest the file: its .info.json beside it is kept too";

bool IsExecutable(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Runs `argv` with its output appended to `log`, killed with what it started after `timeout_s`.
Result<ChildExit> RunLogged(const std::vector<std::string>& argv, const std::string& log,
                            int timeout_s) {
  ChildOptions options;
  options.log_path = log;
  options.append_log = true;
  options.timeout_s = timeout_s;
  return RunChild(argv, options);
}

// yt-dlp's last "ERROR:" line (else its last line), without the plea to report a bug.
std::string LastError(const std::string& log_text) {
  std::istringstream in(log_text);
  std::string last, last_error;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    last = line;
    if (line.rfind("ERROR:", 0) == 0) last_error = line.substr(6);
  }
  std::string e = last_error.empty() ? last : last_error;
  for (const char* noise : {"; please report this issue", "; please report"}) {
    std::size_t at = e.find(noise);
    if (at != std::string::npos) e.erase(at);
  }
  while (!e.empty() && e.front() == ' ') e.erase(0, 1);
  return e;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<std::string> FindYtDlp() {
  if (const char* env = std::getenv("SIGHTLINE_YT_DLP"); env != nullptr && *env != '\0') {
    if (IsExecutable(env)) return std::string(env);
    return NotFound(std::string("SIGHTLINE_YT_DLP=") + env + " is not an executable file. " +
                    kNotInstalled);
  }
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const std::string candidate = JoinPath(dir, "yt-dlp");
    if (IsExecutable(candidate)) return candidate;
  }
  return NotFound(kNotInstalled);
}

Result<std::string> YtDlpVersion(const std::string& program) {
  char tmpl[] = "/tmp/sightline-yt-dlp-version-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) return Internal(std::string("mkstemp: ") + std::strerror(errno));
  ::close(fd);
  const std::string log = tmpl;
  Result<ChildExit> run = RunLogged({program, "--ignore-config", "--version"}, log, 60);
  Result<std::string> text = ReadFileToString(log, 1 << 16);
  ::unlink(log.c_str());
  if (!run.ok()) return run.status();
  if (run->status != 0 || !text.ok()) {
    return Internal(program + " --version failed: " + LastError(text.value_or("")));
  }
  std::string v = *text;
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ')) v.pop_back();
  if (std::size_t nl = v.rfind('\n'); nl != std::string::npos) v.erase(0, nl + 1);
  return v;
}

Result<DownloadedPost> DownloadPost(const std::string& program, const std::string& url,
                                    const std::string& dir, int timeout_s) {
  const std::string post_dir = JoinPath(dir, "post");
  SL_RETURN_IF_ERROR(MakeDirs(post_dir, 0700));
  const std::string log = JoinPath(dir, "yt-dlp.log");
  const std::vector<std::string> argv = {
      program,
      "--ignore-config",  // no user or system configuration changes what is fetched or where
      "--no-playlist",
      "--write-info-json",
      "--no-progress",
      "--no-colors",
      "--no-cache-dir",
      "--socket-timeout",
      "60",
      "--output",
      JoinPath(post_dir, "media.%(ext)s"),
      "--",  // a URL that starts with '-' is not an option
      url};
  SL_ASSIGN_OR_RETURN(ChildExit exit, RunLogged(argv, log, timeout_s));
  const std::string output = ReadFileToString(log, 1 << 20).value_or("");
  if (exit.timed_out) {
    return IoError("yt-dlp did not finish within " + std::to_string(timeout_s) +
                   " s and was stopped (--timeout S allows longer)");
  }
  if (exit.status != 0) {
    std::string why = LastError(output);
    return IoError("yt-dlp could not download " + url + ": " +
                   (why.empty() ? "exit status " + std::to_string(exit.status) : why));
  }
  DownloadedPost post;
  std::vector<std::string> names = ListDirectory(post_dir).value_or({});
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string p = JoinPath(post_dir, name);
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (EndsWith(name, ".info.json")) {
      post.info_json = p;
    } else if (!EndsWith(name, ".part") && !EndsWith(name, ".ytdl") && !EndsWith(name, ".temp")) {
      post.media.push_back(p);
    }
  }
  if (post.media.empty()) {
    return NotFound("yt-dlp finished without a media file for " + url +
                    " (a post without video or sound, or one that needs logging in)");
  }
  return post;
}

Status RemoveTree(const std::string& dir) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0)
    return errno == ENOENT ? Status::Ok() : ErrnoStatus(dir, "cannot stat", errno);
  if (S_ISDIR(st.st_mode)) {
    for (const std::string& name : ListDirectory(dir).value_or({})) {
      SL_RETURN_IF_ERROR(RemoveTree(JoinPath(dir, name)));
    }
    if (::rmdir(dir.c_str()) != 0) return ErrnoStatus(dir, "cannot remove", errno);
    return Status::Ok();
  }
  if (::unlink(dir.c_str()) != 0) return ErrnoStatus(dir, "cannot remove", errno);
  return Status::Ok();
}

}  // namespace sightline::investigation

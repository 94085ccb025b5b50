#include "report/chromium.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/file.h"
#include "base/subprocess.h"

extern char** environ;

namespace sightline::report {

namespace {

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string AbsolutePath(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == nullptr) return path;
  return JoinPath(cwd, path);
}

// The last lines of Chromium's log, for an error message (its log is mostly harmless D-Bus noise;
// the reason for a failure is at the end).
std::string LogTail(const std::string& log_path) {
  Result<std::string> log = ReadFileToString(log_path, 1 << 20);
  if (!log.ok() || log->empty()) return "";
  std::string text = *log;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::size_t start = text.size();
  for (int lines = 0; lines < 3 && start > 0; ++lines) {
    const std::size_t nl = text.rfind('\n', start - 1);
    start = nl == std::string::npos ? 0 : nl;
  }
  return "; Chromium's log ends: " + text.substr(start == 0 ? 0 : start + 1);
}

// Runs Chromium with `args` after the offline flags; waits at most options.timeout_s.
Status RunChromium(const std::vector<std::string>& args, const ChromiumOptions& options) {
  if (options.work_dir.empty()) return InvalidArgument("Chromium needs a work directory");
  std::string binary = options.binary;
  if (binary.empty()) {
    SL_ASSIGN_OR_RETURN(binary, FindChromium());
  }
  const std::string profile = JoinPath(options.work_dir, "profile");
  SL_RETURN_IF_ERROR(MakeDirs(profile, 0700));
  const std::string log_path = JoinPath(options.work_dir, "chromium.log");

  std::vector<std::string> argv = {
      binary, "--headless", "--disable-gpu", "--user-data-dir=" + profile,
      // Offline: no name resolves, and every request (loopback too) goes to a proxy on the
      // discard port of this machine, where nothing listens.
      "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
      "--proxy-bypass-list=<-loopback>",
      // No update checks, sync, metrics or first-run pages of Chromium's own.
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-default-apps", "--disable-extensions", "--no-first-run",
      "--no-default-browser-check", "--disable-breakpad",
      // Containers often give /dev/shm a few megabytes; Chromium then crashes rendering a page.
      "--disable-dev-shm-usage"};
  if (geteuid() == 0) argv.push_back("--no-sandbox");
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  argv.insert(argv.end(), args.begin(), args.end());

  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "HOME=", 5) != 0) env.emplace_back(*e);
  }
  env.push_back("HOME=" + options.work_dir);  // Chromium writes ~/.pki and caches there
  ChildOptions child;
  child.env = std::move(env);
  child.log_path = log_path;
  child.timeout_s = options.timeout_s;
  SL_ASSIGN_OR_RETURN(ChildExit exit, RunChild(argv, child));
  if (exit.timed_out) {
    return IoError("Chromium did not finish within " +
                   std::to_string(static_cast<int>(options.timeout_s)) + " s" + LogTail(log_path));
  }
  if (exit.status != 0) {
    return IoError("Chromium failed (" +
                   (exit.signal == 0 ? "exit status " + std::to_string(exit.status)
                                     : "signal " + std::to_string(exit.signal)) +
                   ")" + LogTail(log_path));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> FindChromium() {
  if (const char* set = std::getenv("SIGHTLINE_CHROMIUM"); set != nullptr && *set != '\0') {
    if (IsExecutableFile(set)) return std::string(set);
    return NotFound(std::string("$SIGHTLINE_CHROMIUM is ") + set +
                    ", which is not an executable file");
  }
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::size_t start = 0;
    while (start <= dirs.size()) {
      std::size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      const std::string dir = dirs.substr(start, end - start);
      if (!dir.empty() && IsExecutableFile(JoinPath(dir, name))) return JoinPath(dir, name);
      start = end + 1;
    }
  }
  return NotFound(
      "no Chromium found (chromium, chromium-browser or google-chrome in $PATH): install the "
      "Debian package chromium (scripts/setup-debian.sh does), or set $SIGHTLINE_CHROMIUM to one");
}

std::string FileUrl(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = "file://";
  for (unsigned char ch : AbsolutePath(path)) {
    if (std::isalnum(ch) || std::strchr("/._~-", ch) != nullptr) {
      url += static_cast<char>(ch);
    } else {
      url += '%';
      url += kHex[ch >> 4];
      url += kHex[ch & 15];
    }
  }
  return url;
}

Status PrintPdf(const std::string& html_path, const std::string& pdf_path,
                const ChromiumOptions& options) {
  SL_RETURN_IF_ERROR(RunChromium(
      {"--no-pdf-header-footer", "--print-to-pdf=" + AbsolutePath(pdf_path), FileUrl(html_path)},
      options));
  if (!PathExists(pdf_path)) return IoError("Chromium wrote no PDF at " + pdf_path);
  return Status::Ok();
}

Status Screenshot(const std::string& html_path, const std::string& png_path,
                  const ChromiumOptions& options) {
  SL_RETURN_IF_ERROR(RunChromium({"--hide-scrollbars",
                                  "--window-size=" + std::to_string(options.window_width) + "," +
                                      std::to_string(options.window_height),
                                  "--screenshot=" + AbsolutePath(png_path), FileUrl(html_path)},
                                 options));
  if (!PathExists(png_path)) return IoError("Chromium wrote no screenshot at " + png_path);
  return Status::Ok();
}

}  // namespace sightline::report

#include "test_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace sightline::testing {

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/sightline-test-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) std::abort();
  path_ = buf.data();
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  // Objects are stored read-only; make everything writable so it can be removed.
  for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
  }
  std::filesystem::remove_all(path_, ec);
}

CommandResult RunProgram(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env) {
  CommandResult r;
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return r;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
  posix_spawn_file_actions_addclose(&fa, err_pipe[0]);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  for (const auto& e : env) envs.push_back(e);
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : envs) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    r.err = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
    return r;
  }
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_count = 2;
  char buf[65536];
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

CommandResult RunSightline(const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
  std::vector<std::string> argv{SIGHTLINE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, env);
}

void MakeMedia(const std::vector<std::string>& args, const std::string& output) {
  std::vector<std::string> argv{"ffmpeg", "-nostdin", "-y", "-loglevel", "error"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(output);
  CommandResult r = RunProgram(argv);
  if (r.exit_code != 0) ADD_FAILURE() << "ffmpeg failed making " << output << ": " << r.err;
}

void MakeTestVideo(const std::string& output, double seconds) {
  std::string d = std::to_string(seconds);
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=" + d, "-f", "lavfi",
             "-i", "sine=frequency=440:duration=" + d, "-c:v", "libx264", "-preset", "ultrafast",
             "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"},
            output);
}

std::string JpegWithExif(const std::string& jpeg, const std::string& tiff) {
  std::string app1 = std::string("Exif\0\0", 6) + tiff;
  std::size_t len = app1.size() + 2;
  std::string segment = "\xFF\xE1";
  segment += static_cast<char>(len >> 8);
  segment += static_cast<char>(len & 0xff);
  return jpeg.substr(0, 2) + segment + app1 + jpeg.substr(2);
}

namespace {

std::string Le16(unsigned v) { return {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)}; }
std::string Le32(std::uint32_t v) {
  return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
          static_cast<char>((v >> 16) & 0xff), static_cast<char>(v >> 24)};
}
std::string IfdEntry(unsigned tag, unsigned type, std::uint32_t count, std::uint32_t value) {
  return Le16(tag) + Le16(type) + Le32(count) + Le32(value);
}

}  // namespace

std::vector<std::string> HostileExifBlocks() {
  std::string header = std::string("II") + Le16(42) + Le32(8);
  // IFD0 at 8: a Make with a huge count at an offset past the end, Exif and GPS pointers that
  // point back at IFD0, and a next-IFD link to itself.
  std::string looping = header + Le16(4) + IfdEntry(0x010F, 2, 0x7FFFFFFF, 0xFFFFFF00) +
                        IfdEntry(0x8769, 4, 1, 8) + IfdEntry(0x8825, 4, 1, 8) +
                        IfdEntry(0x0110, 2, 0xFFFFFFFF, 20) + Le32(8);
  std::string huge = header + Le16(0xFFFF) + IfdEntry(0x010F, 2, 4, 0x41414141) + Le32(0);
  std::string past_end = std::string("II") + Le16(42) + Le32(0x7FFFFFF0);
  return {looping, huge, past_end};
}

std::string WithoutPictures(const std::string& text) {
  auto base64 = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
  };
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = at;
    while (end < text.size() && base64(text[end])) ++end;
    if (end - at >= 100) {
      out += "#";
    } else {
      out.append(text, at, std::max<std::size_t>(end - at, 1));
    }
    at = std::max(end, at + 1);
  }
  return out;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace sightline::testing

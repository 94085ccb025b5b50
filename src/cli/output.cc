#include "cli/output.h"

#include <unistd.h>

#include <cstdio>

namespace sightline::cli {

namespace {

template <typename Json>
void Print(const Json& j) {
  // Replace invalid UTF-8 rather than throw: names are already made readable, but a tag read from
  // a hostile file must not abort the output.
  std::string s = j.dump(2, ' ', false, Json::error_handler_t::replace);
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace

void PrintJson(const nlohmann::json& j) { Print(j); }
void PrintOrderedJson(const nlohmann::ordered_json& j) { Print(j); }

std::string HumanSize(std::uint64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  if (u == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  }
  return buf;
}

void Warn(const char* command, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "sightline %s: %s\n", command, message.c_str());
}

ProgressMeter::ProgressMeter(std::string label, std::uint64_t total, std::uint64_t total_files,
                             Unit unit)
    : enabled_(isatty(STDERR_FILENO) == 1),
      label_(std::move(label)),
      total_(static_cast<double>(total)),
      total_files_(total_files),
      unit_(unit),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressMeter::~ProgressMeter() { Clear(); }

void ProgressMeter::Add(double amount) {
  done_ += amount;
  Draw(false);
}

std::string ProgressMeter::Amount(double v) const {
  if (unit_ == Unit::kBytes) return HumanSize(static_cast<std::uint64_t>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", v);
  return buf;
}

void ProgressMeter::FileDone() {
  ++files_;
  Draw(false);
}

void ProgressMeter::SetFiles(std::uint64_t done, std::uint64_t total) {
  files_ = done;
  total_files_ = total;
  Draw(false);
}

void ProgressMeter::Clear() {
  if (enabled_ && drawn_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }
}

void ProgressMeter::Draw(bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? done_ / secs : 0;
  std::string eta = "--:--";
  if (rate > 0 && total_ >= done_) {
    auto left = static_cast<long>((total_ - done_) / rate);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", left / 60, left % 60);
    eta = buf;
  }
  std::string pct =
      total_ > 0 ? std::to_string(static_cast<int>(100.0 * done_ / total_)) + "%" : "";
  const std::string speed = unit_ == Unit::kWork ? "" : "  " + Amount(rate) + "/s";
  std::fprintf(stderr, "\r\033[K%s %4s  %llu/%llu files%s  ETA %s", label_.c_str(), pct.c_str(),
               static_cast<unsigned long long>(files_),
               static_cast<unsigned long long>(total_files_), speed.c_str(), eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace sightline::cli

// Output conventions shared by every command: JSON on stdout for --json, readable text
// otherwise, warnings and progress on stderr (progress only when stderr is a terminal).
#ifndef SIGHTLINE_CLI_OUTPUT_H_
#define SIGHTLINE_CLI_OUTPUT_H_

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace sightline::cli {

// Prints `j` indented, followed by a newline.
void PrintJson(const nlohmann::json& j);
// "1.2 MB", "532 B" (decimal units, as file managers show).
std::string HumanSize(std::uint64_t bytes);
// "sightline CMD: message" on stderr.
void Warn(const char* command, const std::string& message);

// A one-line progress meter with rate and ETA, redrawn at most ten times a second. Silent when
// stderr is not a terminal (scripts and CI see only results).
class ProgressMeter {
 public:
  ProgressMeter(std::string label, std::uint64_t total_bytes, std::uint64_t total_files);
  ~ProgressMeter();
  void AddBytes(std::uint64_t n);
  void FileDone();
  // Clears the line; call before printing results to stderr.
  void Clear();

 private:
  void Draw(bool force);
  bool enabled_;
  std::string label_;
  std::uint64_t total_bytes_, total_files_;
  std::uint64_t bytes_ = 0, files_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_OUTPUT_H_

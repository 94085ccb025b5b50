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
void PrintOrderedJson(const nlohmann::ordered_json& j);  // keeps keys in the order added
// "1.2 MB", "532 B" (decimal units, as file managers show).
std::string HumanSize(std::uint64_t bytes);
// "sightline CMD: message" on stderr.
void Warn(const char* command, const std::string& message);

// A one-line progress meter with rate and ETA, redrawn at most ten times a second. Silent when
// stderr is not a terminal (scripts and CI see only results). Work is counted in bytes, or in
// seconds of media for commands that decode.
class ProgressMeter {
 public:
  // kWork: an estimate in no unit a person reads (analyze's weighted stages): no rate shown.
  enum class Unit { kBytes, kMediaSeconds, kWork };
  ProgressMeter(std::string label, std::uint64_t total, std::uint64_t total_files,
                Unit unit = Unit::kBytes);
  ~ProgressMeter();
  void AddBytes(std::uint64_t n) { Add(static_cast<double>(n)); }
  void Add(double amount);
  void FileDone();
  // For a meter over several phases: what the line names, and the files of the current phase.
  void set_label(std::string label) { label_ = std::move(label); }
  void SetFiles(std::uint64_t done, std::uint64_t total);
  // Clears the line; call before printing results to stderr.
  void Clear();

 private:
  void Draw(bool force);
  std::string Amount(double v) const;
  bool enabled_;
  std::string label_;
  double total_;
  std::uint64_t total_files_;
  Unit unit_;
  double done_ = 0;
  std::uint64_t files_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_OUTPUT_H_

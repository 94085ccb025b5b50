// Command-line parsing shared by every subcommand: GNU-style long options ("--case DIR",
// "--case=DIR"), boolean flags, "--" to end options, and positional arguments.
#ifndef SIGHTLINE_CLI_ARGS_H_
#define SIGHTLINE_CLI_ARGS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::cli {

struct OptionSpec {
  std::set<std::string> flags;   // options without a value, e.g. "json"
  std::set<std::string> values;  // options taking one value, e.g. "case"
  std::set<std::string> multi;   // options taking a value that may repeat
};

class Args {
 public:
  // Parses argv (without the program and command names). Unknown options are usage errors.
  static Result<Args> Parse(const std::vector<std::string>& argv, const OptionSpec& spec);

  bool Has(const std::string& name) const;
  // The value of a value option, or `fallback` when absent.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::set<std::string> flags_;
  std::multimap<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

// Parses a whole decimal number in [lo, hi] (an option's value); false when it is not one.
bool ParseWholeNumber(const std::string& text, long lo, long hi, int* out);
// Parses a record id (a whole number >= 1); false when it is not one.
bool ParseRecordId(const std::string& text, std::int64_t* id);
// Parses a finite decimal number in [lo, hi]; false when it is not one.
bool ParseNumber(const std::string& text, double lo, double hi, double* out);
// Parses a time into a media file as a player shows it: "83.5", "1:23.5" or "0:01:23.5"
// (seconds, minutes:seconds, hours:minutes:seconds); false when it is not one.
bool ParseMediaTime(const std::string& text, double* seconds);

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_ARGS_H_

#include "cli/args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace sightline::cli {

Result<Args> Args::Parse(const std::vector<std::string>& argv, const OptionSpec& spec) {
  Args args;
  bool options_done = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (options_done || a.size() < 2 || a[0] != '-') {
      args.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (a[1] != '-') {
      if (a == "-o" && spec.values.count("output")) {
        if (i + 1 >= argv.size()) return InvalidArgument("option -o needs a value");
        args.values_.emplace("output", argv[++i]);
        continue;
      }
      if (a == "-h") {
        args.flags_.insert("help");
        continue;
      }
      return InvalidArgument("unknown option " + a);
    }
    std::string name = a.substr(2), value;
    bool has_inline = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    if (name == "help") {
      args.flags_.insert("help");
    } else if (spec.flags.count(name)) {
      if (has_inline) return InvalidArgument("option --" + name + " takes no value");
      args.flags_.insert(name);
    } else if (spec.values.count(name) || spec.multi.count(name)) {
      if (!has_inline) {
        if (i + 1 >= argv.size()) return InvalidArgument("option --" + name + " needs a value");
        value = argv[++i];
      }
      if (spec.values.count(name) && args.values_.count(name)) {
        return InvalidArgument("option --" + name + " given twice");
      }
      args.values_.emplace(name, value);
    } else {
      return InvalidArgument("unknown option --" + name);
    }
  }
  return args;
}

bool Args::Has(const std::string& name) const {
  return flags_.count(name) > 0 || values_.count(name) > 0;
}

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  std::vector<std::string> out;
  auto [lo, hi] = values_.equal_range(name);
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

bool ParseWholeNumber(const std::string& text, long lo, long hi, int* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text.c_str(), &end, 10);
  if (errno || *end || v < lo || v > hi) return false;
  *out = static_cast<int>(v);
  return true;
}

bool ParseRecordId(const std::string& text, std::int64_t* id) {
  if (text.empty() || text[0] == '-' || text[0] == '+') return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno || *end || v < 1) return false;
  *id = v;
  return true;
}

bool ParseNumber(const std::string& text, double lo, double hi, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (errno || *end || !std::isfinite(v) || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool ParseMediaTime(const std::string& text, double* seconds) {
  double total = 0;
  std::size_t start = 0;
  int fields = 0;
  for (;;) {
    std::size_t colon = text.find(':', start);
    std::string field = text.substr(start, colon == std::string::npos ? colon : colon - start);
    bool last = colon == std::string::npos;
    double v = 0;
    // Minutes and seconds after a colon are below 60; the first field may be any size.
    if (!ParseNumber(field, 0, fields == 0 ? 1e9 : 59.999999, &v)) return false;
    if (!last && field.find('.') != std::string::npos) return false;
    total = total * 60 + v;
    if (++fields > 3) return false;
    if (last) break;
    start = colon + 1;
  }
  *seconds = total;
  return true;
}

}  // namespace sightline::cli

#include "cli/case_access.h"

#include "base/file.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

bool IsEmptyDir(const std::string& dir) {
  Result<std::vector<std::string>> names = ListDirectory(dir);
  return names.ok() && names->empty();
}

}  // namespace

std::unique_ptr<evidence::Case> OpenCase(const char* command, const std::string& dir,
                                         evidence::Case::Access access) {
  auto c = evidence::Case::Open(dir, access);
  if (!c.ok()) {
    Warn(command, c.status().message());
    return nullptr;
  }
  return std::move(c).value();
}

namespace {

std::optional<evidence::Identity> LoadIdentity(const char* command) {
  auto who = evidence::DefaultIdentity();
  if (!who.ok()) {
    Warn(command, "cannot load the signing key: " + who.status().message());
    return std::nullopt;
  }
  return std::move(*who);
}

}  // namespace

std::optional<WritableCase> OpenOrCreateCase(const char* command, const std::string& dir,
                                             const std::string& catalog_url) {
  std::optional<evidence::Identity> who = LoadIdentity(command);
  if (!who) return std::nullopt;
  if (evidence::Case::Exists(dir) && !catalog_url.empty()) {
    // Create checks that the case's catalogue is the one named, and opens it.
    auto c = evidence::Case::Create(dir, *who, catalog_url);
    if (!c.ok()) {
      Warn(command, c.status().message());
      return std::nullopt;
    }
    return WritableCase{std::move(c).value(), std::move(*who)};
  }
  if (evidence::Case::Exists(dir)) {
    auto c = OpenCase(command, dir, evidence::Case::Access::kWrite);
    if (!c) return std::nullopt;
    return WritableCase{std::move(c), std::move(*who)};
  }
  if (PathExists(dir) && !(IsDirectory(dir) && IsEmptyDir(dir))) {
    Warn(command,
         DisplayPath(dir) + " exists and is not a Sightline case; give a new or empty directory");
    return std::nullopt;
  }
  auto c = evidence::Case::Create(dir, *who, catalog_url);
  if (!c.ok()) {
    Warn(command, c.status().message());
    return std::nullopt;
  }
  std::fprintf(stderr, "sightline %s: created case %s (%s)%s\n", command, DisplayPath(dir).c_str(),
               (*c)->case_id().c_str(),
               catalog_url.empty() ? "" : (", catalogue on " + (*c)->sql()->description()).c_str());
  return WritableCase{std::move(c).value(), std::move(*who)};
}

std::optional<WritableCase> OpenCaseToWrite(const char* command, const std::string& dir) {
  std::optional<evidence::Identity> who = LoadIdentity(command);
  if (!who) return std::nullopt;
  auto c = OpenCase(command, dir, evidence::Case::Access::kWrite);
  if (!c) return std::nullopt;
  return WritableCase{std::move(c), std::move(*who)};
}

Result<evidence::Item> ResolveItem(evidence::Case& c, const std::string& ref) {
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> matches, c.catalog().Resolve(ref));
  if (matches.empty()) {
    return NotFound("no item matches '" + ref + "' (give an id, a file name or a hash prefix)");
  }
  if (matches.size() > 1) {
    std::string list;
    for (const auto& m : matches) {
      list += "\n  " + std::to_string(m.id) + "  " + m.name + "  " + m.sha256.substr(0, 16);
    }
    return InvalidArgument("'" + ref + "' matches several items; give its id:" + list);
  }
  return matches.front();
}

}  // namespace sightline::cli

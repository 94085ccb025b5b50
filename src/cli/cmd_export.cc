// sightline export: a self-checking zip of chosen items (or a whole case).
#include <cstdio>

#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/bundle.h"

namespace sightline::cli {

namespace {

constexpr char kUsage[] =
    "Usage: sightline export --case DIR -o BUNDLE.zip [--json] [ITEM...]\n"
    "\n"
    "Writes a zip holding the originals, their metadata as JSON, the custody entries that concern\n"
    "them, the signers' public keys and a signed manifest of hashes. With no ITEM the whole case\n"
    "is exported (every item and the whole custody log), in open formats only. ITEM: an id, a\n"
    "file name, or a hash prefix (see 'sightline show'). Every original is re-hashed first. The\n"
    "export itself is recorded in the case's custody log.\n"
    "\n"
    "Check a bundle, anywhere, with: sightline verify --bundle BUNDLE.zip\n"
    "\n"
    "  -o, --output BUNDLE   the zip to write (must not exist)\n"
    "  --json                {\"bundle\", \"manifest_sha256\", \"complete\", \"items\", "
    "\"bytes\",\n"
    "                        \"custody_seq\"}\n";

int Run(const Args& args) {
  std::string dir = args.Get("case"), out = args.Get("output");
  if (dir.empty()) return UsageError("export", "--case DIR is required");
  if (out.empty()) return UsageError("export", "-o BUNDLE is required");
  auto who = evidence::DefaultIdentity();
  if (!who.ok()) {
    Warn("export", "cannot load the signing key: " + who.status().message());
    return kExitFailed;
  }
  auto c = OpenCase("export", dir, evidence::Case::Access::kWrite);
  if (!c) return kExitFailed;
  std::vector<evidence::Item> items;
  for (const std::string& ref : args.positional()) {
    auto m = c->catalog().Resolve(ref);
    if (!m.ok()) {
      Warn("export", m.status().message());
      return kExitFailed;
    }
    if (m->size() != 1) {
      Warn("export", "'" + ref + "' " +
                         (m->empty() ? "matches no item" : "matches several items; give its id"));
      return kExitFailed;
    }
    bool already = false;
    for (const auto& it : items) already = already || it.id == m->front().id;
    if (!already) items.push_back(m->front());
  }
  Result<evidence::ExportResult> r = [&] {
    ProgressMeter progress("export", 0, 0);
    return evidence::ExportBundle(*c, *who, out, items,
                                  [&](std::uint64_t n) { progress.AddBytes(n); });
  }();
  if (!r.ok()) {
    Warn("export", r.status().message());
    return kExitFailed;
  }
  if (args.Has("json")) {
    PrintJson({{"bundle", DisplayPath(r->bundle_path)},
               {"manifest_sha256", r->manifest_sha256},
               {"complete", r->complete},
               {"items", r->items},
               {"bytes", r->bytes},
               {"custody_seq", r->custody_seq}});
  } else {
    std::printf(
        "exported %zu item%s (%s of originals%s) to %s\nmanifest sha256 %s\n"
        "recorded as custody entry %lld\n",
        r->items, r->items == 1 ? "" : "s", HumanSize(r->bytes).c_str(),
        r->complete ? ", the whole case" : "", DisplayPath(r->bundle_path).c_str(),
        r->manifest_sha256.c_str(), static_cast<long long>(r->custody_seq));
  }
  return kExitOk;
}

}  // namespace

extern const Command kExportCommand = {
    "export", "write a self-checking zip of items or a whole case",
    kUsage,   {{"json"}, {"case", "output"}, {}},
    Run,
};

}  // namespace sightline::cli

// The custody log as a bundle carries it (custody.jsonl: one JSON entry a line, read by
// evidence/record_json.h), checked entry by entry and as a chain (evidence/custody.h).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evidence/custody.h"
#include "evidence/record_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ev = sightline::evidence;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<ev::CustodyEntry> entries;
  std::size_t start = 0;
  while (start < text.size() && entries.size() < 64) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    nlohmann::json j = nlohmann::json::parse(text.substr(start, end - start), nullptr, false);
    start = end + 1;
    if (j.is_discarded()) continue;
    auto e = ev::EntryFromJson(j);
    if (!e.ok()) continue;
    (void)ev::CheckEntry(*e);
    (void)ev::CustodyPreimage(*e);
    (void)ev::EntryJson(*e).dump();
    entries.push_back(*std::move(e));
  }
  (void)ev::CheckChain(entries);
  return 0;
}

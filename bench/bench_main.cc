// Micro-benchmarks of the library's hot paths, printed as a table by bench/run.sh.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "evidence/custody.h"
#include "evidence/identity.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main() {
  using namespace sightline;
  std::printf("%-44s %14s\n", "measure", "rate");

  std::string block(64 << 20, 'x');
  for (std::size_t i = 0; i < block.size(); i += 64) block[i] = static_cast<char>(i);
  auto t0 = Clock::now();
  Digest256 d = Sha256Of(block);
  double s = Seconds(t0);
  std::printf("%-44s %10.0f MiB/s  (%02x)\n", "SHA-256 (OpenSSL EVP)", 64 / s, d[0]);

  evidence::SigningKey key;
  {
    // bench/run.sh points SIGHTLINE_KEY_DIR at its scratch directory.
    auto k = evidence::LoadOrCreateSigningKey(evidence::DefaultKeyDir());
    if (!k.ok()) return 1;
    key = *k;
  }
  std::vector<evidence::CustodyEntry> chain(20000);
  std::string prev = evidence::kGenesisHash;
  t0 = Clock::now();
  for (std::size_t i = 0; i < chain.size(); ++i) {
    auto& e = chain[i];
    e.seq = static_cast<std::int64_t>(i + 1);
    e.time = "2026-11-25T00:00:00.000Z";
    e.actor = "bench";
    e.action = "ingest";
    e.object_sha256 = Sha256Hex(std::to_string(i));
    e.details = "{\"name\":\"clip.mp4\",\"size\":123456}";
    e.prev_hash = prev;
    (void)evidence::SignEntry(key, &e);
    prev = e.entry_hash;
  }
  s = Seconds(t0);
  std::printf("%-44s %10.0f /s\n", "custody entries signed (Ed25519)", chain.size() / s);
  t0 = Clock::now();
  auto problems = evidence::CheckChain(chain);
  s = Seconds(t0);
  std::printf("%-44s %10.0f /s  (%zu problems)\n", "custody entries verified (chain + signature)",
              chain.size() / s, problems.size());
  return 0;
}

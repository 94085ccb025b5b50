// The fan-out client of the sharded frame-hash index and the shard API's wire format
// (shard_query.h).
#include "archive/shard_query.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "base/sha256.h"

namespace sightline::archive {

namespace {

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f s", s);
  return buf;
}

std::string StartHint(const ShardSpec& spec) {
  return "start it: sightline archive shard --shard " + spec.Name() + " --catalog … --objects …";
}

// Why `r` cannot answer now, or "" when it can.
std::string Problem(const ShardRecord& r, const ShardQueryOptions& options) {
  const std::string at = "shard " + r.spec.Name() + " (" + r.address + ")";
  if (r.heartbeat_age > options.stale_after_seconds) {
    return at + " last reported " + Seconds(r.heartbeat_age) + " ago; " + StartHint(r.spec);
  }
  if (r.state != "ready") {
    return at + " is still building (" + std::to_string(r.rows) + " frames so far)";
  }
  if (r.poll_age < 0 || r.poll_age > options.stale_after_seconds) {
    return at + " has not read the catalogue for " +
           (r.poll_age < 0 ? std::string("a while") : Seconds(r.poll_age)) +
           (r.last_error.empty() ? std::string() : " (" + r.last_error + ")");
  }
  return "";
}

bool SplitAddress(const std::string& address, std::string* host, int* port) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = address.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  const std::string p = address.substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), *port);
  return ec == std::errc() && end == p.data() + p.size() && *port > 0 && *port < 65536;
}

}  // namespace

Result<std::vector<ShardRecord>> LiveShards(evidence::SqlConnection& catalog,
                                            const ShardQueryOptions& options) {
  SL_ASSIGN_OR_RETURN(std::vector<ShardRecord> all, ListShards(catalog));
  const std::string where = " in archive_shards of " + catalog.description();
  if (all.empty()) {
    return NotFound("the archive's frame-hash index has no shard running" + where +
                    ": start one process per shard with sightline archive shard --shard I/N "
                    "--catalog … --objects …");
  }
  int count = options.shard_count;
  if (count <= 0) {
    // The sets registered, with how many of their shards can answer.
    std::map<int, std::set<int>> live;
    for (const ShardRecord& r : all) {
      live[r.spec.count];
      if (Problem(r, options).empty()) live[r.spec.count].insert(r.spec.shard);
    }
    int best_live = -1;
    for (const auto& [n, shards] : live) {
      const bool complete = static_cast<int>(shards.size()) == n;
      // A complete set wins (the one with the most shards); else the set closest to complete,
      // whose missing shards the message then names.
      const int score = complete ? (1 << 20) + n : static_cast<int>(shards.size());
      if (score > best_live) {
        best_live = score;
        count = n;
      }
    }
  }
  std::vector<ShardRecord> chosen(static_cast<std::size_t>(count));
  std::vector<bool> found(static_cast<std::size_t>(count), false);
  for (const ShardRecord& r : all) {
    if (r.spec.count != count || r.spec.shard < 0 || r.spec.shard >= count) continue;
    chosen[static_cast<std::size_t>(r.spec.shard)] = r;
    found[static_cast<std::size_t>(r.spec.shard)] = true;
  }
  std::vector<std::string> problems;
  for (int i = 0; i < count; ++i) {
    const ShardSpec spec{i, count};
    if (!found[static_cast<std::size_t>(i)]) {
      problems.push_back("shard " + spec.Name() + " is not running (not registered" + where +
                         "); " + StartHint(spec));
      continue;
    }
    std::string p = Problem(chosen[static_cast<std::size_t>(i)], options);
    if (!p.empty()) problems.push_back(p);
  }
  if (!problems.empty()) {
    std::string message = "the frame-hash index answers only with all " + std::to_string(count) +
                          " shards, and no partial answer is given: ";
    for (std::size_t i = 0; i < problems.size(); ++i) {
      message += (i ? "; " : "") + problems[i];
    }
    return Status(StatusCode::kBusy, message);
  }
  return chosen;
}

Result<ShardedHits> QueryShards(const std::vector<ShardRecord>& shards,
                                std::span<const Hash256> hashes, int radius,
                                double timeout_seconds) {
  if (radius < 0 || radius > 256) return InvalidArgument("radius must be 0..256");
  const std::string body = EncodeShardQuery(hashes, radius);
  struct Outcome {
    Status status;
    ShardAnswer answer;
    double seconds = 0;
  };
  std::vector<Outcome> outcomes(shards.size());
  std::vector<std::thread> threads;
  const auto timeout = std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));
  for (std::size_t k = 0; k < shards.size(); ++k) {
    threads.emplace_back([&, k] {
      const ShardRecord& shard = shards[k];
      Outcome& out = outcomes[k];
      const std::string who = "shard " + shard.spec.Name() + " at " + shard.address;
      const auto t0 = std::chrono::steady_clock::now();
      std::string host;
      int port = 0;
      if (!SplitAddress(shard.address, &host, &port)) {
        out.status = InvalidArgument(who + ": the registry holds a malformed address");
        return;
      }
      httplib::Client client(host, port);
      client.set_connection_timeout(timeout);
      client.set_read_timeout(timeout);
      client.set_write_timeout(timeout);
      client.set_tcp_nodelay(true);  // no delayed-ACK stall between the request's writes
      auto res = client.Post("/query", body, "application/json");
      out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!res) {
        out.status = IoError(who + " did not answer (" + httplib::to_string(res.error()) +
                             "); restart it if it is down");
        return;
      }
      if (res->status != 200) {
        std::string why = res->body.substr(0, 300);
        auto j = nlohmann::json::parse(res->body, nullptr, false);
        if (j.is_object() && j.contains("error") && j["error"].is_string()) {
          why = j["error"].get<std::string>();
        }
        out.status = IoError(who + " answered HTTP " + std::to_string(res->status) + ": " + why);
        return;
      }
      auto decoded = DecodeShardAnswer(res->body);
      if (!decoded.ok()) {
        out.status = decoded.status().WithContext(who);
        return;
      }
      if (decoded->first.shard != shard.spec.shard || decoded->first.count != shard.spec.count) {
        out.status = IoError(who + " answered as shard " + decoded->first.Name() +
                             ": another process holds that address; restart the shard");
        return;
      }
      out.answer = std::move(decoded->second);
    });
  }
  for (std::thread& t : threads) t.join();

  ShardedHits merged;
  std::vector<std::string> failures;
  for (std::size_t k = 0; k < shards.size(); ++k) {
    if (!outcomes[k].status.ok()) {
      failures.push_back(outcomes[k].status.message());
      continue;
    }
    const ShardAnswer& a = outcomes[k].answer;
    for (const HashHit& h : a.hits) {
      if (h.query < 0 || h.query >= static_cast<int>(hashes.size()) || !shards[k].spec.Owns(h.id)) {
        failures.push_back("shard " + shards[k].spec.Name() + " at " + shards[k].address +
                           " answered a hit that is not its own (item " + std::to_string(h.id) +
                           ")");
        break;
      }
    }
    merged.hits.insert(merged.hits.end(), a.hits.begin(), a.hits.end());
    merged.shards.push_back(
        {shards[k], a.checkpoint, a.scanned_to, a.rows, a.hits.size(), outcomes[k].seconds});
  }
  if (!failures.empty()) {
    std::string message = "the frame-hash index answers only with all " +
                          std::to_string(shards.size()) +
                          " shards, and no partial answer is given: ";
    for (std::size_t i = 0; i < failures.size(); ++i) message += (i ? "; " : "") + failures[i];
    return IoError(message);
  }
  std::sort(merged.hits.begin(), merged.hits.end(), [](const HashHit& a, const HashHit& b) {
    return std::tie(a.query, a.distance, a.id, a.t) < std::tie(b.query, b.distance, b.id, b.t);
  });
  return merged;
}

Result<ShardedHits> QueryArchiveIndex(evidence::SqlConnection& catalog,
                                      std::span<const Hash256> hashes, int radius,
                                      const ShardQueryOptions& options) {
  SL_ASSIGN_OR_RETURN(std::vector<ShardRecord> shards, LiveShards(catalog, options));
  return QueryShards(shards, hashes, radius, options.timeout_seconds);
}

// --- Wire format ---

std::string EncodeShardQuery(std::span<const Hash256> hashes, int radius) {
  std::string out = "{\"radius\":" + std::to_string(radius) + ",\"hashes\":[";
  out.reserve(out.size() + hashes.size() * 67 + 2);
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += ToHex(hashes[i].data(), hashes[i].size());
    out += '"';
  }
  out += "]}";
  return out;
}

Result<ShardQueryRequest> DecodeShardQuery(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return InvalidArgument("the body is not a JSON object");
  ShardQueryRequest req;
  if (j.contains("radius")) {
    const nlohmann::json& r = j["radius"];
    if (!r.is_number_integer() || r.get<std::int64_t>() < 0 || r.get<std::int64_t>() > 256) {
      return InvalidArgument("\"radius\" must be a whole number from 0 to 256");
    }
    req.radius = r.get<int>();
  }
  if (!j.contains("hashes") || !j["hashes"].is_array()) {
    return InvalidArgument("\"hashes\" must be an array of 64-hex-digit PDQ hashes");
  }
  const nlohmann::json& hashes = j["hashes"];
  if (hashes.size() > kMaxQueryHashes) {
    return InvalidArgument("at most " + std::to_string(kMaxQueryHashes) + " hashes a query");
  }
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (!hashes[i].is_string() || hashes[i].get_ref<const std::string&>().size() != 64) {
      return InvalidArgument("hashes[" + std::to_string(i) + "] is not 64 hex digits");
    }
    auto bytes = FromHex(hashes[i].get_ref<const std::string&>());
    if (!bytes.ok()) {
      return InvalidArgument("hashes[" + std::to_string(i) + "] is not 64 hex digits");
    }
    Hash256 h;
    std::copy(bytes->begin(), bytes->end(), h.begin());
    req.hashes.push_back(h);
  }
  return req;
}

std::string EncodeShardAnswer(const ShardSpec& spec, const ShardAnswer& answer) {
  std::string out = "{\"shard\":" + std::to_string(spec.shard) +
                    ",\"shard_count\":" + std::to_string(spec.count) +
                    ",\"checkpoint\":" + std::to_string(answer.checkpoint) +
                    ",\"scanned_to\":" + std::to_string(answer.scanned_to) +
                    ",\"rows\":" + std::to_string(answer.rows) + ",\"hits\":[";
  out.reserve(out.size() + answer.hits.size() * 40 + 2);
  char buf[96];
  for (std::size_t i = 0; i < answer.hits.size(); ++i) {
    const HashHit& h = answer.hits[i];
    // %.17g: the time reads back as the same double.
    const double t = std::isfinite(h.t) ? h.t : 0;
    int n = std::snprintf(buf, sizeof buf, "%s[%d,%lld,%.17g,%d]", i ? "," : "", h.query,
                          static_cast<long long>(h.id), t, h.distance);
    out.append(buf, static_cast<std::size_t>(n));
  }
  out += "]}";
  return out;
}

Result<std::pair<ShardSpec, ShardAnswer>> DecodeShardAnswer(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return IoError("the answer is not a JSON object");
  try {
    ShardSpec spec{j.at("shard").get<int>(), j.at("shard_count").get<int>()};
    ShardAnswer answer;
    answer.checkpoint = j.at("checkpoint").get<std::int64_t>();
    answer.scanned_to = j.at("scanned_to").get<std::int64_t>();
    answer.rows = j.at("rows").get<std::int64_t>();
    const nlohmann::json& hits = j.at("hits");
    answer.hits.reserve(hits.size());
    for (const nlohmann::json& h : hits) {
      HashHit hit;
      hit.query = h.at(0).get<int>();
      hit.id = h.at(1).get<std::int64_t>();
      hit.t = h.at(2).get<double>();
      hit.distance = h.at(3).get<int>();
      answer.hits.push_back(hit);
    }
    return std::make_pair(spec, std::move(answer));
  } catch (const nlohmann::json::exception& e) {
    return IoError(std::string("malformed answer: ") + e.what());
  }
}

}  // namespace sightline::archive

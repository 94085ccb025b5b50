// Helpers for the hostile-input suite (tests/hostile/): running the CLI with a memory and time
// bound, and small generators of hostile files (crafted PNG and JPEG headers, MP4 box surgery,
// hand-written zip archives). Header-only: the test target compiles only *_test.cc under tests/.
//
// Every hostile file is generated at test time; nothing comes from ../shared.
#ifndef SIGHTLINE_TESTS_HOSTILE_HOSTILE_UTIL_H_
#define SIGHTLINE_TESTS_HOSTILE_HOSTILE_UTIL_H_

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "test_util.h"

namespace sightline::hostile {

// Address space allowed to the CLI on a hostile file. A normal probe or hash of a small clip
// needs under 300 MB; a decoder that believed a 100000×100000 header would need 10 GB or more.
inline constexpr int kMemoryLimitMb = 1024;
// Wall-clock bound on one run of the CLI on one hostile file: generous, for shared, loaded
// machines and sanitizer builds (a run takes well under a second of CPU).
inline constexpr int kTimeLimitSeconds = 90;

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderAsan = true;  // ASan reserves terabytes of address space
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kUnderAsan = true;
#else
inline constexpr bool kUnderAsan = false;
#endif
#else
inline constexpr bool kUnderAsan = false;
#endif

struct BoundedResult {
  testing::CommandResult run;
  double seconds = 0;
  // Killed by the time limit (SIGKILL from timeout(1)) or by a signal of its own (a crash).
  bool killed() const { return run.exit_code >= 128; }
};

// Runs `sightline ARGS...` under `ulimit -v` (skipped under ASan, whose shadow memory needs a huge
// address space) and a hard wall-clock limit.
inline BoundedResult RunBounded(const std::vector<std::string>& args,
                                int seconds = kTimeLimitSeconds, int memory_mb = kMemoryLimitMb,
                                const std::vector<std::string>& env = {}) {
  std::string limit = kUnderAsan ? "" : "ulimit -v " + std::to_string(memory_mb * 1024) + " && ";
  std::vector<std::string> argv{
      "timeout", "-s",         "KILL", std::to_string(seconds), "sh", "-c", limit + "exec \"$@\"",
      "sh",      SIGHTLINE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  auto start = std::chrono::steady_clock::now();
  BoundedResult r;
  r.run = testing::RunProgram(argv, env);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

// The checks every hostile run must pass: it ended by itself within the bounds, with exit status
// `want_exit`, and (when `want_in_err` is not empty) stderr names the file and the problem.
#define EXPECT_BOUNDED_FAILURE(result, want_exit, ...)                                            \
  do {                                                                                            \
    const auto& r_ = (result);                                                                    \
    EXPECT_FALSE(r_.killed()) << "killed (time or memory limit, or a crash), exit "               \
                              << r_.run.exit_code << " after " << r_.seconds << " s\n"            \
                              << r_.run.err.substr(0, 2000);                                      \
    EXPECT_EQ(r_.run.exit_code, (want_exit)) << r_.run.err.substr(0, 2000);                       \
    for (const std::string& want_ : std::vector<std::string>{__VA_ARGS__}) {                      \
      EXPECT_NE(r_.run.err.find(want_), std::string::npos) << "stderr lacks '" << want_ << "':\n" \
                                                           << r_.run.err.substr(0, 2000);         \
    }                                                                                             \
  } while (0)

// The last component of `path`: what an error message names.
inline std::string BaseNameOf(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

inline void PutBe(std::string* s, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline void PutLe(std::string* s, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline void SetBe32(std::string* s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) (*s)[at + i] = static_cast<char>((v >> (8 * (3 - i))) & 0xff);
}
inline std::uint32_t GetBe32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

// One PNG chunk with its CRC (PNG spec, section 5.3).
inline std::string PngChunk(const std::string& type, const std::string& data) {
  std::string c;
  PutBe(&c, data.size(), 4);
  std::string body = type + data;
  c += body;
  PutBe(&c, crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size()), 4);
  return c;
}

// A well-formed PNG whose header claims `width` × `height` grey pixels, with one short IDAT: a
// decoder that allocates what the header says before reading data asks for width × height bytes.
inline std::string PngClaiming(std::uint32_t width, std::uint32_t height) {
  std::string ihdr;
  PutBe(&ihdr, width, 4);
  PutBe(&ihdr, height, 4);
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit greyscale, deflate, no interlace
  std::string raw(1 + 64, '\0');                   // one filter byte and a few pixels
  uLongf len = compressBound(raw.size());
  std::string idat(len, '\0');
  compress(reinterpret_cast<Bytef*>(idat.data()), &len, reinterpret_cast<const Bytef*>(raw.data()),
           raw.size());
  idat.resize(len);
  return std::string("\x89PNG\r\n\x1a\n", 8) + PngChunk("IHDR", ihdr) + PngChunk("IDAT", idat) +
         PngChunk("IEND", "");
}

// A baseline JPEG header claiming `width` × `height` (at most 65535 each) with a few bytes of
// entropy-coded data: quantisation and Huffman tables are the minimum a decoder accepts.
inline std::string JpegClaiming(std::uint16_t width, std::uint16_t height) {
  std::string j = "\xFF\xD8";
  // DQT: one table of ones.
  j += "\xFF\xDB";
  PutBe(&j, 2 + 1 + 64, 2);
  j.push_back('\0');
  j += std::string(64, '\x01');
  // SOF0: 8-bit, one component.
  j += "\xFF\xC0";
  PutBe(&j, 11, 2);
  j.push_back('\x08');
  PutBe(&j, height, 2);
  PutBe(&j, width, 2);
  j += std::string("\x01\x01\x11\x00", 4);
  // DHT: DC table 0 and AC table 0, each with a single 1-bit code for symbol 0.
  for (char cls : {'\x00', '\x10'}) {
    j += "\xFF\xC4";
    PutBe(&j, 2 + 1 + 16 + 1, 2);
    j.push_back(cls);
    j.push_back('\x01');
    j += std::string(15, '\0');
    j.push_back('\0');
  }
  // SOS and a little data.
  j += "\xFF\xDA";
  PutBe(&j, 8, 2);
  j += std::string("\x01\x01\x00\x00\x3F\x00", 6);
  j += std::string(64, '\0');
  j += "\xFF\xD9";
  return j;
}

// Offset of the first box of type `fourcc` anywhere in an ISO-BMFF file (a byte search: good
// enough for the small files ffmpeg writes in these tests), or npos.
inline std::size_t FindBox(const std::string& file, const std::string& fourcc,
                           std::size_t from = 0) {
  std::size_t at = file.find(fourcc, from);
  return at == std::string::npos || at < 4 ? std::string::npos : at - 4;
}

// A zip archive written by hand (APPNOTE.TXT 6.3): entries with any names, stored or
// raw-deflated, with declared sizes that may lie.
class ZipBuilder {
 public:
  // Adds `data` stored as is.
  void AddStored(const std::string& name, const std::string& data) {
    Add(name, data, 0, data.size(),
        crc32(0, reinterpret_cast<const Bytef*>(data.data()), data.size()));
  }
  // Adds `count` zero bytes deflated (a bomb when `count` is large): `declared_size` is written
  // as the uncompressed size, so it may lie about what inflating yields.
  void AddDeflatedZeros(const std::string& name, std::uint64_t count, std::uint32_t declared_size) {
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    std::string zeros(1 << 20, '\0'), out, buf(1 << 16, '\0');
    std::uint32_t crc = crc32(0, nullptr, 0);
    for (std::uint64_t left = count;;) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, zeros.size()));
      crc = crc32(crc, reinterpret_cast<const Bytef*>(zeros.data()), n);
      left -= n;
      z.next_in = reinterpret_cast<Bytef*>(zeros.data());
      z.avail_in = n;
      int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
      int rc;
      do {
        z.next_out = reinterpret_cast<Bytef*>(buf.data());
        z.avail_out = buf.size();
        rc = deflate(&z, flush);
        out.append(buf.data(), buf.size() - z.avail_out);
      } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
      if (left == 0) break;
    }
    deflateEnd(&z);
    Add(name, out, 8, declared_size, crc);
  }

  std::string Finish() const {
    std::string eocd = "PK\x05\x06";
    PutLe(&eocd, 0, 2);
    PutLe(&eocd, 0, 2);
    PutLe(&eocd, count_, 2);
    PutLe(&eocd, count_, 2);
    PutLe(&eocd, central_.size(), 4);
    PutLe(&eocd, body_.size(), 4);
    PutLe(&eocd, 0, 2);
    return body_ + central_ + eocd;
  }

 private:
  void Add(const std::string& name, const std::string& data, int method, std::uint64_t size,
           std::uint32_t crc) {
    std::uint32_t offset = static_cast<std::uint32_t>(body_.size());
    std::string local = "PK\x03\x04";
    PutLe(&local, 20, 2);
    PutLe(&local, 0, 2);
    PutLe(&local, method, 2);
    PutLe(&local, 0, 4);  // time, date
    PutLe(&local, crc, 4);
    PutLe(&local, data.size(), 4);
    PutLe(&local, size, 4);
    PutLe(&local, name.size(), 2);
    PutLe(&local, 0, 2);
    body_ += local + name + data;
    std::string c = "PK\x01\x02";
    PutLe(&c, 20, 2);
    PutLe(&c, 20, 2);
    PutLe(&c, 0, 2);
    PutLe(&c, method, 2);
    PutLe(&c, 0, 4);
    PutLe(&c, crc, 4);
    PutLe(&c, data.size(), 4);
    PutLe(&c, size, 4);
    PutLe(&c, name.size(), 2);
    PutLe(&c, 0, 6);  // extra, comment, disk
    PutLe(&c, 0, 2);  // internal attributes
    PutLe(&c, 0, 4);  // external attributes
    PutLe(&c, offset, 4);
    central_ += c + name;
    ++count_;
  }
  std::string body_, central_;
  std::uint64_t count_ = 0;
};

}  // namespace sightline::hostile

#endif  // SIGHTLINE_TESTS_HOSTILE_HOSTILE_UTIL_H_

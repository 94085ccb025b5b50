#include "media/bmff_boxes.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/file.h"

namespace sightline::media {
namespace {

constexpr std::uint64_t kMaxPayload = 4096;

std::uint32_t Be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
std::uint64_t Be64(const unsigned char* p) { return (std::uint64_t{Be32(p)} << 32) | Be32(p + 4); }

class Reader {
 public:
  Reader(int fd, std::uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  std::uint64_t size() const { return size_; }

  // Reads exactly n bytes at offset; false when they are not all in the file.
  Result<bool> ReadAt(std::uint64_t offset, void* buf, std::size_t n) {
    if (offset > size_ || n > size_ - offset) return false;
    auto* p = static_cast<unsigned char*>(buf);
    std::size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, p + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(path_, "read failed", errno);
      }
      if (r == 0) return false;
      done += static_cast<std::size_t>(r);
    }
    return true;
  }

 private:
  int fd_;
  std::uint64_t size_;
  std::string path_;
};

struct BoxHeader {
  std::string type;
  std::uint64_t start = 0;    // offset of the header
  std::uint64_t payload = 0;  // offset of the payload
  std::uint64_t end = 0;      // offset after the box as declared (may exceed the parent)
};

// Reads the header at `offset`, inside a parent ending at `limit`. Returns nullopt at the end or
// when the header is malformed (size smaller than the header).
Result<std::optional<BoxHeader>> ReadHeader(Reader& r, std::uint64_t offset, std::uint64_t limit) {
  unsigned char h[16];
  if (offset + 8 > limit) return std::optional<BoxHeader>();
  SL_ASSIGN_OR_RETURN(bool ok, r.ReadAt(offset, h, 8));
  if (!ok) return std::optional<BoxHeader>();
  BoxHeader b;
  b.start = offset;
  b.type.assign(reinterpret_cast<const char*>(h + 4), 4);
  std::uint64_t size = Be32(h);
  b.payload = offset + 8;
  if (size == 1) {
    SL_ASSIGN_OR_RETURN(bool ok64, r.ReadAt(offset + 8, h + 8, 8));
    if (!ok64) return std::optional<BoxHeader>();
    size = Be64(h + 8);
    b.payload = offset + 16;
    if (size < 16) return std::optional<BoxHeader>();
  } else if (size == 0) {
    size = limit - offset;  // extends to the end of its parent
  } else if (size < 8) {
    return std::optional<BoxHeader>();
  }
  b.end = size > UINT64_MAX - offset ? UINT64_MAX : offset + size;
  return std::optional<BoxHeader>(b);
}

bool PrintableType(const std::string& t) {
  for (unsigned char c : t) {
    if (c < 0x20 || c > 0x7e) {
      if (c != 0xa9) return false;  // '©' as in ©xyz
    }
  }
  return true;
}

std::string TypeText(const std::string& t) {
  std::string out;
  for (unsigned char c : t) {
    if (c == 0xa9) {
      out += "\xc2\xa9";  // © in UTF-8
    } else if (c >= 0x20 && c <= 0x7e) {
      out += static_cast<char>(c);
    } else {
      out += '?';
    }
  }
  return out;
}

std::string TrimBrand(std::string b) {
  while (!b.empty() && (b.back() == ' ' || b.back() == '\0')) b.pop_back();
  for (char& c : b) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  }
  return b;
}

using Bytes = std::vector<unsigned char>;

// Reads up to `cap` (at most kMaxPayload) bytes of the box payload that lie in the file.
Result<Bytes> ReadPayload(Reader& r, const BoxHeader& b, std::uint64_t cap) {
  std::uint64_t end = b.end < r.size() ? b.end : r.size();
  std::uint64_t n = end > b.payload ? end - b.payload : 0;
  if (n > cap) n = cap;
  if (n > kMaxPayload) n = kMaxPayload;
  Bytes data(n, 0);
  SL_ASSIGN_OR_RETURN(bool ok, r.ReadAt(b.payload, data.data(), n));
  if (!ok) data.clear();
  return data;
}

void ParseMvhd(const Bytes& p, BmffSummary* out) {
  const unsigned char* u = p.data();
  if (p.size() < 4) return;
  if (u[0] == 1) {
    if (p.size() < 4 + 16) return;
    out->mvhd_creation = Be64(u + 4);
    out->mvhd_modification = Be64(u + 12);
  } else {
    if (p.size() < 4 + 8) return;
    out->mvhd_creation = Be32(u + 4);
    out->mvhd_modification = Be32(u + 8);
  }
}

// ©xyz in udta: 16-bit string length, 16-bit language, then the text (QuickTime File Format,
// "User data atoms": international text).
void ParseXyz(const Bytes& p, BmffSummary* out) {
  const unsigned char* u = p.data();
  if (p.size() < 4) return;
  std::size_t len = (std::size_t{u[0]} << 8) | u[1];
  if (len > p.size() - 4) len = p.size() - 4;
  std::string s(reinterpret_cast<const char*>(u + 4), len);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  out->xyz = s;
}

// 3GPP TS 26.244 §8.1.3.1 "loci": FullBox header, 16-bit language, a NUL-terminated name (UTF-8,
// or UTF-16 starting with a BOM and ending with a 16-bit NUL), role (8 bits), then longitude,
// latitude and altitude as signed 16.16 fixed point.
void ParseLoci(const Bytes& p, BmffSummary* out) {
  const unsigned char* u = p.data();
  std::size_t pos = 6;
  if (p.size() < pos) return;
  if (p.size() >= pos + 2 && u[pos] == 0xfe && u[pos + 1] == 0xff) {
    pos += 2;
    while (pos + 1 < p.size() && !(u[pos] == 0 && u[pos + 1] == 0)) pos += 2;
    pos += 2;
  } else {
    while (pos < p.size() && u[pos] != 0) ++pos;
    pos += 1;
  }
  if (pos + 13 > p.size()) return;
  pos += 1;  // role
  auto fixed = [&](std::size_t at) { return static_cast<std::int32_t>(Be32(u + at)) / 65536.0; };
  Iso6709Point pt;
  pt.lon = fixed(pos);
  pt.lat = fixed(pos + 4);
  pt.alt_m = fixed(pos + 8);
  if (pt.lat < -90 || pt.lat > 90 || pt.lon < -180 || pt.lon > 180) return;
  out->loci = pt;
}

Status WalkChildren(Reader& r, const BoxHeader& parent, int depth, BmffSummary* out) {
  std::uint64_t end = parent.end < r.size() ? parent.end : r.size();
  std::uint64_t offset = parent.payload;
  for (int i = 0; i < kMaxBoxes; ++i) {
    SL_ASSIGN_OR_RETURN(std::optional<BoxHeader> b, ReadHeader(r, offset, end));
    if (!b) break;
    if (parent.type == "moov" && b->type == "mvhd") {
      SL_ASSIGN_OR_RETURN(Bytes p, ReadPayload(r, *b, 64));
      ParseMvhd(p, out);
    } else if (parent.type == "moov" && b->type == "udta" && depth == 0) {
      SL_RETURN_IF_ERROR(WalkChildren(r, *b, depth + 1, out));
    } else if (parent.type == "udta" && b->type == "\xa9xyz") {
      SL_ASSIGN_OR_RETURN(Bytes p, ReadPayload(r, *b, 4096));
      ParseXyz(p, out);
    } else if (parent.type == "udta" && b->type == "loci") {
      SL_ASSIGN_OR_RETURN(Bytes p, ReadPayload(r, *b, 4096));
      ParseLoci(p, out);
    }
    if (b->end <= offset) break;
    offset = b->end;
  }
  return Status::Ok();
}

bool KnownTopLevel(const std::string& t) {
  static const char* const kTypes[] = {"ftyp", "moov", "mdat", "free", "skip", "wide",
                                       "pnot", "uuid", "meta", "styp", "sidx", "moof"};
  for (const char* k : kTypes) {
    if (t == k) return true;
  }
  return false;
}

}  // namespace

bool LooksLikeBmff(const std::string& path) {
  Result<UniqueFd> fd = OpenForRead(path);
  if (!fd.ok()) return false;
  unsigned char h[12];
  ssize_t n = ::pread(fd->get(), h, sizeof h, 0);
  if (n < 8) return false;
  std::string type(reinterpret_cast<const char*>(h + 4), 4);
  return KnownTopLevel(type) && Be32(h) != 0 && (Be32(h) >= 8 || Be32(h) == 1);
}

Result<BmffSummary> ReadBmffSummary(const std::string& path) {
  SL_ASSIGN_OR_RETURN(UniqueFd fd, OpenForRead(path));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(path, "cannot stat", errno);
  Reader r(fd.get(), static_cast<std::uint64_t>(st.st_size), path);
  BmffSummary out;
  std::uint64_t offset = 0;
  for (int i = 0; i < kMaxBoxes; ++i) {
    SL_ASSIGN_OR_RETURN(std::optional<BoxHeader> b, ReadHeader(r, offset, r.size()));
    if (!b) break;
    if (i == 0 && !KnownTopLevel(b->type)) {
      return Unsupported(DisplayPath(path) + ": not an ISO BMFF/QuickTime file");
    }
    if (!PrintableType(b->type)) break;  // garbage after the last box
    out.top_level.push_back(TypeText(b->type));
    if (b->end > r.size() && !out.truncated) {
      out.truncated = true;
      out.truncated_box = TypeText(b->type);
      out.truncated_missing_bytes = b->end - r.size();
    }
    if (b->type == "ftyp") {
      SL_ASSIGN_OR_RETURN(Bytes p, ReadPayload(r, *b, 1024));
      auto brand = [&](std::size_t at) {
        return TrimBrand(std::string(reinterpret_cast<const char*>(p.data() + at), 4));
      };
      if (p.size() >= 4) out.major_brand = brand(0);
      for (std::size_t k = 8; k + 4 <= p.size() && out.compatible_brands.size() < 64; k += 4) {
        out.compatible_brands.push_back(brand(k));
      }
    } else if (b->type == "moov") {
      SL_RETURN_IF_ERROR(WalkChildren(r, *b, 0, &out));
    }
    if (b->end >= r.size()) break;
    offset = b->end;
  }
  if (out.top_level.empty()) return Unsupported(DisplayPath(path) + ": not an ISO BMFF file");
  return out;
}

}  // namespace sightline::media

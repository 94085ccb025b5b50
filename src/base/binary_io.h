// Little binary encoders for Sightline's own file formats (match signatures, the scene index):
// fixed-size values in host byte order, byte runs, and length-prefixed strings. The formats are
// documented as little-endian, which is what the supported hosts (x86-64, arm64) are.
//
// BinaryReader never reads past its input: every Get returns false instead, and the caller turns
// that into a kCorrupt error naming the file.
#ifndef SIGHTLINE_BASE_BINARY_IO_H_
#define SIGHTLINE_BASE_BINARY_IO_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace sightline {

class BinaryWriter {
 public:
  template <typename T>
  void Put(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out_.append(b, sizeof(T));
  }
  void Bytes(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  // A 32-bit length, then the bytes.
  void Str(std::string_view s) {
    Put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out_.append(s.data(), s.size());
  }
  const std::string& data() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads from a view: the bytes must outlive the reader.
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view in) : in_(in) {}
  template <typename T>
  bool Get(T* v) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (in_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool Bytes(void* p, std::size_t n) {
    if (in_.size() - pos_ < n) return false;
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  // A string written by BinaryWriter::Str, refused when longer than `max`.
  bool Str(std::string* s, std::size_t max) {
    std::uint32_t n = 0;
    if (!Get(&n) || n > max || in_.size() - pos_ < n) return false;
    s->assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  std::size_t Left() const { return in_.size() - pos_; }
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace sightline

#endif  // SIGHTLINE_BASE_BINARY_IO_H_

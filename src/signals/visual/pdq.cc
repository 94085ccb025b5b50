// PDQ hashing; see pdq.h for the algorithm and the sources it follows, and pdq_kernels.cc for
// the arithmetic that dominates the time.
#include "signals/visual/pdq.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SIGHTLINE_PDQ_X86 1
#endif

#include "signals/visual/pdq_kernels.h"

namespace sightline::signals::visual {

namespace {

constexpr int kMinSide = 5;  // the reference does not hash images smaller than this

// Luminance weights of the reference (ITU-R BT.601 luma).
constexpr float kLumaR = 0.299f;
constexpr float kLumaG = 0.587f;
constexpr float kLumaB = 0.114f;

// Maps a float to an unsigned integer with the same order (negative values reversed below the
// positive ones).
inline std::uint32_t OrderKey(float f) {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(f);
  return u ^ (static_cast<std::uint32_t>(static_cast<std::int32_t>(u) >> 31) | 0x80000000u);
}
inline float FromOrderKey(std::uint32_t k) {
  return std::bit_cast<float>((k & 0x80000000u) ? (k ^ 0x80000000u) : ~k);
}

// The median of the reference: the 128th smallest of the 256 values (the lower median, as the
// Torben selection the reference uses returns for an even count), so that "above the median"
// sets at most 128 bits. Radix selection on order-preserving keys, a byte at a time from the top:
// a histogram of the candidates' current byte finds the bucket holding the wanted rank, and only
// that bucket's candidates go on. No data-dependent branches per element; about 4× faster than
// std::nth_element here. `tmp` holds 512 floats.
float Median256(const float* v, float* tmp) {
  std::uint32_t* cand = reinterpret_cast<std::uint32_t*>(tmp);
  std::uint32_t* next = cand + 256;
  for (int i = 0; i < 256; ++i) cand[i] = OrderKey(v[i]);
  int n = 256;
  int rank = 127;
  for (int shift = 24; shift >= 0; shift -= 8) {
    std::uint16_t hist[256] = {};
    for (int i = 0; i < n; ++i) ++hist[(cand[i] >> shift) & 255];
    unsigned bucket = 0;
    while (rank >= hist[bucket]) rank -= hist[bucket++];
    int m = 0;
    for (int i = 0; i < n; ++i) {
      next[m] = cand[i];
      m += ((cand[i] >> shift) & 255) == bucket;
    }
    std::swap(cand, next);
    n = m;
    if (n <= 24) {
      std::nth_element(cand, cand + rank, cand + n);
      return FromOrderKey(cand[rank]);
    }
  }
  return FromOrderKey(cand[0]);  // n > 24 values left, all equal
}

// Bit v of 16-bit word u is B[u][v] > median; word u is hex digits 4 (15 − u) .. 4 (15 − u) + 3.
void PackBits(const float* b, float median, PdqHash* hash) {
#ifdef __SSE2__
  const __m128 m = _mm_set1_ps(median);
  for (int u = 0; u < 16; ++u) {
    const float* row = b + u * 16;
    const unsigned word =
        static_cast<unsigned>(_mm_movemask_ps(_mm_cmpgt_ps(_mm_loadu_ps(row), m))) |
        static_cast<unsigned>(_mm_movemask_ps(_mm_cmpgt_ps(_mm_loadu_ps(row + 4), m))) << 4 |
        static_cast<unsigned>(_mm_movemask_ps(_mm_cmpgt_ps(_mm_loadu_ps(row + 8), m))) << 8 |
        static_cast<unsigned>(_mm_movemask_ps(_mm_cmpgt_ps(_mm_loadu_ps(row + 12), m))) << 12;
    hash->bits[2 * (15 - u)] = static_cast<std::uint8_t>(word >> 8);
    hash->bits[2 * (15 - u) + 1] = static_cast<std::uint8_t>(word & 0xff);
  }
#else
  for (int u = 0; u < 16; ++u) {
    unsigned word = 0;
    for (int v = 0; v < 16; ++v) word |= static_cast<unsigned>(b[u * 16 + v] > median) << v;
    hash->bits[2 * (15 - u)] = static_cast<std::uint8_t>(word >> 8);
    hash->bits[2 * (15 - u) + 1] = static_cast<std::uint8_t>(word & 0xff);
  }
#endif
}

// The DCT of a transformed block from the DCT of the block. With B[u][v] the coefficient of
// vertical frequency u + 1 and horizontal frequency v + 1: mirroring top/bottom multiplies row u
// by (−1)^(u+1), mirroring left/right multiplies column v by (−1)^(v+1), and transposing the image
// transposes B. Every symmetry of the square is a composition of these (pdq.h names them).
void DihedralDct(PdqDihedral d, const float* b, float* out) {
  auto odd_freq = [](int i) { return (i & 1) == 0; };  // index i holds frequency i + 1
  for (int r = 0; r < 16; ++r) {
    for (int c = 0; c < 16; ++c) {
      float x;
      switch (d) {
        case PdqDihedral::kOriginal:
          x = b[r * 16 + c];
          break;
        case PdqDihedral::kRotate90:  // (r, c) ← (c, r) of the left/right mirror
          x = odd_freq(r) ? -b[c * 16 + r] : b[c * 16 + r];
          break;
        case PdqDihedral::kRotate180:
          x = odd_freq(r) != odd_freq(c) ? -b[r * 16 + c] : b[r * 16 + c];
          break;
        case PdqDihedral::kRotate270:  // (r, c) ← (c, r) of the top/bottom mirror
          x = odd_freq(c) ? -b[c * 16 + r] : b[c * 16 + r];
          break;
        case PdqDihedral::kFlipX:
          x = odd_freq(r) ? -b[r * 16 + c] : b[r * 16 + c];
          break;
        case PdqDihedral::kFlipY:
          x = odd_freq(c) ? -b[r * 16 + c] : b[r * 16 + c];
          break;
        case PdqDihedral::kFlipPlus1:
          x = b[c * 16 + r];
          break;
        case PdqDihedral::kFlipMinus1:
        default:
          x = odd_freq(r) != odd_freq(c) ? -b[c * 16 + r] : b[c * 16 + r];
          break;
      }
      out[r * 16 + c] = x;
    }
  }
}

bool AllFinite(const float* v, int n) {
  bool ok = true;
  for (int i = 0; i < n; ++i) ok &= std::isfinite(v[i]);
  return ok;
}

int QualityFromGradientSum(int sum) { return std::clamp(sum / 90, 0, 100); }

using pdq_internal::BestKernels;
using pdq_internal::kPortableKernels;
using pdq_internal::WarmTables;

}  // namespace

const char* PdqDihedralName(PdqDihedral d) {
  switch (d) {
    case PdqDihedral::kOriginal:
      return "original";
    case PdqDihedral::kRotate90:
      return "rotate90";
    case PdqDihedral::kRotate180:
      return "rotate180";
    case PdqDihedral::kRotate270:
      return "rotate270";
    case PdqDihedral::kFlipX:
      return "flipx";
    case PdqDihedral::kFlipY:
      return "flipy";
    case PdqDihedral::kFlipPlus1:
      return "flipplus1";
    case PdqDihedral::kFlipMinus1:
      return "flipminus1";
  }
  return "?";
}

std::string PdqHash::Hex() const {
  static const char kDigits[] = "0123456789abcdef";
  std::string s(64, '0');
  for (int i = 0; i < 32; ++i) {
    s[2 * i] = kDigits[bits[i] >> 4];
    s[2 * i + 1] = kDigits[bits[i] & 15];
  }
  return s;
}

Result<PdqHash> PdqHash::FromHex(std::string_view hex, int quality) {
  if (hex.size() != 64) {
    return InvalidArgument("PDQ hash must be 64 hex digits, got " + std::to_string(hex.size()) +
                           " characters");
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  PdqHash h;
  h.quality = quality;
  for (int i = 0; i < 32; ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgument("PDQ hash has a character that is not a hex digit at position " +
                             std::to_string(hi < 0 ? 2 * i + 1 : 2 * i + 2));
    }
    h.bits[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return h;
}

int PdqHash::PopCount() const {
  int n = 0;
  for (std::uint8_t b : bits) n += std::popcount(b);
  return n;
}

int HammingDistance(const PdqHash& a, const PdqHash& b) {
  int n = 0;
  for (int i = 0; i < 32; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a.bits.data() + i, 8);
    std::memcpy(&y, b.bits.data() + i, 8);
    n += std::popcount(x ^ y);
  }
  return n;
}

PdqHasher::PdqHasher(PdqKernels kernels)
    : kernels_(kernels == PdqKernels::kPortable ? &kPortableKernels : BestKernels()) {
  WarmTables();
}

const char* PdqHasher::KernelName() const { return kernels_->name; }

void PdqHasher::Finish(const float* block, PdqHash* hash) {
  kernels_->dct(block, dct_, scratch_);
  if (!AllFinite(dct_, 256)) {
    // NaN or infinite samples: hash the block with them replaced by 0 (never in the 8-bit paths).
    for (int i = 0; i < 4096; ++i) block_[i] = std::isfinite(block[i]) ? block[i] : 0.0f;
    block = block_;
    kernels_->dct(block, dct_, scratch_);
  }
  hash->quality = QualityFromGradientSum(kernels_->gradient_sum(block));
  PackBits(dct_, Median256(dct_, scratch_), hash);  // scratch_ is free again
}

PdqHash PdqHasher::Hash64(const float* block) {
  PdqHash h;
  if (block == nullptr) return h;
  Finish(block, &h);
  return h;
}

std::array<PdqHash, kPdqDihedralCount> PdqHasher::HashDihedral64(const float* block) {
  std::array<PdqHash, kPdqDihedralCount> out{};
  if (block == nullptr) return out;
  Finish(block, &out[0]);
  // The sign patterns of rotate90/flipY, rotate270/flipX and rotate180/flipMinus1 are transposes
  // of one another, so each pair (like original/flipPlus1) shares a median.
  float median[kPdqDihedralCount];
  const PdqDihedral own[] = {PdqDihedral::kOriginal, PdqDihedral::kRotate180, PdqDihedral::kFlipX,
                             PdqDihedral::kFlipY};
  for (PdqDihedral d : own) {
    DihedralDct(d, dct_, aux_);
    median[static_cast<int>(d)] = Median256(aux_, scratch_);
  }
  median[static_cast<int>(PdqDihedral::kFlipPlus1)] = median[0];
  median[static_cast<int>(PdqDihedral::kFlipMinus1)] =
      median[static_cast<int>(PdqDihedral::kRotate180)];
  median[static_cast<int>(PdqDihedral::kRotate90)] = median[static_cast<int>(PdqDihedral::kFlipY)];
  median[static_cast<int>(PdqDihedral::kRotate270)] = median[static_cast<int>(PdqDihedral::kFlipX)];
  for (int i = 1; i < kPdqDihedralCount; ++i) {
    DihedralDct(static_cast<PdqDihedral>(i), dct_, aux_);
    PackBits(aux_, median[i], &out[i]);
    out[i].quality = out[0].quality;
  }
  return out;
}

// The reference filters with box windows of ceil(n / 128) samples, placed over [i − before,
// i + after] with after = ⌊(w + 2) / 2⌋ − 1 (so an even window reaches one further right), clamped
// to the image and averaged over the samples inside, twice; then samples the centre of each of 64
// cells. Folding both passes and the sampling gives, per output sample, a kernel of about
// n / 64 input samples.
void PdqHasher::BuildAxisKernel(int n, AxisKernel* k) {
  const int window = (n + 127) / 128;
  const int after = (window + 2) / 2 - 1;
  const int before = window - 1 - after;
  auto lo = [&](int i) { return std::max(0, i - before); };
  auto hi = [&](int i) { return std::min(n - 1, i + after); };
  k->size = n;
  k->weights.clear();
  std::vector<double> w;
  for (int o = 0; o < 64; ++o) {
    const int c = static_cast<int>(((o + 0.5) * n) / 64);
    const int first = lo(lo(c)), last = hi(hi(c));
    w.assign(static_cast<std::size_t>(last - first + 1), 0.0);
    const double outer = 1.0 / (hi(c) - lo(c) + 1);
    for (int m = lo(c); m <= hi(c); ++m) {
      const double inner = outer / (hi(m) - lo(m) + 1);
      for (int j = lo(m); j <= hi(m); ++j) w[static_cast<std::size_t>(j - first)] += inner;
    }
    k->start[o] = first;
    k->length[o] = last - first + 1;
    k->offset[o] = static_cast<int>(k->weights.size());
    for (double x : w) k->weights.push_back(static_cast<float>(x));
  }
}

bool PdqHasher::Downsample(const void* pixels, Source source, int width, int height, int stride,
                           float* block) {
  const int channels = source == Source::kRgb24 ? 3 : 1;
  if (pixels == nullptr || block == nullptr || width < kMinSide || height < kMinSide ||
      static_cast<long long>(stride) < static_cast<long long>(width) * channels) {
    return false;
  }
  if (rows_.size != width) {
    BuildAxisKernel(width, &rows_);
    rows_rgb_.size = -1;
  }
  if (cols_.size != height) BuildAxisKernel(height, &cols_);
  const AxisKernel* across = &rows_;
  if (channels == 3) {
    // Luminance is linear, so it commutes with the filter: fold the weights R, G, B into the
    // horizontal kernel, which then runs over interleaved samples.
    if (rows_rgb_.size != width) {
      rows_rgb_.size = width;
      rows_rgb_.weights.clear();
      for (int c = 0; c < 64; ++c) {
        rows_rgb_.start[c] = 3 * rows_.start[c];
        rows_rgb_.length[c] = 3 * rows_.length[c];
        rows_rgb_.offset[c] = static_cast<int>(rows_rgb_.weights.size());
        for (int j = 0; j < rows_.length[c]; ++j) {
          const float w = rows_.weights[static_cast<std::size_t>(rows_.offset[c] + j)];
          rows_rgb_.weights.insert(rows_rgb_.weights.end(), {w * kLumaR, w * kLumaG, w * kLumaB});
        }
      }
    }
    across = &rows_rgb_;
  }
  const int n = width * channels;
  if (line_.size() < static_cast<std::size_t>(n)) line_.resize(static_cast<std::size_t>(n));
  float* line = line_.data();
  const std::size_t row_stride = static_cast<std::size_t>(stride);
  for (int r = 0; r < 64; ++r) {
    // Vertical: the weighted sum of the input rows under output row r's kernel.
    const float* wy = cols_.weights.data() + cols_.offset[r];
    const std::size_t first = static_cast<std::size_t>(cols_.start[r]) * row_stride;
    if (source == Source::kFloat) {
      kernels_->filter_f32(static_cast<const float*>(pixels) + first, row_stride, cols_.length[r],
                           wy, n, line);
    } else {
      kernels_->filter_u8(static_cast<const std::uint8_t*>(pixels) + first, row_stride,
                          cols_.length[r], wy, n, line);
    }
    // Horizontal: 64 short dot products.
    for (int c = 0; c < 64; ++c) {
      block[r * 64 + c] = kernels_->dot(
          line + across->start[c], across->weights.data() + across->offset[c], across->length[c]);
    }
  }
  return true;
}

bool PdqHasher::Downsample64(const std::uint8_t* luma, int width, int height, int stride,
                             float* block) {
  return Downsample(luma, Source::kGray8, width, height, stride, block);
}
bool PdqHasher::Downsample64(const float* luma, int width, int height, int stride, float* block) {
  return Downsample(luma, Source::kFloat, width, height, stride, block);
}
bool PdqHasher::Downsample64Rgb(const std::uint8_t* rgb, int width, int height, int stride,
                                float* block) {
  return Downsample(rgb, Source::kRgb24, width, height, stride, block);
}

PdqHash PdqHasher::HashLuma(const std::uint8_t* luma, int width, int height, int stride) {
  PdqHash h;
  if (Downsample(luma, Source::kGray8, width, height, stride, block_)) Finish(block_, &h);
  return h;
}
PdqHash PdqHasher::HashLuma(const float* luma, int width, int height, int stride) {
  PdqHash h;
  if (Downsample(luma, Source::kFloat, width, height, stride, block_)) Finish(block_, &h);
  return h;
}
PdqHash PdqHasher::HashRgb(const std::uint8_t* rgb, int width, int height, int stride) {
  PdqHash h;
  if (Downsample(rgb, Source::kRgb24, width, height, stride, block_)) Finish(block_, &h);
  return h;
}

std::array<PdqHash, kPdqDihedralCount> PdqHasher::HashDihedralLuma(const std::uint8_t* luma,
                                                                   int width, int height,
                                                                   int stride) {
  if (!Downsample(luma, Source::kGray8, width, height, stride, block_)) return {};
  return HashDihedral64(block_);
}
std::array<PdqHash, kPdqDihedralCount> PdqHasher::HashDihedralRgb(const std::uint8_t* rgb,
                                                                  int width, int height,
                                                                  int stride) {
  if (!Downsample(rgb, Source::kRgb24, width, height, stride, block_)) return {};
  return HashDihedral64(block_);
}

}  // namespace sightline::signals::visual

// PDQ: Meta's 256-bit perceptual image hash, implemented from its published description
// ("The TMK+PDQF video-hashing algorithm and the PDQ image-hashing algorithm", Facebook, 2017;
// facebook/ThreatExchange, hashing/pdqhashing.pdf) and the documented behaviour of the reference
// library (facebook/ThreatExchange, pdq/cpp). Hashes written here interoperate with the reference:
// the same image decoded the same way gives the same hash up to float rounding, i.e. a few bits
// at most (Meta's own implementations differ by up to about 5 bits, through JPEG decoders and
// resamplers).
//
// The algorithm, for an image of width × height luminance samples (0..255):
//  1. Luminance Y = 0.299 R + 0.587 G + 0.114 B (the weights of the reference; a grey or luma
//     plane is used as it is).
//  2. A tent filter (Jarosz, "Fast image convolutions", SIGGRAPH 2001): two passes of a box filter
//     along rows then columns, with box widths ceil(width / 128) along rows and ceil(height / 128)
//     along columns, windows clamped at the borders and averaged over the samples inside.
//  3. Decimation to 64 × 64 by taking the filtered sample nearest each output cell's centre:
//     row floor((i + 0.5) × height / 64), column floor((j + 0.5) × width / 64).
//  4. The 16 × 16 lowest non-constant DCT-II coefficients (frequencies 1..16 on each axis) of the
//     64 × 64 block: B = D A Dᵀ with D[u][k] = sqrt(2/64) cos(π (u + 1)(2k + 1) / 128).
//  5. Bit (16 u + v) is set when B[u][v] is above the median of the 256 coefficients (the 128th
//     smallest), so about half the bits are set.
//  6. Quality: the sum over horizontal and vertical neighbours of the 64 × 64 block of
//     trunc(|difference| × 100 / 255), divided by 90 and capped at 100.
// Images smaller than 5 pixels on either side are not hashed: the hash is all zeros and quality 0
// (the reference's behaviour).
//
// Quality: 0..100, a measure of how much gradient (detail) the 64 × 64 block has. Near 0 means a
// flat or nearly featureless image whose hash says little: Meta recommends ignoring hashes of
// quality below 50 when matching. It is not a measure of JPEG quality or sharpness.
//
// Interoperability notes: the hex text is the reference's (16-bit words, most significant first);
// HashLuma and friends hash the full image as the reference library does (pdqHash256FromFloatLuma),
// not the 512 × 512 nearest-neighbour squash the reference command-line tool applies to larger
// images first. The 64 × 64 downsample here is computed as one separable product (the two box
// passes folded into one kernel per output sample), which equals the reference's four passes in
// exact arithmetic and reads each input pixel about once. For still images, decode to RGB
// (media::DecodeImage with ImagePixels::kRgb24) and use HashRgb: on the development corpus that
// lands within 0–2 bits of Meta's tool, where hashing the JPEG's own Y plane lands within 0–4.
//
// Dihedral variants and the reference's sampling: the reference's box windows of even width reach
// one sample further right (down) than left (up), and its decimation grid is symmetric only when a
// side is 64 × m with m odd. So the hash of variant V equals the hash of the picture transformed
// by V exactly only when every axis V reverses has a side of 64 × m with m ≡ 1 (mod 4) (64, 320,
// 576, 832…; always for Hash64 blocks). For other sizes the reversed axis is sampled up to a
// cell off and the two typically differ by 20–40 bits (a 256 × 256 photo: 24–38), as they do
// with the reference: compare rotated or mirrored copies with that in mind.
//
// Thread safety: PdqHash is a value. A PdqHasher owns scratch buffers (about 42 KB inline, so
// keep one per thread, e.g. in a std::unique_ptr, rather than one per call on a small stack) and is
// not thread-safe. Construction is cheap: the DCT tables are shared, immutable and built once.
#ifndef SIGHTLINE_SIGNALS_VISUAL_PDQ_H_
#define SIGHTLINE_SIGNALS_VISUAL_PDQ_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sightline::signals::visual {

// Stored with every PDQ signature; bump when hashes computed here would change.
inline constexpr int kPdqFormatVersion = 1;

// The eight symmetries of the square, in the reference's order and with its names:
//   kRotate90 / kRotate270: the image turned 90° counter-clockwise / clockwise;
//   kFlipX: top and bottom change places (mirrored about the horizontal axis);
//   kFlipY: left and right change places (the ordinary mirror image);
//   kFlipPlus1: mirrored about the main diagonal (upper-left and lower-right corners stay; the
//               transpose);
//   kFlipMinus1: mirrored about the anti-diagonal (upper-right and lower-left corners stay).
// The hash of variant V of an image equals (up to rounding) the hash of the image transformed by V.
enum class PdqDihedral : int {
  kOriginal = 0,
  kRotate90 = 1,
  kRotate180 = 2,
  kRotate270 = 3,
  kFlipX = 4,
  kFlipY = 5,
  kFlipPlus1 = 6,
  kFlipMinus1 = 7,
};
inline constexpr int kPdqDihedralCount = 8;
// "original", "rotate90", "rotate180", "rotate270", "flipx", "flipy", "flipplus1", "flipminus1".
const char* PdqDihedralName(PdqDihedral d);

struct PdqHash {
  // The 256 bits in the order of the hex text: bits[0] is the first two hex digits. Bit k of the
  // reference's numbering (DCT coefficient row k / 16, column k % 16) is bit (k % 8) of
  // bits[2 × (15 − k / 16) + (k % 16 < 8 ? 1 : 0)]; see Bit().
  std::array<std::uint8_t, 32> bits{};
  int quality = 0;  // 0..100; see the file comment

  // 64 lower-case hex digits, as the reference prints them.
  std::string Hex() const;
  // Parses 64 hex digits (either case). kInvalidArgument names what is wrong.
  static Result<PdqHash> FromHex(std::string_view hex, int quality = 0);

  // Bit k (0..255) in the reference's numbering.
  bool Bit(int k) const { return (bits[BitByte(k)] >> (k & 7)) & 1; }
  void SetBit(int k) { bits[BitByte(k)] |= static_cast<std::uint8_t>(1u << (k & 7)); }
  int PopCount() const;

  friend bool operator==(const PdqHash&, const PdqHash&) = default;

 private:
  static int BitByte(int k) { return 2 * (15 - ((k >> 4) & 15)) + ((k & 15) < 8 ? 1 : 0); }
};

// Number of differing bits, 0..256 (quality is not compared). Similar images: ≤ 31 (Meta's
// suggested match threshold); unrelated images: about 128.
int HammingDistance(const PdqHash& a, const PdqHash& b);

// Computes PDQ hashes. Owns its scratch memory: Hash64 and HashDihedral64 allocate nothing; the
// full-image entry points allocate only when the image is wider (or of different dimensions, for
// the cached filter tables) than any seen before by this hasher. Not thread-safe: one per thread.
//
// Pixel inputs: `width` × `height` samples, row r starting at base + r × stride (stride in
// elements of the pointed-to type: bytes for uint8_t, floats for float; RGB stride in bytes, at
// least 3 × width). Luma is on the 0..255 scale (float luma too). Null pointers, non-positive
// sizes, or sides under 5 give the all-zero hash with quality 0. The caller guarantees the memory
// is readable; the hasher never writes to it. EXIF orientation is not applied (as in the
// reference): pass the pixels as stored.
namespace pdq_internal {
struct Kernels;  // the arithmetic kernels (pdq.cc)
}  // namespace pdq_internal

// Which implementation of the arithmetic kernels a hasher uses. kBest picks AVX2+FMA when the
// processor has it, else the portable code (SSE2-vectorisable C++); both give the same hashes up to
// float rounding (FMA rounds once where the portable code rounds twice), i.e. identical in almost
// every case and otherwise a bit or two apart.
enum class PdqKernels { kBest, kPortable };

class PdqHasher {
 public:
  explicit PdqHasher(PdqKernels kernels = PdqKernels::kBest);
  PdqHasher(const PdqHasher&) = delete;
  PdqHasher& operator=(const PdqHasher&) = delete;

  // The hot path: the hash of an already decimated 64 × 64 luma block (row-major, 0..255 scale),
  // e.g. a video frame scaled by the decoder or a block from Downsample64. NaN samples count as 0.
  PdqHash Hash64(const float* block);
  // All eight symmetries from one DCT, indexed by PdqDihedral.
  std::array<PdqHash, kPdqDihedralCount> HashDihedral64(const float* block);

  // Full image: luminance → tent filter → 64 × 64 → DCT → bits, as the reference library does.
  PdqHash HashLuma(const std::uint8_t* luma, int width, int height, int stride);
  PdqHash HashLuma(const float* luma, int width, int height, int stride);
  // Packed 8-bit R, G, B (RGB24), luminance with the reference's weights.
  PdqHash HashRgb(const std::uint8_t* rgb, int width, int height, int stride);

  std::array<PdqHash, kPdqDihedralCount> HashDihedralLuma(const std::uint8_t* luma, int width,
                                                          int height, int stride);
  std::array<PdqHash, kPdqDihedralCount> HashDihedralRgb(const std::uint8_t* rgb, int width,
                                                         int height, int stride);

  // The 64 × 64 block (row-major, into `block`) that the full-image entry points hash. Returns
  // false, leaving `block` untouched, for inputs that are not hashed (see above).
  bool Downsample64(const std::uint8_t* luma, int width, int height, int stride, float* block);
  bool Downsample64(const float* luma, int width, int height, int stride, float* block);
  bool Downsample64Rgb(const std::uint8_t* rgb, int width, int height, int stride, float* block);

  // The kernels this hasher runs: "avx2+fma" or "portable". For benchmarks and tests.
  const char* KernelName() const;

 private:
  // Per-axis filter: for each of the 64 output samples, the weights of the input samples it
  // combines (two box passes folded into one kernel).
  struct AxisKernel {
    int size = -1;  // input length the kernel was built for
    std::array<int, 64> start{}, length{}, offset{};
    std::vector<float> weights;
  };
  enum class Source { kGray8, kRgb24, kFloat };

  bool Downsample(const void* pixels, Source source, int width, int height, int stride,
                  float* block);
  void Finish(const float* block, PdqHash* hash);  // DCT, quality and bits of `block`
  static void BuildAxisKernel(int n, AxisKernel* k);

  const pdq_internal::Kernels* kernels_;
  alignas(64) float block_[64 * 64];
  alignas(64) float dct_[256];
  alignas(64) float aux_[256];
  alignas(64) float scratch_[6144];  // DCT intermediates
  AxisKernel rows_, cols_;           // along a row (x, width) / along a column (y, height)
  AxisKernel rows_rgb_;      // rows_ over interleaved R, G, B with the luminance weights folded in
  std::vector<float> line_;  // one vertically filtered row (width × channels)
};

}  // namespace sightline::signals::visual

#endif  // SIGHTLINE_SIGNALS_VISUAL_PDQ_H_

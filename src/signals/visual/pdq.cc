// PDQ hashing; see pdq.h for the algorithm and the sources it follows.
//
// Where the time goes in the hot path (Hash64, one 64 × 64 block):
//  - the 16 × 64 DCT applied on both sides. Each basis row is symmetric or antisymmetric about the
//    block's middle (D[u][63 − k] = (−1)^(u+1) D[u][k]), so both products run on folded halves:
//    first T = D A over rows of A folded as A[k] ± A[63 − k] (32 × 64 multiply-adds per
//    coefficient row instead of 64 × 64), then B = T Dᵀ over rows of T folded the same way. Both
//    are written as row-vector multiply-adds that vectorise (AVX2+FMA kernels chosen at run time,
//    portable code otherwise);
//  - the gradient-sum quality metric (vectorised the same way);
//  - the median of the 256 coefficients (selection on a copy) and the bit packing.
#include "signals/visual/pdq.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SIGHTLINE_PDQ_X86 1
#endif

namespace sightline::signals::visual {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kMinSide = 5;  // the reference does not hash images smaller than this

// Luminance weights of the reference (ITU-R BT.601 luma).
constexpr float kLumaR = 0.299f;
constexpr float kLumaG = 0.587f;
constexpr float kLumaB = 0.114f;

// Quality: trunc(|difference| × 100 / 255) per neighbour pair. The reference divides by 255; a
// multiplication by the next float above 100/255 gives the same integers for the integer
// differences of 8-bit input and costs a fraction of a division.
const float kQualityScale = std::nextafter(100.0f / 255.0f, 1.0f);

// The DCT basis, folded (see the file comment). D[u][k] = sqrt(2/64) cos(π (u+1)(2k+1) / 128).
struct DctTables {
  // half[u][k] = D[u][k] for k < 32.
  alignas(64) float half[16][32];
  // For B = T Dᵀ, by output column parity: even[k][m] = D[2m][k], odd[k][m] = D[2m+1][k].
  alignas(64) float even[32][8];
  alignas(64) float odd[32][8];
};

const DctTables& Tables() {
  static const DctTables tables = [] {
    DctTables t;
    const double scale = std::sqrt(2.0 / 64.0);
    for (int u = 0; u < 16; ++u) {
      for (int k = 0; k < 32; ++k) {
        t.half[u][k] = static_cast<float>(scale * std::cos(kPi / 128.0 * (u + 1) * (2 * k + 1)));
      }
    }
    for (int k = 0; k < 32; ++k) {
      for (int m = 0; m < 8; ++m) {
        t.even[k][m] = t.half[2 * m][k];
        t.odd[k][m] = t.half[2 * m + 1][k];
      }
    }
    return t;
  }();
  return tables;
}

// Scratch layout for the DCT (floats): folded rows of A (sum, difference: 32 × 64 each), T
// (16 × 64), folded rows of T (sum, difference: 16 × 32 each).
constexpr int kFoldSum = 0;
constexpr int kFoldDiff = 2048;
constexpr int kT = 4096;
constexpr int kTSum = 5120;
constexpr int kTDiff = 5632;

// ---------------------------------------------------------------------------------------------
// Portable kernels: plain loops of fixed length that GCC vectorises with the baseline SSE2.

void DctPortable(const float* __restrict a, float* __restrict b, float* __restrict s) {
  const DctTables& t = Tables();
  float* __restrict fs = s + kFoldSum;
  float* __restrict fd = s + kFoldDiff;
  for (int k = 0; k < 32; ++k) {
    const float* top = a + k * 64;
    const float* bottom = a + (63 - k) * 64;
    for (int x = 0; x < 64; ++x) {
      fs[k * 64 + x] = top[x] + bottom[x];
      fd[k * 64 + x] = top[x] - bottom[x];
    }
  }
  // T[u] = Σ_k D[u][k] F[k], F the folded sum for odd u (even frequency), difference for even u.
  float* tt = s + kT;
  for (int u = 0; u < 16; ++u) {
    const float* f = (u & 1) ? fs : fd;
    float row[64] = {};
    for (int k = 0; k < 32; ++k) {
      const float c = t.half[u][k];
      for (int x = 0; x < 64; ++x) row[x] += c * f[k * 64 + x];
    }
    std::memcpy(tt + u * 64, row, sizeof row);
  }
  float* ts = s + kTSum;
  float* td = s + kTDiff;
  for (int u = 0; u < 16; ++u) {
    for (int x = 0; x < 32; ++x) {
      ts[u * 32 + x] = tt[u * 64 + x] + tt[u * 64 + 63 - x];
      td[u * 32 + x] = tt[u * 64 + x] - tt[u * 64 + 63 - x];
    }
  }
  // B[u][v] = Σ_x T[u][x] D[v][x]: even v (odd frequency) from the difference, odd v from the sum.
  for (int u = 0; u < 16; ++u) {
    float e[8] = {}, o[8] = {};
    for (int x = 0; x < 32; ++x) {
      const float cd = td[u * 32 + x], cs = ts[u * 32 + x];
      for (int m = 0; m < 8; ++m) {
        e[m] += cd * t.even[x][m];
        o[m] += cs * t.odd[x][m];
      }
    }
    for (int m = 0; m < 8; ++m) {
      b[u * 16 + 2 * m] = e[m];
      b[u * 16 + 2 * m + 1] = o[m];
    }
  }
}

int GradientSumPortable(const float* a) {
  int sum = 0;
  for (int i = 0; i < 63; ++i) {
    for (int j = 0; j < 64; ++j) {
      sum += static_cast<int>(std::fabs(a[i * 64 + j] - a[(i + 1) * 64 + j]) * kQualityScale);
    }
  }
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 63; ++j) {
      sum += static_cast<int>(std::fabs(a[i * 64 + j] - a[i * 64 + j + 1]) * kQualityScale);
    }
  }
  return sum;
}

// out[i] = Σ_t w[t] × rows[t × stride + i] for i < n: the weighted sum of `taps` input rows.
// Blocks of 16 outputs stay in registers across all the rows.
template <typename T>
void FilterRowsPortable(const T* rows, std::size_t stride, int taps, const float* w, int n,
                        float* out) {
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    float acc[16] = {};
    for (int t = 0; t < taps; ++t) {
      const T* p = rows + t * stride + i;
      const float wt = w[t];
      for (int l = 0; l < 16; ++l) acc[l] += wt * static_cast<float>(p[l]);
    }
    std::memcpy(out + i, acc, sizeof acc);
  }
  for (; i < n; ++i) {
    float acc = 0;
    for (int t = 0; t < taps; ++t) acc += w[t] * static_cast<float>(rows[t * stride + i]);
    out[i] = acc;
  }
}

float DotPortable(const float* a, const float* w, int n) {
  float sum = 0;
  for (int i = 0; i < n; ++i) sum += a[i] * w[i];
  return sum;
}

// ---------------------------------------------------------------------------------------------
// AVX2 + FMA kernels.
#ifdef SIGHTLINE_PDQ_X86

__attribute__((target("avx2,fma"))) void DctAvx2(const float* a, float* b, float* s) {
  const DctTables& t = Tables();
  float* fs = s + kFoldSum;
  float* fd = s + kFoldDiff;
  for (int k = 0; k < 32; ++k) {
    const float* top = a + k * 64;
    const float* bottom = a + (63 - k) * 64;
    for (int x = 0; x < 64; x += 8) {
      __m256 p = _mm256_loadu_ps(top + x), q = _mm256_loadu_ps(bottom + x);
      _mm256_store_ps(fs + k * 64 + x, _mm256_add_ps(p, q));
      _mm256_store_ps(fd + k * 64 + x, _mm256_sub_ps(p, q));
    }
  }
  // T = D A on folded rows: two coefficient rows of one parity × 32 columns per pass (8
  // accumulators), so each folded row chunk loaded serves two rows of T.
  float* tt = s + kT;
  for (int parity = 0; parity < 2; ++parity) {
    const float* f = parity ? fs : fd;
    for (int u = parity; u < 16; u += 4) {
      const int v = u + 2;
      for (int x0 = 0; x0 < 64; x0 += 32) {
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int k = 0; k < 32; ++k) {
          const float* row = f + k * 64 + x0;
          const __m256 cu = _mm256_broadcast_ss(&t.half[u][k]);
          const __m256 cv = _mm256_broadcast_ss(&t.half[v][k]);
          const __m256 r0 = _mm256_load_ps(row), r1 = _mm256_load_ps(row + 8);
          const __m256 r2 = _mm256_load_ps(row + 16), r3 = _mm256_load_ps(row + 24);
          a0 = _mm256_fmadd_ps(cu, r0, a0);
          a1 = _mm256_fmadd_ps(cu, r1, a1);
          a2 = _mm256_fmadd_ps(cu, r2, a2);
          a3 = _mm256_fmadd_ps(cu, r3, a3);
          b0 = _mm256_fmadd_ps(cv, r0, b0);
          b1 = _mm256_fmadd_ps(cv, r1, b1);
          b2 = _mm256_fmadd_ps(cv, r2, b2);
          b3 = _mm256_fmadd_ps(cv, r3, b3);
        }
        float* tu = tt + u * 64 + x0;
        float* tv = tt + v * 64 + x0;
        _mm256_store_ps(tu, a0);
        _mm256_store_ps(tu + 8, a1);
        _mm256_store_ps(tu + 16, a2);
        _mm256_store_ps(tu + 24, a3);
        _mm256_store_ps(tv, b0);
        _mm256_store_ps(tv + 8, b1);
        _mm256_store_ps(tv + 16, b2);
        _mm256_store_ps(tv + 24, b3);
      }
    }
  }
  // Fold the rows of T: lane l of chunk c pairs x = 8c + l with 63 − x, the reversed chunk 7 − c.
  float* ts = s + kTSum;
  float* td = s + kTDiff;
  const __m256i reverse = _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0);
  for (int u = 0; u < 16; ++u) {
    for (int c = 0; c < 4; ++c) {
      __m256 p = _mm256_load_ps(tt + u * 64 + 8 * c);
      __m256 q = _mm256_permutevar8x32_ps(_mm256_load_ps(tt + u * 64 + 56 - 8 * c), reverse);
      _mm256_store_ps(ts + u * 32 + 8 * c, _mm256_add_ps(p, q));
      _mm256_store_ps(td + u * 32 + 8 * c, _mm256_sub_ps(p, q));
    }
  }
  // B = T Dᵀ: four rows of B at a time, even and odd columns in separate accumulators, then
  // interleaved.
  for (int u = 0; u < 16; u += 4) {
    __m256 e0 = _mm256_setzero_ps(), e1 = e0, e2 = e0, e3 = e0;
    __m256 o0 = e0, o1 = e0, o2 = e0, o3 = e0;
    for (int x = 0; x < 32; ++x) {
      const __m256 de = _mm256_load_ps(t.even[x]);
      const __m256 dd = _mm256_load_ps(t.odd[x]);
      e0 = _mm256_fmadd_ps(_mm256_broadcast_ss(td + (u + 0) * 32 + x), de, e0);
      e1 = _mm256_fmadd_ps(_mm256_broadcast_ss(td + (u + 1) * 32 + x), de, e1);
      e2 = _mm256_fmadd_ps(_mm256_broadcast_ss(td + (u + 2) * 32 + x), de, e2);
      e3 = _mm256_fmadd_ps(_mm256_broadcast_ss(td + (u + 3) * 32 + x), de, e3);
      o0 = _mm256_fmadd_ps(_mm256_broadcast_ss(ts + (u + 0) * 32 + x), dd, o0);
      o1 = _mm256_fmadd_ps(_mm256_broadcast_ss(ts + (u + 1) * 32 + x), dd, o1);
      o2 = _mm256_fmadd_ps(_mm256_broadcast_ss(ts + (u + 2) * 32 + x), dd, o2);
      o3 = _mm256_fmadd_ps(_mm256_broadcast_ss(ts + (u + 3) * 32 + x), dd, o3);
    }
    const __m256 es[4] = {e0, e1, e2, e3};
    const __m256 os[4] = {o0, o1, o2, o3};
    for (int r = 0; r < 4; ++r) {
      const __m256 lo = _mm256_unpacklo_ps(es[r], os[r]);  // e0 o0 e1 o1 | e4 o4 e5 o5
      const __m256 hi = _mm256_unpackhi_ps(es[r], os[r]);  // e2 o2 e3 o3 | e6 o6 e7 o7
      _mm256_storeu_ps(b + (u + r) * 16, _mm256_permute2f128_ps(lo, hi, 0x20));
      _mm256_storeu_ps(b + (u + r) * 16 + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
    }
  }
}

// Adds trunc(|d| × scale) lane by lane to `sum`.
__attribute__((target("avx2,fma"), always_inline)) inline __m256i AddGradients(__m256i sum,
                                                                               __m256 d,
                                                                               __m256 abs_mask,
                                                                               __m256 scale) {
  return _mm256_add_epi32(sum,
                          _mm256_cvttps_epi32(_mm256_mul_ps(_mm256_and_ps(d, abs_mask), scale)));
}

__attribute__((target("avx2,fma"))) int GradientSumAvx2(const float* a) {
  const __m256 scale = _mm256_set1_ps(kQualityScale);
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  // Drops lane 0 of the last, overlapping chunk of each row (j = 55 is counted by the one before).
  const __m256 tail_mask = _mm256_castsi256_ps(_mm256_setr_epi32(0, -1, -1, -1, -1, -1, -1, -1));
  __m256i sum = _mm256_setzero_si256();
  for (int i = 0; i < 63; ++i) {
    for (int j = 0; j < 64; j += 8) {
      const __m256 d =
          _mm256_sub_ps(_mm256_loadu_ps(a + i * 64 + j), _mm256_loadu_ps(a + (i + 1) * 64 + j));
      sum = AddGradients(sum, d, abs_mask, scale);
    }
  }
  for (int i = 0; i < 64; ++i) {
    const float* row = a + i * 64;
    for (int j = 0; j < 56; j += 8) {
      const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(row + j + 1));
      sum = AddGradients(sum, d, abs_mask, scale);
    }
    const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + 55), _mm256_loadu_ps(row + 56));
    sum = AddGradients(sum, _mm256_and_ps(d, tail_mask), abs_mask, scale);
  }
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

// Eight bytes at p as eight floats.
__attribute__((target("avx2,fma"), always_inline)) inline __m256 Widen8(const std::uint8_t* p) {
  return _mm256_cvtepi32_ps(
      _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
}

// As FilterRowsPortable, 32 outputs (four registers) at a time.
__attribute__((target("avx2,fma"))) void FilterRowsU8Avx2(const std::uint8_t* rows,
                                                          std::size_t stride, int taps,
                                                          const float* w, int n, float* out) {
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (int t = 0; t < taps; ++t) {
      const std::uint8_t* p = rows + t * stride + i;
      const __m256 wt = _mm256_broadcast_ss(w + t);
      a0 = _mm256_fmadd_ps(wt, Widen8(p), a0);
      a1 = _mm256_fmadd_ps(wt, Widen8(p + 8), a1);
      a2 = _mm256_fmadd_ps(wt, Widen8(p + 16), a2);
      a3 = _mm256_fmadd_ps(wt, Widen8(p + 24), a3);
    }
    _mm256_storeu_ps(out + i, a0);
    _mm256_storeu_ps(out + i + 8, a1);
    _mm256_storeu_ps(out + i + 16, a2);
    _mm256_storeu_ps(out + i + 24, a3);
  }
  for (; i + 8 <= n; i += 8) {
    __m256 a0 = _mm256_setzero_ps();
    for (int t = 0; t < taps; ++t) {
      a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + t), Widen8(rows + t * stride + i), a0);
    }
    _mm256_storeu_ps(out + i, a0);
  }
  for (; i < n; ++i) {
    float acc = 0;
    for (int t = 0; t < taps; ++t) acc += w[t] * static_cast<float>(rows[t * stride + i]);
    out[i] = acc;
  }
}

__attribute__((target("avx2,fma"))) void FilterRowsF32Avx2(const float* rows, std::size_t stride,
                                                           int taps, const float* w, int n,
                                                           float* out) {
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (int t = 0; t < taps; ++t) {
      const float* p = rows + t * stride + i;
      const __m256 wt = _mm256_broadcast_ss(w + t);
      a0 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(p), a0);
      a1 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(p + 8), a1);
      a2 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(p + 16), a2);
      a3 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(p + 24), a3);
    }
    _mm256_storeu_ps(out + i, a0);
    _mm256_storeu_ps(out + i + 8, a1);
    _mm256_storeu_ps(out + i + 16, a2);
    _mm256_storeu_ps(out + i + 24, a3);
  }
  for (; i + 8 <= n; i += 8) {
    __m256 a0 = _mm256_setzero_ps();
    for (int t = 0; t < taps; ++t) {
      a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + t), _mm256_loadu_ps(rows + t * stride + i), a0);
    }
    _mm256_storeu_ps(out + i, a0);
  }
  for (; i < n; ++i) {
    float acc = 0;
    for (int t = 0; t < taps; ++t) acc += w[t] * rows[t * stride + i];
    out[i] = acc;
  }
}

__attribute__((target("avx2,fma"))) float DotAvx2(const float* a, const float* w, int n) {
  int i = 0;
  float sum = 0;
  if (n >= 8) {
    __m256 v = _mm256_setzero_ps();
    for (; i + 8 <= n; i += 8) {
      v = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(w + i), v);
    }
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    sum = _mm_cvtss_f32(s);
  }
  for (; i < n; ++i) sum += a[i] * w[i];
  return sum;
}

#endif  // SIGHTLINE_PDQ_X86

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

}  // namespace

// ---------------------------------------------------------------------------------------------

namespace pdq_internal {

struct Kernels {
  void (*dct)(const float* a, float* b, float* scratch);
  int (*gradient_sum)(const float* a);
  void (*filter_u8)(const std::uint8_t* rows, std::size_t stride, int taps, const float* w, int n,
                    float* out);
  void (*filter_f32)(const float* rows, std::size_t stride, int taps, const float* w, int n,
                     float* out);
  float (*dot)(const float* a, const float* w, int n);
  const char* name;
};

}  // namespace pdq_internal

namespace {

using pdq_internal::Kernels;

const Kernels kPortableKernels = {
    DctPortable, GradientSumPortable, FilterRowsPortable<std::uint8_t>, FilterRowsPortable<float>,
    DotPortable, "portable"};
#ifdef SIGHTLINE_PDQ_X86
const Kernels kAvx2Kernels = {DctAvx2,           GradientSumAvx2, FilterRowsU8Avx2,
                              FilterRowsF32Avx2, DotAvx2,         "avx2+fma"};
#endif

const Kernels* BestKernels() {
#ifdef SIGHTLINE_PDQ_X86
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) return &kAvx2Kernels;
#endif
  return &kPortableKernels;
}

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
  (void)Tables();
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

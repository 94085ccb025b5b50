// The arithmetic kernels of PDQ (see pdq.h for the algorithm).
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
#include "signals/visual/pdq_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SIGHTLINE_PDQ_X86 1
#endif

namespace sightline::signals::visual::pdq_internal {

namespace {

constexpr double kPi = 3.14159265358979323846;

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

}  // namespace

extern const Kernels kPortableKernels;
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

void WarmTables() { (void)Tables(); }

}  // namespace sightline::signals::visual::pdq_internal

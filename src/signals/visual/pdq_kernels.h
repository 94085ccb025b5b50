// Internal to PDQ: the arithmetic kernels (DCT, gradient sum, filters, dot products) in a portable
// version and, on x86-64 processors that have them, an AVX2+FMA version chosen at run time. Both
// give the same hashes up to float rounding.
#ifndef SIGHTLINE_SIGNALS_VISUAL_PDQ_KERNELS_H_
#define SIGHTLINE_SIGNALS_VISUAL_PDQ_KERNELS_H_

#include <cstddef>
#include <cstdint>

namespace sightline::signals::visual::pdq_internal {

struct Kernels {
  // B (16 × 16) = D A Dᵀ for a 64 × 64 block A; `scratch` holds 6144 floats.
  void (*dct)(const float* a, float* b, float* scratch);
  // The quality metric's sum over neighbour differences of a 64 × 64 block.
  int (*gradient_sum)(const float* a);
  // n outputs, each the `taps`-tap weighted sum of rows (starting rows[k * stride]).
  void (*filter_u8)(const std::uint8_t* rows, std::size_t stride, int taps, const float* w, int n,
                    float* out);
  void (*filter_f32)(const float* rows, std::size_t stride, int taps, const float* w, int n,
                     float* out);
  float (*dot)(const float* a, const float* w, int n);
  const char* name;
};

extern const Kernels kPortableKernels;
// AVX2+FMA when the processor has both, else the portable kernels.
const Kernels* BestKernels();
// Builds the shared DCT tables now (they are built once, on first use, otherwise).
void WarmTables();

}  // namespace sightline::signals::visual::pdq_internal

#endif  // SIGHTLINE_SIGNALS_VISUAL_PDQ_KERNELS_H_

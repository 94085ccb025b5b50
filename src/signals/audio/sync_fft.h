// FFTW (single precision) for the audio signals and the sync analysis: aligned buffers owned by
// unique_ptr, and real transforms of power-of-two sizes whose plans are made once per size and
// process (FFTW's planner is not thread-safe: plans are made under one mutex; executing a plan on
// other arrays — FFTW's "new-array execute" — is thread-safe, so one plan serves every thread).
//
// Thread safety: RealFft::Get and the transforms may be called from any thread.
#ifndef SIGHTLINE_SIGNALS_AUDIO_SYNC_FFT_H_
#define SIGHTLINE_SIGNALS_AUDIO_SYNC_FFT_H_

#include <complex>
#include <cstddef>
#include <memory>

namespace sightline::signals::audio {

struct FftwFree {
  void operator()(void* p) const;
};
using FloatBuffer = std::unique_ptr<float[], FftwFree>;
using ComplexBuffer = std::unique_ptr<std::complex<float>[], FftwFree>;

// SIMD-aligned, zero-filled buffers (every array given to RealFft must come from these).
FloatBuffer AllocFloats(std::size_t n);
ComplexBuffer AllocComplex(std::size_t n);

// The smallest power of two >= n (n >= 1).
std::size_t NextPow2(std::size_t n);

class RealFft {
 public:
  // The transform of size n (a power of two, >= 2), planned on first use.
  static const RealFft& Get(std::size_t n);

  std::size_t size() const { return n_; }
  std::size_t bins() const { return n_ / 2 + 1; }
  // n reals → n/2 + 1 bins; `in` is preserved.
  void Forward(const float* in, std::complex<float>* out) const;
  // n/2 + 1 bins → n reals, unnormalised (scaled by n); `in` is overwritten.
  void Inverse(std::complex<float>* in, float* out) const;

  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

 private:
  explicit RealFft(std::size_t n);
  std::size_t n_;
  void* forward_ = nullptr;
  void* inverse_ = nullptr;
};

}  // namespace sightline::signals::audio

#endif  // SIGHTLINE_SIGNALS_AUDIO_SYNC_FFT_H_

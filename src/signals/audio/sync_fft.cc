#include "signals/audio/sync_fft.h"

#include <fftw3.h>

#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>

namespace sightline::signals::audio {

namespace {

std::mutex& PlannerMutex() {
  static std::mutex m;
  return m;
}

}  // namespace

void FftwFree::operator()(void* p) const { fftwf_free(p); }

FloatBuffer AllocFloats(std::size_t n) {
  auto* p = static_cast<float*>(fftwf_malloc(sizeof(float) * (n ? n : 1)));
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, sizeof(float) * n);
  return FloatBuffer(p);
}

ComplexBuffer AllocComplex(std::size_t n) {
  auto* p = static_cast<std::complex<float>*>(fftwf_malloc(sizeof(fftwf_complex) * (n ? n : 1)));
  if (!p) throw std::bad_alloc();
  std::memset(static_cast<void*>(p), 0, sizeof(fftwf_complex) * n);
  return ComplexBuffer(p);
}

std::size_t NextPow2(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

RealFft::RealFft(std::size_t n) : n_(n) {
  // Plan on scratch arrays with the alignment every buffer from AllocFloats/AllocComplex has.
  FloatBuffer real = AllocFloats(n);
  ComplexBuffer bins = AllocComplex(n / 2 + 1);
  auto* c = reinterpret_cast<fftwf_complex*>(bins.get());
  const int size = static_cast<int>(n);
  forward_ = fftwf_plan_dft_r2c_1d(size, real.get(), c, FFTW_ESTIMATE);
  inverse_ = fftwf_plan_dft_c2r_1d(size, c, real.get(), FFTW_ESTIMATE);
  if (!forward_ || !inverse_) throw std::runtime_error("FFTW cannot plan a transform");
}

RealFft::~RealFft() {
  std::lock_guard<std::mutex> lock(PlannerMutex());
  if (forward_) fftwf_destroy_plan(static_cast<fftwf_plan>(forward_));
  if (inverse_) fftwf_destroy_plan(static_cast<fftwf_plan>(inverse_));
}

const RealFft& RealFft::Get(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<RealFft>>* cache =
      new std::map<std::size_t, std::unique_ptr<RealFft>>();  // lives to the end of the process
  std::lock_guard<std::mutex> lock(PlannerMutex());
  auto it = cache->find(n);
  if (it != cache->end()) return *it->second;
  if (n < 2 || (n & (n - 1)) != 0) throw std::invalid_argument("FFT size must be a power of two");
  auto fft = std::unique_ptr<RealFft>(new RealFft(n));
  const RealFft& ref = *fft;
  cache->emplace(n, std::move(fft));
  return ref;
}

void RealFft::Forward(const float* in, std::complex<float>* out) const {
  fftwf_execute_dft_r2c(static_cast<fftwf_plan>(forward_), const_cast<float*>(in),
                        reinterpret_cast<fftwf_complex*>(out));
}

void RealFft::Inverse(std::complex<float>* in, float* out) const {
  fftwf_execute_dft_c2r(static_cast<fftwf_plan>(inverse_), reinterpret_cast<fftwf_complex*>(in),
                        out);
}

}  // namespace sightline::signals::audio

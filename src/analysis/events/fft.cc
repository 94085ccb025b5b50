#include "analysis/events/fft.h"

#include <fftw3.h>

#include <mutex>

namespace sightline::analysis::events {

namespace {

std::mutex& PlannerMutex() {
  static std::mutex m;
  return m;
}

}  // namespace

RealFft::RealFft(std::size_t n) : n_(n) {
  time_ = static_cast<float*>(fftwf_malloc(sizeof(float) * n));
  freq_ = static_cast<std::complex<float>*>(fftwf_malloc(sizeof(fftwf_complex) * (n / 2 + 1)));
  std::lock_guard<std::mutex> lock(PlannerMutex());
  auto* f = reinterpret_cast<fftwf_complex*>(freq_);
  forward_ = fftwf_plan_dft_r2c_1d(static_cast<int>(n), time_, f, FFTW_ESTIMATE);
  inverse_ = fftwf_plan_dft_c2r_1d(static_cast<int>(n), f, time_, FFTW_ESTIMATE);
}

RealFft::~RealFft() {
  {
    std::lock_guard<std::mutex> lock(PlannerMutex());
    if (forward_) fftwf_destroy_plan(static_cast<fftwf_plan>(forward_));
    if (inverse_) fftwf_destroy_plan(static_cast<fftwf_plan>(inverse_));
  }
  fftwf_free(time_);
  fftwf_free(freq_);
}

void RealFft::Forward() { fftwf_execute(static_cast<fftwf_plan>(forward_)); }
void RealFft::Inverse() { fftwf_execute(static_cast<fftwf_plan>(inverse_)); }

}  // namespace sightline::analysis::events

// A real FFT of one size (FFTW, single precision) with its buffers, owned RAII-style. FFTW's
// planner is not thread-safe: plans are made and destroyed under one process-wide mutex, so
// distinct RealFft objects may be used from distinct threads (one object, one thread).
#ifndef SIGHTLINE_ANALYSIS_EVENTS_FFT_H_
#define SIGHTLINE_ANALYSIS_EVENTS_FFT_H_

#include <complex>
#include <cstddef>
#include <memory>

namespace sightline::analysis::events {

class RealFft {
 public:
  explicit RealFft(std::size_t n);  // n even
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  std::size_t size() const { return n_; }
  float* time() { return time_; }                // n samples
  std::complex<float>* freq() { return freq_; }  // n/2 + 1 bins
  void Forward();                                // time() → freq()
  void Inverse();  // freq() → time(), unnormalised (scaled by n); overwrites freq()

 private:
  std::size_t n_;
  float* time_ = nullptr;
  std::complex<float>* freq_ = nullptr;
  void* forward_ = nullptr;
  void* inverse_ = nullptr;
};

}  // namespace sightline::analysis::events

#endif  // SIGHTLINE_ANALYSIS_EVENTS_FFT_H_

// The synced waveform figure of a same_moment finding: the sound levels of both items over the
// stretch they share, drawn on one time axis at the offset found, so that a reader sees the
// loud moments line up.
//
// Thread safety: pure functions of the files.
#ifndef SIGHTLINE_REPORT_WAVEFORM_H_
#define SIGHTLINE_REPORT_WAVEFORM_H_

#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::report {

// The level of `path`'s sound over [from_s, to_s) of its own clock in `bins` equal bins: the RMS
// of each bin in dBFS mapped linearly from -60 dB (0) to 0 dB (1); bins without sound are 0.
// Decoding stops at to_s. Fails when the file has no sound that decodes.
Result<std::vector<double>> SoundLevels(const std::string& path, double from_s, double to_s,
                                        int bins);

// An inline SVG (no xmlns: an HTML parser places it) `width` px wide: `a` drawn up from a middle
// line and `b` drawn down from it, both over [from_s, to_s) of a's clock, with time labels in
// seconds on a's clock and the two labels (escaped). Empty when either list is empty.
std::string SyncedWaveformSvg(const std::vector<double>& a, const std::vector<double>& b,
                              double from_s, double to_s, const std::string& label_a,
                              const std::string& label_b, int width = 900);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_WAVEFORM_H_

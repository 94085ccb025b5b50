// Constants shared by the shot detector's source files (shots.cc, shots_gradual.cc); not part of
// the public interface.
#ifndef SIGHTLINE_SIGNALS_VISUAL_SHOTS_INTERNAL_H_
#define SIGHTLINE_SIGNALS_VISUAL_SHOTS_INTERNAL_H_

namespace sightline::signals::visual::shots_internal {

inline constexpr int kBlock = 8;  // block-matching block side, on the 64-pixel working picture

}  // namespace sightline::signals::visual::shots_internal

#endif  // SIGHTLINE_SIGNALS_VISUAL_SHOTS_INTERNAL_H_

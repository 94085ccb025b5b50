// PDQ fingerprints of a file: one hash per sampled frame of a video, or one for a still image,
// computed in a single decode pass (media::DecodeFrames). Stills are hashed from RGB, as Meta's
// reference tools do; video frames from the decoder's luma plane, which is cheaper and lands within
// a few bits of the same frame hashed from RGB.
//
// Thread safety: HashFrames may run on several threads at once.
#ifndef SIGHTLINE_SIGNALS_VISUAL_FRAME_HASHES_H_
#define SIGHTLINE_SIGNALS_VISUAL_FRAME_HASHES_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "signals/visual/pdq.h"

namespace sightline::signals::visual {

struct FrameHash {
  double t = 0;  // presentation time, seconds (0 for a still)
  PdqHash pdq;
};

struct FrameHashOptions {
  double rate = 1.0;         // frames per second to hash
  bool every_frame = false;  // hash every decoded frame instead
  int threads = 2;           // decoder threads
};

struct FrameHashes {
  bool still = false;         // a still image: frames holds its one hash
  double duration_s = 0;      // of a video, from the container
  int width = 0, height = 0;  // hashed picture size, upright
  std::int64_t frames_decoded = 0;
  std::vector<FrameHash> frames;
  std::vector<std::string> warnings;  // damage met while decoding, each naming its time
};

// Hashes `path`. `on_progress` (may be empty) is told the time reached, in seconds. Fails, naming
// the file, when it has no picture or no frame decodes.
Result<FrameHashes> HashFrames(const std::string& path, const FrameHashOptions& options,
                               const std::function<void(double)>& on_progress = {});

// The JSON printed by `sightline hash --json` and stored in a case (doc/signals.md):
//   still: {"file","pdq","quality"}
//   video: {"file","duration_s","rate","frames":[{"t","pdq","quality"}],"warnings":[…]}
// where rate is the sampling rate (frames per second) or "all".
nlohmann::ordered_json FrameHashesJson(const FrameHashes& hashes, const std::string& file,
                                       const FrameHashOptions& options);

}  // namespace sightline::signals::visual

#endif  // SIGHTLINE_SIGNALS_VISUAL_FRAME_HASHES_H_

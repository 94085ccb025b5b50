// Known software and platform signatures in metadata: which editor a software tag names, and
// which encoder, muxer or platform a container or stream tag reveals. Each table entry says where
// the signature comes from (a specification or the tool's source, or "observation" when it was
// seen in real files but is not documented by its maker). Kept conservative: an entry must name
// one tool or platform without ambiguity.
//
// Pure functions; no I/O; thread-safe.
#ifndef SIGHTLINE_ANALYSIS_METADATA_SIGNATURES_H_
#define SIGHTLINE_ANALYSIS_METADATA_SIGNATURES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/probe.h"

namespace sightline::analysis::metadata {

// The editing program named by a software tag value ("Adobe Photoshop 24.1 (Windows)" →
// "Adobe Photoshop"), or nullopt for camera firmware, OS versions and unknown names.
std::optional<std::string> MatchEditor(std::string_view software);

// One piece of evidence that the file was re-encoded or re-muxed after capture.
struct ReencodeSignature {
  std::string tool;      // "FFmpeg (libavformat)", "HandBrake", "YouTube / Google", "WhatsApp"
  std::string evidence;  // the tag and value that reveal it: Container.encoder = "Lavf58.76.100"
};

// Every re-encoding signature in the probe result, one per tool, in tag order.
std::vector<ReencodeSignature> FindReencodeSignatures(const media::ProbeResult& r);

}  // namespace sightline::analysis::metadata

#endif  // SIGHTLINE_ANALYSIS_METADATA_SIGNATURES_H_

// The JSON of the text read in one file, as `sightline text --json` prints it and the text stage
// of `analyze` stores it (doc/text.md):
//   {"file", "kind": "photo"|"video", "width", "height", "duration", "frames_sampled",
//    "frames_read", "text": [{"t", "end", "text", "confidence", "box": [x, y, w, h], "lang",
//    "frames"}], "place_words": [...], "warnings": [...]}
// t, end and duration in seconds to the millisecond, null for a photo.
#ifndef SIGHTLINE_ANALYSIS_TEXT_FILE_TEXT_JSON_H_
#define SIGHTLINE_ANALYSIS_TEXT_FILE_TEXT_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/text/file_text.h"

namespace sightline::analysis::text {

// `file` is written as given (the caller chooses how to show the path).
nlohmann::ordered_json FileTextJson(const std::string& file, const FileText& ft);

// The normalised place words (place_words.h) of everything read in the file.
std::vector<std::string> PlaceWordsOf(const FileText& ft);

}  // namespace sightline::analysis::text

#endif  // SIGHTLINE_ANALYSIS_TEXT_FILE_TEXT_JSON_H_

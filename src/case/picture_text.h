// The text stage of `analyze`: the words in each photo and video (captions, shop signs, street
// plates), read by OCR as `sightline text` reads them (analysis/text/file_text.h, doc/text.md), and
// stored per item as a derived signal, so that `report` shows them and place words can feed
// `locate` without reading again. Videos are sampled every `every_s` seconds (default 5, a fifth of
// `text`'s rate: the stage runs on every clip of a case). Per-item facts, no finding; each item
// read once per version and settings.
//
// Thread safety: one thread per Case; reads `threads` files at once, one Tesseract each.
#ifndef SIGHTLINE_CASE_PICTURE_TEXT_H_
#define SIGHTLINE_CASE_PICTURE_TEXT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "analysis/text/ocr.h"
#include "base/status.h"
#include "case/footage.h"  // StageOutcome
#include "evidence/case.h"
#include "evidence/identity.h"
#include "signals/match_input.h"  // ExtractionProgress

namespace sightline::investigation {

inline constexpr char kPictureTextAnalyzer[] = "text";
// Bump when a change to analysis/text changes what is read.
inline constexpr int kPictureTextVersion = 1;

struct PictureTextOptions {
  int threads = 2;
  double every_s = 5;                               // video sampling period
  analysis::text::OcrOptions ocr;                   // languages, confidence
  signals::ExtractionProgress* progress = nullptr;  // not owned; may be null
};

// Reads every photo and video not read at this version and settings, and stores the result (the
// JSON of `sightline text --json` for one file) as the signal "picture_text". Fails when the case
// cannot be read or Tesseract cannot start (its traineddata missing: the message names the
// package); an item that cannot be decoded is a warning and marks the outcome failed.
Result<StageOutcome> FindPictureText(evidence::Case& c, const evidence::Identity& who,
                                     const PictureTextOptions& options);

// The text stored for `item_id` with default settings, or nullopt when it has not been read.
Result<std::optional<nlohmann::json>> StoredPictureText(evidence::Case& c, std::int64_t item_id);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_PICTURE_TEXT_H_

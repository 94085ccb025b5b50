// Finding the pictures in a report's texts and putting redacted ones in their place, for
// redact.h. Kept apart from the pixel work so that what counts as "a picture" is one small,
// tested piece: every data:image URI in the HTML (and in any JSON string), and every JSON string
// under a key ending in _base64 whose bytes are an image.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_REPORT_REDACT_SCAN_H_
#define SIGHTLINE_REPORT_REDACT_SCAN_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sightline::report {

// One place in a text where a picture is.
struct PictureSpot {
  std::size_t begin = 0, end = 0;  // the whole "data:…" URI in the text it was found in
  std::string key;     // the picture's identity: its base64 text, or the whole URI if not base64
  bool base64 = true;  // false: a data URI that is not base64 (e.g. SVG text): never decoded
  std::string format;  // "jpeg" or "png" the place expects; "" when any picture will do
  std::vector<std::int64_t> items;  // from data-item / data-items, or the JSON object holding it
  std::string place;  // for messages: "report.html <img alt=\"…\">", "report.json …"
};

// Every data:image URI in `text` (HTML, or a JSON string's value), with the items named by the
// data-item / data-items attributes of the element it is in. `place_prefix` starts each place.
std::vector<PictureSpot> FindDataUriPictures(std::string_view text,
                                             const std::string& place_prefix);

// Every picture in the parsed report.json: strings under keys ending in _jpeg_base64 or
// _png_base64 (format from the key) or any other _base64 key whose bytes look like an image, and
// data:image URIs inside any string. Positions are not set (JSON is rewritten by key). Fails when
// the document nests deeper than 256 levels.
Result<std::vector<PictureSpot>> FindJsonPictures(const nlohmann::json& report);

// The format a picture's bytes announce: "jpeg", "png", "gif", "webp", "bmp", or "".
std::string SniffPictureFormat(std::string_view bytes);

// Base64 (RFC 4648, with padding) of `bytes`, and back; Decode fails on anything else.
std::string EncodeBase64(std::string_view bytes);
Result<std::string> DecodeBase64(std::string_view text);

// `text` with each spot's URI replaced by "data:image/FORMAT;base64,PAYLOAD" for its key in
// `replacements` (key → {format, payload}). Spots must be sorted and not overlap.
struct Replacement {
  std::string format;   // "jpeg" or "png"
  std::string payload;  // base64
};
std::string ReplaceDataUris(std::string_view text, const std::vector<PictureSpot>& spots,
                            const std::map<std::string, Replacement>& replacements);

// report.json's text with every picture replaced. First each base64 picture's text is swapped
// where it stands (a maximal run of base64 characters equal to a key), so that nothing else in
// the file changes by a byte; if the result does not then hold only replaced pictures (a picture
// written with escapes, a data URI that is not base64), the parsed document is rewritten instead
// and serialised as `sightline report` writes it. kInternal if even that leaves a picture behind.
Result<std::string> ReplaceJsonPictures(const std::string& text, const nlohmann::json& report,
                                        const std::map<std::string, Replacement>& replacements);

// Checks that every picture in `html` / `json` (either may be empty) is one of `written` (the
// payloads this redaction produced) and that none of `originals` occurs anywhere in them.
Status CheckOnlyRedactedPictures(const std::string& html, const std::string& json,
                                 const std::vector<std::string>& written,
                                 const std::vector<std::string>& originals);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_REDACT_SCAN_H_

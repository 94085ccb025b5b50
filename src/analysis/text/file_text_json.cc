#include "analysis/text/file_text_json.h"

#include <cmath>

#include "analysis/text/place_words.h"

namespace sightline::analysis::text {

namespace {

// `v` rounded to `decimals` places (dividing by a power of ten keeps 96.3 from printing as
// 96.30000000000001).
double Round(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

// Seconds to the millisecond, or null for a photo (it has no time).
nlohmann::ordered_json Time(bool still, double t) {
  if (still) return nullptr;
  return Round(t, 3);
}

}  // namespace

std::vector<std::string> PlaceWordsOf(const FileText& ft) {
  std::vector<std::string> texts;
  for (const TextEntry& e : ft.entries) texts.push_back(e.text);
  return PlaceWords(texts);
}

nlohmann::ordered_json FileTextJson(const std::string& file, const FileText& ft) {
  nlohmann::ordered_json j;
  j["file"] = file;
  j["kind"] = ft.still ? "photo" : "video";
  j["width"] = ft.width;
  j["height"] = ft.height;
  j["duration"] = Time(ft.still, ft.duration_s);
  j["frames_sampled"] = ft.frames_sampled;
  j["frames_read"] = ft.frames_read;
  nlohmann::ordered_json text = nlohmann::ordered_json::array();
  for (const TextEntry& e : ft.entries) {
    nlohmann::ordered_json je;
    je["t"] = Time(ft.still, e.t);
    je["end"] = Time(ft.still, e.end);
    je["text"] = e.text;
    je["confidence"] = Round(e.confidence, 1);
    je["box"] = {e.box.x, e.box.y, e.box.w, e.box.h};
    je["lang"] = e.lang;
    je["frames"] = e.frames;
    text.push_back(je);
  }
  j["text"] = text;
  j["place_words"] = PlaceWordsOf(ft);
  j["warnings"] = ft.warnings;
  return j;
}

}  // namespace sightline::analysis::text

#include "analysis/text/ocr.h"

#include <omp.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "analysis/text/unicode.h"

namespace sightline::analysis::text {
namespace {

constexpr int kMinWordHeight = 6;      // pixels of the picture given to Read
constexpr std::size_t kShortLine = 4;  // letters and digits; lines this short need more confidence

std::vector<std::string> SplitLanguages(const std::string& languages) {
  std::vector<std::string> out;
  std::stringstream in(languages);
  std::string lang;
  while (std::getline(in, lang, '+')) out.push_back(lang);
  return out;
}

// A Tesseract language code: letters, digits and '_' ("eng", "chi_sim", "script/Cyrillic" is
// refused: no paths in names).
bool ValidLanguage(const std::string& lang) {
  if (lang.empty() || lang.size() > 32) return false;
  return std::all_of(lang.begin(), lang.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::vector<std::string> MissingIn(const std::string& dir, const std::vector<std::string>& langs) {
  std::vector<std::string> missing;
  for (const std::string& lang : langs) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(dir + "/" + lang + ".traineddata", ec)) {
      missing.push_back(lang);
    }
  }
  return missing;
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

Box UnionOf(const Box& a, const Box& b) {
  const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  const int x1 = std::max(a.x + a.w, b.x + b.w), y1 = std::max(a.y + a.h, b.y + b.h);
  return {x0, y0, x1 - x0, y1 - y0};
}

// Builds a line from its kept words: text, length-weighted confidence, box, majority language.
TextLine MakeLine(std::vector<Word> words) {
  TextLine line;
  double weighted = 0, weight = 0;
  std::map<std::string, double> lang_chars;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    line.text += (i ? " " : "") + w.text;
    const double n = static_cast<double>(DecodeUtf8(w.text).size());
    weighted += w.confidence * n;
    weight += n;
    lang_chars[w.lang] += n;
    line.box = i ? UnionOf(line.box, w.box) : w.box;
  }
  line.confidence = weight > 0 ? static_cast<float>(weighted / weight) : 0.0f;
  double best = -1;
  for (const auto& [lang, n] : lang_chars) {
    if (n > best) best = n, line.lang = lang;
  }
  line.words = std::move(words);
  return line;
}

// Whether two lines share most of the smaller one's area (the same text found by both passes).
bool Overlapping(const Box& a, const Box& b) {
  const int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  const int x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  if (x1 <= x0 || y1 <= y0) return false;
  const double inter = static_cast<double>(x1 - x0) * (y1 - y0);
  const double smaller = std::min(static_cast<double>(a.w) * a.h, static_cast<double>(b.w) * b.h);
  return smaller > 0 && inter >= 0.5 * smaller;
}

}  // namespace

bool LooksLikeText(const std::string& word) {
  const std::u32string cps = DecodeUtf8(word);
  std::size_t alnum = 0;
  for (char32_t c : cps) alnum += IsLetterOrDigit(c) ? 1 : 0;
  return alnum > 0 && 2 * alnum >= cps.size();
}

Result<std::string> FindTessdata(const std::string& languages, const std::string& explicit_dir) {
  const std::vector<std::string> langs = SplitLanguages(languages);
  if (langs.empty()) return InvalidArgument("no OCR language given (e.g. eng+rus+ukr)");
  for (const std::string& lang : langs) {
    if (!ValidLanguage(lang)) {
      return InvalidArgument("\"" + lang + "\" is not a Tesseract language code (e.g. eng, ukr, " +
                             "rus; join several with '+')");
    }
  }
  std::vector<std::string> candidates;
  if (!explicit_dir.empty()) {
    candidates.push_back(explicit_dir);
  } else {
    if (const char* prefix = std::getenv("TESSDATA_PREFIX"); prefix && *prefix) {
      // Tesseract 4+ wants the tessdata directory itself; 3.x wanted its parent. Accept both,
      // and nothing else: a user who sets it means it.
      candidates.push_back(prefix);
      candidates.push_back(std::string(prefix) + "/tessdata");
    } else {
      for (const char* dir :
           {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
            "/usr/share/tessdata", "/usr/local/share/tessdata"}) {
        candidates.push_back(dir);
      }
    }
  }
  std::string best_missing;
  for (const std::string& dir : candidates) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    const std::vector<std::string> missing = MissingIn(dir, langs);
    if (missing.empty()) return dir;
    if (best_missing.empty()) best_missing = Join(missing, ", ") + " missing in " + dir;
  }
  std::string message = "no Tesseract traineddata for " + languages;
  message += best_missing.empty()
                 ? " (no tessdata directory found; searched " + Join(candidates, ", ") + ")"
                 : " (" + best_missing + ")";
  message += "; install the Debian packages tesseract-ocr-LANG (e.g. tesseract-ocr-" +
             langs.front() + ") or set TESSDATA_PREFIX to a directory holding LANG.traineddata";
  return NotFound(message);
}

TextReader::TextReader(const OcrOptions& options, std::unique_ptr<tesseract::TessBaseAPI> api)
    : options_(options), api_(std::move(api)) {}

TextReader::~TextReader() {
  if (api_) api_->End();
}

Result<std::unique_ptr<TextReader>> TextReader::Create(const OcrOptions& options) {
  if (options.min_confidence < 0 || options.min_confidence > 100 ||
      options.min_short_line_confidence < 0 || options.min_short_line_confidence > 100) {
    return InvalidArgument("OCR minimum confidence must be within 0..100");
  }
  SL_ASSIGN_OR_RETURN(std::string dir, FindTessdata(options.languages, options.tessdata_dir));
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  // Set at Init so that nothing Tesseract says while loading reaches stderr either.
  const std::vector<std::string> names = {"debug_file"};
  const std::vector<std::string> values = {"/dev/null"};
  if (api->Init(dir.c_str(), options.languages.c_str(), tesseract::OEM_LSTM_ONLY, nullptr, 0,
                &names, &values, false) != 0) {
    return Internal("Tesseract could not load " + options.languages + " from " + dir +
                    " (damaged or incompatible traineddata? Tesseract 4+ LSTM models are needed)");
  }
  // Scene text: words anywhere, in no particular layout. Full-page segmentation (the default)
  // looks for columns and paragraphs and drops isolated words on a busy background.
  api->SetPageSegMode(tesseract::PSM_SPARSE_TEXT);
  return std::unique_ptr<TextReader>(new TextReader(options, std::move(api)));
}

Result<std::vector<TextLine>> TextReader::RecognizePass(double scale, int width, int height) {
  if (api_->Recognize(nullptr) != 0) return Internal("Tesseract failed to recognise the picture");
  std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
  std::vector<TextLine> lines;
  std::vector<Word> current;
  auto flush = [&] {
    std::size_t alnum = 0;
    for (const Word& w : current) {
      for (char32_t c : DecodeUtf8(w.text)) alnum += IsLetterOrDigit(c) ? 1 : 0;
    }
    // A lone letter or digit is nearly always texture, not text. Short lines ("we", "ВА", "27")
    // are what windows, railings and foliage read as in street photos, at confidences up to
    // 91 on the corpus: they must be surer than longer lines to count.
    if (alnum >= 2) {
      TextLine line = MakeLine(std::move(current));
      const int needed = alnum <= kShortLine
                             ? std::max(options_.min_confidence, options_.min_short_line_confidence)
                             : options_.min_confidence;
      if (line.confidence >= static_cast<float>(needed)) lines.push_back(std::move(line));
    }
    current.clear();
  };
  const auto level = tesseract::RIL_WORD;
  if (it != nullptr && !it->Empty(level)) {
    do {
      if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) flush();
      if (it->Empty(level)) continue;
      std::unique_ptr<char[]> utf8(it->GetUTF8Text(level));
      if (!utf8) continue;
      Word w;
      w.text = utf8.get();
      w.confidence = it->Confidence(level);
      if (w.confidence < static_cast<float>(options_.min_confidence) || !LooksLikeText(w.text)) {
        continue;
      }
      int left = 0, top = 0, right = 0, bottom = 0;
      if (!it->BoundingBox(level, &left, &top, &right, &bottom)) continue;
      // Back to the caller's pixels.
      const double inv = 1.0 / scale;
      const int x0 = std::clamp(static_cast<int>(std::floor(left * inv)), 0, width);
      const int y0 = std::clamp(static_cast<int>(std::floor(top * inv)), 0, height);
      const int x1 = std::clamp(static_cast<int>(std::ceil(right * inv)), 0, width);
      const int y1 = std::clamp(static_cast<int>(std::ceil(bottom * inv)), 0, height);
      w.box = {x0, y0, x1 - x0, y1 - y0};
      // Nothing under 6 pixels tall in the picture is legible text; texture (cellular patterns,
      // foliage) is read as swarms of such tiny "words".
      if (w.box.h < kMinWordHeight) continue;
      if (const char* lang = it->WordRecognitionLanguage()) w.lang = lang;
      current.push_back(std::move(w));
    } while (it->Next(level));
  }
  flush();
  return lines;
}

Result<std::vector<TextLine>> TextReader::Read(const GrayView& picture) {
  if (picture.data == nullptr || picture.width <= 0 || picture.height <= 0 ||
      picture.stride < picture.width) {
    return InvalidArgument("empty or malformed picture given to OCR");
  }
  const cv::Mat view(picture.height, picture.width, CV_8UC1,
                     const_cast<std::uint8_t*>(picture.data),
                     static_cast<std::size_t>(picture.stride));
  const int long_side = std::max(picture.width, picture.height);
  double scale = 1.0;
  if (long_side < options_.min_side) {
    scale = std::min(2.0, static_cast<double>(options_.min_side) / long_side);
  } else if (options_.max_side > 0 && long_side > options_.max_side) {
    scale = static_cast<double>(options_.max_side) / long_side;
  }
  cv::Mat prepared;
  if (scale != 1.0) {
    const cv::Size size(std::max(1, static_cast<int>(std::lround(picture.width * scale))),
                        std::max(1, static_cast<int>(std::lround(picture.height * scale))));
    cv::resize(view, prepared, size, 0, 0, scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  } else {
    prepared = view;
  }
  // Tesseract's LSTM asks OpenMP for 4 threads per layer step: tiny parallel regions whose
  // spinning threads cost more than they give when the cores are busy (2-4× slower measured
  // under load; bench/text). Dynamic adjustment lets libgomp give fewer threads when the
  // load average says the cores are taken. This is the calling thread's OpenMP setting.
  omp_set_dynamic(1);
  api_->SetImage(prepared.data, prepared.cols, prepared.rows, 1, static_cast<int>(prepared.step));
  // Video frames carry no resolution; without one Tesseract guesses (and says so on stderr).
  // 300 ppi is what its size thresholds were tuned for.
  api_->SetSourceResolution(300);
  // Pass 1, global Otsu: best on text over an even background (bench/text). It fails where the
  // picture has three levels, e.g. white text in a dark caption box over a light scene: Otsu
  // puts text and scene on one side and the layout sees a dark rectangle, not text.
  SL_ASSIGN_OR_RETURN(std::vector<TextLine> lines,
                      RecognizePass(scale, picture.width, picture.height));
  if (options_.adaptive_pass) {
    // Pass 2, Leptonica's tiled Otsu: each tile takes its own threshold, so the box's text is
    // separated from the box. It splits or loses text over large even areas, so it only adds
    // lines where pass 1 found nothing. The threshold is computed when the image is set.
    api_->SetVariable("thresholding_method", "1");
    api_->SetImage(prepared.data, prepared.cols, prepared.rows, 1, static_cast<int>(prepared.step));
    api_->SetSourceResolution(300);
    auto extra = RecognizePass(scale, picture.width, picture.height);
    api_->SetVariable("thresholding_method", "0");
    if (!extra.ok()) {
      api_->Clear();
      return extra.status();
    }
    const std::size_t first = lines.size();
    for (TextLine& line : *extra) {
      bool seen = false;
      for (std::size_t k = 0; k < first && !seen; ++k) seen = Overlapping(line.box, lines[k].box);
      if (!seen) lines.push_back(std::move(line));
    }
  }
  api_->Clear();
  // Reading order: top to bottom, then left to right (sparse segmentation returns blocks in no
  // particular order).
  std::stable_sort(lines.begin(), lines.end(), [](const TextLine& a, const TextLine& b) {
    return a.box.y != b.box.y ? a.box.y < b.box.y : a.box.x < b.box.x;
  });
  return lines;
}

}  // namespace sightline::analysis::text

// Reading text in one picture with Tesseract (LSTM engine), tuned for what verification footage
// shows: captions, shop signs, street-name plates, number plates, in English, Ukrainian and
// Russian.
//
// Method (doc/text.md): the picture is taken in grey; small pictures are enlarged (Tesseract reads
// best when letters are 20-40 pixels tall) and huge ones reduced; Tesseract's sparse-text page
// segmentation finds isolated words anywhere in the picture (scene text has no page layout);
// words Tesseract is unsure of (confidence below OcrOptions::min_confidence) and words that are
// mostly punctuation (what texture, foliage and brickwork read as) are dropped; the words that
// remain are grouped into lines.
//
// Contract:
//  - A TextReader owns one tesseract::TessBaseAPI (created by Create, ended by the destructor).
//    Loading the models takes about 0.3 s, so keep a reader for many pictures.
//  - Boxes are in pixels of the picture given to Read (x right, y down), whatever scaling happens
//    inside.
//  - Tesseract's own messages ("Estimating resolution", "Empty page!!") never reach stderr: its
//    debug file is /dev/null and the resolution is set.
//  - Errors name what is missing: a language without traineddata lists the directories searched
//    and the Debian package to install.
//
//  - Read turns on OpenMP dynamic thread adjustment (omp_set_dynamic) for the calling thread:
//    Tesseract's OpenMP threads otherwise spin on busy cores and halve the speed.
//
// Thread safety: a TextReader is used by one thread at a time; make one per thread (Tesseract's
// API object is not reentrant, but distinct objects may work in parallel).
#ifndef SIGHTLINE_ANALYSIS_TEXT_OCR_H_
#define SIGHTLINE_ANALYSIS_TEXT_OCR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace tesseract {
class TessBaseAPI;
}

namespace sightline::analysis::text {

// A grey picture, not owned: `height` rows of `stride` bytes, `width` pixels used in each.
struct GrayView {
  const std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int stride = 0;
};

struct Box {
  int x = 0, y = 0, w = 0, h = 0;  // pixels; (x, y) is the top-left corner
};

struct Word {
  std::string text;      // UTF-8
  float confidence = 0;  // Tesseract's, 0..100
  Box box;
  std::string lang;  // the traineddata that read it: "eng", "ukr", "rus" (empty if unknown)
};

// Words Tesseract put on one line, left to right.
struct TextLine {
  std::string text;      // the words joined by single spaces
  float confidence = 0;  // mean of the words' confidences, weighted by their length
  Box box;               // union of the words' boxes
  std::string lang;      // the language that read most of the line's characters
  std::vector<Word> words;
};

struct OcrOptions {
  // Tesseract language codes joined by '+'. Order matters a little: the first is tried first.
  std::string languages = "eng+rus+ukr";
  // Directory holding LANG.traineddata; empty: $TESSDATA_PREFIX, then the usual Debian and
  // upstream locations (FindTessdata).
  std::string tessdata_dir;
  // Words Tesseract is less sure of are dropped (0..100). Below ~50, scene textures come out
  // as garbage words; above ~80, real but blurred or stylised words are lost (doc/text.md).
  int min_confidence = 60;
  // Lines of at most 4 letters and digits need this much (or min_confidence, if higher): in
  // street photos, windows, railings and foliage are read as short "words" ("we", "ВА", "27")
  // at confidences up to 91, while clean short text reads at 95+ (doc/text.md).
  int min_short_line_confidence = 92;
  // Pictures are scaled so that their long side is within [min_side, max_side] (at most 2×
  // enlargement): small frames have small letters, and huge photos cost time without helping.
  int min_side = 1600;
  int max_side = 3200;
  // A second pass with locally adaptive thresholds (Leptonica's tiled Otsu) for text the global
  // threshold cannot separate: white captions in a dark box over a light scene. Adds its lines
  // where the first pass found nothing. Off by default: on textured scenes it costs several times
  // the first pass and reads texture as words (doc/text.md).
  bool adaptive_pass = false;
};

// The directory with `<lang>.traineddata` for every language in `languages` ("eng+ukr"):
// `explicit_dir` when given, else $TESSDATA_PREFIX when set (the directory itself or its tessdata/;
// nothing else is searched then), else /usr/share/tesseract-ocr/{5,4.00}/tessdata,
// /usr/share/tessdata, /usr/local/share/tessdata.
// kNotFound names the missing language(s), the places searched and the package to install.
Result<std::string> FindTessdata(const std::string& languages,
                                 const std::string& explicit_dir = "");

class TextReader {
 public:
  // Loads the models. Fails on a malformed language list, missing traineddata or a Tesseract
  // that refuses to start.
  static Result<std::unique_ptr<TextReader>> Create(const OcrOptions& options = {});
  ~TextReader();
  TextReader(const TextReader&) = delete;
  TextReader& operator=(const TextReader&) = delete;

  // The lines of text in `picture`, top to bottom; empty when there is none. Fails only on an
  // empty or malformed view or when Tesseract itself fails.
  Result<std::vector<TextLine>> Read(const GrayView& picture);

  const OcrOptions& options() const { return options_; }

 private:
  TextReader(const OcrOptions& options, std::unique_ptr<tesseract::TessBaseAPI> api);
  // Recognises the image set on the API; boxes scaled back by 1/scale into width × height.
  Result<std::vector<TextLine>> RecognizePass(double scale, int width, int height);
  OcrOptions options_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
};

// Whether a word Tesseract read is plausible text rather than texture read as letters: it has a
// letter or digit, and letters and digits are at least half of its characters.
bool LooksLikeText(const std::string& word);

}  // namespace sightline::analysis::text

#endif  // SIGHTLINE_ANALYSIS_TEXT_OCR_H_

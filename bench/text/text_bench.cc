// Text-in-the-picture benchmark (bench/text/run.sh): OCR speed on 720p and 1080p frames, and
// accuracy (character error rate) on generated pictures of known text in English, Ukrainian and
// Russian at several letter sizes and degradations.
//
//   sightline_text_bench [--lang eng+rus+ukr] [--runs N] [--speed FILE]... [--manifest FILE]
//
// The manifest (written by run.sh) has one picture per line, tab-separated:
//   path  lang  size  condition  truth
// CER = Levenshtein distance between the truth and everything read (lines joined by spaces),
// over the truth's length, in Unicode code points; case and punctuation count. A picture where
// nothing was read scores 1.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "analysis/text/ocr.h"
#include "analysis/text/unicode.h"
#include "media/image_decode.h"

namespace tx = sightline::analysis::text;

namespace {

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

bool Load(const std::string& path, sightline::media::DecodedImage* out) {
  auto image = sightline::media::DecodeImage(path);
  if (!image.ok()) {
    std::fprintf(stderr, "%s\n", image.status().message().c_str());
    return false;
  }
  *out = std::move(image).value();
  return true;
}

tx::GrayView View(const sightline::media::DecodedImage& image) {
  return {image.data.data(), image.width, image.height, image.stride};
}

std::string Joined(const std::vector<tx::TextLine>& lines) {
  std::string out;
  for (const tx::TextLine& l : lines) out += (out.empty() ? "" : " ") + l.text;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  tx::OcrOptions options;
  int runs = 5;
  std::vector<std::string> speed_files;
  std::string manifest;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--lang" && i + 1 < argc) {
      options.languages = argv[++i];
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--speed" && i + 1 < argc) {
      speed_files.push_back(argv[++i]);
    } else if (a == "--manifest" && i + 1 < argc) {
      manifest = argv[++i];
    } else if (a == "--verbose") {
      verbose = true;
    } else {
      std::fprintf(stderr, "usage: %s [--lang L] [--runs N] [--speed FILE]... [--manifest FILE]\n",
                   argv[0]);
      return 2;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  auto reader = tx::TextReader::Create(options);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.status().message().c_str());
    return 1;
  }
  std::printf("%-52s %12.2f s\n", ("load models (" + options.languages + ")").c_str(),
              Seconds(t0, std::chrono::steady_clock::now()));

  for (const std::string& path : speed_files) {
    sightline::media::DecodedImage image;
    if (!Load(path, &image)) return 1;
    std::vector<double> t;
    std::size_t lines = 0;
    for (int r = 0; r < runs + 1; ++r) {
      auto a = std::chrono::steady_clock::now();
      auto read = (*reader)->Read(View(image));
      auto b = std::chrono::steady_clock::now();
      if (!read.ok()) return 1;
      lines = read->size();
      if (r > 0) t.push_back(Seconds(a, b));  // the first run warms caches
    }
    std::sort(t.begin(), t.end());
    const double med = t[t.size() / 2];
    char label[128];
    std::snprintf(label, sizeof label, "OCR %dx%d frame (%zu lines), median of %d", image.width,
                  image.height, lines, runs);
    std::printf("%-52s %9.2f frames/s  (%.0f ms)\n", label, 1 / med, med * 1000);
  }

  if (manifest.empty()) return 0;
  std::ifstream in(manifest);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", manifest.c_str());
    return 1;
  }
  // (lang, size, condition) -> errors, characters, pictures, pictures read exactly
  struct Tally {
    double errors = 0, chars = 0;
    int pictures = 0, exact = 0;
    double seconds = 0;
  };
  std::map<std::tuple<std::string, int, std::string>, Tally> by_case;
  std::map<std::string, Tally> by_lang, by_condition;
  std::map<int, Tally> by_size;
  std::string row;
  while (std::getline(in, row)) {
    std::stringstream fields(row);
    std::string path, lang, size_text, condition, truth;
    if (!std::getline(fields, path, '\t') || !std::getline(fields, lang, '\t') ||
        !std::getline(fields, size_text, '\t') || !std::getline(fields, condition, '\t') ||
        !std::getline(fields, truth)) {
      continue;
    }
    sightline::media::DecodedImage image;
    if (!Load(path, &image)) continue;
    auto a = std::chrono::steady_clock::now();
    auto read = (*reader)->Read(View(image));
    const double seconds = Seconds(a, std::chrono::steady_clock::now());
    if (!read.ok()) continue;
    const std::string got = Joined(*read);
    const std::u32string ref = tx::DecodeUtf8(truth), hyp = tx::DecodeUtf8(got);
    const double errors = static_cast<double>(std::min(tx::EditDistance(ref, hyp), ref.size()));
    if (verbose) {
      std::printf("  %-4s %3s %-8s %-40s | %s\n", lang.c_str(), size_text.c_str(),
                  condition.c_str(), truth.c_str(), got.c_str());
    }
    const int size = std::atoi(size_text.c_str());
    for (Tally* t : {&by_case[{lang, size, condition}], &by_lang[lang], &by_size[size],
                     &by_condition[condition]}) {
      t->errors += errors;
      t->chars += static_cast<double>(ref.size());
      t->pictures += 1;
      t->exact += got == truth ? 1 : 0;
      t->seconds += seconds;
    }
  }
  auto print = [](const std::string& label, const Tally& t) {
    std::printf("  %-28s CER %5.1f %%   exact %2d/%-2d   %6.0f ms/picture\n", label.c_str(),
                100 * t.errors / std::max(1.0, t.chars), t.exact, t.pictures,
                1000 * t.seconds / std::max(1, t.pictures));
  };
  std::printf("Character error rate on generated 1280x720 pictures (%s models)\n",
              options.languages.c_str());
  std::printf(" by language:\n");
  for (const auto& [k, t] : by_lang) print(k, t);
  std::printf(" by letter height (font size, pixels):\n");
  for (const auto& [k, t] : by_size) print(std::to_string(k) + " px", t);
  std::printf(" by condition:\n");
  for (const auto& [k, t] : by_condition) print(k, t);
  std::printf(" by language, size, condition:\n");
  for (const auto& [k, t] : by_case) {
    print(std::get<0>(k) + " " + std::to_string(std::get<1>(k)) + " px " + std::get<2>(k), t);
  }
  return 0;
}

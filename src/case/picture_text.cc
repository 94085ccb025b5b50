#include "case/picture_text.h"

#include <memory>
#include <mutex>

#include "analysis/text/file_text.h"
#include "analysis/text/file_text_json.h"
#include "base/parallel.h"
#include "case/item_signals.h"
#include "evidence/signal_store.h"

namespace sightline::investigation {

namespace tx = analysis::text;

namespace {

evidence::SignalKey TextKey(const PictureTextOptions& o) {
  const nlohmann::json params = {{"every_s", o.every_s},
                                 {"lang", o.ocr.languages},
                                 {"min_confidence", o.ocr.min_confidence},
                                 {"adaptive", o.ocr.adaptive_pass}};
  return {"picture_text", kPictureTextVersion, params.dump()};
}

}  // namespace

Result<StageOutcome> FindPictureText(evidence::Case& c, const evidence::Identity& who,
                                     const PictureTextOptions& options) {
  StageOutcome out;
  out.run.analyzer = kPictureTextAnalyzer;
  out.run.version = kPictureTextVersion;
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c.catalog().ListItems());
  const evidence::SignalKey key = TextKey(options);
  // Items without a picture are done with.
  auto has_picture = [](const evidence::Item& item) -> Result<bool> {
    return item.media_kind == "video" || item.media_kind == "image";
  };
  SL_ASSIGN_OR_RETURN(std::vector<const evidence::Item*> to_read,
                      ItemsToDo(c, items, key, has_picture, &out));
  if (!to_read.empty()) {
    // One Tesseract per thread (a TextReader is single-threaded); made before any decode, so
    // missing traineddata fails the stage at once with the package to install.
    const int threads = std::max(1, std::min<int>(options.threads, to_read.size()));
    std::vector<std::unique_ptr<tx::TextReader>> readers;
    for (int t = 0; t < threads; ++t) {
      SL_ASSIGN_OR_RETURN(std::unique_ptr<tx::TextReader> reader,
                          tx::TextReader::Create(options.ocr));
      readers.push_back(std::move(reader));
    }
    std::mutex mu;  // guards `free` and the progress calls
    std::vector<tx::TextReader*> free;
    for (auto& r : readers) free.push_back(r.get());
    std::vector<Result<tx::FileText>> reads(to_read.size(), Internal("not read"));
    if (options.progress) options.progress->Begin(to_read.size());
    tx::FileTextOptions fo;
    fo.every_s = options.every_s;
    ParallelFor(to_read.size(), threads, [&](std::size_t k) {
      tx::TextReader* reader;
      {
        std::lock_guard<std::mutex> lock(mu);
        reader = free.back();
        free.pop_back();
      }
      double last = 0;
      Result<std::string> original = c.objects().OriginalPath(to_read[k]->sha256);
      reads[k] = !original.ok() ? Result<tx::FileText>(original.status())
                                : tx::ReadTextInFile(*original, fo, *reader, [&](double t) {
                                    if (!options.progress || t <= last) return;
                                    std::lock_guard<std::mutex> lock(mu);
                                    options.progress->Decoded(t - last);
                                    last = t;
                                  });
      std::lock_guard<std::mutex> lock(mu);
      free.push_back(reader);
      if (options.progress) options.progress->FileDone();
    });
    if (options.progress) options.progress->End();

    for (std::size_t k = 0; k < to_read.size(); ++k) {
      Result<nlohmann::ordered_json> data =
          reads[k].ok()
              ? Result<nlohmann::ordered_json>(tx::FileTextJson(to_read[k]->name, *reads[k]))
              : Result<nlohmann::ordered_json>(reads[k].status());
      nlohmann::json summary;
      if (data.ok()) {
        summary = {{"lines", (*data)["text"].size()}, {"frames_read", (*data)["frames_read"]}};
      }
      StoreItemSignal(c, who, *to_read[k], key, data, summary, "text", &out);
    }
  }
  out.new_items = out.run.items.size();
  return out;
}

Result<std::optional<nlohmann::json>> StoredPictureText(evidence::Case& c, std::int64_t item_id) {
  return StoredItemSignal(c, item_id, TextKey(PictureTextOptions()));
}

}  // namespace sightline::investigation

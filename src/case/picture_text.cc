#include "case/picture_text.h"

#include <memory>
#include <mutex>
#include <set>

#include "analysis/text/file_text.h"
#include "analysis/text/file_text_json.h"
#include "base/file.h"
#include "base/parallel.h"
#include "case/findings.h"
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
  SL_ASSIGN_OR_RETURN(std::vector<std::int64_t> done,
                      AnalyzedItems(c, out.run.analyzer, out.run.version));
  const std::set<std::int64_t> analyzed(done.begin(), done.end());
  out.items = items.size();
  const evidence::SignalKey key = TextKey(options);

  std::vector<const evidence::Item*> to_read;
  for (const evidence::Item& item : items) {
    if (analyzed.count(item.id)) continue;
    if (item.media_kind != "video" && item.media_kind != "image") {
      out.run.items.push_back(item.id);  // no picture: done with
      continue;
    }
    SL_ASSIGN_OR_RETURN(std::optional<evidence::StoredSignal> stored,
                        evidence::FindSignal(c, item.id, key));
    if (stored) {  // stored by a run killed before it was recorded
      ++out.reused;
      out.run.items.push_back(item.id);
      continue;
    }
    to_read.push_back(&item);
  }
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
      const evidence::Item& item = *to_read[k];
      const std::string who_item = "#" + std::to_string(item.id) + " " + item.name;
      if (!reads[k].ok()) {
        out.warnings.push_back(who_item + ": " + reads[k].status().message());
        out.failed = true;
        continue;
      }
      const nlohmann::ordered_json data = tx::FileTextJson(item.name, *reads[k]);
      const nlohmann::json summary = {{"lines", data["text"].size()},
                                      {"frames_read", data["frames_read"]}};
      auto stored =
          evidence::StoreSignal(c, who, item, key, data.dump(1) + "\n", summary.dump(), {});
      if (!stored.ok()) {
        out.warnings.push_back(who_item + ": text not stored: " + stored.status().message());
        out.failed = true;
        continue;
      }
      ++out.extracted;
      out.run.items.push_back(item.id);
    }
  }
  out.new_items = out.run.items.size();
  return out;
}

Result<std::optional<nlohmann::json>> StoredPictureText(evidence::Case& c, std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(std::optional<evidence::StoredSignal> stored,
                      evidence::FindSignal(c, item_id, TextKey(PictureTextOptions())));
  if (!stored) return std::optional<nlohmann::json>();
  SL_ASSIGN_OR_RETURN(std::string text, ReadFileToString(c.dir() + "/" + stored->path, 1ull << 30));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Corrupt(stored->path + ": not JSON");
  return std::optional<nlohmann::json>(std::move(j));
}

}  // namespace sightline::investigation

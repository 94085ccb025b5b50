#include "analysis/scene/locate.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

#include "analysis/scene/compare.h"
#include "analysis/scene/mirror.h"
#include "analysis/text/file_text.h"
#include "base/binary_io.h"
#include "base/file.h"
#include "base/parallel.h"
#include "media/probe.h"

namespace sightline::analysis::scene {

namespace {

bool IsPictureName(const std::string& name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos) return false;
  std::string ext = name.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* e : {"jpg", "jpeg", "png", "webp", "tif", "tiff", "bmp", "heic", "heif"})
    if (ext == e) return true;
  return false;
}

Status ListInto(const std::string& dir, const std::string& prefix, int depth,
                std::vector<ReferenceFile>* out) {
  if (depth > 32) return Status::Ok();  // a loop of links; stop quietly
  SL_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirectory(dir));
  for (const std::string& name : names) {
    if (name.empty() || name[0] == '.') continue;
    const std::string path = JoinPath(dir, name);
    const std::string label = prefix.empty() ? name : prefix + "/" + name;
    if (IsDirectory(path)) {
      SL_RETURN_IF_ERROR(ListInto(path, label, depth + 1, out));
    } else if (IsPictureName(name)) {
      out->push_back({path, label});
    }
  }
  return Status::Ok();
}

bool StatFile(const std::string& path, std::uint64_t* size, std::int64_t* mtime_ns) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  *size = static_cast<std::uint64_t>(st.st_size);
  *mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return true;
}

double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  constexpr double kEarthKm = 6371.0088;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double h =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(h)));
}

// The index file's magic: "SLSCIDX" and the format version. Format 2 added the references'
// place words and whether their text was read.
constexpr char kMagic[8] = {'S', 'L', 'S', 'C', 'I', 'D', 'X', '2'};
constexpr char kMagicV1[8] = {'S', 'L', 'S', 'C', 'I', 'D', 'X', '1'};

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The place words of a file's text (a photo read once, a video every `every_s`).
Result<std::vector<std::string>> ReadPlaceWords(const std::string& path, double every_s,
                                                text::TextReader& reader) {
  text::FileTextOptions o;
  o.every_s = every_s;
  SL_ASSIGN_OR_RETURN(text::FileText ft, text::ReadTextInFile(path, o, reader));
  std::vector<std::string> lines;
  for (const text::TextEntry& e : ft.entries) lines.push_back(e.text);
  return text::PlaceWords(lines);
}

}  // namespace

Result<std::vector<ReferenceFile>> ListReferencePictures(const std::string& dir) {
  if (!IsDirectory(dir)) return NotFound(dir + ": not a folder");
  std::vector<ReferenceFile> out;
  SL_RETURN_IF_ERROR(ListInto(dir, "", 0, &out));
  std::sort(out.begin(), out.end(),
            [](const ReferenceFile& a, const ReferenceFile& b) { return a.path < b.path; });
  return out;
}

Result<ReferenceIndex> ReferenceIndex::Build(const std::vector<ReferenceFile>& files,
                                             const IndexOptions& options,
                                             std::vector<std::string>* problems,
                                             const std::function<void(size_t)>& progress,
                                             IndexBuildTimes* times) {
  struct Slot {
    Reference ref;
    cv::Mat descriptors;
    std::string problem, text_problem;
    bool ok = false, text_read = false;
    double features_s = 0, text_s = 0;
  };
  const int threads = std::max(1, options.threads);
  // One OCR reader per worker (Tesseract's API object is not reentrant); loading the models is
  // part of the text time.
  std::vector<std::unique_ptr<text::TextReader>> readers;
  double reader_s = 0;
  if (options.read_text && !files.empty()) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) {
      SL_ASSIGN_OR_RETURN(std::unique_ptr<text::TextReader> reader,
                          text::TextReader::Create(options.ocr));
      readers.push_back(std::move(reader));
    }
    reader_s = SecondsSince(t0);
  }
  std::vector<Slot> slots(files.size());
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex progress_mutex;
  auto work = [&](int worker) {
    for (size_t i = next++; i < files.size(); i = next++) {
      const auto t0 = std::chrono::steady_clock::now();
      Slot& s = slots[i];
      s.ref.path = files[i].path;
      s.ref.label = files[i].label;
      if (!StatFile(files[i].path, &s.ref.size, &s.ref.mtime_ns)) {
        s.problem = files[i].path + ": cannot be read";
      } else {
        FrameOptions fo;
        fo.max_side = options.features.max_side;
        fo.max_frames = 1;
        auto frames = ReadSceneFrames(files[i].path, fo);
        if (!frames.ok()) {
          s.problem = frames.status().message();
        } else {
          s.descriptors = ExtractFeatures(frames->front().gray, options.features).descriptors;
          media::ProbeResult probe = media::ProbeFile(files[i].path);
          s.ref.gps = probe.gps;
          s.ok = true;
        }
      }
      s.features_s = SecondsSince(t0);
      if (s.ok && !readers.empty()) {
        const auto t1 = std::chrono::steady_clock::now();
        auto words = ReadPlaceWords(files[i].path, options.text_every_s, *readers[worker]);
        if (words.ok()) {
          s.ref.words = std::move(words).value();
          s.text_read = true;
        } else {
          s.text_problem = files[i].path + ": text not read: " + words.status().message();
        }
        s.text_s = SecondsSince(t1);
      }
      const size_t d = ++done;
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress(d);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& t : pool) t.join();
  if (times) {
    *times = {};
    times->text_s = reader_s;
    for (const Slot& s : slots) {
      times->features_s += s.features_s;
      times->text_s += s.text_s;
      times->text_read += s.text_read ? 1 : 0;
      times->with_words += s.ref.words.empty() ? 0 : 1;
    }
  }

  // The vocabulary is trained on the references' own descriptors: a fixed share of each, so
  // that no single picture dominates.
  const int per_ref = std::max(
      50, options.vocabulary.max_samples / std::max<int>(1, static_cast<int>(files.size())));
  std::vector<cv::Mat> samples;
  for (const Slot& s : slots) {
    if (!s.ok || s.descriptors.empty()) continue;
    const int take = std::min(per_ref, s.descriptors.rows);
    for (int i = 0; i < take; ++i)
      samples.push_back(s.descriptors.row(
          static_cast<int>(static_cast<std::int64_t>(i) * s.descriptors.rows / take)));
  }
  ReferenceIndex index;
  index.options_ = options;
  index.has_text_ = options.read_text;
  if (!samples.empty()) {
    cv::Mat all;
    cv::vconcat(samples, all);
    index.vocabulary_ = Vocabulary::Train(all, options.vocabulary);
  }
  for (Slot& s : slots) {
    if (!s.ok) {
      if (problems) problems->push_back(s.problem);
      index.skipped_.push_back(s.ref.path);
      continue;
    }
    if (!s.text_problem.empty() && problems) problems->push_back(s.text_problem);
    s.ref.vlad = index.vocabulary_.Encode(s.descriptors);
    index.references_.push_back(std::move(s.ref));
  }
  if (index.references_.empty()) {
    return InvalidArgument(files.empty() ? "no reference pictures given"
                                         : "none of the " + std::to_string(files.size()) +
                                               " reference files could be read");
  }
  return index;
}

Status ReferenceIndex::Save(const std::string& path) const {
  BinaryWriter w;
  w.Bytes(kMagic, sizeof kMagic);
  w.Put<std::int32_t>(options_.features.max_side);
  w.Put<std::int32_t>(options_.features.max_keypoints);
  w.Put<double>(options_.features.contrast);
  w.Put<std::uint8_t>(has_text_ ? 1 : 0);
  const cv::Mat& c = vocabulary_.centroids();
  w.Put<std::int32_t>(c.rows);
  w.Put<std::int32_t>(c.cols);
  for (int r = 0; r < c.rows; ++r) w.Bytes(c.ptr<float>(r), sizeof(float) * c.cols);
  w.Put<std::uint64_t>(references_.size());
  for (const Reference& ref : references_) {
    w.Str(ref.path);
    w.Str(ref.label);
    w.Put<std::uint64_t>(ref.size);
    w.Put<std::int64_t>(ref.mtime_ns);
    w.Put<std::uint8_t>(ref.gps ? 1 : 0);
    w.Put<double>(ref.gps ? ref.gps->lat : 0);
    w.Put<double>(ref.gps ? ref.gps->lon : 0);
    w.Put<std::uint8_t>(ref.gps && ref.gps->alt_m ? 1 : 0);
    w.Put<double>(ref.gps && ref.gps->alt_m ? *ref.gps->alt_m : 0);
    w.Str(ref.gps ? ref.gps->source : "");
    w.Str(std::string(reinterpret_cast<const char*>(ref.vlad.data()), ref.vlad.size()));
    w.Put<std::uint32_t>(static_cast<std::uint32_t>(ref.words.size()));
    for (const std::string& word : ref.words) w.Str(word);
  }
  w.Put<std::uint64_t>(skipped_.size());
  for (const std::string& s : skipped_) w.Str(s);
  return WriteFileAtomic(path, w.data());
}

Result<ReferenceIndex> ReferenceIndex::Load(const std::string& path) {
  SL_ASSIGN_OR_RETURN(std::string data, ReadFileToString(path, 4ull << 30));
  const Status bad = Corrupt(path +
                             ": not a sightline locate index (or a damaged one); delete "
                             "it and it will be built again");
  BinaryReader r(data);
  char magic[8];
  if (!r.Bytes(magic, sizeof magic)) return bad;
  if (std::memcmp(magic, kMagicV1, sizeof magic) == 0) {
    return Corrupt(path +
                   ": a locate index of format 1, written by an earlier sightline (this one "
                   "reads format 2, which adds the references' place words); delete it and it "
                   "will be built again");
  }
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) return bad;
  ReferenceIndex index;
  std::int32_t rows = 0, cols = 0;
  std::uint8_t has_text = 0;
  if (!r.Get(&index.options_.features.max_side) || !r.Get(&index.options_.features.max_keypoints) ||
      !r.Get(&index.options_.features.contrast) || !r.Get(&has_text) || has_text > 1 ||
      !r.Get(&rows) || !r.Get(&cols))
    return bad;
  index.has_text_ = has_text == 1;
  index.options_.read_text = index.has_text_;
  if (rows < 0 || rows > 4096 || (rows > 0 && cols != 128)) return bad;
  cv::Mat centroids(rows, cols, CV_32F);
  for (int i = 0; i < rows; ++i)
    if (!r.Bytes(centroids.ptr<float>(i), sizeof(float) * cols)) return bad;
  if (rows > 0) index.vocabulary_ = Vocabulary(centroids);
  std::uint64_t count = 0;
  if (!r.Get(&count) || count > data.size()) return bad;
  const size_t dims = static_cast<size_t>(index.vocabulary_.dims());
  index.references_.resize(count);
  for (Reference& ref : index.references_) {
    std::uint8_t has_gps = 0, has_alt = 0;
    double lat = 0, lon = 0, alt = 0;
    std::string source, vlad;
    if (!r.Str(&ref.path, 1 << 16) || !r.Str(&ref.label, 1 << 16) || !r.Get(&ref.size) ||
        !r.Get(&ref.mtime_ns) || !r.Get(&has_gps) || !r.Get(&lat) || !r.Get(&lon) ||
        !r.Get(&has_alt) || !r.Get(&alt) || !r.Str(&source, 1 << 16) || !r.Str(&vlad, 1 << 20) ||
        vlad.size() != dims)
      return bad;
    std::uint32_t words = 0;
    if (!r.Get(&words) || words > r.Left() / 4) return bad;
    ref.words.resize(words);
    for (std::string& word : ref.words)
      if (!r.Str(&word, 1 << 10)) return bad;
    if (has_gps) {
      media::GpsPosition g;
      g.lat = lat;
      g.lon = lon;
      if (has_alt) g.alt_m = alt;
      g.source = source;
      ref.gps = g;
    }
    ref.vlad.assign(vlad.begin(), vlad.end());
  }
  std::uint64_t skipped = 0;
  if (!r.Get(&skipped) || skipped > data.size()) return bad;
  index.skipped_.resize(skipped);
  for (std::string& s : index.skipped_)
    if (!r.Str(&s, 1 << 16)) return bad;
  if (!r.AtEnd()) return bad;
  return index;
}

bool ReferenceIndex::Covers(const std::vector<ReferenceFile>& files) const {
  if (files.size() != references_.size() + skipped_.size()) return false;
  std::vector<const Reference*> by_path;
  for (const Reference& r : references_) by_path.push_back(&r);
  std::sort(by_path.begin(), by_path.end(),
            [](const Reference* a, const Reference* b) { return a->path < b->path; });
  std::vector<std::string> skipped = skipped_;
  std::sort(skipped.begin(), skipped.end());
  for (const ReferenceFile& f : files) {
    if (std::binary_search(skipped.begin(), skipped.end(), f.path)) continue;
    auto it =
        std::lower_bound(by_path.begin(), by_path.end(), f.path,
                         [](const Reference* r, const std::string& p) { return r->path < p; });
    if (it == by_path.end() || (*it)->path != f.path) return false;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
    if (!StatFile(f.path, &size, &mtime) || size != (*it)->size || mtime != (*it)->mtime_ns)
      return false;
  }
  return true;
}

std::vector<std::pair<int, double>> ReferenceIndex::Shortlist(const SceneFeatures& query,
                                                              int count) const {
  std::vector<std::pair<int, double>> scored;
  const std::vector<std::int8_t> q = vocabulary_.Encode(query.descriptors);
  scored.reserve(references_.size());
  for (size_t i = 0; i < references_.size(); ++i) {
    scored.push_back({static_cast<int>(i), VladSimilarity(q, references_[i].vlad)});
  }
  const size_t n = std::min<size_t>(std::max(0, count), scored.size());
  std::partial_sort(scored.begin(), scored.begin() + n, scored.end(),
                    [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  scored.resize(n);
  return scored;
}

const char* StageName(LocateStage s) {
  switch (s) {
    case LocateStage::kDirect:
      return "direct";
    case LocateStage::kAffine:
      return "affine";
    case LocateStage::kMergedFrames:
      return "merged_frames";
    case LocateStage::kGuided:
      return "guided";
  }
  return "direct";
}

namespace {

// The shared words of a candidate for a person: "Хрещатик", "Bessarabska".
std::string QuotedWords(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "\"" : ", \"") + w + "\"";
  return out;
}

bool SharesStrongWords(const text::PlaceWordMatch& m, const LocateOptions& o) {
  return !m.shared.empty() && m.shared_weight >= o.text_min_weight && m.score >= o.text_min_score;
}

// Takes `c`'s answer from a wide-baseline comparison (the direct test had rejected it).
void TakeComparison(LocateCandidate& c, FileComparison&& fc, const FileFeatures& query) {
  c.stage = fc.affine          ? LocateStage::kAffine
            : fc.pooled_frames ? LocateStage::kMergedFrames
            : fc.guided        ? LocateStage::kGuided
                               : LocateStage::kDirect;
  c.query_t = query.frames.empty() ? 0 : query.frames[fc.a_frame].t;
  c.mirrored = fc.mirrored;
  c.match = std::move(fc.match);
  // Here A is the query and B the reference; a mirror image is mirrored either way round.
  const std::string note = kMirroredNote;
  if (const size_t at = c.match.reason.find(note); c.mirrored && at != std::string::npos)
    c.match.reason.replace(at, note.size(),
                           " (the query is mirrored: flipped left to right against the reference)");
}

}  // namespace

Result<LocateResult> Locate(const std::string& query, const ReferenceIndex& index,
                            const LocateOptions& options) {
  FrameOptions fo;
  fo.max_side = std::max(options.features.max_side, index.options().features.max_side);
  fo.max_frames = std::max(1, options.max_query_frames);
  FileFeatures q;
  q.options = options.features;
  SL_ASSIGN_OR_RETURN(q.frames, ReadSceneFrames(query, fo));
  q.still = !q.frames.empty() && q.frames.front().still;

  // Shortlist: the union over the query's frames, each reference at its best similarity.
  const std::vector<Reference>& refs = index.references();
  std::vector<double> best_similarity(refs.size(), -2.0);
  for (const SceneFrame& frame : q.frames) {
    q.features.push_back(ExtractFeatures(frame.gray, options.features));
    const SceneFeatures small = ExtractFeatures(frame.gray, index.options().features);
    for (const auto& [ref, sim] : index.Shortlist(small, options.shortlist))
      best_similarity[ref] = std::max(best_similarity[ref], sim);
  }
  LocateResult result;
  std::vector<LocateCandidate> candidates;
  for (size_t i = 0; i < best_similarity.size(); ++i) {
    if (best_similarity[i] > -2.0) {
      LocateCandidate c;
      c.reference = static_cast<int>(i);
      c.similarity = best_similarity[i];
      c.by_similarity = true;
      candidates.push_back(c);
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.reference < b.reference;
  });
  if (static_cast<int>(candidates.size()) > options.shortlist)
    candidates.resize(std::max(0, options.shortlist));

  // Text: references sharing strong place words join the shortlist.
  if (options.text_reader != nullptr && index.has_text()) {
    result.text_used = true;
    const auto t0 = std::chrono::steady_clock::now();
    auto words = ReadPlaceWords(query, options.text_every_s, *options.text_reader);
    result.text_seconds = SecondsSince(t0);
    if (!words.ok()) {
      result.text_problem = words.status().message();
    } else {
      result.query_words = std::move(words).value();
    }
  }
  if (!result.query_words.empty()) {
    std::vector<bool> listed(refs.size(), false);
    for (LocateCandidate& c : candidates) {
      listed[c.reference] = true;
      c.words = text::ComparePlaceWords(result.query_words, refs[c.reference].words);
      c.by_text = SharesStrongWords(c.words, options);
    }
    std::vector<LocateCandidate> pulled;
    for (size_t i = 0; i < refs.size(); ++i) {
      if (listed[i] || refs[i].words.empty()) continue;
      text::PlaceWordMatch m = text::ComparePlaceWords(result.query_words, refs[i].words);
      if (!SharesStrongWords(m, options)) continue;
      LocateCandidate c;
      c.reference = static_cast<int>(i);
      c.by_text = true;
      c.words = std::move(m);
      pulled.push_back(std::move(c));
    }
    std::stable_sort(pulled.begin(), pulled.end(), [](const auto& a, const auto& b) {
      if (a.words.shared_weight != b.words.shared_weight)
        return a.words.shared_weight > b.words.shared_weight;
      return a.words.score > b.words.score;
    });
    if (static_cast<int>(pulled.size()) > options.text_shortlist)
      pulled.resize(std::max(0, options.text_shortlist));
    if (!pulled.empty()) {
      // Their similarity, for the ranking of the rest (the shortlist only kept the best).
      const SceneFeatures small = ExtractFeatures(q.frames.front().gray, index.options().features);
      const std::vector<std::int8_t> v = index.vocabulary().Encode(small.descriptors);
      for (LocateCandidate& c : pulled) c.similarity = VladSimilarity(v, refs[c.reference].vlad);
    }
    for (LocateCandidate& c : pulled) candidates.push_back(std::move(c));
  }

  // Verification: the direct test on every candidate, each query frame against the reference.
  FrameOptions rfo;
  rfo.max_side = options.features.max_side;
  rfo.max_frames = 1;
  std::vector<FileFeatures> ref_features(candidates.size());
  // Reading and describing the references is nearly all of a query's time (doc/scene.md), and
  // each candidate is independent: `threads` workers take them in turn, each writing only its
  // own candidate, so the result does not depend on the order.
  ParallelFor(candidates.size(), options.threads, [&](std::size_t k) {
    LocateCandidate& c = candidates[k];
    auto rf = ReadFileFeatures(refs[c.reference].path, rfo, options.features);
    if (!rf.ok()) {
      c.problem = rf.status().message();
      return;
    }
    ref_features[k] = std::move(rf).value();
    c.verified = true;
    for (size_t f = 0; f < q.features.size(); ++f) {
      SceneMatch m = MatchFeatures(q.features[f], ref_features[k].features.front(), options.match);
      if (f == 0 || m.match > c.match.match ||
          (m.match == c.match.match && m.score > c.match.score)) {
        c.match = std::move(m);
        c.query_t = q.frames[f].t;
      }
    }
  });
  const bool any_match = std::any_of(candidates.begin(), candidates.end(),
                                     [](const LocateCandidate& c) { return c.match.match; });

  // Wide baseline: when nothing matched directly, the best rejected candidates (those sharing
  // strong words first, then by similarity) with affine-simulated views, and the frame pairs of
  // a video query merged.
  if (!any_match && options.wide_baseline > 0) {
    // compare.h's wide-baseline stages, as `sightline scene` runs them; for a video query on the
    // frame pairs with the most tentative matches.
    CompareOptions wide;
    wide.features = options.features;
    wide.match = options.match;
    wide.affine_views = options.affine_views;
    wide.verify_pairs = wide.affine_pairs;
    // The reference flipped is the query flipped, seen from the other side. A guided match must
    // beat it either way (compare.h, guided_beats_mirror).
    const bool try_mirror = options.mirror_tests > 0;
    wide.mirror = try_mirror;
    std::vector<size_t> order;
    std::vector<std::pair<int, size_t>> flipped;  // (flipped precheck count, candidate)
    for (size_t k = 0; k < candidates.size(); ++k) {
      const LocateCandidate& c = candidates[k];
      if (!c.verified || ref_features[k].features.empty() ||
          ref_features[k].features.front().keypoints.empty())
        continue;
      order.push_back(k);
      if (!try_mirror) continue;
      // Which candidates the query flipped shares ground with: the flipped test's own precheck
      // (compare.h), a sixteenth of a direct test, on every one. VLAD of the query as it is
      // ranks its place lower than it would unflipped (SIFT is not mirror-invariant), so the
      // similarity order of the test above is not the order for this one.
      const int count = FlippedShortlistCount(
          q.features, {MirrorFeatures(ref_features[k].features.front())}, wide);
      if (count >= wide.mirror_min_shortlist) flipped.emplace_back(count, k);
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const LocateCandidate &x = candidates[a], &y = candidates[b];
      if (x.by_text != y.by_text) return x.by_text;
      if (x.by_text) return x.words.shared_weight > y.words.shared_weight;
      return x.similarity > y.similarity;
    });
    if (static_cast<int>(order.size()) > options.wide_baseline) order.resize(options.wide_baseline);
    std::stable_sort(flipped.begin(), flipped.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    if (static_cast<int>(flipped.size()) > options.mirror_tests)
      flipped.resize(options.mirror_tests);
    for (const auto& [count, k] : flipped)
      if (std::find(order.begin(), order.end(), k) == order.end()) order.push_back(k);
    if (!order.empty()) AddAffineFeatures(q, options.affine_views);
    for (size_t k : order) {
      LocateCandidate& c = candidates[k];
      c.wide_tested = true;
      ++result.wide_tested;
      FileComparison fc = CompareFeatures(q, ref_features[k], wide);
      if (fc.match.match) TakeComparison(c, std::move(fc), q);
    }
  }
  ref_features.clear();

  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    if (a.match.match != b.match.match) return a.match.match;
    if (a.match.match && a.match.score != b.match.score) return a.match.score > b.match.score;
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.reference < b.reference;
  });
  result.ranked = std::move(candidates);

  const LocateCandidate* best = nullptr;
  for (const LocateCandidate& c : result.ranked) {
    if (c.match.match && refs[c.reference].gps) {
      best = &c;
      break;
    }
  }
  if (best == nullptr) {
    const bool any = !result.ranked.empty() && result.ranked.front().match.match;
    result.reason = any ? "the picture matches references, but none of them carries GPS"
                        : "no reference shows the same place (none passed geometric "
                          "verification)";
    for (const LocateCandidate& c : result.ranked) {
      if (!c.by_text || c.match.match) continue;
      result.reason += "; " + refs[c.reference].label + " shares the words " +
                       QuotedWords(c.words.shared) +
                       ", but its geometry does not agree (words alone are not a match)";
      break;
    }
    return result;
  }
  const Reference& ref = refs[best->reference];
  result.located = true;
  result.position = ref.gps;
  result.position_label = ref.label;
  result.confidence = best->match.score;
  result.reason = "matches " + ref.label + ": " + best->match.reason;
  if (!best->words.shared.empty())
    result.reason += "; it shows the same words: " + QuotedWords(best->words.shared);
  for (const LocateCandidate& c : result.ranked) {
    if (&c == best || !c.match.match) continue;
    const Reference& other = refs[c.reference];
    if (!other.gps || c.match.score < 0.8 * best->match.score) continue;
    const double km = HaversineKm(ref.gps->lat, ref.gps->lon, other.gps->lat, other.gps->lon);
    if (km > options.ambiguous_km) {
      result.confidence *= 0.5;
      char buf[160];
      std::snprintf(buf, sizeof buf, "; ambiguous: %s matches nearly as well %.1f km away",
                    other.label.c_str(), km);
      result.reason += buf;
      break;
    }
  }
  return result;
}

}  // namespace sightline::analysis::scene

#include "signals/visual/match_signature.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

#include "base/binary_io.h"
#include "media/heif_image.h"

namespace sightline::signals::visual {

namespace {

// ---- area resampling -------------------------------------------------------------------------

// For each output sample along one axis: the first input index and the weights of the inputs it
// covers (the overlap of the output cell with each input pixel, normalised to sum to 1).
struct AxisWeights {
  std::vector<int> start, count, offset;
  std::vector<float> w;
};

void BuildAxisWeights(int n_in, double lo, double hi, int n_out, AxisWeights* a) {
  a->start.assign(n_out, 0);
  a->count.assign(n_out, 0);
  a->offset.assign(n_out, 0);
  a->w.clear();
  const double step = (hi - lo) / n_out;
  for (int o = 0; o < n_out; ++o) {
    double c0 = lo + o * step, c1 = c0 + step;
    c0 = std::clamp(c0, 0.0, static_cast<double>(n_in));
    c1 = std::clamp(c1, 0.0, static_cast<double>(n_in));
    if (c1 - c0 < 1e-9) {  // a degenerate cell: take the nearest pixel
      int p = std::clamp(static_cast<int>(c0), 0, n_in - 1);
      a->start[o] = p;
      a->count[o] = 1;
      a->offset[o] = static_cast<int>(a->w.size());
      a->w.push_back(1.0f);
      continue;
    }
    int p0 = static_cast<int>(std::floor(c0));
    int p1 = std::min(n_in, static_cast<int>(std::ceil(c1)));
    a->start[o] = p0;
    a->count[o] = p1 - p0;
    a->offset[o] = static_cast<int>(a->w.size());
    for (int p = p0; p < p1; ++p) {
      double ov = std::min<double>(p + 1, c1) - std::max<double>(p, c0);
      a->w.push_back(static_cast<float>(std::max(0.0, ov) / (c1 - c0)));
    }
  }
}

// ---- base64 (RFC 4648) -----------------------------------------------------------------------

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    std::uint32_t v = (static_cast<std::uint8_t>(in[i]) << 16) |
                      (static_cast<std::uint8_t>(in[i + 1]) << 8) |
                      static_cast<std::uint8_t>(in[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i < in.size()) {
    std::uint32_t v = static_cast<std::uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<std::uint8_t>(in[i + 1]) << 8;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view in) {
  static const auto table = [] {
    std::array<int, 256> t;
    t.fill(-1);
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kB64[i])] = i;
    return t;
  }();
  std::string out;
  out.reserve(in.size() / 4 * 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return Corrupt("match signature: invalid base64");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

// ---- binary writer / reader ------------------------------------------------------------------

constexpr char kMagic[4] = {'S', 'L', 'M', 'S'};

}  // namespace

// ---- public helpers --------------------------------------------------------------------------

double MatchSignature::Span() const {
  if (still) return 0;
  double last = frames.empty() ? 0 : frames.back().t + (rate > 0 ? 1.0 / rate : 0);
  return duration_s > 0 ? std::max(duration_s, frames.empty() ? 0 : frames.back().t) : last;
}

void ResampleArea(const std::uint8_t* pixels, int width, int height, int stride, const NormBox& box,
                  int out_w, int out_h, float* out) {
  AxisWeights ax, ay;
  BuildAxisWeights(width, box.x0 * width, box.x1 * width, out_w, &ax);
  BuildAxisWeights(height, box.y0 * height, box.y1 * height, out_h, &ay);
  std::vector<float> row(out_w);
  for (int oy = 0; oy < out_h; ++oy) {
    float* dst = out + static_cast<std::size_t>(oy) * out_w;
    std::fill(dst, dst + out_w, 0.0f);
    for (int k = 0; k < ay.count[oy]; ++k) {
      const float wy = ay.w[ay.offset[oy] + k];
      const std::uint8_t* src = pixels + static_cast<std::size_t>(ay.start[oy] + k) * stride;
      for (int ox = 0; ox < out_w; ++ox) {
        float s = 0;
        const float* wx = &ax.w[ax.offset[ox]];
        const std::uint8_t* p = src + ax.start[ox];
        for (int j = 0; j < ax.count[ox]; ++j) s += wx[j] * p[j];
        dst[ox] += wy * s;
      }
    }
  }
}

void BarStats::Reset(int w, int h) {
  width = w;
  height = h;
  frames = 0;
  row_std_max.assign(h, 0);
  row_mean_min.assign(h, 1e9f);
  row_mean_max.assign(h, -1e9f);
  row_mean_sum.assign(h, 0);
  col_std_max.assign(w, 0);
  col_mean_min.assign(w, 1e9f);
  col_mean_max.assign(w, -1e9f);
  col_mean_sum.assign(w, 0);
}

void BarStats::Add(const std::uint8_t* pixels, int stride) {
  std::vector<double> cs(width, 0), cs2(width, 0);
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* r = pixels + static_cast<std::size_t>(y) * stride;
    double s = 0, s2 = 0;
    for (int x = 0; x < width; ++x) {
      double v = r[x];
      s += v;
      s2 += v * v;
      cs[x] += v;
      cs2[x] += v * v;
    }
    float m = static_cast<float>(s / width);
    float sd = static_cast<float>(std::sqrt(std::max(0.0, s2 / width - (s / width) * (s / width))));
    row_std_max[y] = std::max(row_std_max[y], sd);
    row_mean_min[y] = std::min(row_mean_min[y], m);
    row_mean_max[y] = std::max(row_mean_max[y], m);
    row_mean_sum[y] += m;
  }
  for (int x = 0; x < width; ++x) {
    double m = cs[x] / height;
    float sd = static_cast<float>(std::sqrt(std::max(0.0, cs2[x] / height - m * m)));
    col_std_max[x] = std::max(col_std_max[x], sd);
    col_mean_min[x] = std::min(col_mean_min[x], static_cast<float>(m));
    col_mean_max[x] = std::max(col_mean_max[x], static_cast<float>(m));
    col_mean_sum[x] += static_cast<float>(m);
  }
  ++frames;
}

namespace {

// Leading lines (rows or columns, from one edge) that are bars: flat across the line (standard
// deviation at most `max_std` in every frame), constant in time (mean within `max_range`), and of
// one colour with the edge line (means within `max_step`). Encoders and noise filters leave
// bars a little textured, hence tolerances rather than exact constancy.
int CountBarLines(const std::vector<float>& std_max, const std::vector<float>& mean_min,
                  const std::vector<float>& mean_max, const std::vector<float>& mean_sum,
                  int frames, bool reverse, float max_std, float max_range, float max_step) {
  const int n = static_cast<int>(std_max.size());
  auto at = [&](int i) { return reverse ? n - 1 - i : i; };
  const float edge_mean = mean_sum[at(0)] / frames;
  int count = 0;
  for (int i = 0; i < n; ++i) {
    int k = at(i);
    if (std_max[k] > max_std || mean_max[k] - mean_min[k] > max_range) break;
    if (std::abs(mean_sum[k] / frames - edge_mean) > max_step) break;
    ++count;
  }
  return count;
}

}  // namespace

// Rules: bars are at least 2 % of the side (thinner flat edges are encoder padding or nothing)
// and leave at least 35 % of it; a picture that is flat everywhere (black, a title card) has no
// box. A still image has no time to tell bars from flat scenery, so its bars must be flatter.
NormBox FindContentBox(const BarStats& s, bool still) {
  NormBox box;
  if (s.frames == 0 || s.width < 16 || s.height < 16) return box;
  const float max_std = still ? 3.0f : 10.0f;
  const float max_range = still ? 0.0f : 4.0f;
  const float max_step = 6.0f;
  int top = CountBarLines(s.row_std_max, s.row_mean_min, s.row_mean_max, s.row_mean_sum, s.frames,
                          false, max_std, max_range, max_step);
  int bottom = CountBarLines(s.row_std_max, s.row_mean_min, s.row_mean_max, s.row_mean_sum,
                             s.frames, true, max_std, max_range, max_step);
  int left = CountBarLines(s.col_std_max, s.col_mean_min, s.col_mean_max, s.col_mean_sum, s.frames,
                           false, max_std, max_range, max_step);
  int right = CountBarLines(s.col_std_max, s.col_mean_min, s.col_mean_max, s.col_mean_sum, s.frames,
                            true, max_std, max_range, max_step);
  auto keep = [](int bars, int side) { return bars >= std::max(2, side / 50) ? bars : 0; };
  top = keep(top, s.height);
  bottom = keep(bottom, s.height);
  left = keep(left, s.width);
  right = keep(right, s.width);
  if (s.height - top - bottom < s.height * 0.35 || s.width - left - right < s.width * 0.35) {
    return box;  // flat everywhere, or nearly: no content to box
  }
  box.x0 = static_cast<float>(left) / s.width;
  box.x1 = static_cast<float>(s.width - right) / s.width;
  box.y0 = static_cast<float>(top) / s.height;
  box.y1 = static_cast<float>(s.height - bottom) / s.height;
  return box;
}

// ---- the builder -----------------------------------------------------------------------------

struct MatchSignatureBuilder::Impl {
  struct Pending {
    double t = 0;
    int w = 0, h = 0;
    std::vector<std::uint8_t> luma;
  };

  explicit Impl(const MatchSignatureOptions& o)
      : options(o),
        hasher(std::make_unique<PdqHasher>()),
        orb(cv::ORB::create(std::max(64, o.orb_features * 4), 1.2f, 8, 31, 0, 2,
                            cv::ORB::HARRIS_SCORE, 31, 12)) {
    sig.rate = o.rate;
  }

  Status OnFrame(const media::Frame& f) {
    if (f.layout != media::PixelLayout::kGray8) return Internal("match signature needs luma");
    if (f.width <= 0 || f.height <= 0) return Status::Ok();
    cv::Mat in(f.height, f.width, CV_8UC1, const_cast<std::uint8_t*>(f.data),
               static_cast<std::size_t>(f.stride));
    cv::Mat big = in;
    if (std::max(f.width, f.height) > options.orb_side) {
      big = Scaled(in, options.orb_side);
    }
    if (f.still) sig.still = true;
    // ORB at its own rate (half a sample of tolerance: sample times land a little late).
    const double half = options.rate > 0 ? 0.5 / options.rate : 0;
    if (f.still || sig.orb.empty() || f.t + half >= next_orb_t) {
      sig.orb.push_back(Orb(big, f.t));
      next_orb_t = (sig.orb.size() == 1 ? f.t : next_orb_t) + 1.0 / options.orb_rate;
      while (next_orb_t <= f.t) next_orb_t += 1.0 / options.orb_rate;
    }
    cv::Mat small =
        std::max(big.cols, big.rows) > options.max_side ? Scaled(big, options.max_side) : big;
    Pending p;
    p.t = f.t;
    p.w = small.cols;
    p.h = small.rows;
    p.luma.resize(static_cast<std::size_t>(p.w) * p.h);
    for (int y = 0; y < p.h; ++y) std::memcpy(&p.luma[y * p.w], small.ptr(y), p.w);
    if (!pending.empty() && (p.w != pending.front().w || p.h != pending.front().h)) Flush();
    if (pending.empty()) stats.Reset(p.w, p.h);
    stats.Add(p.luma.data(), p.w);
    pending.push_back(std::move(p));
    if (pending.back().t - pending.front().t >= options.bar_window_s) Flush();
    return Status::Ok();
  }

  static cv::Mat Scaled(const cv::Mat& in, int max_side) {
    double s = static_cast<double>(max_side) / std::max(in.cols, in.rows);
    cv::Mat out;
    cv::resize(in, out,
               cv::Size(std::max(1, static_cast<int>(std::lround(in.cols * s))),
                        std::max(1, static_cast<int>(std::lround(in.rows * s)))),
               0, 0, cv::INTER_AREA);
    return out;
  }

  OrbFrame Orb(const cv::Mat& img, double t) {
    OrbFrame of;
    of.t = t;
    of.width = img.cols;
    of.height = img.rows;
    std::vector<cv::KeyPoint> kps;
    orb->detect(img, kps);
    // Spread: a quota per cell of a 4 × 4 grid, strongest first; unused quota goes to the
    // strongest of the rest.
    const int cap = options.orb_features;
    if (static_cast<int>(kps.size()) > cap) {
      std::sort(kps.begin(), kps.end(), [](const cv::KeyPoint& a, const cv::KeyPoint& b) {
        return a.response > b.response;
      });
      std::array<int, 16> used{};
      const int quota = std::max(1, cap / 16);
      std::vector<cv::KeyPoint> kept, rest;
      for (const auto& k : kps) {
        int cx = std::clamp(static_cast<int>(k.pt.x * 4 / img.cols), 0, 3);
        int cy = std::clamp(static_cast<int>(k.pt.y * 4 / img.rows), 0, 3);
        if (used[cy * 4 + cx] < quota) {
          ++used[cy * 4 + cx];
          kept.push_back(k);
        } else {
          rest.push_back(k);
        }
      }
      for (const auto& k : rest) {
        if (static_cast<int>(kept.size()) >= cap) break;
        kept.push_back(k);
      }
      kps = std::move(kept);
    }
    cv::Mat desc;
    if (!kps.empty()) orb->compute(img, kps, desc);
    if (desc.empty() || desc.cols != 32 || desc.type() != CV_8U) return of;
    of.points.reserve(kps.size());
    of.descriptors.resize(kps.size() * 32);
    for (std::size_t i = 0; i < kps.size(); ++i) {
      OrbPoint p;
      p.x = kps[i].pt.x;
      p.y = kps[i].pt.y;
      p.angle = static_cast<std::uint8_t>(
          static_cast<int>(std::lround(kps[i].angle * 256.0 / 360.0)) & 255);
      p.octave = static_cast<std::uint8_t>(std::clamp(kps[i].octave, 0, 255));
      of.points.push_back(p);
      std::memcpy(&of.descriptors[i * 32], desc.ptr(static_cast<int>(i)), 32);
    }
    return of;
  }

  // Decides the content box of the buffered window and hashes its frames.
  void Flush() {
    if (pending.empty()) return;
    NormBox box = FindContentBox(stats, sig.still);
    // Keep the previous window's box when this one is nearly the same (a dark stretch should not
    // make the box jitter).
    if (have_box) {
      const float tol = 0.02f;
      if (std::abs(box.x0 - last_box.x0) < tol && std::abs(box.x1 - last_box.x1) < tol &&
          std::abs(box.y0 - last_box.y0) < tol && std::abs(box.y1 - last_box.y1) < tol) {
        box = last_box;
      }
    }
    last_box = box;
    have_box = true;
    const int w = pending.front().w, h = pending.front().h;
    if (sig.thumb_w == 0) {
      const int side = options.thumb_side;
      sig.thumb_w =
          w >= h ? side : std::max(4, static_cast<int>(std::lround(side * double(w) / h)));
      sig.thumb_h =
          h >= w ? side : std::max(4, static_cast<int>(std::lround(side * double(h) / w)));
      sig.width = w;
      sig.height = h;
    }
    std::vector<float> thumb(static_cast<std::size_t>(sig.thumb_w) * sig.thumb_h);
    float* block = block_->v;
    for (const Pending& p : pending) {
      SignatureFrame fr;
      fr.t = p.t;
      fr.box = box;
      ResampleArea(p.luma.data(), p.w, p.h, p.w, NormBox{}, 64, 64, block);
      auto full = hasher->HashDihedral64(block);
      ResampleArea(p.luma.data(), p.w, p.h, p.w, box, 64, 64, block);
      auto content = box.IsFull() ? full : hasher->HashDihedral64(block);
      for (int d = 0; d < kPdqDihedralCount; ++d) {
        fr.full[d] = full[d].bits;
        fr.content[d] = content[d].bits;
      }
      fr.full_quality = static_cast<std::uint8_t>(std::clamp(full[0].quality, 0, 100));
      fr.content_quality = static_cast<std::uint8_t>(std::clamp(content[0].quality, 0, 100));
      sig.frames.push_back(fr);
      ResampleArea(p.luma.data(), p.w, p.h, p.w, NormBox{}, sig.thumb_w, sig.thumb_h, thumb.data());
      for (float v : thumb) {
        sig.thumbs.push_back(static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L)));
      }
    }
    pending.clear();
  }

  MatchSignatureOptions options;
  MatchSignature sig;
  std::unique_ptr<PdqHasher> hasher;  // 42 KB of scratch: on the heap
  cv::Ptr<cv::ORB> orb;
  std::vector<Pending> pending;
  struct alignas(64) Block {
    float v[64 * 64];
  };
  std::unique_ptr<Block> block_ = std::make_unique<Block>();  // aligned, as the PDQ kernels like
  BarStats stats;
  NormBox last_box;
  bool have_box = false;
  double next_orb_t = 0;
};

MatchSignatureBuilder::MatchSignatureBuilder(const MatchSignatureOptions& options)
    : impl_(std::make_unique<Impl>(options)) {}
MatchSignatureBuilder::~MatchSignatureBuilder() = default;

Status MatchSignatureBuilder::OnFrame(const media::Frame& frame) { return impl_->OnFrame(frame); }

MatchSignature MatchSignatureBuilder::Finish() {
  impl_->Flush();
  return std::move(impl_->sig);
}

Result<MatchSignature> ExtractMatchSignature(const std::string& path,
                                             const MatchSignatureOptions& options,
                                             const std::function<void(double)>& on_progress) {
  MatchSignatureBuilder builder(options);
  if (media::IsHeifStillFile(path)) {
    SL_ASSIGN_OR_RETURN(media::LumaImage luma, media::DecodeHeifLuma(path));
    media::Frame f;
    f.still = true;
    f.keyframe = true;
    f.width = luma.width;
    f.height = luma.height;
    f.stride = luma.width;
    f.data = luma.pixels.data();
    SL_RETURN_IF_ERROR(builder.OnFrame(f));
    MatchSignature sig = builder.Finish();
    sig.still = true;
    return sig;
  }
  class Consumer : public media::FrameConsumer {
   public:
    Consumer(MatchSignatureBuilder* b, const std::function<void(double)>& p) : b_(b), p_(p) {}
    Status OnFrame(const media::Frame& f) override {
      SL_RETURN_IF_ERROR(b_->OnFrame(f));
      if (p_) p_(f.t);
      return Status::Ok();
    }

   private:
    MatchSignatureBuilder* b_;
    const std::function<void(double)>& p_;
  } consumer(&builder, on_progress);
  media::FrameSourceOptions source;
  source.sampling = media::Sampling::kRate;
  source.rate = options.rate;
  source.layout = media::PixelLayout::kGray8;
  source.max_side = options.orb_side;
  source.threads = options.threads;
  // Stills as stored, as the signature's PDQ reference does; matching covers all eight
  // symmetries, so a copy turned upright still matches.
  source.exif_orientation = false;
  SL_ASSIGN_OR_RETURN(media::DecodeSummary summary, media::DecodeFrames(path, source, consumer));
  MatchSignature sig = builder.Finish();
  sig.still = summary.is_image;
  sig.duration_s = summary.is_image ? 0 : summary.duration_s;
  sig.frame_rate = summary.frame_rate;
  sig.warnings = std::move(summary.warnings);
  return sig;
}

std::string MatchSignatureParamsJson(const MatchSignatureOptions& o) {
  nlohmann::ordered_json p = {{"rate", o.rate},
                              {"max_side", o.max_side},
                              {"thumb_side", o.thumb_side},
                              {"orb_rate", o.orb_rate},
                              {"orb_side", o.orb_side},
                              {"orb_features", o.orb_features},
                              {"bar_window_s", o.bar_window_s}};
  return p.dump();
}

// Layout (all little-endian):
//   "SLMS" u32 version; u8 still; f64 duration_s, frame_rate, rate; i32 width, height, thumb_w,
//   thumb_h; u32 warning count, each u32 length + bytes;
//   u32 frame count, each: f64 t, 4 × f32 box, u8 full_quality, u8 content_quality,
//     8 × 32 bytes full, 8 × 32 bytes content;
//   thumb_w × thumb_h bytes per frame;
//   u32 ORB frame count, each: f64 t, i32 width, height, u32 points, each f32 x, y, u8 angle,
//     u8 octave; then 32 bytes per point.
std::string SerializeMatchSignature(const MatchSignature& s) {
  BinaryWriter w;
  w.Bytes(kMagic, 4);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(s.version));
  w.Put<std::uint8_t>(s.still ? 1 : 0);
  w.Put<double>(s.duration_s);
  w.Put<double>(s.frame_rate);
  w.Put<double>(s.rate);
  w.Put<std::int32_t>(s.width);
  w.Put<std::int32_t>(s.height);
  w.Put<std::int32_t>(s.thumb_w);
  w.Put<std::int32_t>(s.thumb_h);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(s.warnings.size()));
  for (const auto& m : s.warnings) w.Str(m);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(s.frames.size()));
  for (const SignatureFrame& f : s.frames) {
    w.Put<double>(f.t);
    w.Put<float>(f.box.x0);
    w.Put<float>(f.box.y0);
    w.Put<float>(f.box.x1);
    w.Put<float>(f.box.y1);
    w.Put<std::uint8_t>(f.full_quality);
    w.Put<std::uint8_t>(f.content_quality);
    for (const auto& h : f.full) w.Bytes(h.data(), 32);
    for (const auto& h : f.content) w.Bytes(h.data(), 32);
  }
  w.Bytes(s.thumbs.data(), s.thumbs.size());
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(s.orb.size()));
  for (const OrbFrame& o : s.orb) {
    w.Put<double>(o.t);
    w.Put<std::int32_t>(o.width);
    w.Put<std::int32_t>(o.height);
    w.Put<std::uint32_t>(static_cast<std::uint32_t>(o.points.size()));
    for (const OrbPoint& p : o.points) {
      w.Put<float>(p.x);
      w.Put<float>(p.y);
      w.Put<std::uint8_t>(p.angle);
      w.Put<std::uint8_t>(p.octave);
    }
    w.Bytes(o.descriptors.data(), o.descriptors.size());
  }
  return w.Take();
}

Result<MatchSignature> ParseMatchSignature(std::string_view data) {
  BinaryReader r(data);
  char magic[4];
  std::uint32_t version = 0;
  if (!r.Bytes(magic, 4) || std::memcmp(magic, kMagic, 4) != 0 || !r.Get(&version)) {
    return Corrupt("not a match signature");
  }
  if (version != static_cast<std::uint32_t>(kMatchSignatureVersion)) {
    return Unsupported("match signature version " + std::to_string(version) +
                       " (this build reads " + std::to_string(kMatchSignatureVersion) + ")");
  }
  const Status bad = Corrupt("match signature is damaged or truncated");
  MatchSignature s;
  std::uint8_t still = 0;
  std::uint32_t n = 0;
  if (!r.Get(&still) || !r.Get(&s.duration_s) || !r.Get(&s.frame_rate) || !r.Get(&s.rate) ||
      !r.Get(&s.width) || !r.Get(&s.height) || !r.Get(&s.thumb_w) || !r.Get(&s.thumb_h) ||
      !r.Get(&n)) {
    return bad;
  }
  s.still = still != 0;
  if (s.thumb_w < 0 || s.thumb_h < 0 || s.thumb_w > 4096 || s.thumb_h > 4096 || n > 1000) {
    return bad;
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string m;
    if (!r.Str(&m, 1 << 16)) return bad;
    s.warnings.push_back(std::move(m));
  }
  if (!r.Get(&n)) return bad;
  constexpr std::size_t kFrameBytes = 8 + 16 + 2 + 512;
  if (n > r.Left() / kFrameBytes) return bad;
  s.frames.resize(n);
  for (SignatureFrame& f : s.frames) {
    if (!r.Get(&f.t) || !r.Get(&f.box.x0) || !r.Get(&f.box.y0) || !r.Get(&f.box.x1) ||
        !r.Get(&f.box.y1) || !r.Get(&f.full_quality) || !r.Get(&f.content_quality)) {
      return bad;
    }
    for (auto& h : f.full) {
      if (!r.Bytes(h.data(), 32)) return bad;
    }
    for (auto& h : f.content) {
      if (!r.Bytes(h.data(), 32)) return bad;
    }
  }
  const std::size_t thumb_bytes = static_cast<std::size_t>(s.thumb_w) * s.thumb_h * n;
  if (thumb_bytes > r.Left()) return bad;
  s.thumbs.resize(thumb_bytes);
  r.Bytes(s.thumbs.data(), thumb_bytes);
  if (!r.Get(&n) || n > r.Left() / 20) return bad;
  s.orb.resize(n);
  for (OrbFrame& o : s.orb) {
    std::uint32_t points = 0;
    if (!r.Get(&o.t) || !r.Get(&o.width) || !r.Get(&o.height) || !r.Get(&points) ||
        points > r.Left() / 42) {
      return bad;
    }
    o.points.resize(points);
    for (OrbPoint& p : o.points) {
      if (!r.Get(&p.x) || !r.Get(&p.y) || !r.Get(&p.angle) || !r.Get(&p.octave)) return bad;
    }
    o.descriptors.resize(static_cast<std::size_t>(points) * 32);
    if (!r.Bytes(o.descriptors.data(), o.descriptors.size())) return bad;
  }
  if (r.Left() != 0) return bad;
  return s;
}

std::string MatchSignatureToStoredJson(const MatchSignature& sig) {
  nlohmann::ordered_json j = {{"format", "sightline-match-signature"},
                              {"version", sig.version},
                              {"still", sig.still},
                              {"duration_s", sig.duration_s},
                              {"frames", sig.frames.size()},
                              {"orb_frames", sig.orb.size()},
                              {"encoding", "base64"},
                              {"data", Base64Encode(SerializeMatchSignature(sig))}};
  return j.dump() + "\n";
}

Result<MatchSignature> MatchSignatureFromStoredJson(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != "sightline-match-signature" ||
      !j.contains("data") || !j["data"].is_string()) {
    return Corrupt("not a stored match signature");
  }
  SL_ASSIGN_OR_RETURN(std::string bytes, Base64Decode(j["data"].get<std::string>()));
  return ParseMatchSignature(bytes);
}

}  // namespace sightline::signals::visual

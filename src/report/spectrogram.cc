#include "report/spectrogram.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "analysis/events/fft.h"

namespace sightline::report {

namespace {

using analysis::events::AudioEvent;
using analysis::events::EventKind;
using analysis::events::SpeechRegion;

// A 5 × 7 bitmap font: digits, lower-case letters (upper case is drawn in lower case) and the
// punctuation axis labels and titles need. Each glyph is seven rows of five columns.
struct Glyph {
  char c;
  const char* rows;  // 35 characters, '#' for ink
};
constexpr Glyph kFont[] = {
    {'0', ".###.#...##..###.#.###..##...#.###."}, {'1', "..#...##....#....#....#....#...###."},
    {'2', ".###.#...#....#...#...#...#...#####"}, {'3', "#####...#...#.....#.....##...#.###."},
    {'4', "...#...##..#.#.#..#.#####...#....#."}, {'5', "######....####.....#....##...#.###."},
    {'6', "..##..#...#....####.#...##...#.###."}, {'7', "#####....#...#...#...#....#....#..."},
    {'8', ".###.#...##...#.###.#...##...#.###."}, {'9', ".###.#...##...#.####....#...#..##.."},
    {'a', "...........###.....#.#####...#.####"}, {'b', "#....#....#.##.##..##...##...#####."},
    {'c', "...........###.#....#....#...#.###."}, {'d', "....#....#.##.##..###...##...#.####"},
    {'e', "...........###.#...#######.....###."}, {'f', "..##..#..#.#...###...#....#....#..."},
    {'g', ".....####.#...##...#.####....#.###."}, {'h', "#....#....#.##.##..##...##...##...#"},
    {'i', "..#........##....#....#....#...###."}, {'j', "...#.........##....#....##..#..##.."},
    {'k', "#....#....#..#.#.#..##...#.#..#..#."}, {'l', ".##....#....#....#....#....#...###."},
    {'m', "..........##.#.#.#.##.#.##...##...#"}, {'n', "..........#.##.##..##...##...##...#"},
    {'o', "...........###.#...##...##...#.###."}, {'p', "..........####.#...#####.#....#...."},
    {'q', "...........##.##..##.####....#....#"}, {'r', "..........#.##.##..##....#....#...."},
    {'s', "...........###.#.....###.....#####."}, {'t', ".#....#...###...#....#....#..#..##."},
    {'u', "..........#...##...##...##..##.##.#"}, {'v', "..........#...##...##...#.#.#...#.."},
    {'w', "..........#...##...##.#.##.#.#.#.#."}, {'x', "..........#...#.#.#...#...#.#.#...#"},
    {'y', "..........#...##...#.####....#.###."}, {'z', "..........#####...#...#...#...#####"},
    {'.', ".........................##...##..."}, {':', "......##...##.........##...##......"},
    {'-', "...............#####..............."}, {'_', "..............................#####"},
    {'(', "...#...#...#....#....#.....#.....#."}, {')', ".#.....#.....#....#....#...#...#..."},
    {'/', ".........#...#...#...#...#........."}, {'%', "##...##..#...#...#...#...#..##...##"},
    {'+', ".......#....#..#####..#....#......."}, {'=', "..........#####.....#####.........."},
    {',', "....................##....#...#...."}, {'?', ".###.#...#....#...#...#.........#.."},
    {'<', "...#...#...#...#.....#.....#.....#."}, {'>', ".#.....#.....#.....#...#...#...#..."},
    {' ', "..................................."},
};

const char* GlyphRows(char c) {
  if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (const Glyph& g : kFont)
    if (g.c == c) return g.rows;
  return GlyphRows('?');
}

struct Rgb {
  std::uint8_t r, g, b;
};

constexpr Rgb kBackground{22, 22, 28}, kText{225, 225, 230}, kAxis{120, 120, 130};
constexpr Rgb kShot{255, 70, 60}, kBurst{255, 160, 20}, kBlast{200, 90, 255}, kSpeech{70, 210, 110};

Rgb KindColour(EventKind k) {
  switch (k) {
    case EventKind::kShot:
      return kShot;
    case EventKind::kBurst:
      return kBurst;
    case EventKind::kBlast:
      return kBlast;
  }
  return kShot;
}

// Inferno-like: black, purple, red, orange, pale yellow.
Rgb Colour(double u) {
  static constexpr std::array<Rgb, 5> kStops = {
      {{0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}}};
  u = std::clamp(u, 0.0, 1.0) * (kStops.size() - 1);
  const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(u), kStops.size() - 2);
  const double f = u - static_cast<double>(i);
  const auto mix = [&](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(std::lround(a + f * (b - a)));
  };
  return {mix(kStops[i].r, kStops[i + 1].r), mix(kStops[i].g, kStops[i + 1].g),
          mix(kStops[i].b, kStops[i + 1].b)};
}

class Canvas {
 public:
  Canvas(int w, int h) {
    img_.width = w;
    img_.height = h;
    img_.layout = media::PixelLayout::kRgb24;
    img_.pixels.resize(static_cast<std::size_t>(w) * h * 3);
    Fill(0, 0, w, h, kBackground);
  }
  void Set(int x, int y, Rgb c) {
    if (x < 0 || y < 0 || x >= img_.width || y >= img_.height) return;
    std::uint8_t* p = &img_.pixels[(static_cast<std::size_t>(y) * img_.width + x) * 3];
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
  }
  void Fill(int x0, int y0, int w, int h, Rgb c) {
    for (int y = y0; y < y0 + h; ++y)
      for (int x = x0; x < x0 + w; ++x) Set(x, y, c);
  }
  static int TextWidth(const std::string& s, int scale) {
    return s.empty() ? 0 : static_cast<int>(s.size()) * 6 * scale - scale;
  }
  void Text(int x, int y, const std::string& s, Rgb c, int scale) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char* rows = GlyphRows(s[i]);
      for (int r = 0; r < 7; ++r)
        for (int col = 0; col < 5; ++col)
          if (rows[r * 5 + col] == '#')
            Fill(x + static_cast<int>(i) * 6 * scale + col * scale, y + r * scale, scale, scale, c);
    }
  }
  media::Image Take() { return std::move(img_); }

 private:
  media::Image img_;
};

std::string Number(double v, double step) {
  char buf[32];
  const int decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
  if (std::fabs(v) < step * 1e-6) v = 0;  // not "-0"
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// 1, 2 or 5 × 10^k, the smallest at least `raw`.
double NiceStep(double raw) {
  const double p = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-9))));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

}  // namespace

struct SpectrogramBuilder::Impl {
  int rate = 0;
  double t0 = 0;
  SpectrogramOptions o;
  std::size_t frame_n = 1024, hop = 120;
  std::int64_t begin = 0, stop = -1;  // stream sample indices kept: [begin, stop)
  std::int64_t seen = 0;              // samples pushed so far
  std::int64_t next_frame = 0;        // stream index where the next frame starts
  std::vector<float> buf;             // samples from buf_start
  std::int64_t buf_start = 0;
  std::vector<float> window;
  std::unique_ptr<analysis::events::RealFft> fft;
  double norm = 1;
  double max_hz = 0;
  std::vector<std::pair<std::size_t, std::size_t>> row_bins;  // per row (top first)
  std::vector<std::vector<float>> columns;
  std::vector<float> pending;
  int pending_frames = 0, frames_per_column = 1;
  std::int64_t frames_done = 0;

  void Frame(const float* x) {
    float* in = fft->time();
    for (std::size_t i = 0; i < frame_n; ++i) in[i] = x[i] * window[i];
    fft->Forward();
    const std::complex<float>* spec = fft->freq();
    if (pending.empty()) pending.assign(row_bins.size(), -200.0f);
    for (std::size_t r = 0; r < row_bins.size(); ++r) {
      float mx = 0;
      for (std::size_t k = row_bins[r].first; k <= row_bins[r].second; ++k)
        mx = std::max(mx, std::norm(spec[k]));
      const float db = static_cast<float>(10 * std::log10(std::max(1e-14, mx * norm)));
      pending[r] = std::max(pending[r], db);
    }
    ++frames_done;
    if (++pending_frames >= frames_per_column) {
      columns.push_back(std::move(pending));
      pending.clear();
      pending_frames = 0;
      if (columns.size() >= 2 * static_cast<std::size_t>(o.width)) {
        // Merge neighbours (maximum) and double the step.
        std::vector<std::vector<float>> merged;
        for (std::size_t i = 0; i + 1 < columns.size(); i += 2) {
          std::vector<float> c = std::move(columns[i]);
          for (std::size_t r = 0; r < c.size(); ++r) c[r] = std::max(c[r], columns[i + 1][r]);
          merged.push_back(std::move(c));
        }
        columns = std::move(merged);
        frames_per_column *= 2;
      }
    }
  }
};

SpectrogramBuilder::SpectrogramBuilder(int sample_rate, double t0,
                                       const SpectrogramOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.rate = std::max(sample_rate, 1000);
  m.t0 = t0;
  m.o = options;
  m.o.width = std::clamp(m.o.width, 100, 8000);
  m.o.height = std::clamp(m.o.height, 64, 2000);
  m.frame_n = 256;
  while (static_cast<double>(m.frame_n) < 0.021 * m.rate) m.frame_n *= 2;
  m.hop = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(0.0025 * m.rate)));
  m.begin = std::max<std::int64_t>(0, std::llround((options.from_s - t0) * m.rate));
  m.stop = options.to_s >= 0
               ? std::max<std::int64_t>(m.begin, std::llround((options.to_s - t0) * m.rate))
               : -1;
  m.next_frame = m.begin;
  m.buf_start = 0;
  m.window.resize(m.frame_n);
  double sum = 0;
  for (std::size_t i = 0; i < m.frame_n; ++i) {
    m.window[i] = static_cast<float>(
        0.5 - 0.5 * std::cos(2 * std::numbers::pi * (i + 0.5) / static_cast<double>(m.frame_n)));
    sum += m.window[i];
  }
  m.norm = 4.0 / (sum * sum);  // a full-scale sine reads 0 dB
  m.fft = std::make_unique<analysis::events::RealFft>(m.frame_n);
  m.max_hz = options.max_hz > 0 ? std::min(options.max_hz, m.rate / 2.0) : m.rate / 2.0;
  const double hz = static_cast<double>(m.rate) / m.frame_n;
  for (int r = 0; r < m.o.height; ++r) {
    const double f_hi = m.max_hz * (1 - static_cast<double>(r) / m.o.height);
    const double f_lo = m.max_hz * (1 - static_cast<double>(r + 1) / m.o.height);
    std::size_t k0 = static_cast<std::size_t>(std::floor(f_lo / hz + 0.5));
    std::size_t k1 = static_cast<std::size_t>(std::floor(f_hi / hz + 0.5));
    k1 = std::min(k1, m.frame_n / 2);
    k0 = std::min(k0, k1);
    m.row_bins.emplace_back(k0, k1);
  }
}

SpectrogramBuilder::~SpectrogramBuilder() = default;

bool SpectrogramBuilder::Done() const {
  return impl_->stop >= 0 && impl_->seen >= impl_->stop + static_cast<std::int64_t>(impl_->frame_n);
}

void SpectrogramBuilder::Push(const float* samples, std::size_t n) {
  Impl& m = *impl_;
  const std::int64_t start = m.seen;
  m.seen += static_cast<std::int64_t>(n);
  if (m.seen <= m.begin || (m.stop >= 0 && start >= m.stop + static_cast<std::int64_t>(m.frame_n)))
    return;
  // Keep from the next frame's start on.
  const std::int64_t keep_from = std::max(start, m.next_frame);
  if (m.buf.empty()) m.buf_start = keep_from;
  for (std::int64_t i = keep_from; i < m.seen; ++i) m.buf.push_back(samples[i - start]);
  const std::int64_t end_frames = m.stop >= 0 ? m.stop : INT64_MAX;
  while (m.next_frame < end_frames && m.next_frame + static_cast<std::int64_t>(m.frame_n) <=
                                          m.buf_start + static_cast<std::int64_t>(m.buf.size())) {
    m.Frame(&m.buf[static_cast<std::size_t>(m.next_frame - m.buf_start)]);
    m.next_frame += static_cast<std::int64_t>(m.hop);
  }
  const std::int64_t drop =
      std::min<std::int64_t>(m.next_frame - m.buf_start, static_cast<std::int64_t>(m.buf.size()));
  if (drop > 0) {
    m.buf.erase(m.buf.begin(), m.buf.begin() + drop);
    m.buf_start += drop;
  }
}

double SpectrogramBuilder::start_s() const {
  return impl_->t0 + static_cast<double>(impl_->begin) / impl_->rate;
}

double SpectrogramBuilder::end_s() const {
  const Impl& m = *impl_;
  std::int64_t end = m.seen;
  if (m.stop >= 0) end = std::min(end, m.stop);
  return m.t0 + static_cast<double>(std::max(end, m.begin)) / m.rate;
}

media::Image SpectrogramBuilder::Render(const std::vector<AudioEvent>& events,
                                        const std::vector<SpeechRegion>& speech) const {
  const Impl& m = *impl_;
  const int scale = 2, glyph_h = 7 * scale;
  const int left = 64, right = 24, top = 16 + glyph_h + 34, bottom = 18 + 8 + glyph_h + 10;
  const int W = m.o.width, H = m.o.height;
  Canvas cv(left + W + right, top + H + bottom);
  const double t_start = start_s(), t_end = std::max(end_s(), t_start + 1e-3);
  const auto X = [&](double t) {
    return left + static_cast<int>(std::floor((t - t_start) / (t_end - t_start) * W));
  };

  // Title and legend.
  cv.Text(left, 8, m.o.title, kText, scale);
  {
    int x = left + W;
    const std::pair<const char*, Rgb> legend[] = {
        {"speech", kSpeech}, {"blast", kBlast}, {"burst", kBurst}, {"shot", kShot}};
    for (const auto& [name, colour] : legend) {
      x -= Canvas::TextWidth(name, scale);
      cv.Text(x, 8, name, kText, scale);
      x -= 16;
      cv.Fill(x, 8 + 2, 10, 10, colour);
      x -= 16;
    }
  }

  // The plot: column range per pixel, maximum over it.
  std::vector<const std::vector<float>*> cols;
  for (const auto& c : m.columns) cols.push_back(&c);
  if (!m.pending.empty()) cols.push_back(&m.pending);
  const double col_s = static_cast<double>(m.hop) * m.frames_per_column / m.rate;
  float vmax = -200;
  for (const auto* c : cols)
    for (float v : *c) vmax = std::max(vmax, v);
  const double floor_db = vmax - m.o.range_db;
  cv.Fill(left, top, W, H, Colour(0));
  if (!cols.empty()) {
    for (int x = 0; x < W; ++x) {
      const double ta = t_start + (t_end - t_start) * x / W,
                   tb = t_start + (t_end - t_start) * (x + 1) / W;
      // Column i covers frames starting at [t_start + i·col_s, t_start + (i+1)·col_s).
      std::size_t c0 = static_cast<std::size_t>(std::max(0.0, std::floor((ta - t_start) / col_s)));
      std::size_t c1 =
          static_cast<std::size_t>(std::max(0.0, std::ceil((tb - t_start) / col_s) - 1));
      if (c0 >= cols.size()) continue;
      c1 = std::clamp(c1, c0, cols.size() - 1);
      for (int r = 0; r < H; ++r) {
        float v = -200;
        for (std::size_t c = c0; c <= c1; ++c) v = std::max(v, (*cols[c])[r]);
        cv.Set(left + x, top + r, Colour((v - floor_db) / m.o.range_db));
      }
    }
  }
  // Frequency axis (kHz).
  {
    const double khz = m.max_hz / 1000;
    const double step = NiceStep(khz / 6);
    for (double f = 0; f <= khz + 1e-9; f += step) {
      const int y = top + H - 1 - static_cast<int>(std::lround(f / khz * (H - 1)));
      cv.Fill(left - 6, y, 6, 1, kAxis);
      const std::string label = Number(f, step) + "k";
      cv.Text(left - 10 - Canvas::TextWidth(label, scale), y - glyph_h / 2, label, kText, scale);
    }
    cv.Text(4, top - glyph_h - 4, "hz", kAxis, scale);
  }
  // Speech bar below the plot.
  const int speech_y = top + H + 3;
  for (const SpeechRegion& s : speech) {
    if (s.end < t_start || s.start > t_end) continue;
    const int x0 = std::max(left, X(s.start)), x1 = std::min(left + W, X(s.end));
    cv.Fill(x0, speech_y, std::max(1, x1 - x0), 6, kSpeech);
  }
  // Time axis (seconds).
  {
    const int axis_y = speech_y + 8;
    cv.Fill(left, axis_y, W, 1, kAxis);
    const double span = t_end - t_start;
    const double step = NiceStep(span / std::max(1.0, W / 110.0));
    for (double t = std::ceil(t_start / step - 1e-9) * step; t <= t_end + 1e-9; t += step) {
      const int x = X(t);
      cv.Fill(x, axis_y, 1, 6, kAxis);
      const std::string label = Number(t, step);
      const int w = Canvas::TextWidth(label, scale);
      cv.Text(std::clamp(x - w / 2, 0, left + W + right - w), axis_y + 9, label, kText, scale);
    }
    cv.Text(left + W + 6, axis_y - glyph_h - 2, "s", kAxis, scale);
  }
  // Events: a marker and a label in the lane above the plot, a bar over their extent, and a
  // dotted line down through the picture.
  const int lane_y = top - 30;
  int label_end = -1;
  for (const AudioEvent& e : events) {
    if (e.end < t_start || e.t > t_end) continue;
    const Rgb c = KindColour(e.kind);
    const int x = X(e.t), x_end = std::max(x + 2, std::min(left + W, X(e.end)));
    if (x >= left && x < left + W) {
      for (int y = top; y < top + H; y += 4) cv.Fill(x, y, 1, 2, c);
      for (int i = 0; i < 6; ++i) cv.Fill(x - 5 + i, lane_y + 14 + i, 11 - 2 * i, 1, c);
    }
    cv.Fill(std::max(left, x), top - 6, std::max(1, x_end - std::max(left, x)), 4, c);
    std::string label = analysis::events::KindName(e.kind);
    if (e.kind == EventKind::kBurst) label += " " + std::to_string(e.count);
    if (e.crack_thump) {
      char buf[48];
      std::snprintf(buf, sizeof buf, " %.0f-%.0fm", e.crack_thump->distance_lo_m,
                    e.crack_thump->distance_hi_m);
      label += buf;
    }
    const int lx = std::max(left, x - 4);
    if (lx > label_end) {
      cv.Text(lx, lane_y, label, c, scale);
      label_end = lx + Canvas::TextWidth(label, scale) + 8;
    }
  }
  return cv.Take();
}

}  // namespace sightline::report

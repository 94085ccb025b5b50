// Sun and shadows benchmark (bench/sun/run.sh): SPA calls per second on one core, the time of a
// global 0.1° shadow map (median of several runs; one shadow, one with a ±10 min time range, two
// shadows intersected), the GeoJSON and PNG encodings of that map, and SPA's agreement with the
// paper's worked example and with the committed ERFA reference table.
//
//   sightline_sun_bench [--reference tests/data/sun/spa_reference.csv] [--runs N]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/sun/shadow.h"
#include "analysis/sun/shadow_map_output.h"
#include "analysis/sun/spa.h"
#include "base/time.h"
#include "media/png_writer.h"

namespace sun = sightline::analysis::sun;

namespace {

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Median wall time of `runs` calls of `f`, after one warm-up call.
double MedianSeconds(int runs, const std::function<void()>& f) {
  f();
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto a = std::chrono::steady_clock::now();
    f();
    t.push_back(Seconds(a, std::chrono::steady_clock::now()));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

sun::ShadowMeasurement PostShadow(double t, const sun::Observer& at) {
  auto p = sun::ComputeSolarPosition(t, at);
  sun::ShadowMeasurement s;
  s.object_height = sun::Range{1.75, 1.85};
  const double length = 1.8 / std::tan(p->elevation_deg * M_PI / 180);
  s.shadow_length = sun::Range{length * 0.97, length * 1.03};
  s.ground_slope_deg = sun::Range{-1, 1};
  s.shadow_azimuth_deg = sun::Range::PlusMinus(p->azimuth_deg - 180, 2);
  s.time_unix = t;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string reference;
  int runs = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--reference")) reference = argv[i + 1];
    if (!std::strcmp(argv[i], "--runs")) runs = std::max(1, std::atoi(argv[i + 1]));
  }
  std::printf("%-52s %14s %12s\n", "measure", "value", "goal");

  // SPA accuracy: the paper's worked example.
  sun::Observer paper;
  paper.latitude_deg = 39.742476;
  paper.longitude_deg = -105.1786;
  paper.elevation_m = 1830.14;
  paper.pressure_mbar = 820;
  paper.temperature_c = 11;
  paper.delta_t_s = 67;
  auto ex = sun::ComputeSolarPositionUtc(2003, 10, 17, 19, 30, 30, paper);
  const double ex_err =
      std::max(std::fabs(ex->zenith_deg - 50.11162), std::fabs(ex->azimuth_deg - 194.34024));
  std::printf("%-52s %13.6f° %11s  %s\n", "SPA vs the paper's worked example (worst of z, az)",
              ex_err, "<= 0.0003°", ex_err <= 0.0003 ? "ok" : "MISSED");

  // SPA vs the ERFA table.
  if (!reference.empty()) {
    std::ifstream in(reference);
    std::string line;
    double worst_z = 0, worst_sky = 0;
    int n = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#' || line[0] == 'u') continue;
      std::istringstream s(line);
      double v[8];
      char comma;
      for (int i = 0; i < 8; ++i) s >> v[i] >> comma;
      sun::Observer o;
      o.latitude_deg = v[1];
      o.longitude_deg = v[2];
      o.elevation_m = v[3];
      o.delta_ut1_s = v[4];
      o.delta_t_s = v[5];
      o.pressure_mbar = 0;
      auto p = sun::ComputeSolarPosition(v[0], o);
      if (!p.ok()) continue;
      ++n;
      worst_z = std::max(worst_z, std::fabs(p->zenith_deg - v[6]));
      worst_sky = std::max(worst_sky, std::fabs(std::remainder(p->azimuth_deg - v[7], 360)) *
                                          std::sin(v[6] * M_PI / 180));
    }
    char label[96];
    std::snprintf(label, sizeof label, "SPA vs ERFA, %d random places/times: zenith", n);
    std::printf("%-52s %13.6f° %11s  %s\n", label, worst_z, "<= 0.0003°",
                worst_z <= 0.0003 ? "ok" : "MISSED");
    std::printf("%-52s %13.6f° %11s  %s\n", "  azimuth (on the sky: daz * sin z)", worst_sky,
                "<= 0.0003°", worst_sky <= 0.0003 ? "ok" : "MISSED");
  }

  // SPA calls per second, one core: places and times spread over the globe and 2000-2030.
  const int calls = 200000;
  double sink = 0;
  auto a = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) {
    sun::Observer o;
    o.latitude_deg = -80 + 160.0 * ((i * 7919LL) % calls) / calls;
    o.longitude_deg = -180 + 360.0 * ((i * 104729LL) % calls) / calls;
    auto p = sun::ComputeSolarPosition(946684800.0 + i * 4733.0, o);
    sink += p->zenith_deg;
  }
  const double spa_s = Seconds(a, std::chrono::steady_clock::now());
  std::printf("%-52s %14.0f %12s\n", "SPA calls per second (one core)", calls / spa_s, "");

  // Shadow maps on the 0.1° grid (3600 x 1800).
  sun::Observer kyiv;
  kyiv.latitude_deg = 50.45;
  kyiv.longitude_deg = 30.52;
  const double t = static_cast<double>(sightline::UnixFromUtcFields(2024, 5, 1, 7, 30, 0));
  const sun::Observer air;
  sun::ShadowMeasurement one = PostShadow(t, kyiv);
  sun::ShadowMeasurement ranged = one;
  ranged.time_uncertainty_s = 600;
  sun::ShadowMeasurement later = PostShadow(t + 4 * 3600, kyiv);
  struct Case {
    const char* name;
    std::vector<sun::ShadowMeasurement> shadows;
  } cases[] = {{"shadow map 0.1° global, one shadow (median)", {one}},
               {"shadow map, one shadow at ±10 min", {ranged}},
               {"shadow map, two shadows intersected", {one, later}}};
  sun::ShadowMap kept;
  for (const Case& c : cases) {
    const double s = MedianSeconds(runs, [&] {
      auto m = sun::ComputeShadowMap(c.shadows, air);
      if (m.ok()) kept = std::move(*m);
    });
    std::printf("%-52s %12.1f ms %12s  %s\n", c.name, s * 1000, "< 200 ms",
                s < 0.2 ? "ok" : (s < 2 ? "ok (< 2 s; goal 200 ms missed)" : "MISSED (> 2 s)"));
  }
  std::printf("%-52s %14d %12s  %s\n", "  band-edge cells checked with full SPA",
              kept.verification.cells_checked, "", "");
  std::printf("%-52s %14d %12s  %s\n", "  cells on the other side of the edge per SPA",
              kept.verification.disagreements, "", "");
  std::printf("%-52s %13.5f° %12s\n", "  fast model vs full SPA at edges (elevation)",
              kept.verification.max_elevation_diff_deg, "");
  const double geo_s = MedianSeconds(3, [&] { sink += sun::ShadowMapGeoJson(kept).dump().size(); });
  std::printf("%-52s %12.1f ms\n", "GeoJSON of that map (build + serialise)", geo_s * 1000);
  const double png_s = MedianSeconds(3, [&] {
    auto png = sightline::media::EncodePng(sun::ShadowMapImage(kept));
    if (png.ok()) sink += png->size();
  });
  std::printf("%-52s %12.1f ms\n", "PNG of that map (3600 x 1800, draw + encode)", png_s * 1000);
  return sink == 42 ? 1 : 0;  // keeps the work from being optimised away
}

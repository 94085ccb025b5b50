// Geodata benchmark (bench/geo/run.sh): reading a 1,000,000-point GPX track (time, peak memory
// growth), GPMF payload decoding rate, coordinate parsing and formatting rates, and the worst
// round-trip error of each coordinate format over random points.
//
//   sightline_geo_bench --work DIR [--points N]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "analysis/geo/coords.h"
#include "signals/geo/gpmf.h"
#include "signals/geo/gpx.h"
#include "signals/geo/track.h"

namespace geo = sightline::signals::geo;
namespace coords = sightline::analysis::geo;

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void PutBe(std::vector<std::uint8_t>* b, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) b->push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::vector<std::uint8_t> Klv(const char* key, char type, int size, int repeat,
                              const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> b(key, key + 4);
  b.push_back(static_cast<std::uint8_t>(type));
  b.push_back(static_cast<std::uint8_t>(size));
  PutBe(&b, static_cast<std::uint64_t>(repeat), 2);
  b.insert(b.end(), data.begin(), data.end());
  while (b.size() % 4) b.push_back(0);
  return b;
}

// A one-second HERO-style GPS payload: 18 GPS5 samples with SCAL, GPSU, GPSF, GPSP.
std::vector<std::uint8_t> Payload() {
  std::vector<std::uint8_t> scal, gps, fix, gpsp;
  for (long v : {10000000L, 10000000L, 1000L, 1000L, 100L}) PutBe(&scal, v, 4);
  for (int i = 0; i < 18; ++i)
    for (long v : {331267700L + i, -1173273436L, -22959L, 1046L, 100L})
      PutBe(&gps, static_cast<std::uint32_t>(v), 4);
  PutBe(&fix, 3, 4);
  PutBe(&gpsp, 154, 2);
  std::string u = "191118234514.000";
  std::vector<std::uint8_t> strm;
  for (const auto& e :
       {Klv("GPSF", 'L', 4, 1, fix), Klv("GPSU", 'U', 16, 1, {u.begin(), u.end()}),
        Klv("GPSP", 'S', 2, 1, gpsp), Klv("SCAL", 'l', 4, 5, scal), Klv("GPS5", 'l', 20, 18, gps)})
    strm.insert(strm.end(), e.begin(), e.end());
  std::vector<std::uint8_t> s = Klv("STRM", 0, 4, static_cast<int>(strm.size() / 4), strm);
  return Klv("DEVC", 0, 4, static_cast<int>(s.size() / 4), s);
}

}  // namespace

int main(int argc, char** argv) {
  std::string work = "/tmp";
  int points = 1'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--work")) work = argv[i + 1];
    if (!std::strcmp(argv[i], "--points")) points = std::atoi(argv[i + 1]);
  }
  // GPX: every point timed, with elevation, as a phone or a GPS logger writes them.
  const std::string path = work + "/bench_track.gpx";
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
      std::perror(path.c_str());
      return 1;
    }
    std::fputs(
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"bench\" "
        "xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><trkseg>\n",
        f);
    for (int i = 0; i < points; ++i) {
      const int s = i % 86400;
      std::fprintf(f,
                   "<trkpt lat=\"%.7f\" lon=\"%.7f\"><ele>%.1f</ele>"
                   "<time>2024-05-%02dT%02d:%02d:%02dZ</time></trkpt>\n",
                   50 + i * 1e-7, 30 + i * 1e-7, 100 + (i % 50) * 0.1, 1 + i / 86400, s / 3600,
                   s / 60 % 60, s % 60);
    }
    std::fputs("</trkseg></trk></gpx>\n", f);
    std::fclose(f);
  }
  FILE* f = std::fopen(path.c_str(), "rb");
  std::fseek(f, 0, SEEK_END);
  const double mb = static_cast<double>(std::ftell(f)) / 1e6;
  std::fclose(f);
  const long rss0 = PeakRssKb();
  double t0 = Now();
  const double c0 = CpuSeconds();
  auto track = geo::ReadGpx(path);
  const double gpx_s = Now() - t0;
  const double gpx_cpu = CpuSeconds() - c0;
  const long rss1 = PeakRssKb();
  if (!track.ok()) {
    std::fprintf(stderr, "%s\n", track.status().message().c_str());
    return 1;
  }
  t0 = Now();
  geo::TrackSummary summary = geo::Summarize(*track);
  const double sum_s = Now() - t0;
  std::printf("%-52s %12.3f s  (%d points, %.0f MB, %.0f MB/s; CPU %.3f s)\n",
              "GPX read (Expat, streaming)", gpx_s, points, mb, mb / gpx_s, gpx_cpu);
  std::printf("%-52s %12.0f MB  (%.0f bytes per point)\n", "  peak memory growth",
              (rss1 - rss0) / 1024.0, (rss1 - rss0) * 1024.0 / points);
  std::printf("%-52s %12.3f s  (%.0f m along the track)\n", "  summary (geodesic distance)", sum_s,
              summary.distance_m);
  std::remove(path.c_str());

  // GPMF payloads.
  const std::vector<std::uint8_t> payload = Payload();
  const int n_payloads = 200000;
  t0 = Now();
  std::size_t samples = 0;
  for (int i = 0; i < n_payloads; ++i) {
    auto b = geo::ParseGpmfGps(payload);
    if (b.ok() && !b->empty()) samples += (*b)[0].samples.size();
  }
  double gpmf_s = Now() - t0;
  std::printf("%-52s %12.0f /s  (%.0f samples/s; one payload = 1 s of video)\n",
              "GPMF GPS payloads decoded", n_payloads / gpmf_s, samples / gpmf_s);

  // Coordinates.
  const char* inputs[] = {"50.4501, 30.5234",   "50°27'00.4\"N 30°31'24.2\"E",
                          "+50.4501+030.5234/", "36U 320000 5590000",
                          "36UUA2000090000",    "N 50 27.006 E 30 31.404"};
  const int n_parse = 100000;
  t0 = Now();
  int ok = 0;
  for (int i = 0; i < n_parse; ++i) ok += coords::ParseCoordinate(inputs[i % 6]).ok();
  double parse_s = Now() - t0;
  std::printf("%-52s %12.0f /s  (%d of %d parsed)\n", "coordinates parsed (mixed formats)",
              n_parse / parse_s, ok, n_parse);
  std::mt19937 rng(6709);
  std::uniform_real_distribution<double> lat_d(-80, 84), lon_d(-180, 180);
  double worst[5] = {0, 0, 0, 0, 0};
  const int n_round = 20000;
  t0 = Now();
  for (int i = 0; i < n_round; ++i) {
    coords::Coordinate c;
    c.lat = lat_d(rng);
    c.lon = lon_d(rng);
    int k = 0;
    for (coords::CoordFormat fmt : coords::AllCoordFormats()) {
      auto text = coords::FormatCoordinate(c, fmt);
      auto back = text.ok() ? coords::ParseCoordinate(*text) : text.status();
      if (back.ok()) {
        worst[k] = std::max(worst[k], geo::Inverse(c.lat, c.lon, back->lat, back->lon).distance_m);
      } else {
        worst[k] = 1e9;
      }
      ++k;
    }
  }
  double round_s = Now() - t0;
  std::printf("%-52s %12.0f /s\n", "coordinate format + parse round trips", 5 * n_round / round_s);
  int k = 0;
  for (coords::CoordFormat fmt : coords::AllCoordFormats()) {
    std::printf("  worst round-trip error, %-27s %12.3f m  (%d random points)\n",
                coords::CoordFormatName(fmt), worst[k++], n_round);
  }
  return 0;
}

// Test fixtures for GoPro telemetry: GPMF payloads built from the published KLV layout (GoPro's
// gpmf-parser README) and a MOV file holding them as a 'gpmd' data track, muxed with libavformat
// exactly as GoPro cameras time them (one packet per payload, with a duration). Header-only so
// that unit and CLI tests can share it.
#ifndef SIGHTLINE_TESTS_GPMF_FIXTURE_H_
#define SIGHTLINE_TESTS_GPMF_FIXTURE_H_

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <libavformat/avformat.h>
}

namespace sightline::testing {

using Bytes = std::vector<std::uint8_t>;

inline void PutBe(Bytes* b, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) b->push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// One KLV entry: key, type, struct size, repeat, data (padded to 4 bytes here).
inline Bytes Klv(const char* key, char type, std::uint8_t size, std::uint16_t repeat,
                 const Bytes& data) {
  Bytes b(key, key + 4);
  b.push_back(static_cast<std::uint8_t>(type));
  b.push_back(size);
  PutBe(&b, repeat, 2);
  b.insert(b.end(), data.begin(), data.end());
  while (b.size() % 4) b.push_back(0);
  return b;
}

// A nest (type 0) holding `children`, whose size is given as 4-byte words.
inline Bytes Nest(const char* key, const std::vector<Bytes>& children) {
  Bytes body;
  for (const Bytes& c : children) body.insert(body.end(), c.begin(), c.end());
  return Klv(key, 0, 4, static_cast<std::uint16_t>(body.size() / 4), body);
}

inline Bytes Text(const std::string& s) { return Bytes(s.begin(), s.end()); }
// A 'c' string entry.
inline Bytes Str(const char* key, const std::string& s) {
  return Klv(key, 'c', 1, static_cast<std::uint16_t>(s.size()), Text(s));
}

inline Bytes Int32s(const std::vector<std::int64_t>& v) {
  Bytes b;
  for (std::int64_t x : v) PutBe(&b, static_cast<std::uint32_t>(static_cast<std::int32_t>(x)), 4);
  return b;
}

struct Gps5Sample {
  double lat, lon, alt_m, speed2d, speed3d;
};

// A camera payload as a HERO5-HERO10 writes it: DEVC{DVID, DVNM, STRM{TSMP, STNM, GPSF, GPSU,
// GPSP, UNIT, SCAL, GPS5}}, plus an accelerometer stream before it so the GPS is not first.
inline Bytes Gps5Payload(const std::vector<Gps5Sample>& samples, const std::string& gpsu,
                         std::uint32_t fix, std::uint16_t gpsp, std::uint32_t tsmp) {
  std::vector<std::int64_t> raw;
  for (const Gps5Sample& s : samples) {
    raw.push_back(std::llround(s.lat * 1e7));
    raw.push_back(std::llround(s.lon * 1e7));
    raw.push_back(std::llround(s.alt_m * 1000));
    raw.push_back(std::llround(s.speed2d * 1000));
    raw.push_back(std::llround(s.speed3d * 100));
  }
  Bytes accel;
  for (int i = 0; i < 6 * 4; ++i) accel.push_back(static_cast<std::uint8_t>(i));
  Bytes gpsp_b;
  PutBe(&gpsp_b, gpsp, 2);
  Bytes one_l;
  PutBe(&one_l, 200, 4);
  Bytes tsmp_b, fix_b;
  PutBe(&tsmp_b, tsmp, 4);
  PutBe(&fix_b, fix, 4);
  Bytes accel_scal;
  PutBe(&accel_scal, 418, 2);
  return Nest("DEVC",
              {Klv("DVID", 'L', 4, 1, Int32s({1})), Str("DVNM", "Camera"),
               Nest("STRM", {Klv("TSMP", 'L', 4, 1, one_l), Klv("SCAL", 's', 2, 1, accel_scal),
                             Klv("ACCL", 's', 6, 4, accel)}),
               Nest("STRM", {Klv("TSMP", 'L', 4, 1, tsmp_b), Str("STNM", "GPS (Lat., Long.)"),
                             Klv("GPSF", 'L', 4, 1, fix_b), Klv("GPSU", 'U', 16, 1, Text(gpsu)),
                             Klv("GPSP", 'S', 2, 1, gpsp_b),
                             Klv("UNIT", 'c', 3, 5, Text(std::string("degdegm\0\0m/sm/s", 15))),
                             Klv("SCAL", 'l', 4, 5, Int32s({10000000, 10000000, 1000, 1000, 100})),
                             Klv("GPS5", 'l', 20, static_cast<std::uint16_t>(samples.size()),
                                 Int32s(raw))})});
}

// Writes `payloads` as the 'gpmd' track of a QuickTime file, payload i at i × duration_s.
// Returns "" on success or what failed.
inline std::string WriteGpmdMov(const std::string& path, const std::vector<Bytes>& payloads,
                                double duration_s) {
  AVFormatContext* ctx = nullptr;
  if (avformat_alloc_output_context2(&ctx, nullptr, "mov", path.c_str()) < 0 || !ctx)
    return "alloc output";
  std::string err;
  AVStream* st = avformat_new_stream(ctx, nullptr);
  st->codecpar->codec_type = AVMEDIA_TYPE_DATA;
  st->codecpar->codec_id = AV_CODEC_ID_BIN_DATA;
  st->codecpar->codec_tag = MKTAG('g', 'p', 'm', 'd');
  st->time_base = AVRational{1, 1000};
  if (avio_open(&ctx->pb, path.c_str(), AVIO_FLAG_WRITE) < 0) err = "open " + path;
  if (err.empty() && avformat_write_header(ctx, nullptr) < 0) err = "write header";
  const std::int64_t dur = std::llround(duration_s * 1000);
  for (std::size_t i = 0; err.empty() && i < payloads.size(); ++i) {
    AVPacket* pkt = av_packet_alloc();
    av_new_packet(pkt, static_cast<int>(payloads[i].size()));
    std::memcpy(pkt->data, payloads[i].data(), payloads[i].size());
    pkt->stream_index = 0;
    pkt->pts = pkt->dts =
        av_rescale_q(static_cast<std::int64_t>(i) * dur, AVRational{1, 1000}, st->time_base);
    pkt->duration = av_rescale_q(dur, AVRational{1, 1000}, st->time_base);
    if (av_interleaved_write_frame(ctx, pkt) < 0) err = "write packet";
    av_packet_free(&pkt);
  }
  if (err.empty() && av_write_trailer(ctx) < 0) err = "write trailer";
  if (ctx->pb) avio_closep(&ctx->pb);
  avformat_free_context(ctx);
  return err;
}

}  // namespace sightline::testing

#endif  // SIGHTLINE_TESTS_GPMF_FIXTURE_H_

#include "media/gpmf_track.h"

#include <algorithm>
#include <cmath>

#include "base/file.h"
#include "media/ffmpeg_util.h"

namespace sightline::media {
namespace {

bool IsGpmdStream(const AVStream* s) {
  const AVCodecParameters* p = s->codecpar;
  return p->codec_type == AVMEDIA_TYPE_DATA && p->codec_tag == MKTAG('g', 'p', 'm', 'd');
}

}  // namespace

Result<GpmfTrack> ReadGpmfTrack(const std::string& path, const GpmfTrackLimits& limits) {
  DemuxOptions options;
  options.find_stream_info = false;  // the MP4 header describes every track; nothing to decode
  SL_ASSIGN_OR_RETURN(std::unique_ptr<Demuxer> demuxer, Demuxer::Open(path, options));
  AVFormatContext* fmt = demuxer->format();
  GpmfTrack track;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    if (track.stream_index < 0 && IsGpmdStream(fmt->streams[i])) {
      track.stream_index = static_cast<int>(i);
    } else {
      fmt->streams[i]->discard = AVDISCARD_ALL;  // skip video and audio packets entirely
    }
  }
  if (track.stream_index < 0) {
    return NotFound(DisplayPath(path) +
                    ": no GoPro telemetry ('gpmd') track; only GoPro cameras (HERO5 and later, "
                    "Max, Fusion) write GPS this way");
  }
  if (fmt->duration > 0) track.clip_duration_s = fmt->duration / static_cast<double>(AV_TIME_BASE);
  track.creation_time = DictGet(fmt->metadata, "creation_time");
  const AVStream* stream = fmt->streams[track.stream_index];
  const double tb = av_q2d(stream->time_base);

  PacketPtr packet = MakePacket();
  if (!packet) return Internal("out of memory");
  std::uint64_t total = 0;
  std::vector<double> given_duration;  // -1 where the packet had none
  while (true) {
    SL_ASSIGN_OR_RETURN(bool got, demuxer->ReadPacket(packet.get()));
    if (!got) break;
    if (packet->stream_index != track.stream_index) continue;
    if (track.payloads.size() >= limits.max_payloads) {
      return InvalidArgument(DisplayPath(path) + ": more than " +
                             std::to_string(limits.max_payloads) + " telemetry payloads");
    }
    total += static_cast<std::uint64_t>(packet->size);
    if (total > limits.max_total_bytes) {
      return InvalidArgument(DisplayPath(path) + ": telemetry track larger than " +
                             std::to_string(limits.max_total_bytes) + " bytes");
    }
    GpmfPayload p;
    std::int64_t pts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
    p.start_s = pts != AV_NOPTS_VALUE ? pts * tb : NAN;
    given_duration.push_back(packet->duration > 0 ? packet->duration * tb : -1);
    p.bytes.assign(packet->data, packet->data + packet->size);
    track.payloads.push_back(std::move(p));
  }
  // Packets without a time follow the previous one; a missing duration is the gap to the next.
  std::vector<double> known;
  for (double d : given_duration)
    if (d > 0) known.push_back(d);
  double typical = 1.0;
  if (!known.empty()) {
    std::nth_element(known.begin(), known.begin() + known.size() / 2, known.end());
    typical = known[known.size() / 2];
  }
  for (std::size_t i = 0; i < track.payloads.size(); ++i) {
    GpmfPayload& p = track.payloads[i];
    if (!std::isfinite(p.start_s)) {
      p.start_s = i == 0 ? 0 : track.payloads[i - 1].start_s + track.payloads[i - 1].duration_s;
    }
    if (given_duration[i] > 0) {
      p.duration_s = given_duration[i];
    } else if (i + 1 < track.payloads.size() && std::isfinite(track.payloads[i + 1].start_s) &&
               track.payloads[i + 1].start_s > p.start_s) {
      p.duration_s = track.payloads[i + 1].start_s - p.start_s;
    } else {
      p.duration_s = typical;
    }
  }
  return track;
}

}  // namespace sightline::media

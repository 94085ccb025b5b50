#include "media/media_check.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "base/file.h"
#include "media/bmff_boxes.h"
#include "media/ffmpeg_util.h"
#include "media/heif_image.h"

namespace sightline::media {
namespace {

// Packets of the main stream fed to the decoder before giving up on a first frame.
constexpr int kMaxPacketsForFirstFrame = 600;

bool IsImageFormat(const AVInputFormat* f) {
  std::string name = f->name ? f->name : "";
  return name == "image2" || name.ends_with("_pipe");
}

void AddProblem(MediaCheck* c, const std::string& p) {
  if (!c->problem.empty()) c->problem += "; ";
  c->problem += p;
}

// `status`'s message without the leading "<who>: ": the problem is prefixed with the path once.
std::string WithoutPath(const Status& status, const std::string& who) {
  std::string m = status.message();
  if (m.rfind(who + ": ", 0) == 0) m = m.substr(who.size() + 2);
  return m;
}

bool HasTopLevelBox(const BmffSummary& b, const char* type) {
  return std::find(b.top_level.begin(), b.top_level.end(), type) != b.top_level.end();
}

// HEIF/AVIF stills: FFmpeg 5.1 cannot read them, libheif decodes the primary image (within
// heif_image.h's pixel limit). The box summary tells a file cut short.
void CheckHeif(const std::string& path, const BmffSummary& b, MediaCheck* out) {
  const std::string who = DisplayPath(path);
  out->kind = "image";
  out->container = "heif";
  if (b.truncated) {
    out->truncated = true;
    AddProblem(out, "cut short: the '" + b.truncated_box + "' box lacks " +
                        std::to_string(b.truncated_missing_bytes) + " bytes");
  }
  Result<HeifFile> file = HeifFile::Open(path);
  if (!file.ok()) {
    AddProblem(out, WithoutPath(file.status(), who));
  } else {
    Result<HeifImagePtr> image = file->DecodePrimary();
    if (image.ok()) {
      out->decoded = true;
    } else {
      AddProblem(out, WithoutPath(image.status(), who));
    }
  }
}

// Why FFmpeg could not open an ISO BMFF file, told from its boxes.
void ExplainUnopenable(const std::string& path, MediaCheck* out, const std::string& ffmpeg_error) {
  if (!LooksLikeBmff(path)) {
    AddProblem(out, ffmpeg_error);
    return;
  }
  Result<BmffSummary> b = ReadBmffSummary(path);
  if (!b.ok()) {
    AddProblem(out, ffmpeg_error);
    return;
  }
  if (IsHeifStillBrand(b->major_brand, b->compatible_brands)) {
    CheckHeif(path, *b, out);
    return;
  }
  bool has_moov = false;
  for (const auto& t : b->top_level) has_moov = has_moov || t == "moov";
  if (!has_moov) {
    out->truncated = b->truncated;
    AddProblem(out,
               "MP4/MOV without its 'moov' index: the file was cut before the index (written "
               "last) or the recording was never finished; the media data cannot be located");
    return;
  }
  AddProblem(out, ffmpeg_error);
}

}  // namespace

MediaCheck CheckMedia(const std::string& path) { return CheckMedia(path, MediaCheckOptions{}); }

MediaCheck CheckMedia(const std::string& path, const MediaCheckOptions& options) {
  MediaCheck out;
  const std::string who = DisplayPath(path);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    out.problem = ErrnoStatus(path, "cannot read", errno).message();
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    out.problem = who + ": not a regular file";
    return out;
  }
  if (st.st_size == 0) {
    out.problem = who + ": empty file (0 bytes)";
    return out;
  }
  const std::uint64_t file_size = static_cast<std::uint64_t>(st.st_size);

  auto finish = [&] {
    out.readable = out.decoded;
    if (!out.problem.empty() && out.problem.find(who) != 0) out.problem = who + ": " + out.problem;
    return out;
  };

  // HEIF/AVIF stills (no 'moov': not an image sequence) go to libheif; FFmpeg 5.1 cannot read them.
  if (LooksLikeBmff(path)) {
    Result<BmffSummary> b = ReadBmffSummary(path);
    if (b.ok() && IsHeifStillBrand(b->major_brand, b->compatible_brands) &&
        !HasTopLevelBox(*b, "moov")) {
      CheckHeif(path, *b, &out);
      return finish();
    }
  }

  DemuxOptions dopts;
  dopts.deadline = options.deadline;
  // The check decodes the first frame itself: the frames find_stream_info would decode to learn
  // codec parameters are the most expensive part of opening, and probe pays for them already.
  dopts.find_stream_info = false;
  Result<std::unique_ptr<Demuxer>> opened = Demuxer::Open(path, dopts);
  if (!opened.ok()) {
    ExplainUnopenable(path, &out, opened.status().message());
    return finish();
  }
  Demuxer& dmx = **opened;
  AVFormatContext* fc = dmx.format();
  out.container = fc->iformat->name ? fc->iformat->name : "";

  int main_index = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (main_index >= 0 && (fc->streams[main_index]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
    main_index = -1;  // cover art of an audio file
  }
  if (main_index >= 0) {
    out.kind = IsImageFormat(fc->iformat) ? "image" : "video";
  } else {
    main_index = av_find_best_stream(fc, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (main_index >= 0) out.kind = "audio";
  }
  if (main_index < 0) {
    out.problem = who + ": no video, image or audio stream";
    return out;
  }
  AVStream* main = fc->streams[main_index];
  if (out.kind == "video" && std::string(out.container) == "gif") {
    out.kind = main->nb_frames == 1 ? "image" : "video";
  }

  // The container's own index (MP4/MOV build it from the moov before any data is read): an entry
  // that ends past the end of the file means the media data was cut.
  std::uint64_t index_end = 0;
  for (unsigned i = 0; i < fc->nb_streams; ++i) {
    AVStream* s = fc->streams[i];
    int n = avformat_index_get_entries_count(s);
    for (int k = n - 1; k >= 0 && k >= n - 16; --k) {  // the last entries are the farthest
      const AVIndexEntry* e = avformat_index_get_entry(s, k);
      if (e && e->pos >= 0 && e->size > 0) {
        std::uint64_t end =
            static_cast<std::uint64_t>(e->pos) + static_cast<std::uint64_t>(e->size);
        if (end > index_end) index_end = end;
      }
    }
  }
  if (index_end > file_size) {
    out.truncated = true;
    AddProblem(&out, "cut short: the index points " + std::to_string(index_end - file_size) +
                         " bytes past the end of the file (" + std::to_string(file_size) +
                         " bytes)");
  }

  // A picture over the limits (media/limits.h) is refused before a decoder allocates it.
  const MediaLimits& limits = dmx.limits();
  Status size = out.kind == "image" ? CheckClaimedPictureSize(path, limits) : Status::Ok();
  if (size.ok() && main->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
    size = CheckPictureSize(path, main->codecpar->width, main->codecpar->height, limits);
  }
  if (!size.ok()) {
    AddProblem(&out, WithoutPath(size, who));
    return finish();
  }
  DecoderOptions decoder_options;
  decoder_options.max_pixels = DecoderPixelBound(limits);
  Result<CodecContextPtr> decoder = OpenDecoder(main, decoder_options);
  if (!decoder.ok()) AddProblem(&out, decoder.status().message());
  FramePtr frame = MakeFrame();
  PacketPtr packet = MakePacket();
  if (!frame || !packet) {
    AddProblem(&out, "out of memory");
    return out;
  }
  int fed = 0;
  bool have_span = false;
  double span_start = 0, span_end = 0;
  std::string decode_error;
  auto receive = [&]() {
    int rc = avcodec_receive_frame(decoder->get(), frame.get());
    if (rc >= 0) {
      out.decoded = true;
      av_frame_unref(frame.get());
    } else if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) {
      decode_error = AvErrorText(rc);
    }
  };
  for (;;) {
    Result<bool> got = dmx.ReadPacket(packet.get());
    if (!got.ok()) {
      std::string why = got.status().message();
      if (why.rfind(who + ": ", 0) == 0) why = why.substr(who.size() + 2);
      AddProblem(&out,
                 (dmx.DeadlinePassed() ? "gave up after " : "damaged: demuxing stopped after ") +
                     std::to_string(out.packets) + " packets (" + why + ")");
      break;
    }
    if (!*got) break;
    ++out.packets;
    if (packet->pos >= 0 && static_cast<std::uint64_t>(packet->pos) + packet->size > file_size) {
      out.truncated = true;
    }
    if (packet->stream_index >= 0 && static_cast<unsigned>(packet->stream_index) < fc->nb_streams) {
      std::int64_t ts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
      AVRational tb = fc->streams[packet->stream_index]->time_base;
      if (ts != AV_NOPTS_VALUE && tb.den > 0) {
        double start = static_cast<double>(ts) * av_q2d(tb);
        double end =
            static_cast<double>(ts + std::max<std::int64_t>(packet->duration, 0)) * av_q2d(tb);
        span_start = have_span ? std::min(span_start, start) : start;
        span_end = have_span ? std::max(span_end, end) : end;
        have_span = true;
      }
    }
    if (decoder.ok() && !out.decoded && packet->stream_index == main_index &&
        fed < kMaxPacketsForFirstFrame) {
      ++fed;
      int rc = avcodec_send_packet(decoder->get(), packet.get());
      if (rc < 0 && rc != AVERROR(EAGAIN)) decode_error = AvErrorText(rc);
      receive();
    }
  }
  if (decoder.ok() && !out.decoded) {
    avcodec_send_packet(decoder->get(), nullptr);  // drain: the first frame may be buffered
    receive();
  }
  if (!out.decoded) {
    AddProblem(&out, "no frame could be decoded" +
                         (decode_error.empty() ? std::string() : " (" + decode_error + ")"));
  }
  // The packets should cover the duration the container declares (MP4/MOV: mvhd/tkhd; Matroska:
  // Info/Duration). A cut file ends early. The slack absorbs edit lists and audio priming.
  if (!out.truncated && out.kind != "image" && fc->duration != AV_NOPTS_VALUE && fc->duration > 0 &&
      have_span) {
    double declared = static_cast<double>(fc->duration) / AV_TIME_BASE;
    double covered = span_end - span_start;
    double slack = std::max(0.5, 0.02 * declared);
    if (declared - covered > slack) {
      out.truncated = true;
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "cut short: the packets cover %.2f s of the %.2f s the container declares",
                    covered, declared);
      AddProblem(&out, buf);
    }
  }
  if (out.truncated && out.problem.find("cut short") == std::string::npos) {
    AddProblem(&out, "the file is cut short");
  }
  return finish();
}

}  // namespace sightline::media

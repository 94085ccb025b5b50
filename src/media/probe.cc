#include "media/probe.h"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <exiv2/exiv2.hpp>

#include "base/file.h"
#include "media/bmff_boxes.h"
#include "media/exif_reader.h"
#include "media/ffmpeg_util.h"
#include "media/heif_image.h"
#include "media/iso6709.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
}

namespace sightline::media {

const Timestamp* ProbeResult::Time(TimeRole role) const {
  for (const Timestamp& t : times) {
    if (t.role == role) return &t;
  }
  return nullptr;
}

const StreamInfo* ProbeResult::FirstVideo() const {
  for (const StreamInfo& s : streams) {
    if (s.type == "video" && !s.attached_picture) return &s;
  }
  return nullptr;
}

const StreamInfo* ProbeResult::FirstAudio() const {
  for (const StreamInfo& s : streams) {
    if (s.type == "audio") return &s;
  }
  return nullptr;
}

std::string ProbeResult::TagValue(const std::string& key) const {
  for (const Tag& t : tags) {
    if (t.key == key) return t.value;
  }
  return "";
}

void SilenceMediaLibraryLogs() {
  av_log_set_level(AV_LOG_QUIET);
  Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
}

namespace {

std::string FourCC(std::uint32_t tag) {
  if (tag == 0) return "";
  std::string s;
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>((tag >> (8 * i)) & 0xff);
    if (c < 0x20 || c > 0x7e) return "";
    s += c;
  }
  return s;
}

// Degrees clockwise to turn the coded picture for display. FFmpeg's display matrix gives the
// counter-clockwise rotation (av_display_rotation_get), so the sign flips, as in ffmpeg's own
// autorotate.
int Rotation(const AVStream* st) {
  std::size_t size = 0;
  const std::uint8_t* m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (!m || size < 9 * sizeof(std::int32_t)) return 0;
  double angle = av_display_rotation_get(reinterpret_cast<const std::int32_t*>(m));
  if (std::isnan(angle)) return 0;
  long r = std::lround(-angle) % 360;
  if (r < 0) r += 360;
  return static_cast<int>(r);
}

std::vector<Tag> DictTags(const AVDictionary* dict) {
  std::vector<Tag> out;
  const AVDictionaryEntry* e = nullptr;
  while ((e = av_dict_get(dict, "", e, AV_DICT_IGNORE_SUFFIX)) != nullptr) {
    std::string key = CleanText(e->key ? e->key : "");
    std::string value = e->value ? e->value : "";
    if (key == "xmp") {
      value = "(XMP packet, " + std::to_string(value.size()) + " bytes)";
    } else {
      value = CleanText(value);
      if (value.size() > kMaxTagValue) value = value.substr(0, kMaxTagValue) + "…";
    }
    out.push_back({key, value, ""});
  }
  return out;
}

std::string Find(const std::vector<Tag>& tags, const char* key) {
  for (const Tag& t : tags) {
    if (t.key == key) return t.value;
  }
  return "";
}

bool IsImageFormat(const AVInputFormat* f) {
  std::string name = f->name ? f->name : "";
  return name == "image2" || name.ends_with("_pipe");
}

void AddSoftware(ProbeResult* r, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  for (const Tag& t : r->software) {
    if (t.key == key && t.value == value) return;
  }
  r->software.push_back({key, value, ""});
}

void AddGps(ProbeResult* r, const Iso6709Point& p, const std::string& source) {
  GpsPosition g;
  g.lat = p.lat;
  g.lon = p.lon;
  g.alt_m = p.alt_m;
  g.source = source;
  r->gps_all.push_back(g);
}

// The mvhd time as a Timestamp: seconds since 1904 in UTC (QuickTime File Format, "Movie header
// atom"). 0 and exactly 1970-01-01 are placeholders written when the tool had no time to give.
Timestamp MvhdTime(TimeRole role, const char* source, std::uint64_t v) {
  std::int64_t unix_s = static_cast<std::int64_t>(v) - kQuickTimeEpochOffset;
  Timestamp t = UtcTimestamp(role, source, std::to_string(v), unix_s);
  t.unset = v == 0 || unix_s == 0;
  return t;
}

void ApplyBmff(const BmffSummary& b, ProbeResult* r) {
  r->container.major_brand = b.major_brand;
  r->container.compatible_brands = b.compatible_brands;
  r->container.top_level_boxes = b.top_level;
  if (b.truncated) {
    r->container.truncated = true;
    r->container.truncation = "the '" + b.truncated_box + "' box declares " +
                              std::to_string(b.truncated_missing_bytes) +
                              " bytes more than the file holds";
  }
  if (b.mvhd_creation) {
    Timestamp t = MvhdTime(TimeRole::kCreated, "QuickTime.mvhd.CreationTime", *b.mvhd_creation);
    r->tags.push_back({"QuickTime.mvhd.CreationTime", t.unset ? t.raw : t.UtcText(), ""});
    r->times.push_back(t);
  }
  if (b.mvhd_modification) {
    Timestamp t =
        MvhdTime(TimeRole::kModified, "QuickTime.mvhd.ModificationTime", *b.mvhd_modification);
    r->tags.push_back({"QuickTime.mvhd.ModificationTime", t.unset ? t.raw : t.UtcText(), ""});
    r->times.push_back(t);
  }
  if (b.xyz) r->tags.push_back({"QuickTime.udta.\xc2\xa9xyz", CleanText(*b.xyz), ""});
  if (b.loci) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.7f %.7f %.2f", b.loci->lat, b.loci->lon,
                  b.loci->alt_m.value_or(0));
    r->tags.push_back({"QuickTime.udta.loci", buf, ""});
  }
}

void MergeEmbedded(EmbeddedMetadata&& em, ProbeResult* r) {
  r->has_exif = r->has_exif || em.has_exif;
  r->has_xmp = r->has_xmp || em.has_xmp;
  r->has_iptc = r->has_iptc || em.has_iptc;
  if (r->device.make.empty()) r->device.make = CleanText(em.make);
  if (r->device.model.empty()) r->device.model = CleanText(em.model);
  if (r->device.software.empty()) r->device.software = CleanText(em.software);
  if (r->device.serial.empty()) r->device.serial = CleanText(em.serial);
  if (r->device.lens.empty()) r->device.lens = CleanText(em.lens);
  if (!r->orientation) r->orientation = em.orientation;
  if (!r->exif_width) r->exif_width = em.exif_width;
  if (!r->exif_height) r->exif_height = em.exif_height;
  for (Timestamp& t : em.times) {
    t.raw = CleanText(t.raw);
    r->times.push_back(std::move(t));
  }
  for (GpsPosition& g : em.gps) r->gps_all.push_back(std::move(g));
  for (Tag& t : em.software_tags) AddSoftware(r, t.key, CleanText(t.value));
  for (Tag& t : em.tags) {
    r->tags.push_back({CleanText(t.key), CleanText(t.value), CleanText(t.display)});
  }
  for (std::string& w : em.warnings) r->warnings.push_back(std::move(w));
}

void ReadStreams(AVFormatContext* fc, ProbeResult* r) {
  for (unsigned i = 0; i < fc->nb_streams; ++i) {
    const AVStream* st = fc->streams[i];
    const AVCodecParameters* par = st->codecpar;
    StreamInfo s;
    s.index = static_cast<int>(i);
    const char* type = av_get_media_type_string(par->codec_type);
    s.type = type ? type : "unknown";
    if (par->codec_id != AV_CODEC_ID_NONE) {
      s.codec = avcodec_get_name(par->codec_id);
      const AVCodecDescriptor* d = avcodec_descriptor_get(par->codec_id);
      if (d && d->long_name) s.codec_long = d->long_name;
      const char* profile = avcodec_profile_name(par->codec_id, par->profile);
      if (profile) s.profile = profile;
    }
    s.codec_tag = FourCC(par->codec_tag);
    s.bit_rate = par->bit_rate;
    s.frames = st->nb_frames;
    s.attached_picture = (st->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
    if (st->duration != AV_NOPTS_VALUE && st->time_base.den > 0) {
      s.duration_s = static_cast<double>(st->duration) * av_q2d(st->time_base);
    }
    if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
      s.width = par->width;
      s.height = par->height;
      const char* pf = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format));
      if (pf) s.pixel_format = pf;
      if (st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0) {
        s.frame_rate = av_q2d(st->avg_frame_rate);
      }
      s.rotation = Rotation(st);
    } else if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
      s.sample_rate = par->sample_rate;
      s.channels = par->ch_layout.nb_channels;
      char buf[128];
      if (par->ch_layout.nb_channels > 0 &&
          av_channel_layout_describe(&par->ch_layout, buf, sizeof buf) > 0) {
        s.channel_layout = buf;
      }
    }
    s.tags = DictTags(st->metadata);
    s.handler = Find(s.tags, "handler_name");
    s.encoder = Find(s.tags, "encoder");
    s.language = Find(s.tags, "language");
    std::string prefix = "Stream" + std::to_string(i) + ".";
    for (const Tag& t : s.tags) r->tags.push_back({prefix + t.key, t.value, ""});
    if (!s.encoder.empty()) AddSoftware(r, prefix + "encoder", s.encoder);
    r->streams.push_back(std::move(s));
  }
}

// Container tags: device, software, times and GPS that FFmpeg exports. Keys are FFmpeg's names
// for the QuickTime/MP4 atoms (libavformat/mov.c): ©too→encoder, ©mak→make, ©mod→model,
// ©swr→software, ©day→date, ©xyz and loci→location; Apple and Android "mdta" keys keep their
// reverse-DNS names; Matroska's DateUTC→creation_time.
void ReadContainerTags(const std::vector<Tag>& tags, bool have_bmff, ProbeResult* r) {
  auto get = [&](const char* k) { return Find(tags, k); };
  auto first = [&](std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
      std::string v = get(k);
      if (!v.empty()) return v;
    }
    return std::string();
  };
  if (r->device.make.empty()) {
    r->device.make = first({"com.apple.quicktime.make", "com.android.manufacturer", "make"});
  }
  if (r->device.model.empty()) {
    r->device.model = first({"com.apple.quicktime.model", "com.android.model", "model"});
  }
  std::string android = get("com.android.version");
  if (r->device.software.empty()) {
    r->device.software = first({"com.apple.quicktime.software", "software", "firmware"});
    if (r->device.software.empty() && !android.empty()) r->device.software = "Android " + android;
  }
  for (const char* k : {"encoder", "com.apple.quicktime.software", "software", "firmware",
                        "com.android.version", "encoded_by", "ENCODER", "creation_tool"}) {
    AddSoftware(r, std::string("Container.") + k, get(k));
  }

  // Times. Apple's creationdate carries the zone, so it is preferred to the UTC mvhd time; the
  // mvhd times were read by hand (ApplyBmff) because FFmpeg drops modification time.
  std::vector<Timestamp> created;
  if (auto t = ParseIsoTime(TimeRole::kCreated, "Container.com.apple.quicktime.creationdate",
                            get("com.apple.quicktime.creationdate"))) {
    created.push_back(*t);
  }
  if (!have_bmff) {
    if (auto t =
            ParseIsoTime(TimeRole::kCreated, "Container.creation_time", get("creation_time"))) {
      created.push_back(*t);
    }
  }
  if (auto t = ParseIsoTime(TimeRole::kCreated, "Container.date", get("date"))) {
    created.push_back(*t);
  }
  r->times.insert(r->times.begin(), created.begin(), created.end());

  // GPS, in exiftool's order of preference: Keys (Apple) first, then user data.
  if (auto p = ParseIso6709(get("com.apple.quicktime.location.ISO6709"))) {
    AddGps(r, *p, "QuickTime.Keys.com.apple.quicktime.location.ISO6709");
  }
}

void ReadLocationsFromBoxes(const std::optional<BmffSummary>& b, const std::vector<Tag>& tags,
                            ProbeResult* r) {
  // ©xyz and loci are read from the boxes (bmff_boxes.h): FFmpeg exports both as "location",
  // rounding loci to 1e-4 degree. Without a box summary, fall back to FFmpeg's tags.
  if (b && b->xyz) {
    if (auto p = ParseIso6709(*b->xyz)) AddGps(r, *p, "QuickTime.UserData.\xc2\xa9xyz");
  }
  if (b && b->loci) AddGps(r, *b->loci, "3GPP.UserData.loci");
  if (!b) {
    for (const char* k : {"location", "location-eng"}) {
      if (auto p = ParseIso6709(Find(tags, k))) {
        AddGps(r, *p, std::string("Container.") + k);
        break;
      }
    }
  }
}

std::string CodecFromBrand(const std::string& brand) {
  if (brand == "avif" || brand == "avis") return "av1";
  if (brand == "heic" || brand == "heix" || brand == "heim" || brand == "heis" || brand == "hevc" ||
      brand == "hevx") {
    return "hevc";
  }
  return "";
}

}  // namespace

ProbeResult ProbeFile(const std::string& path, const ProbeOptions& options) {
  ProbeResult r;
  r.path = path;
  const std::string who = DisplayPath(path);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    r.status = ErrnoStatus(path, "cannot read", errno);
    return r;
  }
  if (S_ISDIR(st.st_mode)) {
    r.status = InvalidArgument(who + ": is a directory");
    return r;
  }
  if (!S_ISREG(st.st_mode)) {
    // FIFOs and devices could block or never end.
    r.status = Unsupported(who + ": not a regular file");
    return r;
  }
  r.size = st.st_size;
  Timestamp mtime = UtcTimestamp(TimeRole::kFileModified, "File.ModifyDate", "", st.st_mtim.tv_sec,
                                 static_cast<int>(st.st_mtim.tv_nsec / 1000000));
  mtime.raw = mtime.UtcText();
  r.times.push_back(mtime);
  {
    Result<UniqueFd> fd = OpenForRead(path);
    if (!fd.ok()) {
      r.status = fd.status();
      return r;
    }
  }
  if (r.size == 0) {
    r.status = Unsupported(who + ": empty file (0 bytes)");
    return r;
  }

  std::optional<BmffSummary> bmff;
  if (LooksLikeBmff(path)) {
    Result<BmffSummary> b = ReadBmffSummary(path);
    if (b.ok()) {
      bmff = std::move(b).value();
      ApplyBmff(*bmff, &r);
    } else {
      r.warnings.push_back(b.status().message());
    }
  }

  Result<EmbeddedMetadata> em = ReadEmbeddedMetadata(path);
  std::string exiv2_mime;
  int exiv2_w = 0, exiv2_h = 0;
  bool have_embedded = em.ok();
  if (em.ok()) {
    exiv2_mime = em->mime_type;
    exiv2_w = em->pixel_width;
    exiv2_h = em->pixel_height;
    MergeEmbedded(std::move(em).value(), &r);
  } else if (em.status().code() != StatusCode::kUnsupported) {
    r.warnings.push_back(em.status().message());
  }

  DemuxOptions dopts;
  dopts.deadline = options.deadline;
  dopts.export_xmp = true;
  Result<std::unique_ptr<Demuxer>> demuxer = Demuxer::Open(path, dopts);
  if (!demuxer.ok()) {
    // FFmpeg 5.1 cannot open HEIF/AVIF stills: libheif gives the primary image's size (its
    // 'ispe', read without decoding), exiv2 their metadata (and the size when libheif fails).
    std::string codec;
    if (bmff) {
      codec = CodecFromBrand(bmff->major_brand);
      if (codec.empty() && IsHeifStillBrand(bmff->major_brand, bmff->compatible_brands)) {
        for (const std::string& b : bmff->compatible_brands) {
          if (codec.empty()) codec = CodecFromBrand(b);
        }
      }
    }
    Result<HeifInfo> heif = Unsupported(who + ": not a HEIF image");
    if (!codec.empty()) heif = ReadHeifInfo(path);
    if ((have_embedded || heif.ok()) && !codec.empty()) {
      r.kind = "image";
      r.container.format = "heif";
      r.container.format_long = !heif.ok()      ? "HEIF image (read with exiv2)"
                                : have_embedded ? "HEIF image (read with libheif and exiv2)"
                                                : "HEIF image (read with libheif)";
      r.container.mime_type = exiv2_mime;
      StreamInfo s;
      s.type = "video";
      s.codec = codec;
      // The coded size, before the file's rotation (as FFmpeg reports a video's, and exiftool's
      // ImageWidth/ImageHeight); libheif's, else exiv2's (both from the 'ispe' box).
      bool from_heif = heif.ok() && heif->coded_width > 0 && heif->coded_height > 0;
      s.width = from_heif ? heif->coded_width : exiv2_w;
      s.height = from_heif ? heif->coded_height : exiv2_h;
      r.streams.push_back(s);
      if (!heif.ok()) {
        r.warnings.push_back(heif.status().message() + "; size and metadata read with exiv2");
      }
    } else {
      // A HEIF image neither libheif nor exiv2 reads: libheif says why (cut short, damaged).
      r.status = codec.empty() ? demuxer.status() : heif.status();
    }
    if (r.status.ok()) {
      r.gps = r.gps_all.empty() ? std::nullopt : std::optional<GpsPosition>(r.gps_all.front());
    }
    return r;
  }
  AVFormatContext* fc = (*demuxer)->format();
  r.container.format = fc->iformat->name ? fc->iformat->name : "";
  r.container.format_long = fc->iformat->long_name ? fc->iformat->long_name : "";
  if (have_embedded) r.container.mime_type = exiv2_mime;
  if (fc->duration != AV_NOPTS_VALUE && fc->duration > 0) {
    r.container.duration_s = static_cast<double>(fc->duration) / AV_TIME_BASE;
  }
  r.container.bit_rate = fc->bit_rate;
  std::vector<Tag> ctags = DictTags(fc->metadata);
  if (r.container.major_brand.empty()) r.container.major_brand = Find(ctags, "major_brand");
  for (const Tag& t : ctags) r.tags.push_back({"Container." + t.key, t.value, ""});
  ReadStreams(fc, &r);
  ReadContainerTags(ctags, bmff.has_value(), &r);
  ReadLocationsFromBoxes(bmff, ctags, &r);

  // XMP inside MP4/MOV (Adobe tools write it; the mov demuxer exports it with export_xmp).
  std::string xmp = DictGet(fc->metadata, "xmp");
  if (!xmp.empty()) {
    EmbeddedMetadata x;
    Status s = ParseXmpPacket(xmp, &x);
    if (s.ok()) {
      MergeEmbedded(std::move(x), &r);
    } else {
      r.warnings.push_back(who + ": " + s.message());
    }
  }

  // GoPro cameras name their handlers "GoPro AVC", "GoPro MET"… and leave make empty
  // (observation on the corpus' GoPro Karma and Max files).
  if (r.device.make.empty()) {
    for (const StreamInfo& s : r.streams) {
      if (s.handler.starts_with("GoPro ")) r.device.make = "GoPro";
    }
  }

  // Kind: a picture stream that is a still image, a video, or sound only.
  const StreamInfo* v = r.FirstVideo();
  if (v) {
    r.kind = IsImageFormat(fc->iformat) ? "image" : "video";
    if (r.container.format == "gif" || r.container.format == "webp_pipe") {
      // A GIF is a still unless it has a second frame: read at most two packets to know.
      PacketPtr pkt = MakePacket();
      int frames = 0;
      while (pkt && frames < 2) {
        Result<bool> got = (*demuxer)->ReadPacket(pkt.get());
        if (!got.ok() || !*got) break;
        if (pkt->stream_index == v->index) ++frames;
      }
      r.kind = frames >= 2 ? "video" : "image";
    }
  } else if (r.FirstAudio()) {
    r.kind = "audio";
  } else {
    std::string types;
    for (const StreamInfo& s : r.streams) types += (types.empty() ? "" : ", ") + s.type;
    r.status =
        Unsupported(who + ": no picture or sound in this file" +
                    (types.empty() ? std::string(" (no streams)") : " (streams: " + types + ")"));
  }
  if (r.kind == "image") {
    // FFmpeg gives a still image a nominal 1-frame duration and a bit rate derived from it.
    r.container.duration_s.reset();
    r.container.bit_rate = 0;
  }
  if (r.container.truncated) {
    r.warnings.push_back(who + ": file is cut short: " + r.container.truncation);
  }
  if (!r.gps_all.empty()) r.gps = r.gps_all.front();
  return r;
}

}  // namespace sightline::media

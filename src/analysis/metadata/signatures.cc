#include "analysis/metadata/signatures.h"

#include <algorithm>
#include <cctype>

namespace sightline::analysis::metadata {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Editor {
  const char* needle;  // lower case, matched as a substring of the software tag
  const char* name;
};

// Programs that open a picture or video and save a new file: their name in Software,
// CreatorTool, an XMP history agent or an encoder tag means the file is not as captured.
// Source: the vendors write their product name into these tags (e.g. Adobe: XMP CreatorTool and
// xmpMM:History per the XMP specification); matching is on the product name only. More specific
// names come first ("camera raw" before "photoshop").
constexpr Editor kEditors[] = {
    {"camera raw", "Adobe Camera Raw"},
    {"lightroom", "Adobe Lightroom"},
    {"photoshop", "Adobe Photoshop"},
    {"premiere", "Adobe Premiere"},
    {"after effects", "Adobe After Effects"},
    {"media encoder", "Adobe Media Encoder"},
    {"adobe express", "Adobe Express"},
    {"gimp", "GIMP"},
    {"affinity photo", "Affinity Photo"},
    {"pixelmator", "Pixelmator"},
    {"paint.net", "Paint.NET"},
    {"paintshop", "Corel PaintShop"},
    {"paint shop pro", "Corel Paint Shop Pro"},
    {"picasa", "Picasa"},
    {"snapseed", "Snapseed"},
    {"picsart", "PicsArt"},
    {"facetune", "Facetune"},
    {"canva", "Canva"},
    {"luminar", "Luminar"},
    {"darktable", "darktable"},
    {"rawtherapee", "RawTherapee"},
    {"capture one", "Capture One"},
    {"acdsee", "ACDSee"},
    {"photoscape", "PhotoScape"},
    {"photopea", "Photopea"},
    {"pixlr", "Pixlr"},
    {"fotor", "Fotor"},
    {"meitu", "Meitu"},
    {"vsco", "VSCO"},
    {"imagemagick", "ImageMagick"},
    {"graphicsmagick", "GraphicsMagick"},
    {"windows photo editor", "Windows Photo Editor"},
    {"photo gallery", "Windows Photo Gallery"},
    {"dxo photolab", "DxO PhotoLab"},
    {"final cut", "Final Cut Pro"},
    {"imovie", "iMovie"},
    {"davinci resolve", "DaVinci Resolve"},
    {"capcut", "CapCut"},
    {"inshot", "InShot"},
    {"kinemaster", "KineMaster"},
    {"filmora", "Filmora"},
    {"camtasia", "Camtasia"},
    {"shotcut", "Shotcut"},
    {"kdenlive", "Kdenlive"},
    {"openshot", "OpenShot"},
    {"vegas pro", "VEGAS Pro"},
    {"movavi", "Movavi"},
};

bool EndsWithKey(const std::string& key, const char* suffix) {
  std::string s = suffix;
  return key.size() > s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0 &&
         key[key.size() - s.size() - 1] == '.';
}

bool IsEncoderKey(const std::string& key) {
  return EndsWithKey(key, "encoder") || EndsWithKey(key, "ENCODER");
}

bool IsStreamOrContainer(const std::string& key) {
  return key.starts_with("Container.") || key.starts_with("Stream");
}

// WhatsApp names what it saves "IMG-20230521-WA0003.jpg" / "VID-20230521-WA0003.mp4"
// (observation, widely seen on Android; the name is the user's to change, so it is a hint).
bool WhatsAppName(const std::string& path) {
  std::string base =
      path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  if (base.size() < 19) return false;
  std::string prefix = base.substr(0, 4);
  if (prefix != "IMG-" && prefix != "VID-" && prefix != "AUD-" && prefix != "PTT-") return false;
  for (int i = 4; i < 12; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(base[static_cast<std::size_t>(i)]))) return false;
  }
  return base.compare(12, 4, "-WA0") == 0 || base.compare(12, 3, "-WA") == 0;
}

}  // namespace

std::optional<std::string> MatchEditor(std::string_view software) {
  std::string s = Lower(software);
  for (const Editor& e : kEditors) {
    if (s.find(e.needle) != std::string::npos) return std::string(e.name);
  }
  return std::nullopt;
}

std::vector<ReencodeSignature> FindReencodeSignatures(const media::ProbeResult& r) {
  std::vector<ReencodeSignature> out;
  auto add = [&](const std::string& tool, const media::Tag& t) {
    for (const auto& s : out) {
      if (s.tool == tool) return;
    }
    out.push_back({tool, t.key + " = \"" + t.value + "\""});
  };
  for (const media::Tag& t : r.tags) {
    if (!IsStreamOrContainer(t.key)) {
      // Facebook stores an "FBMD…" reference in the IPTC data of the JPEGs it serves
      // (observation, widely reported by photo-forensics practitioners).
      if (t.key.starts_with("Iptc.") && t.value.starts_with("FBMD")) add("Facebook", t);
      continue;
    }
    const std::string& v = t.value;
    if (IsEncoderKey(t.key)) {
      // FFmpeg writes its library identifier as the "encoder" tag unless told to be bit-exact:
      // "Lavf<version>" for the muxer (libavformat/mux.c, LIBAVFORMAT_IDENT) and "Lavc<version>
      // <encoder>" per stream (fftools/ffmpeg, LIBAVCODEC_IDENT). Many platforms and apps run
      // FFmpeg, so this names the tool, not who ran it.
      if (v.starts_with("Lavf") || v.starts_with("Lavc")) add("FFmpeg", t);
      // HandBrake sets the encoder tag to "HandBrake <version> <build>" (observation; its muxer,
      // libhb/muxavformat.c).
      if (Lower(v).find("handbrake") != std::string::npos) add("HandBrake", t);
    }
    if (EndsWithKey(t.key, "handler_name")) {
      // Google's MP4 muxer names every handler "ISO Media file produced by Google Inc." — seen in
      // videos served by YouTube and in the corpus (observation).
      if (v.starts_with("ISO Media file produced by Google")) add("Google (YouTube) muxer", t);
      // MainConcept's encoder SDK, used by editing and export software, names its handlers
      // "Mainconcept Video Media Handler" (observation on the corpus' Intel sample videos).
      if (Lower(v).find("mainconcept") != std::string::npos) add("MainConcept encoder SDK", t);
    }
    // TikTok puts its video id in the MP4 comment as "vid:v…" (observation on TikTok downloads).
    if (t.key == "Container.comment" && v.starts_with("vid:v")) add("TikTok", t);
  }
  if (WhatsAppName(r.path)) {
    media::Tag t{"File.Name", r.path.substr(r.path.find_last_of('/') + 1), ""};
    add("WhatsApp", t);
  }
  return out;
}

}  // namespace sightline::analysis::metadata

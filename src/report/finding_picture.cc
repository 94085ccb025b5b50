#include "report/finding_picture.h"

#include <algorithm>

#include "analysis/scene/compare.h"
#include "report/item_pictures.h"

namespace sightline::report {

namespace {

double Seconds(const nlohmann::json& j) { return j.is_number() ? j.get<double>() : 0.0; }

// The two pictures side by side with each matched point pair ([ax, ay, bx, by], 0..1) joined, as
// `scene --picture` draws them.
media::Image MatchedPointsPicture(const media::Image& a, const media::Image& b,
                                  const nlohmann::json& points, int height) {
  auto mat = [](const media::Image& i) {
    return cv::Mat(i.height, i.width, i.BytesPerPixel() == 3 ? CV_8UC3 : CV_8UC1,
                   const_cast<std::uint8_t*>(i.pixels.data()));
  };
  analysis::scene::SceneMatch m;
  for (const nlohmann::json& p : points) {
    if (!p.is_array() || p.size() != 4 || !p[0].is_number()) continue;
    m.pairs.push_back({p[0].get<float>(), p[1].get<float>(), p[2].get<float>(), p[3].get<float>()});
  }
  return analysis::scene::DrawMatch(mat(a), mat(b), m, height);
}

}  // namespace

std::pair<double, double> FindingPictureTimes(const std::string& kind,
                                              const nlohmann::json& evidence) {
  double ta = 0, tb = 0;
  if (!evidence.is_object()) return {0, 0};
  if (kind == "same_footage") {
    const nlohmann::json& frames = evidence.value("evidence", nlohmann::json::array());
    const nlohmann::json& segments = evidence.value("segments", nlohmann::json::array());
    if (frames.is_array() && !frames.empty() && frames[0].is_object()) {
      ta = Seconds(frames[0].value("a_t", nlohmann::json()));
      tb = Seconds(frames[0].value("b_t", nlohmann::json()));
    } else if (segments.is_array() && !segments.empty() && segments[0].is_object()) {
      ta = Seconds(segments[0].value("a_start", nlohmann::json()));
      tb = Seconds(segments[0].value("b_start", nlohmann::json()));
    }
  } else if (kind == "same_moment" && evidence.contains("offset_s")) {
    // a-time = offset_s + b-time: both recorded from max(0, offset_s) on a's clock.
    const double offset = Seconds(evidence["offset_s"]);
    ta = std::max(0.0, offset);
    tb = std::max(0.0, -offset);
  } else {
    ta = Seconds(evidence.value("a_time", nlohmann::json()));
    tb = Seconds(evidence.value("b_time", nlohmann::json()));
  }
  return {std::max(0.0, ta), std::max(0.0, tb)};
}

Result<std::string> FindingPictureJpeg(const std::string& kind, const nlohmann::json& evidence,
                                       const std::string& path_a, const std::string& path_b,
                                       int height) {
  const auto [ta, tb] = FindingPictureTimes(kind, evidence);
  SL_ASSIGN_OR_RETURN(media::Image a, FrameAt(path_a, ta, 2 * height));
  SL_ASSIGN_OR_RETURN(media::Image b, FrameAt(path_b, tb, 2 * height));
  // A same_place finding carries its matched points: joined by lines.
  const nlohmann::json points = evidence.is_object()
                                    ? evidence.value("points", nlohmann::json::array())
                                    : nlohmann::json::array();
  if (kind == "same_place" && points.is_array() && !points.empty()) {
    return media::EncodeJpeg(MatchedPointsPicture(a, b, points, height),
                             {.quality = 80, .max_side = 0});
  }
  return media::EncodeJpeg(SideBySide(a, b, height), {.quality = 80, .max_side = 0});
}

}  // namespace sightline::report

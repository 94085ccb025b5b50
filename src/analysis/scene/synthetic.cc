#include "analysis/scene/synthetic.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "media/image_writer.h"

namespace sightline::analysis::scene::synthetic {

cv::Mat Texture(int width, int height, std::uint64_t seed) {
  cv::RNG rng(seed);
  cv::Mat m(height, width, CV_8UC1, cv::Scalar(128));
  const int shapes = width * height / 600;
  for (int i = 0; i < shapes; ++i) {
    const cv::Point c(rng.uniform(0, width), rng.uniform(0, height));
    const int r = rng.uniform(3, std::max(4, std::min(width, height) / 12));
    const cv::Scalar shade(rng.uniform(0, 256));
    switch (rng.uniform(0, 3)) {
      case 0:
        cv::rectangle(m, cv::Rect(c.x, c.y, r, rng.uniform(3, r + 4)), shade, cv::FILLED);
        break;
      case 1:
        cv::ellipse(m, c, cv::Size(r, rng.uniform(2, r + 2)), rng.uniform(0, 180), 0, 360, shade,
                    cv::FILLED);
        break;
      default:
        cv::line(m, c,
                 cv::Point(c.x + rng.uniform(-3 * r, 3 * r), c.y + rng.uniform(-3 * r, 3 * r)),
                 shade, rng.uniform(1, 4));
    }
  }
  cv::Mat noise(height, width, CV_8UC1);
  rng.fill(noise, cv::RNG::NORMAL, 0, 6);
  cv::Mat out;
  cv::GaussianBlur(m, out, cv::Size(3, 3), 0.8);
  cv::add(out, noise, out, cv::noArray(), CV_8U);
  return out;
}

cv::Mat Facade(const cv::Mat& texture, std::uint64_t window_seed, int cols, int rows) {
  cv::Mat out = texture.clone();
  const int cell_w = texture.cols * 3 / (4 * cols), cell_h = texture.rows * 3 / (4 * rows);
  const int win_w = cell_w * 2 / 3, win_h = cell_h * 2 / 3;
  const cv::Mat window = Texture(win_w, win_h, window_seed);
  const int x0 = texture.cols / 8, y0 = texture.rows / 8;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const cv::Rect at(x0 + c * cell_w, y0 + r * cell_h, win_w, win_h);
      window.copyTo(out(at));
      cv::rectangle(out, at, cv::Scalar(20), 3);
    }
  return out;
}

cv::Mat View(const cv::Mat& src, const cv::Matx33d& h, cv::Size size, double gain, double offset) {
  cv::Mat warped;
  cv::warpPerspective(src, warped, cv::Mat(h), size, cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                      cv::Scalar(128));
  cv::Mat out;
  warped.convertTo(out, CV_8U, gain, offset);
  return out;
}

cv::Matx33d Motion(cv::Size size, double degrees, double scale, double tilt_x, double tilt_y) {
  const double cx = size.width / 2.0, cy = size.height / 2.0;
  const double a = degrees * CV_PI / 180.0;
  const cv::Matx33d to_centre(1, 0, -cx, 0, 1, -cy, 0, 0, 1);
  const cv::Matx33d back(1, 0, cx, 0, 1, cy, 0, 0, 1);
  const cv::Matx33d rs(scale * std::cos(a), -scale * std::sin(a), 0, scale * std::sin(a),
                       scale * std::cos(a), 0, tilt_x, tilt_y, 1);
  return back * rs * to_centre;
}

cv::Mat Corner(const cv::Mat& left_wall, const cv::Mat& right_wall, double yaw_degrees) {
  // World: x right, y down, z forward (metres). A building fills x in [-4, 0], z in [0, 4]; its
  // front face (z = 0) carries the left wall's texture, its side face (x = 0) the right wall's.
  // Cameras stand outside, in the quadrant x > 0, z < 0, so that both faces are seen.
  const double f = 700, cx = 400, cy = 300;
  const cv::Matx33d k(f, 0, cx, 0, f, cy, 0, 0, 1);
  // Camera on a circle of radius 5 m around the corner edge, looking at it.
  const double yaw = (45 + yaw_degrees) * CV_PI / 180.0;
  const cv::Vec3d centre(5 * std::sin(yaw), 0, -5 * std::cos(yaw));
  // Rotation: camera z axis points from the centre to the origin.
  cv::Vec3d z = -centre;
  z /= cv::norm(z);
  const cv::Vec3d y_down(0, 1, 0);
  cv::Vec3d x = y_down.cross(z);
  x /= cv::norm(x);
  const cv::Vec3d y = z.cross(x);
  const cv::Matx33d r(x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]);
  const cv::Vec3d t = -(r * centre);
  // Texture pixel (u, v) -> world point, per wall, as a 3x3 map on (u, v, 1).
  auto wall_map = [&](const cv::Mat& tex, const cv::Vec3d& origin, const cv::Vec3d& du) {
    const double metres_per_px = 4.0 / tex.cols;
    const cv::Vec3d dv(0, metres_per_px * 1.0, 0);
    const cv::Vec3d u = du * metres_per_px;
    cv::Matx33d m;
    for (int i = 0; i < 3; ++i) {
      m(i, 0) = u[i];
      m(i, 1) = dv[i];
      m(i, 2) = origin[i];
    }
    // Projection: K (R X + t) = K [R u, R dv, R origin + t] (u, v, 1)^T.
    const cv::Matx33d rm = r * m;
    cv::Matx33d p;
    for (int i = 0; i < 3; ++i) {
      p(i, 0) = rm(i, 0);
      p(i, 1) = rm(i, 1);
      p(i, 2) = rm(i, 2) + t[i];
    }
    return k * p;
  };
  const double height_m = 4.0 * left_wall.rows / left_wall.cols;
  const cv::Vec3d top(0, -height_m / 2, 0);
  const cv::Matx33d h_left = wall_map(left_wall, cv::Vec3d(-4, 0, 0) + top, cv::Vec3d(1, 0, 0));
  const cv::Matx33d h_right = wall_map(right_wall, top, cv::Vec3d(0, 0, 1));
  const cv::Size size(800, 600);
  cv::Mat out(size, CV_8UC1, cv::Scalar(200));  // sky
  for (const auto& [tex, h] : {std::pair{left_wall, h_left}, std::pair{right_wall, h_right}}) {
    cv::Mat warped, mask;
    cv::warpPerspective(tex, warped, cv::Mat(h), size, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    cv::warpPerspective(cv::Mat(tex.size(), CV_8UC1, cv::Scalar(255)), mask, cv::Mat(h), size,
                        cv::INTER_NEAREST, cv::BORDER_CONSTANT);
    warped.copyTo(out, mask);
  }
  return out;
}

int PairsFollowing(const std::vector<PointPair>& pairs, const cv::Matx33d& h, cv::Size size,
                   double tolerance_px) {
  const double w = size.width, ht = size.height;
  int close = 0;
  for (const PointPair& p : pairs) {
    const cv::Vec3d q = h * cv::Vec3d(p.ax * w, p.ay * ht, 1);
    if (std::hypot(q[0] / q[2] - p.bx * w, q[1] / q[2] - p.by * ht) < tolerance_px) ++close;
  }
  return close;
}

Status WriteGrayJpeg(const std::string& path, const cv::Mat& gray) {
  if (gray.type() != CV_8UC1 || !gray.isContinuous()) {
    return InvalidArgument(path + ": not a continuous 8-bit grey picture");
  }
  media::Image image;
  image.width = gray.cols;
  image.height = gray.rows;
  image.layout = media::PixelLayout::kGray8;
  image.pixels.assign(gray.datastart, gray.dataend);
  return media::WriteJpeg(path, image, {.quality = 92});
}

cv::Mat NewsOverlay(const cv::Mat& gray) {
  cv::Mat out = gray.clone();
  const int w = out.cols, h = out.rows;
  cv::rectangle(out, cv::Rect(0, h - 70, w, 55), cv::Scalar(40), cv::FILLED);
  cv::putText(out, "BREAKING  BLASTS REPORTED IN CENTRE 14:02", cv::Point(12, h - 30),
              cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar(250), 2, cv::LINE_AA);
  cv::rectangle(out, cv::Rect(10, 10, 190, 40), cv::Scalar(20), cv::FILLED);
  cv::putText(out, "@citynews", cv::Point(18, 40), cv::FONT_HERSHEY_DUPLEX, 0.9, cv::Scalar(235), 2,
              cv::LINE_AA);
  cv::rectangle(out, cv::Rect(w - 110, 10, 100, 40), cv::Scalar(230), cv::FILLED);
  cv::putText(out, "LIVE", cv::Point(w - 100, 42), cv::FONT_HERSHEY_TRIPLEX, 1.0, cv::Scalar(10), 2,
              cv::LINE_AA);
  return out;
}

}  // namespace sightline::analysis::scene::synthetic

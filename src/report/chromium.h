// Headless Chromium (Debian's `chromium` package) as a renderer of a finished report: a PDF of
// the page, or a screenshot. Chromium is run with networking disabled: every host name resolves
// to nothing and every request, loopback included, is sent to a proxy on a local port where
// nothing listens, and its background services (updates, sync, metrics) are switched off. A
// page that tried to fetch something would fail to, not leak it.
//
// Contract:
//  - `work_dir` (required) receives Chromium's profile, its HOME and its log; the caller owns and
//    removes it. Chromium runs in its own process group, which is killed when it overruns the
//    timeout; nothing else is ever signalled.
//  - As root Chromium refuses to start without --no-sandbox, so that flag is added then (the
//    page rendered is our own, without script); otherwise its sandbox stays on.
//  - Errors say what to do: kNotFound when no Chromium is installed (install the Debian package
//    `chromium`, or point $SIGHTLINE_CHROMIUM at one), kIoError with the end of Chromium's log
//    when it fails or times out.
//
// Thread safety: the functions may run on several threads at once with different work_dirs.
#ifndef SIGHTLINE_REPORT_CHROMIUM_H_
#define SIGHTLINE_REPORT_CHROMIUM_H_

#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::report {

struct ChromiumOptions {
  std::string binary;    // empty: FindChromium()
  std::string work_dir;  // required: profile, HOME and log
  double timeout_s = 120;
  int window_width = 1280;  // screenshots
  int window_height = 2000;
  std::vector<std::string> extra_args;  // e.g. --log-net-log=FILE for a test
};

// $SIGHTLINE_CHROMIUM when set (it must be executable), else the first of chromium,
// chromium-browser, google-chrome found in $PATH.
Result<std::string> FindChromium();

// The file:// URL of an absolute or relative path (made absolute; bytes outside [A-Za-z0-9/._~-]
// percent-encoded).
std::string FileUrl(const std::string& path);

// Prints `html_path` to `pdf_path` (no header or footer lines).
Status PrintPdf(const std::string& html_path, const std::string& pdf_path,
                const ChromiumOptions& options);

// Renders `html_path` in a window of the options' size and writes it to `png_path` as PNG.
Status Screenshot(const std::string& html_path, const std::string& png_path,
                  const ChromiumOptions& options);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_CHROMIUM_H_

// Running yt-dlp (https://github.com/yt-dlp/yt-dlp, Debian package `yt-dlp`) to download one
// post's media and its .info.json into a directory. This is the only place Sightline opens the
// network, and only because a person typed a URL (`ingest --url`).
//
// yt-dlp runs as a child process from an argv (no shell), with its configuration files ignored,
// no playlist, a fixed output name, stdin from /dev/null, its output captured to files in the
// work directory, and a time limit after which its process group is killed.
//
// Thread safety: functions are independent; each download uses its own directory.
#ifndef SIGHTLINE_CASE_YT_DLP_H_
#define SIGHTLINE_CASE_YT_DLP_H_

#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::investigation {

// The yt-dlp program to run: $SIGHTLINE_YT_DLP when set (a path), else `yt-dlp` on $PATH.
// kNotFound, with what to install, when there is none.
Result<std::string> FindYtDlp();

// `yt-dlp --version`, e.g. "2023.03.04".
Result<std::string> YtDlpVersion(const std::string& program);

struct DownloadedPost {
  std::vector<std::string> media;  // the downloaded media file(s), normally one
  std::string info_json;           // the .info.json; "" when yt-dlp wrote none
};

// Downloads `url` with `program` into `dir` (which must exist and be empty): media as
// DIR/post/media.EXT, info as DIR/post/media.info.json, yt-dlp's own output in DIR/yt-dlp.log.
// Fails with yt-dlp's last error line (a 404, an unsupported site, no network), or when it runs
// longer than `timeout_s` seconds, or leaves no media file.
Result<DownloadedPost> DownloadPost(const std::string& program, const std::string& url,
                                    const std::string& dir, int timeout_s);

// Removes `dir` and everything under it (regular files and directories; symbolic links are
// removed, not followed). For the download's work directory.
Status RemoveTree(const std::string& dir);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_YT_DLP_H_

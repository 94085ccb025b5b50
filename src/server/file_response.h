// Answering with a file's bytes, streamed from disk (never read whole into memory), with HTTP
// range requests (RFC 9110 §14): `Range: bytes=A-B`, `bytes=A-` and `bytes=-N` give 206 with
// Content-Range; a range that starts past the end, or a malformed one, gives 416 with
// `Content-Range: bytes */SIZE`. Several ranges are answered as multipart/byteranges by
// cpp-httplib.
//
// Thread safety: pure functions of the request and the file.
#ifndef SIGHTLINE_SERVER_FILE_RESPONSE_H_
#define SIGHTLINE_SERVER_FILE_RESPONSE_H_

#include <httplib.h>

#include <string>

namespace sightline::server {

// Sends the file at `path` with `content_type`; 404 JSON when it cannot be opened. With
// `cache`, a private one-hour Cache-Control (for content named by its hash), else no-store.
void SendFile(const httplib::Request& req, httplib::Response& res, const std::string& path,
              const std::string& content_type, bool cache);

}  // namespace sightline::server

#endif  // SIGHTLINE_SERVER_FILE_RESPONSE_H_

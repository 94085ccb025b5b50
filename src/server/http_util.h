// What every handler of the workbench server shares: JSON answers and errors in the shape of
// doc/api.md, the mapping from library Status codes to HTTP statuses, strict parsing of path
// parameters (so that nothing a client types becomes a path), and content types.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_SERVER_HTTP_UTIL_H_
#define SIGHTLINE_SERVER_HTTP_UTIL_H_

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/status.h"

namespace sightline::server {

// `body` as JSON with `status` and Cache-Control: no-store.
void SendJson(httplib::Response& res, int status, const nlohmann::json& body);
// {"error": message} with `status`.
void SendError(httplib::Response& res, int status, const std::string& message);
// The HTTP status for a library failure: 400 invalid argument, 404 not found, 409 already
// exists, 413 no space, 500 otherwise.
int HttpStatusFor(const Status& status);
void SendStatus(httplib::Response& res, const Status& status);

// A record id as the CLI prints it: 1 to 2^53, decimal digits only, no sign or leading zero.
std::optional<std::int64_t> ParseId(const std::string& text);
// A safe single path component of letters, digits, '-', '_' and '.', not starting with '.', at
// most 128 characters (report names, account names in paths).
bool IsSafeName(const std::string& text);

// The request body as a JSON object; fails (kInvalidArgument) on anything else.
Result<nlohmann::json> JsonBody(const httplib::Request& req);
// Field `key` of `body` when it is a string (nullopt when absent or null); `error` set when it
// has another type.
std::optional<std::string> StringField(const nlohmann::json& body, const char* key,
                                       std::string* error);
std::optional<double> NumberField(const nlohmann::json& body, const char* key, std::string* error);

// `text` with every byte but RFC 3986's unreserved characters percent-encoded (for
// Content-Disposition's filename*=UTF-8''…).
std::string PercentEncode(const std::string& text);

// The Content-Type of a static file by its extension; application/octet-stream when unknown.
std::string ContentTypeForPath(const std::string& path);
// The Content-Type of a media file from its first bytes (ftyp brands, EBML, JPEG, PNG, RIFF, …);
// application/octet-stream when not recognised.
std::string SniffMediaType(const std::string& path);

}  // namespace sightline::server

#endif  // SIGHTLINE_SERVER_HTTP_UTIL_H_

#include "archive/s3_client.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "base/markup.h"
#include "base/sha256.h"

namespace sightline::archive {

namespace {

struct CurlEasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using UniqueSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// An error answer is read into memory up to this size (S3's are a few hundred bytes).
constexpr std::size_t kMaxErrorBody = 64 * 1024;
// Listings and other answers read into memory.
constexpr std::size_t kMaxAnswerBody = 64 * 1024 * 1024;

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string StripQuotes(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '"'), s.end());
  return s;
}

// RFC 3986 percent-encoding of everything but unreserved characters, as SigV4's canonical query
// string requires (upper-case hex).
std::string UriEncode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A query string in SigV4's canonical form: parameters sorted by name, names and values encoded.
// curl 7.88 signs the query as written in the URL, so it must already be canonical.
std::string CanonicalQuery(std::vector<std::pair<std::string, std::string>> params) {
  std::sort(params.begin(), params.end());
  std::string q;
  for (const auto& [name, value] : params) {
    if (!q.empty()) q += '&';
    q += UriEncode(name) + "=" + UriEncode(value);
  }
  return q;
}

std::string XmlUnescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out += s.substr(i);
      break;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      long v = ent[1] == 'x' ? std::strtol(std::string(ent.substr(2)).c_str(), nullptr, 16)
                             : std::strtol(std::string(ent.substr(1)).c_str(), nullptr, 10);
      if (v > 0 && v < 128) out += static_cast<char>(v);
    } else {
      out += s.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

// The raw content of each <tag>…</tag> element in `xml` (S3's answers are flat enough that
// nested elements of the same name do not occur).
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  std::size_t pos = 0;
  for (;;) {
    std::size_t b = xml.find(open, pos);
    if (b == std::string_view::npos) break;
    b += open.size();
    std::size_t e = xml.find(close, b);
    if (e == std::string_view::npos) break;
    out.push_back(xml.substr(b, e - b));
    pos = e + close.size();
  }
  return out;
}

std::string XmlText(std::string_view xml, std::string_view tag) {
  auto all = XmlElements(xml, tag);
  return all.empty() ? std::string() : Trim(XmlUnescape(all[0]));
}

std::string Base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Md5Base64(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_md5(), nullptr);
  return Base64(md, len);
}

// A hint for the person reading an S3 error code.
std::string HintFor(const std::string& code, long http_status) {
  if (code == "InvalidAccessKeyId") return " (check AWS_ACCESS_KEY_ID)";
  if (code == "SignatureDoesNotMatch") {
    return " (check AWS_SECRET_ACCESS_KEY, and region= in the store's URL)";
  }
  if (code == "AuthorizationHeaderMalformed") return " (check region= in the store's URL)";
  if (code == "PermanentRedirect" || code == "IllegalLocationConstraintException") {
    return " (the bucket is in another region: correct region= or endpoint= in the store's URL)";
  }
  if (code == "RequestTimeTooSkewed") return " (this machine's clock is off; set it right)";
  if (code == "NoSuchBucket") return " (create the bucket, or correct BUCKET in the URL)";
  if (code == "AccessDenied" || (code.empty() && http_status == 403)) {
    return " (the credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are refused or lack "
           "permission for this bucket)";
  }
  return "";
}

std::once_flag curl_init_once;

}  // namespace

std::string Md5Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_md5(), nullptr);
  return ToHex(md, len);
}

Status LoadS3CredentialsFromEnvironment(S3Config* config) {
  const char* id = std::getenv("AWS_ACCESS_KEY_ID");
  const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
  if (!id || !*id || !secret || !*secret) {
    return InvalidArgument(std::string("S3 credentials missing: set ") +
                           (!id || !*id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") +
                           " in the environment (credentials are never read from the URL)");
  }
  config->access_key_id = id;
  config->secret_access_key = secret;
  const char* token = std::getenv("AWS_SESSION_TOKEN");
  config->session_token = token ? token : "";
  return Status::Ok();
}

struct S3Client::CurlHandle {
  std::unique_ptr<CURL, CurlEasyDeleter> easy;
};

struct S3Client::Request {
  const char* method = "GET";  // GET, HEAD, PUT, POST or DELETE
  std::string key;             // "" for the bucket itself
  std::string query;           // canonical (CanonicalQuery)
  std::vector<std::string> headers;
  std::string_view body;
  // GET only: where a successful answer's body goes, instead of Response::body.
  const std::function<Status(const char*, std::size_t)>* sink = nullptr;
  const std::function<void(const S3ObjectInfo&)>* on_headers = nullptr;
};

struct S3Client::Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; the last answer's only
  std::string body;  // the body, or only an error body when streamed to a sink
  bool ok() const { return status >= 200 && status < 300; }
};

namespace {

S3ObjectInfo InfoFromHeaders(const std::map<std::string, std::string>& headers) {
  S3ObjectInfo info;
  auto it = headers.find("content-length");
  if (it != headers.end()) info.size = std::strtoull(it->second.c_str(), nullptr, 10);
  it = headers.find("etag");
  if (it != headers.end()) info.etag = StripQuotes(it->second);
  for (const auto& [name, value] : headers) {
    if (name.rfind("x-amz-meta-", 0) == 0) info.metadata[name.substr(11)] = value;
  }
  return info;
}

// State shared with curl's callbacks during one transfer.
struct Transfer {
  CURL* curl = nullptr;
  S3Client::Counters* counters = nullptr;
  std::string_view body;
  std::size_t body_sent = 0;
  std::map<std::string, std::string>* headers = nullptr;
  std::string* answer = nullptr;
  const std::function<Status(const char*, std::size_t)>* sink = nullptr;
  const std::function<void(const S3ObjectInfo&)>* on_headers = nullptr;
  bool decided = false;  // whether the body goes to the sink was decided
  bool to_sink = false;
  Status sink_status;
};

std::size_t ReadBody(char* buf, std::size_t size, std::size_t n, void* arg) {
  auto* t = static_cast<Transfer*>(arg);
  std::size_t len = std::min(size * n, t->body.size() - t->body_sent);
  std::copy_n(t->body.data() + t->body_sent, len, buf);
  t->body_sent += len;
  return len;
}

std::size_t WriteAnswer(char* data, std::size_t size, std::size_t n, void* arg) {
  auto* t = static_cast<Transfer*>(arg);
  const std::size_t len = size * n;
  if (!t->decided) {
    long status = 0;
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    t->decided = true;
    t->to_sink = t->sink && status >= 200 && status < 300;
    if (t->to_sink && t->on_headers && *t->on_headers)
      (*t->on_headers)(InfoFromHeaders(*t->headers));
  }
  if (t->to_sink) {
    t->sink_status = (*t->sink)(data, len);
    return t->sink_status.ok() ? len : 0;
  }
  const std::size_t cap = t->sink ? kMaxErrorBody : kMaxAnswerBody;
  if (t->answer->size() + len > cap) return 0;
  t->answer->append(data, len);
  return len;
}

std::size_t WriteHeader(char* data, std::size_t size, std::size_t n, void* arg) {
  auto* t = static_cast<Transfer*>(arg);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->headers->clear();  // a new answer (after "100 Continue" or a redirect)
  } else if (std::size_t colon = line.find(':'); colon != std::string_view::npos) {
    (*t->headers)[ToLower(std::string(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
  }
  return size * n;
}

bool TransientCurlError(CURLcode rc) {
  return rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
         rc == CURLE_OPERATION_TIMEDOUT;
}

bool TransientStatus(long status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

}  // namespace

S3Client::S3Client(S3Config config) : config_(std::move(config)), curl_(new CurlHandle) {
  while (!config_.endpoint.empty() && config_.endpoint.back() == '/') config_.endpoint.pop_back();
  std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_->easy.reset(curl_easy_init());
}

S3Client::~S3Client() = default;

std::string S3Client::Describe(const std::string& key) const {
  return "s3://" + config_.bucket + (key.empty() ? "" : "/" + key) + " at " + config_.endpoint;
}

Result<S3Client::Response> S3Client::Perform(const Request& request) {
  CURL* c = curl_->easy.get();
  if (!c) return Internal("cannot start a libcurl session (curl_easy_init failed)");
  const std::string url = config_.endpoint + "/" + config_.bucket +
                          (request.key.empty() ? "" : "/" + request.key) +
                          (request.query.empty() ? "" : "?" + request.query);
  const std::string sigv4 = "aws:amz:" + config_.region + ":s3";
  const std::string method = request.method;
  const bool streamed = request.sink != nullptr;
  // Requests whose body is in memory can be sent again after a dropped connection or a busy
  // server; a streamed download cannot (its sink has taken bytes already).
  const int attempts = streamed ? 1 : 3;
  for (int attempt = 0;; ++attempt) {
    curl_easy_reset(c);
    Response response;
    Transfer t;
    t.curl = c;
    t.body = request.body;
    t.headers = &response.headers;
    t.answer = &response.body;
    t.sink = request.sink;
    t.on_headers = request.on_headers;

    std::vector<std::string> header_lines = request.headers;
    header_lines.push_back("x-amz-content-sha256: " + Sha256Hex(request.body));
    if (!config_.session_token.empty()) {
      header_lines.push_back("x-amz-security-token: " + config_.session_token);
    }
    // Every header given here is signed, so none may be one curl leaves out of the request
    // (such as an empty "Expect:"): servers that sign what they received would then disagree.
    UniqueSlist headers;
    for (const std::string& h : header_lines) {
      curl_slist* grown = curl_slist_append(headers.get(), h.c_str());
      if (!grown) return Internal("out of memory building an S3 request");
      headers.release();
      headers.reset(grown);
    }

    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(c, CURLOPT_USERNAME, config_.access_key_id.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config_.secret_access_key.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, config_.connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, config_.stall_timeout_s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, WriteHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteAnswer);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    if (method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (method == "PUT") {
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadBody);
      curl_easy_setopt(c, CURLOPT_READDATA, &t);
      curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    } else if (method == "POST") {
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      // Never NULL: curl would then read the body from stdin.
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    } else if (method != "GET") {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method);
    }

    CURLcode rc = curl_easy_perform(c);
    ++counters_.requests;
    counters_.bytes_sent += request.body.size();
    if (!t.sink_status.ok()) return t.sink_status;
    if (rc != CURLE_OK) {
      if (TransientCurlError(rc) && attempt + 1 < attempts) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500 << attempt));
        continue;
      }
      return IoError(method + " " + Describe(request.key) + " failed: " + curl_easy_strerror(rc) +
                     (errbuf[0] ? std::string(" (") + errbuf + ")" : "") +
                     (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST
                          ? "; is the endpoint right and the server running? (endpoint= in the "
                            "store's URL)"
                          : ""));
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    if (TransientStatus(response.status) && attempt + 1 < attempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500 << attempt));
      continue;
    }
    if (response.ok() && t.sink && !t.decided && request.on_headers && *request.on_headers) {
      (*request.on_headers)(InfoFromHeaders(response.headers));  // an empty object
    }
    return response;
  }
}

namespace {

// The Status for an answer that is not a success: HTTP status, S3 error code and message.
Status FailureStatus(long http_status, const std::string& body, const std::string& what) {
  std::string code = XmlText(body, "Code");
  std::string message = XmlText(body, "Message");
  std::string text = what + ": HTTP " + std::to_string(http_status);
  if (!code.empty()) text += " " + code;
  if (!message.empty()) text += ": " + message;
  if (code.empty() && message.empty() && http_status == 404) text += " (no such object)";
  text += HintFor(code, http_status);
  if (http_status == 404) return NotFound(text);
  if (http_status == 501) return Unsupported(text + " (this S3 server lacks the operation)");
  if (http_status == 301 || http_status == 400 || http_status == 403 || http_status == 405 ||
      http_status == 411) {
    return InvalidArgument(text);
  }
  return IoError(text);
}

}  // namespace

Status S3Client::PutObject(const std::string& key, std::string_view bytes,
                           const std::map<std::string, std::string>& metadata) {
  Request r;
  r.method = "PUT";
  r.key = key;
  r.body = bytes;
  r.headers.push_back("Content-MD5: " + Md5Base64(bytes));
  r.headers.push_back("Content-Type: application/octet-stream");
  for (const auto& [name, value] : metadata)
    r.headers.push_back("x-amz-meta-" + name + ": " + value);
  SL_ASSIGN_OR_RETURN(Response resp, Perform(r));
  if (!resp.ok()) return FailureStatus(resp.status, resp.body, "PUT " + Describe(key));
  return Status::Ok();
}

Result<S3ObjectInfo> S3Client::HeadObject(const std::string& key) {
  Request r;
  r.method = "HEAD";
  r.key = key;
  SL_ASSIGN_OR_RETURN(Response resp, Perform(r));
  if (!resp.ok()) return FailureStatus(resp.status, resp.body, "HEAD " + Describe(key));
  return InfoFromHeaders(resp.headers);
}

Status S3Client::GetObject(const std::string& key,
                           const std::function<Status(const char*, std::size_t)>& sink,
                           const std::function<void(const S3ObjectInfo&)>& on_headers) {
  Request r;
  r.method = "GET";
  r.key = key;
  r.sink = &sink;
  r.on_headers = &on_headers;
  SL_ASSIGN_OR_RETURN(Response resp, Perform(r));
  if (!resp.ok()) return FailureStatus(resp.status, resp.body, "GET " + Describe(key));
  return Status::Ok();
}

Status S3Client::DeleteObject(const std::string& key) {
  Request r;
  r.method = "DELETE";
  r.key = key;
  SL_ASSIGN_OR_RETURN(Response resp, Perform(r));
  if (!resp.ok()) return FailureStatus(resp.status, resp.body, "DELETE " + Describe(key));
  return Status::Ok();
}

Result<std::string> S3Client::CreateMultipartUpload(
    const std::string& key, const std::map<std::string, std::string>& metadata) {
  Request r;
  r.method = "POST";
  r.key = key;
  r.query = CanonicalQuery({{"uploads", ""}});
  r.headers.push_back("Content-Type: application/octet-stream");
  for (const auto& [name, value] : metadata)
    r.headers.push_back("x-amz-meta-" + name + ": " + value);
  const std::string what = "starting a multipart upload to " + Describe(key);
  SL_ASSIGN_OR_RETURN(Response resp, Perform(r));
  if (!resp.ok()) return FailureStatus(resp.status, resp.body, what);
  std::string id = XmlText(resp.body, "UploadId");
  if (id.empty()) return IoError(what + ": the answer holds no UploadId");
  return id;
}

Result<std::string> S3Client::UploadPart(const std::string& key, const std::string& upload_id,
                                         int part_number, std::string_view bytes) {
  Request r;
  r.method = "PUT";
  r.key = key;
  r.query = CanonicalQuery({{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}});
  r.body = bytes;
  r.headers.push_back("Content-MD5: " + Md5Base64(bytes));
  SL_ASSIGN_OR_RETURN(Response resp, Perform(r));
  const std::string what = "uploading part " + std::to_string(part_number) + " of " + Describe(key);
  if (!resp.ok()) return FailureStatus(resp.status, resp.body, what);
  auto it = resp.headers.find("etag");
  if (it == resp.headers.end()) return IoError(what + ": the answer holds no ETag");
  ++counters_.parts_uploaded;
  return StripQuotes(it->second);
}

Result<std::vector<S3Part>> S3Client::ListParts(const std::string& key,
                                                const std::string& upload_id) {
  std::vector<S3Part> parts;
  std::string marker;
  for (;;) {
    Request r;
    r.method = "GET";
    r.key = key;
    std::vector<std::pair<std::string, std::string>> q = {{"uploadId", upload_id}};
    if (!marker.empty()) q.emplace_back("part-number-marker", marker);
    r.query = CanonicalQuery(std::move(q));
    SL_ASSIGN_OR_RETURN(Response resp, Perform(r));
    if (!resp.ok()) {
      return FailureStatus(resp.status, resp.body,
                           "listing the parts uploaded to " + Describe(key));
    }
    for (std::string_view p : XmlElements(resp.body, "Part")) {
      S3Part part;
      part.number = std::atoi(XmlText(p, "PartNumber").c_str());
      part.size = std::strtoull(XmlText(p, "Size").c_str(), nullptr, 10);
      part.etag = StripQuotes(XmlText(p, "ETag"));
      parts.push_back(std::move(part));
    }
    if (XmlText(resp.body, "IsTruncated") != "true") break;
    std::string next = XmlText(resp.body, "NextPartNumberMarker");
    if (next.empty() || next == marker) break;
    marker = next;
  }
  return parts;
}

Result<std::vector<S3Upload>> S3Client::ListMultipartUploads(const std::string& prefix) {
  std::vector<S3Upload> uploads;
  std::string key_marker, id_marker;
  for (;;) {
    Request r;
    r.method = "GET";
    std::vector<std::pair<std::string, std::string>> q = {{"uploads", ""}, {"prefix", prefix}};
    if (!key_marker.empty()) q.emplace_back("key-marker", key_marker);
    if (!id_marker.empty()) q.emplace_back("upload-id-marker", id_marker);
    r.query = CanonicalQuery(std::move(q));
    SL_ASSIGN_OR_RETURN(Response resp, Perform(r));
    if (!resp.ok()) {
      return FailureStatus(resp.status, resp.body,
                           "listing the uploads in progress under " + Describe(prefix));
    }
    for (std::string_view u : XmlElements(resp.body, "Upload")) {
      uploads.push_back({XmlText(u, "Key"), XmlText(u, "UploadId"), XmlText(u, "Initiated")});
    }
    if (XmlText(resp.body, "IsTruncated") != "true") break;
    std::string next_key = XmlText(resp.body, "NextKeyMarker");
    std::string next_id = XmlText(resp.body, "NextUploadIdMarker");
    if (next_key == key_marker && next_id == id_marker) break;
    key_marker = next_key;
    id_marker = next_id;
  }
  return uploads;
}

Status S3Client::CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                                         const std::vector<S3Part>& parts) {
  std::string xml = "<CompleteMultipartUpload>";
  for (const S3Part& p : parts) {
    xml += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><ETag>\"" +
           EscapeMarkup(p.etag) + "\"</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  Request r;
  r.method = "POST";
  r.key = key;
  r.query = CanonicalQuery({{"uploadId", upload_id}});
  r.body = xml;
  r.headers.push_back("Content-Type: application/xml");
  SL_ASSIGN_OR_RETURN(Response resp, Perform(r));
  const std::string what = "completing the multipart upload to " + Describe(key);
  if (!resp.ok()) return FailureStatus(resp.status, resp.body, what);
  // S3 may answer 200 and still fail: the error is then in the body.
  if (resp.body.find("<Error>") != std::string::npos) {
    return FailureStatus(500, resp.body, what);
  }
  return Status::Ok();
}

Status S3Client::AbortMultipartUpload(const std::string& key, const std::string& upload_id) {
  Request r;
  r.method = "DELETE";
  r.key = key;
  r.query = CanonicalQuery({{"uploadId", upload_id}});
  SL_ASSIGN_OR_RETURN(Response resp, Perform(r));
  if (!resp.ok()) {
    return FailureStatus(resp.status, resp.body,
                         "abandoning the multipart upload to " + Describe(key));
  }
  return Status::Ok();
}

}  // namespace sightline::archive

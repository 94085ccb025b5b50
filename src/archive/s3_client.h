// A small client for the part of the S3 REST API an archive needs (objects, multipart uploads),
// over libcurl, which signs each request with AWS Signature Version 4 (CURLOPT_AWS_SIGV4; see
// "Signature Version 4 signing process" in the AWS General Reference, and the S3 API Reference
// for PutObject, GetObject, HeadObject and the multipart-upload calls). Addressing is path-style
// (ENDPOINT/BUCKET/KEY), which every S3-compatible store accepts and which works with endpoints on
// 127.0.0.1.
//
// Keys must be made of [A-Za-z0-9._/-] (what BlobStore produces): the client does not
// percent-encode them, and the signature covers the path as written.
//
// Every request carries the SHA-256 of its body (x-amz-content-sha256), and uploads carry their
// MD5 (Content-MD5), so that the server rejects bytes damaged in transit.
//
// Errors name the operation, the bucket and key, and the endpoint; for an answer of the server
// they give the HTTP status and the S3 error code and message. The secret key never appears in
// a message. kNotFound for a missing object, bucket or upload; kInvalidArgument for refused
// credentials or a malformed request; kIoError for a network failure or a server error.
//
// Thread safety: an S3Client keeps one connection (a curl easy handle) and is used by one thread
// at a time.
#ifndef SIGHTLINE_ARCHIVE_S3_CLIENT_H_
#define SIGHTLINE_ARCHIVE_S3_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sightline::archive {

struct S3Config {
  std::string endpoint;  // "https://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:9000"
  std::string region = "us-east-1";
  std::string bucket;
  std::string access_key_id;
  std::string secret_access_key;  // never shown
  std::string session_token;      // optional (temporary credentials)
  long connect_timeout_s = 15;
  // A transfer that moves less than one byte per second for this long is abandoned.
  long stall_timeout_s = 60;
};

// Fills the credentials of `config` from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and (when
// set) AWS_SESSION_TOKEN; kInvalidArgument naming the missing variable otherwise.
Status LoadS3CredentialsFromEnvironment(S3Config* config);

struct S3ObjectInfo {
  std::uint64_t size = 0;
  std::string etag;                             // without quotes
  std::map<std::string, std::string> metadata;  // x-amz-meta-NAME headers, by lower-case NAME
};

struct S3Part {
  int number = 0;
  std::uint64_t size = 0;
  std::string etag;  // without quotes; the MD5 of the part (hex) on S3 without KMS encryption
};

struct S3Upload {
  std::string key;
  std::string upload_id;
  std::string initiated;  // ISO 8601, as the server gives it
};

class S3Client {
 public:
  explicit S3Client(S3Config config);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Requests sent and bytes of bodies sent, since construction.
  struct Counters {
    std::uint64_t requests = 0;
    std::uint64_t parts_uploaded = 0;
    std::uint64_t bytes_sent = 0;
  };
  const Counters& counters() const { return counters_; }
  const S3Config& config() const { return config_; }
  // "s3://BUCKET/KEY at ENDPOINT", for messages.
  std::string Describe(const std::string& key) const;

  // Stores `bytes` under `key` in one request, with x-amz-meta-NAME headers from `metadata`.
  Status PutObject(const std::string& key, std::string_view bytes,
                   const std::map<std::string, std::string>& metadata = {});
  // kNotFound when there is no such object.
  Result<S3ObjectInfo> HeadObject(const std::string& key);
  // Streams the object to `sink` as it arrives (a sink error stops the transfer and is
  // returned). `on_headers` (optional) is called once, before the first byte, with the size
  // and metadata. kNotFound when there is no such object; nothing reaches `sink` then.
  Status GetObject(const std::string& key,
                   const std::function<Status(const char* data, std::size_t size)>& sink,
                   const std::function<void(const S3ObjectInfo&)>& on_headers = {});
  Status DeleteObject(const std::string& key);

  // Multipart uploads (parts are numbered from 1; all but the last must be at least 5 MiB on
  // AWS). Returns the upload id.
  Result<std::string> CreateMultipartUpload(
      const std::string& key, const std::map<std::string, std::string>& metadata = {});
  // Uploads one part and returns its ETag (without quotes).
  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id,
                                 int part_number, std::string_view bytes);
  // The parts the server holds for an upload in progress; kNotFound when the upload is gone.
  Result<std::vector<S3Part>> ListParts(const std::string& key, const std::string& upload_id);
  // Uploads in progress whose key starts with `prefix`.
  Result<std::vector<S3Upload>> ListMultipartUploads(const std::string& prefix);
  // Joins `parts` (in part-number order) into the object.
  Status CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                                 const std::vector<S3Part>& parts);
  Status AbortMultipartUpload(const std::string& key, const std::string& upload_id);

 private:
  struct Request;
  struct Response;
  Result<Response> Perform(const Request& request);

  S3Config config_;
  struct CurlHandle;
  std::unique_ptr<CurlHandle> curl_;
  Counters counters_;
};

// Lower-case hex MD5 of `bytes` (S3's ETag of a part or of an object sent in one request).
std::string Md5Hex(std::string_view bytes);

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_S3_CLIENT_H_

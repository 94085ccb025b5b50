// The S3 back-end against a real S3 endpoint: s3rver behind tests/services/s3/server.js (SigV4
// checked, multipart listings), started by the CTest fixture "services".
#include "archive/s3_blob_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "base/file.h"
#include "base/sha256.h"
#include "test_util.h"

namespace sightline::archive {
namespace {

using sightline::testing::ReadFile;
using sightline::testing::ScratchDir;
using sightline::testing::WriteFile;

constexpr std::uint64_t kPart = 5ull << 20;  // S3's smallest part (but the last)

std::string SomeBytes(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  unsigned x = seed;
  for (char& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 16);
  }
  return s;
}

class S3BlobStoreService : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string file = std::string(SIGHTLINE_TEST_SERVICES_DIR) + "/s3_url";
    auto url = ReadFileToString(file);
    ASSERT_TRUE(url.ok()) << "no S3 test endpoint: " << file
                          << " is missing. Run these tests through ctest (the 'services' "
                             "fixture runs tests/services/start.sh, which starts one with "
                             "tests/services/s3.sh), e.g. ctest -R S3BlobStoreService";
    base_url_ = *url;
    while (!base_url_.empty() && (base_url_.back() == '\n' || base_url_.back() == '\r')) {
      base_url_.pop_back();
    }
    ASSERT_EQ(base_url_.rfind("s3://", 0), 0u) << base_url_;
    // The key pair s3rver accepts; set here so that nothing outside the test must provide it.
    ::setenv("AWS_ACCESS_KEY_ID", "S3RVER", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 1);
    ::unsetenv("AWS_SESSION_TOKEN");
    // Each test under its own prefix, so that runs and tests do not see each other's objects.
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    prefix_ = std::string("t/") + info->name() + "-" + std::to_string(::getpid());
  }

  // The fixture's URL with this test's prefix: s3://BUCKET/PREFIX?endpoint=…
  std::string Url() const {
    std::size_t q = base_url_.find('?');
    return base_url_.substr(0, q) + "/" + prefix_ + base_url_.substr(q);
  }

  std::unique_ptr<S3BlobStore> Open(S3BlobStoreOptions options = {}) {
    auto store = OpenS3BlobStore(Url(), options);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::string base_url_;
  std::string prefix_;
  ScratchDir tmp_;
};

TEST_F(S3BlobStoreService, SmallFileRoundTrip) {
  const std::string bytes = SomeBytes(1000, 1);
  const std::string sha = Sha256Hex(bytes);
  WriteFile(tmp_ / "in", bytes);
  auto opened = OpenBlobStore(Url());  // through the generic entry point
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  BlobStore& store = **opened;
  EXPECT_NE(store.description().find("sightline-test"), std::string::npos);

  auto before = store.Exists(sha);
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_FALSE(*before);
  Status put = store.Put(sha, tmp_ / "in");
  ASSERT_TRUE(put.ok()) << put.message();
  auto after = store.Exists(sha);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*after);
  WriteFile(tmp_ / "out", "to be replaced");
  Status get = store.Get(sha, tmp_ / "out");
  ASSERT_TRUE(get.ok()) << get.message();
  EXPECT_EQ(ReadFile(tmp_ / "out"), bytes);
}

TEST_F(S3BlobStoreService, PutOfAStoredObjectSendsNothing) {
  const std::string bytes = SomeBytes(2000, 2);
  const std::string sha = Sha256Hex(bytes);
  WriteFile(tmp_ / "in", bytes);
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Put(sha, tmp_ / "in").ok());
  const auto sent = store->client().counters();
  ASSERT_TRUE(store->Put(sha, tmp_ / "in").ok());
  EXPECT_EQ(store->client().counters().requests, sent.requests + 1);  // the HEAD only
  EXPECT_EQ(store->client().counters().bytes_sent, sent.bytes_sent);
}

TEST_F(S3BlobStoreService, MultipartRoundTrip) {
  const std::string bytes = SomeBytes(2 * kPart + 12345, 3);  // three parts, the last short
  const std::string sha = Sha256Hex(bytes);
  WriteFile(tmp_ / "in", bytes);
  auto store = Open({.part_size = kPart});
  ASSERT_TRUE(store);
  Status put = store->Put(sha, tmp_ / "in");
  ASSERT_TRUE(put.ok()) << put.message();
  EXPECT_EQ(store->stats().parts_uploaded, 3u);
  EXPECT_EQ(store->stats().parts_reused, 0u);
  auto head = store->client().HeadObject(store->ObjectKey(sha));
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_EQ(head->size, bytes.size());
  EXPECT_EQ(head->metadata["sha256"], sha);
  Status get = store->Get(sha, tmp_ / "out");
  ASSERT_TRUE(get.ok()) << get.message();
  EXPECT_TRUE(ReadFile(tmp_ / "out") == bytes);
  // No upload left in progress.
  auto uploads = store->client().ListMultipartUploads(store->ObjectKey(sha));
  ASSERT_TRUE(uploads.ok()) << uploads.status().message();
  EXPECT_TRUE(uploads->empty());
}

TEST_F(S3BlobStoreService, NamedFilesRoundTripReplaceAndCarryTheirHash) {
  auto store = Open({.part_size = kPart});
  ASSERT_TRUE(store);
  WriteFile(tmp_ / "snap", "first snapshot");
  ASSERT_TRUE(store->PutNamed("index/shard-0/snap", tmp_ / "snap").ok());
  const std::string big = SomeBytes(kPart + 1, 4);  // two parts
  WriteFile(tmp_ / "snap", big);
  Status put = store->PutNamed("index/shard-0/snap", tmp_ / "snap");
  ASSERT_TRUE(put.ok()) << put.message();
  Status get = store->GetNamed("index/shard-0/snap", tmp_ / "back");
  ASSERT_TRUE(get.ok()) << get.message();
  EXPECT_TRUE(ReadFile(tmp_ / "back") == big);
  auto head = store->client().HeadObject(store->NamedObjectKey("index/shard-0/snap"));
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata["sha256"], Sha256Hex(big));
  EXPECT_EQ(store->PutNamed("../x", tmp_ / "snap").code(), StatusCode::kInvalidArgument);
}

TEST_F(S3BlobStoreService, AnInterruptedUploadIsResumedWithoutResendingItsParts) {
  const std::string bytes = SomeBytes(3 * kPart + 999, 5);  // four parts
  const std::string sha = Sha256Hex(bytes);
  WriteFile(tmp_ / "in", bytes);
  {
    // The first attempt: parts 1 and 3 arrive whole, part 2 arrives damaged (same size, other
    // bytes: it must be sent again), part 4 never; then the process goes away.
    auto first = Open({.part_size = kPart});
    ASSERT_TRUE(first);
    S3Client& raw = first->client();
    const std::string key = first->ObjectKey(sha);
    auto id = raw.CreateMultipartUpload(key, {{"sha256", sha}});
    ASSERT_TRUE(id.ok()) << id.status().message();
    std::string damaged = bytes.substr(kPart, kPart);
    damaged[100] ^= 0x40;
    ASSERT_TRUE(raw.UploadPart(key, *id, 1, std::string_view(bytes).substr(0, kPart)).ok());
    ASSERT_TRUE(raw.UploadPart(key, *id, 2, damaged).ok());
    ASSERT_TRUE(raw.UploadPart(key, *id, 3, std::string_view(bytes).substr(2 * kPart, kPart)).ok());
    auto held = raw.ListParts(key, *id);
    ASSERT_TRUE(held.ok()) << held.status().message();
    ASSERT_EQ(held->size(), 3u);
    EXPECT_EQ((*held)[0].etag, Md5Hex(std::string_view(bytes).substr(0, kPart)));
    EXPECT_EQ((*held)[1].size, kPart);
  }
  auto second = Open({.part_size = kPart});
  ASSERT_TRUE(second);
  Status put = second->Put(sha, tmp_ / "in");
  ASSERT_TRUE(put.ok()) << put.message();
  EXPECT_EQ(second->stats().uploads_resumed, 1u);
  EXPECT_EQ(second->stats().parts_reused, 2u);    // parts 1 and 3
  EXPECT_EQ(second->stats().parts_uploaded, 2u);  // parts 2 and 4
  EXPECT_EQ(second->client().counters().parts_uploaded, 2u);
  Status get = second->Get(sha, tmp_ / "out");
  ASSERT_TRUE(get.ok()) << get.message();
  EXPECT_TRUE(ReadFile(tmp_ / "out") == bytes);
  auto uploads = second->client().ListMultipartUploads(second->ObjectKey(sha));
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->empty());
}

TEST_F(S3BlobStoreService, ADamagedObjectIsCorruptOnRead) {
  const std::string bytes = SomeBytes(4096, 6);
  const std::string sha = Sha256Hex(bytes);
  WriteFile(tmp_ / "in", bytes);
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Put(sha, tmp_ / "in").ok());
  // Someone with write access to the bucket replaces the object with other bytes.
  std::string other = bytes;
  other[2000] ^= 0x01;
  ASSERT_TRUE(store->client().PutObject(store->ObjectKey(sha), other).ok());
  WriteFile(tmp_ / "out", "previous");
  Status get = store->Get(sha, tmp_ / "out");
  EXPECT_EQ(get.code(), StatusCode::kCorrupt) << get.message();
  EXPECT_NE(get.message().find(sha), std::string::npos) << get.message();
  EXPECT_FALSE(PathExists(tmp_ / "out"));

  // A named file whose bytes no longer match the hash recorded with it.
  WriteFile(tmp_ / "snap", "snapshot");
  ASSERT_TRUE(store->PutNamed("snap", tmp_ / "snap").ok());
  ASSERT_TRUE(
      store->client()
          .PutObject(store->NamedObjectKey("snap"), "tampered", {{"sha256", Sha256Hex("snapshot")}})
          .ok());
  EXPECT_EQ(store->GetNamed("snap", tmp_ / "snap-out").code(), StatusCode::kCorrupt);
  EXPECT_FALSE(PathExists(tmp_ / "snap-out"));
}

TEST_F(S3BlobStoreService, PutOfAFileWithAnotherHashStoresNothing) {
  auto store = Open({.part_size = kPart});
  ASSERT_TRUE(store);
  for (std::size_t size : {std::size_t{100}, std::size_t{kPart + 100}}) {
    WriteFile(tmp_ / "in", SomeBytes(size, 7));
    const std::string claimed = Sha256Hex("something else " + std::to_string(size));
    Status put = store->Put(claimed, tmp_ / "in");
    EXPECT_EQ(put.code(), StatusCode::kCorrupt) << put.message();
    auto there = store->Exists(claimed);
    ASSERT_TRUE(there.ok());
    EXPECT_FALSE(*there);
    auto uploads = store->client().ListMultipartUploads(store->ObjectKey(claimed));
    ASSERT_TRUE(uploads.ok());
    EXPECT_TRUE(uploads->empty()) << "an upload was started for a file that failed its check";
  }
}

TEST_F(S3BlobStoreService, AMissingObjectIsNotFound) {
  auto store = Open();
  ASSERT_TRUE(store);
  const std::string sha = Sha256Hex("never stored");
  WriteFile(tmp_ / "out", "keep me");
  Status get = store->Get(sha, tmp_ / "out");
  EXPECT_EQ(get.code(), StatusCode::kNotFound) << get.message();
  EXPECT_EQ(ReadFile(tmp_ / "out"), "keep me");
  auto there = store->Exists(sha);
  ASSERT_TRUE(there.ok()) << there.status().message();
  EXPECT_FALSE(*there);
  EXPECT_EQ(store->GetNamed("index/none", tmp_ / "out").code(), StatusCode::kNotFound);
}

TEST_F(S3BlobStoreService, RefusedCredentialsSaySoWithoutShowingTheSecret) {
  ::setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-0123", 1);
  auto store = Open();
  ASSERT_TRUE(store);
  auto there = store->Exists(Sha256Hex("x"));
  ASSERT_FALSE(there.ok());
  const std::string& msg = there.status().message();
  EXPECT_EQ(there.status().code(), StatusCode::kInvalidArgument) << msg;
  EXPECT_NE(msg.find("403"), std::string::npos) << msg;
  EXPECT_NE(msg.find("127.0.0.1"), std::string::npos) << msg;  // the endpoint is named
  EXPECT_NE(msg.find("AWS_"), std::string::npos) << msg;       // what to check
  EXPECT_EQ(msg.find("not-the-secret-0123"), std::string::npos) << msg;
  WriteFile(tmp_ / "in", "x");
  Status put = store->Put(Sha256Hex("x"), tmp_ / "in");
  EXPECT_FALSE(put.ok());

  ::setenv("AWS_ACCESS_KEY_ID", "NOBODY", 1);
  auto unknown = Open();
  ASSERT_TRUE(unknown);
  Status get = unknown->Get(Sha256Hex("x"), tmp_ / "out");
  EXPECT_NE(get.message().find("InvalidAccessKeyId"), std::string::npos) << get.message();
  EXPECT_NE(get.message().find("AWS_ACCESS_KEY_ID"), std::string::npos) << get.message();
  EXPECT_FALSE(PathExists(tmp_ / "out"));
}

TEST_F(S3BlobStoreService, AnUnreachableEndpointIsNamed) {
  auto store = OpenS3BlobStore("s3://sightline-test?endpoint=http://127.0.0.1:9&region=us-east-1");
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto there = (*store)->Exists(Sha256Hex("x"));
  ASSERT_FALSE(there.ok());
  EXPECT_EQ(there.status().code(), StatusCode::kIoError);
  EXPECT_NE(there.status().message().find("http://127.0.0.1:9"), std::string::npos)
      << there.status().message();
}

}  // namespace
}  // namespace sightline::archive

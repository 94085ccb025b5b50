#include "archive/blob_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <optional>
#include <string>

#include "archive/s3_blob_store.h"

#include "base/file.h"
#include "base/sha256.h"
#include "test_util.h"

namespace sightline::archive {
namespace {

using sightline::testing::ReadFile;
using sightline::testing::ScratchDir;
using sightline::testing::WriteFile;

std::unique_ptr<BlobStore> OpenOrDie(const std::string& url) {
  auto store = OpenBlobStore(url);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

// Bytes that are not all alike, so that a one-byte change moves the hash.
std::string SomeBytes(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  unsigned x = seed;
  for (char& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 16);
  }
  return s;
}

TEST(DirectoryBlobStore, RoundTripStoresUnderTheHash) {
  ScratchDir tmp;
  const std::string bytes = SomeBytes(3 << 20, 1);  // spans several copy buffers
  const std::string sha = Sha256Hex(bytes);
  WriteFile(tmp / "in.bin", bytes);
  auto store = OpenOrDie(tmp / "store");
  ASSERT_TRUE(store);

  auto before = store->Exists(sha);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(*before);
  Status put = store->Put(sha, tmp / "in.bin");
  ASSERT_TRUE(put.ok()) << put.message();
  EXPECT_EQ(ReadFile(tmp / ("store/" + sha.substr(0, 2) + "/" + sha.substr(2))), bytes);
  auto after = store->Exists(sha);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*after);
  // A second Put of the same object is a no-op.
  ASSERT_TRUE(store->Put(sha, tmp / "in.bin").ok());

  WriteFile(tmp / "out.bin", "old contents, replaced");
  Status get = store->Get(sha, tmp / "out.bin");
  ASSERT_TRUE(get.ok()) << get.message();
  EXPECT_EQ(ReadFile(tmp / "out.bin"), bytes);
  // No temporary files left beside the object or the copy.
  auto listed = ListDirectory(tmp / ("store/" + sha.substr(0, 2)));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
}

TEST(DirectoryBlobStore, FileURLAndTrailingSlashNameTheSameStore) {
  ScratchDir tmp;
  WriteFile(tmp / "in.bin", "hello");
  const std::string sha = Sha256Hex("hello");
  auto a = OpenOrDie("file://" + tmp.path() + "/store/");
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Put(sha, tmp / "in.bin").ok());
  auto b = OpenOrDie(tmp / "store");
  ASSERT_TRUE(b);
  auto there = b->Exists(sha);
  ASSERT_TRUE(there.ok());
  EXPECT_TRUE(*there);
}

TEST(DirectoryBlobStore, PutOfAFileWithAnotherHashStoresNothing) {
  ScratchDir tmp;
  WriteFile(tmp / "in.bin", "the bytes actually given");
  const std::string claimed = Sha256Hex("the bytes that were hashed");
  auto store = OpenOrDie(tmp / "store");
  ASSERT_TRUE(store);
  Status put = store->Put(claimed, tmp / "in.bin");
  EXPECT_EQ(put.code(), StatusCode::kCorrupt) << put.message();
  EXPECT_NE(put.message().find("in.bin"), std::string::npos) << put.message();
  auto there = store->Exists(claimed);
  ASSERT_TRUE(there.ok());
  EXPECT_FALSE(*there);
  auto listed = ListDirectory(tmp / ("store/" + claimed.substr(0, 2)));
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty()) << "temporary file left: " << (*listed)[0];
}

TEST(DirectoryBlobStore, GetOfAMissingObjectIsNotFoundAndLeavesDestAlone) {
  ScratchDir tmp;
  auto store = OpenOrDie(tmp / "store");
  ASSERT_TRUE(store);
  WriteFile(tmp / "out.bin", "keep me");
  Status get = store->Get(Sha256Hex("never stored"), tmp / "out.bin");
  EXPECT_EQ(get.code(), StatusCode::kNotFound) << get.message();
  EXPECT_EQ(ReadFile(tmp / "out.bin"), "keep me");
  EXPECT_EQ(store->GetNamed("index/none", tmp / "out.bin").code(), StatusCode::kNotFound);
}

TEST(DirectoryBlobStore, ADamagedObjectIsCorruptOnGet) {
  ScratchDir tmp;
  const std::string bytes = SomeBytes(100000, 2);
  const std::string sha = Sha256Hex(bytes);
  WriteFile(tmp / "in.bin", bytes);
  auto store = OpenOrDie(tmp / "store");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Put(sha, tmp / "in.bin").ok());

  // Flip one byte of the stored object (same size, so Put would not notice it either).
  const std::string object = tmp / ("store/" + sha.substr(0, 2) + "/" + sha.substr(2));
  ASSERT_EQ(::chmod(object.c_str(), 0644), 0);
  std::string damaged = bytes;
  damaged[50000] ^= 0x01;
  WriteFile(object, damaged);

  WriteFile(tmp / "out.bin", "previous");
  Status get = store->Get(sha, tmp / "out.bin");
  EXPECT_EQ(get.code(), StatusCode::kCorrupt) << get.message();
  EXPECT_NE(get.message().find(sha.substr(2)), std::string::npos) << get.message();
  EXPECT_FALSE(PathExists(tmp / "out.bin"));

  // Put trusts a stored object of the right size (Get is where bytes are checked), but replaces
  // one of the wrong size, such as a truncated copy.
  WriteFile(object, bytes.substr(0, 10));
  ASSERT_TRUE(store->Put(sha, tmp / "in.bin").ok());
  ASSERT_TRUE(store->Get(sha, tmp / "out.bin").ok());
  EXPECT_EQ(ReadFile(tmp / "out.bin"), bytes);
}

TEST(DirectoryBlobStore, NamedFilesRoundTripAndReplace) {
  ScratchDir tmp;
  auto store = OpenOrDie(tmp / "store");
  ASSERT_TRUE(store);
  WriteFile(tmp / "a", "first snapshot");
  ASSERT_TRUE(store->PutNamed("index/shard-0/snap.faiss", tmp / "a").ok());
  WriteFile(tmp / "a", "second snapshot");
  ASSERT_TRUE(store->PutNamed("index/shard-0/snap.faiss", tmp / "a").ok());
  Status get = store->GetNamed("index/shard-0/snap.faiss", tmp / "b");
  ASSERT_TRUE(get.ok()) << get.message();
  EXPECT_EQ(ReadFile(tmp / "b"), "second snapshot");
  EXPECT_EQ(ReadFile(tmp / "store/named/index/shard-0/snap.faiss"), "second snapshot");
}

TEST(DirectoryBlobStore, NamedKeysThatCouldLeaveTheStoreAreRejected) {
  ScratchDir tmp;
  auto store = OpenOrDie(tmp / "store");
  ASSERT_TRUE(store);
  WriteFile(tmp / "a", "x");
  for (const std::string key : {"../escape", "index/../../escape", "..", "/abs", "a//b", "a/",
                                "./a", "", "sp ace", "semi;colon", "uni\xc3\xa9"}) {
    Status put = store->PutNamed(key, tmp / "a");
    EXPECT_EQ(put.code(), StatusCode::kInvalidArgument) << "key '" << key << "'";
    EXPECT_EQ(store->GetNamed(key, tmp / "b").code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_FALSE(PathExists(tmp / "escape"));
  EXPECT_TRUE(store->PutNamed("ok/a.b_c-d", tmp / "a").ok());
}

TEST(DirectoryBlobStore, ObjectNamesMustBeSha256Hex) {
  ScratchDir tmp;
  auto store = OpenOrDie(tmp / "store");
  ASSERT_TRUE(store);
  WriteFile(tmp / "a", "x");
  const std::string upper = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
  for (const std::string& name : {std::string("abc"), upper, std::string("../") + upper}) {
    EXPECT_EQ(store->Put(name, tmp / "a").code(), StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(store->Get(name, tmp / "b").code(), StatusCode::kInvalidArgument) << name;
    EXPECT_FALSE(store->Exists(name).ok()) << name;
  }
}

TEST(OpenBlobStore, MalformedURLsSayWhatIsExpected) {
  ScratchDir tmp;
  WriteFile(tmp / "file", "not a directory");
  struct Case {
    std::string url;
    std::string hint;  // a piece of the message
  };
  for (const Case& c : std::vector<Case>{
           {"", "s3://BUCKET"},
           {"http://example.org/objects", "unsupported"},
           {"ftp://host/dir", "s3://BUCKET"},
           {"file://host/dir", "three slashes"},
           {"file://relative", "three slashes"},
           {"file:///tmp/a%zz", "hex digits"},
           {"file:///tmp/a?x=1", "no '?'"},
           {tmp / "file", "not a directory"},
       }) {
    auto store = OpenBlobStore(c.url);
    ASSERT_FALSE(store.ok()) << c.url;
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << c.url;
    EXPECT_NE(store.status().message().find(c.hint), std::string::npos)
        << c.url << ": " << store.status().message();
  }
}

TEST(ParseS3Url, TheFormsOfAnS3URL) {
  auto full =
      ParseS3Url("s3://archive/desk/objects/?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-1");
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(full->bucket, "archive");
  EXPECT_EQ(full->prefix, "desk/objects");
  EXPECT_EQ(full->endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(full->region, "eu-1");

  auto aws = ParseS3Url("s3://archive");  // AWS, us-east-1
  ASSERT_TRUE(aws.ok()) << aws.status().message();
  EXPECT_EQ(aws->prefix, "");
  EXPECT_EQ(aws->region, "us-east-1");
  EXPECT_EQ(aws->endpoint, "https://s3.us-east-1.amazonaws.com");

  auto plain = ParseS3Url("s3://archive?endpoint=https://rgw.example.org/&region=default");
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_EQ(plain->endpoint, "https://rgw.example.org");
}

TEST(ParseS3Url, MalformedURLsSayWhatIsWrong) {
  struct Case {
    std::string url;
    std::string hint;
  };
  for (const Case& c : std::vector<Case>{
           {"s3://", "bucket"},
           {"s3:///prefix", "bucket"},
           {"s3://bu cket", "bucket"},
           {"s3://b/../up", "prefix"},
           {"s3://b?endpoint=ftp://host", "http://"},
           {"s3://b?endpoint=http://h?x=1", "plain"},
           {"s3://b?endpont=http://h", "unknown parameter 'endpont'"},
           {"s3://b?region=EU WEST", "region"},
           {"s3://KEY:hunter2@b", "AWS_ACCESS_KEY_ID"},
       }) {
    auto loc = ParseS3Url(c.url);
    ASSERT_FALSE(loc.ok()) << c.url;
    EXPECT_EQ(loc.status().code(), StatusCode::kInvalidArgument) << c.url;
    EXPECT_NE(loc.status().message().find(c.hint), std::string::npos)
        << c.url << ": " << loc.status().message();
    EXPECT_EQ(loc.status().message().find("hunter2"), std::string::npos) << c.url;
  }
}

// Opening an S3 store makes no network call, but needs credentials from the environment.
TEST(OpenBlobStore, S3NeedsCredentialsFromTheEnvironment) {
  struct SavedEnv {
    std::string name;
    std::optional<std::string> value;
    explicit SavedEnv(std::string n) : name(std::move(n)) {
      if (const char* v = ::getenv(name.c_str())) value = v;
    }
    ~SavedEnv() {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  } id("AWS_ACCESS_KEY_ID"), secret("AWS_SECRET_ACCESS_KEY");
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
  auto missing = OpenBlobStore("s3://archive?endpoint=http://127.0.0.1:9");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos)
      << missing.status().message();

  ::setenv("AWS_ACCESS_KEY_ID", "k", 1);
  auto store = OpenBlobStore("s3://archive/p?endpoint=http://127.0.0.1:9");
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ((*store)->description(), "s3://archive/p (at http://127.0.0.1:9, region us-east-1)");
  // Names are checked before any request is made.
  EXPECT_EQ((*store)->Put("not-a-hash", "/nonexistent").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*store)->PutNamed("../x", "/nonexistent").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sightline::archive

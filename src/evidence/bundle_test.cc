// Export bundles: a faithful bundle verifies with no case present; every kind of tampering with
// one is named; hostile archives (zip-slip names, bombs) cost nothing and fail cleanly.
#include "evidence/bundle.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zip.h>

#include <map>

#include "base/file.h"
#include "evidence/ingest.h"
#include "evidence/zip_archive.h"
#include "test_util.h"

namespace sightline::evidence {
namespace {

using sightline::testing::ScratchDir;

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = LoadOrCreateSigningKey(dir_ / "keys");
    ASSERT_TRUE(key.ok());
    who_ = Identity{"exporter@desk", *key};
    auto c = Case::Create(dir_ / "case", who_);
    ASSERT_TRUE(c.ok());
    case_ = std::move(c).value();
    for (int i = 0; i < 3; ++i) {
      std::string p = dir_ / ("clip" + std::to_string(i) + ".mp4");
      sightline::testing::WriteFile(p, std::string(10000 + i, static_cast<char>('a' + i)));
      ASSERT_NE(IngestFile(*case_, who_, p, {}).outcome, IngestOutcome::kRefused);
    }
    auto items = case_->catalog().ListItems();
    ASSERT_TRUE(items.ok());
    items_ = *items;
  }

  std::string Export(const std::string& name, const std::vector<Item>& items = {}) {
    std::string path = dir_ / name;
    auto r = ExportBundle(*case_, who_, path, items);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return path;
  }

  // Rewrites a bundle, letting `edit` change, drop (return false) or add entries.
  std::string Rewrite(const std::string& from, const std::string& name,
                      const std::function<bool(const std::string&, std::string*)>& edit,
                      const std::map<std::string, std::string>& extra = {}) {
    auto in = ZipReader::Open(from);
    EXPECT_TRUE(in.ok());
    std::string path = dir_ / name;
    auto out = ZipWriter::Create(path);
    EXPECT_TRUE(out.ok());
    for (const auto& e : (*in)->entries()) {
      auto bytes = (*in)->ReadAll(e.index, 1 << 30);
      EXPECT_TRUE(bytes.ok());
      std::string b = *bytes;
      if (edit(e.name, &b)) {
        EXPECT_TRUE((*out)->AddBytes(e.name, b).ok());
      }
    }
    for (const auto& [n, b] : extra) EXPECT_TRUE((*out)->AddBytes(n, b).ok());
    EXPECT_TRUE((*out)->Close().ok());
    return path;
  }

  static bool Has(const BundleReport& r, const std::string& code, const std::string& text = "") {
    for (const auto& p : r.problems) {
      if (p.code == code && p.message.find(text) != std::string::npos) return true;
    }
    return false;
  }

  ScratchDir dir_;
  Identity who_;
  std::unique_ptr<Case> case_;
  std::vector<Item> items_;
};

TEST_F(BundleTest, WholeCaseVerifiesWithoutTheCase) {
  std::string bundle = Export("all.zip");
  BundleReport r = VerifyBundle(bundle);
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems[0].message);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.items, 3u);
  EXPECT_GE(r.entries, 5u);  // signer, creation, three ingests
  // The export itself is in the case's log.
  auto head = case_->log().Head();
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->action, "export");
}

TEST_F(BundleTest, OneItemBundleCarriesItsCustody) {
  std::string bundle = Export("one.zip", {items_[1]});
  BundleReport r = VerifyBundle(bundle);
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems[0].message);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.items, 1u);
  auto zip = ZipReader::Open(bundle);
  ASSERT_TRUE(zip.ok());
  int originals = 0;
  for (const auto& e : (*zip)->entries()) originals += e.name.rfind("originals/", 0) == 0;
  EXPECT_EQ(originals, 1);
}

TEST_F(BundleTest, ExistingOutputIsNotOverwritten) {
  sightline::testing::WriteFile(dir_ / "taken.zip", "mine");
  auto r = ExportBundle(*case_, who_, dir_ / "taken.zip", {});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(sightline::testing::ReadFile(dir_ / "taken.zip"), "mine");
}

TEST_F(BundleTest, ModifiedOriginalIsNamed) {
  std::string bad = Rewrite(Export("a.zip"), "bad.zip", [&](const std::string& n, std::string* b) {
    if (n.find(items_[0].sha256) != std::string::npos) (*b)[5] ^= 1;
    return true;
  });
  BundleReport r = VerifyBundle(bad);
  EXPECT_TRUE(Has(r, "file_modified", items_[0].sha256));
}

TEST_F(BundleTest, RemovedAndAddedFilesAreNamed) {
  std::string bad = Rewrite(Export("a.zip"), "bad.zip",
                            [&](const std::string& n, std::string*) {
                              return n.find(items_[2].sha256) == std::string::npos;
                            },
                            {{"originals/planted.mp4", "not from the case"}});
  BundleReport r = VerifyBundle(bad);
  EXPECT_TRUE(Has(r, "missing_file", items_[2].sha256));
  EXPECT_TRUE(Has(r, "unlisted_file", "planted.mp4"));
}

TEST_F(BundleTest, EditedManifestFailsItsSignature) {
  std::string bad = Rewrite(Export("a.zip"), "bad.zip", [](const std::string& n, std::string* b) {
    if (n == "manifest.json") {
      auto pos = b->find("exporter@desk");
      b->replace(pos, 13, "someone@else!");
    }
    return true;
  });
  EXPECT_TRUE(Has(VerifyBundle(bad), "bad_manifest_signature"));
}

TEST_F(BundleTest, EditedCustodyIsNamed) {
  std::string bad = Rewrite(Export("a.zip"), "bad.zip", [](const std::string& n, std::string* b) {
    if (n == "custody.jsonl") {
      auto pos = b->find("clip1.mp4");
      b->replace(pos, 9, "clipX.mp4");
    }
    return true;
  });
  BundleReport r = VerifyBundle(bad);
  EXPECT_TRUE(Has(r, "file_modified", "custody.jsonl"));  // against the signed manifest
  EXPECT_TRUE(Has(r, "entry_modified"));                  // and on its own
}

TEST_F(BundleTest, HostileArchivesFailCleanly) {
  // Zip-slip names.
  std::string slip =
      Rewrite(Export("a.zip"), "slip.zip", [](const std::string&, std::string*) { return true; },
              {{"../../etc/evil", "x"}, {"/abs/path", "y"}});
  BundleReport r = VerifyBundle(slip);
  EXPECT_TRUE(Has(r, "unsafe_name", "../../etc/evil"));
  EXPECT_TRUE(Has(r, "unsafe_name", "/abs/path"));

  // A bomb: an entry that inflates far past the size the manifest declares is not read past it.
  std::string bomb =
      Rewrite(Export("b.zip"), "bomb.zip", [&](const std::string& n, std::string* b) {
        if (n.find(items_[0].sha256) != std::string::npos) *b = std::string(64 << 20, '\0');
        return true;
      });
  r = VerifyBundle(bomb);
  EXPECT_TRUE(Has(r, "file_modified", items_[0].sha256));
  EXPECT_LT(r.bytes_hashed, 2u << 20);

  // Not a zip at all; a missing file.
  sightline::testing::WriteFile(dir_ / "junk.zip", std::string(5000, 'j'));
  EXPECT_TRUE(Has(VerifyBundle(dir_ / "junk.zip"), "unreadable_bundle"));
  EXPECT_TRUE(Has(VerifyBundle(dir_ / "absent.zip"), "unreadable_bundle"));
}

TEST_F(BundleTest, ExportRefusesAModifiedObject) {
  std::string path = case_->objects().PathFor(items_[0].sha256);
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  sightline::testing::WriteFile(path, "tampered");
  auto r = ExportBundle(*case_, who_, dir_ / "x.zip", {});
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(items_[0].sha256), std::string::npos);
  EXPECT_FALSE(PathExists(dir_ / "x.zip"));
}

}  // namespace
}  // namespace sightline::evidence

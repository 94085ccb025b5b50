// Hostile inputs against the case and its bundles (issue 9): hostile files ingested into a case
// lose nothing (verify passes afterwards); bundles with `../` names, zip bombs, a hundred thousand
// entries or cut in half fail `verify --bundle` cleanly; symbolic links inside objects/ are
// reported, never followed out of the case, and cost bounded time.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "evidence/zip_archive.h"
#include "hostile_util.h"
#include "test_util.h"

namespace sightline::hostile {
namespace {

using testing::ReadFile;
using testing::ScratchDir;
using testing::WriteFile;

class HostileCase : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + dir_ / "keys", "SIGHTLINE_ACTOR=hostile@test"};
    testing::MakeTestVideo(dir_ / "clip.mp4", 1.0);
    clip_sha_ = Sha(dir_ / "clip.mp4");
  }
  BoundedResult Sightline(const std::vector<std::string>& args) {
    return RunBounded(args, kTimeLimitSeconds, kMemoryLimitMb, env_);
  }
  std::string Sha(const std::string& path) {
    auto r = testing::RunProgram({"sha256sum", path});
    return r.out.substr(0, 64);
  }
  std::string Case() { return dir_ / "case"; }
  std::string ObjectPath(const std::string& sha) {
    return Case() + "/objects/" + sha.substr(0, 2) + "/" + sha.substr(2);
  }
  void ExpectVerifies() {
    BoundedResult v = Sightline({"verify", "--case", Case()});
    EXPECT_EQ(v.run.exit_code, 0) << v.run.out << v.run.err;
  }
  // A real bundle of the case, its entries read back.
  std::vector<std::pair<std::string, std::string>> ExportedEntries() {
    BoundedResult e = Sightline({"export", "--case", Case(), "-o", dir_ / "good.zip"});
    EXPECT_EQ(e.run.exit_code, 0) << e.run.err;
    std::vector<std::pair<std::string, std::string>> out;
    auto zip = evidence::ZipReader::Open(dir_ / "good.zip");
    EXPECT_TRUE(zip.ok());
    if (!zip.ok()) return out;
    for (const auto& entry : (*zip)->entries()) {
      auto bytes = (*zip)->ReadAll(entry.index, 1 << 30);
      EXPECT_TRUE(bytes.ok());
      out.push_back({entry.name, bytes.value_or("")});
    }
    return out;
  }

  ScratchDir dir_;
  std::vector<std::string> env_;
  std::string clip_sha_;
};

TEST_F(HostileCase, HostileFilesAreKeptAndTheCaseStillVerifies) {
  const std::string base = ReadFile(dir_ / "clip.mp4");
  std::string moov_huge = base;
  SetBe32(&moov_huge, FindBox(base, "moov"), 0xFFFFFFFF);
  std::string tiny = base;
  for (int i = 0; i < 200'000; ++i) tiny += std::string("\0\0\0\x08", 4) + "free";
  std::vector<std::pair<std::string, std::string>> files = {
      {"huge.png", PngClaiming(100000, 100000)},
      {"huge.jpg", JpegClaiming(65535, 65535)},
      {"moov_huge.mp4", moov_huge},
      {"tiny_boxes.mp4", tiny},
      {"deep.gpx", "<gpx>" + std::string(100000, '\0')},
      {"random.bin", std::string(100000, '\x5a')},
  };
  std::vector<std::string> args = {"ingest", "--case", Case(), "--json", dir_ / "clip.mp4"};
  for (const auto& [name, bytes] : files) {
    WriteFile(dir_ / name, bytes);
    args.push_back(dir_ / name);
  }
  BoundedResult r = Sightline(args);
  EXPECT_FALSE(r.killed()) << r.run.err;
  EXPECT_EQ(r.run.exit_code, 1) << r.run.err;  // some files are not readable as media
  ASSERT_TRUE(nlohmann::json::accept(r.run.out)) << r.run.out;
  auto j = nlohmann::json::parse(r.run.out);
  // Everything is preserved, byte for byte, readable as media or not.
  EXPECT_EQ(j["summary"]["stored"].get<int>() + j["summary"]["flagged"].get<int>(), 7) << j.dump();
  for (const auto& [name, bytes] : files) {
    EXPECT_TRUE(ReadFile(ObjectPath(Sha(dir_ / name))) == bytes) << name;
  }
  ExpectVerifies();
  // Analyses over the whole case stay bounded and name what they could not read.
  BoundedResult hash = Sightline({"hash", "--case", Case()});
  EXPECT_FALSE(hash.killed()) << hash.run.err;
  ExpectVerifies();
}

TEST_F(HostileCase, BundlesWithUnsafeNamesBombsAndDamage) {
  ASSERT_EQ(Sightline({"ingest", "--case", Case(), dir_ / "clip.mp4"}).run.exit_code, 0);
  auto entries = ExportedEntries();
  ASSERT_GE(entries.size(), 4u);
  auto rebuild = [&](const std::string& name, auto&& edit) {
    ZipBuilder zip;
    for (const auto& [entry, bytes] : entries) edit(zip, entry, bytes);
    WriteFile(dir_ / name, zip.Finish());
    return dir_ / name;
  };
  auto copy = [](ZipBuilder& z, const std::string& e, const std::string& b) { z.AddStored(e, b); };
  // The hand-written copy of the bundle verifies: the rewrites below change only what they say.
  BoundedResult same = Sightline({"verify", "--bundle", rebuild("same.zip", copy)});
  EXPECT_EQ(same.run.exit_code, 0) << same.run.out << same.run.err;

  std::string slip =
      rebuild("slip.zip", [&](ZipBuilder& z, const std::string& e, const std::string& b) {
        z.AddStored(e, b);
        if (e == "README.txt") {
          z.AddStored("../../evil.sh", "rm -rf ~\n");
          z.AddStored("/etc/cron.d/evil", "x");
        }
      });
  BoundedResult r = Sightline({"verify", "--bundle", slip});
  EXPECT_BOUNDED_FAILURE(r, 1);
  EXPECT_NE(r.run.out.find("../../evil.sh"), std::string::npos) << r.run.out;
  EXPECT_NE(r.run.out.find("unsafe name"), std::string::npos) << r.run.out;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "../../evil.sh"));

  // Bombs: the original inflating to 256 MiB where the manifest declares its real size, and the
  // manifest itself inflating to 256 MiB.
  for (const char* target : {"originals/", "manifest.json"}) {
    std::string bomb =
        rebuild("bomb.zip", [&](ZipBuilder& z, const std::string& e, const std::string& b) {
          if (e.rfind(target, 0) == 0) {
            z.AddDeflatedZeros(e, 256ull << 20, static_cast<std::uint32_t>(b.size()));
          } else {
            z.AddStored(e, b);
          }
        });
    r = Sightline({"verify", "--bundle", bomb});
    EXPECT_BOUNDED_FAILURE(r, 1);
    EXPECT_NE((r.run.out + r.run.err).find(target), std::string::npos)
        << target << ": " << r.run.out << r.run.err;
  }

  // A hundred thousand extra entries.
  std::string crowded =
      rebuild("crowded.zip", [&](ZipBuilder& z, const std::string& e, const std::string& b) {
        z.AddStored(e, b);
        if (e == "README.txt") {
          for (int i = 0; i < 100000; ++i) z.AddStored("extra/" + std::to_string(i), "");
        }
      });
  r = Sightline({"verify", "--bundle", crowded});
  EXPECT_BOUNDED_FAILURE(r, 1);
  EXPECT_NE(r.run.out.find("extra/99999"), std::string::npos) << r.run.out.substr(0, 2000);

  // Cut in half; and not a zip at all.
  std::string good = ReadFile(dir_ / "good.zip");
  WriteFile(dir_ / "cut.zip", good.substr(0, good.size() / 2));
  WriteFile(dir_ / "junk.zip", std::string(100000, 'P'));
  for (const char* name : {"cut.zip", "junk.zip"}) {
    r = Sightline({"verify", "--bundle", dir_ / name});
    EXPECT_BOUNDED_FAILURE(r, 1);
    EXPECT_NE((r.run.out + r.run.err).find(name), std::string::npos) << r.run.out << r.run.err;
  }
  ExpectVerifies();  // none of this touched the case
}

TEST_F(HostileCase, ObjectReplacedBySymlinkIsReportedAndNotFollowed) {
  ASSERT_EQ(Sightline({"ingest", "--case", Case(), dir_ / "clip.mp4"}).run.exit_code, 0);
  const std::string object = ObjectPath(clip_sha_);
  const std::string saved = dir_ / "saved-object";
  std::filesystem::permissions(std::filesystem::path(object).parent_path(),
                               std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add);
  ASSERT_EQ(::rename(object.c_str(), saved.c_str()), 0);
  // An endless "object": following it would never finish.
  ASSERT_EQ(::symlink("/dev/zero", object.c_str()), 0);
  BoundedResult v = Sightline({"verify", "--case", Case()});
  EXPECT_BOUNDED_FAILURE(v, 1);
  EXPECT_NE(v.run.out.find(clip_sha_), std::string::npos) << v.run.out;
  EXPECT_NE(v.run.out.find("symbolic link"), std::string::npos) << v.run.out;
  EXPECT_BOUNDED_FAILURE(Sightline({"export", "--case", Case(), "-o", dir_ / "x.zip"}), 1,
                         clip_sha_.substr(2));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "x.zip"));
  EXPECT_BOUNDED_FAILURE(Sightline({"hash", "--case", Case()}), 1, "clip.mp4");
  EXPECT_BOUNDED_FAILURE(Sightline({"sync", "--case", Case()}), 1, "clip.mp4");
  // Every analysis names the link instead of reading it.
  EXPECT_BOUNDED_FAILURE(Sightline({"analyze", "--case", Case()}), 1, "clip.mp4", "symbolic link");

  // Put the original back: nothing was lost.
  ASSERT_EQ(::unlink(object.c_str()), 0);
  ASSERT_EQ(::rename(saved.c_str(), object.c_str()), 0);
  ExpectVerifies();
}

TEST_F(HostileCase, SymlinkedObjectDirectoryNeverReceivesAnOriginal) {
  testing::MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1"},
                     dir_ / "still.png");
  ASSERT_EQ(Sightline({"ingest", "--case", Case(), dir_ / "still.png"}).run.exit_code, 0);
  // objects/ab/ for the next file's hash points outside the case.
  const std::string outside = dir_ / "outside";
  std::filesystem::create_directory(outside);
  const std::string sub = Case() + "/objects/" + clip_sha_.substr(0, 2);
  ASSERT_FALSE(std::filesystem::exists(sub)) << "hash prefixes collide; change the fixture";
  ASSERT_EQ(::symlink(outside.c_str(), sub.c_str()), 0);

  // Recorded and kept in staging/, flagged with the reason.
  EXPECT_BOUNDED_FAILURE(Sightline({"ingest", "--case", Case(), dir_ / "clip.mp4"}), 1, "clip.mp4",
                         "symbolic link");
  EXPECT_BOUNDED_FAILURE(Sightline({"report", "--case", Case(), "-o", dir_ / "report"}), 1,
                         "clip.mp4", "symbolic link");
  EXPECT_TRUE(std::filesystem::is_empty(outside)) << "an original was stored outside the case";
  BoundedResult v = Sightline({"verify", "--case", Case()});
  EXPECT_BOUNDED_FAILURE(v, 1);
  EXPECT_NE(v.run.out.find("objects/"), std::string::npos) << v.run.out;

  // Remove the link: the next write completes the interrupted ingest, and nothing was lost.
  ASSERT_EQ(::unlink(sub.c_str()), 0);
  testing::MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=32x32", "-frames:v", "1"},
                     dir_ / "other.png");
  EXPECT_EQ(Sightline({"ingest", "--case", Case(), dir_ / "other.png"}).run.exit_code, 0);
  EXPECT_EQ(Sha(ObjectPath(clip_sha_)), clip_sha_);
  ExpectVerifies();
}

}  // namespace
}  // namespace sightline::hostile

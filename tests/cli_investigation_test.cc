// End-to-end: sources, links, observations, locations, claims, decisions on findings and the
// place groups they make through the real binary: exit codes, JSON shapes, and that the case still
// verifies afterwards.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "case/findings.h"
#include "evidence/case.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::ScratchDir;

class InvestigationCli : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=night-desk"};
    testing::WriteFile(dir_ / "a.bin", "first clip");
    testing::WriteFile(dir_ / "b.bin", "second clip");
    auto r = Run({"ingest", "--case", case_dir(), dir_ / "a.bin", dir_ / "b.bin"});
    ASSERT_LE(r.exit_code, 1) << r.err;  // not media: flagged, still ingested
  }
  std::string case_dir() const { return dir_ / "case"; }
  testing::CommandResult Run(const std::vector<std::string>& args) {
    return testing::RunSightline(args, env_);
  }
  nlohmann::json Json(const std::vector<std::string>& args, int expected_exit = 0) {
    auto r = Run(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }
  // Suggests a finding through the library, as `analyze` does.
  void Suggest(const investigation::Suggestion& s = {investigation::FindingKind::kSameMoment, 1, 2,
                                                     "sync", 1, 0.93, R"({"offset_s":4.25})"}) {
    auto key = evidence::LoadOrCreateSigningKey(dir_ / "keys");
    ASSERT_TRUE(key.ok());
    auto c = evidence::Case::Open(case_dir(), evidence::Case::Access::kWrite);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(investigation::RecordSuggestions(**c, {"analyzer", *key}, {s}).ok());
  }
  ScratchDir dir_;
  std::vector<std::string> env_;
};

TEST_F(InvestigationCli, PlacesGroupItemsByChainedLinksAndSayWhatTheyRestOn) {
  EXPECT_EQ(Run({"places"}).exit_code, 2);
  EXPECT_EQ(Run({"places", "--case", dir_ / "missing"}).exit_code, 1);
  auto none = Json({"places", "--case", case_dir(), "--json"});
  EXPECT_TRUE(none["groups"].empty());
  EXPECT_EQ(none["ungrouped"], nlohmann::json({1, 2}));
  EXPECT_NE(Run({"places", "--case", case_dir()}).out.find("no items are linked"),
            std::string::npos);

  testing::WriteFile(dir_ / "c.bin", "third clip");
  ASSERT_LE(Run({"ingest", "--case", case_dir(), dir_ / "c.bin"}).exit_code, 1);
  Suggest({investigation::FindingKind::kSamePlace, 1, 2, "scene", 2, 0.8, R"({"inliers":40})"});
  ASSERT_EQ(Run({"link", "--case", case_dir(), "2", "3", "--kind", "same_place"}).exit_code, 0);
  // 1 ~ 2 suggested, 2 ~ 3 stated: one group of three, two of its three pairs linked.
  auto j = Json({"places", "--case", case_dir(), "--json"});
  ASSERT_EQ(j["groups"].size(), 1u) << j;
  const auto& g = j["groups"][0];
  EXPECT_EQ(g["items"], nlohmann::json({1, 2, 3}));
  EXPECT_EQ(g["pairs"], 3);
  EXPECT_EQ(g["pairs_linked"], 2);
  EXPECT_FALSE(g["confirmed"].get<bool>());
  ASSERT_EQ(g["links"].size(), 2u);
  EXPECT_TRUE(g["links"][0].contains("relation"));  // confirmed links first
  EXPECT_EQ(g["links"][1]["finding"], 1);
  EXPECT_TRUE(j["ungrouped"].empty());
  EXPECT_NE(Run({"places", "--case", case_dir()}).out.find("rests on suggestions"),
            std::string::npos);

  ASSERT_EQ(Run({"accept", "--case", case_dir(), "1"}).exit_code, 0);
  EXPECT_TRUE(Json({"places", "--case", case_dir(), "--json"})["groups"][0]["confirmed"]);
  // The report carries the groups.
  ASSERT_EQ(Run({"report", "--case", case_dir(), "-o", dir_ / "out", "--no-pictures"}).exit_code,
            0);
  auto report = nlohmann::json::parse(testing::ReadFile(dir_ / "out/report.json"));
  ASSERT_EQ(report["place_groups"].size(), 1u);
  EXPECT_EQ(report["place_groups"][0]["items"], nlohmann::json({1, 2, 3}));
  EXPECT_NE(testing::ReadFile(dir_ / "out/report.html").find("id=\"place-1\""), std::string::npos);

  // Rejected, the finding no longer joins item 1.
  ASSERT_EQ(Run({"reject", "--case", case_dir(), "1", "--reason", "another street"}).exit_code, 0);
  j = Json({"places", "--case", case_dir(), "--json"});
  ASSERT_EQ(j["groups"].size(), 1u);
  EXPECT_EQ(j["groups"][0]["items"], nlohmann::json({2, 3}));
  EXPECT_EQ(j["ungrouped"], nlohmann::json({1}));
}

TEST_F(InvestigationCli, FindingsAreDecidedWithAReason) {
  EXPECT_TRUE(Json({"findings", "--case", case_dir(), "--json"})["findings"].empty());
  Suggest();
  auto listed = Json({"findings", "--case", case_dir(), "--json"});
  ASSERT_EQ(listed["findings"].size(), 1u);
  const auto& f = listed["findings"][0];
  EXPECT_EQ(f["kind"], "same_moment");
  EXPECT_EQ(f["a"], 1);
  EXPECT_EQ(f["b"], 2);
  EXPECT_EQ(f["status"], "suggested");
  EXPECT_EQ(f["evidence"]["offset_s"], 4.25);

  EXPECT_EQ(Run({"reject", "--case", case_dir(), "1"}).exit_code, 2);  // no reason
  EXPECT_EQ(Run({"accept", "--case", case_dir(), "x"}).exit_code, 2);
  auto mixed = Json({"accept", "--case", case_dir(), "--json", "1", "9"}, 1);
  ASSERT_EQ(mixed["decisions"].size(), 1u);
  EXPECT_EQ(mixed["decisions"][0]["actor"], "night-desk");
  ASSERT_EQ(mixed["failed"].size(), 1u);
  EXPECT_EQ(mixed["failed"][0]["finding"], 9);

  auto accepted = Json({"findings", "--case", case_dir(), "--json", "--status", "accepted"});
  ASSERT_EQ(accepted["findings"].size(), 1u);
  EXPECT_EQ(accepted["findings"][0]["decisions"][0]["status"], "accepted");
  EXPECT_TRUE(Json({"findings", "--case", case_dir(), "--json", "--kind", "same_place"})["findings"]
                  .empty());
  EXPECT_EQ(Run({"findings", "--case", case_dir(), "--kind", "same_truck"}).exit_code, 2);
  auto readable = Run({"findings", "--case", case_dir()});
  EXPECT_NE(readable.out.find("accepted by night-desk"), std::string::npos) << readable.out;
  EXPECT_NE(readable.out.find("offset_s=4.25"), std::string::npos) << readable.out;
}

TEST_F(InvestigationCli, SourcesObservationsLocationsAndClaims) {
  auto source = Json({"source", "add", "--case", case_dir(), "--json", "--kind", "account",
                      "--handle", "@podil", "--platform", "Telegram", "Resident of Podil"});
  EXPECT_EQ(source["id"], 1);
  EXPECT_EQ(Run({"source", "add", "--case", case_dir(), "--kind", "rumour", "x"}).exit_code, 2);
  EXPECT_EQ(Run({"link", "--case", case_dir(), "a.bin", "--source", "1", "--how",
                 "forwarded by the author"})
                .exit_code,
            0);
  EXPECT_EQ(Run({"link", "--case", case_dir(), "a.bin", "--source", "1"}).exit_code, 1);
  auto sources = Json({"source", "list", "--case", case_dir(), "--json"});
  ASSERT_EQ(sources["sources"][0]["items"].size(), 1u);
  EXPECT_EQ(sources["sources"][0]["items"][0]["how"], "forwarded by the author");

  auto rel = Json({"link", "--case", case_dir(), "--json", "1", "2", "--kind", "before", "--note",
                   "no longer on fire"});
  EXPECT_EQ(rel["kind"], "before");
  EXPECT_EQ(
      Run({"link", "--case", case_dir(), "1", "2", "--kind", "before", "--offset", "3"}).exit_code,
      2);

  auto obs = Json({"annotate", "--case", case_dir(), "--json", "2", "--kind", "speech", "--from",
                   "1:02", "--to", "1:04.5", "--lang", "uk", "--original", "Слава Україні",
                   "--translation", "Glory to Ukraine", "a man shouts"});
  EXPECT_EQ(obs["start_s"], 62.0);
  EXPECT_EQ(obs["end_s"], 64.5);
  EXPECT_EQ(obs["original"], "Слава Україні");
  EXPECT_EQ(
      Run({"annotate", "--case", case_dir(), "2", "--kind", "visual", "--at", "1:75", "truck"})
          .exit_code,
      2);
  EXPECT_EQ(
      Json({"annotate", "--case", case_dir(), "--list", "2", "--json"})["observations"].size(), 1u);

  auto loc = Json({"locate-item", "--case", case_dir(), "--json", "--observation", "1", "--at",
                   "50°27'N 30°31'E", "--radius", "200", "--method", "landmarks"});
  EXPECT_EQ(loc["item"], 2);
  EXPECT_NEAR(loc["lat"].get<double>(), 50.45, 1e-9);
  EXPECT_EQ(Run({"locate-item", "--case", case_dir(), "1", "--at", "50.45,30.52", "--method",
                 "landmarks"})
                .exit_code,
            2);  // no radius

  auto claim = Json({"claim", "add", "--case", case_dir(), "--json", "--confidence", "unconfirmed",
                     "--supports", "relation:1", "--supports", "observation:1",
                     "Clip 1 was filmed before clip 2"});
  EXPECT_EQ(claim["evidence"].size(), 2u);
  EXPECT_EQ(Run({"claim", "add", "--case", case_dir(), "--confidence", "likely", "--supports",
                 "finding:5", "x"})
                .exit_code,
            1);  // no such finding
  EXPECT_EQ(Run({"claim", "set", "--case", case_dir(), "--confidence", "likely", "1"}).exit_code,
            2);  // no reason
  auto set = Json({"claim", "set", "--case", case_dir(), "--json", "--confidence", "likely",
                   "--reason", "smoke column matches", "1"});
  EXPECT_EQ(set["confidence"], "likely");
  EXPECT_EQ(set["decided_by"], "night-desk");
  auto listed = Json({"claim", "list", "--case", case_dir(), "--json"});
  EXPECT_EQ(listed["claims"][0]["reason"], "smoke column matches");

  auto verify = Run({"verify", "--case", case_dir()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto show = Json({"show", "--case", case_dir(), "--json", "2"});
  bool observed = false;
  for (const auto& e : show["custody"]) observed |= e["action"] == "observation_added";
  EXPECT_TRUE(observed);
  ASSERT_EQ(show["observations"].size(), 1u);
  EXPECT_EQ(show["observations"][0]["translation"], "Glory to Ukraine");
  ASSERT_EQ(show["locations"].size(), 1u);
  EXPECT_TRUE(show["findings"].empty());
  auto shown_1 = Json({"show", "--case", case_dir(), "--json", "1"});
  ASSERT_EQ(shown_1["sources"].size(), 1u);
  EXPECT_EQ(shown_1["sources"][0]["how"], "forwarded by the author");
}

}  // namespace
}  // namespace sightline

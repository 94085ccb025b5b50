#include "evidence/custody.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace sightline::evidence {
namespace {

SigningKey NewKey() {
  EXPECT_GE(sodium_init(), 0);
  SigningKey k;
  k.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  k.secret_key.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(k.public_key.data()),
                      reinterpret_cast<unsigned char*>(k.secret_key.data()));
  return k;
}

std::vector<CustodyEntry> MakeChain(const SigningKey& key, int n) {
  std::vector<CustodyEntry> chain;
  std::string prev = kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    CustodyEntry e;
    e.seq = i;
    e.time = "2026-11-25T12:00:0" + std::to_string(i) + ".000Z";
    e.actor = "analyst@desk";
    e.action = "ingest";
    e.object_sha256 = Sha256Hex(std::to_string(i));
    e.details = "{\"name\":\"clip" + std::to_string(i) + ".mp4\"}";
    e.prev_hash = prev;
    EXPECT_TRUE(SignEntry(key, &e).ok());
    prev = e.entry_hash;
    chain.push_back(e);
  }
  return chain;
}

TEST(Custody, PreimageIsNetstrings) {
  CustodyEntry e;
  e.seq = 7;
  e.time = "T";
  e.actor = "a";
  e.action = "ingest";
  e.details = "{}";
  e.prev_hash = "p";
  e.public_key = "k";
  EXPECT_EQ(CustodyPreimage(e), "20:sightline-custody-v1,1:7,1:T,1:a,6:ingest,0:,2:{},1:p,1:k,");
}

TEST(Custody, SignedChainChecksClean) {
  auto chain = MakeChain(NewKey(), 5);
  EXPECT_TRUE(CheckChain(chain).empty());
}

TEST(Custody, EditedDetailsAreNamedBySeq) {
  auto chain = MakeChain(NewKey(), 5);
  chain[2].details = "{\"name\":\"other.mp4\"}";
  auto problems = CheckChain(chain);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].seq, 3);
  EXPECT_EQ(problems[0].code, "entry_modified");
}

TEST(Custody, ResignedByAnotherKeyBreaksTheChainOrSignature) {
  auto chain = MakeChain(NewKey(), 3);
  // Forging a signature with the stored public key but another secret key is detected.
  SigningKey other = NewKey();
  std::string original_pk = chain[1].public_key;
  ASSERT_TRUE(SignEntry(other, &chain[1]).ok());
  chain[1].public_key = original_pk;
  chain[1].entry_hash = ComputeEntryHash(chain[1]);
  auto problems = CheckChain(chain);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].code, "bad_signature");
  EXPECT_EQ(problems[0].seq, 2);
}

TEST(Custody, DroppedAndReorderedEntriesAreNamed) {
  auto chain = MakeChain(NewKey(), 5);
  auto dropped = chain;
  dropped.erase(dropped.begin() + 2);
  auto problems = CheckChain(dropped);
  ASSERT_GE(problems.size(), 2u);
  EXPECT_EQ(problems[0].code, "entry_missing");
  EXPECT_EQ(problems[0].seq, 3);
  EXPECT_NE(problems[0].message.find("custody entry 3"), std::string::npos);

  auto swapped = chain;
  std::swap(swapped[1], swapped[2]);
  problems = CheckChain(swapped);
  bool named = false;
  for (const auto& p : problems) named = named || (p.code == "chain_broken" && p.seq == 3);
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace sightline::evidence

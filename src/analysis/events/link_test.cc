// Linking events across two synchronised clips.
#include "analysis/events/link.h"

#include <gtest/gtest.h>

namespace sightline::analysis::events {
namespace {

AudioEvent Ev(double t, EventKind k = EventKind::kShot, int count = 1) {
  AudioEvent e;
  e.t = t;
  e.end = t + 0.3;
  e.kind = k;
  e.count = count;
  e.confidence = 0.9;
  return e;
}

TEST(LinkTest, PairsEventsAcrossClocksWithDrift) {
  // B starts 12.5 s into A, its clock runs 100 ppm fast (A's advances 100 ppm less); the source
  // is 68.6 m farther from A (0.2 s at 343 m/s) than the reference sound.
  const ClockMapping clock{12.5, -100};
  std::vector<AudioEvent> b = {Ev(3.0), Ev(40.0, EventKind::kBurst, 6),
                               Ev(300.0, EventKind::kBlast)};
  std::vector<AudioEvent> a = {Ev(1.0)};  // before B started: unmatched
  for (const auto& e : b) {
    AudioEvent x = e;
    x.t = clock.ToA(e.t) + 0.2;
    a.push_back(x);
  }
  auto links = LinkEvents(a, b, clock);
  ASSERT_EQ(links.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(links[i].a, i + 1);
    EXPECT_EQ(links[i].b, i);
    EXPECT_NEAR(links[i].arrival_difference_s, 0.2, 1e-9);
    EXPECT_NEAR(links[i].distance_difference_m, 0.2 * 343.2, 0.1);
  }
  // Without the drift correction the last one (300 s in) would be 30 ms off.
  auto undrifted = LinkEvents(a, b, ClockMapping{12.5, 0});
  ASSERT_EQ(undrifted.size(), 3u);
  EXPECT_NEAR(undrifted[2].arrival_difference_s, 0.2 - 0.03, 1e-6);
}

TEST(LinkTest, KeepsOrderAndKinds) {
  // Two shots 0.5 s apart heard 0.4 s later in A: greedy nearest-time matching would pair A's
  // first with B's second; the order-keeping alignment does not.
  std::vector<AudioEvent> b = {Ev(10.0), Ev(10.5)};
  std::vector<AudioEvent> a = {Ev(10.4), Ev(10.9)};
  auto links = LinkEvents(a, b, ClockMapping{});
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].a, 0u);
  EXPECT_EQ(links[0].b, 0u);
  EXPECT_NEAR(links[1].arrival_difference_s, 0.4, 1e-9);
  // A blast is not a shot; far apart is no link; empty lists are fine.
  EXPECT_TRUE(LinkEvents({Ev(5, EventKind::kBlast)}, {Ev(5)}, ClockMapping{}).empty());
  EXPECT_TRUE(LinkEvents({Ev(5)}, {Ev(7)}, ClockMapping{}).empty());
  EXPECT_TRUE(LinkEvents({}, {Ev(7)}, ClockMapping{}).empty());
}

}  // namespace
}  // namespace sightline::analysis::events

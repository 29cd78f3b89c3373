#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/ids.h"
#include "core/rate_limit.h"

namespace trivium {
namespace {

TEST(RateLimiter, AllowsBurstThenAsksToWaitThenRefills) {
  ManualClock clock;
  http::RateLimiter limiter(clock, 6, 3);  // one token every 10 s, burst 3
  EXPECT_EQ(limiter.acquire("ip"), 0);
  EXPECT_EQ(limiter.acquire("ip"), 0);
  EXPECT_EQ(limiter.acquire("ip"), 0);
  int wait = limiter.acquire("ip");
  EXPECT_GE(wait, 9);
  EXPECT_LE(wait, 10);
  EXPECT_EQ(limiter.acquire("other-ip"), 0);  // buckets are per client
  clock.advance(10'000);
  EXPECT_EQ(limiter.acquire("ip"), 0);
}

TEST(Ids, TokensCarryAtLeast128BitsAndIdsAreTimeOrdered) {
  std::string t = random_token(16);  // SESS-01
  EXPECT_EQ(t.size(), 22u);
  EXPECT_NE(random_token(16), random_token(16));
  std::string a = new_id();
  EXPECT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '7');
  std::string prev = a;
  for (int i = 0; i < 10000; ++i) {  // ids made in the same millisecond still sort in order
    std::string next = new_id();
    ASSERT_LT(prev, next);
    prev = next;
  }
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(equal_secret("abc", "abc"));
  EXPECT_FALSE(equal_secret("abc", "abd"));
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(951'868'799'999), "2000-02-29T23:59:59.999Z");  // a leap day
  EXPECT_EQ(format_rfc3339(253'402'300'799'000), "9999-12-31T23:59:59.000Z");
}

}  // namespace
}  // namespace trivium

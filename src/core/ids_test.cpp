// Base64 for binary data kept in text columns: every byte survives a round
// trip, and text that is not base64 is refused rather than half-decoded.
#include <gtest/gtest.h>

#include <string>

#include "core/ids.h"

namespace trivium {
namespace {

TEST(Base64, EveryByteSurvivesARoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n : {0u, 1u, 2u, 3u, 4u, 255u, 256u}) {
    const std::string data = all.substr(0, n);
    const std::string text = base64_encode(data);
    EXPECT_EQ(text.size(), (n + 2) / 3 * 4);
    auto back = base64_decode(text);
    ASSERT_TRUE(back) << n;
    EXPECT_EQ(*back, data);
  }
  EXPECT_EQ(base64_encode("\xc3\x28 broken"), "wyggYnJva2Vu");
}

TEST(Base64, TextThatIsNotBase64IsRefused) {
  EXPECT_FALSE(base64_decode("wygg*nJva2Vu"));
  EXPECT_FALSE(base64_decode("wyg"));
  EXPECT_FALSE(base64_decode("wygg YnJva2Vu"));
}

}  // namespace
}  // namespace trivium

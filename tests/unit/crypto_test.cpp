// The SDK's crypto helpers against known answers and tampering.
#include "switchboard/crypto.h"

#include <gtest/gtest.h>

namespace {

using namespace switchboard::crypto;

TEST(Crypto, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// The per-thread context is keyed again on every call: alternating keys and digests on one
// thread must each give their own known answer (RFC 4231 case 1, RFC 2202 case 2, empty key).
TEST(Crypto, HmacAlternatingKeysAndDigestsOnOneThread) {
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(hmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(hmacSha1Base64("Jefe", "what do ya want for nothing?"),
              "7/zfauXrL6LSdBbV8YTfnCWafHk=");
    EXPECT_EQ(hmacSha256Hex("", ""),
              "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}

TEST(Crypto, Base64RoundTripsAndRefusesGarbage) {
  EXPECT_EQ(base64Encode("any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
  EXPECT_EQ(base64Decode("YW55IGNhcm5hbCBwbGVhcw=="), "any carnal pleas");
  EXPECT_EQ(base64Decode("YW55IGNhcm5hbCBwbGVhc3U="), "any carnal pleasu");
  EXPECT_FALSE(base64Decode("not base64!"));
}

TEST(Crypto, SealOpensOnlyWithTheSameKeyAndAdditionalData) {
  const std::string key(32, 'k');
  const auto sealed = seal(key, "cal_live_secret", "alpha\ncalcom.api_key");
  EXPECT_EQ(sealed.size(), 12 + 15 + 16u);
  EXPECT_EQ(sealed.find("cal_live_secret"), std::string::npos);
  EXPECT_EQ(open(key, sealed, "alpha\ncalcom.api_key"), "cal_live_secret");
  EXPECT_FALSE(open(std::string(32, 'x'), sealed, "alpha\ncalcom.api_key"));
  EXPECT_FALSE(open(key, sealed, "beta\ncalcom.api_key"));
  std::string tampered = sealed;
  tampered[14] ^= 1;
  EXPECT_FALSE(open(key, tampered, "alpha\ncalcom.api_key"));
  EXPECT_FALSE(open(key, "short", ""));
  // A fresh nonce each time: the same secret never looks the same twice.
  EXPECT_NE(seal(key, "x"), seal(key, "x"));
  EXPECT_THROW(seal("short key", "x"), std::invalid_argument);
}

}  // namespace

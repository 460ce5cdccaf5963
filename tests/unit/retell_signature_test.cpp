// X-Retell-Signature as PROVIDERS.md documents it, with Retell's published vector.
#include "retell_signature.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

using retell::SignatureCheck;
constexpr std::int64_t kV = 1700000000000;
constexpr std::int64_t kTolerance = 300000;
const std::string kBody = R"({"event":"call_ended"})";
const std::string kPublished =
    "v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e";

TEST(RetellSignature, ThePublishedVectorVerifies) {
  EXPECT_EQ(retell::signatureHeader(kBody, "test-api-key", kV), kPublished);
  EXPECT_EQ(retell::checkSignature(kPublished, kBody, "test-api-key", kV, kTolerance),
            SignatureCheck::kValid);
  // Within the tolerance either way.
  EXPECT_EQ(retell::checkSignature(kPublished, kBody, "test-api-key", kV + kTolerance, kTolerance),
            SignatureCheck::kValid);
  EXPECT_EQ(retell::checkSignature(kPublished, kBody, "test-api-key", kV - kTolerance, kTolerance),
            SignatureCheck::kValid);
}

TEST(RetellSignature, ATamperedBodyOrAnotherKeyIsAMismatch) {
  EXPECT_EQ(retell::checkSignature(kPublished, R"({"event":"call_started"})", "test-api-key", kV,
                                   kTolerance),
            SignatureCheck::kMismatch);
  EXPECT_EQ(retell::checkSignature(kPublished, kBody + " ", "test-api-key", kV, kTolerance),
            SignatureCheck::kMismatch);
  EXPECT_EQ(retell::checkSignature(kPublished, kBody, "other-key", kV, kTolerance),
            SignatureCheck::kMismatch);
  // The timestamp is signed: moving it breaks the digest.
  std::string moved = kPublished;
  moved.replace(2, 13, "1700000000001");
  EXPECT_EQ(retell::checkSignature(moved, kBody, "test-api-key", kV, kTolerance),
            SignatureCheck::kMismatch);
}

TEST(RetellSignature, StaleAndFutureTimestampsAreRefused) {
  EXPECT_EQ(
      retell::checkSignature(kPublished, kBody, "test-api-key", kV + kTolerance + 1, kTolerance),
      SignatureCheck::kStale);
  EXPECT_EQ(
      retell::checkSignature(kPublished, kBody, "test-api-key", kV - kTolerance - 1, kTolerance),
      SignatureCheck::kStale);
}

TEST(RetellSignature, MissingAndMalformedHeadersAreRefused) {
  EXPECT_EQ(retell::checkSignature("", kBody, "test-api-key", kV, kTolerance),
            SignatureCheck::kMissing);
  for (const std::string& bad : std::vector<std::string>{
           "garbage", "v=1700000000000",
           "d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e",
           "v=abc,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e",
           "v=1700000000000,d=07024CABE7DD8F6D1C6E4A8324CA92C812E6AD4A7EE506C04F7E462E3321823E",
           "v=1700000000000,d=07024cabe7dd", "v=1700000000000,d=" + std::string(64, 'g'),
           "v=1700000000000,d=" + std::string(64, 'a') + ",x=1",
           "v=1700000000000,v=1700000000000,d=" + std::string(64, 'a')})
    EXPECT_EQ(retell::checkSignature(bad, kBody, "test-api-key", kV, kTolerance),
              SignatureCheck::kMalformed)
        << bad;
}

}  // namespace

// The SDK's bounded JSON reading: what an untrusted body can do to it.
#include "switchboard/json.h"

#include <gtest/gtest.h>

#include <string>

namespace {

namespace json = switchboard::json;

std::string nested(std::size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

std::string reasonOf(const std::string& text, const json::Limits& limits = json::defaultLimits()) {
  try {
    json::parse(text, limits);
  } catch (const json::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(Json, ParsesOrdinaryDocuments) {
  const auto doc = json::parse(R"({"call": {"call_id": "c1", "n": 5, "tags": ["a", {"b": 1}]}})");
  EXPECT_EQ(doc.root()["call"].string("call_id"), "c1");
  EXPECT_EQ(doc.root()["call"].integer("n"), 5);
  EXPECT_EQ(doc.root()["call"]["tags"].items().size(), 2u);
}

TEST(Json, DepthUpToTheLimitIsRead) {
  EXPECT_EQ(reasonOf(nested(64)), "");
  EXPECT_EQ(reasonOf("{\"a\":" + nested(63) + "}"), "");
}

TEST(Json, DeeperThanTheLimitIsRefusedWithTheReason) {
  EXPECT_EQ(reasonOf(nested(65)), "malformed JSON at byte 64: nested deeper than 64 levels");
  json::Limits shallow;
  shallow.max_depth = 2;
  EXPECT_EQ(reasonOf(R"({"a":{"b":{}}})", shallow),
            "malformed JSON at byte 10: nested deeper than 2 levels");
}

TEST(Json, AHundredAndFortyThousandLevelsNeitherCrashNorRecurse) {
  // The issue's body: 280 KB of nesting, which overflowed the recursive reader's stack.
  std::string objects;
  for (int i = 0; i < 140000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(140000, '}');
  for (const auto& text :
       {nested(140000), objects, std::string(140000, '['), "{\"a\":" + std::string(140000, '[')}) {
    const auto why = reasonOf(text);
    EXPECT_NE(why.find("nested deeper than 64 levels"), std::string::npos) << why;
  }
}

TEST(Json, TheDefaultDepthIsTheServersSetting) {
  const auto before = json::defaultLimits();
  auto shallow = before;
  shallow.max_depth = 3;
  json::setDefaultLimits(shallow);
  EXPECT_EQ(reasonOf(nested(3)), "");
  EXPECT_EQ(reasonOf(nested(4)), "malformed JSON at byte 3: nested deeper than 3 levels");
  EXPECT_TRUE(json::scanStrings(R"({"a":{"b":{"c":{"d":"x"}}}})", {"a.b.c.d"}).empty());
  json::setDefaultLimits(before);
  EXPECT_EQ(reasonOf(nested(4)), "");
}

TEST(Json, StringsAndTextsOverTheirBoundsAreRefused) {
  json::Limits small;
  small.max_string_bytes = 8;
  small.max_bytes = 64;
  EXPECT_EQ(reasonOf(R"({"k": "12345678"})", small), "");
  EXPECT_NE(reasonOf(R"({"k": "123456789"})", small).find("a string longer than 8 bytes"),
            std::string::npos);
  EXPECT_NE(reasonOf(R"({"123456789": 1})", small).find("a string longer than 8 bytes"),
            std::string::npos);
  EXPECT_NE(reasonOf("[" + std::string(70, ' ') + "]", small).find("more than 64"),
            std::string::npos);
}

TEST(Json, MalformedTextAndBrokenUtf8AreRefused) {
  EXPECT_NE(reasonOf("{\"a\": }").find("malformed JSON at byte 6"), std::string::npos);
  EXPECT_NE(reasonOf("not json").find("malformed JSON at byte"), std::string::npos);
  EXPECT_NE(reasonOf("{\"a\": \"\xff\xfe\"}").find("Invalid encoding"), std::string::npos);
  // RapidJSON reads a NUL as the end of the text: one is refused wherever it stands.
  EXPECT_EQ(reasonOf(std::string("{\"a\": 1}\0", 9)), "malformed JSON at byte 8: a NUL byte");
  EXPECT_EQ(reasonOf(std::string("{\"a\": \"x\0y\"}", 12)), "malformed JSON at byte 8: a NUL byte");
  EXPECT_NE(reasonOf("").find("malformed JSON at byte 0"), std::string::npos);
}

TEST(Json, ScanFindsStringsAtPathsWithoutATree) {
  const std::string body =
      R"({"event": "call_ended", "call": {"to_number": "+49301234567", "metadata":
      {"company": "salon-mitte"}, "transcript_object": [{"to_number": "in an array"}],
      "from_number": 17}, "to_number": "top"})";
  const auto found = json::scanStrings(
      body, {"call.to_number", "call.metadata.company", "call.from_number", "to_number", "x.y"});
  EXPECT_EQ(found, (std::map<std::string, std::string>{{"call.metadata.company", "salon-mitte"},
                                                       {"call.to_number", "+49301234567"},
                                                       {"to_number", "top"}}));
}

TEST(Json, ScanKeepsTheFirstOfTwoAndNothingInsideArrays) {
  EXPECT_EQ(json::scanStrings(R"({"a": "1", "a": "2"})", {"a"}).at("a"), "1");
  EXPECT_TRUE(json::scanStrings(R"([{"a": "1"}])", {"a"}).empty());
  EXPECT_TRUE(json::scanStrings(R"({"l": [{"a": "1"}]})", {"l.a", "a"}).empty());
  // A member after an array is found again.
  EXPECT_EQ(json::scanStrings(R"({"l": [1, {"x": [2]}], "a": "3"})", {"a"}).at("a"), "3");
}

TEST(Json, ScanOfHostileTextEndsQuietlyWithWhatItHadFound) {
  EXPECT_EQ(json::scanStrings("{\"a\": \"1\", \"b\": " + nested(140000) + "}", {"a"}).at("a"), "1");
  EXPECT_TRUE(json::scanStrings(nested(140000), {"a"}).empty());
  EXPECT_TRUE(json::scanStrings("not json", {"a"}).empty());
  json::Limits small;
  small.max_string_bytes = 4;
  EXPECT_TRUE(json::scanStrings(R"({"a": "12345"})", {"a"}, small).empty());
}

}  // namespace

#include "observability/logging.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <sstream>

namespace {

using switchboard::kernel::observability::LogHub;

TEST(Redact, ReplacesEveryOccurrenceOfLongEnoughSecrets) {
  EXPECT_EQ(switchboard::kernel::observability::redact("key=sk_live_abc and sk_live_abc",
                                                       {"sk_live_abc"}),
            "key=*** and ***");
  EXPECT_EQ(switchboard::kernel::observability::redact("port 8080", {"8080"}), "port 8080");
}

TEST(LogHub, JsonLinesAreValidJsonWithEscapedMessageAndNoSecret) {
  std::ostringstream out;
  LogHub hub(std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  hub.configure({"info", "json"}, {"s3cr3t-token"});
  hub.get("calls")->warn("quote \" newline \n token s3cr3t-token");
  rapidjson::Document doc;
  doc.Parse(out.str().c_str());
  ASSERT_FALSE(doc.HasParseError()) << out.str();
  EXPECT_STREQ(doc["level"].GetString(), "warning");
  EXPECT_STREQ(doc["logger"].GetString(), "calls");
  EXPECT_STREQ(doc["message"].GetString(), "quote \" newline \n token ***");
  EXPECT_EQ(std::string(doc["time"].GetString()).back(), 'Z');
}

TEST(LogHub, HostileValuesStayOnTheirLineInText) {
  std::ostringstream out;
  LogHub hub(std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  hub.configure({"info", "text"}, {});
  const std::string number =
      std::string("+4930\r\n2026-01-01T00:00:00.000Z [error] [calls] forged") +
      std::string(1, '\0') + "\x1b[31mred\xc2\x9b\xff\tend";
  hub.get("retell")->warn("inbound call to {}: unknown", number);
  const auto text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_EQ(text.find('\0'), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("[retell] inbound call to +4930\\r\\n2026-01-01T00:00:00.000Z [error] "
                      "[calls] forged\\x00\\x1b[31mred\\u009b\\xff\tend: unknown\n"),
            std::string::npos)
      << text;
}

TEST(LogHub, HostileValuesKeepJsonLinesValid) {
  std::ostringstream out;
  LogHub hub(std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  hub.configure({"info", "json"}, {});
  hub.get("retell")->warn("a {} b", std::string("\r\n\x1b[2J") + std::string(1, '\0') + "\xff\xfe");
  const auto text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str(), text.size() - 1);
  ASSERT_FALSE(doc.HasParseError()) << text;
  EXPECT_EQ(std::string(doc["message"].GetString(), doc["message"].GetStringLength()),
            std::string("a \r\n\x1b[2J") + std::string(1, '\0') + "\\xff\\xfe b");
}

TEST(LogHub, LevelAppliesToExistingAndNewLoggers) {
  std::ostringstream out;
  LogHub hub(std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  auto early = hub.get("early");
  hub.configure({"warn", "text"}, {});
  early->info("hidden");
  hub.get("late")->info("hidden too");
  early->error("shown");
  EXPECT_EQ(out.str().find("hidden"), std::string::npos);
  EXPECT_NE(out.str().find("[error] [early] shown"), std::string::npos);
}

}  // namespace

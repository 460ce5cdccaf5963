#include "observability/logging.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/sinks/ostream_sink.h>

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

#include "switchboard/config/env_expansion.h"

#include <gtest/gtest.h>

namespace {

using namespace switchboard::config;

EnvLookup fakeEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (name == "API_KEY") return std::string("key_live_123");
    if (name == "PORT") return std::string("9000");
    return std::nullopt;
  };
}

TEST(EnvExpansion, ReplacesReferencesAnywhereInScalars) {
  YAML::Node root = YAML::Load("a: ${API_KEY}\nb: [\"http://h:${PORT}/x\"]\nc: plain\n");
  std::vector<std::string> expanded;
  std::vector<Diagnostic> problems;
  expandEnvironment(root, "f.yaml", fakeEnv(), expanded, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(root["a"].as<std::string>(), "key_live_123");
  EXPECT_EQ(root["b"][0].as<std::string>(), "http://h:9000/x");
  EXPECT_EQ(root["c"].as<std::string>(), "plain");
  EXPECT_EQ(expanded, (std::vector<std::string>{"key_live_123"}));  // the port is no secret
}

TEST(EnvExpansion, OnlySecretsAreKeptFromTheLogNeverAddressesOrUrls) {
  const EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "LISTEN") return std::string("127.0.0.1:8080");
    if (name == "PUBLIC_URL") return std::string("https://switchboard.example.com");
    if (name == "TWILIO_AUTH_TOKEN") return std::string("tok-1");
    if (name == "FROM") return std::string("+4930555000");
    if (name == "ANYTHING") return std::string("hunter2-secret");
    if (name == "DB") return std::string("postgresql://sb:pa55word@db.internal:5432/sb");
    return std::nullopt;
  };
  YAML::Node root = YAML::Load(
      "server: { listen: \"${LISTEN}\", public_url: \"${PUBLIC_URL}\" }\n"
      "twilio: { auth_token: \"${TWILIO_AUTH_TOKEN}\", from: \"${FROM}\" }\n"
      "x: { webhook_secret: \"${ANYTHING}\" }\n"
      "storage: { url: \"${DB}\" }\n");
  std::vector<std::string> expanded;
  std::vector<Diagnostic> problems;
  expandEnvironment(root, "f.yaml", env, expanded, problems);
  EXPECT_TRUE(problems.empty());
  // By the variable's name, by the key's, and a URL's password; never the address or the URL.
  EXPECT_EQ(expanded, (std::vector<std::string>{"tok-1", "hunter2-secret", "pa55word"}));
}

TEST(EnvExpansion, MissingVariableIsNamedAtItsPosition) {
  YAML::Node root = YAML::Load("plugins:\n  x:\n    key: ${NOT_SET_ANYWHERE}\n");
  std::vector<std::string> expanded;
  std::vector<Diagnostic> problems;
  expandEnvironment(root, "f.yaml", fakeEnv(), expanded, problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].str(), "f.yaml:3:10: environment variable NOT_SET_ANYWHERE is not set");
}

TEST(EnvExpansion, DollarDollarEscapesAndMalformedIsReported) {
  YAML::Node root = YAML::Load("a: \"$${LITERAL}\"\nb: \"${bad-name}\"\n");
  std::vector<std::string> expanded;
  std::vector<Diagnostic> problems;
  expandEnvironment(root, "f.yaml", fakeEnv(), expanded, problems);
  EXPECT_EQ(root["a"].as<std::string>(), "${LITERAL}");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("malformed"), std::string::npos);
  EXPECT_EQ(problems[0].at.line, 2);
}

}  // namespace

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
  EXPECT_EQ(expanded, (std::vector<std::string>{"key_live_123", "9000"}));
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

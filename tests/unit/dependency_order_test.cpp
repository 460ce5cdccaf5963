#include "plugin_host/dependency_order.h"

#include <gtest/gtest.h>

namespace {

using switchboard::kernel::plugins::DependencyError;
using switchboard::kernel::plugins::startOrder;

std::vector<std::string> names(
    const std::vector<switchboard::kernel::plugins::DependencyNode>& nodes) {
  std::vector<std::string> out;
  for (auto i : startOrder(nodes)) out.push_back(nodes[i].name);
  return out;
}

TEST(StartOrder, IndependentPluginsKeepYamlOrder) {
  EXPECT_EQ(names({{"c", {}, {}}, {"a", {}, {}}, {"b", {}, {}}}),
            (std::vector<std::string>{"c", "a", "b"}));
}

TEST(StartOrder, ProvidersStartBeforeTheirUsers) {
  EXPECT_EQ(names({{"booking", {}, {"calendar", "sms"}},
                   {"twilio", {"sms"}, {}},
                   {"calcom", {"calendar"}, {}}}),
            (std::vector<std::string>{"twilio", "calcom", "booking"}));
}

TEST(StartOrder, ChainsResolveTransitively) {
  EXPECT_EQ(names({{"a", {}, {"b.svc"}}, {"b", {"b.svc"}, {"c.svc"}}, {"c", {"c.svc"}, {}}}),
            (std::vector<std::string>{"c", "b", "a"}));
}

TEST(StartOrder, UnprovidedNeedNamesPluginAndService) {
  try {
    startOrder({{"booking", {}, {"calendar"}}});
    FAIL() << "expected a DependencyError";
  } catch (const DependencyError& e) {
    EXPECT_EQ(e.plugin(), "booking");
    EXPECT_NE(std::string(e.what()).find("calendar"), std::string::npos);
  }
}

TEST(StartOrder, CycleIsReported) {
  try {
    startOrder({{"a", {"x"}, {"y"}}, {"b", {"y"}, {"x"}}});
    FAIL() << "expected a DependencyError";
  } catch (const DependencyError& e) {
    EXPECT_NE(std::string(e.what()).find("a -> b -> a"), std::string::npos) << e.what();
  }
}

TEST(StartOrder, ServiceProvidedTwiceIsRefused) {
  EXPECT_THROW(startOrder({{"a", {"x"}, {}}, {"b", {"x"}, {}}}), DependencyError);
}

}  // namespace

// A plugin checks its `config:` section the way the kernel checks its own: with the SDK's
// YamlReader, every problem reported at once as `file:line:col: message`.
//
//   void configure(Host& host) override {
//     readPluginConfig(host, [&](config::YamlReader& r, const YAML::Node& c) {
//       if (!r.isMap(c, "config")) return;
//       r.map(c, "config", {"base_url", "api_key"});  // reports unknown keys, reading goes on
//       base_url_ = r.string(c, "base_url", "config").value_or("https://api.example.com");
//       api_key_ = r.string(c, "api_key", "config", /*required=*/true).value_or("");
//     });
//   }
#pragma once

#include <yaml-cpp/yaml.h>

#include <vector>

#include "switchboard/config/diagnostic.h"
#include "switchboard/config/yaml_reader.h"
#include "switchboard/host.h"

namespace switchboard {

// Runs `read` over host.config(); throws config::ConfigInvalid with every problem it reported.
template <class Read>
void readPluginConfig(Host& host, Read&& read) {
  std::vector<config::Diagnostic> problems;
  config::YamlReader reader(host.configFile(), problems);
  read(reader, host.config());
  if (!problems.empty()) throw config::ConfigInvalid(std::move(problems));
}

}  // namespace switchboard

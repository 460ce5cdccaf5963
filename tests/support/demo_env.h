// The demo values scripts/run exports for what the shipped config references, read from the
// script itself (`export NAME="${NAME:-value}"`), so that tests and the script cannot drift.
#pragma once

#include <fstream>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/paths.h"

namespace sbtest {

inline std::vector<std::pair<std::string, std::string>> scriptsRunEnv() {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(sourceDir() + "/scripts/run");
  const std::regex line(R"re(^export ([A-Z0-9_]+)="\$\{\1:-([^}]*)\}")re");
  std::smatch m;
  for (std::string l; std::getline(in, l);)
    if (std::regex_search(l, m, line)) out.emplace_back(m[1], m[2]);
  return out;
}

}  // namespace sbtest

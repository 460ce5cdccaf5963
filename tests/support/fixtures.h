// Sample payloads under tests/fixtures/ (providers' documented shapes), read as sent: without
// the file's trailing newline.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "support/paths.h"

namespace sbtest {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `relative` under tests/fixtures/, e.g. "retell/call_started.json".
inline std::string fixture(const std::string& relative) {
  auto text = readFile(sourceDir() + "/tests/fixtures/" + relative);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace sbtest

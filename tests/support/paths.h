// Where the build put things; CMake passes these in.
#pragma once

#include <string>

namespace sbtest {

inline std::string serverBinary() {
  return SB_SERVER_BINARY;
}
inline std::string pluginDir() {
  return SB_PLUGIN_DIR;
}
inline std::string testPluginDir() {
  return SB_TEST_PLUGIN_DIR;
}
inline std::string sourceDir() {
  return SB_SOURCE_DIR;
}
inline std::string buildDir() {
  return SB_BUILD_DIR;
}

}  // namespace sbtest

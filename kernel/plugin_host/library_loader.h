// Opens plugin libraries with Boost.DLL, checks their SDK ABI version and returns their
// factory. Libraries are never unloaded while the process runs: objects, exceptions and
// std::functions that came from a library must not outlive its code.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "switchboard/plugin.h"

namespace switchboard::kernel::plugins {

class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadedLibrary {
  std::string path;
  std::uint32_t abi = 0;
  switchboard::PluginFactory* factory = nullptr;
};

// Thread-safe; opening the same path twice returns the same library. Throws LoadError naming
// the file (and both versions on an ABI mismatch).
LoadedLibrary openPluginLibrary(const std::string& path);

}  // namespace switchboard::kernel::plugins

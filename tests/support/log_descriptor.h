// Whether a descriptor of this process is open on a SQLite write-ahead log (a `-wal` file): for
// tests that count the system calls libsqlite3 makes on it.
#pragma once

#include <unistd.h>

#include <string>

namespace sbtest {

inline bool isWriteAheadLog(int fd) {
  char target[4096];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const auto n = readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return false;
  const std::string path(target, static_cast<std::size_t>(n));
  return path.size() > 4 && path.compare(path.size() - 4, 4, "-wal") == 0;
}

}  // namespace sbtest

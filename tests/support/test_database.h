// The tests' own look into the server's database, by the server's storage URL: sqlite://PATH
// (waiting for the server's write lock as it does, never failing on it) or
// postgresql://postgres@HOST:PORT/DB (as libpq key=value pairs, what SOCI passes on).
#pragma once

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <string>

namespace sbtest {

inline soci::session openDatabase(const std::string& url) {
  if (url.rfind("sqlite://", 0) == 0)
    return soci::session(*soci::factory_sqlite3(), "db=" + url.substr(9) + " timeout=10");
  const auto at = url.find('@'), colon = url.rfind(':'), slash = url.rfind('/');
  return soci::session(*soci::factory_postgresql(),
                       "host=" + url.substr(at + 1, colon - at - 1) +
                           " port=" + url.substr(colon + 1, slash - colon - 1) +
                           " dbname=" + url.substr(slash + 1) + " user=postgres");
}

}  // namespace sbtest

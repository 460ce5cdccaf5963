// A real PostgreSQL for tests: initdb + pg_ctl on a temporary directory and a free loopback
// port, trust authentication, stopped and removed at the end. As root it runs as `postgres`
// (PostgreSQL refuses to run as root).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace sbtest {

class PostgresServer {
 public:
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A fresh, empty database; returns its postgresql:// URL.
  std::string createDatabase();
  std::uint16_t port() const { return port_; }

  // One server for the whole test binary, started on first use.
  static PostgresServer& shared();

 private:
  std::string run(const std::string& command);  // as the server's user; throws on failure

  std::string dir_;
  std::string bin_;
  std::uint16_t port_ = 0;
  bool as_postgres_ = false;
  int databases_ = 0;
};

}  // namespace sbtest

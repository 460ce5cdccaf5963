#include "support/postgres_server.h"

#include <netinet/in.h>
#include <pwd.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "support/server_process.h"

namespace sbtest {
namespace {

namespace fs = std::filesystem;

std::uint16_t freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string findBinDir() {
  // Debian: /usr/lib/postgresql/<major>/bin; take the newest.
  std::string best;
  if (fs::exists("/usr/lib/postgresql"))
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql"))
      if (fs::exists(entry.path() / "bin" / "initdb") && entry.path().string() > best)
        best = entry.path().string();
  if (best.empty())
    throw std::runtime_error("PostgreSQL is not installed (scripts/install-deps installs it)");
  return best + "/bin";
}

}  // namespace

std::string PostgresServer::run(const std::string& command) {
  std::vector<std::string> args = {"/bin/sh", "-c", command};
  if (as_postgres_) args = {"/usr/sbin/runuser", "-u", "postgres", "--", "/bin/sh", "-c", command};
  std::string output;
  if (runCommand(args, output) != 0)
    throw std::runtime_error("'" + command + "' failed:\n" + output);
  return output;
}

PostgresServer::PostgresServer() : bin_(findBinDir()), as_postgres_(geteuid() == 0) {
  std::string pattern = (fs::temp_directory_path() / "switchboard-pg-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  if (as_postgres_) {  // the server runs as postgres and writes here
    const passwd* pw = getpwnam("postgres");
    if (!pw || chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      throw std::runtime_error("cannot hand " + dir_ + " to the postgres user");
  }
  run(bin_ + "/initdb -D " + dir_ +
      "/data -U postgres --auth=trust -E UTF8 --no-sync -N >/dev/null 2>&1");
  // A port found free can be taken by another process (a parallel test's listener or outgoing
  // connection) before PostgreSQL binds it: then start again on another.
  for (int attempt = 1;; ++attempt) {
    port_ = freePort();
    try {
      run(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/log -w -t 60 -o \"-p " +
          std::to_string(port_) + " -k " + dir_ +
          " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start >" + dir_ +
          "/pg_ctl.out 2>&1 || { cat " + dir_ + "/pg_ctl.out " + dir_ + "/log; exit 1; }");
      return;
    } catch (const std::runtime_error& e) {
      if (attempt == 5 || std::string(e.what()).find("Address already in use") == std::string::npos)
        throw;
    }
  }
}

PostgresServer::~PostgresServer() {
  try {
    run(bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1");
  } catch (const std::exception&) {
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PostgresServer::createDatabase() {
  const std::string name = "switchboard_test_" + std::to_string(++databases_);
  const std::string base = "postgresql://postgres@127.0.0.1:" + std::to_string(port_);
  soci::session admin(*soci::factory_postgresql(), "host=127.0.0.1 port=" + std::to_string(port_) +
                                                       " user=postgres dbname=postgres");
  admin << "CREATE DATABASE " + name;
  return base + "/" + name;
}

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;
  return server;
}

}  // namespace sbtest

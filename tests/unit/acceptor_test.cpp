// The accept loop at the open-file limit: Pistache's loop retried accept() forever there (the
// listening socket stays readable) and served no one; this one closes the waiting connection.
#include "http/acceptor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "support/eventually.h"

namespace {

int clientSocket() {
  return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

bool connectTo(int fd, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

// True when the server closed (or reset) the connection within a few seconds.
bool closedByServer(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 5000) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, 0) <= 0;
}

std::chrono::microseconds processCpu() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return std::chrono::seconds(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         std::chrono::microseconds(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

TEST(Acceptor, AtTheFileLimitWaitingConnectionsAreClosedAndAcceptingGoesOn) {
  std::atomic<int> shed{0};
  std::mutex mutex;
  std::vector<int> accepted;
  switchboard::kernel::http::Acceptor acceptor(
      std::make_shared<spdlog::logger>("acceptor-test"),
      [&](int fd, const sockaddr_storage&) {
        std::lock_guard lock(mutex);
        accepted.push_back(fd);
      },
      [&] { shed.fetch_add(1); });
  acceptor.bind("127.0.0.1", 0);
  acceptor.start();

  std::vector<int> clients;
  for (int i = 0; i < 5; ++i) clients.push_back(clientSocket());

  // Use up every descriptor the process may have.
  rlimit before{};
  ::getrlimit(RLIMIT_NOFILE, &before);
  rlimit tight = before;
  tight.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  std::vector<int> fillers;
  for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) fillers.push_back(fd);

  const auto cpu_before = processCpu();
  const auto wall_before = std::chrono::steady_clock::now();
  for (int fd : clients) EXPECT_TRUE(connectTo(fd, acceptor.port()));
  for (int fd : clients) EXPECT_TRUE(closedByServer(fd)) << "a waiting client is told, not left";
  EXPECT_TRUE(sbtest::eventually([&] { return shed.load() == 5; }));
  const auto cpu = processCpu() - cpu_before;
  const auto wall = std::chrono::steady_clock::now() - wall_before;
  EXPECT_LT(cpu, std::chrono::duration_cast<std::chrono::microseconds>(wall) / 2 +
                     std::chrono::milliseconds(20))
      << "the accept loop does not spin at the limit";

  for (int fd : fillers) ::close(fd);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &before), 0);
  const int late = clientSocket();
  ASSERT_TRUE(connectTo(late, acceptor.port()));
  EXPECT_TRUE(sbtest::eventually([&] {
    std::lock_guard lock(mutex);
    return accepted.size() == 1;
  })) << "accepted again once descriptors are free";
  acceptor.stop();
  for (int fd : clients) ::close(fd);
  ::close(late);
  for (int fd : accepted) ::close(fd);
}

}  // namespace

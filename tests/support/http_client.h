// A deliberately plain HTTP/1.1 client over a loopback socket, so tests control every byte
// (no Connection header unless asked) and can see whether the server keeps the connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sbtest {

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const;
};

// A TCP socket connected to 127.0.0.1:port (close-on-exec); `receive_buffer` > 0 sets
// SO_RCVBUF first (a small one makes a slow reader). Throws when it cannot connect.
int connectLoopback(std::uint16_t port, int receive_buffer = 0);

class Connection {
 public:
  explicit Connection(std::uint16_t port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void sendRaw(const std::string& bytes);
  // Sends METHOD PATH HTTP/1.1 with Host, Content-Length (when there is a body) and `headers`.
  void send(const std::string& method, const std::string& path, const std::string& body = "",
            const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Reads one response; throws on timeout or when the server closed first. `head`: the answer
  // to a HEAD request, which has no body whatever its Content-Length says.
  Response read(std::chrono::milliseconds timeout = std::chrono::seconds(10), bool head = false);
  // True when the server closes the connection within `timeout`.
  bool closedByPeer(std::chrono::milliseconds timeout);

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
Response request(std::uint16_t port, const std::string& method, const std::string& path,
                 const std::string& body = "",
                 const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace sbtest

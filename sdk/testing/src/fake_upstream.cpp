#include "switchboard/testing/fake_upstream.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace switchboard::testing {
namespace {

std::optional<std::string> findPair(const std::vector<std::pair<std::string, std::string>>& pairs,
                                    std::string_view name) {
  for (const auto& [k, v] : pairs)
    if (k == name) return v;
  return std::nullopt;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

bool matches(const std::string& pattern, const std::string& path) {
  if (!pattern.empty() && pattern.back() == '*')
    return path.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return pattern == path;
}

// One request being read off a connection by http_parser.
struct Reading {
  RecordedRequest request;
  std::string field;
  bool in_value = false;
  std::deque<RecordedRequest> complete;
};

}  // namespace

std::optional<std::string_view> RecordedRequest::header(std::string_view name) const {
  return findHeader(headers, name);
}

std::optional<std::string> RecordedRequest::queryParam(std::string_view name) const {
  return findPair(query, name);
}

std::optional<std::string> RecordedRequest::formField(std::string_view name) const {
  return findPair(switchboard::formDecode(body), name);
}

Reply Reply::json(int status, std::string body) {
  Reply r(status);
  r.body = std::move(body);
  return r.header("Content-Type", "application/json");
}

Reply Reply::text(int status, std::string body) {
  Reply r(status);
  r.body = std::move(body);
  return r.header("Content-Type", "text/plain");
}

Reply Reply::dropConnection() {
  Reply r;
  r.drop = true;
  return r;
}

Reply& Reply::header(std::string name, std::string value) {
  headers.push_back({std::move(name), std::move(value)});
  return *this;
}

Reply& Reply::after(std::chrono::milliseconds wait) {
  delay = wait;
  return *this;
}

struct FakeUpstream::State {
  struct Script {
    std::string method, path;
    Responder responder;
    int fail_next = 0;
    Reply failure;
  };

  int listener = -1;
  std::uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::thread acceptor;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;  // a request recorded, or stopping
  std::vector<Script> scripts;              // searched newest first
  std::vector<RecordedRequest> requests;
  std::list<std::thread> connections;
  std::vector<int> open_fds;

  Reply answer(const RecordedRequest& request) {
    std::unique_lock lock(mutex);
    requests.push_back(request);
    changed.notify_all();
    for (auto it = scripts.rbegin(); it != scripts.rend(); ++it) {
      if (it->method != request.method || !matches(it->path, request.path)) continue;
      if (it->fail_next > 0) {
        --it->fail_next;
        return it->failure;
      }
      if (!it->responder) continue;  // only failures scripted here: an older script answers
      Responder responder = it->responder;
      lock.unlock();
      return responder(request);
    }
    return Reply::json(404, R"({"error":"not scripted"})");
  }

  // Waits `d` unless the server stops first; false when it stops.
  bool pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return !changed.wait_for(lock, d, [&] { return stopping.load(); });
  }

  void serve(int fd) {
    Reading reading;
    http_parser parser;
    http_parser_init(&parser, HTTP_REQUEST);
    parser.data = &reading;
    http_parser_settings settings;
    http_parser_settings_init(&settings);
    settings.on_url = [](http_parser* p, const char* at, std::size_t n) {
      static_cast<Reading*>(p->data)->request.target.append(at, n);
      return 0;
    };
    settings.on_header_field = [](http_parser* p, const char* at, std::size_t n) {
      auto* r = static_cast<Reading*>(p->data);
      if (r->in_value) {
        r->field.clear();
        r->in_value = false;
      }
      r->field.append(at, n);
      return 0;
    };
    settings.on_header_value = [](http_parser* p, const char* at, std::size_t n) {
      auto* r = static_cast<Reading*>(p->data);
      if (!r->in_value) {
        std::string name = r->field;
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        r->request.headers.push_back({name, ""});
        r->in_value = true;
      }
      r->request.headers.back().value.append(at, n);
      return 0;
    };
    settings.on_body = [](http_parser* p, const char* at, std::size_t n) {
      static_cast<Reading*>(p->data)->request.body.append(at, n);
      return 0;
    };
    settings.on_message_complete = [](http_parser* p) {
      auto* r = static_cast<Reading*>(p->data);
      r->request.method = http_method_str(static_cast<http_method>(p->method));
      const auto& target = r->request.target;
      const auto q = target.find('?');
      r->request.path = switchboard::percentDecode(target.substr(0, q), false);
      if (q != std::string::npos) r->request.query = switchboard::formDecode(target.substr(q + 1));
      r->request.at = std::chrono::steady_clock::now();
      r->complete.push_back(std::move(r->request));
      r->request = RecordedRequest{};
      r->field.clear();
      r->in_value = false;
      return 0;
    };

    char buffer[16384];
    while (!stopping) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      const auto parsed = http_parser_execute(&parser, &settings, buffer, static_cast<size_t>(n));
      if (parser.http_errno != HPE_OK || parsed != static_cast<size_t>(n)) break;
      bool close = false;
      while (!reading.complete.empty() && !close) {
        RecordedRequest request = std::move(reading.complete.front());
        reading.complete.pop_front();
        const Reply reply = answer(request);
        if (reply.delay.count() > 0 && !pause(reply.delay)) return;
        if (reply.drop) return;
        std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
                          "\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\n";
        for (const auto& h : reply.headers) out += h.name + ": " + h.value + "\r\n";
        out += "\r\n";
        if (request.method != "HEAD") out += reply.body;
        std::size_t sent = 0;
        while (sent < out.size()) {
          const ssize_t w = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
          if (w <= 0) return;
          sent += static_cast<std::size_t>(w);
        }
        close = request.header("connection") == std::string_view("close");
      }
      if (close) break;
    }
  }

  void acceptLoop() {
    while (!stopping) {
      pollfd p{listener, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;  // 100 ms: how soon a stop is seen
      const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::lock_guard lock(mutex);
      if (stopping) {
        ::close(fd);
        break;
      }
      open_fds.push_back(fd);
      connections.emplace_back([this, fd] {
        serve(fd);
        std::lock_guard done(mutex);
        auto it = std::find(open_fds.begin(), open_fds.end(), fd);
        if (it != open_fds.end()) open_fds.erase(it);
        ::close(fd);
      });
    }
  }
};

FakeUpstream::FakeUpstream() : state_(std::make_unique<State>()) {
  state_->listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (state_->listener < 0) throw std::runtime_error("FakeUpstream: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(state_->listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(state_->listener, 128) != 0 ||
      ::getsockname(state_->listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(state_->listener);
    throw std::runtime_error("FakeUpstream: cannot listen on loopback");
  }
  state_->port = ntohs(addr.sin_port);
  state_->acceptor = std::thread([s = state_.get()] { s->acceptLoop(); });
}

FakeUpstream::~FakeUpstream() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    for (int fd : state_->open_fds) ::shutdown(fd, SHUT_RDWR);  // wakes their recv()
    state_->changed.notify_all();
  }
  state_->acceptor.join();
  ::close(state_->listener);
  std::list<std::thread> connections;
  {
    std::lock_guard lock(state_->mutex);
    connections.swap(state_->connections);
  }
  for (auto& t : connections) t.join();
}

std::uint16_t FakeUpstream::port() const {
  return state_->port;
}

std::string FakeUpstream::url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

void FakeUpstream::on(const std::string& method, const std::string& path, Reply reply) {
  on(method, path, [reply](const RecordedRequest&) { return reply; });
}

void FakeUpstream::on(const std::string& method, const std::string& path, Responder responder) {
  std::lock_guard lock(state_->mutex);
  state_->scripts.push_back({method, path, std::move(responder), 0, {}});
}

void FakeUpstream::failNext(const std::string& method, const std::string& path, int n,
                            Reply reply) {
  std::lock_guard lock(state_->mutex);
  state_->scripts.push_back({method, path, nullptr, n, std::move(reply)});
}

std::vector<RecordedRequest> FakeUpstream::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::vector<RecordedRequest> FakeUpstream::requests(const std::string& method,
                                                    const std::string& path) const {
  std::lock_guard lock(state_->mutex);
  std::vector<RecordedRequest> out;
  for (const auto& r : state_->requests)
    if (r.method == method && matches(path, r.path)) out.push_back(r);
  return out;
}

std::vector<RecordedRequest> FakeUpstream::waitFor(const std::string& method,
                                                   const std::string& path, std::size_t count,
                                                   std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  const auto count_now = [&] {
    return static_cast<std::size_t>(
        std::count_if(state_->requests.begin(), state_->requests.end(),
                      [&](const auto& r) { return r.method == method && matches(path, r.path); }));
  };
  state_->changed.wait_for(lock, timeout, [&] { return count_now() >= count; });
  lock.unlock();
  return requests(method, path);
}

void FakeUpstream::forgetRequests() {
  std::lock_guard lock(state_->mutex);
  state_->requests.clear();
}

namespace {

std::size_t collectBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::size_t collectHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<std::vector<HttpHeader>*>(user);
  const std::string line(data, size * count);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    const auto first = line.find_first_not_of(" \t", colon + 1);
    const auto last = line.find_last_not_of(" \t\r\n");
    headers->push_back({name, first == std::string::npos || last < first
                                  ? ""
                                  : line.substr(first, last - first + 1)});
  }
  return size * count;
}

}  // namespace

Delivery postWebhook(const std::string& url, const std::string& body,
                     const std::vector<HttpHeader>& headers, const std::string& content_type) {
  auto all = headers;
  all.insert(all.begin(), {"Content-Type", content_type});
  return httpRequest("POST", url, body, all);
}

Delivery httpRequest(const std::string& method, const std::string& url, const std::string& body,
                     const std::vector<HttpHeader>& headers) {
  Delivery out;
  CURL* h = curl_easy_init();
  if (!h) {
    out.error = "cannot create a libcurl handle";
    return out;
  }
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  for (const auto& hd : headers)
    list = curl_slist_append(list, (hd.name + ": " + hd.value).c_str());
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collectBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collectHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &out.headers);
  const CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    out.status = static_cast<int>(status);
  } else {
    out.error = curl_easy_strerror(rc);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(h);
  return out;
}

}  // namespace switchboard::testing

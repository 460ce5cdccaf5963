#include "http/http_server.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <sys/socket.h>

#include <algorithm>
#include <sstream>
#include <thread>

namespace sb::http {
namespace {

namespace PH = Pistache::Http;

// Counts a request from its arrival until its response is on the wire (or failed), so a
// drain waits for the bytes, not only for the handler.
class InFlight {
 public:
  explicit InFlight(observability::Metrics& m) : m_(m) { m_.in_flight.fetch_add(1); }
  ~InFlight() { m_.in_flight.fetch_sub(1); }

 private:
  observability::Metrics& m_;
};

// Pistache 0.0.5 writes only typed headers (raw ones are dropped from responses), and its
// typed headers have static names; this one carries any name a plugin sets.
class NamedHeader final : public PH::Header::Header {
 public:
  NamedHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& out) const override { out << value_; }
#ifdef SAFE_HEADER_CAST
  // Used by Pistache's header_cast to tell header types apart; never equal to a typed header's.
  uint64_t hash() const override {
    return 0;
  }
#endif

 private:
  std::string name_;
  std::string value_;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

switchboard::HttpRequest translate(const PH::Request& req) {
  switchboard::HttpRequest r;
  r.method = PH::methodString(req.method());
  r.path = req.resource();
  const auto& query = req.query();
  for (auto it = query.parameters_begin(); it != query.parameters_end(); ++it)
    r.query.emplace_back(percentDecode(it->first, true), percentDecode(it->second, true));
  for (const auto& h : req.headers().list()) {
    std::ostringstream value;
    h->write(value);
    r.headers.push_back({lower(h->name()), value.str()});
  }
  for (const auto& [name, raw] : req.headers().rawList())
    r.headers.push_back({lower(name), raw.value()});
  r.body = req.body();
  r.remote_address = req.address().host();
  return r;
}

// RFC 9112 §9.3: HTTP/1.1 is persistent unless "close" is sent; HTTP/1.0 only with
// "keep-alive". Pistache 0.0.5 answers `Connection: Close` whenever the request has no
// Connection header, so the kernel decides and replaces Pistache's header.
bool keepAlive(const PH::Request& req) {
  if (auto c = req.headers().tryGet<PH::Header::Connection>())
    return c->control() == PH::ConnectionControl::KeepAlive;
  return req.version() == PH::Version::Http11;
}

class Adapter final : public PH::Handler {
 public:
  HTTP_PROTOTYPE(Adapter)

  Adapter(const RequestDispatcher& dispatcher, observability::Metrics& metrics,
          std::shared_ptr<std::atomic<bool>> draining)
      : dispatcher_(dispatcher), metrics_(metrics), draining_(std::move(draining)) {}

  void onRequest(const PH::Request& req, PH::ResponseWriter writer) override {
    auto guard = std::make_shared<InFlight>(metrics_);
    switchboard::HttpRequest request = translate(req);
    const bool keep_alive = keepAlive(req);
    // The writer moves into the reply: durable routes answer from the commit thread (Pistache
    // queues writes to the connection's reactor, which is safe from any thread).
    auto out = std::make_shared<PH::ResponseWriter>(std::move(writer));
    dispatcher_.dispatch(request, [out, guard, keep_alive, draining = draining_](
                                      switchboard::HttpResponse response) {
      const bool keep = keep_alive && !draining->load();
      auto& headers = out->headers();
      headers.remove<PH::Header::Connection>();
      headers.add<PH::Header::Connection>(keep ? PH::ConnectionControl::KeepAlive
                                               : PH::ConnectionControl::Close);
      for (auto& h : response.headers)
        headers.add(std::make_shared<NamedHeader>(std::move(h.name), std::move(h.value)));
      try {
        // Pistache 0.0.5 leaves the connection open after `Connection: close`; once the
        // response is written the kernel shuts the socket down, and Pistache reaps it.
        std::shared_ptr<Pistache::Tcp::Peer> closing = keep ? nullptr : out->peer();
        out->send(static_cast<PH::Code>(response.status), response.body)
            .then(
                [guard, closing](ssize_t) {
                  if (closing) ::shutdown(closing->fd(), SHUT_RDWR);
                },
                [guard](std::exception_ptr&) {});
      } catch (const std::exception&) {
        // The client went away before its answer: nothing to send it to.
      }
    });
  }

 private:
  const RequestDispatcher& dispatcher_;
  observability::Metrics& metrics_;
  std::shared_ptr<std::atomic<bool>> draining_;
};

}  // namespace

HttpServer::HttpServer(const config::ServerConfig& config, const RequestDispatcher& dispatcher,
                       observability::Metrics& metrics)
    : config_(config), dispatcher_(dispatcher), metrics_(metrics) {}

HttpServer::~HttpServer() {
  if (running_) endpoint_->shutdown();
}

void HttpServer::start() {
  Pistache::Address address(config_.host, Pistache::Port(config_.port));
  endpoint_ = std::make_unique<PH::Endpoint>(address);
  // Pistache limits the whole request (line + headers + body); the kernel answers a body over
  // max_body_bytes itself with a JSON 413, so Pistache's own limit leaves room for the headers.
  const std::size_t request_limit = config_.max_body_bytes + config_.max_header_bytes + 1024;
  endpoint_->init(PH::Endpoint::options()
                      .threads(config_.threads)
                      .flags(Pistache::Tcp::Options::ReuseAddr)
                      .maxRequestSize(request_limit)
                      .maxResponseSize(std::max<std::size_t>(request_limit, 4 << 20)));
  endpoint_->setHandler(PH::make_handler<Adapter>(dispatcher_, metrics_, draining_));
  endpoint_->serveThreaded();
  running_ = true;
}

std::uint16_t HttpServer::port() const {
  return endpoint_ ? static_cast<std::uint16_t>(endpoint_->getPort()) : 0;
}

void HttpServer::drainAndShutdown(std::chrono::milliseconds timeout) {
  if (!running_) return;
  draining_->store(true);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (metrics_.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  endpoint_->shutdown();
  running_ = false;
}

}  // namespace sb::http

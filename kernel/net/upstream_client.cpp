#include "net/upstream_client.h"

#include <cstdlib>
#include <random>
#include <thread>

#include "net/redaction.h"
#include "net/retry_after.h"
#include "storage/transaction_mark.h"
#include "util/backoff.h"

namespace switchboard::kernel::net {
namespace {

using std::chrono::milliseconds;

std::string statusLabel(const switchboard::OutboundResponse& r) {
  if (r.circuit_open) return "circuit_open";
  if (r.status != 0) return std::to_string(r.status);
  return r.timed_out ? "timeout" : "error";
}

std::string outcome(const switchboard::OutboundResponse& r) {
  if (r.status != 0) return std::to_string(r.status);
  return r.error.empty() ? "no answer" : r.error;
}

}  // namespace

void realSleep(milliseconds d) {
  std::this_thread::sleep_for(d);
}

double threadRandomUnit() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0, 1)(rng);
}

std::string hostOf(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  const auto at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  return authority;
}

UpstreamClient::UpstreamClient(std::string plugin, config::OutboundConfig settings,
                               std::shared_ptr<spdlog::logger> log, UpstreamFacilities facilities)
    : plugin_(std::move(plugin)),
      settings_(settings),
      log_(std::move(log)),
      facilities_(std::move(facilities)) {}

bool UpstreamClient::repeatable(const switchboard::OutboundRequest& request,
                                const switchboard::OutboundResponse& response) {
  if (!request.retry) return false;
  if (response.connect_failed) return true;  // nothing reached the upstream
  const auto& m = request.method;
  if (m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS") return true;
  return !request.idempotency_key.empty();
}

bool UpstreamClient::transient(const switchboard::OutboundResponse& response) {
  return response.status == 0 || response.status == 429 || response.status >= 500;
}

void UpstreamClient::breakerChanged(const BreakerKey& key, BreakerState state,
                                    const std::string& why) {
  if (state == BreakerState::Open)
    log_->warn("circuit to {}{}{} opened: {}; calls fail at once for {} ms", key.upstream,
               key.tenant.empty() ? "" : " for ", key.tenant, why,
               settings_.breaker_cooldown.count());
  else
    log_->info("circuit to {}{}{} closed: {}", key.upstream, key.tenant.empty() ? "" : " for ",
               key.tenant, why);
  if (facilities_.on_breaker) facilities_.on_breaker(key, state);
}

switchboard::OutboundResponse UpstreamClient::send(const switchboard::OutboundRequest& request) {
  if (storage::TransactionMark::held()) {
    // It would hold the transaction (SQLite's write lock) for the upstream's time and be made
    // again with every retry of it. Under SWITCHBOARD_STRICT=1 (the test kit's servers) a
    // refusal; in production an error in the log, and the call is made.
    const std::string what = "plugin '" + plugin_ + "' called " +
                             redactUrl(request.url, secretsOf(request)) +
                             " inside a database transaction (call upstreams from a job's call "
                             "step: switchboard/inbox.h)";
    static const bool strict = [] {
      const char* v = std::getenv("SWITCHBOARD_STRICT");
      return v && std::string(v) == "1";
    }();
    if (strict) throw std::logic_error(what);
    log_->error("{}", what);
  }
  switchboard::OutboundRequest attempt_request = request;
  if (attempt_request.timeout.count() <= 0) attempt_request.timeout = settings_.timeout;
  if (!request.idempotency_key.empty() && !request.idempotency_header.empty() &&
      !switchboard::findHeader(request.headers, request.idempotency_header))
    attempt_request.headers.push_back({request.idempotency_header, request.idempotency_key});

  const BreakerKey key{plugin_, request.upstream.empty() ? hostOf(request.url) : request.upstream,
                       request.tenant};
  CircuitBreaker& breaker =
      facilities_.breakers.get(key, {settings_.breaker_failures, settings_.breaker_cooldown});
  const std::string shown = redactUrl(request.url, secretsOf(request));
  const util::RetryPolicy backoff{settings_.backoff_base, settings_.backoff_cap,
                                  settings_.max_attempts};

  switchboard::OutboundResponse response;
  for (int attempt = 1;; ++attempt) {
    if (!breaker.allow(facilities_.clock.now())) {
      facilities_.metrics.record(plugin_, key.upstream, "circuit_open", std::nullopt);
      if (attempt == 1) {  // nothing was sent: say why; else keep the last real answer
        response.circuit_open = true;
        response.error = "circuit open: " + key.upstream + " failed " +
                         std::to_string(breaker.consecutiveFailures()) +
                         " times in a row; no call made";
      }
      // A job waits for the cool-down instead of spending its attempts against the breaker.
      const auto wait = breaker.waitLeft(facilities_.clock.now());
      if (!response.retry_after || *response.retry_after < wait) response.retry_after = wait;
      response.attempts = attempt - 1;
      return response;
    }
    const auto started = std::chrono::steady_clock::now();
    response = facilities_.transport.perform(attempt_request, settings_.connect_timeout);
    const auto took = std::chrono::steady_clock::now() - started;
    response.attempts = attempt;
    facilities_.metrics.record(plugin_, key.upstream, statusLabel(response), took);

    const bool failure = response.status == 0 || response.status >= 500;
    const auto change = failure ? breaker.failed(facilities_.clock.now()) : breaker.succeeded();
    if (change) breakerChanged(key, *change, outcome(response));

    const bool again = transient(response) && repeatable(request, response);
    log_->debug("{} {} -> {} in {} ms (attempt {}/{})", request.method, shown, outcome(response),
                std::chrono::duration_cast<milliseconds>(took).count(), attempt,
                settings_.max_attempts);

    std::optional<milliseconds> asked;
    if (auto value = response.header("retry-after"))
      asked = parseRetryAfter(*value, facilities_.clock.now());
    if (!again || attempt >= settings_.max_attempts) {
      if (asked && transient(response)) response.retry_after = asked;
      if (failure || response.status == 429)
        log_->warn("{} {} -> {} after {} attempt(s){}", request.method, shown, outcome(response),
                   attempt, again ? "" : " (not retried: repeating it is not known to be safe)");
      return response;
    }
    if (asked && *asked > settings_.max_retry_after) {
      response.retry_after = asked;  // longer than a caller should block: its job waits instead
      log_->warn("{} {} -> {}; the upstream asks to wait {} ms, longer than max_retry_after_ms",
                 request.method, shown, outcome(response), asked->count());
      return response;
    }
    const milliseconds delay =
        asked ? *asked : *util::retryDelay(backoff, attempt, facilities_.unit_random());
    log_->info("{} {} -> {}; retrying in {} ms (attempt {}/{})", request.method, shown,
               outcome(response), delay.count(), attempt + 1, settings_.max_attempts);
    facilities_.sleep(delay);
    if (request.find_earlier && response.status == 0 && !response.connect_failed) {
      // The request may have been taken: ask the upstream before sending it again.
      if (auto earlier = request.find_earlier()) {
        log_->info("{} {}: the earlier attempt was taken after all; not repeated", request.method,
                   shown);
        earlier->attempts = attempt;
        return *earlier;
      }
    }
  }
}

}  // namespace switchboard::kernel::net

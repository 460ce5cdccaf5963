// The last webhook received per company, for the diagnostic. Kept in memory as each webhook is
// processed, and written to `retell_activity` at most once a second per company: one row per
// company, upserted by every webhook inside the workers' transactions, was a lock that held
// PostgreSQL's workers one behind the other for a whole batch (a company's calls ran at 140/s).
// The diagnostic reads the table (other processes, earlier runs) and this process's latest,
// and shows the newer; the table lags by at most a second of a company's webhooks.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace retell {

struct WebhookSeen {
  std::string event;
  std::string call_id;
  std::int64_t received_at_ms = 0;
};

class WebhookActivity {
 public:
  static constexpr std::chrono::seconds kWriteEvery{1};

  using Clock = std::chrono::steady_clock;

  // Notes a webhook processed at `now`; true when it is the company's time to write the row.
  bool seen(const std::string& company, WebhookSeen webhook, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto& latest = latest_[company];
    if (webhook.received_at_ms >= latest.received_at_ms) latest = std::move(webhook);
    auto& written = written_[company];
    if (written != Clock::time_point{} && now - written < kWriteEvery) return false;
    written = now;
    return true;
  }

  // `stored` (the table's rows) with this process's newer ones in their place.
  std::map<std::string, WebhookSeen> merged(std::map<std::string, WebhookSeen> stored) const {
    std::lock_guard lock(mutex_);
    for (const auto& [company, latest] : latest_)
      if (auto& s = stored[company]; latest.received_at_ms >= s.received_at_ms) s = latest;
    return stored;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, WebhookSeen> latest_;
  std::map<std::string, Clock::time_point> written_;
};

}  // namespace retell

// While an inbox item is processed, what its handler publishes joins the item's transaction:
// deliveries to async subscribers are stored in it (rolled back with a failed attempt, so a
// retry does not deliver twice) and inline deliveries wait until it has committed (a failed
// attempt's events never reach anyone). Installed per thread by whoever owns the transaction.
#pragma once

#include <functional>
#include <vector>

namespace soci {
class session;
}
namespace switchboard::db {
class Session;
}  // namespace switchboard::db

namespace switchboard::kernel::events {

class PublishScope {
 public:
  // `attempt`: the publishing item's (1 first), for subscribers delivered in its transaction.
  // `session`: the same transaction as plugins see it (switchboard/db.h).
  PublishScope(soci::session& tx, db::Session& session, int attempt = 1);
  ~PublishScope();
  PublishScope(const PublishScope&) = delete;
  PublishScope& operator=(const PublishScope&) = delete;

  // The scope installed on this thread, or nullptr.
  static PublishScope* current();

  soci::session& tx() { return tx_; }
  db::Session& session() { return session_; }
  int attempt() const { return attempt_; }
  void defer(std::function<void()> delivery) { deferred_.push_back(std::move(delivery)); }
  // The inline deliveries to run once the transaction has committed.
  std::vector<std::function<void()>> takeDeferred() { return std::move(deferred_); }

  // Publishes made while one is alive do not join the thread's scope: for facts that are true
  // whatever the attempt's outcome (an upstream's circuit opened during a failing attempt).
  class Detached {
   public:
    Detached();
    ~Detached();
    Detached(const Detached&) = delete;
    Detached& operator=(const Detached&) = delete;

   private:
    PublishScope* saved_;
  };

 private:
  soci::session& tx_;
  db::Session& session_;
  int attempt_;
  PublishScope* outer_;
  std::vector<std::function<void()>> deferred_;
};

}  // namespace switchboard::kernel::events

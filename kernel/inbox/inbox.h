// The durable inbox as the kernel uses it: the HTTP side (verify, identify, group-committed
// insert, acknowledge), jobs and async events going in, workers taking them out.
#pragma once

#include <spdlog/logger.h>

#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "http/reply.h"
#include "http/request_dispatcher.h"
#include "inbox/group_committer.h"
#include "inbox/inbox_store.h"
#include "inbox/workers.h"
#include "observability/metrics.h"
#include "plugin_host/handler_registry.h"
#include "storage/database.h"

namespace switchboard::kernel::inbox {

class Inbox final : public http::DurableSink {
 public:
  Inbox(storage::Database& db, const config::InboxConfig& config,
        const plugins::HandlerRegistry& handlers, const switchboard::Clock& clock,
        observability::Metrics& metrics, std::shared_ptr<spdlog::logger> log);
  ~Inbox();

  // Starts the workers; on SQLite (one process owns the inbox) first makes rows a crashed
  // predecessor had claimed claimable again.
  void start();
  // Stops taking webhooks, commits what is queued, lets workers finish their current item.
  void stop();

  // A request on a durable route: 401 (or whatever verify answers) and nothing stored, 400 for
  // a body identify rejects, else stored and then acknowledged; a duplicate is acknowledged
  // without being stored again.
  void accept(const http::RouteTarget& target, const switchboard::HttpRequest& request,
              http::Reply reply) override;

  // A plugin's job of `type`, due at `run_at`; inside `tx` when given. False for a duplicate
  // key (an empty key gets a random one: never a duplicate).
  bool enqueueJob(const std::string& plugin, const std::string& type, const std::string& payload,
                  switchboard::TimePoint run_at, const std::string& key, soci::session* tx);
  // `event` for one async subscriber (plugin, handler); inside `tx` when given.
  bool enqueueEvent(const std::string& plugin, const std::string& handler,
                    const switchboard::Event& event, soci::session* tx);

  // Depth by state and the age of the oldest pending item, Prometheus text.
  std::string metricsText();

  InboxStore& store() { return store_; }
  Workers& workers() { return workers_; }
  // Wakes idle workers of every lane (rows were committed).
  void wake();
  // Told of each item that will not be tried again, in any lane (set before start()).
  void onDead(Workers::DeadListener listener) { on_dead_ = std::move(listener); }

 private:
  bool enqueue(const NewItem& item, soci::session* tx);

  storage::Database& db_;
  const switchboard::Clock& clock_;
  observability::Metrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  InboxStore store_;
  const plugins::HandlerRegistry& handlers_;
  const config::InboxConfig config_;  // a copy: the loaded config is gone after prepare()
  Workers workers_;
  // Upstream job types' lanes, each with workers of its own (made at start()).
  std::map<std::string, std::unique_ptr<Workers>> lanes_;
  Workers::DeadListener on_dead_;
  std::unique_ptr<GroupCommitter> committer_;
};

}  // namespace switchboard::kernel::inbox

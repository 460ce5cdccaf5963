#include "inbox/inbox.h"

#include "events/event_codec.h"
#include "switchboard/crypto.h"
#include "util/ids.h"
#include "util/utf8.h"

namespace switchboard::kernel::inbox {

using switchboard::HttpResponse;

Inbox::Inbox(storage::Database& db, const config::InboxConfig& config,
             const plugins::HandlerRegistry& handlers, const switchboard::Clock& clock,
             observability::Metrics& metrics, std::shared_ptr<spdlog::logger> log)
    : db_(db),
      clock_(clock),
      metrics_(metrics),
      log_(std::move(log)),
      store_(db),
      handlers_(handlers),
      config_(config),
      workers_(store_, db, handlers, config, clock, metrics, log_,
               "switchboard-" + util::randomId().substr(0, 12)) {}

static std::string laneOf(const plugins::HandlerRegistry& handlers, const std::string& plugin,
                          const std::string& type) {
  return handlers.upstreamCall(plugin, type) ? plugin + "." + type : "";
}

void Inbox::wake() {
  workers_.wake();
  for (auto& [name, lane] : lanes_) lane->wake();
}

Inbox::~Inbox() {
  stop();
}

void Inbox::start() {
  if (!db_.isPostgres()) {
    if (const int released = store_.releaseLeases(); released > 0)
      log_->warn("{} inbox items were being processed when the last run ended; retrying them",
                 released);
  }
  // Each upstream job type's calls are claimed by workers of their own: a hung upstream holds
  // its lane, never the workers that take webhooks, events and the other lanes' jobs.
  for (const auto& [plugin, type] : handlers_.upstreamCalls()) {
    const auto name = plugin + "." + type;
    lanes_[name] =
        std::make_unique<Workers>(store_, db_, handlers_, config_, clock_, metrics_, log_,
                                  workers_.owner() + "/" + name, name, config_.upstream_workers);
  }
  workers_.onDead(on_dead_);
  workers_.afterCommit([this] {
    for (auto& [name, lane] : lanes_) lane->wake();
  });
  for (auto& [name, lane] : lanes_) {
    lane->onDead(on_dead_);
    lane->afterCommit([this] { wake(); });
  }
  committer_ = std::make_unique<GroupCommitter>(store_, metrics_, log_, [this] { wake(); });
  workers_.start();
  for (auto& [name, lane] : lanes_) lane->start();
}

void Inbox::stop() {
  if (committer_) committer_->stop();
  workers_.stop();
  for (auto& [name, lane] : lanes_) lane->stop();
}

void Inbox::accept(const http::RouteTarget& target, const switchboard::HttpRequest& request,
                   http::Reply reply) {
  const switchboard::DurableHandler& durable = *target.durable;
  if (durable.verify) {
    if (auto refusal = durable.verify(request)) {
      reply(std::move(*refusal));
      return;
    }
  }
  switchboard::WebhookIdentity identity;
  if (durable.identify) {
    try {
      identity = durable.identify(request);
    } catch (const std::invalid_argument& e) {
      reply(HttpResponse::error(request, 400, e.what()));
      return;
    }
  }
  // Everything stored must be text the database takes (PostgreSQL TEXT: UTF-8, no NUL): a
  // sender's bad bytes are its own 400, never a failed commit for the senders batched with it.
  std::string bad;
  if (!util::isStorableText(request.body))
    bad = "the body";
  else if (!util::isStorableText(identity.event_id))
    bad = "the event id";
  else if (!util::isStorableText(identity.event_type))
    bad = "the event type";
  else if (!util::isStorableText(identity.tenant))
    bad = "the tenant";
  for (const auto& name : identity.keep_headers)
    if (auto value = request.header(name); bad.empty() && value && !util::isStorableText(*value))
      bad = "the header " + name;
  if (identity.keep_target && bad.empty() && !util::isStorableText(request.target))
    bad = "the request target";
  if (!bad.empty()) {
    reply(HttpResponse::error(request, 400, bad + " must be UTF-8 text without NUL bytes"));
    return;
  }
  if (!committer_) {
    reply(HttpResponse::error(request, 503, "the inbox is not running"));
    return;
  }
  NewItem item;
  item.kind = kind::kWebhook;
  item.source = target.plugin;
  item.handler = target.handler_name;
  item.type = identity.event_type;
  item.dedupe_key = identity.event_id.empty()
                        ? "sha256:" + switchboard::crypto::sha256Hex(request.body)
                        : identity.event_id;
  item.tenant = identity.tenant;
  item.payload = request.body;
  for (const auto& name : identity.keep_headers)
    if (auto value = request.header(name)) item.headers.push_back({name, std::string(*value)});
  if (identity.keep_target)
    item.headers.push_back({switchboard::InboxItem::kTargetHeader, request.target});
  item.received_ms = item.run_at_ms = toMs(clock_.now());

  HttpResponse ack = durable.acknowledge ? durable.acknowledge(request)
                                         : HttpResponse::json(200, R"({"received":true})");
  auto failure = HttpResponse::error(request, 503, "the webhook could not be stored; retry");
  committer_->submit(std::move(item), [this, reply = std::move(reply), ack = std::move(ack),
                                       failure = std::move(failure)](const CommitResult& r) {
    if (r.duplicate) metrics_.inbox_duplicates.fetch_add(1);
    reply(r.stored ? ack : failure);
  });
}

bool Inbox::enqueueJob(const std::string& plugin, const std::string& type,
                       const std::string& payload, switchboard::TimePoint run_at,
                       const std::string& key, soci::session* tx) {
  NewItem item;
  item.kind = kind::kJob;
  item.source = plugin;
  item.handler = item.type = type;
  item.dedupe_key = key.empty() ? util::randomId() : key;
  item.payload = payload;
  item.received_ms = toMs(clock_.now());
  item.run_at_ms = toMs(run_at);
  item.lane = laneOf(handlers_, plugin, type);
  return enqueue(item, tx);
}

bool Inbox::enqueueEvent(const std::string& plugin, const std::string& handler,
                         const switchboard::Event& event, soci::session* tx) {
  NewItem item;
  item.kind = kind::kEvent;
  item.source = plugin;
  item.handler = handler;
  item.type = event.topic;
  item.dedupe_key = event.id;
  item.tenant = event.tenant;
  item.payload = events::toJson(event);
  item.received_ms = item.run_at_ms = toMs(clock_.now());
  return enqueue(item, tx);
}

bool Inbox::enqueue(const NewItem& item, soci::session* tx) {
  bool inserted;
  if (tx) {
    inserted = store_.insert(*tx, item);
  } else {
    inserted = store_.insertBatch({item}).front();
    wake();
  }
  if (!inserted) metrics_.inbox_duplicates.fetch_add(1);
  return inserted;
}

std::string Inbox::metricsText() {
  std::string out =
      "# HELP switchboard_inbox_items Inbox items by state.\n"
      "# TYPE switchboard_inbox_items gauge\n";
  // Deferred read before the items and settled after: equal, with no item pending or running,
  // nothing the inbox caused was still happening while the items were counted (but for a
  // delivery that began and another that ended meanwhile: a reader wanting certainty reads
  // twice and compares `deferred`).
  const auto deferred = metrics_.deliveries_deferred.load();
  double oldest_pending_age = 0;
  const auto now = toMs(clock_.now());
  std::map<std::string, std::int64_t> counts{
      {"pending", 0}, {"running", 0}, {"done", 0}, {"dead", 0}};
  for (const auto& c : store_.counts()) {
    counts[c.state] = c.count;
    if (c.state == "pending" && c.count > 0)
      oldest_pending_age = (now - c.oldest_received_ms) / 1000.0;
  }
  for (const auto& [state, count] : counts)
    out += "switchboard_inbox_items{state=\"" + state + "\"} " + std::to_string(count) + "\n";
  out +=
      "# HELP switchboard_inbox_oldest_pending_age_seconds Age of the oldest pending item.\n"
      "# TYPE switchboard_inbox_oldest_pending_age_seconds gauge\n"
      "switchboard_inbox_oldest_pending_age_seconds " +
      std::to_string(oldest_pending_age) + "\n";
  const auto settled = metrics_.deliveries_settled.load();
  out +=
      "# HELP switchboard_inbox_inline_deliveries_total Inline deliveries of events published by "
      "inbox items, held until the item's commit (deferred), then run or dropped (settled).\n"
      "# TYPE switchboard_inbox_inline_deliveries_total counter\n"
      "switchboard_inbox_inline_deliveries_total{stage=\"deferred\"} " +
      std::to_string(deferred) +
      "\n"
      "switchboard_inbox_inline_deliveries_total{stage=\"settled\"} " +
      std::to_string(settled) + "\n";
  return out;
}

}  // namespace switchboard::kernel::inbox

// The durable inbox end to end over HTTP, on SQLite and on a real PostgreSQL.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <functional>
#include <map>

#include "inbox/inbox_store.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/inbox_idle.h"
#include "support/kernel_harness.h"
#include "support/paths.h"
#include "support/postgres_server.h"
#include "support/server_process.h"
#include "support/webhooks.h"
#include "switchboard/json.h"

namespace {

using sbtest::postCourier;
using sbtest::request;
using sbtest::waitForBody;

const std::string kToken = "admin-token-0123456789";

class Inbox : public ::testing::TestWithParam<std::string> {
 protected:
  std::string storageUrl() {  // one database per test
    if (url_.empty())
      url_ = GetParam() == "postgresql"
                 ? sbtest::PostgresServer::shared().createDatabase()
                 : "sqlite://" + (db_dir_.path() / "switchboard.db").string();
    return url_;
  }

  // The test's database, migrated, for rows put in or read out around a server's life.
  void withStore(const std::function<void(switchboard::kernel::inbox::InboxStore&)>& use) {
    namespace storage = switchboard::kernel::storage;
    storage::Database db(*storage::StorageUrl::parse(storageUrl()), 1);
    storage::migrate(db, "kernel", storage::kernelMigrations(GetParam()));
    switchboard::kernel::inbox::InboxStore store(db);
    use(store);
  }

  // A courier webhook as its durable route would have stored it.
  static switchboard::kernel::inbox::NewItem courierItem(const std::string& payload) {
    switchboard::kernel::inbox::NewItem item;
    item.kind = "webhook";
    item.source = "courier";
    item.handler = "webhook";
    item.type = "parcel.sent";
    item.dedupe_key = switchboard::json::parse(payload).root().requireString("id");
    item.payload = payload;
    item.received_ms = item.run_at_ms = 1000;
    return item;
  }

  // A server with the courier on a durable route and the probe recording events.
  std::unique_ptr<sbtest::KernelHarness> start(int max_attempts = 3, int poll_ms = 20,
                                               int workers = 2) {
    auto h = std::make_unique<sbtest::KernelHarness>(
        "storage: { url: \"" + storageUrl() +
        "\" }\n"
        "inbox: { workers: " +
        std::to_string(workers) + ", poll_ms: " + std::to_string(poll_ms) +
        ", retry: { base_ms: 5, cap_ms: 50, max_attempts: " + std::to_string(max_attempts) +
        " } }\n"
        "admin: { token: \"" +
        kToken +
        "\" }\n"
        "plugins:\n"
        "  courier: { library: courier, config: { secret: " +
        sbtest::kCourierSecret +
        " } }\n"
        "  probe: { library: probe }\n"
        "routes:\n"
        "  - { method: POST, path: /webhooks/courier, plugin: courier, handler: webhook, "
        "durable: true }\n"
        "  - { method: GET, path: /processed, plugin: courier, handler: processed }\n"
        "  - { method: POST, path: /heal, plugin: courier, handler: heal }\n"
        "  - { method: POST, path: /publish, plugin: probe, handler: publish }\n"
        "  - { method: GET, path: /events, plugin: probe, handler: events }\n"
        "  - { method: GET, path: /tallied, plugin: courier, handler: tallied }\n"
        "events:\n"
        "  probe.later: [ { handler: probe.record, async: true } ]\n"
        "  courier.processed: [ courier.tally, { handler: probe.record, async: true } ]\n");
    h->start();
    return h;
  }

  sbtest::Response admin(std::uint16_t port, const std::string& method, const std::string& path) {
    return request(port, method, path, "", {{"Authorization", "Bearer " + kToken}});
  }

  sbtest::TempDir db_dir_;
  std::string url_;
};

TEST_P(Inbox, StoresAcknowledgesThenProcesses) {
  auto h = start();
  const auto r = postCourier(h->port(), R"({"id":"evt_1","type":"parcel.sent"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"received":true})");
  EXPECT_EQ(waitForBody(h->port(), "/processed", R"({"evt_1":1})"), R"({"evt_1":1})");
  const auto items = admin(h->port(), "GET", "/api/admin/inbox?state=done");
  EXPECT_NE(items.body.find(R"("key":"evt_1","tenant":"","state":"done","attempts":1)"),
            std::string::npos)
      << items.body;
  EXPECT_NE(items.body.find(R"("type":"parcel.sent")"), std::string::npos);
}

TEST_P(Inbox, FailsTwiceThenSucceedsOnTheThirdAttempt) {
  auto h = start(5);
  EXPECT_EQ(postCourier(h->port(), R"({"id":"evt_2","fail":2})").status, 200);
  EXPECT_EQ(waitForBody(h->port(), "/processed", R"({"evt_2":1})"), R"({"evt_2":1})");
  const auto items = admin(h->port(), "GET", "/api/admin/inbox");
  EXPECT_NE(items.body.find(R"("state":"done","attempts":3)"), std::string::npos) << items.body;
  EXPECT_NE(h->logs().find("attempt 2 failed: told to fail attempt 2"), std::string::npos);
}

// Idle workers sleep until the next retry is due, not for the whole poll interval: with a poll
// of a minute, two retries 5-50 ms apart still finish in a moment.
TEST_P(Inbox, RetriesRunWhenDueNotAtTheNextPoll) {
  auto h = start(3, 60000);
  const auto began = std::chrono::steady_clock::now();
  ASSERT_EQ(postCourier(h->port(), R"({"id":"evt_9","fail":2})").status, 200);
  EXPECT_EQ(waitForBody(h->port(), "/processed", R"({"evt_9":1})", std::chrono::seconds(10)),
            R"({"evt_9":1})");
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(10));
}

TEST_P(Inbox, AlwaysFailingGoesDeadThenReplayFinishesIt) {
  auto h = start(3);
  EXPECT_EQ(postCourier(h->port(), R"({"id":"evt_3","needs_heal":true})").status, 200);
  ASSERT_TRUE(h->waitForLog("is dead after 3 attempts: not healed yet")) << h->logs();
  const auto dead = admin(h->port(), "GET", "/api/admin/inbox?state=dead");
  EXPECT_NE(dead.body.find(R"("last_error":"not healed yet")"), std::string::npos) << dead.body;
  const auto id = dead.body.substr(
      dead.body.find(R"("id":)") + 5,
      dead.body.find(',', dead.body.find(R"("id":)")) - dead.body.find(R"("id":)") - 5);
  const auto shown = admin(h->port(), "GET", "/api/admin/inbox/" + id);
  EXPECT_NE(shown.body.find(R"("payload":"{\"id\":\"evt_3\",\"needs_heal\":true}")"),
            std::string::npos)
      << shown.body;
  EXPECT_NE(shown.body.find(R"(["x-courier-signature",")"), std::string::npos);

  EXPECT_EQ(request(h->port(), "POST", "/heal").status, 200);
  EXPECT_EQ(admin(h->port(), "POST", "/api/admin/inbox/" + id + "/replay").status, 202);
  EXPECT_EQ(waitForBody(h->port(), "/processed", R"({"evt_3":1})"), R"({"evt_3":1})");
  EXPECT_EQ(admin(h->port(), "POST", "/api/admin/inbox/99999/replay").status, 404);
}

TEST_P(Inbox, DuplicateDeliveryIsAcknowledgedAndProcessedOnce) {
  auto h = start();
  const std::string body = R"({"id":"evt_4"})";
  EXPECT_EQ(postCourier(h->port(), body).status, 200);
  EXPECT_EQ(waitForBody(h->port(), "/processed", R"({"evt_4":1})"), R"({"evt_4":1})");
  EXPECT_EQ(postCourier(h->port(), body).status, 200);
  EXPECT_EQ(postCourier(h->port(), body).status, 200);
  const auto metrics = request(h->port(), "GET", "/api/health/metrics").body;
  EXPECT_NE(metrics.find("switchboard_inbox_duplicates_total 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("switchboard_inbox_items{state=\"done\"} 1\n"), std::string::npos);
  EXPECT_EQ(request(h->port(), "GET", "/processed").body, R"({"evt_4":1})");
}

TEST_P(Inbox, BadSignatureIs401AndStoresNothing) {
  auto h = start();
  const auto r = postCourier(h->port(), R"({"id":"evt_5"})", "wrong-secret");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("bad signature"), std::string::npos);
  const auto unsigned_r = request(h->port(), "POST", "/webhooks/courier", R"({"id":"evt_5"})");
  EXPECT_EQ(unsigned_r.status, 401);
  EXPECT_EQ(admin(h->port(), "GET", "/api/admin/inbox").body, R"({"items":[]})");
}

TEST_P(Inbox, MalformedBodyIs400WithTheReasonAndStoresNothing) {
  auto h = start();
  const auto r = postCourier(h->port(), R"({"type":"no id"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("body has no id"), std::string::npos);
  EXPECT_EQ(postCourier(h->port(), "{not json").status, 400);
  EXPECT_EQ(admin(h->port(), "GET", "/api/admin/inbox").body, R"({"items":[]})");
}

TEST_P(Inbox, AFieldTheDatabaseCannotStoreIs400ForItsSenderOnly) {
  auto h = start();
  // A valid JSON body whose id decodes to a NUL: PostgreSQL TEXT refuses it, which used to fail
  // the whole group commit (503 for every sender batched with it).
  const auto bad = postCourier(h->port(), R"({"id":"evt\u0000x"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("the event id must be UTF-8 text without NUL bytes"), std::string::npos)
      << bad.body;
  EXPECT_EQ(postCourier(h->port(), R"({"id":"evt_fine"})").status, 200);
  EXPECT_EQ(waitForBody(h->port(), "/processed", R"({"evt_fine":1})"), R"({"evt_fine":1})");
}

TEST_P(Inbox, JobsQueuedInTheProcessingTransactionRunOnce) {
  auto h = start();
  EXPECT_EQ(postCourier(h->port(), R"({"id":"evt_6","followup":true})").status, 200);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string items;
  while (std::chrono::steady_clock::now() < deadline) {
    items = admin(h->port(), "GET", "/api/admin/inbox?state=done").body;
    if (items.find(R"("kind":"job")") != std::string::npos) break;
  }
  EXPECT_NE(items.find(R"("kind":"job","source":"courier","handler":"followup")"),
            std::string::npos)
      << items;
  EXPECT_NE(items.find(R"("key":"followup:evt_6")"), std::string::npos);
}

TEST_P(Inbox, AsyncSubscriptionsAreDeliveredThroughTheInbox) {
  auto h = start();
  const auto published = request(h->port(), "POST", "/publish?topic=probe.later", R"({"x":1})");
  ASSERT_EQ(published.status, 202);
  const auto id = published.body.substr(7, 32);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string events;
  while (std::chrono::steady_clock::now() < deadline && events.find(id) == std::string::npos)
    events = request(h->port(), "GET", "/events").body;
  EXPECT_NE(events.find(R"("topic":"probe.later","id":")" + id), std::string::npos) << events;
  const auto items = admin(h->port(), "GET", "/api/admin/inbox").body;
  EXPECT_NE(
      items.find(R"("kind":"event","source":"probe","handler":"record","type":"probe.later")"),
      std::string::npos)
      << items;
}

// Processing publishes an event, then fails; the retry publishes again and succeeds. Only the
// committed attempt's event reaches anyone: the async delivery was stored in the attempt's
// transaction (and rolled back with the failure), the inline one waited for the commit. On
// SQLite this also shows the async delivery does not wait on the worker's own write lock.
TEST_P(Inbox, EventsPublishedWhileProcessingFollowItsTransaction) {
  auto h = start();
  ASSERT_EQ(postCourier(h->port(), R"({"id":"evt_7","fail":1,"announce":true})").status, 200);
  ASSERT_EQ(waitForBody(h->port(), "/processed", R"({"evt_7":1})"), R"({"evt_7":1})");
  std::string events;
  sbtest::eventually([&] {
    events = request(h->port(), "GET", "/events").body;
    return events.find("courier.processed") != std::string::npos;
  });
  // Everything the inbox holds is finished: no delivery is still on its way.
  ASSERT_TRUE(sbtest::inboxIdle(h->port()));
  events = request(h->port(), "GET", "/events").body;
  const auto first = events.find(R"("topic":"courier.processed","id":")");
  ASSERT_NE(first, std::string::npos) << events;
  EXPECT_EQ(events.find("courier.processed", first + 20), std::string::npos)
      << "delivered twice: " << events;
  const std::string id = events.substr(first + 34, 32);
  EXPECT_NE(events.find(R"(\"attempt\":2)"), std::string::npos) << events;
  const std::string tally = R"({")" + id + R"( {\"id\":\"evt_7\",\"attempt\":2}":1})";
  // The inline subscriber ran on the worker after its commit; idle waited for it.
  EXPECT_EQ(request(h->port(), "GET", "/tallied").body, tally);
}

// Idle (sbtest::inboxIdle, which other tests rely on) means the inline deliveries of what the
// items published have run too, not only that every item is done: those run on the worker
// after its commit, and this one takes half a second.
TEST_P(Inbox, IdleMeansTheInlineDeliveriesHaveRunToo) {
  auto h = start();
  ASSERT_EQ(postCourier(h->port(), R"({"id":"evt_slow","announce":true,"tally_ms":500})").status,
            200);
  ASSERT_TRUE(sbtest::inboxIdle(h->port()));
  const auto tallied = request(h->port(), "GET", "/tallied").body;
  EXPECT_NE(tallied.find(R"( {\"id\":\"evt_slow\",\"attempt\":1,\"tally_ms\":500}":1)"),
            std::string::npos)
      << tallied;
}

TEST_P(Inbox, AdminApiWantsTheToken) {
  auto h = start();
  EXPECT_EQ(request(h->port(), "GET", "/api/admin/inbox").status, 401);
  EXPECT_EQ(request(h->port(), "GET", "/api/admin/inbox", "",
                    {{"Authorization", "Bearer not-the-token-at-all"}})
                .status,
            401);
  EXPECT_EQ(admin(h->port(), "GET", "/api/admin/inbox?state=weird").status, 400);
  EXPECT_EQ(admin(h->port(), "GET", "/api/admin/inbox/999").status, 404);
}

// The inbox's own commits skip the flush; whatever else leases that connection next gets it
// back: an acknowledgement is never committed without it.
TEST_P(Inbox, OnlyTheInboxsOwnCommitsSkipTheFlush) {
  switchboard::kernel::storage::Database db(
      *switchboard::kernel::storage::StorageUrl::parse(storageUrl()), 1);  // one connection
  const bool postgres = GetParam() == "postgresql";
  auto flushes = [&](soci::session& s) {
    std::string value;
    if (postgres) {
      s << "SHOW synchronous_commit", soci::into(value);
      return value == "on";
    }
    int level = 0;
    s << "PRAGMA synchronous", soci::into(level);
    return level == 2;  // FULL; NORMAL is 1
  };
  EXPECT_TRUE(flushes(*db.session()));
  EXPECT_FALSE(flushes(*db.sessionWithoutFlush()));
  EXPECT_FALSE(flushes(*db.sessionWithoutFlush()));
  EXPECT_TRUE(flushes(*db.session()));
  EXPECT_TRUE(flushes(*db.session()));
}

// The store itself: a row's body and kept headers (stored apart from the row, which changes
// state) come back with it when claimed and read; a duplicate in the same batch stores neither
// its row nor its body; a purged row takes its body with it.
TEST_P(Inbox, BodiesAreKeptWithTheirRowsAndPurgedWithThem) {
  switchboard::kernel::storage::Database db(
      *switchboard::kernel::storage::StorageUrl::parse(storageUrl()), 2);
  switchboard::kernel::storage::migrate(db, "kernel",
                                        switchboard::kernel::storage::kernelMigrations(GetParam()));
  switchboard::kernel::inbox::InboxStore store(db);
  auto item = [](const std::string& key, const std::string& body) {
    switchboard::kernel::inbox::NewItem i;
    i.kind = "webhook";
    i.source = "courier";
    i.handler = "webhook";
    i.type = "parcel.sent";
    i.dedupe_key = key;
    i.payload = body;
    i.headers = {{"x-sig", "sig-" + key}};
    i.received_ms = i.run_at_ms = 1000;
    return i;
  };
  EXPECT_EQ(store.insertBatch({item("a", "body a"), item("b", "body b"), item("a", "other")}),
            (std::vector<bool>{true, true, false}));
  EXPECT_EQ(store.insertBatch({item("b", "late b")}), std::vector<bool>{false});

  const auto claimed = store.claim("w1", 10, 2000, 5000);
  ASSERT_EQ(claimed.size(), 2u);
  for (const auto& r : claimed) {
    EXPECT_EQ(r.item.payload, "body " + r.item.key);
    ASSERT_EQ(r.item.headers.size(), 1u);
    EXPECT_EQ(r.item.headers[0].value, "sig-" + r.item.key);
  }
  const auto b = store.get(claimed[1].item.id);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->item.payload, "body b");

  auto session = db.session();
  {
    soci::transaction tx(*session);
    store.markDone(*session, {claimed[0].item.id}, 3000);
    tx.commit();
  }
  EXPECT_EQ(store.purgeDone(3001), 1);
  long long bodies = 0, body_of_b = 0;
  *session << "SELECT COUNT(*) FROM inbox_payloads", soci::into(bodies);
  *session << "SELECT COUNT(*) FROM inbox_payloads WHERE id = :id", soci::use(claimed[1].item.id),
      soci::into(body_of_b);
  EXPECT_EQ(bodies, 1);
  EXPECT_EQ(body_of_b, 1);
}

// Processing that stops without finishing or failing (the process died in it) is tried again
// until the item has been abandoned at its last attempt; then it is dead, not claimed again, so
// an item that crashes the server cannot make it crash forever.
TEST_P(Inbox, AnItemAbandonedAtItsLastAttemptGoesDeadInsteadOfRunningAgain) {
  withStore([](switchboard::kernel::inbox::InboxStore& store) {
    store.insertBatch(
        {courierItem(R"({"id":"evt_poison"})"), courierItem(R"({"id":"evt_twice"})")});
    // Claimed by a process that died each time: its leases ran out (each claim's `now` is past
    // the last lease). evt_poison three times, evt_twice twice.
    for (int t = 0; t < 3; ++t)
      ASSERT_EQ(store.claim("gone", t < 2 ? 2 : 1, 2000 + t * 1000, 2500 + t * 1000).size(),
                t < 2 ? 2u : 1u);
  });
  auto h = start(3);
  EXPECT_EQ(waitForBody(h->port(), "/processed", R"({"evt_twice":1})"), R"({"evt_twice":1})");
  ASSERT_TRUE(h->waitForLog("is dead after 3 attempts: no attempt left: the last one stopped"))
      << h->logs();
  const auto dead = admin(h->port(), "GET", "/api/admin/inbox?state=dead");
  EXPECT_NE(dead.body.find(R"("key":"evt_poison","tenant":"","state":"dead","attempts":3)"),
            std::string::npos)
      << dead.body;
  const auto done = admin(h->port(), "GET", "/api/admin/inbox?state=done");
  EXPECT_NE(done.body.find(R"("key":"evt_twice","tenant":"","state":"done","attempts":3)"),
            std::string::npos)
      << done.body;
  EXPECT_EQ(request(h->port(), "GET", "/processed").body, R"({"evt_twice":1})");
}

// A stop lets the item in hand finish and gives back the rest of the claim, its attempt not
// counted: a stop is not an abandonment (enough of them would otherwise bury items never begun).
TEST_P(Inbox, AStopGivesBackTheClaimedItemsNotBegunTheirAttemptUncounted) {
  // Stored before the start, so that the one worker claims them at once. Each takes longer
  // than a transaction may hold the write lock (20 ms): one transaction each.
  withStore([](switchboard::kernel::inbox::InboxStore& store) {
    store.insertBatch({courierItem(R"({"id":"quick","work_ms":40})"),
                       courierItem(R"({"id":"slow_1","work_ms":3000})"),
                       courierItem(R"({"id":"slow_2","work_ms":3000})")});
  });
  auto h = start(3, 20, 1);
  // quick committed with the claim; the worker goes on to slow_1 (3 s), slow_2 waits.
  ASSERT_EQ(waitForBody(h->port(), "/processed", R"({"quick":1})"), R"({"quick":1})");
  h->kernel().shutdown();
  std::map<std::string, std::pair<std::string, int>> rows;  // key → state, attempts
  withStore([&](switchboard::kernel::inbox::InboxStore& store) {
    for (const auto& r : store.list(std::nullopt, 10)) rows[r.item.key] = {r.state, r.attempts};
  });
  const std::pair<std::string, int> done{"done", 1}, unbegun{"pending", 0};
  EXPECT_EQ(rows["quick"], done);
  // In hand when the stop came (it finished), or not yet begun (given back).
  EXPECT_TRUE(rows["slow_1"] == done || rows["slow_1"] == unbegun)
      << rows["slow_1"].first << " " << rows["slow_1"].second;
  EXPECT_EQ(rows["slow_2"], unbegun);
}

INSTANTIATE_TEST_SUITE_P(Backends, Inbox, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// What only a database server can do to us.
class InboxOnServer : public Inbox {};

// PostgreSQL drops every connection of the server's pool (as a restart or failover would). A
// webhook that meets a dead connection is refused with 503 (the sender retries), nothing is
// half-stored, and the pool opens its connections again instead of failing forever.
TEST_P(InboxOnServer, ConnectionsTheDatabaseDroppedAreOpenedAgain) {
  auto h = start();
  ASSERT_EQ(postCourier(h->port(), R"({"id":"before","type":"t"})").status, 200);
  ASSERT_EQ(waitForBody(h->port(), "/processed", R"({"before":1})"), R"({"before":1})");
  {
    switchboard::kernel::storage::Database db(
        *switchboard::kernel::storage::StorageUrl::parse(url_), 1);
    auto killer = db.session();
    int killed = 0;
    *killer << "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
               "WHERE datname = current_database() AND pid <> pg_backend_pid()",
        soci::into(killed);
    EXPECT_GE(killed, 1);
  }
  // Nothing was in flight when the server dropped the pool's connections, so nothing may be
  // refused: each lease sees its connection is gone, and a batch that still met a dead one is
  // retried once on a fresh connection.
  for (const char* id : {"after", "later"}) {
    const auto r = postCourier(h->port(), std::string(R"({"id":")") + id + R"(","type":"t"})");
    EXPECT_EQ(r.status, 200) << id << ": " << r.body;
  }
  const auto health = request(h->port(), "GET", "/api/health/detailed");
  EXPECT_NE(health.body.find(R"("database":{"ok":true,"latency_ms":)"), std::string::npos)
      << health.body;
  const std::string want = R"({"after":1,"before":1,"later":1})";
  EXPECT_EQ(waitForBody(h->port(), "/processed", want), want);
}

INSTANTIATE_TEST_SUITE_P(Backends, InboxOnServer, ::testing::Values("postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace

namespace {

// An async subscriber that writes through its delivery's transaction: the failed attempt's
// write is rolled back with it, the retry's is kept; it sees which attempt it is.
TEST(AsyncEvents, AHandlerWritesThroughItsDeliverysTransactionExactlyOnce) {
  sbtest::TempDir dir;
  sbtest::KernelHarness h(
      "storage: { url: \"sqlite://" + (dir.path() / "events.db").string() + "\" }\n" +
      "inbox: { poll_ms: 10, retry: { base_ms: 1, cap_ms: 5 } }\n"
      "plugins:\n  booker: { library: booker, config: { base_url: \"http://127.0.0.1:9\" } }\n"
      "routes:\n"
      "  - { method: POST, path: /announce, plugin: booker, handler: announce }\n"
      "  - { method: GET, path: /audit, plugin: booker, handler: audit }\n"
      "events:\n  booker.announced: [{ handler: booker.audit, async: true }]\n");
  h.start();
  const auto published = sbtest::request(h.port(), "POST", "/announce", R"({"fail_first":true})");
  ASSERT_EQ(published.status, 202);
  const auto id = switchboard::json::parse(published.body).root().requireString("id");
  std::string audit;
  EXPECT_TRUE(sbtest::eventually([&] {
    audit = sbtest::request(h.port(), "GET", "/audit").body;
    return audit != "[]";
  }));
  EXPECT_EQ(audit, R"([{"event":")" + id + R"(","attempt":2}])");
}

// `transaction: true`: the subscriber runs in the publisher's transaction. relay (async) writes
// a row and publishes booker.relayed; audit, in relay's transaction, fails the first attempt:
// relay's row goes with it, and both run again, once, in attempt 2.
TEST(TransactionalEvents, ASubscriberInThePublishersTransactionCommitsAndFailsWithIt) {
  sbtest::TempDir dir;
  sbtest::KernelHarness h(
      "storage: { url: \"sqlite://" + (dir.path() / "events.db").string() + "\" }\n" +
      "inbox: { poll_ms: 10, retry: { base_ms: 1, cap_ms: 5 } }\n"
      "plugins:\n  booker: { library: booker, config: { base_url: \"http://127.0.0.1:9\" } }\n"
      "routes:\n"
      "  - { method: POST, path: /announce, plugin: booker, handler: announce }\n"
      "  - { method: GET, path: /audit, plugin: booker, handler: audit }\n"
      "events:\n"
      "  booker.announced: [{ handler: booker.relay, async: true }]\n"
      "  booker.relayed: [{ handler: booker.audit, transaction: true }]\n");
  h.start();
  const auto published = sbtest::request(h.port(), "POST", "/announce", R"({"fail_first":true})");
  ASSERT_EQ(published.status, 202);
  const auto id = switchboard::json::parse(published.body).root().requireString("id");
  std::string audit;
  EXPECT_TRUE(sbtest::eventually([&] {
    audit = sbtest::request(h.port(), "GET", "/audit").body;
    return audit != "[]";
  }));
  EXPECT_EQ(audit, R"([{"event":")" + id + R"(","attempt":2},{"event":")" + id +
                       R"(:relay","attempt":2}])");
}

TEST(TransactionalEvents, AsyncAndTransactionExcludeEachOther) {
  sbtest::TempDir dir;
  const auto file = dir.write(
      "c.yaml",
      "storage: { url: \"sqlite://" + (dir.path() / "e.db").string() + "\" }\n" +
          "plugins:\n  booker: { library: booker, config: { base_url: \"http://x\" } }\n"
          "events:\n  a.b: [{ handler: booker.audit, async: true, transaction: true }]\n");
  std::string out;
  EXPECT_EQ(sbtest::runCommand({sbtest::serverBinary(), "check-config", file}, out), 1);
  EXPECT_NE(out.find("async and transaction exclude each other"), std::string::npos) << out;
}

}  // namespace

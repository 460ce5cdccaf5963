// TtlCache: kept for its time, reloaded after it, and never loading under its lock.
#include "switchboard/ttl_cache.h"

#include <gtest/gtest.h>

#include <future>
#include <stdexcept>
#include <thread>

using switchboard::TtlCache;
using namespace std::chrono_literals;

TEST(TtlCache, LoadsOnceWithinItsTimeAndAgainAfterIt) {
  TtlCache<int> fresh_for_an_hour(1h);
  int loads = 0;
  auto load = [&] { return std::make_shared<const int>(++loads); };
  EXPECT_EQ(*fresh_for_an_hour.get(load), 1);
  EXPECT_EQ(*fresh_for_an_hour.get(load), 1);
  EXPECT_EQ(loads, 1);

  TtlCache<int> always_stale(0s);
  EXPECT_EQ(*always_stale.get(load), 2);
  EXPECT_EQ(*always_stale.get(load), 3);
}

TEST(TtlCache, OthersGetTheStaleValueWhileOneReloads) {
  TtlCache<int> cache(0s);
  cache.get([] { return std::make_shared<const int>(1); });
  std::promise<void> loading, finish;
  auto reloader = std::async(std::launch::async, [&] {
    return *cache.get([&] {
      loading.set_value();
      finish.get_future().wait();
      return std::make_shared<const int>(2);
    });
  });
  loading.get_future().wait();
  // Not blocked behind the reload, not loading a second time.
  EXPECT_EQ(*cache.get([]() -> std::shared_ptr<const int> { throw std::logic_error("loaded"); }),
            1);
  finish.set_value();
  EXPECT_EQ(reloader.get(), 2);
}

TEST(TtlCache, TheFirstLoadsDoNotWaitForEachOther) {
  // A loader waiting for something another caller holds (a pooled connection) must not keep
  // that caller out of the cache: with the lock held during loads this test never ends.
  TtlCache<int> cache(1h);
  std::promise<void> loading, other_done;
  auto first = std::async(std::launch::async, [&] {
    return *cache.get([&] {
      loading.set_value();
      other_done.get_future().wait();
      return std::make_shared<const int>(1);
    });
  });
  loading.get_future().wait();
  EXPECT_EQ(*cache.get([] { return std::make_shared<const int>(2); }), 2);
  other_done.set_value();
  EXPECT_EQ(first.get(), 1);  // its own load; the cache keeps the newer of the two
  EXPECT_EQ(*cache.get([] { return std::make_shared<const int>(3); }), 2);
}

TEST(TtlCache, AFailedLoadIsTriedAgainByTheNextCaller) {
  TtlCache<int> cache(0s);
  cache.get([] { return std::make_shared<const int>(1); });
  EXPECT_THROW(cache.get([]() -> std::shared_ptr<const int> { throw std::runtime_error("down"); }),
               std::runtime_error);
  EXPECT_EQ(*cache.get([] { return std::make_shared<const int>(2); }), 2);
}

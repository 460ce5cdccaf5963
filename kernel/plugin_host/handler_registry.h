// The named HTTP and event handlers plugins registered during configure(). Routes and event
// subscriptions refer to them as (plugin instance, handler name). Written only before the
// server starts, read-only afterwards, so lookups need no lock.
#pragma once

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/commands.h"
#include "switchboard/events.h"
#include "switchboard/http.h"
#include "switchboard/inbox.h"

namespace switchboard::kernel::plugins {

class HandlerRegistry {
 public:
  // `waits_upstream`: the handler waits on an upstream; its routes run it on the upstream pool.
  void addHttp(const std::string& plugin, const std::string& name, switchboard::HttpHandler fn,
               bool waits_upstream = false);
  void addEvent(const std::string& plugin, const std::string& name,
                switchboard::TransactionalEventHandler fn);
  void addDurable(const std::string& plugin, const std::string& name,
                  switchboard::DurableHandler handler);
  void addJob(const std::string& plugin, const std::string& type, switchboard::JobHandler fn);
  void addCommand(const std::string& plugin, switchboard::Command command);
  void addUpstreamCall(const std::string& plugin, const std::string& type,
                       switchboard::UpstreamCallJob job);

  // Pointers stay valid for the registry's life.
  const switchboard::HttpHandler* http(const std::string& plugin, const std::string& name) const;
  bool waitsUpstream(const std::string& plugin, const std::string& name) const;
  const switchboard::TransactionalEventHandler* event(const std::string& plugin,
                                                      const std::string& name) const;
  const switchboard::DurableHandler* durable(const std::string& plugin,
                                             const std::string& name) const;
  const switchboard::JobHandler* job(const std::string& plugin, const std::string& type) const;
  const switchboard::UpstreamCallJob* upstreamCall(const std::string& plugin,
                                                   const std::string& type) const;
  // Every (plugin instance, job type) registered with upstreamCall, in order.
  std::vector<std::pair<std::string, std::string>> upstreamCalls() const;

  const switchboard::Command* command(const std::string& plugin, const std::string& name) const;
  // Every plugin command as (plugin instance, command), in name order.
  std::vector<std::pair<std::string, const switchboard::Command*>> commands() const;

  // What a plugin registered, for error messages.
  std::vector<std::string> httpNames(const std::string& plugin) const;
  std::vector<std::string> eventNames(const std::string& plugin) const;
  std::vector<std::string> durableNames(const std::string& plugin) const;

  // After this, registering throws: handlers belong in configure().
  void seal() { sealed_ = true; }
  // Drops every handler (their code lives in plugin libraries; call before plugins die).
  void clear();

 private:
  using Key = std::pair<std::string, std::string>;
  void checkOpen(const std::string& plugin, const std::string& name) const;

  std::atomic<bool> sealed_{false};
  std::map<Key, switchboard::HttpHandler> http_;
  std::set<Key> waits_upstream_;
  std::map<Key, switchboard::TransactionalEventHandler> events_;
  std::map<Key, switchboard::DurableHandler> durable_;
  std::map<Key, switchboard::JobHandler> jobs_;
  std::map<Key, switchboard::UpstreamCallJob> calls_;
  std::map<Key, switchboard::Command> commands_;
};

}  // namespace switchboard::kernel::plugins

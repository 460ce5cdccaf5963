#include "plugin_host/handler_registry.h"

#include <stdexcept>

namespace switchboard::kernel::plugins {

void HandlerRegistry::checkOpen(const std::string& plugin, const std::string& name) const {
  if (sealed_)
    throw std::logic_error("plugin '" + plugin + "' registered handler '" + name +
                           "' after configure(); handlers are registered in configure()");
  if (name.empty()) throw std::invalid_argument("plugin '" + plugin + "': empty handler name");
}

void HandlerRegistry::addHttp(const std::string& plugin, const std::string& name,
                              switchboard::HttpHandler fn, bool waits_upstream) {
  checkOpen(plugin, name);
  if (!http_.emplace(Key{plugin, name}, std::move(fn)).second)
    throw std::invalid_argument("plugin '" + plugin + "' registered HTTP handler '" + name +
                                "' twice");
  if (waits_upstream) waits_upstream_.insert(Key{plugin, name});
}

bool HandlerRegistry::waitsUpstream(const std::string& plugin, const std::string& name) const {
  return waits_upstream_.count(Key{plugin, name}) > 0;
}

void HandlerRegistry::addEvent(const std::string& plugin, const std::string& name,
                               switchboard::TransactionalEventHandler fn) {
  checkOpen(plugin, name);
  if (!events_.emplace(Key{plugin, name}, std::move(fn)).second)
    throw std::invalid_argument("plugin '" + plugin + "' registered event handler '" + name +
                                "' twice");
}

void HandlerRegistry::addDurable(const std::string& plugin, const std::string& name,
                                 switchboard::DurableHandler handler) {
  checkOpen(plugin, name);
  if (!handler.process)
    throw std::invalid_argument("plugin '" + plugin + "': durable handler '" + name +
                                "' has no process step");
  if (!durable_.emplace(Key{plugin, name}, std::move(handler)).second)
    throw std::invalid_argument("plugin '" + plugin + "' registered durable handler '" + name +
                                "' twice");
}

void HandlerRegistry::addJob(const std::string& plugin, const std::string& type,
                             switchboard::JobHandler fn) {
  checkOpen(plugin, type);
  if (calls_.count(Key{plugin, type}) || !jobs_.emplace(Key{plugin, type}, std::move(fn)).second)
    throw std::invalid_argument("plugin '" + plugin + "' registered job handler '" + type +
                                "' twice");
}

void HandlerRegistry::addUpstreamCall(const std::string& plugin, const std::string& type,
                                      switchboard::UpstreamCallJob job) {
  checkOpen(plugin, type);
  if (!job.call || !job.record)
    throw std::invalid_argument("plugin '" + plugin + "' registered upstream call job '" + type +
                                "' without its call and record steps");
  if (jobs_.count(Key{plugin, type}) || !calls_.emplace(Key{plugin, type}, std::move(job)).second)
    throw std::invalid_argument("plugin '" + plugin + "' registered job handler '" + type +
                                "' twice");
}

void HandlerRegistry::addCommand(const std::string& plugin, switchboard::Command command) {
  checkOpen(plugin, command.name);
  if (command.name.empty() || !command.run)
    throw std::invalid_argument("plugin '" + plugin +
                                "' registered a command without a name or run");
  const auto name = command.name;
  if (!commands_.emplace(Key{plugin, name}, std::move(command)).second)
    throw std::invalid_argument("plugin '" + plugin + "' registered command '" + name + "' twice");
}

const switchboard::Command* HandlerRegistry::command(const std::string& plugin,
                                                     const std::string& name) const {
  auto it = commands_.find(Key{plugin, name});
  return it == commands_.end() ? nullptr : &it->second;
}

std::vector<std::pair<std::string, const switchboard::Command*>> HandlerRegistry::commands() const {
  std::vector<std::pair<std::string, const switchboard::Command*>> out;
  for (const auto& [key, command] : commands_) out.emplace_back(key.first, &command);
  return out;
}

const switchboard::UpstreamCallJob* HandlerRegistry::upstreamCall(const std::string& plugin,
                                                                  const std::string& type) const {
  auto it = calls_.find(Key{plugin, type});
  return it == calls_.end() ? nullptr : &it->second;
}

std::vector<std::pair<std::string, std::string>> HandlerRegistry::upstreamCalls() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, job] : calls_) out.push_back(key);
  return out;
}

const switchboard::DurableHandler* HandlerRegistry::durable(const std::string& plugin,
                                                            const std::string& name) const {
  auto it = durable_.find(Key{plugin, name});
  return it == durable_.end() ? nullptr : &it->second;
}

const switchboard::JobHandler* HandlerRegistry::job(const std::string& plugin,
                                                    const std::string& type) const {
  auto it = jobs_.find(Key{plugin, type});
  return it == jobs_.end() ? nullptr : &it->second;
}

const switchboard::HttpHandler* HandlerRegistry::http(const std::string& plugin,
                                                      const std::string& name) const {
  auto it = http_.find(Key{plugin, name});
  return it == http_.end() ? nullptr : &it->second;
}

const switchboard::TransactionalEventHandler* HandlerRegistry::event(
    const std::string& plugin, const std::string& name) const {
  auto it = events_.find(Key{plugin, name});
  return it == events_.end() ? nullptr : &it->second;
}

namespace {
template <class Map>
std::vector<std::string> namesOf(const Map& map, const std::string& plugin) {
  std::vector<std::string> out;
  for (const auto& [key, fn] : map)
    if (key.first == plugin) out.push_back(key.second);
  return out;
}
}  // namespace

std::vector<std::string> HandlerRegistry::httpNames(const std::string& plugin) const {
  return namesOf(http_, plugin);
}

std::vector<std::string> HandlerRegistry::eventNames(const std::string& plugin) const {
  return namesOf(events_, plugin);
}

std::vector<std::string> HandlerRegistry::durableNames(const std::string& plugin) const {
  return namesOf(durable_, plugin);
}

void HandlerRegistry::clear() {
  http_.clear();
  events_.clear();
  durable_.clear();
  jobs_.clear();
  calls_.clear();
  commands_.clear();
}

}  // namespace switchboard::kernel::plugins

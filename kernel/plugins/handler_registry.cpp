#include "plugins/handler_registry.h"

#include <stdexcept>

namespace sb::plugins {

void HandlerRegistry::checkOpen(const std::string& plugin, const std::string& name) const {
  if (sealed_)
    throw std::logic_error("plugin '" + plugin + "' registered handler '" + name +
                           "' after configure(); handlers are registered in configure()");
  if (name.empty()) throw std::invalid_argument("plugin '" + plugin + "': empty handler name");
}

void HandlerRegistry::addHttp(const std::string& plugin, const std::string& name,
                              switchboard::HttpHandler fn) {
  checkOpen(plugin, name);
  if (!http_.emplace(Key{plugin, name}, std::move(fn)).second)
    throw std::invalid_argument("plugin '" + plugin + "' registered HTTP handler '" + name +
                                "' twice");
}

void HandlerRegistry::addEvent(const std::string& plugin, const std::string& name,
                               switchboard::EventHandler fn) {
  checkOpen(plugin, name);
  if (!events_.emplace(Key{plugin, name}, std::move(fn)).second)
    throw std::invalid_argument("plugin '" + plugin + "' registered event handler '" + name +
                                "' twice");
}

const switchboard::HttpHandler* HandlerRegistry::http(const std::string& plugin,
                                                      const std::string& name) const {
  auto it = http_.find(Key{plugin, name});
  return it == http_.end() ? nullptr : &it->second;
}

const switchboard::EventHandler* HandlerRegistry::event(const std::string& plugin,
                                                        const std::string& name) const {
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

void HandlerRegistry::clear() {
  http_.clear();
  events_.clear();
}

}  // namespace sb::plugins

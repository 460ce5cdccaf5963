// Signed courier webhooks (tests/plugins/courier_plugin.cpp) and waiting for their processing.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <string>

#include "support/eventually.h"
#include "support/http_client.h"
#include "switchboard/crypto.h"

namespace sbtest {

inline const char* kCourierSecret = "courier-test-secret";

inline Response postCourier(std::uint16_t port, const std::string& body,
                            const std::string& secret = kCourierSecret) {
  return request(port, "POST", "/webhooks/courier", body,
                 {{"X-Courier-Signature", switchboard::crypto::hmacSha256Hex(secret, body)},
                  {"Content-Type", "application/json"}});
}

// Polls `path` until its body equals `expected`; returns the last body seen.
inline std::string waitForBody(std::uint16_t port, const std::string& path,
                               const std::string& expected,
                               std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  std::string body;
  eventually([&] { return (body = request(port, "GET", path).body) == expected; }, timeout);
  return body;
}

// The courier's GET /processed: how many times each event id was processed.
inline std::map<std::string, int> processedCounts(std::uint16_t port) {
  const auto body = request(port, "GET", "/processed").body;
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  std::map<std::string, int> out;
  if (doc.HasParseError() || !doc.IsObject()) return out;
  for (const auto& m : doc.GetObject()) out[m.name.GetString()] = m.value.GetInt();
  return out;
}

}  // namespace sbtest

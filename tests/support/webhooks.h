// Signed courier webhooks (tests/plugins/courier_plugin.cpp) and waiting for their processing.
#pragma once

#include <chrono>
#include <string>

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
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string body;
  while (std::chrono::steady_clock::now() < deadline) {
    body = request(port, "GET", path).body;
    if (body == expected) return body;
  }
  return body;
}

}  // namespace sbtest

// Retell's REST API through the SDK's outbound client: GET /v2/get-call/{call_id}.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "switchboard/contracts/voice_platform.h"
#include "switchboard/http_client.h"

namespace retell {

class RetellApi final : public switchboard::contracts::VoicePlatform {
 public:
  // `key_for(company)`: the API key to use (the company's own, else the configured one).
  RetellApi(switchboard::HttpClient& client, std::string base_url,
            std::function<std::string(const std::string& company)> key_for)
      : client_(client), base_url_(std::move(base_url)), key_for_(std::move(key_for)) {}

  // nullopt: Retell does not know the call (404). Throws on any other failure.
  std::optional<switchboard::contracts::PlatformCall> fetchCall(
      const switchboard::domain::CompanyId& company, const std::string& call_id) override;

 private:
  switchboard::HttpClient& client_;
  std::string base_url_;
  std::function<std::string(const std::string&)> key_for_;
};

}  // namespace retell

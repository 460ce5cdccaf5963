#include "retell_api.h"

#include <stdexcept>

#include "retell_call.h"
#include "switchboard/json.h"

namespace retell {

std::optional<switchboard::contracts::PlatformCall> RetellApi::fetchCall(
    const switchboard::domain::CompanyId& company, const std::string& call_id) {
  switchboard::OutboundRequest request(
      "GET", base_url_ + "/v2/get-call/" + switchboard::percentEncode(call_id));
  request.bearer(key_for_(company));
  request.upstream = "retell";
  request.tenant = company;
  const auto response = client_.send(request);
  if (response.status == 404) return std::nullopt;
  if (!response.ok())
    throw std::runtime_error(
        "Retell GET /v2/get-call answered " +
        (response.status ? std::to_string(response.status) : std::string("nothing")) +
        (response.error.empty() ? "" : ": " + response.error));
  return translateCall(switchboard::json::parse(response.body).root());
}

}  // namespace retell

#include "switchboard/http_client.h"

#include "switchboard/crypto.h"

namespace switchboard {

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string formEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += percentEncode(name);
    out += '=';
    out += percentEncode(value);
  }
  return out;
}

OutboundRequest& OutboundRequest::header(std::string name, std::string value) {
  for (auto& h : headers)
    if (iequals(h.name, name)) {
      h.value = std::move(value);
      return *this;
    }
  headers.push_back({std::move(name), std::move(value)});
  return *this;
}

OutboundRequest& OutboundRequest::json(std::string json_text) {
  body = std::move(json_text);
  return header("Content-Type", "application/json");
}

OutboundRequest& OutboundRequest::form(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  body = formEncode(fields);
  return header("Content-Type", "application/x-www-form-urlencoded");
}

OutboundRequest& OutboundRequest::bearer(const std::string& token) {
  secrets.push_back(token);
  return header("Authorization", "Bearer " + token);
}

OutboundRequest& OutboundRequest::basicAuth(const std::string& user, const std::string& password) {
  secrets.push_back(password);
  return header("Authorization", "Basic " + crypto::base64Encode(user + ":" + password));
}

std::optional<std::string_view> OutboundResponse::header(std::string_view name) const {
  return findHeader(headers, name);
}

}  // namespace switchboard

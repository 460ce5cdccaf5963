#include "net/redaction.h"

#include <algorithm>
#include <cctype>

#include "observability/logging.h"
#include "switchboard/crypto.h"

namespace switchboard::kernel::net {
namespace {

bool credentialName(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* word :
       {"key", "token", "secret", "password", "passwd", "signature", "auth", "credential", "sig"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

}  // namespace

std::vector<std::string> secretsOf(const switchboard::OutboundRequest& request) {
  std::vector<std::string> secrets = request.secrets;
  if (auto auth = switchboard::findHeader(request.headers, "Authorization")) {
    const auto space = auth->find(' ');
    const std::string credential(space == std::string_view::npos ? *auth : auth->substr(space + 1));
    secrets.push_back(credential);
    if (auto decoded = switchboard::crypto::base64Decode(credential)) {
      const auto colon = decoded->find(':');
      if (colon != std::string::npos) secrets.push_back(decoded->substr(colon + 1));
    }
  }
  secrets.erase(std::remove_if(secrets.begin(), secrets.end(),
                               [](const std::string& s) { return s.size() < 4; }),
                secrets.end());  // too short to redact without mangling the line
  return secrets;
}

std::string redactUrl(const std::string& url, const std::vector<std::string>& secrets) {
  std::string out = observability::redact(url, secrets);
  // userinfo: scheme://user:password@host
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto authority = scheme + 3;
    const auto end = out.find_first_of("/?#", authority);
    const auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= authority) out.replace(authority, at - authority, "***");
  }
  const auto query = out.find('?');
  if (query == std::string::npos) return out;
  std::string rebuilt = out.substr(0, query + 1);
  std::size_t pos = query + 1;
  while (pos <= out.size()) {
    auto amp = out.find('&', pos);
    if (amp == std::string::npos) amp = out.size();
    const std::string pair = out.substr(pos, amp - pos);
    const auto eq = pair.find('=');
    if (eq != std::string::npos && credentialName(pair.substr(0, eq)))
      rebuilt += pair.substr(0, eq + 1) + "***";
    else
      rebuilt += pair;
    if (amp < out.size()) rebuilt += '&';
    pos = amp + 1;
  }
  return rebuilt;
}

}  // namespace switchboard::kernel::net

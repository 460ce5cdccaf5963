#include "http/admin_auth.h"

#include "switchboard/crypto.h"

namespace switchboard::kernel::http {

std::optional<switchboard::HttpResponse> checkAdminToken(const switchboard::HttpRequest& request,
                                                         const std::string& token) {
  using switchboard::HttpResponse;
  if (token.empty())
    return HttpResponse::error(request, 403, "the admin API is off: set admin.token");
  const auto auth = request.header("authorization");
  const std::string_view prefix = "Bearer ";
  if (!auth || auth->substr(0, prefix.size()) != prefix ||
      !switchboard::crypto::constantTimeEquals(auth->substr(prefix.size()), token)) {
    auto r = HttpResponse::error(request, 401, "a valid admin bearer token is required");
    r.header("WWW-Authenticate", "Bearer");
    return r;
  }
  return std::nullopt;
}

}  // namespace switchboard::kernel::http

// The admin bearer token check: the kernel's admin API and plugin routes marked `auth: admin`.
#pragma once

#include <optional>
#include <string>

#include "switchboard/http.h"

namespace switchboard::kernel::http {

// Null when the request may go on; else the 401 (or 403: no token configured) to answer.
std::optional<switchboard::HttpResponse> checkAdminToken(const switchboard::HttpRequest& request,
                                                         const std::string& token);

}  // namespace switchboard::kernel::http

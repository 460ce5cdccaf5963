// The inbox's admin endpoints (Bearer token from `admin.token`):
//   GET  /api/admin/inbox?state=dead&limit=50   list, newest first
//   GET  /api/admin/inbox/{id}                  one item with its payload
//   POST /api/admin/inbox/{id}/replay           dead or done -> pending, attempts reset
//   POST /api/admin/inbox/replay-dead           every dead item -> pending
#pragma once

#include <string>

#include "inbox/inbox.h"
#include "switchboard/http.h"

namespace switchboard::kernel::inbox {

switchboard::HttpResponse listItems(Inbox& inbox, const switchboard::HttpRequest& request);
switchboard::HttpResponse showItem(Inbox& inbox, const switchboard::HttpRequest& request);
switchboard::HttpResponse replayItem(Inbox& inbox, const switchboard::HttpRequest& request,
                                     std::int64_t now_ms);
switchboard::HttpResponse replayDead(Inbox& inbox, const switchboard::HttpRequest& request,
                                     std::int64_t now_ms);

// One record as JSON; with the payload and headers when `full`.
std::string recordJson(const Record& record, bool full);

}  // namespace switchboard::kernel::inbox

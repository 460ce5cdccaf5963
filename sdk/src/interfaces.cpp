// One home for each SDK interface's vtable and typeinfo (out-of-line destructors), so that the
// kernel and every plugin agree on them across shared-library boundaries.
#include "switchboard/clock.h"
#include "switchboard/events.h"
#include "switchboard/host.h"
#include "switchboard/http.h"
#include "switchboard/http_client.h"
#include "switchboard/inbox.h"
#include "switchboard/plugin.h"
#include "switchboard/services.h"
#include "switchboard/store.h"

namespace switchboard {

Plugin::~Plugin() = default;
Host::~Host() = default;
Clock::~Clock() = default;
EventBus::~EventBus() = default;
HttpRegistry::~HttpRegistry() = default;
HttpClient::~HttpClient() = default;
ServiceRegistry::~ServiceRegistry() = default;
Store::~Store() = default;
Jobs::~Jobs() = default;

}  // namespace switchboard

// One include for plugin authors.
#pragma once

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include "switchboard/abi.h"
#include "switchboard/clock.h"
#include "switchboard/crypto.h"
#include "switchboard/errors.h"
#include "switchboard/events.h"
#include "switchboard/host.h"
#include "switchboard/http.h"
#include "switchboard/http_client.h"
#include "switchboard/inbox.h"
#include "switchboard/json.h"
#include "switchboard/plugin.h"
#include "switchboard/services.h"
#include "switchboard/store.h"
#include "switchboard/time.h"
#include "switchboard/typed_event.h"

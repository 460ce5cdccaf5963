// One home for the contracts' vtables and typeinfo (see interfaces.cpp).
#include "switchboard/contracts/admin_commands.h"
#include "switchboard/contracts/admin_notifier.h"
#include "switchboard/contracts/calendar.h"
#include "switchboard/contracts/call_tools.h"
#include "switchboard/contracts/payments.h"
#include "switchboard/contracts/sms.h"
#include "switchboard/contracts/voice_platform.h"

namespace switchboard::contracts {

CalendarError::~CalendarError() = default;
Calendar::~Calendar() = default;
SmsError::~SmsError() = default;
SmsSender::~SmsSender() = default;
AdminNotifier::~AdminNotifier() = default;
AdminCommands::~AdminCommands() = default;
Payments::~Payments() = default;
VoicePlatform::~VoicePlatform() = default;
LiveFunctions::~LiveFunctions() = default;
ToolError::~ToolError() = default;
CallTools::~CallTools() = default;

}  // namespace switchboard::contracts

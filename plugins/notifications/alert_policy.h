// What an event tells the people who run a business (and us), and how alerts group: an outage
// is one alert when it starts and one when it ends, a stream of the same problem is one alert
// per window, a single case (a call to review) is one alert.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "switchboard/contracts/admin_notifier.h"
#include "switchboard/events.h"

namespace notifications {

struct AlertDraft {
  switchboard::contracts::AdminAlert alert;  // its group_key names the story
  enum class Kind {
    Open,     // the story starts (told once until it is resolved)
    Resolve,  // the story ends (told only if it was open)
    Window,   // told again only after `window` without being told
    Once      // told once, ever
  } kind = Kind::Once;
  std::chrono::minutes window{60};
};

// nullopt: this event tells nobody. `self` is this plugin's name (its own alert jobs' deaths
// are not alerted: the chat that failed would be asked to carry the news of its failure).
std::optional<AlertDraft> alertFor(const switchboard::Event& event, const std::string& self,
                                   std::chrono::minutes window);

}  // namespace notifications

// The date and time a caller asks for, in German and English, absolute and relative ("morgen
// um 14 Uhr", "Freitag um halb drei", "am 3. Dezember um 9:30", "am 5.1.", "übermorgen Viertel
// nach elf", "tomorrow at 2 pm", "next Monday at 11 in the morning", "December 2nd at quarter
// past ten"), resolved against the day the call took place in the branch's zone.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "text.h"

namespace calls {

struct WhenFound {
  std::optional<std::chrono::year_month_day> date;
  std::optional<int> minute_of_day;  // 0..1439
  bool vague = false;                // "nächste Woche", "sometime": no day to book
  std::vector<std::string> reasons;
};

// `tokens` from tokenize(fold(text)); the last date and the last time said win (callers
// correct themselves).
WhenFound findWhen(const std::vector<Token>& tokens, std::chrono::year_month_day today);

// "2026-11-24" (anything after the tenth character ignored); nullopt when not a real date.
std::optional<std::chrono::year_month_day> parseIsoDate(const std::string& text);

// 0 = Monday ... 6 = Sunday, for a German or English weekday name; -1 otherwise.
int weekdayOf(const std::string& word);

}  // namespace calls

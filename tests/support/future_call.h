// The Retell fixtures' call moved ahead: they were recorded on Thursday 2025-11-27 (the caller
// asks for a Haarschnitt "heute um 15 Uhr"), and Cal.com books no time in the past. The call
// is moved by whole days to the first Thursday at least a week from now, its timestamps and
// the analysis's date with it.
#pragma once

#include <array>
#include <chrono>
#include <string>

#include "support/fixtures.h"
#include "switchboard/time.h"

namespace sbtest {

class FutureCall {
 public:
  static constexpr const char* kZone = "Europe/Berlin";  // the salon's
  static constexpr long long kRecordedStartMs = 1764233700000, kRecordedEndMs = 1764233835000;

  FutureCall() {
    using namespace std::chrono;
    const auto recorded = switchboard::TimePoint(milliseconds(kRecordedStartMs));
    auto t = recorded;
    while (t < system_clock::now() + hours(24 * 7)) t += hours(24 * 7);
    shift_ms_ = duration_cast<milliseconds>(t - recorded).count();
    day_ = switchboard::time::toLocal(t, kZone).date;
  }

  const std::string& day() const { return day_; }  // "YYYY-MM-DD", a Thursday
  // `hhmm` on that day in the salon's zone.
  switchboard::TimePoint at(const std::string& hhmm) const {
    return *switchboard::time::fromLocal(day_, hhmm, kZone);
  }
  std::string utc(const std::string& hhmm) const { return switchboard::time::formatUtc(at(hhmm)); }
  // How a German text names the day: "Donnerstag, 3. Dezember 2026".
  std::string german() const {
    static const std::array<const char*, 12> kMonths = {
        "Januar", "Februar", "März",      "April",   "Mai",      "Juni",
        "Juli",   "August",  "September", "Oktober", "November", "Dezember"};
    const int month = std::stoi(day_.substr(5, 2)), dom = std::stoi(day_.substr(8, 2));
    return "Donnerstag, " + std::to_string(dom) + ". " + kMonths[month - 1] + " " +
           day_.substr(0, 4);
  }
  // tests/fixtures/retell/NAME with the call moved.
  std::string fixture(const std::string& name) const {
    auto text = sbtest::fixture("retell/" + name);
    replaceAll(text, std::to_string(kRecordedStartMs),
               std::to_string(kRecordedStartMs + shift_ms_));
    replaceAll(text, std::to_string(kRecordedEndMs), std::to_string(kRecordedEndMs + shift_ms_));
    replaceAll(text, "\"2025-11-27\"", "\"" + day_ + "\"");
    return text;
  }

 private:
  static void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }

  long long shift_ms_ = 0;
  std::string day_;
};

}  // namespace sbtest

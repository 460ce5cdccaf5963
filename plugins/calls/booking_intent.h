// Does the caller want an appointment, and for what and when? Precision first: a vague day, a
// cancellation, a price question or a service without a time is never a booking. Every result
// carries a confidence and the reasons for it; the company's threshold decides.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace calls {

struct ServiceNames {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
};

struct StaffName {
  std::string id;
  std::string name;
};

struct Intent {
  std::optional<std::string> service;      // the catalog's service id
  std::optional<std::string> start_local;  // "2026-11-25T14:00" in the branch's zone
  std::optional<std::string> staff;        // the catalog's staff id
  double confidence = 0;
  bool requested = false;  // the caller asked for something booking-like (review it if not booked)
  bool book = false;       // confidence cleared the threshold and nothing disqualifies it
  std::string kind;        // booking | cancellation | price_question | vague | incomplete | none
  std::vector<std::string> reasons;
};

// `user_text`: what the caller said (user turns, joined by newlines). `analysis_json`: the
// agent's structured extraction, may be empty. `today`: the call's local date.
Intent extractIntent(const std::string& user_text, const std::string& analysis_json,
                     const std::vector<ServiceNames>& services, const std::vector<StaffName>& staff,
                     std::chrono::year_month_day today, double threshold);

}  // namespace calls

// The voice platform contract (Retell today), both ways:
//  - calls in: the provider translates its webhooks into the calls.* events (switchboard/
//    events/calls.h) and answers the platform's inbound-call question through the LiveFunctions
//    a feature provides (who is calling, what the agent should know) within its deadline; the
//    agent's tool calls go to CallTools (switchboard/contracts/call_tools.h);
//  - the VoicePlatform a provider offers back: fetch a call whose webhooks were lost.
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"
#include "switchboard/domain/external_ref.h"

namespace switchboard::contracts {

// A call as the platform reports it, provider-neutral. Fields the platform did not send stay
// empty: a later report of the same call fills them in.
struct PlatformCall {
  domain::ExternalRef ref;
  std::string agent;                   // the platform's agent id
  std::string call_type;               // phone_call | web_call (web calls have no numbers)
  std::string direction;               // inbound | outbound
  std::string from_number, to_number;  // E.164 as the platform sent them
  std::string status;                  // registered | not_connected | ongoing | ended | error
  std::optional<TimePoint> started_at, ended_at;
  std::int64_t duration_ms = 0;
  std::string disconnection_reason;
  std::string transcript;
  struct Turn {
    std::string role;  // agent | user | other
    std::string content;
  };
  std::vector<Turn> turns;  // the transcript by speaker
  bool analyzed = false;    // the platform's post-call analysis is in (summary ... below)
  std::string summary;
  std::string sentiment;      // Negative | Positive | Neutral | Unknown
  std::string analysis_json;  // the agent's structured extraction (an object), as JSON
  std::optional<bool> successful, in_voicemail;
  // What the platform says the call cost, per product, in millionths of a US dollar (the
  // platforms report fractions of a cent).
  struct Charge {
    std::string product;  // e.g. retell_platform, twilio
    std::int64_t usd_micros = 0;
  };
  std::vector<Charge> charges;
  std::optional<std::int64_t> total_usd_micros;  // nullopt: not reported (yet)
  std::string telephony_id;                      // the carrier's call id (Twilio CallSid)
  std::string metadata_json;                     // what we attached at the inbound answer
  // What the provider plugin refused to take as truth (a negative cost, an end before the
  // start, a time outside 1970..2100), each said in a sentence; the values are left out. The
  // calls feature flags such a call for a person.
  std::vector<std::string> doubts;
};

class BOOST_SYMBOL_VISIBLE VoicePlatform {
 public:
  static constexpr const char* kServiceName = "contract.voice_platform";
  virtual ~VoicePlatform();
  virtual std::optional<PlatformCall> fetchCall(const domain::CompanyId& company,
                                                const std::string& call_id) = 0;
};

// An incoming call, before it is answered: what the agent should know.
struct InboundCall {
  std::string from_number, to_number;  // E.164 as the platform sent them
  std::string agent;
};
struct InboundAnswer {
  bool known_number = false;  // false: the line is not set up; the agent says so politely
  domain::CompanyId company;
  std::string branch;
  std::string agent;  // the agent to take the call (the number names its own); empty: default
  std::vector<std::pair<std::string, std::string>> variables;  // for the agent's prompt
  std::vector<std::pair<std::string, std::string>> metadata;   // our ids, back on every webhook
};

// Provided by the calls feature; the voice provider calls it on the request thread.
class BOOST_SYMBOL_VISIBLE LiveFunctions {
 public:
  static constexpr const char* kServiceName = "contract.live_functions";
  virtual ~LiveFunctions();
  virtual InboundAnswer inbound(const InboundCall& call) = 0;
};

}  // namespace switchboard::contracts

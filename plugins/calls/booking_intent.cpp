#include "booking_intent.h"

#include <algorithm>
#include <cstdio>

#include "switchboard/json.h"
#include "text.h"
#include "when_phrases.h"

namespace calls {

namespace {

struct Words {
  std::vector<std::string> folded, stems;
};

Words wordsOf(const std::vector<Token>& tokens) {
  Words w;
  for (const auto& t : tokens)
    if (t.kind == Token::kWord) {
      w.folded.push_back(t.text);
      w.stems.push_back(stem(t.text));
    }
  return w;
}

// One word of a service's name against one said word: equal stems, or a compound that ends
// with (German heads come last: "Herrenhaarschnitt") or starts with the stem ("Färbung").
bool wordMatches(const std::string& said, const std::string& said_stem, const std::string& term) {
  const std::string term_stem = stem(term);
  if (said_stem == term_stem || said == term) return true;
  if (term_stem.size() < 5 || said.size() <= term_stem.size()) return false;
  auto endsWith = [&](const std::string& tail) {
    return said.size() >= tail.size() &&
           said.compare(said.size() - tail.size(), tail.size(), tail) == 0;
  };
  return endsWith(term) || endsWith(term_stem) || said.compare(0, term_stem.size(), term_stem) == 0;
}

// How well `phrase` (a name or alias) occurs in the said words: 1 exact, 0.9 via stems or
// compounds, 0 not at all.
double phraseScore(const Words& said, const std::string& phrase) {
  const auto terms = wordsOf(tokenize(fold(phrase))).folded;
  if (terms.empty() || terms.size() > said.folded.size()) return 0;
  double best = 0;
  for (std::size_t i = 0; i + terms.size() <= said.folded.size(); ++i) {
    bool all = true, exact = true;
    for (std::size_t k = 0; k < terms.size() && all; ++k) {
      all = wordMatches(said.folded[i + k], said.stems[i + k], terms[k]);
      exact = exact && said.folded[i + k] == terms[k];
    }
    if (all) best = std::max(best, exact ? 1.0 : 0.9);
  }
  return best;
}

bool anyPrefix(const Words& w, std::initializer_list<const char*> list) {
  for (const auto& x : w.folded)
    for (const char* l : list)
      if (x.rfind(l, 0) == 0) return true;
  return false;
}

bool sequence(const Words& w, std::initializer_list<const char*> seq) {
  const std::vector<std::string> s(seq.begin(), seq.end());
  for (std::size_t i = 0; i + s.size() <= w.folded.size(); ++i)
    if (std::equal(s.begin(), s.end(), w.folded.begin() + static_cast<long>(i))) return true;
  return false;
}

std::string localText(std::chrono::year_month_day d, int minute) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()), minute / 60,
                minute % 60);
  return buf;
}

struct ServiceMatch {
  std::optional<std::string> id;
  double score = 0;
  bool ambiguous = false;
  std::string how;
};

ServiceMatch matchService(const Words& said, const std::vector<ServiceNames>& services) {
  ServiceMatch best;
  for (const auto& s : services) {
    double score = phraseScore(said, s.name);
    std::string how = score > 0 ? "name '" + s.name + "'" : "";
    for (const auto& a : s.aliases)
      if (double as = phraseScore(said, a) * 0.95; as > score) {
        score = as;
        how = "alias '" + a + "'";
      }
    if (score <= 0) continue;
    if (score > best.score + 1e-9) {
      best = {s.id, score, false, how};
    } else if (std::abs(score - best.score) < 1e-9 && best.id != s.id) {
      best.ambiguous = true;
      best.how += " and " + how;
    }
  }
  return best;
}

std::optional<std::string> matchStaff(const Words& said, const std::vector<StaffName>& staff) {
  for (const auto& s : staff)
    if (phraseScore(said, s.name) >= 1.0) return s.id;
  return std::nullopt;
}

std::string oneDecimal(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

Intent extractIntent(const std::string& user_text, const std::string& analysis_json,
                     const std::vector<ServiceNames>& services, const std::vector<StaffName>& staff,
                     std::chrono::year_month_day today, double threshold) {
  Intent out;
  const auto tokens = tokenize(fold(user_text));
  const Words said = wordsOf(tokens);

  const bool cancellation =
      anyPrefix(said, {"absag", "stornier", "storno", "cancel", "reschedul", "verschieb"}) ||
      sequence(said, {"nicht", "kommen"}) || sequence(said, {"can", "not", "come"}) ||
      sequence(said, {"cant", "come"}) || sequence(said, {"cannot", "make", "it"});
  const bool price_question = sequence(said, {"was", "kostet"}) ||
                              sequence(said, {"wie", "viel"}) || sequence(said, {"wieviel"}) ||
                              sequence(said, {"how", "much"}) ||
                              anyPrefix(said, {"preis", "price", "kosten", "cost"});
  const bool booking_words =
      anyPrefix(said, {"termin", "buch", "book", "appointment", "reservier", "vorbeikommen"}) ||
      sequence(said, {"haette", "gern"}) || sequence(said, {"haette", "gerne"}) ||
      sequence(said, {"moechte"}) || sequence(said, {"would", "like"}) ||
      sequence(said, {"id", "like"}) || sequence(said, {"can", "i", "come"}) ||
      sequence(said, {"kann", "ich"}) || sequence(said, {"schedule"}) ||
      sequence(said, {"zeit", "fuer"}) || sequence(said, {"frei"}) ||
      sequence(said, {"available"}) || sequence(said, {"get", "a"});

  // The agent's own extraction, when it made one, is the strongest signal.
  std::optional<std::string> a_service, a_date, a_time;
  std::optional<bool> a_wants;
  if (!analysis_json.empty()) {
    try {
      const auto doc = switchboard::json::parse(analysis_json);
      const auto r = doc.root();
      for (const char* k : {"service", "requested_service"})
        if (!a_service) a_service = r.string(k);
      for (const char* k : {"appointment_date", "date"})
        if (!a_date) a_date = r.string(k);
      for (const char* k : {"appointment_time", "time"})
        if (!a_time) a_time = r.string(k);
      for (const char* k : {"wants_booking", "booking_requested"})
        if (!a_wants) a_wants = r.boolean(k);
    } catch (const std::exception&) {
    }
  }

  ServiceMatch service = matchService(said, services);
  if (a_service) {
    const auto from_analysis = matchService(wordsOf(tokenize(fold(*a_service))), services);
    if (from_analysis.id && !from_analysis.ambiguous) {
      service = from_analysis;
      service.how = "the agent's analysis: '" + *a_service + "'";
      service.score = std::max(service.score, 0.95);
    }
  }
  const WhenFound when = findWhen(tokens, today);
  std::optional<std::chrono::year_month_day> date = when.date;
  std::optional<int> minute = when.minute_of_day;
  bool from_analysis = false;
  if (a_date && a_time) {
    int h = 0, mi = 0;
    const auto ymd = parseIsoDate(*a_date);
    if (ymd && std::sscanf(a_time->c_str(), "%d:%d", &h, &mi) == 2 && h >= 0 && h < 24 && mi >= 0 &&
        mi < 60) {
      date = *ymd;
      minute = h * 60 + mi;
      from_analysis = true;
      out.reasons.push_back("date and time from the agent's analysis");
    }
  }
  if (!from_analysis)
    out.reasons.insert(out.reasons.end(), when.reasons.begin(), when.reasons.end());
  out.staff = matchStaff(said, staff);
  if (out.staff) out.reasons.push_back("staff: " + *out.staff);

  double confidence = 0;
  if (service.id) {
    out.service = service.id;
    const double part = service.ambiguous      ? 0.15
                        : service.score >= 1.0 ? 0.35
                        : service.score >= 0.9 ? 0.3
                                               : 0.25;
    confidence += part;
    out.reasons.push_back("service " + *service.id + " by " + service.how +
                          (service.ambiguous ? " (ambiguous)" : ""));
  } else {
    out.reasons.push_back("no service of the company named");
  }
  if (date) confidence += 0.25;
  if (minute) confidence += 0.25;
  if (booking_words) {
    confidence += 0.15;
    out.reasons.push_back("asks for an appointment");
  }
  if (from_analysis && a_wants.value_or(true)) confidence = std::max(confidence, 0.95);
  if (date && minute) out.start_local = localText(*date, *minute);

  out.requested = booking_words || (service.id && (date || minute)) || from_analysis;
  out.kind = "booking";
  std::string disqualified;
  if (cancellation) {
    out.kind = "cancellation";
    disqualified = "a cancellation or change, not a new booking";
    out.requested = true;
  } else if (a_wants && !*a_wants) {
    out.kind = "none";
    disqualified = "the agent's analysis says no booking was wanted";
  } else if (price_question && !booking_words) {
    out.kind = "price_question";
    disqualified = "a price question";
    out.requested = false;
  } else if (when.vague && !date) {
    out.kind = "vague";
    disqualified = "no particular day";
  } else if (!service.id || service.ambiguous) {
    out.kind = out.requested ? "incomplete" : "none";
    disqualified = service.ambiguous ? "the service is ambiguous" : "no service";
  } else if (!date || !minute) {
    out.kind = "incomplete";
    disqualified = !date && !minute ? "a service without a day or time"
                   : !date          ? "a time without a day"
                                    : "a day without a time";
  }
  if (!disqualified.empty()) {
    out.reasons.push_back("not a booking: " + disqualified);
    confidence = std::min(confidence, 0.5);
    out.start_local.reset();  // nothing to book: no start to act on
    if (service.ambiguous) out.service.reset();
  }
  out.confidence = std::min(confidence, 0.99);
  out.book = disqualified.empty() && out.confidence + 1e-9 >= threshold;
  out.reasons.push_back("confidence " + oneDecimal(out.confidence) + (out.book ? " >= " : " < ") +
                        "threshold " + oneDecimal(threshold));
  return out;
}

}  // namespace calls

#include "when_phrases.h"

#include <cstdio>
#include <map>
#include <set>

namespace calls {

namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

const std::map<std::string, int>& numberWords() {
  static const std::map<std::string, int> words = {
      {"ein", 1},     {"eins", 1},    {"eine", 1},   {"zwei", 2},  {"drei", 3},  {"vier", 4},
      {"fuenf", 5},   {"sechs", 6},   {"sieben", 7}, {"acht", 8},  {"neun", 9},  {"zehn", 10},
      {"elf", 11},    {"zwoelf", 12}, {"one", 1},    {"two", 2},   {"three", 3}, {"four", 4},
      {"five", 5},    {"six", 6},     {"seven", 7},  {"eight", 8}, {"nine", 9},  {"ten", 10},
      {"eleven", 11}, {"twelve", 12}};
  return words;
}

const std::map<std::string, int>& ordinalWords() {
  static const std::map<std::string, int> words = {
      {"ersten", 1},   {"erste", 1},    {"zweiten", 2}, {"dritten", 3}, {"vierten", 4},
      {"fuenften", 5}, {"sechsten", 6}, {"siebten", 7}, {"achten", 8},  {"neunten", 9},
      {"zehnten", 10}, {"first", 1},    {"second", 2},  {"third", 3},   {"fourth", 4},
      {"fifth", 5},    {"sixth", 6},    {"seventh", 7}, {"eighth", 8},  {"ninth", 9},
      {"tenth", 10}};
  return words;
}

int monthOf(const std::string& w) {
  static const std::map<std::string, int> months = {
      {"januar", 1},   {"jaenner", 1},   {"january", 1},  {"jan", 1},       {"februar", 2},
      {"february", 2}, {"feb", 2},       {"maerz", 3},    {"march", 3},     {"april", 4},
      {"apr", 4},      {"mai", 5},       {"may", 5},      {"juni", 6},      {"june", 6},
      {"juli", 7},     {"july", 7},      {"august", 8},   {"aug", 8},       {"september", 9},
      {"sept", 9},     {"sep", 9},       {"oktober", 10}, {"october", 10},  {"okt", 10},
      {"oct", 10},     {"november", 11}, {"nov", 11},     {"dezember", 12}, {"december", 12},
      {"dez", 12},     {"dec", 12}};
  const auto it = months.find(w);
  return it == months.end() ? 0 : it->second;
}

bool isWord(const std::vector<Token>& t, std::size_t i, std::initializer_list<const char*> words) {
  if (i >= t.size() || t[i].kind != Token::kWord) return false;
  for (const char* w : words)
    if (t[i].text == w) return true;
  return false;
}

// A small number (an hour): digits or a number word.
std::optional<int> hourAt(const std::vector<Token>& t, std::size_t i) {
  if (i >= t.size()) return std::nullopt;
  if (t[i].kind == Token::kNumber && !t[i].ordinal && t[i].a <= 24) return t[i].a;
  if (t[i].kind == Token::kWord) {
    const auto it = numberWords().find(t[i].text);
    if (it != numberWords().end()) return it->second;
  }
  return std::nullopt;
}

bool weekdayOrDateWordAt(const std::vector<Token>& t, std::size_t i) {
  if (i >= t.size()) return false;
  if (t[i].kind == Token::kNumber || t[i].kind == Token::kDate) return true;
  return t[i].kind == Token::kWord &&
         (weekdayOf(t[i].text) >= 0 || monthOf(t[i].text) > 0 ||
          isWord(t, i,
                 {"naechsten", "kommenden", "ersten", "morgen", "wochenende", "vormittag",
                  "nachmittag", "abend", "mittag"}));
}

year_month_day inYearAfter(int d, int m, std::optional<int> y, year_month_day today) {
  year_month_day date{year(y.value_or(static_cast<int>(today.year()))), month(m), day(d)};
  if (!y && date.ok() && sys_days(date) < sys_days(today))
    date = year_month_day{today.year() + std::chrono::years(1), month(m), day(d)};
  return date;
}

int weekdayIndex(year_month_day d) {  // 0 = Monday
  const std::chrono::weekday wd{sys_days(d)};
  return (static_cast<int>(wd.c_encoding()) + 6) % 7;
}

}  // namespace

std::optional<year_month_day> parseIsoDate(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(text.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return std::nullopt;
  const year_month_day ymd{year(y), month(m), day(d)};
  return ymd.ok() ? std::optional(ymd) : std::nullopt;
}

int weekdayOf(const std::string& w) {
  static const std::map<std::string, int> days = {
      {"montag", 0},    {"dienstag", 1},  {"mittwoch", 2},  {"donnerstag", 3},  {"freitag", 4},
      {"samstag", 5},   {"sonnabend", 5}, {"sonntag", 6},   {"monday", 0},      {"tuesday", 1},
      {"wednesday", 2}, {"thursday", 3},  {"friday", 4},    {"saturday", 5},    {"sunday", 6},
      {"montags", 0},   {"dienstags", 1}, {"mittwochs", 2}, {"donnerstags", 3}, {"freitags", 4},
      {"samstags", 5},  {"sonntags", 6}};
  const auto it = days.find(w);
  return it == days.end() ? -1 : it->second;
}

WhenFound findWhen(const std::vector<Token>& t, year_month_day today) {
  WhenFound out;
  const sys_days base{today};
  bool next_week = false, weekday_said = false;
  std::optional<int> pm_hint;  // 1 afternoon/evening, 0 morning
  for (std::size_t i = 0; i < t.size(); ++i) {
    const Token& k = t[i];
    // ---- dates ----
    if (k.kind == Token::kWord) {
      const std::string& w = k.text;
      if (w == "heute" || w == "today" || w == "tonight") {
        out.date = today;
        out.reasons.push_back("date: today");
        if (w == "tonight") pm_hint = 1;
      } else if (w == "uebermorgen") {
        out.date = year_month_day(base + days(2));
        out.reasons.push_back("date: the day after tomorrow");
      } else if (w == "morgen" && !isWord(t, i - 1, {"guten", "am", "jeden", "heute", "den"})) {
        out.date = year_month_day(base + days(1));
        out.reasons.push_back("date: tomorrow");
      } else if (w == "tomorrow") {
        if (isWord(t, i - 1, {"after"}) && isWord(t, i - 2, {"day"})) {
          out.date = year_month_day(base + days(2));
          out.reasons.push_back("date: the day after tomorrow");
        } else {
          out.date = year_month_day(base + days(1));
          out.reasons.push_back("date: tomorrow");
        }
      } else if (int wd = weekdayOf(w); wd >= 0) {
        const int today_wd = weekdayIndex(today);
        int ahead = (wd - today_wd + 7) % 7;
        const bool this_one = isWord(t, i - 1, {"diesen", "this", "heute"});
        if (ahead == 0 && !this_one) ahead = 7;
        const bool nw =
            isWord(t, i - 2, {"naechste", "next"}) && isWord(t, i - 1, {"woche", "week"});
        const bool nw_after =
            isWord(t, i + 1, {"next", "naechste"}) && isWord(t, i + 2, {"week", "woche"});
        if (nw || nw_after) ahead = (7 - today_wd) + wd;  // in next week (Monday-based)
        out.date = year_month_day(base + days(ahead));
        out.reasons.push_back("date: " + w);
        weekday_said = true;
      } else if (int m = monthOf(w); m > 0) {
        // "3. Dezember", "dritten Dezember", "2nd of December", "December 2nd"
        std::optional<int> d;
        if (i >= 1 && t[i - 1].kind == Token::kNumber && t[i - 1].a >= 1 && t[i - 1].a <= 31)
          d = t[i - 1].a;
        else if (i >= 1 && ordinalWords().count(t[i - 1].text))
          d = ordinalWords().at(t[i - 1].text);
        else if (i >= 2 && isWord(t, i - 1, {"of"}) && t[i - 2].kind == Token::kNumber)
          d = t[i - 2].a;
        else if (i + 1 < t.size() && t[i + 1].kind == Token::kNumber && t[i + 1].a >= 1 &&
                 t[i + 1].a <= 31 && (t[i + 1].ordinal || !isWord(t, i + 2, {"uhr"})))
          d = t[i + 1].a;
        if (d) {
          std::optional<int> y;
          if (i + 1 < t.size() && t[i + 1].kind == Token::kNumber && t[i + 1].a > 1900)
            y = t[i + 1].a;
          else if (i + 2 < t.size() && t[i + 2].kind == Token::kNumber && t[i + 2].a > 1900)
            y = t[i + 2].a;
          const auto date = inYearAfter(*d, m, y, today);
          if (date.ok()) {
            out.date = date;
            out.reasons.push_back("date: " + std::to_string(*d) + " " + w);
          }
        }
      } else if ((w == "in") && i + 2 < t.size() && isWord(t, i + 2, {"tagen", "days"})) {
        if (auto n = hourAt(t, i + 1)) {
          out.date = year_month_day(base + days(*n));
          out.reasons.push_back("date: in " + std::to_string(*n) + " days");
        }
      } else if (w == "woche" || w == "week") {
        if (isWord(t, i - 1, {"naechste", "next", "diese", "this", "kommende", "naechsten"}))
          next_week = true;
      } else if (w == "irgendwann" || w == "sometime" || w == "bald" || w == "soon" ||
                 w == "demnaechst" || w == "whenever" || w == "anytime") {
        out.vague = true;
        out.reasons.push_back("vague: '" + w + "'");
      } else if (w == "nachmittag" || w == "nachmittags" || w == "abend" || w == "abends" ||
                 w == "afternoon" || w == "evening" || w == "pm") {
        pm_hint = 1;
      } else if (w == "morgens" || w == "vormittag" || w == "vormittags" || w == "frueh" ||
                 w == "morning") {
        pm_hint = 0;
      }
    } else if (k.kind == Token::kDate) {
      std::optional<int> y;
      if (k.c) y.emplace(k.c);
      const auto date = inYearAfter(k.a, k.b, y, today);
      if (date.ok()) {
        out.date = date;
        out.reasons.push_back("date: " + k.text);
      }
    } else if (k.kind == Token::kPair && isWord(t, i - 1, {"am", "den", "zum"}) &&
               !isWord(t, i + 1, {"uhr"})) {
      const auto date = inYearAfter(k.a, k.b, std::nullopt, today);
      if (date.ok()) {
        out.date = date;
        out.reasons.push_back("date: " + k.text);
      }
    }
    // "am 5." / "am fünften" without a month: the day in this or next month
    if (k.kind == Token::kNumber && k.ordinal && isWord(t, i - 1, {"am", "den"}) &&
        !(i + 1 < t.size() && t[i + 1].kind == Token::kWord && monthOf(t[i + 1].text) > 0) &&
        k.a >= 1 && k.a <= 31) {
      year_month_day date{today.year(), today.month(), day(static_cast<unsigned>(k.a))};
      if (!date.ok() || sys_days(date) < base) {
        const auto next =
            std::chrono::year_month{today.year(), today.month()} + std::chrono::months(1);
        date = year_month_day{next.year(), next.month(), day(static_cast<unsigned>(k.a))};
      }
      if (date.ok()) {
        out.date = date;
        out.reasons.push_back("date: the " + std::to_string(k.a) + ".");
      }
    }

    // ---- times ----
    std::optional<int> hour, minute;
    std::string said;
    if (k.kind == Token::kClock && k.a < 24 && k.b < 60) {
      hour = k.a;
      minute = k.b;
      said = k.text;
    } else if (k.kind == Token::kPair && k.a < 24 && k.b < 60 &&
               (isWord(t, i + 1, {"uhr"}) || isWord(t, i - 1, {"um", "at", "gegen"}))) {
      hour = k.a;
      minute = k.b;
      said = k.text;
    } else if (auto h = hourAt(t, i); h && isWord(t, i + 1, {"uhr", "oclock"})) {
      hour = *h;
      minute = 0;
      said = k.text + " " + t[i + 1].text;
      if (i + 2 < t.size() && t[i + 2].kind == Token::kNumber && !t[i + 2].ordinal &&
          t[i + 2].a < 60 && t[i + 1].text == "uhr") {
        minute = t[i + 2].a;
        said += " " + t[i + 2].text;
      }
    } else if (auto h2 = hourAt(t, i);
               h2 && (isWord(t, i + 1, {"pm"}) ||
                      (isWord(t, i + 1, {"am"}) && !weekdayOrDateWordAt(t, i + 2)))) {
      hour = *h2 % 12 + (t[i + 1].text == "pm" ? 12 : 0);
      minute = 0;
      said = k.text + " " + t[i + 1].text;
    } else if (isWord(t, i, {"um", "at", "gegen", "around", "ab"}) && i + 1 < t.size()) {
      if (auto h3 = hourAt(t, i + 1);
          h3 && !isWord(t, i + 2, {"uhr", "oclock", "am", "pm"}) &&
          !(i + 2 < t.size() && t[i + 2].kind == Token::kWord && monthOf(t[i + 2].text) > 0) &&
          !isWord(t, i + 2, {"minuten", "minutes", "tage", "days"})) {
        hour = *h3;
        minute = 0;
        said = k.text + " " + t[i + 1].text;
        if (i + 2 < t.size() && t[i + 2].kind == Token::kNumber && !t[i + 2].ordinal &&
            t[i + 2].a < 60 && t[i + 1].kind == Token::kWord) {
          // "at eleven thirty" is not handled as digits; "um 14 30" is rare: leave it
        }
      } else if (isWord(t, i + 1, {"mittag", "noon", "midday"})) {
        hour = 12;
        minute = 0;
        said = k.text + " " + t[i + 1].text;
      }
    }
    if (!hour) {
      // halb drei (2:30), viertel nach elf, viertel vor drei, dreiviertel drei, viertel drei;
      // half past two, quarter past ten, quarter to three
      auto rel = [&](std::size_t at, int delta_hour, int m) {
        if (auto h = hourAt(t, at)) {
          hour = (*h + delta_hour + 24) % 24;
          minute = m;
          said.clear();
          for (std::size_t j = i; j <= at; ++j) said += (j > i ? " " : "") + t[j].text;
        }
      };
      if (isWord(t, i, {"halb"}))
        rel(i + 1, -1, 30);
      else if (isWord(t, i, {"viertel"}) && isWord(t, i + 1, {"nach"}))
        rel(i + 2, 0, 15);
      else if (isWord(t, i, {"viertel"}) && isWord(t, i + 1, {"vor"}))
        rel(i + 2, -1, 45);
      else if (isWord(t, i, {"dreiviertel"}))
        rel(i + 1, -1, 45);
      else if (isWord(t, i, {"viertel"}) && !isWord(t, i - 1, {"ein", "eine"}) && hourAt(t, i + 1))
        rel(i + 1, -1, 15);
      else if (isWord(t, i, {"half"}) && isWord(t, i + 1, {"past"}))
        rel(i + 2, 0, 30);
      else if (isWord(t, i, {"quarter"}) && isWord(t, i + 1, {"past", "after"}))
        rel(i + 2, 0, 15);
      else if (isWord(t, i, {"quarter"}) && isWord(t, i + 1, {"to", "before"}))
        rel(i + 2, -1, 45);
      if (hour && *hour == 0 && t[i].text != "halb") hour = 12;  // "viertel vor eins" 12:45
      if (hour && *hour == 0) hour = 12;
    }
    if (hour && minute && *hour < 24) {
      out.minute_of_day = *hour * 60 + *minute;
      out.reasons.push_back("time: '" + said + "'");
    }
  }
  if (out.minute_of_day) {
    int h = *out.minute_of_day / 60;
    const int m = *out.minute_of_day % 60;
    if (pm_hint && *pm_hint == 1 && h < 12) {
      h += 12;
      out.reasons.push_back("afternoon/evening: +12 h");
    } else if (!pm_hint && h >= 1 && h <= 7) {
      h += 12;  // "um drei", "at 2": business hours mean the afternoon
      out.reasons.push_back("hour " + std::to_string(h - 12) + " read as " + std::to_string(h) +
                            ":00 (opening hours)");
    }
    out.minute_of_day = h * 60 + m;
  }
  if (next_week && !weekday_said && !out.date) {
    out.vague = true;
    out.reasons.push_back("vague: a week but no day");
  }
  return out;
}

}  // namespace calls

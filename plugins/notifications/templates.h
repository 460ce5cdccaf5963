// Customer message templates per language, with company overrides, from the feature's YAML:
//   templates:
//     default:     { de: { appointment_booked: "Hallo {customer}, ..." , ... }, en: { ... } }
//     salon-mitte: { de: { appointment_booked: "..." } }      # a company's own wording
// Every kind must exist in every required language of `default`; a template may use only its
// kind's variables. Both are checked by check-config, with the file:line:col of the culprit.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "switchboard/config/yaml_reader.h"

namespace notifications {

// At most this many offered times are listed in one text, each within kMaxOfferedChars
// (localWords' longest: "Wednesday, September 30, 2026 at 12:30 PM").
inline constexpr std::size_t kMaxOffered = 5;
inline constexpr std::size_t kMaxOfferedChars = 48;
inline constexpr std::size_t kMaxAlternativesChars = kMaxOffered * (kMaxOfferedChars + 2);

// The kinds of customer message, and the variables each may use.
const std::vector<std::string>& templateKinds();
const std::set<std::string>& variablesOf(const std::string& kind);

// "{a} and {b}" → {"a", "b"}; throws std::invalid_argument for an unclosed or empty brace.
std::vector<std::string> placeholders(const std::string& text);
// Each {name} replaced by vars[name] (a name without a value: empty).
std::string fill(const std::string& text, const std::map<std::string, std::string>& vars);

class Templates {
 public:
  // Reads and validates `node` (the `templates:` map); problems go to `r`.
  void read(switchboard::config::YamlReader& r, const YAML::Node& node,
            const std::vector<std::string>& required_languages);

  // The company's template, else the default in `language`, else in `fallback_language`, else
  // English. Empty when none exists (a kind not shipped).
  std::string find(const std::string& company, const std::string& kind, const std::string& language,
                   const std::string& fallback_language) const;
  // The language find() took its template from.
  std::string languageOf(const std::string& company, const std::string& kind,
                         const std::string& language, const std::string& fallback_language) const;

 private:
  using ByKind = std::map<std::string, std::string>;
  // owner ("default" or a company id) → language → kind → text
  std::map<std::string, std::map<std::string, ByKind>> sets_;
  const std::string* lookup(const std::string& owner, const std::string& language,
                            const std::string& kind) const;
};

}  // namespace notifications

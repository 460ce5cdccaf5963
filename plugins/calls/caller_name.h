// The caller's name: the agent's analysis first (custom_analysis_data customer_name / name /
// caller_name), then what the caller said in German or English ("mein Name ist …", "ich bin
// …", "hier ist …", "this is …", "my name is …", "it's … calling").
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace calls {

struct NameFound {
  std::string name;
  std::string source;  // analysis | transcript
};

std::optional<NameFound> findCallerName(const std::vector<std::string>& user_turns,
                                        const std::string& analysis_json);

}  // namespace calls

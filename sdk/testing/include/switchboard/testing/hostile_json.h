// The usual hostile JSON bodies, for a plugin's tests to throw at its routes (signed, so that
// they reach the parse): each should be refused with a 4xx and a reason, never a 5xx, a crash
// or a hang, and nothing stored.
//
//   for (const auto& h : switchboard::testing::hostileJson())
//     EXPECT_EQ(deliver(server, h.body).status, 400) << h.name;
#pragma once

#include <string>
#include <vector>

namespace switchboard::testing {

struct HostileBody {
  std::string name;  // what it tries, for the failure message
  std::string body;
};

// Nesting 140,000 deep (arrays, objects, unclosed), a 5 MB string, NUL bytes raw and inside a
// string, bytes that are not UTF-8, a lone surrogate escape, numbers past any integer, text
// cut short, a bare value instead of an object, an empty body, trailing garbage.
std::vector<HostileBody> hostileJson();

}  // namespace switchboard::testing

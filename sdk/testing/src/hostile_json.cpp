#include "switchboard/testing/hostile_json.h"

namespace switchboard::testing {

std::vector<HostileBody> hostileJson() {
  constexpr std::size_t kDeep = 140000;  // 280 KB: under a 1 MiB body limit, past any stack
  std::string objects;
  for (std::size_t i = 0; i < kDeep; ++i) objects += R"({"a":)";
  objects += "1" + std::string(kDeep, '}');
  return {
      {"nested arrays", std::string(kDeep, '[') + std::string(kDeep, ']')},
      {"nested objects", objects},
      {"unclosed nesting", std::string(kDeep, '[')},
      {"nesting under a member", R"({"event":"x","call":)" + std::string(kDeep, '[')},
      {"a 5 MB string", R"({"event":")" + std::string(5u << 20, 'x') + R"("})"},
      {"a raw NUL", std::string("{\"event\":\"x\"}\0{}", 16)},
      {"a NUL inside a string", std::string("{\"event\":\"x\0y\"}", 15)},
      {"bytes that are not UTF-8", "{\"event\":\"\xff\xfe\xc3\x28\"}"},
      {"an overlong encoding", "{\"event\":\"\xc0\xaf\"}"},
      {"a lone surrogate escape", R"({"event":"\ud800"})"},
      {"a number past any integer", R"({"event":1)" + std::string(400, '9') + "}"},
      {"text cut short", R"({"event":"call_ended","call":{"call_id":"c1")"},
      {"a bare string", R"("call_ended")"},
      {"a bare number", "42"},
      {"null", "null"},
      {"an empty body", ""},
      {"trailing garbage", R"({"event":"x"} trailing)"},
  };
}

}  // namespace switchboard::testing

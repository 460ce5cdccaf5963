// Text for Telegram's sendMessage with parse_mode HTML (PROVIDERS.md, Telegram).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace telegram {

inline constexpr std::size_t kMaxMessage = 4096;

// & < > as entities: all that HTML mode needs escaped outside tags.
std::string htmlEscape(std::string_view text);
// Pieces of at most `limit` bytes (so at most `limit` characters), cut at a line break where
// one lies in the second half of a piece, else at a space, never inside a UTF-8 character.
std::vector<std::string> split(std::string_view text, std::size_t limit);

}  // namespace telegram

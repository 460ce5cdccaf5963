// Free text from outside (a caller's name, a note, a message body) made fit to store and pass
// on: control characters dropped, invalid UTF-8 dropped, at most a documented number of
// characters. Each provider's edge cuts what it takes in; each sender cuts to its upstream's
// limit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace switchboard::text {

// The longest caller's name kept (Cal.com's attendee, the customer's row, SMS greetings).
constexpr std::size_t kMaxNameChars = 100;

// `text` without control characters (C0, DEL, C1; tabs and line breaks become spaces) or
// bytes that are not UTF-8, trimmed, cut to at most `max_chars` Unicode characters (with
// `ellipsis` ending a cut text, within the bound).
std::string bounded(std::string_view text, std::size_t max_chars, bool ellipsis = false);

// UTF-8 `text` cut to at most `max_chars` characters, an ellipsis ending a cut text (within
// the bound); nothing else changed. For our own texts (an SMS body) sent to a limited upstream.
std::string cut(std::string_view text, std::size_t max_chars);

// The length in bytes of the well-formed UTF-8 sequence at `text[at]` (1 for ASCII); 0 when
// the bytes there are no such sequence (a stray continuation, an overlong lead, a cut end).
std::size_t utf8SequenceAt(std::string_view text, std::size_t at);

// The number of Unicode characters of UTF-8 `text`.
std::size_t characters(std::string_view text);

}  // namespace switchboard::text

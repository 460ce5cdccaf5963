// What the calls feature reads in people's words: text folded for matching (lower case, ä →
// ae, ß → ss, apostrophes dropped) and cut into tokens that keep numbers' shapes (14:30, 5.1.,
// 3., 2nd, 2025-11-27).
#pragma once

#include <string>
#include <vector>

namespace calls {

std::string fold(const std::string& text);

struct Token {
  enum Kind { kWord, kNumber, kClock, kDate, kPair, kBreak } kind = kWord;
  std::string text;         // the folded word (kWord), else the cluster as written
  int a = 0, b = 0, c = 0;  // kNumber: a; kClock: a:b; kDate: a.b.c (c = 0: no year); kPair: a.b
  bool ordinal = false;     // kNumber written "3." or "3rd"
};

// kBreak between sentences and turns: phrases never span one.
std::vector<Token> tokenize(const std::string& folded);

// A German or English word stem for matching names of things ("haare" → "haar",
// "schneiden" → "schneid"): strips a plural or inflection ending when at least 4 letters stay.
std::string stem(const std::string& word);

}  // namespace calls

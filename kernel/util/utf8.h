#pragma once

#include <string_view>

namespace switchboard::kernel::util {

// Well-formed UTF-8 without NUL bytes: what a TEXT column on every backend accepts.
bool isStorableText(std::string_view text);

}  // namespace switchboard::kernel::util

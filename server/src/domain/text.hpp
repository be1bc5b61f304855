#pragma once
// Small ASCII text helpers shared by the domain. Locale-independent on purpose:
// identifiers, TLP names and DNS names are ASCII, and the C locale must not matter.
#include <string>
#include <string_view>
#include <vector>

namespace varde::domain {

std::string to_lower_ascii(std::string_view text);
std::string to_upper_ascii(std::string_view text);
bool iequals_ascii(std::string_view a, std::string_view b);
std::string_view trim(std::string_view text);
// Splits on a separator; empty pieces are dropped after trimming.
std::vector<std::string> split_list(std::string_view text, char separator);

}  // namespace varde::domain

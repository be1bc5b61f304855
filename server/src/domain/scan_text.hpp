#pragma once
// Character classes, UTF-8 decoding and word boundaries for the anonymiser's scanners (internal
// to the domain). The scanners read a folded copy of the text of the same length as the
// original, so every offset found in it is an offset in the original too.
#include <cstddef>
#include <string>
#include <string_view>

namespace varde::domain::scan {

inline constexpr std::size_t npos = std::string_view::npos;

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
inline bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline unsigned byte(char c) { return static_cast<unsigned char>(c); }
inline bool one_of(char c, std::string_view set) { return set.find(c) != npos; }

struct code_point {
    char32_t value;
    std::size_t size;  // bytes; 1 for a malformed byte
};
inline constexpr char32_t malformed = 0xFFFFFFFF;

code_point decode_at(std::string_view s, std::size_t i);
// The code point that ends just before byte i (i > 0).
code_point decode_before(std::string_view s, std::size_t i);

// Is there a word character at / just before byte i? A word character is an ASCII letter or
// digit, or any non-ASCII code point but Unicode punctuation, spaces and symbols.
bool word_at(std::string_view s, std::size_t i);
bool word_before(std::string_view s, std::size_t i);
// The size of the code point at i: how far a scanner steps over it.
std::size_t step(std::string_view s, std::size_t i);

// Characters of a DNS label (and of the parts of an account name), IDN letters included.
bool host_at(std::string_view s, std::size_t i);

// ASCII and Latin-1 letters to lower case; the result has the length of the text.
std::string fold(std::string_view text);

// The size of the white space at i (0 if none); a no-break space counts.
std::size_t space_at(std::string_view s, std::size_t i);
// The size of the dot at i: "." or a defanged "[.]", "(.)", "{.}", "[dot]", "(dot)"; 0 if none.
std::size_t dot_at(std::string_view s, std::size_t i);

// Is the label a common file extension, so that "report.xlsx" is a file and not a host?
bool file_extension(std::string_view label);
std::string_view last_label(std::string_view name);
bool has_letter(std::string_view s);

}  // namespace varde::domain::scan

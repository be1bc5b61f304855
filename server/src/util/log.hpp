#pragma once
// Structured logging: one JSON object per line on stderr.
//   log::info("tls.refused", {{"peer", "127.0.0.1:5123"}, {"reason", "unknown ca"}});
// Never pass report text, indicator values or an anonymous report's source: fields are
// written verbatim (JSON-escaped), and log lines leave the CERT's control.
#include <cstdint>
#include <optional>
#include <type_traits>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace varde::log {

enum class level { debug, info, warn, error };

using value = std::variant<std::string_view, std::int64_t, double, bool>;

struct field {
    std::string_view key;
    value val;
    field(std::string_view k, std::string_view v) : key(k), val(v) {}
    field(std::string_view k, std::string const& v) : key(k), val(std::string_view(v)) {}
    field(std::string_view k, char const* v) : key(k), val(std::string_view(v)) {}
    field(std::string_view k, bool v) : key(k), val(v) {}
    field(std::string_view k, double v) : key(k), val(v) {}
    template <typename I>
        requires std::is_integral_v<I>
    field(std::string_view k, I v) : key(k), val(static_cast<std::int64_t>(v)) {}
};

void set_min_level(level l);
std::optional<level> parse_level(std::string_view text);
void write(level l, std::string_view event, std::initializer_list<field> fields);

inline void debug(std::string_view event, std::initializer_list<field> f = {}) { write(level::debug, event, f); }
inline void info(std::string_view event, std::initializer_list<field> f = {}) { write(level::info, event, f); }
inline void warn(std::string_view event, std::initializer_list<field> f = {}) { write(level::warn, event, f); }
inline void error(std::string_view event, std::initializer_list<field> f = {}) { write(level::error, event, f); }

// JSON string escaping, shared with anything that writes JSON by hand.
void append_json_string(std::string& out, std::string_view text);

}  // namespace varde::log

#include "domain/timestamp.hpp"

#include <chrono>

namespace varde::domain {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }


std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t count) {
    if (pos + count > s.size()) return std::nullopt;
    int value = 0;
    for (char c : s.substr(pos, count)) {
        if (!is_digit(c)) return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

// "YYYY-MM-DDTHH:MM:SS" as seconds since the epoch, with calendar (leap years) and clock
// ranges checked. Leap seconds (":60") are refused.
std::optional<std::int64_t> parse_civil(std::string_view s) {
    auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
    auto h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
    if (!y || !mo || !d || !h || !mi || !sec) return std::nullopt;
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    namespace chr = std::chrono;
    chr::year_month_day date{chr::year{*y}, chr::month{static_cast<unsigned>(*mo)},
                             chr::day{static_cast<unsigned>(*d)}};
    if (!date.ok() || *h > 23 || *mi > 59 || *sec > 59) return std::nullopt;
    std::int64_t days = chr::sys_days{date}.time_since_epoch().count();
    return days * 86400 + *h * 3600 + *mi * 60 + *sec;
}

}  // namespace

// RFC 3339 §5.6 date-time: the civil part, an optional fraction of 1-9 digits, then "Z" or
// "+hh:mm"/"-hh:mm". Expects the text upper-cased already (RFC 3339 allows "t" and "z").
std::optional<instant> parse_rfc3339(std::string_view s) {
    auto civil = parse_civil(s);
    if (!civil) return std::nullopt;
    std::size_t pos = 19;
    std::int64_t nanos = 0, scale = 1000000000;
    if (pos < s.size() && s[pos] == '.') {
        std::size_t start = ++pos;
        for (; pos < s.size() && is_digit(s[pos]); ++pos) nanos += (s[pos] - '0') * (scale /= 10);
        if (pos == start || pos - start > 9) return std::nullopt;
    }
    if (pos + 1 == s.size() && s[pos] == 'Z') return instant{*civil, nanos};
    if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || s[pos + 3] != ':')
        return std::nullopt;
    auto oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    std::int64_t offset = (*oh * 3600 + *om * 60) * (s[pos] == '-' ? -1 : 1);
    return instant{*civil - offset, nanos};
}

}  // namespace varde::domain

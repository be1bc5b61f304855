// Phone numbers in free text: international ("+47 ...", "0047 ..."), national (3+ groups,
// "(202) 555-0143") and labelled bare numbers ("tlf 22334455"), but no dates, addresses,
// versions or amounts.
#include "domain/anonymiser_scanners.hpp"

#include <algorithm>
#include <optional>

#include "domain/scan_text.hpp"

namespace varde::domain::scan {

namespace {

struct digit_group {
    std::size_t begin;  // first digit
    std::size_t end;    // after the last digit
    std::size_t next;   // after a closing parenthesis, if any
    bool paren;
    char sep;  // separator before the group: 0 (first), ' ', '-', '.', '/', ')'
};

std::optional<digit_group> read_group(std::string_view s, std::size_t p, char sep) {
    bool const paren = p < s.size() && s[p] == '(';
    std::size_t const b = paren ? p + 1 : p;
    std::size_t e = b;
    while (e < s.size() && is_digit(s[e])) ++e;
    if (e == b) return std::nullopt;
    if (!paren) return digit_group{b, e, e, false, sep};
    if (e >= s.size() || s[e] != ')' || e - b > 5) return std::nullopt;
    return digit_group{b, e, e + 1, true, sep};
}

// Groups of digits joined by one separator each: "+47 22 33 44 55", "(202) 555-0143".
std::vector<digit_group> read_groups(std::string_view s, std::size_t p) {
    std::vector<digit_group> groups;
    char sep = 0;
    while (groups.size() < 16) {
        auto const g = read_group(s, p, sep);
        if (!g) break;
        groups.push_back(*g);
        p = g->next;
        if (p + 1 < s.size() && one_of(s[p], " -./") && (is_digit(s[p + 1]) || s[p + 1] == '(')) {
            sep = s[p++];
        } else if (g->paren && p < s.size() && is_digit(s[p])) {
            sep = ')';
        } else {
            break;
        }
    }
    return groups;
}

std::size_t digits(digit_group const& g) { return g.end - g.begin; }

// A space-free chunk shaped like a date (2018-09-01, 01.09.2018) or an IPv4 address.
bool date_or_address(std::vector<digit_group> const& g, std::size_t b, std::size_t e) {
    bool same_sep = true;
    bool short_groups = true;
    for (std::size_t k = b; k < e; ++k) {
        if (k > b && g[k].sep != g[b + 1].sep) same_sep = false;
        if (digits(g[k]) > 3) short_groups = false;
    }
    if (!same_sep) return false;
    if (e - b == 4 && g[b + 1].sep == '.' && short_groups) return true;
    if (e - b != 3) return false;
    std::size_t const l0 = digits(g[b]), l1 = digits(g[b + 1]), l2 = digits(g[b + 2]);
    return l1 == 2 && ((l0 == 4 && l2 == 2) || (l0 == 2 && l2 == 4));
}

// National formats: 3+ groups of 2-4 digits (or "(area) ..."), 8-12 digits in all.
bool national_number(std::vector<digit_group> const& g, std::size_t n, std::size_t total) {
    if (total < 8 || total > 12 || !(n >= 3 || (n == 2 && g[0].paren))) return false;
    bool all_four = true, dots = false, pairs = true, thousands = digits(g[0]) <= 3;
    for (std::size_t k = 0; k < n; ++k) {
        std::size_t const len = digits(g[k]);
        if (g[k].paren ? len > 5 : (len < 2 || len > 4)) return false;
        if (g[k].sep == '/') return false;
        all_four = all_four && len == 4;
        pairs = pairs && len == 2;
        dots = dots || g[k].sep == '.';
        thousands = thousands && (k == 0 || (len == 3 && g[k].sep == ' '));
    }
    if (all_four || thousands) return false;  // "2018 2019 2020", "12 500 000"
    // Dotted only as 202.555.0143 or 01.23.45.67.89, never like an address or a version.
    if (dots)
        return (n == 3 && digits(g[0]) == 3 && digits(g[1]) == 3 && digits(g[2]) == 4) ||
               (n >= 5 && pairs);
    return true;
}

// "Tlf: 22334455", "phone 22334455": the word before a bare run of digits names it.
bool phone_label_before(std::string_view s, std::size_t i) {
    while (i > 0 && one_of(s[i - 1], " \t:.=(")) --i;
    std::size_t b = i;
    while (b > 0 && is_alpha(s[b - 1])) --b;
    std::string_view const word = s.substr(b, i - b);
    if (word_before(s, b)) return false;
    for (std::string_view label : {"tel", "tlf", "telefon", "phone", "telephone", "mob", "mobil",
                                   "mobile", "cell", "fax", "sms", "whatsapp", "signal"})
        if (word == label) return true;
    return false;
}

bool phone_number(std::string_view s, std::vector<digit_group> const& g, std::size_t n, bool plus) {
    std::size_t total = 0;
    for (std::size_t b = 0, k = 0; k < n; ++k) {
        total += digits(g[k]);
        if (k + 1 == n || g[k + 1].sep == ' ') {
            if (date_or_address(g, b, k + 1)) return false;
            b = k + 1;
        }
    }
    if (plus) return total >= 8 && total <= 15;
    if (n == 1 && !g[0].paren)  // bare digits are ids or timestamps unless labelled: "tlf 22334455"
        return total >= 8 && total <= 12 && phone_label_before(s, g[0].begin);
    std::string_view const first = s.substr(g[0].begin, digits(g[0]));
    if (!g[0].paren && first.size() > 2 && first.starts_with("00") && first[2] != '0')
        return total >= 10 && total <= 17;  // "0047 ...": 00, then 8-15 digits
    return national_number(g, n, total);
}

bool phone_start(std::string_view s, std::size_t i) {
    if (i == 0) return true;
    char const c = s[i - 1];
    if (s[i] == '+') return !is_digit(c) && c != '+';  // "?q=call+4722334455", not "C++"
    if (word_before(s, i) || one_of(c, "-._/\\#@$%&+~^")) return false;  // CVE-2018-1234
    return !(one_of(c, ":,") && i >= 2 && is_digit(s[i - 2]));           // 12:30, 1,5
}

bool phone_end(std::string_view s, std::size_t e) {
    if (e >= s.size()) return true;
    if (word_at(s, e) || s[e] == '_') return false;
    return !(one_of(s[e], "-./:,") && e + 1 < s.size() && is_digit(s[e + 1]));
}

// Tries a phone number at i; returns where scanning continues.
std::size_t scan_phone_at(std::string_view s, std::size_t i, std::vector<span>& out) {
    bool const plus = s[i] == '+';
    std::vector<digit_group> const g = read_groups(s, plus ? i + 1 : i);
    if (g.empty()) return i + 1;
    // Longest run of whole space-separated chunks first: "+47 22 33 44 55 2018-09-01".
    for (std::size_t n = g.size(); n > 0; --n) {
        if (n < g.size() && g[n].sep != ' ') continue;
        if (phone_end(s, g[n - 1].next) && phone_number(s, g, n, plus)) {
            out.push_back({i, g[n - 1].next, redaction_kind::phone});
            return g[n - 1].next;
        }
    }
    std::size_t first_chunk = 1;
    while (first_chunk < g.size() && g[first_chunk].sep != ' ') ++first_chunk;
    return g[first_chunk - 1].next;
}

}  // namespace

void scan_phones(std::string_view s, std::vector<span>& out) {
    std::size_t i = 0;
    while (i < s.size()) {
        bool const opener = (s[i] == '+' || s[i] == '(') && i + 1 < s.size() &&
                            (is_digit(s[i + 1]) || s[i + 1] == '(');
        bool const candidate = is_digit(s[i]) || opener;
        i = candidate && phone_start(s, i) ? scan_phone_at(s, i, out) : i + 1;
    }
}

}  // namespace varde::domain::scan

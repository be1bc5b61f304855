// Host names, organisation names and e-mail addresses in free text.
#include "domain/anonymiser_scanners.hpp"

#include <algorithm>
#include <iterator>

#include "domain/scan_text.hpp"

namespace varde::domain::scan {

namespace {

struct host_token {
    std::size_t begin;
    std::size_t end;
    std::string name;  // folded labels joined by '.', defanged dots undone
    std::size_t labels;
};

// Reads dot-separated labels from i, which must be a label character.
host_token read_host(std::string_view s, std::size_t i) {
    host_token h{i, i, {}, 0};
    while (true) {
        std::size_t k = i;
        while (host_at(s, k)) k += step(s, k);
        h.name.append(s.substr(i, k - i));
        h.end = k;
        ++h.labels;
        std::size_t const d = dot_at(s, k);
        if (d == 0 || !host_at(s, k + d)) return h;
        h.name.push_back('.');
        i = k + d;
    }
}

// The domain itself or any sub-domain; "notnordkraft.no" and "nordkraft.no.evil.com" are not.
bool is_org_host(std::string_view name, std::vector<std::string> const& domains) {
    while (!name.empty() && one_of(name.front(), "-_")) name.remove_prefix(1);
    while (!name.empty() && one_of(name.back(), "-_")) name.remove_suffix(1);
    return std::any_of(domains.begin(), domains.end(), [name](std::string const& d) {
        return name == d || (name.size() > d.size() && name.ends_with(d) &&
                             name[name.size() - d.size() - 1] == '.');
    });
}

// Matches a folded name at i; a space in the name matches any run of white space.
std::size_t match_name(std::string_view s, std::size_t i, std::string_view name) {
    for (char const c : name) {
        if (c == ' ') {
            if (space_at(s, i) == 0) return npos;
            while (std::size_t const w = space_at(s, i)) i += w;
        } else if (i < s.size() && s[i] == c) {
            ++i;
        } else {
            return npos;
        }
    }
    return i;
}

// Shields are sorted and disjoint.
bool shielded(std::vector<span> const& shields, std::size_t b, std::size_t e) {
    auto const it = std::partition_point(shields.begin(), shields.end(),
                                         [b](span const& sh) { return sh.begin <= b; });
    return it != shields.begin() && std::prev(it)->end >= e;
}

// The name is the whole first label of a shielded host ("nordkraft.sharepoint.com",
// "nordkraft.no.evil.com", or "Nordkraft.Our" with a missing space): it names the victim
// however the rest reads, so it is removed; only names inside a longer label stay
// ("nordkraft-login.com", "evilnordkraft.com").
bool whole_first_label(std::string_view s, std::vector<span> const& shields, std::size_t b, std::size_t e) {
    auto const it = std::partition_point(shields.begin(), shields.end(),
                                         [b](span const& sh) { return sh.begin <= b; });
    return it != shields.begin() && std::prev(it)->begin == b && e < s.size() && s[e] == '.';
}

// "@" or a defanged at sign: "[@]", "[at]", "(at)".
std::size_t at_sign(std::string_view s, std::size_t i) {
    if (s[i] == '@') return 1;
    for (std::string_view sep : {"[@]", "[at]", "(at)"})
        if (s.substr(i).starts_with(sep)) return sep.size();
    return 0;
}

bool local_part_before(std::string_view s, std::size_t i) {
    return i > 0 && (one_of(s[i - 1], "._%+-") || word_before(s, i));
}

}  // namespace

// Other host names (not file names) shield the names inside them, so an attacker's look-alike
// domain stays usable.
void scan_hosts(std::string_view s, std::vector<std::string> const& domains,
                std::vector<span>& out, std::vector<span>& shields) {
    std::size_t i = 0;
    while (i < s.size()) {
        if (!host_at(s, i)) {
            i += step(s, i);
            continue;
        }
        host_token const h = read_host(s, i);
        std::string_view const tld = last_label(h.name);
        if (is_org_host(h.name, domains))
            out.push_back({h.begin, h.end, redaction_kind::domain});
        else if (h.labels >= 2 && has_letter(tld) && !file_extension(tld))
            shields.push_back({h.begin, h.end, redaction_kind::domain});
        i = h.end;
    }
}

void scan_names(std::string_view s, std::vector<std::string> const& names,
                std::vector<span> const& shields, std::vector<span>& out) {
    for (std::string_view const name : names) {
        std::string_view const first = name.substr(0, name.find(' '));
        bool const word_start = word_at(name, 0);
        bool const word_end = word_before(name, name.size());
        for (std::size_t at = s.find(first); at != npos; at = s.find(first, at + 1)) {
            std::size_t const end = match_name(s, at, name);
            if (end == npos || (word_start && word_before(s, at)) || (word_end && word_at(s, end)) ||
                (shielded(shields, at, end) && !whole_first_label(s, shields, at, end)))
                continue;
            out.push_back({at, end, redaction_kind::org});
        }
    }
}

// Any e-mail address, whatever its domain: the whole address becomes one [EMAIL].
void scan_emails(std::string_view s, std::vector<span>& out) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        std::size_t const sep = one_of(s[i], "@[(") ? at_sign(s, i) : 0;
        if (sep == 0 || !host_at(s, i + sep)) continue;
        std::size_t b = i;
        while (local_part_before(s, b)) b -= decode_before(s, b).size;
        while (b < i && s[b] == '.') ++b;
        host_token const h = read_host(s, i + sep);
        if (b == i || h.labels < 2 || !has_letter(last_label(h.name))) continue;
        out.push_back({b, h.end, redaction_kind::email});
        i = h.end - 1;
    }
}

}  // namespace varde::domain::scan

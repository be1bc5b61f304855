#include "domain/anonymiser.hpp"

#include <algorithm>
#include <optional>

#include "domain/anonymiser_scanners.hpp"
#include "domain/scan_text.hpp"
#include "domain/text.hpp"

// The scanners (anonymiser_scanners.hpp) find the terms; this file builds the folded copy they
// read, merges their findings and renders the placeholders.

namespace varde::domain {

namespace {

using scan::npos;
using scan::span;

constexpr int max_passes = 4;

// Placeholders already in the text: never matched again (idempotency, and a name such as
// "User" must not eat "[USER]").
std::vector<span> find_placeholders(std::string_view raw) {
    std::vector<span> found;
    for (std::size_t i = raw.find('['); i != npos; i = raw.find('[', i + 1))
        for (auto k : {redaction_kind::org, redaction_kind::domain, redaction_kind::email,
                       redaction_kind::phone, redaction_kind::internal_ip, redaction_kind::user})
            if (raw.substr(i).starts_with(placeholder(k)))
                found.push_back({i, i + placeholder(k).size(), k});
    return found;
}

// In the scanned copy a placeholder reads as a plain word ("qqqq", which no rule matches),
// as the term it replaced did: neighbours are judged as they were before the redaction,
// so a second scrub finds nothing new.
void neutralise(std::string& folded, std::vector<span> const& placeholders) {
    for (span const& p : placeholders)
        std::fill(folded.begin() + static_cast<std::ptrdiff_t>(p.begin),
                  folded.begin() + static_cast<std::ptrdiff_t>(p.end), 'q');
}

void drop_overlapping(std::vector<span>& found, std::vector<span> const& placeholders) {
    std::erase_if(found, [&placeholders](span const& f) {
        auto const it = std::partition_point(placeholders.begin(), placeholders.end(),
                                             [&f](span const& m) { return m.end <= f.begin; });
        return f.end <= f.begin || (it != placeholders.end() && it->begin < f.end);
    });
}

// Overlapping findings become one span, so no part of a term is left behind (an e-mail at
// the org's domain is one [EMAIL]); the longest finding names the kind.
std::vector<span> merge(std::vector<span> found) {
    std::sort(found.begin(), found.end(), [](span const& a, span const& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    std::vector<span> merged;
    std::size_t longest = 0;
    for (span const& f : found) {
        if (merged.empty() || f.begin >= merged.back().end) {
            merged.push_back(f);
            longest = f.end - f.begin;
            continue;
        }
        merged.back().end = std::max(merged.back().end, f.end);
        if (f.end - f.begin > longest) {
            longest = f.end - f.begin;
            merged.back().kind = f.kind;
        }
    }
    return merged;
}

struct compiled_terms {
    std::vector<std::string> const& names;
    std::vector<std::string> const& domains;
    std::vector<ip_network> const& ranges;
};

std::vector<span> find_spans(std::string_view raw, compiled_terms const& terms,
                             scrub_policy policy) {
    std::vector<span> const placeholders = find_placeholders(raw);
    std::string folded = scan::fold(raw);
    neutralise(folded, placeholders);
    std::vector<span> found;
    std::vector<span> shields;
    scan::scan_hosts(folded, terms.domains, found, shields);
    if (!policy.keep_org_names) scan::scan_names(folded, terms.names, shields, found);
    scan::scan_emails(folded, found);
    scan::scan_phones(folded, found);
    scan::scan_ipv4(folded, terms.ranges, found);
    scan::scan_ipv6(folded, terms.ranges, found);
    std::vector<span> profiles;
    scan::scan_home_paths(folded, profiles);
    std::sort(profiles.begin(), profiles.end(),
              [](span const& a, span const& b) { return a.end < b.end; });
    scan::scan_accounts(raw, folded, profiles, found);
    found.insert(found.end(), profiles.begin(), profiles.end());
    drop_overlapping(found, placeholders);
    return merge(std::move(found));
}

std::string render(std::string_view raw, std::vector<span> const& spans,
                   std::vector<redaction>& log) {
    std::string out;
    out.reserve(raw.size());
    std::size_t at = 0;
    for (span const& s : spans) {
        out.append(raw.substr(at, s.begin - at));
        out.append(placeholder(s.kind));
        log.push_back({s.kind, std::string(raw.substr(s.begin, s.end - s.begin))});
        at = s.end;
    }
    out.append(raw.substr(at));
    return out;
}

// An ip_ranges entry: a CIDR block, or one address standing for itself. Read generously like
// the text it is matched against; host bits may be set.
std::optional<ip_network> parse_range(std::string_view text) {
    text = trim(text);
    if (text.find('/') == npos) {
        auto const address = parse_ip(text, leading_zeros::allowed);
        if (!address) return std::nullopt;
        return ip_network{*address, address->max_prefix()};
    }
    auto const parsed = parse_cidr(text, leading_zeros::allowed);
    if (parsed.error != cidr_error::none) return std::nullopt;
    return parsed.network;
}

std::string normalise_name(std::string_view name) {
    std::string out;
    for (char const c : scan::fold(trim(name))) {
        bool const space = scan::one_of(c, " \t\r\n");
        if (!space) out.push_back(c);
        else if (!out.empty() && out.back() != ' ') out.push_back(' ');
    }
    return out;
}

std::string normalise_domain(std::string_view domain) {
    std::string_view d = trim(domain);
    if (d.starts_with("*.")) d.remove_prefix(2);
    while (!d.empty() && d.front() == '.') d.remove_prefix(1);
    while (!d.empty() && d.back() == '.') d.remove_suffix(1);
    return scan::fold(d);
}

}  // namespace

std::string_view placeholder(redaction_kind kind) {
    switch (kind) {
    case redaction_kind::org: return "[ORG]";
    case redaction_kind::domain: return "[DOMAIN]";
    case redaction_kind::email: return "[EMAIL]";
    case redaction_kind::phone: return "[PHONE]";
    case redaction_kind::internal_ip: return "[INTERNAL-IP]";
    case redaction_kind::user: return "[USER]";
    }
    return "[REDACTED]";
}

std::string_view to_string(redaction_kind kind) {
    switch (kind) {
    case redaction_kind::org: return "org";
    case redaction_kind::domain: return "domain";
    case redaction_kind::email: return "email";
    case redaction_kind::phone: return "phone";
    case redaction_kind::internal_ip: return "internal-ip";
    case redaction_kind::user: return "user";
    }
    return "unknown";
}

anonymiser::anonymiser(identifying_terms const& terms) {
    // A one-letter "name" would shred every text; it can only be a configuration mistake.
    for (auto const& n : terms.names)
        if (auto f = normalise_name(n); f.size() >= 2) names_.push_back(std::move(f));
    for (auto const& d : terms.domains)
        if (auto f = normalise_domain(d); !f.empty()) domains_.push_back(std::move(f));
    for (auto const& r : terms.ip_ranges) {
        if (auto net = parse_range(r)) ranges_.push_back(*net);
        else ignored_ranges_.push_back(r);
    }
}

scrub_result anonymiser::scrub(std::string_view text, scrub_policy policy) const {
    // A redaction can expose a neighbour to a rule it was glued to before ("jdoe@x.no+4722..."
    // becomes "[EMAIL]+4722..."), so repeat until nothing changes: the result is a fixed point.
    scrub_result result{std::string(text), {}};
    compiled_terms const terms{names_, domains_, ranges_};
    for (int pass = 0; pass < max_passes; ++pass) {
        std::vector<span> const spans = find_spans(result.text, terms, policy);
        if (spans.empty()) break;
        result.text = render(result.text, spans, result.redactions);
    }
    return result;
}

}  // namespace varde::domain

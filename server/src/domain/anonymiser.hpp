#pragma once
// Scrubbing (SPEC §5): removes from free text what would let other members recognise the
// source of a report, replacing each finding by a typed placeholder.
//
// Decisions where the SPEC is silent:
// - Addresses in the organisation's own IP ranges become [INTERNAL-IP], like RFC 1918 ones:
//   to the reader both are "the victim's network". A CIDR is judged by its network address.
// - keep_org_names (attributed reports) keeps the organisation's names only (it chose to be
//   named). Its domains and their sub-domains are still removed: host names such as
//   vpn.nordkraft.no or intranet.nordkraft.no are internal data (SPEC §5: "personal and
//   internal data is removed all the same"), as are e-mail addresses, accounts, home paths
//   and the org's IP ranges.
// - Host names of other domains keep a look-alike that merely contains the name inside a
//   longer label (nordkraft-login.com, evilnordkraft.com): an attacker's indicator other
//   members need. A name that is a whole first label is removed all the same
//   (nordkraft.sharepoint.com -> [ORG].sharepoint.com, nordkraft.no.evil.com ->
//   [ORG].no.evil.com): the victim's SaaS tenant names it, and attacker indicators travel
//   intact in the indicator list anyway. File names (last label a known extension, e.g.
//   nordkraft_lønn.xlsx) are not host names, so names inside them are removed.
// - Whole-word checks: a word character is an ASCII letter or digit, or any non-ASCII code
//   point except Unicode punctuation/symbols (« » “ ” – …, NBSP), so «Nordkraft» matches
//   but Nordkraftå does not; '_' separates words (nordkraft_admin contains the name).
//   Case folding is ASCII plus Latin-1 letters (Æ/æ, Ø/ø, Å/å, É/é ...).
// - Defanged forms count: vpn.nordkraft[.]no, jdoe[at]nordkraft[.]no, 10.0.0[.]1.
// - Phones: "+" or "00" prefix with 8-15 digits in any grouping; national numbers need 3+
//   groups of 2-4 digits ("22 33 44 55", "(202) 555-0143"), or a label ("tlf 22334455").
//   Dates, IPv4-shaped and version-shaped groups, "12 500 000" and "2018 2019" are no phones.
// - DOMAIN\user is one token: two names joined by "\" (or an escaped "\\"), not part of a
//   longer path, the left not a path/registry root (Windows, System32, HKLM ...), the right
//   not a file name nor an escape ("\nWorld", "\x41"). "line1\nline2" is ambiguous with
//   CORP\nbarker and is removed: privacy first.
// - Home paths keep everything but the name; the shared profiles Public, Default, All Users
//   are no persons and stay. A URL path such as example.com/home/x is not a home path.
// - Literal placeholders in the input are never matched and read as plain words, and scrubbing
//   repeats (at most 4 passes) until nothing changes: scrub(scrub(x)) == scrub(x).
#include <string>
#include <string_view>
#include <vector>

#include "domain/identity.hpp"
#include "domain/ip_address.hpp"

namespace varde::domain {

enum class redaction_kind { org, domain, email, phone, internal_ip, user };

// "[ORG]", "[DOMAIN]", "[EMAIL]", "[PHONE]", "[INTERNAL-IP]", "[USER]"
std::string_view placeholder(redaction_kind kind);
// "org", "domain", "email", "phone", "internal-ip", "user"
std::string_view to_string(redaction_kind kind);

struct redaction {
    redaction_kind kind;
    std::string original;
};

struct scrub_result {
    std::string text;
    std::vector<redaction> redactions;  // in the order they were made
};

struct scrub_policy {
    // For an attributed report: the organisation's names and domains stay; personal and
    // internal data (e-mail, phone, accounts, home paths, internal and own addresses) goes.
    bool keep_org_names = false;
};

// Built once per organisation (lower-cased terms, parsed ranges), then used for every free
// text field of its reports. Immutable, so one instance may be shared between threads.
class anonymiser {
public:
    // One parsed entry of identifying_terms::ip_ranges.
    using network = ip_network;

    explicit anonymiser(identifying_terms const& terms);

    scrub_result scrub(std::string_view text, scrub_policy policy = {}) const;

    // ip_ranges entries that are not valid CIDR blocks; the caller should report them,
    // since addresses in them will not be recognised.
    std::vector<std::string> const& ignored_ranges() const { return ignored_ranges_; }

private:
    std::vector<std::string> names_;    // folded, inner whitespace collapsed to one space
    std::vector<std::string> domains_;  // folded, without "*." or a trailing dot
    std::vector<network> ranges_;
    std::vector<std::string> ignored_ranges_;
};

}  // namespace varde::domain

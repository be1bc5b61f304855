#pragma once
// The anonymiser's scanners (internal to the domain): each finds one kind of term in the folded
// text and appends what it found as spans; anonymiser.cpp merges and renders them.
//
// Hand-written, no std::regex: every scanner is linear (or bounded per position) in the text,
// so long hostile input cannot blow the stack or the time budget.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/anonymiser.hpp"
#include "domain/ip_address.hpp"

namespace varde::domain::scan {

struct span {
    std::size_t begin;
    std::size_t end;
    redaction_kind kind;
};

// scan_hosts.cpp. Host names at one of `domains` (folded) become [DOMAIN]; other host names
// go to `shields`, in order, so that scan_names leaves names inside them alone.
void scan_hosts(std::string_view s, std::vector<std::string> const& domains,
                std::vector<span>& out, std::vector<span>& shields);
// `names` folded, a space standing for any run of white space.
void scan_names(std::string_view s, std::vector<std::string> const& names,
                std::vector<span> const& shields, std::vector<span>& out);
void scan_emails(std::string_view s, std::vector<span>& out);

// scan_phones.cpp.
void scan_phones(std::string_view s, std::vector<span>& out);

// scan_ip_addresses.cpp. Internal addresses and those in `ranges` become [INTERNAL-IP].
void scan_ipv4(std::string_view s, std::vector<ip_network> const& ranges, std::vector<span>& out);
void scan_ipv6(std::string_view s, std::vector<ip_network> const& ranges, std::vector<span>& out);

// scan_users.cpp. Names in home paths; `raw` is the unfolded text, which tells an escape
// ("\n") from an account, and `profiles` (sorted by end) are what scan_home_paths found.
void scan_home_paths(std::string_view s, std::vector<span>& out);
void scan_accounts(std::string_view raw, std::string_view s, std::vector<span> const& profiles,
                   std::vector<span>& out);

}  // namespace varde::domain::scan

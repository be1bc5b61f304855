// Account names in free text: the name in a home path, and DOMAIN\user.
#include "domain/anonymiser_scanners.hpp"

#include <algorithm>

#include "domain/scan_text.hpp"

namespace varde::domain::scan {

namespace {

bool name_char(std::string_view s, std::size_t i) {
    return i < s.size() && (one_of(s[i], ".-_$") || word_at(s, i));
}
bool name_char_before(std::string_view s, std::size_t i) {
    return i > 0 && (one_of(s[i - 1], ".-_$") || word_before(s, i));
}
std::size_t name_run(std::string_view s, std::size_t i) {
    while (name_char(s, i)) i += step(s, i);
    return i;
}

// The profile name at i: "jdoe", or "John Doe" when a path separator follows the words.
std::size_t read_profile_name(std::string_view s, std::size_t i) {
    if (!word_at(s, i)) return i;  // "$USER", "%USERNAME%", "*" are no names
    std::size_t end = name_run(s, i);
    std::size_t more = end;
    for (int words = 0; words < 3 && more + 1 < s.size() && s[more] == ' ' && word_at(s, more + 1);
         ++words)
        more = name_run(s, more + 1);
    if (more > end && more < s.size() && one_of(s[more], "\\/")) end = more;
    while (end > i && one_of(s[end - 1], ".-")) --end;
    return end;
}

// Profiles that belong to no person; useful in indicators (C:\Users\Public\evil.exe).
bool shared_profile(std::string_view name) {
    for (std::string_view p : {"public", "default", "default user", "all users", "shared"})
        if (name == p) return true;
    return false;
}

// A path starts at sep: after "C:", "c$", "%SystemDrive%", a space or a quote; not in a URL.
bool path_start(std::string_view s, std::size_t sep) {
    return sep == 0 || !(word_before(s, sep) || one_of(s[sep - 1], "._-~"));
}

// Left-hand sides that make "X\Y" a relative path or registry key, not DOMAIN\user.
bool path_root(std::string_view left) {
    static constexpr std::string_view roots[] = {
        "windows",  "system32",       "syswow64",      "sysnative",      "winsxs",
        "files",    "programdata",    "appdata",       "local",          "locallow",
        "roaming",  "temp",           "tmp",           "users",          "public",
        "desktop",  "documents",      "downloads",     "drivers",        "etc",
        "config",   "tasks",          "prefetch",      "microsoft",      "software",
        "system",   "currentcontrolset", "controlset001", "currentversion", "services",
        "run",      "runonce",        "policies",      "classes",        "hklm",
        "hkcu",     "hkcr",           "hku",           "hkey_local_machine", "hkey_current_user",
        "hkey_classes_root", "hkey_users", "menu",     "programs",       "startup",
        "sysvol",   "netlogon",       "inetpub",       "wwwroot",        "logs"};
    return std::find(std::begin(roots), std::end(roots), left) != std::end(roots);
}

// "\nBar", "\t1", "\x41", "\u00e9" in the original (unfolded) text: escapes, not accounts.
// "line1\nline2" is ambiguous with CORP\nbarker and is treated as an account (privacy first).
bool escape_like(std::string_view right) {
    auto const hex_tail = [right] {
        return right.size() >= 3 && std::all_of(right.begin() + 1, right.end(), is_hex);
    };
    if (one_of(right[0], "nrt")) return !(right[1] >= 'a' && right[1] <= 'z');
    return (right[0] == 'x' || right[0] == 'u') && hex_tail();
}

bool account_form(std::string_view raw, std::string_view s, std::size_t b, std::size_t p,
                  std::size_t after, std::size_t e) {
    if (b == p || e < after + 2 || !word_at(s, after)) return false;
    if (b > 0 && one_of(s[b - 1], "\\/%")) return false;  // \\host\share\x, %VAR%\x
    if (e < s.size() && one_of(s[e], "\\/")) return false;  // Windows\System32\drivers
    std::string_view const left = s.substr(b, p - b);
    std::string_view const right = s.substr(after, e - after);
    if (left.size() < 2 || !has_letter(left) || !has_letter(right) || path_root(left))
        return false;
    if (right.find('.') != npos && file_extension(last_label(right))) return false;  // dist\app.js
    return !escape_like(raw.substr(after, e - after));
}

}  // namespace

// C:\Users\<name>, \Documents and Settings\<name>, /Users/<name>, /home/<name>: only the name
// is replaced, the path stays readable.
void scan_home_paths(std::string_view s, std::vector<span>& out) {
    for (std::string_view root : {"users", "documents and settings", "home"}) {
        for (std::size_t at = s.find(root); at != npos; at = s.find(root, at + 1)) {
            std::size_t const e = at + root.size();
            if (at == 0 || e + 1 >= s.size() || !one_of(s[at - 1], "\\/") || s[e] != s[at - 1])
                continue;
            if (root == "home" && s[e] != '/') continue;
            std::size_t lead = at - 1;
            if (lead > 0 && s[lead - 1] == s[lead]) --lead;  // "C:\\Users\\jdoe" in escaped text
            if (!path_start(s, lead)) continue;
            std::size_t const b = e + 1 + (s[e + 1] == s[e] ? 1 : 0);
            std::size_t const end = read_profile_name(s, b);
            if (end > b && !shared_profile(s.substr(b, end - b)))
                out.push_back({b, end, redaction_kind::user});
        }
    }
}

// DOMAIN\user (NORDKRAFT\jdoe, corp.local\svc_backup, "CORP\\jdoe" escaped): one [USER].
// `profiles` (sorted) are home-path names: "C:\Users\John Doe\AppData" is no "Doe\AppData".
void scan_accounts(std::string_view raw, std::string_view s, std::vector<span> const& profiles,
                   std::vector<span>& out) {
    auto const ends_profile = [&profiles](std::size_t p) {
        auto const it = std::partition_point(profiles.begin(), profiles.end(),
                                             [p](span const& h) { return h.end < p; });
        return it != profiles.end() && it->end == p;
    };
    for (std::size_t p = s.find('\\'); p != npos; p = s.find('\\', p + 1)) {
        if ((p > 0 && s[p - 1] == '\\') || ends_profile(p)) continue;  // 2nd of "\\", or a path
        std::size_t const after = p + 1 + (p + 1 < s.size() && s[p + 1] == '\\' ? 1 : 0);
        std::size_t b = p;
        while (name_char_before(s, b)) b -= decode_before(s, b).size;
        std::size_t e = name_run(s, after);
        while (e > after && one_of(s[e - 1], ".-")) --e;
        if (account_form(raw, s, b, p, after, e)) out.push_back({b, e, redaction_kind::user});
    }
}

}  // namespace varde::domain::scan

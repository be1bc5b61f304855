#pragma once
// A report as a member submits it (SPEC §3), before the node adds id, status and source.
#include "domain/indicator.hpp"
#include "domain/pseudonym.hpp"
#include "domain/tlp.hpp"
#include "domain/visibility.hpp"

#include <string>
#include <vector>

namespace varde::domain {

// Every field is optional; an empty string means "not given".
struct incident {
    std::string category;   // intrusion, phishing, malware, ddos, data-leak, ...
    std::string first_seen;  // RFC 3339 date-time
    std::string last_seen;  // RFC 3339 date-time
    std::string sector;     // the victim's sector, free text
    std::string country;    // ISO 3166-1 alpha-2, upper-case once validated
};

struct report_draft {
    std::string title;
    std::string summary;  // Markdown
    tlp level = tlp::red;  // never a default on the wire: the decoder demands it
    recipients to;
    attribution attribution_mode = attribution::anonymous;  // how the source is shown
    incident what;
    std::vector<std::string> threat_actors;
    std::vector<std::string> malware;
    std::vector<std::string> attack_patterns;  // MITRE ATT&CK ids: T1574, T1574.002
    std::vector<std::string> cves;            // CVE-2019-19781
    std::vector<std::string> references;      // http(s) URLs
    std::vector<indicator> indicators;
};

}  // namespace varde::domain

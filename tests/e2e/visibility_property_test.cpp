// A property test of SPEC §4 (who sees what) and §5 (the source stays hidden) over many
// generated worlds: organisations, principals of every role and kind, and reports of every
// TLP, recipient list, attribution and status. Every read path of the node (get, list with
// filters and pages, indicator search, "related") must agree exactly with a model of the
// TLP table written here from the SPEC, independently of domain::access_to and of the SQL.
//
// One database and one node serve the whole run; each world replaces the previous one.
// Worlds come from a fixed seed; VARDE_PROPERTY_WORLDS sets how many (default 200) and
// VARDE_PROPERTY_ONLY_WORLD=N runs world N alone, as it ran in the full run.
#include "cert_factory.hpp"
#include "net/x509.hpp"
#include "service/identity_service.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"
#include "test_node.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <gtest/gtest.h>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

namespace varde::test {
namespace {

using json = nlohmann::json;
using rng_t = std::mt19937;

constexpr std::uint32_t property_seed = 20261127;
constexpr int default_worlds = 200;
constexpr std::size_t certificate_pool = 10;
constexpr std::size_t max_reported_failures = 40;

// ---------------------------------------------------------------- the world model

struct org_model {
    std::string slug, name, domain;
    std::vector<std::string> sectors;
    bool trusted = false;
};

struct principal_model {
    std::size_t cert = 0; // index into the certificate pool
    std::size_t org = 0;
    bool is_operator = false;
    bool is_person = true;
};

struct indicator_ref {
    std::string type, value;
};

struct report_model {
    std::string id;
    std::size_t org = 0; // the originator
    std::string tlp;
    std::set<std::string> to_orgs, to_sectors; // without the originator itself
    std::string attribution, category;
    std::vector<std::size_t> indicators; // into indicator_pool
    std::string status;
};

struct world {
    int number = 0;
    std::uint32_t seed = 0;
    std::vector<org_model> orgs;
    std::vector<principal_model> principals;
    std::vector<report_model> reports; // in publishing order
};

std::vector<indicator_ref> const indicator_pool = {
    {"ipv4", "203.0.113.1"},        {"ipv4", "203.0.113.2"},        {"ipv4", "203.0.113.3"},
    {"ipv4", "203.0.113.4"},        {"ipv4", "203.0.113.5"},        {"ipv4", "203.0.113.6"},
    {"domain", "ioc1.example.net"}, {"domain", "ioc2.example.net"}, {"domain", "ioc3.example.net"},
    {"domain", "ioc4.example.net"}};
std::vector<std::string> const tlp_levels = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
std::vector<std::string> const categories = {"intrusion", "phishing", "malware"};
std::vector<std::string> const attributions = {"anonymous", "pseudonymous", "attributed"};
std::vector<std::string> const sector_pool = {"finance", "energy", "transport", "health"};
// No word is part of another, and slugs mix in letters that are not hex digits, so a slug
// can only turn up in a body where it was really put.
std::vector<std::string> const slug_words = {"nordlys",  "vestavind", "fjellrygg", "havbris",
                                             "skoglund", "myrull",    "tindholm",  "kvitstein"};
std::vector<std::string> const name_words = {"Solbakken", "Granlia",  "Elvebredd", "Fossekall",
                                             "Lyngheia",  "Bjerkely", "Furulund",  "Steinrud"};
std::vector<std::string> const name_kinds = {"Energi", "Bank", "Logistikk", "Helse"};

std::size_t pick(rng_t& rng, std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}
bool chance(rng_t& rng, double p) {
    return std::bernoulli_distribution(p)(rng);
}
int between(rng_t& rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}

template <typename T> std::vector<T> sample(rng_t& rng, std::vector<T> items, std::size_t n) {
    std::shuffle(items.begin(), items.end(), rng);
    items.resize(std::min(n, items.size()));
    return items;
}

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// ---------------------------------------------------------------- the oracle (SPEC §4, §6)

enum class access { none, gone, full };

char const* to_text(access a) {
    return a == access::full ? "full (200)" : a == access::gone ? "gone (410)" : "none (404)";
}

bool tlp_admits(world const& w, principal_model const& p, report_model const& r) {
    auto const& reader = w.orgs[p.org];
    bool named = r.to_orgs.contains(reader.slug);
    bool via_sector = std::any_of(reader.sectors.begin(), reader.sectors.end(),
                                  [&](std::string const& s) { return r.to_sectors.contains(s); });
    if (r.tlp == "CLEAR" || r.tlp == "GREEN") return true;
    if (r.tlp == "AMBER") return named || via_sector;
    if (r.tlp == "AMBER+STRICT") return named;
    if (r.tlp == "RED") return named && p.is_person;
    return false;
}

access oracle(world const& w, principal_model const& p, report_model const& r) {
    if (p.is_operator || p.org == r.org) return access::full;
    if (!tlp_admits(w, p, r)) return access::none;
    if (r.status == "published") return access::full;
    if (r.status == "retracted") return access::gone;
    return access::none;
}

// ---------------------------------------------------------------- generating a world

std::vector<org_model> make_orgs(rng_t& rng) {
    auto n = static_cast<std::size_t>(between(rng, 3, 5));
    auto slugs = sample(rng, slug_words, n);
    auto names = sample(rng, name_words, n);
    std::vector<org_model> orgs(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::string suffix;
        for (int k = 0; k < 3; ++k)
            suffix += "ghjkmnpqrstvwxz"[pick(rng, 15)];
        orgs[i].slug = slugs[i] + "-" + suffix;
        orgs[i].name = names[i] + " " + name_kinds[pick(rng, name_kinds.size())] + " AS";
        orgs[i].domain = orgs[i].slug + "-corp.example";
        orgs[i].sectors = sample(rng, sector_pool, static_cast<std::size_t>(between(rng, 1, 2)));
        orgs[i].trusted = chance(rng, 0.5);
    }
    return orgs;
}

std::vector<principal_model> make_principals(rng_t& rng, std::size_t org_count) {
    std::vector<std::size_t> certs(certificate_pool);
    for (std::size_t i = 0; i < certs.size(); ++i)
        certs[i] = i;
    certs = sample(rng, certs, static_cast<std::size_t>(between(rng, 4, 8)));
    std::vector<principal_model> out;
    for (auto c : certs)
        out.push_back({c, pick(rng, org_count), chance(rng, 0.2), chance(rng, 0.6)});
    if (std::all_of(out.begin(), out.end(), [](auto const& p) { return p.is_operator; }))
        out.front().is_operator = false; // someone must publish
    return out;
}

// Recipients as sent (the originator's own org may be among them: the node drops it), and
// the model's view of them without the originator.
json make_recipients(rng_t& rng, world const& w, report_model& r) {
    json sent = json::array();
    if (r.tlp == "CLEAR" || r.tlp == "GREEN") return sent;
    std::vector<std::size_t> all(w.orgs.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    bool amber = r.tlp == "AMBER";
    auto orgs = sample(rng, all, static_cast<std::size_t>(between(rng, amber ? 0 : 1, 3)));
    std::set<std::string> sectors_known;
    for (auto const& o : w.orgs)
        sectors_known.insert(o.sectors.begin(), o.sectors.end());
    std::vector<std::string> sectors;
    if (amber)
        sectors = sample(rng, std::vector<std::string>(sectors_known.begin(), sectors_known.end()),
                         static_cast<std::size_t>(between(rng, 0, 2)));
    bool only_self =
        std::all_of(orgs.begin(), orgs.end(), [&](std::size_t o) { return o == r.org; });
    if (only_self && sectors.empty())
        orgs.push_back((r.org + 1 + pick(rng, w.orgs.size() - 1)) % w.orgs.size());
    for (auto o : orgs) {
        sent.push_back("org:" + w.orgs[o].slug);
        if (o != r.org) r.to_orgs.insert(w.orgs[o].slug);
    }
    for (auto const& s : sectors) {
        sent.push_back("sector:" + s);
        r.to_sectors.insert(s);
    }
    return sent;
}

// A report body whose free text names its originator (name, domain, mailbox), as a real
// victim's report would before the node scrubs it.
json make_report_body(rng_t& rng, world const& w, report_model& r) {
    auto const& org = w.orgs[r.org];
    r.tlp = tlp_levels[pick(rng, tlp_levels.size())];
    r.attribution = attributions[pick(rng, attributions.size())];
    r.category = categories[pick(rng, categories.size())];
    std::vector<std::size_t> all(indicator_pool.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    r.indicators = sample(rng, all, static_cast<std::size_t>(between(rng, 1, 3)));
    json indicators = json::array();
    for (auto i : r.indicators)
        indicators.push_back(
            {{"type", indicator_pool[i].type}, {"value", indicator_pool[i].value}});
    json body{{"title", "Suspected " + r.category + " at " + org.name},
              {"summary", "Staff of " + org.name + " saw beacons from vpn." + org.domain +
                              "; write to soc@" + org.domain + " or see https://intranet." +
                              org.domain + "/case."},
              {"tlp", r.tlp},
              {"attribution", r.attribution},
              {"incident", {{"category", r.category}}},
              {"indicators", indicators}};
    auto recipients = make_recipients(rng, w, r);
    if (!recipients.empty()) body["recipients"] = recipients;
    return body;
}

// The status a moderator would have given it by now (SPEC §3: retracted only from published).
std::string final_status(rng_t& rng, bool trusted) {
    static std::vector<std::string> const after_pending = {"pending", "published", "rejected",
                                                           "retracted"};
    if (trusted) return chance(rng, 0.7) ? "published" : "retracted";
    return after_pending[pick(rng, after_pending.size())];
}

std::string random_uuid(rng_t& rng) {
    std::string hex;
    for (int i = 0; i < 32; ++i)
        hex += "0123456789abcdef"[pick(rng, 16)];
    hex[12] = '4';
    hex[16] = "89ab"[pick(rng, 4)];
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string percent_encode(std::string const& s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

int worlds_to_run() {
    char const* env = std::getenv("VARDE_PROPERTY_WORLDS");
    return env ? std::max(1, std::atoi(env)) : default_worlds;
}

std::optional<int> only_world() {
    char const* env = std::getenv("VARDE_PROPERTY_ONLY_WORLD");
    if (!env) return std::nullopt;
    return std::atoi(env);
}

// ---------------------------------------------------------------- failures

// Every failure names the world (and its seed), the principal, the path and the report, so
// that VARDE_PROPERTY_ONLY_WORLD can replay it.
struct failure_log {
    std::vector<std::string> messages;
    std::map<std::string, std::size_t> by_kind;

    void add(std::string const& kind, std::string message) {
        ++by_kind[kind];
        messages.push_back("[" + kind + "] " + std::move(message));
    }
};

std::string describe(world const& w, report_model const& r) {
    std::ostringstream s;
    s << "report " << r.id << " (" << r.tlp << " by " << w.orgs[r.org].slug << ", " << r.status
      << ", " << r.attribution << ", to orgs {";
    for (auto const& o : r.to_orgs)
        s << o << ' ';
    s << "} sectors {";
    for (auto const& x : r.to_sectors)
        s << x << ' ';
    s << "})";
    return s.str();
}

std::string describe(world const& w, std::size_t who) {
    auto const& p = w.principals[who];
    auto const& o = w.orgs[p.org];
    std::ostringstream s;
    s << "principal p" << who << " (cert " << p.cert << ", org " << o.slug << " sectors {";
    for (auto const& x : o.sectors)
        s << x << ' ';
    s << "}, " << (p.is_operator ? "operator" : "member") << ", "
      << (p.is_person ? "person" : "service") << ")";
    return s.str();
}

// ---------------------------------------------------------------- checks of one reader

// What one principal of a world receives on every read path, against the oracle.
class reader_check {
public:
    reader_check(world const& w, std::size_t who, client::connection& c,
                 std::vector<client_certificate> const& certs, failure_log& log, rng_t& rng)
        : w_(w), who_(who), p_(w.principals[who]), c_(c), certs_(certs), log_(log), rng_(rng) {
        for (std::size_t i = 0; i < w.reports.size(); ++i)
            index_[w.reports[i].id] = i;
    }

    void run() {
        single_reports();
        lists();
        indicator_searches();
    }
    std::size_t requests() const { return requests_; }

private:
    void fail(std::string const& kind, std::string const& path, report_model const* r,
              std::string const& what) {
        std::ostringstream s;
        s << "world " << w_.number << " (seed " << w_.seed << ") " << describe(w_, who_) << " GET "
          << path;
        if (r) s << " " << describe(w_, *r);
        s << ": " << what;
        log_.add(kind, s.str());
    }

    std::optional<client::reply> get(std::string const& path) {
        ++requests_;
        try {
            return c_.request("GET", path);
        } catch (std::exception const& e) {
            fail("http", path, nullptr, std::string("request failed: ") + e.what());
            return std::nullopt;
        }
    }

    std::optional<json> parse(std::string const& path, client::reply const& reply) {
        auto j = json::parse(reply.body, nullptr, false);
        if (j.is_discarded()) {
            fail("http", path, nullptr, "body is not JSON: " + reply.body);
            return std::nullopt;
        }
        return j;
    }

    // SPEC §5: what a reader of another organisation receives about report r names neither
    // the originator's slug, domain or principals, nor (unless attributed) its name, and is
    // the member view, not the owner's.
    void check_leaks(std::string const& path, report_model const& r, std::string const& text,
                     json const* object) {
        if (p_.is_operator || p_.org == r.org) return;
        auto const& origin = w_.orgs[r.org];
        auto body = lower(text);
        std::vector<std::pair<std::string, std::string>> secrets = {{"slug", origin.slug},
                                                                    {"domain", origin.domain}};
        if (r.attribution != "attributed") secrets.emplace_back("name", origin.name);
        for (auto const& p : w_.principals)
            if (p.org == r.org) secrets.emplace_back("fingerprint", certs_[p.cert].fingerprint);
        for (auto const& [what, secret] : secrets)
            if (body.find(lower(secret)) != std::string::npos)
                fail("leak-" + what + (r.attribution == "attributed" ? "-of-attributed" : ""), path,
                     &r, "the originator's " + what + " \"" + secret + "\" is in: " + text);
        if (!object) return;
        for (char const* key :
             {"recipients", "redactions", "warnings", "attribution", "origin_org", "original"})
            if (object->contains(key))
                fail("view", path, &r,
                     std::string("member view has owner field \"") + key + "\": " + text);
    }

    // Items of a list answer: each must be a known report; leaks are checked per report.
    std::vector<std::string> item_ids(std::string const& path, json const& items) {
        std::vector<std::string> ids;
        if (!items.is_array()) {
            fail("list", path, nullptr, "no list of reports: " + items.dump());
            return ids;
        }
        for (auto const& item : items) {
            auto id = item.value("id", "");
            ids.push_back(id);
            auto it = index_.find(id);
            if (it == index_.end())
                fail("list", path, nullptr, "unknown report id in: " + item.dump());
            else
                check_leaks(path, w_.reports[it->second], item.dump(), &item);
        }
        return ids;
    }

    // Ids of the reports the oracle lets this reader see in full and `keep` selects, newest first.
    template <typename Pred> std::vector<std::string> expected(Pred keep) const {
        std::vector<std::string> ids;
        for (auto it = w_.reports.rbegin(); it != w_.reports.rend(); ++it)
            if (oracle(w_, p_, *it) == access::full && keep(*it)) ids.push_back(it->id);
        return ids;
    }

    std::string names_of(std::vector<std::string> const& ids) const {
        std::string out = "[";
        for (auto const& id : ids) {
            auto it = index_.find(id);
            out += (out.size() > 1 ? ", " : "") + id;
            if (it != index_.end())
                out += " " + w_.reports[it->second].tlp + "/" + w_.reports[it->second].status;
        }
        return out + "]";
    }

    void compare_sets(std::string const& kind, std::string const& path, report_model const* r,
                      std::vector<std::string> want, std::vector<std::string> got) {
        std::sort(want.begin(), want.end());
        std::sort(got.begin(), got.end());
        if (want != got)
            fail(kind, path, r, "expected " + names_of(want) + ", got " + names_of(got));
    }

    void single_reports();
    void check_visible_report(std::string const& path, report_model const& r,
                              client::reply const& reply);
    void lists();
    void list_pages(std::string const& filter, std::vector<std::string> const& want);
    void indicator_searches();

    world const& w_;
    std::size_t who_;
    principal_model const& p_;
    client::connection& c_;
    std::vector<client_certificate> const& certs_;
    failure_log& log_;
    rng_t& rng_;
    std::map<std::string, std::size_t> index_;
    std::size_t requests_ = 0;
};

std::optional<json> without_request_id(std::string const& body) {
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    j.erase("request_id");
    return j;
}

void reader_check::single_reports() {
    auto missing_path = "/v1/reports/" + random_uuid(rng_);
    auto missing = get(missing_path);
    if (!missing) return;
    auto missing_body = without_request_id(missing->body);
    if (missing->status != 404 || !missing_body)
        fail("status", missing_path, nullptr, "a random id gave " + missing->body);
    for (auto const& r : w_.reports) {
        auto path = "/v1/reports/" + r.id;
        auto reply = get(path);
        if (!reply) continue;
        auto want = oracle(w_, p_, r);
        unsigned want_status = want == access::full ? 200 : want == access::gone ? 410 : 404;
        if (reply->status != want_status) {
            fail("status", path, &r,
                 std::string("expected ") + to_text(want) + ", got " +
                     std::to_string(reply->status) + ": " + reply->body);
            continue;
        }
        if (want_status == 200) {
            check_visible_report(path, r, *reply);
            continue;
        }
        check_leaks(path, r, reply->body, nullptr);
        if (want_status == 404 && without_request_id(reply->body) != missing_body)
            fail("not-found-body", path, &r,
                 "404 differs from a random id's 404: " + reply->body + " vs " + missing->body);
    }
}

void reader_check::check_visible_report(std::string const& path, report_model const& r,
                                        client::reply const& reply) {
    auto j = parse(path, reply);
    if (!j) return;
    check_leaks(path, r, reply.body, &*j);
    if (j->value("id", "") != r.id || j->value("status", "") != r.status)
        fail("status", path, &r, "wrong id or status in: " + reply.body);
    auto want = expected([&](report_model const& other) {
        if (other.id == r.id) return false;
        return std::any_of(other.indicators.begin(), other.indicators.end(), [&](std::size_t i) {
            return std::find(r.indicators.begin(), r.indicators.end(), i) != r.indicators.end();
        });
    });
    std::vector<std::string> got;
    if (j->contains("related") && (*j)["related"].is_array())
        for (auto const& id : (*j)["related"])
            got.push_back(id.is_string() ? id.get<std::string>() : id.dump());
    else
        fail("related", path, &r, "no \"related\" list in: " + reply.body);
    compare_sets("related", path, &r, want, got);
}

void reader_check::lists() {
    list_pages("", expected([](report_model const&) { return true; }));
    list_pages("&view=summary", expected([](report_model const&) { return true; }));
    for (auto const& level : tlp_levels)
        list_pages("&tlp=" + percent_encode(level),
                   expected([&](report_model const& r) { return r.tlp == level; }));
    for (auto const& category : categories)
        list_pages("&category=" + category,
                   expected([&](report_model const& r) { return r.category == category; }));
    for (std::size_t i = 0; i < indicator_pool.size(); ++i) {
        auto const& ind = indicator_pool[i];
        list_pages("&indicator_type=" + ind.type + "&indicator_value=" + percent_encode(ind.value),
                   expected([&](report_model const& r) {
                       return std::find(r.indicators.begin(), r.indicators.end(), i) !=
                              r.indicators.end();
                   }));
    }
}

// Follows next_cursor through pages of 5: every expected report once, newest first, no other.
void reader_check::list_pages(std::string const& filter, std::vector<std::string> const& want) {
    std::vector<std::string> got;
    std::string base = "/v1/reports?limit=5" + filter;
    std::string path = base;
    for (int page = 0; page <= static_cast<int>(w_.reports.size()); ++page) {
        auto reply = get(path);
        if (!reply) return;
        if (reply->status != 200)
            return fail("list", path, nullptr,
                        "status " + std::to_string(reply->status) + ": " + reply->body);
        auto body = parse(path, *reply);
        if (!body) return;
        auto ids = item_ids(path, (*body)["items"]);
        got.insert(got.end(), ids.begin(), ids.end());
        auto const& next = (*body)["next_cursor"];
        if (next.is_null()) break;
        if (!next.is_string())
            return fail("list", path, nullptr, "bad next_cursor: " + reply->body);
        path = base + "&cursor=" + percent_encode(next.get<std::string>());
    }
    if (got != want) {
        std::set<std::string> once(got.begin(), got.end());
        bool same_set =
            once.size() == got.size() && once == std::set<std::string>(want.begin(), want.end());
        fail(same_set ? "order" : "list", base, nullptr,
             "expected " + names_of(want) + ", got " + names_of(got));
    }
}

void reader_check::indicator_searches() {
    for (std::size_t i = 0; i < indicator_pool.size(); ++i) {
        auto const& ind = indicator_pool[i];
        auto path = "/v1/indicators/" + ind.type + "/" + percent_encode(ind.value);
        auto reply = get(path);
        if (!reply) continue;
        if (reply->status != 200) {
            fail("indicator", path, nullptr,
                 "status " + std::to_string(reply->status) + ": " + reply->body);
            continue;
        }
        auto body = parse(path, *reply);
        if (!body) continue;
        auto got = item_ids(path, (*body)["reports"]);
        compare_sets("indicator", path, nullptr, expected([&](report_model const& r) {
                         return std::find(r.indicators.begin(), r.indicators.end(), i) !=
                                r.indicators.end();
                     }),
                     got);
    }
}

// ---------------------------------------------------------------- one world after another

constexpr char const* clear_world_sql =
    "TRUNCATE report, report_original, report_indicator, report_event, idempotency_key, principal, "
    "organisation CASCADE"; // never audit_log: it is append-only

struct run_totals {
    std::size_t requests = 0, reports = 0, principals = 0;
    std::map<std::string, std::size_t>
        seen; // "operator", "service", "TLP:RED", "status:retracted", ...
};

class world_runner {
public:
    world_runner(test_database& db, test_node& node, std::vector<client_certificate> const& certs,
                 failure_log& log, run_totals& totals)
        : db_(db), node_(node), certs_(certs), log_(log), totals_(totals), pool_({db.url(), 1}),
          ids_(pool_) {}

    void run(world& w, rng_t& rng) {
        db_.exec(clear_world_sql);
        enrol(w);
        publish(w, rng);
        moderate(w, rng);
        for (std::size_t who = 0; who < w.principals.size(); ++who) {
            auto connection = node_.connect(tls_for(certs_[w.principals[who].cert]));
            reader_check check(w, who, *connection, certs_, log_, rng);
            check.run();
            totals_.requests += check.requests();
        }
        count(w);
    }

private:
    void enrol(world const& w) {
        for (auto const& o : w.orgs) {
            domain::organisation org{o.slug,   o.name, o.sectors, "NO", {{o.name}, {o.domain}, {}},
                                     o.trusted};
            auto added = ids_.add_organisation("property-test", org);
            if (!added)
                throw std::runtime_error("adding organisation " + o.slug + ": " +
                                         added.err().detail);
        }
        for (std::size_t i = 0; i < w.principals.size(); ++i) {
            auto const& p = w.principals[i];
            auto const& cert = certs_[p.cert];
            auto facts = net::read_certificate_pem(cert.certificate_pem);
            if (!facts.facts) throw std::runtime_error("reading " + cert.name + ": " + facts.error);
            service::enrolment e{
                w.orgs[p.org].slug, "w" + std::to_string(w.number) + "-p" + std::to_string(i),
                p.is_operator ? domain::principal_role::operator_ : domain::principal_role::member,
                p.is_person ? domain::principal_kind::person : domain::principal_kind::service,
                *facts.facts};
            auto enrolled = ids_.enrol("property-test", e);
            if (!enrolled)
                throw std::runtime_error("enrolling " + cert.name + ": " + enrolled.err().detail);
        }
    }

    void publish(world& w, rng_t& rng) {
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < w.principals.size(); ++i)
            if (!w.principals[i].is_operator) members.push_back(i);
        std::map<std::size_t, std::unique_ptr<client::connection>> connections;
        int n = between(rng, 6, 12);
        for (int k = 0; k < n; ++k) {
            auto author = members[pick(rng, members.size())];
            report_model r;
            r.org = w.principals[author].org;
            auto body = make_report_body(rng, w, r);
            auto& c = connections[author];
            if (!c) c = node_.connect(tls_for(certs_[w.principals[author].cert]));
            auto reply = c->request("POST", "/v1/reports", body.dump(),
                                    {{"Content-Type", "application/json"}});
            auto answer = json::parse(reply.body, nullptr, false);
            std::string want_status = w.orgs[r.org].trusted ? "published" : "pending";
            if (reply.status != 201 || answer.is_discarded() ||
                answer.value("status", "") != want_status) {
                log_.add("publish", "world " + std::to_string(w.number) + " (seed " +
                                        std::to_string(w.seed) + ") " + describe(w, author) +
                                        " POST /v1/reports " + body.dump() + ": expected 201 " +
                                        want_status + ", got " + std::to_string(reply.status) +
                                        " " + reply.body);
                continue;
            }
            r.id = answer.value("id", "");
            r.status = want_status;
            w.reports.push_back(std::move(r));
        }
    }

    // No moderation API yet: statuses are set as moderators would have set them.
    void moderate(world& w, rng_t& rng) {
        std::map<std::string, std::vector<std::string>> to;
        for (auto& r : w.reports) {
            auto status = final_status(rng, w.orgs[r.org].trusted);
            if (status != r.status) to[status].push_back("'" + r.id + "'");
            r.status = status;
        }
        std::string sql;
        for (auto const& [status, ids] : to) {
            std::string list;
            for (auto const& id : ids)
                list += (list.empty() ? "" : ",") + id;
            sql += "UPDATE report SET status = '" + status + "'" +
                   (status == "rejected" ? "" : ", published_at = coalesce(published_at, now())") +
                   " WHERE id IN (" + list + ");\n";
        }
        if (!sql.empty()) db_.exec(sql);
    }

    void count(world const& w) {
        totals_.principals += w.principals.size();
        totals_.reports += w.reports.size();
        for (auto const& p : w.principals) {
            ++totals_.seen[p.is_operator ? "operator" : "member"];
            ++totals_.seen[p.is_person ? "person" : "service"];
        }
        for (auto const& r : w.reports) {
            ++totals_.seen["TLP:" + r.tlp];
            ++totals_.seen["status:" + r.status];
            ++totals_.seen["attribution:" + r.attribution];
        }
    }

    test_database& db_;
    test_node& node_;
    std::vector<client_certificate> const& certs_;
    failure_log& log_;
    run_totals& totals_;
    store::pg_pool pool_;
    service::identity_service ids_;
};

world make_world(int number, std::uint32_t seed, rng_t& rng) {
    world w;
    w.number = number;
    w.seed = seed;
    w.orgs = make_orgs(rng);
    w.principals = make_principals(rng, w.orgs.size());
    return w;
}

TEST(VisibilityProperty, EveryReadPathAgreesWithTheTlpTable) {
    int const worlds = worlds_to_run();
    auto const only = only_world();
    std::cout << "[ property ] seed " << property_seed << ", " << worlds << " worlds"
              << (only ? ", only world " + std::to_string(*only) : std::string()) << std::endl;
    auto started = std::chrono::steady_clock::now();

    test_database db;
    test_node node(node_config_for(db.url()));
    std::vector<client_certificate> certs;
    for (std::size_t i = 0; i < certificate_pool; ++i)
        certs.push_back(
            make_client_certificate("prop-" + std::to_string(i), "Varde Property Test"));

    failure_log log;
    run_totals totals;
    world_runner runner(db, node, certs, log, totals);
    rng_t seeds(property_seed); // one seed per world, so a world can be replayed alone
    for (int n = 0; n < worlds; ++n) {
        std::uint32_t seed = seeds();
        if (only && *only != n) continue;
        rng_t rng(seed);
        world w = make_world(n, seed, rng);
        ASSERT_NO_THROW(runner.run(w, rng)) << "world " << n << " (seed " << seed << ")";
    }

    auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "[ property ] " << worlds << " worlds, " << totals.principals << " principals, "
              << totals.reports << " reports, " << totals.requests << " checked requests in "
              << seconds << " s" << std::endl;
    std::cout << "[ property ] coverage:";
    for (auto const& [what, n] : totals.seen)
        std::cout << ' ' << what << '=' << n;
    std::cout << std::endl;
    if (!only) {
        for (char const* needed :
             {"member", "operator", "person", "service", "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
              "TLP:AMBER+STRICT", "TLP:RED", "status:pending", "status:published",
              "status:rejected", "status:retracted"})
            EXPECT_GT(totals.seen[needed], 0u) << "no world had " << needed;
    }

    for (std::size_t i = 0; i < log.messages.size() && i < max_reported_failures; ++i)
        ADD_FAILURE() << log.messages[i];
    for (auto const& [kind, n] : log.by_kind)
        std::cout << "[ property ] failures of kind " << kind << ": " << n << std::endl;
    EXPECT_TRUE(log.messages.empty()) << log.messages.size() << " property failures (first "
                                      << max_reported_failures << " above); seed " << property_seed;
}

} // namespace
} // namespace varde::test

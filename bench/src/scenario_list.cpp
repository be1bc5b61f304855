// list: keyset-paginated GET /v1/reports?limit=100 following next_cursor to the end, then
// again from the newest; one page is one operation. Needs reports in the node: run.sh loads
// a large set straight into the database (bench/load-reports.sh) before this scenario.
// With --view V every page asks for view=V (summary: header and title only). With --rate R the
// pages follow a fixed schedule shared by the connections (one every 1/R s), each latency
// measured from its scheduled time, as publish does: the latency at a given load, not at the
// most the connections can draw.
#include <cctype>
#include <memory>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "paced_run.hpp"
#include "page_skim.hpp"
#include "scenarios.hpp"
#include "stats.hpp"

namespace varde::bench {

namespace {

// The cursor is opaque but URL-safe is not promised: percent-encode anything unusual.
std::string url_encode(std::string const& s) {
    static char const* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : s) {
        if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += digits[ch >> 4];
            out += digits[ch & 15];
        }
    }
    return out;
}

struct list_counts {
    std::uint64_t items = 0, passes = 0, bytes = 0;
};

std::string first_page(options const& o) { return "/v1/reports?limit=100" + (o.view.empty() ? "" : "&view=" + o.view); }

void list_loop(options const& o, work_budget& budget, fixed_schedule* fixed, samples& out, list_counts& counts,
               std::uint64_t& late) {
    auto tls = credentials(o, principal_or(o, "bob"));
    std::unique_ptr<client::connection> c;
    try {
        c = std::make_unique<client::connection>(o.node, tls);  // before the first timed page
    } catch (std::exception const&) {
        ++out.errors;
    }
    std::string cursor;
    auto base = first_page(o);
    while (budget.take()) {
        auto path = base + (cursor.empty() ? std::string{} : "&cursor=" + url_encode(cursor));
        auto start = fixed ? fixed->wait_for_slot(late) : clock::now();
        try {
            if (!c) c = std::make_unique<client::connection>(o.node, tls);
            auto r = c->request("GET", path);
            if (r.status != 200) throw std::runtime_error("HTTP " + std::to_string(r.status));
            out.add(clock::now() - start);
            auto page = skim_page(r.body);
            if (!page.saw_items || !page.saw_cursor) throw std::runtime_error("page without items or next_cursor");
            counts.items += page.items;
            counts.bytes += r.body.size();
            cursor = page.cursor.value_or(std::string{});
            if (cursor.empty()) ++counts.passes;
        } catch (std::exception const&) {
            ++out.errors;
            c.reset();
            cursor.clear();
        }
    }
}

}  // namespace

nlohmann::json run_list(options const& o) {
    auto principal = principal_or(o, "bob");
    std::vector<list_counts> counts(o.connections);
    auto budget = budget_for(o.duration_s, o.count, o.rate);
    auto run = run_paced(o, [&](std::size_t i, fixed_schedule* schedule, samples& out, std::uint64_t& late) {
        list_loop(o, budget, schedule, out, counts[i], late);
    });
    list_counts total;
    for (auto const& c : counts) {
        total.items += c.items;
        total.passes += c.passes;
        total.bytes += c.bytes;
    }
    nlohmann::json extra{{"connections", o.connections}, {"page_size", 100}, {"items", total.items},
                         {"passes_to_end", total.passes}, {"principal", principal}};
    std::uint64_t pages = 0;
    for (auto const& s : run.per_connection) pages += s.latency_ns.size();
    extra["bytes_per_page"] = pages ? total.bytes / pages : 0;
    if (!o.view.empty()) extra["view"] = o.view;
    describe_pace(extra, o, run);
    return summarise("list", run.per_connection, run.clock, extra);
}

}  // namespace varde::bench

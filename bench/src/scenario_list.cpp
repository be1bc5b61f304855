// list: keyset-paginated GET /v1/reports?limit=100 following next_cursor to the end, then
// again from the newest; one page is one operation. Needs reports in the node: run.sh loads
// a large set straight into the database (bench/load-reports.sh) before this scenario.
// With --view V every page asks for view=V (summary: header and title only).
#include <cctype>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

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

void list_loop(options const& o, work_budget& budget, samples& out, list_counts& counts) {
    auto tls = credentials(o, principal_or(o, "bob"));
    std::unique_ptr<client::connection> c;
    std::string cursor;
    auto base = first_page(o);
    while (budget.take()) {
        auto path = base + (cursor.empty() ? std::string{} : "&cursor=" + url_encode(cursor));
        auto start = clock::now();
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
    std::vector<samples> per_thread(o.connections);
    std::vector<list_counts> counts(o.connections);
    work_budget budget(o.duration_s, o.count);
    run_clock rc(o.node_pid, o.db_pid);
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < per_thread.size(); ++i)
        threads.emplace_back([&, i] { list_loop(o, budget, per_thread[i], counts[i]); });
    threads.clear();
    rc.stop();
    list_counts total;
    for (auto const& c : counts) {
        total.items += c.items;
        total.passes += c.passes;
        total.bytes += c.bytes;
    }
    nlohmann::json extra{{"connections", o.connections}, {"page_size", 100}, {"items", total.items},
                         {"passes_to_end", total.passes}, {"principal", principal}};
    std::uint64_t pages = 0;
    for (auto const& s : per_thread) pages += s.latency_ns.size();
    extra["bytes_per_page"] = pages ? total.bytes / pages : 0;
    if (!o.view.empty()) extra["view"] = o.view;
    return summarise("list", per_thread, rc, extra);
}

}  // namespace varde::bench

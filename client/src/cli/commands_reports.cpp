// list, get, indicator: reading the reports this principal may see.
#include <ostream>

#include "cli/command.hpp"
#include "cli/output.hpp"

namespace varde::cli {

namespace {

// Options of `varde list` that map one-to-one onto GET /v1/reports query parameters.
struct list_filter {
    char const* option;
    char const* parameter;
    char const* help;
};
constexpr list_filter list_filters[] = {
    {"tlp", "tlp", "only this TLP level"},
    {"category", "category", "incident category, e.g. intrusion"},
    {"sector", "sector", "incident sector, e.g. energy"},
    {"indicator-type", "indicator_type", "reports carrying an indicator of this type"},
    {"indicator-value", "indicator_value", "... and this value (needs --indicator-type)"},
    {"since", "since", "created at or after (RFC 3339)"},
    {"until", "until", "created before (RFC 3339)"},
    {"status", "status", "pending, published, rejected or retracted (your own / operators)"},
    {"limit", "limit", "reports per page"},
    {"cursor", "cursor", "continue from a previous page's next cursor"},
};

std::string list_query(parsed_args const& a) {
    std::string q;
    for (auto const& f : list_filters)
        if (auto v = a.get(f.option)) q += (q.empty() ? "?" : "&") + std::string(f.parameter) + "=" + url_encode(*v);
    return q;
}

// Follows next_cursor through every page when --all is given.
exit_code list(invocation& inv) {
    auto base = list_query(inv.args);
    json all = json::array();
    json page = inv.api().call("GET", "/v1/reports" + base);
    for (;;) {
        for (auto& r : page["items"]) all.push_back(std::move(r));
        if (!inv.args.has("all") || !page["next_cursor"].is_string()) break;
        auto cursor = "cursor=" + url_encode(page["next_cursor"].get<std::string>());
        page = inv.api().call("GET", "/v1/reports" + (base.empty() ? "?" + cursor : base + "&" + cursor));
    }
    if (inv.json_output()) {
        print_json(inv.out, {{"items", all}, {"next_cursor", inv.args.has("all") ? json() : page["next_cursor"]}});
        return exit_code::ok;
    }
    report_table(all).print(inv.out);
    if (page["next_cursor"].is_string())
        inv.err << "more: varde list --cursor " << page["next_cursor"].get<std::string>() << " (or --all)\n";
    return exit_code::ok;
}

std::string source_text(json const& source) { return source.is_null() ? "none (anonymous)" : cell(source); }

void print_indicators(std::ostream& out, json const& indicators) {
    if (!indicators.is_array() || indicators.empty()) return;
    table t({"TYPE", "VALUE", "ROLE", "NOTE"});
    for (auto const& i : indicators)
        t.add({cell(i.value("type", json())), cell(i.value("value", json())), cell(i.value("role", json())),
               shorten(i.value("note", ""), 50)});
    out << "\nindicators:\n";
    t.print(out);
}

exit_code get(invocation& inv) {
    auto r = inv.api().call("GET", "/v1/reports/" + url_encode(inv.arg(0)));
    if (inv.json_output()) {
        print_json(inv.out, r);
        return exit_code::ok;
    }
    auto incident = r.value("incident", json::object());
    inv.out << cell(r.value("title", json())) << "\n\n"
            << "id          " << cell(r["id"]) << "\n"
            << "status      " << cell(r.value("status", json())) << "\n"
            << "tlp         " << cell(r.value("tlp", json()))
            << (r.value("recipients", json::array()).empty() ? "" : " to " + cell(r["recipients"])) << "\n"
            << "source      " << source_text(r.value("source", json())) << "\n"
            << "published   " << cell(r.value("published_at", json())) << "\n"
            << "category    " << cell(incident.value("category", json())) << "\n"
            << "sector      " << cell(incident.value("sector", json())) << "\n"
            << "actors      " << cell(r.value("threat_actors", json())) << "\n"
            << "malware     " << cell(r.value("malware", json())) << "\n"
            << "techniques  " << cell(r.value("attack_patterns", json())) << "\n"
            << "related     " << cell(r.value("related", json())) << "\n\n"
            << r.value("summary", "") << "\n";
    print_indicators(inv.out, r.value("indicators", json::array()));
    return exit_code::ok;
}

exit_code indicator(invocation& inv) {
    auto r = inv.api().call("GET", "/v1/indicators/" + url_encode(inv.arg(0)) + "/" + url_encode(inv.arg(1)));
    if (inv.json_output()) {
        print_json(inv.out, r);
        return exit_code::ok;
    }
    inv.out << cell(r.value("type", json())) << " " << cell(r.value("value", json())) << ": "
            << r.value("reports", json::array()).size() << " report(s)\n";
    if (!r.value("reports", json::array()).empty()) report_table(r["reports"]).print(inv.out);
    return exit_code::ok;
}

std::vector<option_spec> list_options() {
    std::vector<option_spec> options;
    for (auto const& f : list_filters) options.push_back({f.option, "VALUE", f.help});
    options.push_back({"all", "", "follow every page"});
    options.push_back(json_option());
    return options;
}

}  // namespace

std::vector<command> report_commands() {
    return {
        {"list", "", "List the reports you may see, newest first.",
         "Filters are those of GET /v1/reports. Without --all one page is shown and the cursor of\n"
         "the next one is printed on stderr.",
         list_options(), 0, 0, list},
        {"get", "ID", "Show one report (as you may see it).", "A report you may not see is not found (exit 6).",
         {json_option()}, 1, 1, get},
        {"indicator", "TYPE VALUE", "List the reports carrying an indicator (the value is normalised first).",
         "Example: varde indicator domain update-citrix-cdn.example.net", {json_option()}, 2, 2, indicator},
    };
}

}  // namespace varde::cli

// publish: one report from a file or standard input, or every *.json report in a folder
// (with a progress line), or --preview what other members would see.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

#include "cli/command.hpp"
#include "cli/output.hpp"

namespace varde::cli {

namespace {

namespace fs = std::filesystem;

std::string read_report(invocation& inv, std::string const& path) {
    std::stringstream text;
    if (path == "-") {
        text << inv.in.rdbuf();
    } else {
        std::ifstream in(path);
        if (!in) throw cli_error(exit_code::config, "cannot read the report file " + path);
        text << in.rdbuf();
    }
    auto body = text.str();
    // Caught here, so a typo costs no round trip and the message names the line.
    try {
        auto report = json::parse(body);
        if (!report.is_object()) throw cli_error(exit_code::rejected_input, path + " holds no JSON object");
    } catch (json::parse_error const& e) {
        throw cli_error(exit_code::rejected_input, (path == "-" ? std::string("standard input") : path) +
                                                       " is not a JSON report: " + e.what());
    }
    return body;
}

std::map<std::string, std::string> key_header(std::optional<std::string> const& key) {
    if (!key) return {};
    return {{"Idempotency-Key", *key}};
}

void print_redactions_and_warnings(std::ostream& out, json const& answer) {
    auto redactions = answer.value("redactions", json::array());
    if (!redactions.empty()) {
        table t({"FIELD", "REMOVED", "ORIGINAL"});
        for (auto const& r : redactions) t.add({cell(r["field"]), cell(r["kind"]), shorten(r.value("original", ""), 40)});
        out << "redactions:\n";
        t.print(out);
    }
    for (auto const& w : answer.value("warnings", json::array())) out << "warning: " << cell(w) << '\n';
}

exit_code preview(invocation& inv, std::string const& body) {
    auto answer = inv.api().call("POST", "/v1/reports/preview", body);
    if (inv.json_output()) {
        print_json(inv.out, answer);
        return exit_code::ok;
    }
    auto const& shared = answer["shared"];
    inv.out << "what other members will see (TLP " << cell(answer["tlp"]) << ", source "
            << (answer["source"].is_null() ? "none: anonymous" : cell(answer["source"])) << "):\n\n"
            << cell(shared.value("title", json())) << "\n\n"
            << shared.value("summary", "") << "\n\n";
    print_redactions_and_warnings(inv.out, answer);
    return exit_code::ok;
}

exit_code publish_one(invocation& inv, std::string const& path) {
    auto body = read_report(inv, path);
    if (inv.args.has("preview")) return preview(inv, body);
    auto answer = inv.api().call("POST", "/v1/reports", body, {200, 201}, key_header(inv.args.get("idempotency-key")));
    if (inv.json_output()) {
        print_json(inv.out, answer);
        return exit_code::ok;
    }
    auto status = answer.value("status", "");
    inv.out << cell(answer["id"]) << '\n';
    inv.err << (status == "pending" ? "submitted: an operator will review it before it is shared"
                                    : "published at once (your organisation is trusted)") << '\n';
    print_redactions_and_warnings(inv.err, answer);
    return exit_code::ok;
}

std::vector<fs::path> reports_in(fs::path const& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto const& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
    if (ec) throw cli_error(exit_code::config, "cannot read the folder " + dir.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
    return files;
}

// One line on stderr that a terminal rewrites in place; a log gets one line per step.
void progress(std::ostream& err, std::size_t done, std::size_t total, std::string const& name, bool last) {
    static bool const terminal = isatty(STDERR_FILENO) == 1;
    err << (terminal ? "\r\033[K" : "") << "publishing " << done << "/" << total << " " << name
        << (terminal && !last ? "" : "\n") << std::flush;
}

// Keeps going after a refused report (its error is printed); stops when the node or the
// certificate fails, since every other report would fail the same way.
exit_code publish_folder(invocation& inv, fs::path const& dir) {
    auto files = reports_in(dir);
    auto key = inv.args.get("idempotency-key");
    exit_code result = exit_code::ok;
    std::size_t published = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto name = files[i].filename().string();
        progress(inv.err, i + 1, files.size(), name, i + 1 == files.size());
        try {
            auto body = read_report(inv, files[i].string());
            auto answer = inv.api().call("POST", "/v1/reports", body, {200, 201},
                                         key_header(key ? std::optional(*key + ":" + name) : std::nullopt));
            inv.out << cell(answer["id"]) << "  " << cell(answer["status"]) << "  " << name << '\n';
            ++published;
        } catch (cli_error const& e) {
            inv.err << "varde: " << name << ": " << e.what() << '\n';
            if (e.code() == exit_code::unreachable || e.code() == exit_code::not_accepted) throw;
            if (result == exit_code::ok) result = e.code();
        }
    }
    inv.err << published << " of " << files.size() << " report(s) published\n";
    return result;
}

exit_code publish(invocation& inv) {
    auto const& path = inv.arg(0);
    std::error_code ec;
    if (path != "-" && fs::is_directory(path, ec)) {
        if (inv.args.has("preview")) throw cli_error(exit_code::usage, "--preview takes one report, not a folder");
        return publish_folder(inv, path);
    }
    return publish_one(inv, path);
}

}  // namespace

std::vector<command> publish_commands() {
    return {
        {"publish", "FILE|DIR|-", "Publish a report (JSON, SPEC §3) from a file, a folder of *.json, or stdin.",
         "Prints the new report's id on stdout. A folder is published file by file in name order,\n"
         "with a progress line on stderr and `ID STATUS FILE` lines on stdout; with\n"
         "--idempotency-key K each file is sent with the key K:FILENAME, so running the same\n"
         "command again publishes nothing twice.",
         {{"preview", "", "show what other members will see (redactions, warnings); store nothing"},
          {"idempotency-key", "KEY", "a retry with the same key returns the first answer"},
          json_option()},
         1, 1, publish},
    };
}

}  // namespace varde::cli

#pragma once
// A GoogleTest fixture base for the `varde` CLI suites: a real node (node_suite) and the real
// `varde` binary, run as a principal of the test PKI with a clean environment.
//   class Reports : public cli_suite<Reports> { ... };
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_process.hpp"
#include "node_suite.hpp"

namespace varde::test {

using json = nlohmann::json;

inline std::string varde_binary() { return VARDE_CLI_BINARY; }

template <typename Suite>
class cli_suite : public node_suite<Suite> {
protected:
    using base = node_suite<Suite>;

    static std::string url() { return "https://127.0.0.1:" + std::to_string(base::node_->port()); }

    // A home folder of this test's own, so no real ~/.config/varde/config is read, and tests
    // that CTest runs in parallel never see each other's config files.
    static std::string home() {
        auto const* test = ::testing::UnitTest::GetInstance()->current_test_info();
        auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("varde-cli-" + std::string(test->test_suite_name()) + "-" + test->name());
        std::filesystem::create_directories(dir);
        return dir.string();
    }

    // The environment that makes `varde` act as `who` (empty: no VARDE_* settings at all).
    static std::map<std::string, std::string> env_for(std::string const& who) {
        std::map<std::string, std::string> env{{"HOME", home()}, {"PATH", "/usr/bin:/bin"}};
        if (who.empty()) return env;
        auto dir = pki_dir();
        env["VARDE_URL"] = url();
        env["VARDE_CERT"] = dir + "/" + who + ".pem";
        env["VARDE_KEY"] = dir + "/" + who + ".key";
        env["VARDE_CA"] = dir + "/member-ca.pem";
        return env;
    }

    static process_result varde(std::string const& who, std::vector<std::string> args, std::string input = {}) {
        return run_process(varde_binary(), {std::move(args), env_for(who), std::move(input)});
    }

    static process_result varde_with(std::map<std::string, std::string> env, std::vector<std::string> args) {
        return run_process(varde_binary(), {std::move(args), std::move(env), {}});
    }

    // A report body; `title` also makes it easy to find.
    static json report(std::string const& title, std::string const& tlp = "GREEN") {
        return {{"title", title},
                {"summary", "Seen in our logs."},
                {"tlp", tlp},
                {"incident", {{"category", "phishing"}, {"sector", "energy"}}},
                {"indicators", json::array({{{"type", "domain"}, {"value", "login.bad-actor.example"}}})}};
    }

    // Publishes through the API (faster set-up than the CLI); returns the id.
    static std::string publish_as(std::string const& who, json const& body) {
        auto r = base::call(who, "POST", "/v1/reports", body.dump());
        EXPECT_EQ(r.status, 201u) << r.body;
        return json::parse(r.body).value("id", "");
    }

    static std::string write_file(std::string const& name, std::string const& content) {
        auto path = home() + "/" + name;
        std::ofstream(path) << content;
        return path;
    }
};

// "exit N, stderr: ..." for failure messages.
inline std::string show(process_result const& r) {
    return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "") + "\nstdout: " + r.out +
           "\nstderr: " + r.err;
}

inline bool contains(std::string const& text, std::string const& part) { return text.find(part) != std::string::npos; }

}  // namespace varde::test

// The CLI's pure parts, without a node: argument parsing, the order of settings, the audit
// hash's jsonb text, reconnection backoff, and file names taken from events.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/args.hpp"
#include "cli/audit_chain.hpp"
#include "cli/certificate.hpp"
#include "cli/config.hpp"
#include "cli/exit_code.hpp"
#include "cli/follow/backoff.hpp"
#include "cli/follow/event_sink.hpp"
#include "test_node.hpp"

namespace varde::cli {
namespace {

using json = nlohmann::json;

int code_of(std::function<void()> const& f) {
    try {
        f();
    } catch (cli_error const& e) {
        return static_cast<int>(e.code());
    }
    return 0;
}

TEST(CliArgs, OptionsValuesListsAndPositionals) {
    std::vector<option_spec> spec{{"json", "", "", false}, {"recipients", "LIST", "", true}, {"tlp", "L", "", false}};
    auto a = parse_args({"ID", "--tlp=AMBER", "--recipients", "org:a,sector:b", "--recipients=org:c", "-", "--json",
                         "--", "--not-an-option"},
                        spec);
    EXPECT_EQ(a.positionals, (std::vector<std::string>{"ID", "-", "--not-an-option"}));
    EXPECT_EQ(a.get("tlp"), "AMBER");
    EXPECT_TRUE(a.has("json"));
    EXPECT_EQ(a.list("recipients"), (std::vector<std::string>{"org:a", "sector:b", "org:c"}));
    EXPECT_EQ(parse_args({"--url", "https://x"}, spec).get("url"), "https://x");  // global options always
    EXPECT_TRUE(parse_args({"-h"}, spec).help);

    EXPECT_EQ(code_of([&] { parse_args({"--colour", "red"}, spec); }), 2);
    EXPECT_EQ(code_of([&] { parse_args({"--json=yes"}, spec); }), 2);
    EXPECT_EQ(code_of([&] { parse_args({"--tlp"}, spec); }), 2);
    EXPECT_EQ(code_of([&] { number_option(parse_args({"--timeout", "0"}, spec), "timeout", 10, 1, 60); }), 2);
}

class CliSettings : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) / "varde-cli-settings";
        std::filesystem::create_directories(dir_ / "varde");
        for (std::string name : {"alice.pem", "alice.key", "bob.pem", "member-ca.pem"})
            std::filesystem::copy_file(test::pki_dir() + "/" + name, dir_ / "varde" / name,
                                       std::filesystem::copy_options::overwrite_existing);
        std::ofstream(dir_ / "varde" / "config") << "url = https://file.example\ncert = alice.pem\nkey = alice.key\n"
                                                    "ca = member-ca.pem\n";
    }
    env_lookup env(std::map<std::string, std::string> values) {
        values["XDG_CONFIG_HOME"] = dir_.string();
        return [values](std::string const& name) -> std::optional<std::string> {
            auto it = values.find(name);
            return it == values.end() ? std::nullopt : std::optional(it->second);
        };
    }
    std::filesystem::path dir_;
};

TEST_F(CliSettings, FlagsBeatEnvironmentBeatsFile) {
    auto from_file = resolve_settings(parse_args({}, {}), env({}));
    EXPECT_EQ(from_file.host, "file.example");
    EXPECT_EQ(from_file.port, 8443);
    EXPECT_EQ(from_file.certificate_file, (dir_ / "varde" / "alice.pem").string());  // relative to the file

    auto bob = (dir_ / "varde" / "bob.pem").string();
    auto from_env = resolve_settings(parse_args({}, {}), env({{"VARDE_URL", "https://[::1]:9443/"}, {"VARDE_CERT", bob}}));
    EXPECT_EQ(from_env.host, "::1");
    EXPECT_EQ(from_env.port, 9443);
    EXPECT_EQ(from_env.certificate_file, bob);
    EXPECT_EQ(from_env.private_key_file, (dir_ / "varde" / "alice.key").string());  // still from the file

    auto from_flag = resolve_settings(parse_args({"--url", "https://flag.example:1234", "--server-name", "n"}, {}),
                                      env({{"VARDE_URL", "https://env.example"}}));
    EXPECT_EQ(from_flag.host, "flag.example");
    EXPECT_EQ(from_flag.port, 1234);
    EXPECT_EQ(from_flag.server_name, "n");

    EXPECT_EQ(code_of([&] { resolve_settings(parse_args({"--url", "http://plain.example"}, {}), env({})); }), 3);
    EXPECT_EQ(code_of([&] { resolve_settings(parse_args({"--url", "https://x:99999"}, {}), env({})); }), 3);
}

TEST(CliAuditChain, JsonbTextOrdersKeysByLengthThenBytes) {
    auto value = json::parse(R"({"bb": [1, "x\ny", true], "a": null, "c": {"zz": 2, "y": "\"q\""}})");
    EXPECT_EQ(jsonb_text(value), R"({"a": null, "c": {"y": "\"q\"", "zz": 2}, "bb": [1, "x\ny", true]})");
    EXPECT_EQ(jsonb_text(json::object()), "{}");
}

TEST(CliAuditChain, FindsAMissingEntryAndABrokenLink) {
    auto entry = [](std::int64_t seq, std::string prev) {
        json e{{"seq", seq}, {"at", "2026-01-01T00:00:00.000000Z"}, {"actor", "a"}, {"action", "x"},
               {"subject_type", "t"}, {"subject_id", "1"}, {"detail", json::object()}, {"prev_hash", prev}};
        e["hash"] = sha256_hex(prev + '\x1f' + std::to_string(seq) + '\x1f' + "2026-01-01T00:00:00.000000Z\x1f" "a\x1f" "x\x1f" "t\x1f" "1\x1f{}");
        return e;
    };
    auto first = entry(1, std::string(64, '0'));
    auto second = entry(2, first["hash"]);
    audit_chain_verifier good;
    good.add(first);
    good.add(second);
    EXPECT_FALSE(good.result().first_broken);
    EXPECT_EQ(good.result().checked, 2);

    audit_chain_verifier gap;
    gap.add(first);
    gap.add(entry(3, second["hash"]));
    EXPECT_EQ(gap.result().first_broken, 3);

    audit_chain_verifier forged;
    forged.add(first);
    second["actor"] = "someone else";
    forged.add(second);
    EXPECT_EQ(forged.result().first_broken, 2);
}

TEST(CliBackoff, GrowsWithJitterUpToTheCapAndResets) {
    using ms = std::chrono::milliseconds;
    backoff b(ms(500), ms(4000));
    std::vector<long> steps{500, 1000, 2000, 4000, 4000, 4000};
    for (auto step : steps) {
        auto d = b.next().count();
        EXPECT_GE(d, step / 2);
        EXPECT_LE(d, step);
    }
    b.reset();
    EXPECT_LE(b.next().count(), 500);
}

TEST(CliFollowFiles, ReportIdsNeverLeaveTheFolder) {
    EXPECT_EQ(safe_report_id(json::parse(R"({"report":{"id":"0b6c-4a1f"}})")), "0b6c-4a1f");
    EXPECT_EQ(safe_report_id(json::parse(R"({"report":{"id":"../../etc/passwd"}})")), "");
    EXPECT_EQ(safe_report_id(json::parse(R"({"report":{"id":""}})")), "");
    EXPECT_EQ(safe_report_id(json::parse(R"({"event":"heartbeat"})")), "");
}

}  // namespace
}  // namespace varde::cli

// Members: publish (file, stdin, folder, preview, idempotency), list, get, indicator, tlp,
// retract and TLP proposals, through the real binary.
#include <filesystem>
#include <fstream>

#include "cli_suite.hpp"

namespace varde::test {
namespace {

class CliReports : public cli_suite<CliReports> {
protected:
    static std::string trimmed(std::string s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
        return s;
    }
};

TEST_F(CliReports, PublishFromFileAndStdinPrintsTheId) {
    auto from_file = varde("alice", {"publish", write_file("r1.json", report("From a file").dump())});
    ASSERT_EQ(from_file.exit_code, 0) << show(from_file);
    auto id = trimmed(from_file.out);
    EXPECT_EQ(id.size(), 36u) << from_file.out;
    EXPECT_TRUE(contains(from_file.err, "published")) << from_file.err;  // alice's organisation is trusted

    auto from_stdin = varde("bob", {"publish", "-"}, report("From stdin").dump());
    ASSERT_EQ(from_stdin.exit_code, 0) << show(from_stdin);
    EXPECT_TRUE(contains(from_stdin.err, "an operator will review it")) << from_stdin.err;

    auto seen = varde("carol", {"get", id, "--json"});
    ASSERT_EQ(seen.exit_code, 0) << show(seen);
    EXPECT_EQ(json::parse(seen.out)["title"], "From a file");
}

TEST_F(CliReports, PreviewShowsRedactionsAndStoresNothing) {
    auto body = report("Nordkraft was phished");
    body["summary"] = "Mail to ola.nordmann@nordkraft.example from the attacker.";
    auto r = varde("alice", {"publish", "--preview", "-"}, body.dump());
    ASSERT_EQ(r.exit_code, 0) << show(r);
    EXPECT_TRUE(contains(r.out, "what other members will see")) << r.out;
    EXPECT_FALSE(contains(r.out, "ola.nordmann@nordkraft.example\n\n")) << r.out;  // not in the shared text
    EXPECT_TRUE(contains(r.out, "[EMAIL]")) << r.out;
    EXPECT_TRUE(contains(r.out, "redactions:")) << r.out;
    auto list = varde("alice", {"list", "--json"});
    auto listed = json::parse(list.out);  // a named value: a range-for over a temporary's member dangles
    ASSERT_TRUE(listed["items"].is_array()) << list.out;
    for (auto const& item : listed["items"]) EXPECT_NE(item["title"], "[ORG] was phished");
}

TEST_F(CliReports, IdempotencyKeyPublishesOnce) {
    auto path = write_file("idem.json", report("Idempotent").dump());
    auto first = varde("alice", {"publish", path, "--idempotency-key", "cli-test-1"});
    auto again = varde("alice", {"publish", path, "--idempotency-key", "cli-test-1"});
    ASSERT_EQ(first.exit_code, 0) << show(first);
    ASSERT_EQ(again.exit_code, 0) << show(again);
    EXPECT_EQ(first.out, again.out);
}

TEST_F(CliReports, BulkPublishOfAFolderShowsProgressAndKeepsGoing) {
    auto folder = std::filesystem::path(home()) / "bulk";
    std::filesystem::create_directories(folder);
    for (int i = 1; i <= 3; ++i) std::ofstream(folder / ("0" + std::to_string(i) + ".json")) << report("Bulk " + std::to_string(i)).dump();
    std::ofstream(folder / "04-bad.json") << R"({"title":"no tlp","summary":"s"})";
    std::ofstream(folder / "notes.txt") << "not a report";

    auto r = varde("alice", {"publish", folder.string(), "--idempotency-key", "bulk-1"});
    EXPECT_EQ(r.exit_code, 7) << show(r);  // one report was refused
    EXPECT_TRUE(contains(r.err, "publishing 4/4 04-bad.json")) << r.err;
    EXPECT_TRUE(contains(r.err, "04-bad.json: the node refused it")) << r.err;
    EXPECT_TRUE(contains(r.err, "3 of 4 report(s) published")) << r.err;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
    EXPECT_TRUE(contains(r.out, "  published  03.json")) << r.out;

    // The same command again: the keys make it publish nothing new.
    auto again = varde("alice", {"publish", folder.string(), "--idempotency-key", "bulk-1"});
    EXPECT_EQ(again.out, r.out);
}

TEST_F(CliReports, ListAsTableAndJsonWithFilters) {
    publish_as("alice", report("Listed green"));
    auto amber = report("Listed amber", "AMBER");
    amber["recipients"] = {"org:fjordbank"};
    publish_as("alice", amber);

    auto table = varde("bob", {"list"});
    ASSERT_EQ(table.exit_code, 0) << show(table);
    EXPECT_TRUE(table.out.starts_with("ID")) << table.out;
    EXPECT_TRUE(contains(table.out, "Listed green")) << table.out;
    EXPECT_TRUE(contains(table.out, "Listed amber")) << table.out;

    auto filtered = varde("bob", {"list", "--tlp", "AMBER", "--json"});
    ASSERT_EQ(filtered.exit_code, 0) << show(filtered);
    auto items = json::parse(filtered.out)["items"];
    ASSERT_FALSE(items.empty());
    for (auto const& item : items) EXPECT_EQ(item["tlp"], "AMBER");

    auto paged = varde("bob", {"list", "--limit", "1"});
    EXPECT_TRUE(contains(paged.err, "more: varde list --cursor")) << paged.err;
    auto all = varde("bob", {"list", "--limit", "1", "--all", "--json"});
    EXPECT_GE(json::parse(all.out)["items"].size(), 2u) << all.out;

    auto bad = varde("bob", {"list", "--status", "lost"});
    EXPECT_EQ(bad.exit_code, 7) << show(bad);
    EXPECT_TRUE(contains(bad.err, "status: must be")) << bad.err;
}

TEST_F(CliReports, GetAndIndicator) {
    auto id = publish_as("alice", report("Readable report"));
    auto r = varde("bob", {"get", id});
    ASSERT_EQ(r.exit_code, 0) << show(r);
    EXPECT_TRUE(r.out.starts_with("Readable report\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "login.bad-actor.example")) << r.out;

    auto missing = varde("bob", {"get", "00000000-0000-4000-8000-000000000000"});
    EXPECT_EQ(missing.exit_code, 6) << show(missing);

    auto by_indicator = varde("bob", {"indicator", "domain", "LOGIN.bad-actor.example"});
    ASSERT_EQ(by_indicator.exit_code, 0) << show(by_indicator);
    EXPECT_TRUE(contains(by_indicator.out, "domain login.bad-actor.example:")) << by_indicator.out;
    EXPECT_TRUE(contains(by_indicator.out, id)) << by_indicator.out;
    EXPECT_EQ(varde("bob", {"indicator", "colour", "blue"}).exit_code, 7);
}

TEST_F(CliReports, TlpChangeRetractAndProposals) {
    auto body = report("Changing", "AMBER");
    body["recipients"] = {"org:havn"};
    auto id = publish_as("alice", body);
    EXPECT_EQ(varde("bob", {"get", id}).exit_code, 6);  // not a recipient

    auto tighten = varde("alice", {"tlp", id, "AMBER", "--recipients", "org:havn,org:fjordbank"});
    ASSERT_EQ(tighten.exit_code, 0) << show(tighten);
    EXPECT_EQ(varde("bob", {"get", id}).exit_code, 0);

    // An operator's loosening is a proposal the originator decides on.
    auto proposal = varde("oscar", {"tlp", id, "GREEN"});
    ASSERT_EQ(proposal.exit_code, 0) << show(proposal);
    EXPECT_TRUE(contains(proposal.out, "proposed to the originator")) << proposal.out;
    auto not_carols = varde("carol", {"proposal", "accept", id});
    EXPECT_EQ(not_carols.exit_code, 9) << show(not_carols);  // carol sees it, but it is not hers
    EXPECT_TRUE(contains(not_carols.err, "not allowed: only the originator")) << not_carols.err;
    auto accepted = varde("alice", {"proposal", "accept", id});
    ASSERT_EQ(accepted.exit_code, 0) << show(accepted);
    EXPECT_EQ(json::parse(varde("alice", {"get", id, "--json"}).out)["tlp"], "GREEN");
    EXPECT_NE(varde("alice", {"proposal", "decline", id}).exit_code, 0);  // nothing left to decide

    EXPECT_EQ(varde("bob", {"retract", id}).exit_code, 9);  // only the originator or an operator
    auto retracted = varde("alice", {"retract", id});
    ASSERT_EQ(retracted.exit_code, 0) << show(retracted);
    auto gone = varde("bob", {"get", id});
    EXPECT_EQ(gone.exit_code, 6) << show(gone);
    EXPECT_TRUE(contains(gone.err, "gone")) << gone.err;
}

// The seed case (SPEC §9) as a member would send it: previewed, published, found by others
// through an indicator, with the fictional victim scrubbed from what they read.
TEST_F(CliReports, SeedCaseFromExamples) {
    auto file = source_dir() + "/examples/apt10-remote-access-intrusion.json";
    auto preview = varde("alice", {"publish", "--preview", file, "--json"});
    ASSERT_EQ(preview.exit_code, 0) << show(preview);
    EXPECT_FALSE(json::parse(preview.out)["redactions"].empty()) << preview.out;

    auto published = varde("alice", {"publish", file});
    ASSERT_EQ(published.exit_code, 0) << show(published);
    auto id = trimmed(published.out);
    auto found = varde("bob", {"indicator", "domain", "Update-Citrix-Cdn.example.net"});
    ASSERT_EQ(found.exit_code, 0) << show(found);
    EXPECT_TRUE(contains(found.out, id)) << found.out;
    auto seen = varde("bob", {"get", id, "--json"});
    EXPECT_FALSE(contains(seen.out, "nordkraft.example")) << seen.out;
}

}  // namespace
}  // namespace varde::test

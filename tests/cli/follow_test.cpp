// `varde follow`, the automated subscriber: NDJSON, a folder of reports, --exec with
// acknowledgement, reconnection, refusal, and a crash test (kill -9 at random points while
// reports are published) that must end with every visible report exactly once.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "cert_factory.hpp"
#include "cli_suite.hpp"

namespace varde::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class CliFollow : public cli_suite<CliFollow> {
protected:
    // A fresh folder for one test.
    static std::string scratch(std::string const& name) {
        auto dir = fs::path(home()) / name;
        fs::remove_all(dir);
        fs::create_directories(dir);
        return dir.string();
    }

    static std::unique_ptr<background_process> follow(std::string const& who, std::vector<std::string> args,
                                                      std::string const& log_prefix) {
        args.insert(args.begin(), "follow");
        args.push_back("--backoff-max");
        args.push_back("1");
        return std::make_unique<background_process>(varde_binary(), process_spec{args, env_for(who), {}, {}}, log_prefix);
    }

    static bool wait_until(std::function<bool()> const& done, std::chrono::milliseconds timeout = 15s) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (done()) return true;
            std::this_thread::sleep_for(20ms);
        }
        return done();
    }

    // Report ids that have a file in `dir`; any other entry (a temporary file) is reported too.
    static std::set<std::string> report_files(std::string const& dir, std::vector<std::string>* others = nullptr) {
        std::set<std::string> ids;
        for (auto const& entry : fs::directory_iterator(dir)) {
            auto name = entry.path().filename().string();
            if (entry.path().extension() == ".json" && !name.starts_with(".")) ids.insert(entry.path().stem().string());
            else if (others) others->push_back(name);
        }
        return ids;
    }

    static std::vector<json> lines_of(std::string const& text) {
        std::vector<json> out;
        std::size_t start = 0;
        for (auto nl = text.find('\n'); nl != std::string::npos; start = nl + 1, nl = text.find('\n', start))
            out.push_back(json::parse(text.substr(start, nl - start)));
        return out;
    }
};

TEST_F(CliFollow, StreamsEventsAsNdjsonAndStoresTheCursor) {
    auto dir = scratch("ndjson");
    auto state = dir + "/state";
    auto follower = follow("bob", {"--state", state}, dir + "/follower");
    ASSERT_TRUE(wait_until([&] { return contains(follower->err(), "connected"); })) << follower->err();

    auto kept = publish_as("alice", report("Followed one"));
    auto retracted = publish_as("alice", report("Followed two"));
    ASSERT_EQ(call("alice", "POST", "/v1/reports/" + retracted + "/retract").status, 200u);
    ASSERT_TRUE(wait_until([&] { return lines_of(follower->out()).size() >= 3; })) << follower->out() << follower->err();
    EXPECT_EQ(follower->stop(), 0) << follower->err();  // SIGTERM: a clean stop

    auto events = lines_of(follower->out());
    ASSERT_EQ(events.size(), 3u) << follower->out();
    EXPECT_EQ(events[0]["event"], "report.published");
    EXPECT_EQ(events[0]["report"]["id"], kept);
    EXPECT_EQ(events[0]["report"]["title"], "Followed one");
    EXPECT_EQ(events[2]["event"], "report.retracted");
    EXPECT_EQ(events[2]["report"]["id"], retracted);
    EXPECT_EQ(read_file(state), events[2]["cursor"].get<std::string>() + "\n");

    // Restarted, it resumes after the stored cursor: nothing old comes again.
    auto again = follow("bob", {"--state", state}, dir + "/again");
    ASSERT_TRUE(wait_until([&] { return contains(again->err(), "connected"); })) << again->err();
    auto later = publish_as("alice", report("After the restart"));
    ASSERT_TRUE(wait_until([&] { return !again->out().empty(); }));
    EXPECT_EQ(again->stop(), 0);
    auto resumed = lines_of(again->out());
    ASSERT_EQ(resumed.size(), 1u) << again->out();
    EXPECT_EQ(resumed[0]["report"]["id"], later);
}

TEST_F(CliFollow, FolderAndExecAcknowledgeOnlyOnSuccess) {
    auto dir = scratch("exec");
    auto reports = dir + "/reports";
    auto log = dir + "/hook.log";
    // Fails the first time (no flag file yet), then records each event.
    auto hook = "if [ ! -f " + dir + "/flag ]; then touch " + dir + "/flag; exit 3; fi; "
                "test -n \"$VARDE_CURSOR\" && echo \"$VARDE_EVENT $VARDE_REPORT_ID $VARDE_REPORT_FILE\" >> " + log;
    auto follower = follow("carol", {"--dir", reports, "--exec", hook}, dir + "/follower");
    ASSERT_TRUE(wait_until([&] { return contains(follower->err(), "connected"); })) << follower->err();

    auto id = publish_as("alice", report("Hooked"));
    ASSERT_TRUE(wait_until([&] { return contains(read_file(log), "report.published " + id); })) << follower->err();
    EXPECT_TRUE(contains(follower->err(), "--exec exited with 3")) << follower->err();
    EXPECT_EQ(json::parse(read_file(reports + "/" + id + ".json"))["title"], "Hooked");
    EXPECT_TRUE(contains(read_file(log), reports + "/" + id + ".json")) << read_file(log);

    ASSERT_EQ(call("alice", "POST", "/v1/reports/" + id + "/retract").status, 200u);
    ASSERT_TRUE(wait_until([&] { return contains(read_file(log), "report.retracted " + id); }));
    EXPECT_FALSE(fs::exists(reports + "/" + id + ".json"));
    EXPECT_TRUE(fs::exists(reports + "/.varde-follow.state"));  // the default state file
    EXPECT_EQ(follower->stop(), 0);
}

TEST_F(CliFollow, RefusedCertificateStopsAndNodeDownIsRetried) {
    auto dir = scratch("refused");
    auto unenrolled = follow("unenrolled", {"--state", dir + "/state"}, dir + "/unenrolled");
    EXPECT_EQ(unenrolled->wait_for_exit(10s), 5) << unenrolled->err();
    EXPECT_TRUE(contains(unenrolled->err(), "certificate not accepted")) << unenrolled->err();

    auto env = env_for("bob");
    env["VARDE_URL"] = "https://127.0.0.1:1";  // nothing listens there
    background_process down(varde_binary(), {{"follow", "--backoff-max", "1"}, env, {}, {}}, dir + "/down");
    ASSERT_TRUE(wait_until([&] { return contains(down.err(), "reconnecting in"); }, 5s)) << down.err();
    std::this_thread::sleep_for(1500ms);
    EXPECT_TRUE(down.running());  // it keeps trying
    EXPECT_TRUE(contains(down.err(), "cannot reach the node")) << down.err();
    EXPECT_EQ(down.stop(), 0);
}

TEST_F(CliFollow, RevocationEndsTheFollowerWithExit5) {
    auto dir = scratch("revoked");
    auto cert = make_client_certificate("cli-follower", "Havn Logistikk AS");
    ASSERT_EQ(call("oscar", "POST", "/v1/admin/principals",
                   json{{"org", "havn"}, {"name", "cli-follower"}, {"role", "member"}, {"kind", "service"},
                        {"certificate", cert.certificate_pem}}.dump()).status, 201u);
    auto env = env_for("");
    env["VARDE_URL"] = url();
    env["VARDE_CERT"] = cert.certificate_file;
    env["VARDE_KEY"] = cert.private_key_file;
    env["VARDE_CA"] = pki_dir() + "/member-ca.pem";
    background_process follower(varde_binary(), {{"follow"}, env, {}, {}}, dir + "/follower");
    ASSERT_TRUE(wait_until([&] { return contains(follower.err(), "connected"); })) << follower.err();
    ASSERT_EQ(call("oscar", "POST", "/v1/admin/principals/" + cert.fingerprint + "/revoke").status, 200u);
    EXPECT_EQ(follower.wait_for_exit(10s), 5) << follower.err();
    EXPECT_TRUE(contains(follower.err(), "revoked")) << follower.err();
}

TEST_F(CliFollow, SurvivesKillNineAtRandomPointsWithEveryReportExactlyOnce) {
    auto dir = scratch("crash");
    auto reports = dir + "/reports";
    auto state = dir + "/state";
    std::vector<std::string> args{"--dir", reports, "--state", state, "--quiet"};
    auto follower = follow("havn-feed", args, dir + "/run");
    ASSERT_TRUE(wait_until([&] { return fs::exists(state); })) << follower->err();  // "now" is fixed

    std::vector<std::string> published;
    std::string never_visible;
    std::atomic<bool> publishing{true};
    std::thread publisher([&] {
        std::mt19937 random(42);
        for (int i = 0; i < 40; ++i) {
            published.push_back(publish_as("alice", report("Crash test " + std::to_string(i))));
            if (i == 10) never_visible = publish_as("alice", [] {
                auto red = report("Red: people only", "RED");
                red["recipients"] = {"org:havn"};
                return red;
            }());
            std::this_thread::sleep_for(std::chrono::milliseconds(random() % 50));
        }
        publishing = false;
    });
    // Kill -9 at random moments for as long as reports are coming (at least four times).
    std::mt19937 random(std::random_device{}());
    int kills = 0;
    while (publishing || kills < 4) {
        std::this_thread::sleep_for(std::chrono::milliseconds(30 + random() % 250));
        follower->kill_hard();
        ++kills;
        follower = follow("havn-feed", args, dir + "/run");
    }
    publisher.join();
    auto retracted = published[5];
    ASSERT_EQ(call("alice", "POST", "/v1/reports/" + retracted + "/retract").status, 200u);

    std::set<std::string> expected(published.begin(), published.end());
    expected.erase(retracted);
    std::vector<std::string> others;
    EXPECT_TRUE(wait_until([&] { return report_files(reports) == expected; }, 20s)) << follower->err();
    follower->stop();
    auto files = report_files(reports, &others);
    std::vector<std::string> missing, extra;
    std::set_difference(expected.begin(), expected.end(), files.begin(), files.end(), std::back_inserter(missing));
    std::set_difference(files.begin(), files.end(), expected.begin(), expected.end(), std::back_inserter(extra));
    EXPECT_TRUE(missing.empty()) << missing.size() << " report(s) never written, e.g. " << missing.front();
    EXPECT_TRUE(extra.empty()) << extra.size() << " file(s) that should not be there, e.g. " << extra.front();
    EXPECT_FALSE(files.contains(retracted));
    EXPECT_FALSE(files.contains(never_visible));  // RED never reaches a service
    EXPECT_TRUE(others.empty()) << others.front();  // no temporary file left behind
    for (auto const& id : files) EXPECT_EQ(json::parse(read_file(reports + "/" + id + ".json"))["id"], id);
}

}  // namespace
}  // namespace varde::test

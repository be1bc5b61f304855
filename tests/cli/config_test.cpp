// Settings from flags, environment and the configuration file, in that order; whoami; help.
#include <fstream>

#include "cli_suite.hpp"

namespace varde::test {
namespace {

class CliConfig : public cli_suite<CliConfig> {};

TEST_F(CliConfig, WhoamiShowsThePrincipalBehindTheCertificate) {
    auto r = varde("bob", {"whoami"});
    ASSERT_EQ(r.exit_code, 0) << show(r);
    EXPECT_TRUE(contains(r.out, "bob (member, person, active)")) << r.out;
    EXPECT_TRUE(contains(r.out, "Fjordbank ASA [fjordbank]")) << r.out;

    auto j = varde("havn-feed", {"whoami", "--json"});
    ASSERT_EQ(j.exit_code, 0) << show(j);
    auto body = json::parse(j.out);
    EXPECT_EQ(body["principal"]["kind"], "service");
    EXPECT_EQ(body["organisation"]["slug"], "havn");
}

TEST_F(CliConfig, ConfigFileWithPathsRelativeToIt) {
    // Relative names are taken from the file's folder: a config can sit beside its certificates.
    auto folder = std::filesystem::path(home()) / "carol-settings";
    std::filesystem::create_directories(folder);
    for (std::string name : {"carol.pem", "carol.key", "member-ca.pem"})
        std::filesystem::copy_file(pki_dir() + "/" + name, folder / name, std::filesystem::copy_options::overwrite_existing);
    auto config = (folder / "config").string();
    std::ofstream(config) << "# carol's settings\nurl = " << url() << "\ncert = carol.pem\nkey = carol.key\nca = member-ca.pem\n";
    auto r = varde("", {"whoami", "--config", config});
    EXPECT_EQ(r.exit_code, 0) << show(r);
    EXPECT_TRUE(contains(r.out, "carol (member")) << r.out;

    std::ofstream(config) << "url = " << url() << "\ncertificate = carol.pem\n";
    auto unknown_key = varde("", {"whoami", "--config", config});
    EXPECT_EQ(unknown_key.exit_code, 3) << show(unknown_key);
    EXPECT_TRUE(contains(unknown_key.err, "config:2: unknown key `certificate`")) << unknown_key.err;
}

TEST_F(CliConfig, DefaultConfigFileIsInHome) {
    auto dir = pki_dir();
    std::filesystem::create_directories(home() + "/.config/varde");
    std::ofstream(home() + "/.config/varde/config") << "url = " << url() << "\ncert = " << dir << "/alice.pem\nkey = "
                                                     << dir << "/alice.key\nca = " << dir << "/member-ca.pem\n";
    auto from_file = varde("", {"whoami"});
    EXPECT_EQ(from_file.exit_code, 0) << show(from_file);
    EXPECT_TRUE(contains(from_file.out, "alice (")) << from_file.out;

    // The environment beats the file; a flag beats the environment.
    auto from_env = varde("bob", {"whoami"});
    EXPECT_TRUE(contains(from_env.out, "bob (")) << show(from_env);
    auto from_flags = varde("bob", {"whoami", "--cert", dir + "/carol.pem", "--key", dir + "/carol.key"});
    EXPECT_TRUE(contains(from_flags.out, "carol (")) << show(from_flags);
    std::filesystem::remove(home() + "/.config/varde/config");
}

TEST_F(CliConfig, MissingOrUnreadableSettingsAreExit3) {
    auto none = varde("", {"whoami"});
    EXPECT_EQ(none.exit_code, 3) << show(none);
    EXPECT_TRUE(contains(none.err, "VARDE_URL")) << none.err;

    auto env = env_for("bob");
    env["VARDE_KEY"] = "/nonexistent/bob.key";
    auto unreadable = varde_with(env, {"whoami"});
    EXPECT_EQ(unreadable.exit_code, 3) << show(unreadable);
    EXPECT_TRUE(contains(unreadable.err, "/nonexistent/bob.key")) << unreadable.err;

    auto bad_config = varde("bob", {"whoami", "--config", "/nonexistent/config"});
    EXPECT_EQ(bad_config.exit_code, 3) << show(bad_config);
}

TEST_F(CliConfig, UsageErrorsAreExit2AndEveryCommandHasHelp) {
    EXPECT_EQ(varde("bob", {"frobnicate"}).exit_code, 2);
    EXPECT_EQ(varde("bob", {"get"}).exit_code, 2);                       // ID missing
    EXPECT_EQ(varde("bob", {"list", "--no-such-option"}).exit_code, 2);
    EXPECT_EQ(varde("bob", {"org"}).exit_code, 2);                       // a group, no subcommand
    auto overview = varde("", {"--help"});
    ASSERT_EQ(overview.exit_code, 0);
    for (std::string name : {"whoami", "health", "publish", "list", "get", "indicator", "tlp", "retract",
                             "proposal accept", "proposal decline", "queue", "approve", "reject", "reviewed",
                             "org list", "org add", "org update", "principal enrol", "principal revoke", "audit",
                             "follow"}) {
        EXPECT_TRUE(contains(overview.out, "  " + name)) << name;
        std::vector<std::string> args;
        for (std::size_t start = 0, space; start < name.size(); start = space + 1) {
            space = name.find(' ', start);
            if (space == std::string::npos) space = name.size();
            args.push_back(name.substr(start, space - start));
        }
        args.push_back("--help");
        auto help = varde("", args);  // no settings needed for help
        EXPECT_EQ(help.exit_code, 0) << name << ": " << show(help);
        EXPECT_TRUE(contains(help.out, "usage: varde " + name)) << help.out;
    }
}

TEST_F(CliConfig, HostNamesAreResolvedAndVerified) {
    // "localhost" may resolve to ::1 first; the node listens on 127.0.0.1 only.
    auto env = env_for("bob");
    env["VARDE_URL"] = "https://localhost:" + std::to_string(node_->port());
    auto r = varde_with(env, {"whoami"});
    EXPECT_EQ(r.exit_code, 0) << show(r);
    EXPECT_TRUE(contains(r.out, "node          https://localhost:")) << r.out;
}

TEST_F(CliConfig, HealthReportsTheNode) {
    auto r = varde("bob", {"health"});
    EXPECT_EQ(r.exit_code, 0) << show(r);
    EXPECT_TRUE(contains(r.out, "node ok, database ok")) << r.out;
}

}  // namespace
}  // namespace varde::test

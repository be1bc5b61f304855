// Operators: moderation (queue, approve, reject, reviewed), organisations, principals and the
// audit log with a client-side check of its hash chain; members are refused all of it.
#include "cert_factory.hpp"
#include "cli_suite.hpp"

namespace varde::test {
namespace {

class CliOperator : public cli_suite<CliOperator> {};

TEST_F(CliOperator, QueueApproveWithEditsAndReject) {
    auto first = publish_as("bob", report("Fjordbank saw phishing"));  // untrusted: pending
    auto second = publish_as("bob", report("Second pending"));

    auto queue = varde("oscar", {"queue"});
    ASSERT_EQ(queue.exit_code, 0) << show(queue);
    EXPECT_TRUE(contains(queue.out, first)) << queue.out;
    EXPECT_TRUE(contains(queue.out, "fjordbank")) << queue.out;  // operators see the true source

    auto edit = write_file("edit.json", R"({"title":"Phishing against a bank"})");
    auto approved = varde("oscar", {"approve", first, "--edit", edit, "--tlp", "AMBER", "--recipients", "sector:finance"});
    ASSERT_EQ(approved.exit_code, 0) << show(approved);
    auto seen = json::parse(varde("oscar", {"get", first, "--json"}).out);
    EXPECT_EQ(seen["status"], "published");
    EXPECT_EQ(seen["title"], "Phishing against a bank");
    EXPECT_EQ(seen["tlp"], "AMBER");

    EXPECT_EQ(varde("oscar", {"reject", second}).exit_code, 2);  // --reason is required
    auto rejected = varde("oscar", {"reject", second, "--reason", "Please remove the customer names"});
    ASSERT_EQ(rejected.exit_code, 0) << show(rejected);
    auto own = json::parse(varde("bob", {"get", second, "--json"}).out);
    EXPECT_EQ(own["status"], "rejected");
    EXPECT_EQ(own["reject_reason"], "Please remove the customer names");
    auto twice = varde("oscar", {"reject", second, "--reason", "again"});
    EXPECT_EQ(twice.exit_code, 7) << show(twice);  // 409: no longer pending

    auto trusted = publish_as("alice", report("Trusted, reviewed later"));
    auto review = varde("oscar", {"queue", "--review"});
    EXPECT_TRUE(contains(review.out, trusted)) << review.out;
    EXPECT_EQ(varde("oscar", {"reviewed", trusted}).exit_code, 0);
    EXPECT_FALSE(contains(varde("oscar", {"queue", "--review"}).out, trusted));
}

TEST_F(CliOperator, MembersGetNotFoundForOperatorCommands) {
    for (auto args : std::vector<std::vector<std::string>>{{"queue"}, {"org", "list"}, {"audit"}}) {
        auto r = varde("bob", args);
        EXPECT_EQ(r.exit_code, 6) << args[0] << ": " << show(r);
    }
}

TEST_F(CliOperator, OrganisationsAddListUpdate) {
    auto added = varde("oscar", {"org", "add", "skog", "--name", "Skog Kraft AS", "--country", "NO", "--sector",
                                 "energy", "--domain", "skog.example", "--alias", "Skog"});
    ASSERT_EQ(added.exit_code, 0) << show(added);
    auto again = varde("oscar", {"org", "add", "skog", "--name", "Skog Kraft AS", "--country", "NO"});
    EXPECT_EQ(again.exit_code, 7) << show(again);
    EXPECT_TRUE(contains(again.err, "slug: taken")) << again.err;

    auto updated = varde("oscar", {"org", "update", "skog", "--trusted", "--sector", "energy,finance"});
    ASSERT_EQ(updated.exit_code, 0) << show(updated);
    auto list = varde("oscar", {"org", "list"});
    ASSERT_EQ(list.exit_code, 0) << show(list);
    EXPECT_TRUE(contains(list.out, "skog")) << list.out;
    auto orgs = json::parse(varde("oscar", {"org", "list", "--json"}).out)["organisations"];
    auto skog = std::find_if(orgs.begin(), orgs.end(), [](json const& o) { return o["slug"] == "skog"; });
    ASSERT_NE(skog, orgs.end());
    EXPECT_EQ((*skog)["trusted"], true);
    EXPECT_EQ((*skog)["sectors"], json({"energy", "finance"}));
    EXPECT_EQ(varde("oscar", {"org", "update", "nowhere", "--trusted"}).exit_code, 6);
}

TEST_F(CliOperator, PrincipalEnrolUseAndRevoke) {
    auto cert = make_client_certificate("cli-enrolled", "Havn Logistikk AS");
    auto enrolled = varde("oscar", {"principal", "enrol", "--org", "havn", "--name", "cli-enrolled", "--cert-file",
                                    cert.certificate_file, "--kind", "service"});
    ASSERT_EQ(enrolled.exit_code, 0) << show(enrolled);
    EXPECT_TRUE(contains(enrolled.out, cert.fingerprint)) << enrolled.out;

    auto env = env_for("");
    env["VARDE_URL"] = url();
    env["VARDE_CERT"] = cert.certificate_file;
    env["VARDE_KEY"] = cert.private_key_file;
    env["VARDE_CA"] = pki_dir() + "/member-ca.pem";
    auto me = varde_with(env, {"whoami"});
    EXPECT_EQ(me.exit_code, 0) << show(me);
    EXPECT_TRUE(contains(me.out, "cli-enrolled (member, service, active)")) << me.out;

    auto revoked = varde("oscar", {"principal", "revoke", "--cert-file", cert.certificate_file});
    ASSERT_EQ(revoked.exit_code, 0) << show(revoked);
    auto refused = varde_with(env, {"whoami"});
    EXPECT_EQ(refused.exit_code, 5) << show(refused);
    EXPECT_TRUE(contains(refused.err, "revoked")) << refused.err;
    EXPECT_EQ(varde("oscar", {"principal", "revoke", std::string(64, 'a')}).exit_code, 6);
    EXPECT_EQ(varde("oscar", {"principal", "revoke"}).exit_code, 2);
}

TEST_F(CliOperator, AuditListsAndVerifiesTheChainOnTheClient) {
    publish_as("alice", report("Audited"));
    auto list = varde("oscar", {"audit", "--action", "report.published"});
    ASSERT_EQ(list.exit_code, 0) << show(list);
    EXPECT_TRUE(contains(list.out, "report.published")) << list.out;

    auto intact = varde("oscar", {"audit", "--verify"});
    EXPECT_EQ(intact.exit_code, 0) << show(intact);
    EXPECT_TRUE(contains(intact.out, "audit chain intact: ")) << intact.out;

    db_->exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
              "UPDATE audit_log SET detail = '{\"forged\": true}' WHERE seq = 4;"
              "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;");
    auto broken = varde("oscar", {"audit", "--verify"});
    EXPECT_EQ(broken.exit_code, 1) << show(broken);
    EXPECT_TRUE(contains(broken.out, "BROKEN at entry 4")) << broken.out;
}

}  // namespace
}  // namespace varde::test

// `varde-node audit verify`, the real binary, on an intact and on a tampered log.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "test_database.hpp"
#include "test_node.hpp"

namespace varde::test {
namespace {

struct run_result {
    int exit_code;
    std::string output;
};

run_result verify_audit(std::string const& database_url) {
    std::string command = std::string(VARDE_NODE_BINARY) + " audit verify --database-url '" + database_url + "' 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    std::array<char, 256> buf{};
    while (pipe && fgets(buf.data(), buf.size(), pipe)) out += buf.data();
    int status = pipe ? pclose(pipe) : -1;
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(AuditCli, VerifyPassesOnAnIntactChainAndNamesTheTamperedEntry) {
    test_database db;
    seed_examples(db.url());  // nine audited acts
    auto intact = verify_audit(db.url());
    EXPECT_EQ(intact.exit_code, 0) << intact.output;
    EXPECT_NE(intact.output.find("intact: 9 entries"), std::string::npos) << intact.output;

    db.exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
            "UPDATE audit_log SET detail = '{\"forged\": true}' WHERE seq = 5;"
            "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;");
    auto broken = verify_audit(db.url());
    EXPECT_EQ(broken.exit_code, 1);
    EXPECT_NE(broken.output.find("BROKEN at entry 5"), std::string::npos) << broken.output;
}

}  // namespace
}  // namespace varde::test

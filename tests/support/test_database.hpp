#pragma once
// A fresh database on the tests' private PostgreSQL cluster (started by the CTest fixture),
// migrated on request and dropped when the object goes away.
#include <string>

namespace varde::test {

std::string admin_url();  // the cluster's 'postgres' database

class test_database {
public:
    explicit test_database(bool migrated = true);
    ~test_database();
    test_database(test_database const&) = delete;
    test_database& operator=(test_database const&) = delete;

    std::string const& url() const { return url_; }
    std::string const& name() const { return name_; }
    // Runs SQL in its own transaction (tamper tests, fixtures).
    void exec(std::string const& sql) const;

private:
    std::string name_;
    std::string url_;
};

}  // namespace varde::test

#pragma once
// A GoogleTest fixture base for end-to-end suites: one fresh database, seeded with the
// example members, and one node over mutual TLS, shared by every test of the suite.
//   class Reports : public node_suite<Reports> { ... };
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "test_database.hpp"
#include "test_node.hpp"

namespace varde::test {

template <typename Suite>
class node_suite : public ::testing::Test {
protected:
    // A failure here must fail every test of the suite, not skip them silently.
    static void SetUpTestSuite() {
        try {
            db_ = new test_database();
            seed_examples(db_->url());
            node_ = new test_node(node_config_for(db_->url()));
        } catch (std::exception const& e) {
            setup_error_ = e.what();
        }
    }
    static void TearDownTestSuite() {
        delete node_;
        delete db_;
        node_ = nullptr;
        db_ = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << "suite set-up failed: " << setup_error_; }

    // One request on a new connection as `who`; a body is sent as JSON.
    static client::reply call(std::string const& who, std::string const& method, std::string const& path,
                              std::string const& body = {}, std::map<std::string, std::string> headers = {}) {
        if (!body.empty()) headers.emplace("Content-Type", "application/json");
        return node_->connect(who)->request(method, path, body, headers);
    }

    static inline test_database* db_ = nullptr;
    static inline test_node* node_ = nullptr;
    static inline std::string setup_error_;
};

}  // namespace varde::test

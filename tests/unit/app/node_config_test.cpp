#include "app/node_config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace varde::app {
namespace {

TEST(NodeConfig, DefaultsAreValid) {
    auto r = load_node_config("", {}, {});
    ASSERT_TRUE(r.config);
    EXPECT_EQ(r.config->listen_address, "127.0.0.1");
    EXPECT_EQ(r.config->limits.body_limit, 1u << 20);
}

TEST(NodeConfig, FlagsOverrideEnvironmentOverrideFile) {
    std::string file = ::testing::TempDir() + "/varde-config-test.json";
    std::ofstream(file) << R"({"port": 9000, "idle_timeout_s": 40, "body_limit": 4096})";
    auto r = load_node_config(file, {{"VARDE_PORT", "9100"}, {"VARDE_IDLE_TIMEOUT_S", "50"}, {"VARDE_URL", "ignored"}},
                              {{"port", "9200"}});
    ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors.front());
    EXPECT_EQ(r.config->port, 9200);
    EXPECT_EQ(r.config->limits.idle_timeout, std::chrono::seconds(50));
    EXPECT_EQ(r.config->limits.body_limit, 4096u);
    std::remove(file.c_str());
}

TEST(NodeConfig, StreamLimitsAreSettableAndBounded) {
    auto r = load_node_config("", {{"VARDE_STREAM_QUEUE_EVENTS", "64"}},
                              {{"stream-queue-bytes", "65536"}, {"stream-send-buffer", "0"}, {"stream-heartbeat-s", "2"},
                               {"event-retention-days", "7"}, {"stream-memory-events", "100"}});
    ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors.front());
    EXPECT_EQ(r.config->stream.queue_events, 64u);
    EXPECT_EQ(r.config->stream.queue_bytes, 65536u);
    EXPECT_EQ(r.config->stream.send_buffer, 0u);
    EXPECT_EQ(r.config->stream.heartbeat, std::chrono::seconds(2));
    EXPECT_EQ(r.config->event_retention_days, 7);
    EXPECT_EQ(r.config->stream_memory_events, 100u);
    auto bad = load_node_config("", {}, {{"stream-queue-events", "0"}, {"stream-message-max", "10"}});
    EXPECT_FALSE(bad.config);
    EXPECT_EQ(bad.errors.size(), 2u);
}

TEST(NodeConfig, EveryErrorNamesItsKey) {
    auto r = load_node_config("", {{"VARDE_PORT", "99999"}}, {{"body-limit", "12"}, {"no_such_key", "1"}, {"log-level", "loud"}});
    EXPECT_FALSE(r.config);
    ASSERT_EQ(r.errors.size(), 4u);
    auto joined = r.errors[0] + r.errors[1] + r.errors[2] + r.errors[3];
    EXPECT_NE(joined.find("'port'"), std::string::npos);
    EXPECT_NE(joined.find("'body_limit'"), std::string::npos);
    EXPECT_NE(joined.find("'no_such_key'"), std::string::npos);
    EXPECT_NE(joined.find("'log_level'"), std::string::npos);
}

TEST(NodeConfig, UnreadableOrNonObjectFileIsAnError) {
    EXPECT_FALSE(load_node_config("/nonexistent/varde.json", {}, {}).config);
    std::string file = ::testing::TempDir() + "/varde-config-array.json";
    std::ofstream(file) << "[1,2]";
    EXPECT_FALSE(load_node_config(file, {}, {}).config);
    std::remove(file.c_str());
}

}  // namespace
}  // namespace varde::app

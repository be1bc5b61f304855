// varde-bench's client side of WebSocket (src/ws_client_frames): the node's frames split and
// reassembled from reads of any size, the errors it must refuse, the client's masked control
// frames, and the upgrade's answer checked against RFC 6455's example.
#include "ws_client_frames.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace varde::bench::ws {
namespace {

struct recorder {
    std::vector<std::string> messages, pings;
    std::vector<std::pair<int, std::string>> closes;
    void on_message(std::string_view s) { messages.emplace_back(s); }
    void on_ping(std::string_view s) { pings.emplace_back(s); }
    void on_close(close_reason r) { closes.emplace_back(r.code, std::string(r.reason)); }
};

// A frame as the node sends it: unmasked, the length in its shortest form.
std::string server_frame(bool fin, int op, std::string const& payload) {
    std::string f;
    f.push_back(static_cast<char>((fin ? 0x80 : 0) | op));
    auto n = payload.size();
    if (n < 126) {
        f.push_back(static_cast<char>(n));
    } else if (n < 65536) {
        f.push_back(static_cast<char>(126));
        f.push_back(static_cast<char>(n >> 8));
        f.push_back(static_cast<char>(n & 255));
    } else {
        f.push_back(static_cast<char>(127));
        for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((n >> (8 * i)) & 255));
    }
    return f + payload;
}

TEST(MessageReader, ReassemblesMessagesFromReadsOfAnySize) {
    std::mt19937 rng(1);
    std::string big(70000, 'x');
    for (auto& c : big) c = static_cast<char>('a' + rng() % 26);
    std::string mid(1500, 'm');
    auto stream = server_frame(true, 1, "hello") + server_frame(true, 9, "pp") + server_frame(false, 1, "frag1-") +
                  server_frame(true, 9, "p2") + server_frame(false, 0, "frag2-") + server_frame(true, 0, "frag3") +
                  server_frame(true, 1, mid) + server_frame(true, 2, big) + server_frame(true, 1, "") +
                  server_frame(true, 10, "pong") + server_frame(true, 8, std::string("\x0f\xa0", 2) + "bye") +
                  server_frame(true, 1, "after");
    for (int trial = 0; trial < 500; ++trial) {
        message_reader r(1 << 20);
        recorder h;
        std::size_t at = 0;
        bool go = true;
        while (go && at < stream.size()) {
            std::size_t n = trial == 0 ? stream.size() : 1 + rng() % (trial % 3 == 0 ? 3 : 5000);
            n = std::min(n, stream.size() - at);
            go = r.feed(std::string_view(stream).substr(at, n), h);
            at += n;
        }
        ASSERT_FALSE(go) << "trial " << trial << ": reading must end at the close";
        ASSERT_TRUE(r.error().empty()) << r.error();
        ASSERT_EQ(h.messages, (std::vector<std::string>{"hello", "frag1-frag2-frag3", mid, big, ""})) << trial;
        ASSERT_EQ(h.pings, (std::vector<std::string>{"pp", "p2"}));
        ASSERT_EQ(h.closes, (std::vector<std::pair<int, std::string>>{{4000, "bye"}}));
    }
}

TEST(MessageReader, RefusesWhatAServerMustNotSend) {
    auto refused = [](std::string const& bytes, std::uint64_t max = 1 << 20) {
        message_reader r(max);
        recorder h;
        return !r.feed(bytes, h) && !r.error().empty();
    };
    auto masked = server_frame(true, 1, "x");
    masked[1] = static_cast<char>(masked[1] | 0x80);
    auto reserved = server_frame(true, 1, "x");
    reserved[0] = static_cast<char>(reserved[0] | 0x40);
    EXPECT_TRUE(refused(masked));
    EXPECT_TRUE(refused(reserved));
    EXPECT_TRUE(refused(server_frame(true, 0, "x")));   // a continuation outside a message
    EXPECT_TRUE(refused(server_frame(false, 9, "x")));  // a fragmented ping
    EXPECT_TRUE(refused(server_frame(true, 3, "x")));   // an unknown opcode
    EXPECT_TRUE(refused(server_frame(true, 1, std::string(200, 'a')), 100));
}

TEST(ControlFrames, AreMaskedWithTheGivenKey) {
    auto pong = control_frame(opcode::pong, "abc", 0x01020304);
    ASSERT_EQ(pong.size(), 9u);
    EXPECT_EQ(static_cast<unsigned char>(pong[0]), 0x8A);
    EXPECT_EQ(static_cast<unsigned char>(pong[1]), 0x83);
    EXPECT_EQ(pong[6] ^ 1, 'a');
    EXPECT_EQ(pong[7] ^ 2, 'b');
    EXPECT_EQ(pong[8] ^ 3, 'c');
    EXPECT_EQ(close_payload(1000), std::string("\x03\xe8", 2));
}

TEST(Upgrade, ChecksTheAnswerAgainstTheKey) {
    std::string key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3
    std::string ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "sec-websocket-accept:  s3pPLMBiTxaQ9kYGzzhZRbK+xOo= \r\n\r\n";
    EXPECT_EQ(header_end(ok), ok.size());
    EXPECT_EQ(header_end(ok.substr(0, ok.size() - 1)), std::string::npos);
    EXPECT_TRUE(check_upgrade(ok, key).empty());
    EXPECT_FALSE(check_upgrade(ok, "AAAAAAAAAAAAAAAAAAAAAA==").empty());
    EXPECT_EQ(check_upgrade("HTTP/1.1 403 Forbidden\r\n\r\n", key), "HTTP/1.1 403 Forbidden");
    auto fresh = make_key();
    EXPECT_EQ(fresh.size(), 24u);
    EXPECT_NE(upgrade_request("localhost", "/v1/stream", fresh).find("Sec-WebSocket-Key: " + fresh), std::string::npos);
}

}  // namespace
}  // namespace varde::bench::ws

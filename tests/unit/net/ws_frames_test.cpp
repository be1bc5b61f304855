// The stream's WebSocket framing (net/ws_frames): frames the node writes, the handshake's
// accept key, and the reader of what subscribers send, fed whole and a byte at a time.
#include "net/ws_frames.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace varde::net::ws {
namespace {

using event = frame_reader::event;

constexpr std::array<unsigned char, 4> test_mask{0x37, 0xfa, 0x21, 0x3d};

// A frame as a client sends it: masked, with the length in its shortest form unless told.
std::string client_frame(std::uint8_t first_byte, std::string const& payload, bool masked = true) {
    std::string f;
    f.push_back(static_cast<char>(first_byte));
    auto n = payload.size();
    std::uint8_t mask_bit = masked ? 0x80 : 0;
    if (n < 126) {
        f.push_back(static_cast<char>(mask_bit | n));
    } else if (n <= 0xffff) {
        f.push_back(static_cast<char>(mask_bit | 126));
        f.push_back(static_cast<char>(n >> 8));
        f.push_back(static_cast<char>(n & 0xff));
    } else {
        f.push_back(static_cast<char>(mask_bit | 127));
        for (int shift = 56; shift >= 0; shift -= 8) f.push_back(static_cast<char>((n >> shift) & 0xff));
    }
    if (!masked) return f + payload;
    for (auto m : test_mask) f.push_back(static_cast<char>(m));
    for (std::size_t i = 0; i < n; ++i)
        f.push_back(static_cast<char>(static_cast<unsigned char>(payload[i]) ^ test_mask[i % 4]));
    return f;
}

constexpr std::uint8_t fin = 0x80;
constexpr std::uint8_t text = 0x01, binary = 0x02, continuation = 0x00, close_op = 0x08, ping = 0x09, pong = 0x0a;

// What a reader reports for `bytes`, the events in order (need_more left out), given in
// pieces of `piece` bytes.
struct seen {
    std::vector<event> events;
    std::vector<std::string> payloads;
};

seen feed(frame_reader& r, std::string const& bytes, std::size_t piece) {
    seen s;
    for (std::size_t at = 0; at < bytes.size();) {
        std::string_view chunk(bytes.data() + at, std::min(piece, bytes.size() - at));
        at += chunk.size();
        while (!chunk.empty()) {
            auto step = r.read(chunk);
            chunk.remove_prefix(step.used);
            if (step.what == event::need_more) break;
            s.events.push_back(step.what);
            s.payloads.emplace_back(r.payload());
            if (step.what == event::failed) return s;
        }
    }
    return s;
}

class FrameReader : public ::testing::TestWithParam<std::size_t> {};  // the piece size

TEST_P(FrameReader, AnswersPingsWithTheirPayloadAndDropsData) {
    frame_reader r(4096);
    auto bytes = client_frame(fin | text, std::string(300, 'x')) + client_frame(fin | ping, "are you there") +
                 client_frame(fin | binary, "") + client_frame(fin | pong, "") +
                 client_frame(fin | ping, std::string(125, 'p'));
    auto s = feed(r, bytes, GetParam());
    ASSERT_EQ(s.events, (std::vector{event::ping, event::pong, event::ping}));
    EXPECT_EQ(s.payloads[0], "are you there");
    EXPECT_EQ(s.payloads[2], std::string(125, 'p'));
}

TEST_P(FrameReader, ReadsACloseWithItsCode) {
    frame_reader r(4096);
    auto s = feed(r, client_frame(fin | close_op, close_payload(4321, "bye")), GetParam());
    ASSERT_EQ(s.events, std::vector{event::close});
    EXPECT_EQ(r.peer_close_code(), 4321);
    EXPECT_EQ(s.payloads[0].substr(2), "bye");
}

TEST_P(FrameReader, ACloseWithoutACodeHasCodeZero) {
    frame_reader r(4096);
    auto s = feed(r, client_frame(fin | close_op, ""), GetParam());
    ASSERT_EQ(s.events, std::vector{event::close});
    EXPECT_EQ(r.peer_close_code(), 0);
}

TEST_P(FrameReader, AllowsControlFramesBetweenTheFragmentsOfAMessage) {
    frame_reader r(4096);
    auto bytes = client_frame(text, "one ") + client_frame(fin | ping, "p") + client_frame(continuation, "two ") +
                 client_frame(fin | continuation, "three") + client_frame(fin | text, "next");
    auto s = feed(r, bytes, GetParam());
    EXPECT_EQ(s.events, std::vector{event::ping});
}

TEST_P(FrameReader, CountsAMessageOverAllItsFragmentsAgainstTheLimit) {
    frame_reader r(100);
    auto within = client_frame(text, std::string(50, 'a')) + client_frame(fin | continuation, std::string(50, 'b'));
    EXPECT_TRUE(feed(r, within, GetParam()).events.empty());  // exactly the limit: fine
    auto over = client_frame(text, std::string(60, 'a')) + client_frame(fin | continuation, std::string(41, 'b'));
    auto s = feed(r, over, GetParam());
    ASSERT_EQ(s.events, std::vector{event::failed});
    EXPECT_EQ(r.fail_code(), close_too_big);
    EXPECT_EQ(r.read("anything").what, event::failed);  // and it stays failed
}

TEST_P(FrameReader, RefusesAMessageOverTheLimitFromItsHeaderAlone) {
    frame_reader r(4096);
    auto header = client_frame(fin | binary, std::string(70000, 'z')).substr(0, 14);  // the payload never comes
    auto s = feed(r, header, GetParam());
    ASSERT_EQ(s.events, std::vector{event::failed});
    EXPECT_EQ(r.fail_code(), close_too_big);
}

INSTANTIATE_TEST_SUITE_P(PieceSizes, FrameReader, ::testing::Values(1, 3, 64, 1 << 20));

struct broken_case {
    char const* name;
    std::string bytes;
};

class BrokenFrames : public ::testing::TestWithParam<broken_case> {};

TEST_P(BrokenFrames, FailWithAProtocolError) {
    frame_reader r(1 << 20);
    auto s = feed(r, GetParam().bytes, 1);
    ASSERT_EQ(s.events, std::vector{event::failed}) << GetParam().name;
    EXPECT_EQ(r.fail_code(), close_protocol_error);
    EXPECT_FALSE(r.fail_reason().empty());
}

std::string with_length_bytes(std::uint8_t length7, std::vector<std::uint8_t> length) {
    std::string f{static_cast<char>(fin | binary), static_cast<char>(0x80 | length7)};
    for (auto b : length) f.push_back(static_cast<char>(b));
    return f + "mask";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BrokenFrames,
    ::testing::Values(broken_case{"unmasked", client_frame(fin | text, "hello", false)},
                      broken_case{"reserved bit", client_frame(fin | 0x40 | text, "hello")},
                      broken_case{"unknown opcode", client_frame(fin | 0x03, "hello")},
                      broken_case{"fragmented ping", client_frame(ping, "p")},
                      broken_case{"ping over 125 bytes", client_frame(fin | ping, std::string(126, 'p'))},
                      broken_case{"continuation first", client_frame(fin | continuation, "x")},
                      broken_case{"new message inside one", client_frame(text, "a") + client_frame(fin | text, "b")},
                      broken_case{"close of one byte", client_frame(fin | close_op, "x")},
                      broken_case{"close code 1005", client_frame(fin | close_op, close_payload(1005, ""))},
                      broken_case{"close code 999", client_frame(fin | close_op, close_payload(999, ""))},
                      broken_case{"16-bit length under 126", with_length_bytes(126, {0, 100})},
                      broken_case{"64-bit length under 65536", with_length_bytes(127, {0, 0, 0, 0, 0, 0, 0xff, 0xff})},
                      broken_case{"64-bit length with the top bit", with_length_bytes(127, {0x80, 0, 0, 0, 0, 0, 0, 1})}),
    [](::testing::TestParamInfo<broken_case> const& c) {
        std::string n = c.param.name;
        for (auto& ch : n) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
        return n;
    });

TEST(FrameWriter, UsesTheShortestLengthAndSetsFin) {
    auto header_of = [](std::size_t n) {
        std::string out;
        append_frame(out, opcode::text, std::string(n, 'x'));
        EXPECT_EQ(out.size() - n, n < 126 ? 2u : n <= 0xffff ? 4u : 10u) << n;
        return out.substr(0, out.size() - n);
    };
    EXPECT_EQ(header_of(0), std::string("\x81\x00", 2));
    EXPECT_EQ(header_of(125), "\x81\x7d");
    EXPECT_EQ(header_of(126), std::string("\x81\x7e\x00\x7e", 4));
    EXPECT_EQ(header_of(65535), "\x81\x7e\xff\xff");
    EXPECT_EQ(header_of(65536), std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
}

TEST(FrameWriter, FramesAppendOneAfterAnother) {
    std::string out;
    append_frame(out, opcode::text, "ab");
    append_frame(out, opcode::ping, "");
    append_frame(out, opcode::close, close_payload(4000, std::string(200, 'r')));
    EXPECT_EQ(out.substr(0, 6), std::string("\x81\x02" "ab" "\x89\x00", 6));
    EXPECT_EQ(out.substr(6, 4), std::string("\x88\x7d\x0f\xa0", 4));  // the reason cut to 123 bytes
    EXPECT_EQ(out.size(), 6u + 2u + 125u);
}

TEST(Handshake, AcceptKeyIsTheRfcExample) {
    EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");  // RFC 6455 §1.3
}

TEST(Handshake, ClientKeyIsTheBase64OfSixteenBytes) {
    EXPECT_TRUE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ=="));
    EXPECT_FALSE(is_valid_client_key(""));
    EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ="));
    EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ=A"));
    EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25j*Q=="));
}

}  // namespace
}  // namespace varde::net::ws

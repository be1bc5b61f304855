#include "wire/cursor.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

namespace varde::wire {
namespace {

// A stand-in keyed hash for tests: deterministic, different per key, 64 hex characters.
class fake_mac final : public domain::keyed_hash {
public:
    explicit fake_mac(std::string key) : key_(std::move(key)) {}
    std::string hex_mac(std::string_view message) const override {
        std::string out;
        for (int i = 0; i < 4; ++i) {
            char buf[17];
            std::snprintf(buf, sizeof buf, "%016zx", std::hash<std::string>{}(key_ + std::to_string(i) + std::string(message)));
            out += buf;
        }
        return out;
    }

private:
    std::string key_;
};

TEST(Cursor, RoundTripsWithoutShowingThePosition) {
    fake_mac mac("node-secret");
    auto a = encode_cursor(123456, mac);
    auto b = encode_cursor(123456, mac);
    EXPECT_NE(a, b);  // a fresh nonce each time: equal positions are not recognisable
    EXPECT_EQ(decode_cursor(a, mac), 123456);
    EXPECT_EQ(decode_cursor(b, mac), 123456);
    EXPECT_EQ(a.find("123456"), std::string::npos);
}

TEST(Cursor, RefusesForgedOrForeignCursors) {
    fake_mac mac("node-secret"), other("another-node");
    auto c = encode_cursor(42, mac);
    EXPECT_FALSE(decode_cursor(c, other));
    auto flipped = c;
    flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(decode_cursor(flipped, mac));
    EXPECT_FALSE(decode_cursor("", mac));
    EXPECT_FALSE(decode_cursor("djE6NDI", mac));  // the old plain "v1:42"
}

}  // namespace
}  // namespace varde::wire

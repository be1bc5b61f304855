// skim_page, the list scenario's reading of a page, against nlohmann::json on the same texts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "page_skim.hpp"

namespace varde::bench {
namespace {

using nlohmann::json;

// A page shaped like the node's: items with nested objects, arrays, escapes, non-ASCII text,
// numbers of every form, and members after the items.
json page_of(std::size_t n, json cursor) {
    json items = json::array();
    for (std::size_t i = 0; i < n; ++i) {
        items.push_back({{"id", "r-" + std::to_string(i)},
                         {"tlp", "AMBER"},
                         {"title", "Phishing \"wave\" \\ tab\t line\n caf\u00e9 \u2603"},
                         {"items", json::array({1, 2, 3})},  // an "items" below the top is not counted
                         {"indicators", json::array({{{"type", "ipv4"}, {"value", "192.0.2.1"}}})},
                         {"score", -12.5e-3},
                         {"count", i},
                         {"flags", {{"a", true}, {"b", false}, {"c", nullptr}}},
                         {"empty", json::object()},
                         {"none", json::array()}});
    }
    return {{"items", items}, {"next_cursor", cursor}, {"count_hint", n}};
}

TEST(PageSkim, CountsTheItemsAndTakesTheCursorOfAPageLikeTheNodes) {
    for (std::size_t n : {0u, 1u, 7u, 100u}) {
        for (int indent : {-1, 2}) {
            auto text = page_of(n, "c/" + std::to_string(n)).dump(indent);
            auto got = skim_page(text);
            EXPECT_TRUE(got.saw_items);
            EXPECT_TRUE(got.saw_cursor);
            EXPECT_EQ(got.items, n) << text.substr(0, 200);
            ASSERT_TRUE(got.cursor.has_value());
            EXPECT_EQ(*got.cursor, "c/" + std::to_string(n));
        }
    }
}

TEST(PageSkim, ANullCursorIsTheEndOfThePages) {
    auto got = skim_page(page_of(3, nullptr).dump());
    EXPECT_TRUE(got.saw_cursor);
    EXPECT_FALSE(got.cursor.has_value());
    EXPECT_EQ(got.items, 3u);
}

TEST(PageSkim, TheCursorsEscapesAreDecoded) {
    auto got = skim_page(R"({"next_cursor":"a\/b\u0041\"\\","items":[]})");
    ASSERT_TRUE(got.cursor.has_value());
    EXPECT_EQ(*got.cursor, "a/bA\"\\");
    EXPECT_EQ(got.items, 0u);
}

TEST(PageSkim, APageWithoutItemsOrCursorSaysSo) {
    auto got = skim_page(R"({"title":"Not Found","status":404,"items":{"a":1}})");
    EXPECT_FALSE(got.saw_items);  // "items" is not an array
    EXPECT_FALSE(got.saw_cursor);
}

TEST(PageSkim, ACursorThatIsNeitherStringNorNullIsRefused) {
    EXPECT_THROW(skim_page(R"({"items":[],"next_cursor":5})"), std::runtime_error);
    EXPECT_THROW(skim_page(R"({"items":[],"next_cursor":["x"]})"), std::runtime_error);
}

TEST(PageSkim, EveryTruncationOfAPageIsRefused) {
    auto text = page_of(3, "end").dump();
    for (std::size_t len = 0; len < text.size(); ++len) {
        auto part = text.substr(0, len);
        EXPECT_THROW(skim_page(part), std::runtime_error) << "length " << len;
        EXPECT_FALSE(json::accept(part)) << "length " << len;  // the reference agrees
    }
}

TEST(PageSkim, AcceptsExactlyWhatNlohmannAccepts) {
    std::vector<std::string> texts = {
        R"({})",
        R"( { "items" : [ ] , "next_cursor" : null } )",
        R"({"items":[1,-0,0.5,1e5,1E+5,-1.25e-7,true,false,null,"s",{},[]],"next_cursor":"x"})",
        R"({"a":"\u00e9\ud83d\ude00\b\f\n\r\t"})",
        R"({"items":[1,]})",          // trailing comma
        R"({"items":[1 2]})",         // missing comma
        R"({"items" [1]})",           // missing colon
        R"({"a":"\x"})",              // unknown escape
        R"({"a":"\u12"})",            // short \u escape
        "{\"a\":\"tab\there\"}",      // raw control character
        R"({"a":01})",                // leading zero
        R"({"a":-})",                 // bare minus
        R"({"a":1.})",                // no digits after the point
        R"({"a":1e})",                // no exponent digits
        R"({"a":tru})",               // bad literal
        R"({"a":nul})",
        R"({"a":1}})",                // text after the object
        R"({"a":1} x)",
        R"({a:1})",                   // unquoted name
        R"({"a":'x'})",               // single quotes
        R"({"a":[1,{"b":[2,{"c":3}]}]})",
        R"({"a":"unterminated})",
        R"({"a":1,})",
        R"({,"a":1})",
    };
    for (auto const& t : texts) {
        bool skim_ok = true;
        try {
            skim_page(t);
        } catch (std::runtime_error const&) {
            skim_ok = false;
        }
        EXPECT_EQ(skim_ok, json::accept(t)) << t;
    }
}

TEST(PageSkim, OnlyAnObjectIsAPage) {
    for (auto t : {"[]", "\"x\"", "1", "null", ""}) EXPECT_THROW(skim_page(t), std::runtime_error) << t;
}

TEST(PageSkim, NestingDeeperThanTheLimitIsRefused) {
    std::string deep = R"({"a":)" + std::string(10, '[') + std::string(10, ']') + "}";
    EXPECT_NO_THROW(skim_page(deep, 11));
    EXPECT_THROW(skim_page(deep, 10), std::runtime_error);
}

}  // namespace
}  // namespace varde::bench

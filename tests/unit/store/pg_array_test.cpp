#include <gtest/gtest.h>

#include "store/tx.hpp"

namespace varde::store {
namespace {

TEST(PgArray, RoundTripsAwkwardText) {
    std::vector<std::string> items{"plain", "with space", "quote\"inside", "back\\slash", "comma,here", "", "{braces}"};
    // PostgreSQL prints arrays the way parse_pg_array reads them: quoting where needed.
    EXPECT_EQ(parse_pg_array(to_pg_array(items)), items);
}

TEST(PgArray, ParsesUnquotedElementsAndEmpty) {
    EXPECT_EQ(parse_pg_array("{}"), std::vector<std::string>{});
    EXPECT_EQ(parse_pg_array("{energy,finance}"), (std::vector<std::string>{"energy", "finance"}));
    EXPECT_EQ(parse_pg_array("{\"a b\",c}"), (std::vector<std::string>{"a b", "c"}));
}

TEST(PgArray, RefusesNonArrays) { EXPECT_ANY_THROW(parse_pg_array("energy")); }

}  // namespace
}  // namespace varde::store

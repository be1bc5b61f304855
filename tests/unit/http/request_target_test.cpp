#include <gtest/gtest.h>

#include "http/request_context.hpp"
#include "http/router.hpp"

namespace varde::http {
namespace {

TEST(RequestTarget, SplitsAndDecodesPathAndQuery) {
    auto t = parse_target("/v1/reports?tlp=AMBER%2BSTRICT&q=a+b&empty=");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->path, "/v1/reports");  // the path is kept encoded; see DecodesParametersAfterSplitting
    EXPECT_EQ(t->query.at("tlp"), "AMBER+STRICT");
    EXPECT_EQ(t->query.at("q"), "a b");
    EXPECT_EQ(t->query.at("empty"), "");
}

TEST(RequestTarget, RefusesMalformedTargets) {
    EXPECT_FALSE(parse_target(""));
    EXPECT_FALSE(parse_target("v1/whoami"));       // not origin-form
    EXPECT_FALSE(parse_target("/v1/%zz"));         // bad escape
    EXPECT_FALSE(parse_target("/v1/%4"));          // truncated escape
    EXPECT_FALSE(parse_target("/v1/a%00b"));       // NUL
}

TEST(RoutePattern, MatchesParametersAndExactSegments) {
    std::map<std::string, std::string> params;
    EXPECT_TRUE(match_pattern("/v1/reports/{id}", "/v1/reports/abc", params));
    EXPECT_EQ(params.at("id"), "abc");
    EXPECT_FALSE(match_pattern("/v1/reports/{id}", "/v1/reports/", params));
    EXPECT_FALSE(match_pattern("/v1/reports/{id}", "/v1/reports/a/b", params));
    EXPECT_FALSE(match_pattern("/v1/whoami", "/v1/whoami/x", params));
    EXPECT_TRUE(match_pattern("/v1/whoami", "/v1/whoami", params));
}

}  // namespace
}  // namespace varde::http

namespace varde::http {
namespace {

TEST(RoutePattern, DecodesParametersAfterSplitting) {
    auto t = parse_target("/v1/indicators/url/https%3A%2F%2Fevil.example%2Fx");
    ASSERT_TRUE(t);
    std::map<std::string, std::string> params;
    ASSERT_TRUE(match_pattern("/v1/indicators/{type}/{value}", t->path, params));
    EXPECT_EQ(params.at("type"), "url");
    EXPECT_EQ(params.at("value"), "https://evil.example/x");
}

}  // namespace
}  // namespace varde::http

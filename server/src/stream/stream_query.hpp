#pragma once
// The query of GET /v1/stream and GET /v1/events: where to start and what to receive.
// Every bad parameter is collected, each named, as for every other request.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/pseudonym.hpp"
#include "domain/validation.hpp"
#include "stream/filter.hpp"

namespace varde::stream {

struct stream_query {
    std::optional<std::int64_t> since;  // none: from now
    stream::filter filter;
    std::size_t limit = 100;  // polling only
};

struct parsed_stream_query {
    stream_query query;
    std::vector<domain::field_error> errors;
};

// `allow_limit`: polling takes a page size, a stream does not. Lists are comma-separated
// ("category=phishing,ransomware").
parsed_stream_query parse_stream_query(std::map<std::string, std::string> const& params, bool allow_limit,
                                       std::size_t max_limit, domain::keyed_hash const& cursor_key);

}  // namespace varde::stream

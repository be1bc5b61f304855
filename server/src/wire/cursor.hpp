#pragma once
// Opaque page cursors. The position is masked with a pad derived from the node's secret and
// a random nonce, and tagged, so a cursor reveals neither the position nor how many reports
// lie between two cursors (SPEC §4: reports a reader may not see never show, even as
// counts), and a forged cursor is refused.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/pseudonym.hpp"

namespace varde::wire {

std::string encode_cursor(std::int64_t position, domain::keyed_hash const& mac);
std::optional<std::int64_t> decode_cursor(std::string_view cursor, domain::keyed_hash const& mac);

}  // namespace varde::wire

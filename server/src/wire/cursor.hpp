#pragma once
// Opaque page cursors: clients pass them back unchanged and must not build them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace varde::wire {

std::string encode_cursor(std::int64_t position);
std::optional<std::int64_t> decode_cursor(std::string_view cursor);

}  // namespace varde::wire

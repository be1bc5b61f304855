#include "util/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace varde::log {

namespace {

std::atomic<level> min_level{level::info};

std::string_view name(level l) {
    switch (l) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
    }
    return "info";
}

void append_timestamp(std::string& out) {
    auto now = std::chrono::system_clock::now();
    auto secs = std::chrono::system_clock::to_time_t(now);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(micros));
    out += buf;
}

void append_value(std::string& out, value const& v) {
    if (auto s = std::get_if<std::string_view>(&v)) return append_json_string(out, *s);
    if (auto i = std::get_if<std::int64_t>(&v)) { out += std::to_string(*i); return; }
    if (auto b = std::get_if<bool>(&v)) { out += *b ? "true" : "false"; return; }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", std::get<double>(v));
    out += buf;
}

}  // namespace

void set_min_level(level l) { min_level = l; }

std::optional<level> parse_level(std::string_view text) {
    for (auto l : {level::debug, level::info, level::warn, level::error})
        if (text == name(l)) return l;
    return std::nullopt;
}

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (unsigned char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

void write(level l, std::string_view event, std::initializer_list<field> fields) {
    if (l < min_level.load(std::memory_order_relaxed)) return;
    std::string line = "{\"ts\":\"";
    append_timestamp(line);
    line += "\",\"level\":\"";
    line += name(l);
    line += "\",\"event\":";
    append_json_string(line, event);
    for (auto const& f : fields) {
        line += ',';
        append_json_string(line, f.key);
        line += ':';
        append_value(line, f.val);
    }
    line += "}\n";
    std::fwrite(line.data(), 1, line.size(), stderr);  // one call: lines from threads don't interleave
}

}  // namespace varde::log

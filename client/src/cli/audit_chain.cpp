#include "cli/audit_chain.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "cli/certificate.hpp"

namespace varde::cli {

namespace {

// PostgreSQL's escape_json.
std::string jsonb_string(std::string const& s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string field(nlohmann::json const& entry, char const* name) {
    auto it = entry.find(name);
    if (it == entry.end() || it->is_null()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

std::string jsonb_text(nlohmann::json const& value) {
    if (value.is_string()) return jsonb_string(value.get<std::string>());
    if (value.is_array()) {
        std::string out = "[";
        for (std::size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + jsonb_text(value[i]);
        return out + "]";
    }
    if (value.is_object()) {
        std::vector<std::string> keys;
        for (auto const& [k, v] : value.items()) keys.push_back(k);
        std::sort(keys.begin(), keys.end(), [](auto const& a, auto const& b) {
            return a.size() != b.size() ? a.size() < b.size() : a < b;
        });
        std::string out = "{";
        for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? ", " : "") + jsonb_string(keys[i]) + ": " + jsonb_text(value[keys[i]]);
        return out + "}";
    }
    return value.dump();  // numbers, true, false, null
}

void audit_chain_verifier::add(nlohmann::json const& entry) {
    if (result_.first_broken) return;
    auto seq = entry.value("seq", std::int64_t{-1});
    auto fail = [&](std::string why) {
        result_.first_broken = seq;
        result_.why = std::move(why);
    };
    if (seq != expected_seq_) return fail("expected entry " + std::to_string(expected_seq_) + " (an entry is missing)");
    if (field(entry, "prev_hash") != expected_prev_) return fail("it does not name the previous entry's hash");
    constexpr char sep = '\x1f';
    std::string text = field(entry, "prev_hash") + sep + std::to_string(seq) + sep + field(entry, "at") + sep +
                       field(entry, "actor") + sep + field(entry, "action") + sep + field(entry, "subject_type") + sep +
                       field(entry, "subject_id") + sep + jsonb_text(entry.value("detail", nlohmann::json()));
    auto hash = field(entry, "hash");
    if (sha256_hex(text) != hash) return fail("its content does not match its hash (changed after it was written)");
    ++result_.checked;
    ++expected_seq_;
    expected_prev_ = hash;
    result_.head_hash = hash;
}

}  // namespace varde::cli

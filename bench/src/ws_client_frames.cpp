#include "ws_client_frames.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace varde::bench::ws {

namespace {

std::string base64(unsigned char const* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
    auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// RFC 6455 §4.2.2: base64(SHA-1(key + this GUID)).
std::string accept_for(std::string_view key) {
    std::string text(key);
    text += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned size = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("SHA-1 is not available");
    return base64(digest.data(), size);
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The value of a header field (name in lower case), trimmed; empty when absent.
std::string_view field(std::string_view header, std::string const& lowered_header, std::string_view name) {
    auto at = lowered_header.find("\r\n" + std::string(name) + ":");
    if (at == std::string::npos) return {};
    auto value = header.substr(at + 2 + name.size() + 1);
    value = value.substr(0, value.find("\r\n"));
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    return value;
}

std::uint64_t big_endian(std::string_view bytes) {
    std::uint64_t v = 0;
    for (unsigned char c : bytes) v = (v << 8) | c;
    return v;
}

bool known(std::uint8_t op) { return op <= 0x2 || (op >= 0x8 && op <= 0xA); }

}  // namespace

std::string make_key() {
    std::array<unsigned char, 16> nonce{};
    if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    return base64(nonce.data(), nonce.size());
}

std::string upgrade_request(std::string_view host, std::string_view target, std::string_view key) {
    std::string r;
    r.reserve(200);
    r.append("GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(host);
    r.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ");
    r.append(key).append("\r\n\r\n");
    return r;
}

std::size_t header_end(std::string_view bytes) {
    auto at = bytes.find("\r\n\r\n");
    return at == std::string_view::npos ? at : at + 4;
}

std::string check_upgrade(std::string_view header, std::string_view key) {
    auto status_line = header.substr(0, header.find("\r\n"));
    // "HTTP/1.1 101 Switching Protocols": the code is the second word.
    if (status_line.substr(0, 9) != "HTTP/1.1 " || status_line.substr(9, 3) != "101") return std::string(status_line);
    auto lowered = lower(header);
    if (lower(field(header, lowered, "upgrade")) != "websocket") return "101 without Upgrade: websocket";
    if (field(header, lowered, "sec-websocket-accept") != accept_for(key)) return "101 with a wrong Sec-WebSocket-Accept";
    return {};
}

parsed parse_frame(std::string_view bytes, std::uint64_t max_payload, frame& f, std::size_t& size) {
    if (bytes.size() < 2) return parsed::need_more;
    auto const b0 = static_cast<std::uint8_t>(bytes[0]), b1 = static_cast<std::uint8_t>(bytes[1]);
    f.fin = (b0 & 0x80) != 0;
    auto const op = static_cast<std::uint8_t>(b0 & 0x0F);
    bool const control = (op & 0x8) != 0;
    if ((b0 & 0x70) != 0 || (b1 & 0x80) != 0 || !known(op)) return parsed::invalid;
    f.op = static_cast<opcode>(op);
    // 7-bit length; 126: a 16-bit length follows; 127: a 64-bit one (RFC 6455 §5.2).
    std::uint64_t length = b1 & 0x7F;
    std::size_t header = 2;
    if (length == 126) header = 4;
    if (length == 127) header = 10;
    if (bytes.size() < header) return parsed::need_more;
    if (header > 2) length = big_endian(bytes.substr(2, header - 2));
    if (control && (!f.fin || length > 125)) return parsed::invalid;
    if (length > max_payload) return parsed::invalid;
    if (bytes.size() - header < length) return parsed::need_more;
    f.payload = bytes.substr(header, static_cast<std::size_t>(length));
    size = header + static_cast<std::size_t>(length);
    return parsed::complete;
}

close_reason parse_close(std::string_view payload) {
    close_reason r;
    if (payload.size() < 2) return r;
    r.code = static_cast<std::uint16_t>(big_endian(payload.substr(0, 2)));
    r.reason = payload.substr(2);
    return r;
}

std::string control_frame(opcode op, std::string_view payload, std::uint32_t mask_key) {
    if (payload.size() > 125) throw std::invalid_argument("control frame payload over 125 bytes");
    std::array<char, 4> const mask{static_cast<char>(mask_key >> 24), static_cast<char>(mask_key >> 16),
                                   static_cast<char>(mask_key >> 8), static_cast<char>(mask_key)};
    std::string out;
    out.reserve(6 + payload.size());
    out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(op)));
    out.push_back(static_cast<char>(0x80 | payload.size()));  // masked, 7-bit length
    out.append(mask.data(), mask.size());
    for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    return out;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
    std::string out{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
    out.append(reason.substr(0, 123));
    return out;
}

}  // namespace varde::bench::ws

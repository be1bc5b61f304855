#include "net/ws_frames.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

namespace varde::net::ws {

namespace {

bool is_control(opcode op) { return (static_cast<std::uint8_t>(op) & 0x08) != 0; }

bool is_known(std::uint8_t op) { return op <= 2 || (op >= 8 && op <= 10); }

// Codes a peer may send in a close frame (RFC 6455 §7.4; 1004-1006 and 1015 never go on the
// wire; 1012-1014 were registered since).
bool is_sendable_close_code(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

void append_frame(std::string& out, opcode op, std::string_view payload) {
    out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(op)));  // FIN, no reserved bits
    auto n = static_cast<std::uint64_t>(payload.size());
    if (n < 126) {
        out.push_back(static_cast<char>(n));
    } else if (n <= 0xffff) {
        out.push_back(static_cast<char>(126));
        for (int shift = 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
    } else {
        out.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
    }
    out.append(payload);
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
    std::string p;
    p.push_back(static_cast<char>(code >> 8));
    p.push_back(static_cast<char>(code & 0xff));
    p.append(reason.substr(0, close_reason_max));
    return p;
}

std::string accept_key(std::string_view client_key) {
    static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::string input(client_key);
    input.append(guid);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("SHA-1 is not available for the WebSocket handshake");
    unsigned char encoded[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    int encoded_size = EVP_EncodeBlock(encoded, digest, static_cast<int>(digest_size));
    return {reinterpret_cast<char const*>(encoded), static_cast<std::size_t>(encoded_size)};
}

bool is_valid_client_key(std::string_view key) {
    return key.size() == 24 && key.substr(22) == "==" &&
           std::all_of(key.begin(), key.begin() + 22, is_base64_char);
}

// --- reading ---------------------------------------------------------------------------------

frame_reader::step frame_reader::read(std::string_view bytes) {
    if (fail_code_ != 0) return {event::failed, 0};
    std::size_t used = 0;
    while (used < bytes.size()) {
        if (!in_payload_) {
            header_[header_size_++] = static_cast<unsigned char>(bytes[used++]);
            if (!header_complete()) continue;
            if (auto e = start_payload(); e != event::need_more) return {e, used};
            continue;
        }
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size() - used));
        if (is_control(op_)) {  // at most 125 bytes, checked with the header: kept, unmasked
            for (std::size_t i = 0; i < n; ++i)
                control_[control_size_++] =
                    static_cast<char>(static_cast<unsigned char>(bytes[used + i]) ^ mask_[(payload_seen_ + i) % 4]);
        }
        // Data is dropped unread: the node takes nothing from a subscriber but control frames.
        payload_seen_ += n;
        remaining_ -= n;
        used += n;
        if (remaining_ == 0) {
            if (auto e = finish_frame(); e != event::need_more) return {e, used};
        }
    }
    return {event::need_more, used};
}

// The first two bytes say how long the header is. What they say is checked as soon as they are
// in (start_payload), so a broken frame fails before its length and mask are waited for.
bool frame_reader::header_complete() const {
    if (header_size_ < 2) return false;
    bool broken_at_once = (header_[0] & 0x70) || !(header_[1] & 0x80) || !is_known(header_[0] & 0x0f);
    if (header_size_ == 2 && broken_at_once) return true;
    auto length7 = header_[1] & 0x7f;
    std::size_t extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    return header_size_ == 2 + extended + 4;
}

frame_reader::event frame_reader::start_payload() {
    std::uint8_t b0 = header_[0], b1 = header_[1];
    if (b0 & 0x70) return fail(close_protocol_error, "reserved bits set: no extension was agreed");
    if (!(b1 & 0x80)) return fail(close_protocol_error, "frames from a client must be masked");
    if (!is_known(b0 & 0x0f)) return fail(close_protocol_error, "unknown opcode");
    fin_ = (b0 & 0x80) != 0;
    op_ = static_cast<opcode>(b0 & 0x0f);
    std::uint64_t length = b1 & 0x7f;
    std::size_t at = 2;
    if (length == 126) {
        length = (std::uint64_t{header_[2]} << 8) | header_[3];
        at = 4;
        if (length < 126) return fail(close_protocol_error, "frame length not in its shortest form");
    } else if (length == 127) {
        length = 0;
        for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | header_[i];
        at = 10;
        if (length >> 63) return fail(close_protocol_error, "frame length over 2^63");
        if (length <= 0xffff) return fail(close_protocol_error, "frame length not in its shortest form");
    }
    std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(at), 4, mask_.begin());
    header_size_ = 0;

    if (is_control(op_)) {
        if (!fin_) return fail(close_protocol_error, "a control frame must not be fragmented");
        if (length > control_payload_max) return fail(close_protocol_error, "a control frame carries 125 bytes at most");
    } else {
        if (op_ == opcode::continuation && !in_message_) return fail(close_protocol_error, "continuation outside a message");
        if (op_ != opcode::continuation && in_message_) return fail(close_protocol_error, "new message inside a fragmented one");
        message_bytes_ += length;  // never overflows: it was at most message_max_ before
        if (message_bytes_ > message_max_) return fail(close_too_big, "message over the node's limit");
        in_message_ = !fin_;
    }
    in_payload_ = true;
    remaining_ = length;
    payload_seen_ = 0;
    control_size_ = 0;
    return remaining_ == 0 ? finish_frame() : event::need_more;
}

frame_reader::event frame_reader::finish_frame() {
    in_payload_ = false;
    switch (op_) {
    case opcode::ping: return event::ping;
    case opcode::pong: return event::pong;
    case opcode::close:
        if (control_size_ == 1) return fail(close_protocol_error, "a close frame's code takes two bytes");
        peer_close_code_ = 0;
        if (control_size_ >= 2) {
            auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(control_[0]) << 8) |
                                                   static_cast<unsigned char>(control_[1]));
            if (!is_sendable_close_code(code)) return fail(close_protocol_error, "not a close code a peer may send");
            peer_close_code_ = code;
        }
        return event::close;
    default:
        if (fin_) message_bytes_ = 0;
        return event::need_more;
    }
}

frame_reader::event frame_reader::fail(std::uint16_t code, char const* why) {
    fail_code_ = code;
    fail_reason_ = why;
    return event::failed;
}

}  // namespace varde::net::ws

#pragma once
// The server's side of WebSocket framing (RFC 6455 §5), as the stream needs it, in plain C++:
// no socket, no Beast. The stream session uses it to write a subscriber's queued frames as one
// buffer (one TLS write, one send per record) instead of one write operation per message, and
// to read what a subscriber sends: control frames, and data it drops.
//
// What the node writes: unmasked frames with FIN set, the payload's length in the fewest bytes.
// What it reads (frame_reader): masked frames only; control frames of at most 125 bytes and
// never fragmented; no reserved bits (no extension is ever agreed); continuation frames only
// inside a fragmented message; a message's bytes, over all its fragments, up to a limit.
// Data is not checked for UTF-8: the node reads no subscriber data, it only drops it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace varde::net::ws {

enum class opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// Close codes the node sends of its own (RFC 6455 §7.4.1); the stream's own are in 4000-4999.
inline constexpr std::uint16_t close_going_away = 1001;
inline constexpr std::uint16_t close_protocol_error = 1002;
inline constexpr std::uint16_t close_too_big = 1009;

inline constexpr std::size_t control_payload_max = 125;
inline constexpr std::size_t close_reason_max = control_payload_max - 2;

// Appends one whole frame (header, then payload) to `out`.
void append_frame(std::string& out, opcode op, std::string_view payload);

// A close frame's payload: the code (network order), then the reason cut to 123 bytes.
std::string close_payload(std::uint16_t code, std::string_view reason);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 §4.2.2).
std::string accept_key(std::string_view client_key);

// A Sec-WebSocket-Key must be the base64 of 16 bytes (RFC 6455 §4.1): 24 characters.
bool is_valid_client_key(std::string_view key);

// Reads a subscriber's frames from bytes as they arrive, in pieces of any size.
class frame_reader {
public:
    enum class event {
        need_more,  // every byte given was used: give the next ones
        ping,       // payload(): answer with a pong carrying it
        pong,
        close,      // peer_close_code() (0: none given) and payload()
        failed,     // fail_code() and fail_reason(): close the connection with them
    };
    struct step {
        event what;
        std::size_t used;  // bytes taken from the input; the rest are for the next call
    };

    explicit frame_reader(std::size_t message_max) : message_max_(message_max) {}

    // Takes bytes until a control frame is complete, the input is used up, or the frames break
    // the protocol (from then on, every call fails again).
    step read(std::string_view bytes);

    std::string_view payload() const { return {control_.data(), control_size_}; }
    std::uint16_t peer_close_code() const { return peer_close_code_; }
    std::uint16_t fail_code() const { return fail_code_; }
    std::string_view fail_reason() const { return fail_reason_; }

private:
    bool header_complete() const;
    event start_payload();          // a whole header is in: check it, and set up the payload
    event finish_frame();           // the payload is in
    event fail(std::uint16_t code, char const* why);

    std::size_t message_max_;
    std::array<unsigned char, 14> header_{};  // 2 fixed bytes, up to 8 of length, 4 of mask
    std::size_t header_size_ = 0;
    bool in_payload_ = false;
    opcode op_ = opcode::continuation;
    bool fin_ = false;
    std::uint64_t remaining_ = 0;  // payload bytes of this frame still to come
    std::size_t payload_seen_ = 0; // payload bytes of this frame so far (the mask's position)
    std::array<unsigned char, 4> mask_{};
    bool in_message_ = false;      // a fragmented data message has begun and not ended
    std::uint64_t message_bytes_ = 0;
    std::array<char, control_payload_max> control_{};
    std::size_t control_size_ = 0;
    std::uint16_t peer_close_code_ = 0;
    std::uint16_t fail_code_ = 0;
    char const* fail_reason_ = "";
};

}  // namespace varde::net::ws

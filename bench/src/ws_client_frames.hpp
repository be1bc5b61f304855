#pragma once
// The client's side of a WebSocket (RFC 6455) as varde-bench's subscribers need it: the
// upgrade request and the check of its answer, the server's frames split and reassembled into
// messages, and the masked control frames a client sends (pong, close).
//
// Why not Beast's websocket::stream: a read of one message there is a stack of composed
// operations over asio::ssl::stream (its buffers, a copy into the message buffer, UTF-8
// validation), per frame. async_subscribers decrypts each socket's TLS records into one shared
// buffer and hands the bytes here; a frame that a record holds whole is parsed in place. With
// several frames to a record this reads a frame for ~2.6 µs of CPU where Beast took ~8; with
// one frame to a TCP segment (the node today) the kernel's receive path and OpenSSL's record
// decryption are most of the cost either way (~16-18 µs against ~21-26).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace varde::bench::ws {

enum class opcode : std::uint8_t { continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA };

// --- the upgrade (RFC 6455 §4.1) ---

// A new Sec-WebSocket-Key: 16 random bytes, base64.
std::string make_key();

// The GET request that asks for the upgrade.
std::string upgrade_request(std::string_view host, std::string_view target, std::string_view key);

// Where the answer's header ends (just past its empty line), or npos while incomplete.
std::size_t header_end(std::string_view bytes);

// Checks the answer's header: "101" and the Sec-WebSocket-Accept that `key` calls for.
// Returns what is wrong (the status line when it is not 101), empty when the upgrade is done.
std::string check_upgrade(std::string_view header, std::string_view key);

// --- frames ---

struct frame {
    bool fin = false;
    opcode op = opcode::continuation;
    std::string_view payload;  // inside the bytes given to parse_frame
};

enum class parsed { complete, need_more, invalid };

// One server frame at the start of `bytes`. complete: `f` is set and `size` is the frame's
// length in bytes. invalid: reserved bits set (no extension was asked for), a mask (servers
// must not mask), an unknown opcode, a control frame fragmented or over 125 bytes, or a
// payload over `max_payload`.
parsed parse_frame(std::string_view bytes, std::uint64_t max_payload, frame& f, std::size_t& size);

struct close_reason {
    std::uint16_t code = 1005;  // 1005: the close frame carried no code
    std::string_view reason;
};
close_reason parse_close(std::string_view payload);

// A client's control frame (FIN, masked with `mask_key`, RFC 6455 §5.3); payload ≤ 125 bytes.
std::string control_frame(opcode op, std::string_view payload, std::uint32_t mask_key);

// A close frame's payload: the code, big-endian, then the reason.
std::string close_payload(std::uint16_t code, std::string_view reason = {});

// Splits the server's bytes, as they arrive in reads of any size, into frames and reassembles
// fragmented messages. The caller passes a handler with
//   void on_message(std::string_view)  a complete text or binary message
//   void on_ping(std::string_view)     a ping's payload (the caller answers with a pong)
//   void on_close(close_reason)        the server's close frame; nothing is read after it
// Views are valid during the call only.
class message_reader {
public:
    explicit message_reader(std::uint64_t max_message) : max_message_(max_message) {}

    // Feeds what a read returned. False once the stream must not be read further: after a
    // close frame, or on a protocol error (error() says which).
    template <class Handler>
    bool feed(std::string_view bytes, Handler& h);

    std::string const& error() const { return error_; }

private:
    enum class next { more, stop };
    template <class Handler>
    next deliver(frame const& f, Handler& h);
    next fail(std::string what) {
        error_ = std::move(what);
        return next::stop;
    }

    std::uint64_t max_message_;
    std::string partial_;  // the start of a frame that the next read completes
    std::string message_;  // the fragments of a message so far
    bool in_message_ = false;
    std::string error_;
};

template <class Handler>
bool message_reader::feed(std::string_view bytes, Handler& h) {
    // A frame begun in an earlier read continues here: parse from the carried bytes. Otherwise
    // the common case, whole frames in this read, is parsed in place.
    bool const carried = !partial_.empty();
    if (carried) {
        partial_.append(bytes);
        bytes = partial_;
    }
    std::size_t used = 0;
    next step = next::more;
    while (step == next::more && used < bytes.size()) {
        frame f;
        std::size_t size = 0;
        auto r = parse_frame(bytes.substr(used), max_message_, f, size);
        if (r == parsed::need_more) break;
        if (r == parsed::invalid) {
            step = fail("invalid frame");
            break;
        }
        used += size;
        step = deliver(f, h);
    }
    if (step == next::stop) return false;
    if (carried)
        partial_.erase(0, used);
    else
        partial_.assign(bytes.substr(used));
    return true;
}

template <class Handler>
message_reader::next message_reader::deliver(frame const& f, Handler& h) {
    switch (f.op) {
    case opcode::text:
    case opcode::binary:
        if (in_message_) return fail("a new message inside a fragmented one");
        if (f.fin) {
            h.on_message(f.payload);
            return next::more;
        }
        message_.assign(f.payload);
        in_message_ = true;
        return next::more;
    case opcode::continuation:
        if (!in_message_) return fail("a continuation without a message");
        if (message_.size() + f.payload.size() > max_message_) return fail("message too large");
        message_.append(f.payload);
        if (f.fin) {
            in_message_ = false;
            h.on_message(message_);
            message_.clear();
        }
        return next::more;
    case opcode::ping: h.on_ping(f.payload); return next::more;
    case opcode::pong: return next::more;  // we send no pings
    case opcode::close: h.on_close(parse_close(f.payload)); return next::stop;
    }
    return fail("unknown opcode");
}

}  // namespace varde::bench::ws

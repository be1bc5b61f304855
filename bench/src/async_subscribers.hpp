#pragma once
// Many WebSocket subscribers on one thread. client::stream_client is blocking (one
// io_context per client), so a thousand of them would need a thousand threads or a polling
// loop whose own delay would show up in the latencies; here one io_context reads them all
// and timestamps each frame as its read completes. The WebSocket client is our own (upgrade,
// frames: ws_client_frames.hpp) so that one core reads well over 100 000 frames a second.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "options.hpp"

namespace varde::bench {

class async_subscribers {
public:
    // `marker`: frames are counted only when they carry "<marker><send time ns>". `label`
    // names the scenario in messages. o.in_flight connections are set up at a time.
    async_subscribers(options const& o, std::vector<std::string> principals, unsigned count, std::string marker,
                      std::string label);
    ~async_subscribers();

    // Connects every subscriber (a few handshakes at a time) and starts reading; returns once
    // all are connected or have failed.
    void start(std::chrono::seconds timeout);
    void stop();  // closes the sockets and joins the reader thread

    unsigned connected() const { return connected_; }
    unsigned failed() const { return failed_; }
    unsigned closed_early() const { return closed_; }  // streams the node closed while running
    std::uint64_t deliveries() const { return deliveries_; }
    std::uint64_t frames() const { return frames_; }  // every frame read (heartbeats too)
    std::uint64_t pings() const { return pings_; }    // pings from the node, each answered with a pong
    std::vector<std::int64_t> const& latencies_ns() const { return latencies_; }  // after stop()

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::atomic<unsigned> connected_{0}, failed_{0}, closed_{0};
    std::atomic<std::uint64_t> deliveries_{0}, frames_{0}, pings_{0};
    std::vector<std::int64_t> latencies_;  // written by the reader thread only
    std::jthread reader_;
    friend struct subscriber;
};

}  // namespace varde::bench

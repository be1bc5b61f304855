// handshakes: a new mutual-TLS connection per request (GET /v1/whoami with Connection: close,
// so the node ends it with a TLS close_notify), then close. Each thread
// builds its client SSL_CTX once (the PEM files are read once), so the load generator pays only
// for the handshake itself. Without --resume every connection is a full handshake (ECDHE +
// ECDSA P-256 on both sides). With --resume each connection offers the session saved from the
// previous one (taken after the reply is read: with TLS 1.3 the resumable session arrives in
// the NewSessionTicket after the handshake); `resumed` counts the ones the node accepted.
#include <thread>

#include "scenarios.hpp"
#include "stats.hpp"

namespace varde::bench {

namespace {

struct handshake_counts {
    std::uint64_t resumed = 0, offered = 0;
};

void handshake_loop(options const& o, work_budget& budget, samples& out, handshake_counts& counts) {
    auto tls = credentials(o, principal_or(o, "bob"));
    auto ctx = client::make_shared_context(tls);  // once per thread, not per connection
    client::tls_session session;
    while (budget.take()) {
        auto start = clock::now();
        try {
            auto offer = o.resume ? session : client::tls_session{};
            client::connection c(o.node, tls, ctx, offer);
            // Connection: close: the node closes with close_notify. OpenSSL drops a session from
            // the server's cache when the connection ends without the server's close_notify, so a
            // client that just drops the socket (client::connection's destructor) is never resumed.
            auto r = c.request("GET", "/v1/whoami", {}, {{"Connection", "close"}});
            if (r.status != 200) throw std::runtime_error("HTTP " + std::to_string(r.status));
            out.add(clock::now() - start);
            if (offer) ++counts.offered;
            if (c.resumed()) ++counts.resumed;
            if (o.resume) session = c.session();  // after the reply: the ticket has come
        } catch (std::exception const&) {
            ++out.errors;
            session.reset();
        }
    }
}

}  // namespace

nlohmann::json run_handshakes(options const& o) {
    std::vector<samples> per_thread(o.connections);
    std::vector<handshake_counts> counts(o.connections);
    work_budget budget(o.duration_s, o.count);
    run_clock rc(o.node_pid, o.db_pid);
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < per_thread.size(); ++i)
        threads.emplace_back([&, i] { handshake_loop(o, budget, per_thread[i], counts[i]); });
    threads.clear();
    rc.stop();
    handshake_counts total;
    for (auto const& c : counts) {
        total.resumed += c.resumed;
        total.offered += c.offered;
    }
    return summarise("handshakes", per_thread, rc,
                     {{"connections", o.connections},
                      {"resume", o.resume},
                      {"sessions_offered", total.offered},
                      {"resumed", total.resumed},
                      {"op", o.resume ? "connect + TLS handshake offering the previous session + GET /v1/whoami"
                                      : "connect + full TLS handshake + GET /v1/whoami"}});
}

}  // namespace varde::bench

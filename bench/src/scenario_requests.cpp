// requests: keep-alive mutual-TLS reads, alternating GET /v1/whoami and GET /v1/reports/{id},
// one request in flight per connection. Measures the node's per-request cost without
// handshakes. By default every connection runs on one thread and one io_context
// (asynchronous, like the fanout subscribers), so that one core of load generator can drive
// far more than the node's target; --blocking uses the client library instead, a thread
// and a blocking client::connection per connection.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "lib/tls.hpp"
#include "report_maker.hpp"
#include "scenarios.hpp"
#include "stats.hpp"

namespace varde::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

std::string publish_one(options const& o, std::string const& principal) {
    report_maker maker(o.example);
    client::connection c(o.node, credentials(o, principal));
    auto r = c.request("POST", "/v1/reports", maker.make(0));
    if (r.status != 201) throw std::runtime_error("setup publish failed: HTTP " + std::to_string(r.status) + " " + r.body);
    return nlohmann::json::parse(r.body).at("id").get<std::string>();
}

namespace {

constexpr auto op_timeout = std::chrono::seconds(10);

// --- blocking: one thread per connection, the client library -------------------------------

// One thread: reconnects after a failure so that one error does not end its share of the run.
void read_loop(options const& o, std::string const& report_path, work_budget& budget, samples& out) {
    auto tls = credentials(o, principal_or(o, "bob"));
    std::unique_ptr<client::connection> c;
    for (std::uint64_t i = 0; budget.take(); ++i) {
        auto const& path = i % 2 ? report_path : std::string("/v1/whoami");
        auto start = clock::now();
        try {
            if (!c) c = std::make_unique<client::connection>(o.node, tls);
            auto r = c->request("GET", path);
            if (r.status != 200) throw std::runtime_error("HTTP " + std::to_string(r.status));
            out.add(clock::now() - start);
        } catch (std::exception const&) {
            ++out.errors;
            c.reset();
        }
    }
}

std::vector<samples> run_blocking(options const& o, std::string const& path, run_clock& rc) {
    std::vector<samples> per_thread(o.connections);
    work_budget budget(o.duration_s, o.count);
    rc = run_clock(o.node_pid, o.db_pid);
    std::vector<std::jthread> threads;
    for (auto& s : per_thread) threads.emplace_back([&] { read_loop(o, path, budget, s); });
    threads.clear();  // joins
    rc.stop();
    return per_thread;
}

// --- asynchronous: every connection on one thread ------------------------------------------

struct async_run {
    options const& o;
    asio::io_context ioc;
    ssl::context ctx;
    tcp::endpoint ep;
    std::string whoami, report;  // the two requests, serialised once
    std::optional<work_budget> budget;
    unsigned ready = 0, setup_failed = 0, messages = 0;

    async_run(options const& opts, std::string const& report_path)
        : o(opts), ctx(client::make_client_context(credentials(o, principal_or(o, "bob")))),
          ep(asio::ip::make_address(o.node.host), o.node.port),
          whoami(request_text("/v1/whoami")), report(request_text(report_path)) {}

    static std::string request_text(std::string const& path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: varde-bench\r\n\r\n";
    }
    void note(char const* what, beast::error_code ec) {
        if (++messages <= 10) std::cerr << "varde-bench requests: " << what << ": " << ec.message() << "\n";
    }
};

struct async_conn {
    async_run& run;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> s;
    beast::flat_buffer buffer;
    std::optional<bhttp::response_parser<bhttp::string_body>> parser;
    std::uint64_t n = 0;
    clock::time_point started;
    bool running = false;  // past set-up: failures reconnect and go on
    bool up = false;       // set up (connected and TLS) before the run started
    samples out;

    explicit async_conn(async_run& r) : run(r) {}

    void connect() {
        s = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(run.ioc, run.ctx);
        buffer.clear();
        client::expect_server_name(*s, "localhost");
        beast::get_lowest_layer(*s).expires_after(op_timeout);
        beast::get_lowest_layer(*s).async_connect(run.ep, [this](beast::error_code ec) {
            if (ec) return failed("connect", ec);
            s->async_handshake(ssl::stream_base::client, [this](beast::error_code e) {
                if (e) return failed("TLS handshake", e);
                if (running) return next();
                up = true;  // set-up phase: wait for the others (run_async)
                ++run.ready;
            });
        });
    }

    void next() {
        if (!run.budget->take()) return beast::get_lowest_layer(*s).close();
        auto const& req = n++ % 2 ? run.report : run.whoami;
        started = clock::now();
        beast::get_lowest_layer(*s).expires_after(op_timeout);
        asio::async_write(*s, asio::buffer(req), [this](beast::error_code ec, std::size_t) {
            if (ec) return failed("write", ec);
            read();
        });
    }

    void read() {
        parser.emplace();
        parser->body_limit(64u << 20);
        bhttp::async_read(*s, buffer, *parser, [this](beast::error_code ec, std::size_t) {
            if (ec) return failed("read", ec);
            auto const& res = parser->get();
            if (res.result_int() != 200) return failed("status", beast::error_code{});
            out.add(clock::now() - started);
            if (!parser->keep_alive()) return failed("closed by the node", beast::error_code{});
            next();
        });
    }

    // Counts the failure and reconnects (after this handler returns) to go on with the run.
    void failed(char const* what, beast::error_code ec) {
        if (!running) {
            ++run.setup_failed;
            run.note(what, ec);
            return;
        }
        ++out.errors;
        run.note(what, ec);
        if (!run.budget->take()) return;
        asio::post(run.ioc, [this] { connect(); });
    }
};

std::vector<samples> run_async(options const& o, std::string const& path, run_clock& rc) {
    async_run r(o, path);
    std::vector<std::unique_ptr<async_conn>> conns;
    for (unsigned i = 0; i < o.connections; ++i) {
        conns.push_back(std::make_unique<async_conn>(r));
        conns.back()->connect();
    }
    // Set-up outside the timing: every connection connected (or failed) before the clock starts.
    while (r.ready + r.setup_failed < o.connections && r.ioc.run_one()) {
    }
    r.budget.emplace(o.duration_s, o.count);
    rc = run_clock(o.node_pid, o.db_pid);
    for (auto& c : conns) {
        c->running = true;
        if (c->up) c->next();
    }
    r.ioc.restart();
    r.ioc.run();
    rc.stop();
    std::vector<samples> out;
    for (auto& c : conns) out.push_back(std::move(c->out));
    if (r.setup_failed) out.front().errors += r.setup_failed;
    return out;
}

}  // namespace

nlohmann::json run_requests(options const& o) {
    // The report is alice's (trusted, published at once); bob reads the member view of it.
    auto id = o.report_id.empty() ? publish_one(o, o.cert.empty() ? "alice" : principal_or(o, "bob")) : o.report_id;
    auto path = "/v1/reports/" + id;
    run_clock rc(o.node_pid, o.db_pid);
    auto per_conn = o.blocking ? run_blocking(o, path, rc) : run_async(o, path, rc);
    auto j = summarise("requests", per_conn, rc,
                       {{"connections", o.connections},
                        {"client", o.blocking ? "blocking, a thread per connection" : "asynchronous, one thread"},
                        {"mix", "GET /v1/whoami, GET /v1/reports/{id} alternately"}});
    // The load generator's own cost: how many requests a second it could drive on one core.
    auto ops = j.at("ops").get<double>();
    auto own = rc.own_cpu();
    if (ops > 0 && own > 0) {
        j["bench_cpu_us_per_op"] = std::round(own * 1e6 / ops * 10) / 10;
        j["bench_capacity_ops_per_s"] = std::round(ops / own);
    }
    return j;
}

}  // namespace varde::bench

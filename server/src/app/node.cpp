#include "app/node.hpp"

#include "handlers/routes.hpp"
#include "net/http_session.hpp"
#include "net/tls_context.hpp"
#include "net/x509.hpp"
#include "store/errors.hpp"
#include "store/migrator.hpp"
#include "util/log.hpp"

namespace varde::app {

namespace asio = net::asio;

namespace {
constexpr auto migration_retry_interval = std::chrono::seconds(2);
constexpr auto drain_poll = std::chrono::milliseconds(50);
constexpr auto purge_interval = std::chrono::minutes(10);
constexpr char const* version = "0.1.0";

handlers::certificate_read read_certificate(std::string const& pem) {
    auto r = net::read_certificate_pem(pem);
    return {std::move(r.facts), std::move(r.error)};
}

service::report_settings report_settings_from(node_config const& c) {
    if (c.pseudonym_secret.empty())
        throw std::runtime_error("pseudonym_secret is not set (VARDE_PSEUDONYM_SECRET or --pseudonym-secret): "
                                 "pseudonymous sources need a stable node secret");
    service::report_settings s;
    s.original_retention_days = c.original_retention_days;
    s.validation.max_indicators = c.max_indicators;
    s.decoding.max_body = c.limits.body_limit;
    return s;
}
}  // namespace

node::node(node_config config)
    : config_(std::move(config)),
      pool_({config_.database_url, config_.db_connections}),
      identity_(pool_),
      pseudonyms_(config_.pseudonym_secret),
      reports_(pool_, pseudonyms_, report_settings_from(config_), &identity_.cache()),
      audit_(pool_),
      events_(pool_, pseudonyms_, {200, config_.event_retention_days}),
      hub_(events_, identity_, config_.database_url, {config_.stream_memory_events, config_.stream_poll_interval}),
      router_(handlers::make_routes({static_cast<double>(config_.rate_per_s), static_cast<double>(config_.rate_burst)})),
      services_{identity_, reports_, pool_, [this] { return schema_ready_.load(); }, version,
                audit_, read_certificate, events_},
      tls_(net::make_server_tls_context(config_.tls)),
      ioc_(static_cast<int>(config_.io_threads)),
      workers_(config_.worker_threads),
      reads_(ioc_.get_executor(), workers_.get_executor(), config_.database_url),
      migration_retry_(ioc_),
      drain_timer_(ioc_),
      purge_timer_(ioc_),
      audit_head_timer_(ioc_) {
    services_.reads = &batched_reads_;
    env_ = std::make_shared<net::session_env>(config_.limits, tls_, router_, services_, workers_, events_, hub_,
                                              config_.stream);
}

node::~node() {
    stop();
    wait();
}

unsigned short node::start() {
    auto address = asio::ip::make_address(config_.listen_address);
    listener_ = std::make_shared<net::listener>(ioc_, net::tcp::endpoint(address, config_.port), env_);
    try_migrate();
    listener_->run();
    hub_.start();
    reads_.start();
    schedule_purge();
    schedule_audit_head();
    for (std::size_t i = 0; i < config_.io_threads; ++i) io_threads_.emplace_back([this] { ioc_.run(); });
    auto port = listener_->local_endpoint().port();
    log::info("node.started", {{"address", config_.listen_address}, {"port", port},
                               {"io_threads", config_.io_threads},
                               {"db_connections", config_.db_connections},
                               {"schema_ready", schema_ready_.load()}});
    return port;
}

// A database that is down at start is not fatal: the node serves 503 and keeps trying.
// A migration that the database refuses (changed after it was applied) is fatal.
void node::try_migrate() {
    try {
        auto report = store::migrate(config_.database_url, store::embedded_migrations());
        schema_ready_ = true;
        log::info("db.schema_ready", {{"version", report.current}, {"applied", report.applied.size()}});
        log_audit_head();
    } catch (store::failure const& f) {
        if (f.kind() != store::error_kind::unavailable) throw;
        log::warn("db.unavailable_at_start", {{"detail", f.what()}, {"retry_s", migration_retry_interval.count()}});
        schedule_migration_retry();
    }
}

void node::schedule_migration_retry() {
    migration_retry_.expires_after(migration_retry_interval);
    migration_retry_.async_wait([this](boost::system::error_code ec) {
        if (ec || env_->stopping) return;
        asio::post(workers_, [this] {
            try {
                try_migrate();
            } catch (std::exception const& e) {
                log::error("db.migration_failed", {{"detail", e.what()}});
            }
        });
    });
}

void node::schedule_purge() {
    purge_timer_.expires_after(purge_interval);
    purge_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || env_->stopping) return;
        asio::post(workers_, [this] {
            if (schema_ready_) purge_expired();
        });
        schedule_purge();
    });
}

// Unscrubbed originals are kept for operators only until their retention ends (SPEC §5);
// events only as long as a subscriber may resume from them (event_retention_days).
void node::purge_expired() {
    auto originals = reports_.purge_expired_originals();
    if (!originals) log::warn("reports.purge_failed", {{"detail", originals.err().detail}});
    else if (originals.value() > 0) log::info("reports.originals_purged", {{"count", originals.value()}});
    auto events = events_.purge_history();
    if (!events) log::warn("stream.purge_failed", {{"detail", events.err().detail}});
    else if (events.value() > 0) log::info("stream.history_purged", {{"count", events.value()}});
}

// The chain head, logged so that a copy lives outside the database: a later `audit verify`
// whose chain no longer passes through a logged (seq, hash) shows entries were rewritten.
void node::log_audit_head() {
    auto head = audit_.head();
    if (!head) return log::warn("audit.head_failed", {{"detail", head.err().detail}});
    log::info("audit.head", {{"seq", head.value().seq}, {"hash", head.value().hash}});
}

void node::schedule_audit_head() {
    if (config_.audit_head_interval.count() == 0) return;  // logged at start only
    audit_head_timer_.expires_after(config_.audit_head_interval);
    audit_head_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || env_->stopping) return;
        asio::post(workers_, [this] {
            if (schema_ready_) log_audit_head();
        });
        schedule_audit_head();
    });
}

void node::stop() {
    if (env_->stopping.exchange(true)) return;
    log::info("node.stopping", {{"open_connections", env_->registry.size()}});
    asio::post(ioc_, [this] {
        migration_retry_.cancel();
        purge_timer_.cancel();
        audit_head_timer_.cancel();
    });
    if (listener_) listener_->stop();
    for (auto const& s : env_->registry.snapshot()) s->stop();
    asio::post(ioc_, [this] { drain(std::chrono::steady_clock::now() + config_.shutdown_grace); });
}

// Waits for open connections to finish, up to the grace period, then ends the I/O loop.
void node::drain(std::chrono::steady_clock::time_point deadline) {
    if (env_->registry.size() == 0 || std::chrono::steady_clock::now() >= deadline) {
        if (env_->registry.size() != 0)
            log::warn("node.grace_expired", {{"open_connections", env_->registry.size()}});
        ioc_.stop();
        return;
    }
    drain_timer_.expires_after(drain_poll);
    drain_timer_.async_wait([this, deadline](boost::system::error_code) { drain(deadline); });
}

void node::wait() {
    if (waited_.exchange(true)) return;
    for (auto& t : io_threads_)
        if (t.joinable()) t.join();
    io_threads_.clear();
    hub_.stop();
    workers_.join();
    reads_.close();
    log::info("node.stopped");
}

}  // namespace varde::app

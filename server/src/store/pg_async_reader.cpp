#include "store/pg_async_reader.hpp"

#include <fcntl.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <memory>
#include <string_view>
#include <utility>

#include <boost/asio/post.hpp>

#include "store/errors.hpp"
#include "store/pg_pool.hpp"
#include "util/log.hpp"

namespace varde::store {

namespace asio = boost::asio;

namespace {

struct conn_free {
    void operator()(PGconn* c) const { PQfinish(c); }
};
using owned_conn = std::unique_ptr<PGconn, conn_free>;

std::vector<row> rows_of(PGresult const* r) {
    int const tuples = PQntuples(r);
    int const fields = PQnfields(r);
    std::vector<row> out;
    out.reserve(static_cast<std::size_t>(tuples));
    for (int i = 0; i < tuples; ++i) {
        std::vector<std::optional<std::string>> cells(static_cast<std::size_t>(fields));
        for (int j = 0; j < fields; ++j)
            if (!PQgetisnull(r, i, j))
                cells[static_cast<std::size_t>(j)].emplace(PQgetvalue(r, i, j),
                                                           static_cast<std::size_t>(PQgetlength(r, i, j)));
        out.emplace_back(std::move(cells));
    }
    return out;
}

// As store/pg_errors.cpp judges libpqxx's exceptions, by SQLSTATE class.
failure failure_of(PGresult const* r) {
    if (PQresultStatus(r) == PGRES_PIPELINE_ABORTED)
        return failure(error_kind::internal, "the statement was not run: an earlier one in its pipeline failed");
    char const* field = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    std::string_view state = field ? field : "";
    std::string detail = PQresultErrorMessage(r);
    // This reader never runs a statement twice; as unavailable (503), the read is tried again
    // on the worker path, whose pool runs serialization failures and deadlocks again.
    if (state == "40001" || state == "40P01") return failure(error_kind::unavailable, detail);
    if (state.starts_with("08") || state.starts_with("57") || state.starts_with("53"))
        return failure(error_kind::unavailable, detail);
    return failure(error_kind::internal, detail);
}

// A prepared statement this reader believes in is missing, or one it did not know of exists:
// start again on a new connection rather than guess.
bool statements_out_of_step(PGresult const* r) {
    char const* field = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    std::string_view state = field ? field : "";
    return state == "26000" || state == "42P05";
}

bool missing_statement(PGresult const* r) {
    char const* field = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    return field && std::string_view(field) == "26000";
}

void no_notices(void*, char const*) {}

// Input that OpenSSL has already taken from the socket and decrypted, but libpq not yet from
// OpenSSL. A TLS record is read whole; PQconsumeInput takes only what fits the room left in
// libpq's buffer (8 KiB at least) and returns, so the rest of a larger record stays inside
// OpenSSL, where no readiness of the socket will ever show it (libpq's own blocking waits
// ask OpenSSL first, pqSocketCheck). PostgreSQL 15 writes 8 KiB at most at a time, which
// always fits; a server or pooler that writes more at once sends records of up to 16 KiB.
bool tls_holds_input(PGconn* conn) {
    auto* ssl = static_cast<SSL*>(PQsslStruct(conn, "OpenSSL"));
    return ssl != nullptr && SSL_pending(ssl) > 0;
}

}  // namespace

pg_async_reader::pg_async_reader(asio::any_io_executor io, asio::any_io_executor blocking, std::string url)
    : strand_(asio::make_strand(io)),
      blocking_(std::move(blocking)),
      url_(with_connect_timeout(url, std::chrono::seconds(3))),
      retry_(strand_),
      watchdog_(strand_) {}

pg_async_reader::~pg_async_reader() { close(); }

void pg_async_reader::start() {
    asio::post(blocking_, [this] { connect(); });
}

void pg_async_reader::close() {
    closed_ = true;
    retry_.cancel();
    watchdog_.cancel();
    drop_connection();
    pending_.clear();  // the I/O context is gone: nobody is left to answer
}

void pg_async_reader::connect() {
    // Named for pg_stat_activity, unless the URL names its connections itself.
    char const* const keys[] = {"dbname", "fallback_application_name", nullptr};
    char const* const values[] = {url_.c_str(), "varde-reads", nullptr};
    owned_conn conn(PQconnectdbParams(keys, values, 1));
    bool ok = conn && PQstatus(conn.get()) == CONNECTION_OK;
    if (ok) {
        // As pg_pool's connections: JIT compilation costs 100+ ms whenever the planner
        // overestimates a short query (see pg_pool.cpp).
        PGresult* r = PQexec(conn.get(), "SET jit = off");
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    ok = ok && PQsetnonblocking(conn.get(), 1) == 0 && PQenterPipelineMode(conn.get()) == 1;
    if (!ok) {
        // Once per outage: it tries again every second while the database is away.
        if (!outage_logged_.exchange(true))
            log::warn("db.async_reader_unavailable", {{"detail", conn ? PQerrorMessage(conn.get()) : "out of memory"},
                                                      {"retry_s", retry_delay_.count()}});
        asio::post(strand_, [this] { retry_later(); });
        return;
    }
    PQsetNoticeProcessor(conn.get(), no_notices, nullptr);
    asio::post(strand_, [this, conn = std::move(conn)]() mutable { adopt(conn.release()); });
}

void pg_async_reader::adopt(PGconn* conn) {
    owned_conn owned(conn);
    if (closed_) return;
    // The reactor waits on a descriptor of our own for libpq's socket: libpq closes its
    // descriptor itself as soon as it reads the end of the connection, before we can
    // deregister it, and by then another thread may have been given the same number for a
    // socket of its own, which deregistering would silence. Ours stays open until
    // drop_connection() has deregistered it.
    int const fd = ::fcntl(PQsocket(conn), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        log::warn("db.async_reader_unavailable", {{"detail", "cannot duplicate the socket descriptor"}});
        return retry_later();
    }
    socket_.emplace(strand_, fd);
    conn_ = owned.release();
    ++generation_;
    ready_ = true;
    outage_logged_ = false;
    log::info("db.async_reader_connected", {});
    wait_readable();
}

void pg_async_reader::retry_later() {
    if (closed_) return;
    retry_.expires_after(retry_delay_);
    retry_.async_wait([this](boost::system::error_code ec) {
        if (!ec && !closed_) asio::post(blocking_, [this] { connect(); });
    });
}

void pg_async_reader::exec(statement s, std::vector<param> params, rows_done done) {
    asio::post(strand_, [this, s, params = std::move(params), done = std::move(done)]() mutable {
        send(s, params, std::move(done));
    });
}

void pg_async_reader::send(statement const& s, std::vector<param> const& params, rows_done done) {
    if (!conn_) {
        done(std::make_exception_ptr(failure(error_kind::unavailable, "no database connection for reads")), {});
        return;
    }
    std::string name(s.name);
    bool sent = true;
    bool const preparing = !prepared_.contains(name);
    if (preparing) {
        sent = PQsendPrepare(conn_, name.c_str(), std::string(s.sql).c_str(), 0, nullptr) == 1;
        prepared_.insert(name);
    }
    std::vector<char const*> values;
    values.reserve(params.size());
    for (auto const& p : params) values.push_back(p ? p->c_str() : nullptr);
    sent = sent && PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                                       nullptr, nullptr, 0) == 1;
    sent = sent && PQpipelineSync(conn_) == 1;
    pending_.push_back({std::move(done), s.name, preparing, {}, {}, std::chrono::steady_clock::now()});
    if (!sent) return lose(PQerrorMessage(conn_));
    flush();
    watch();
}

void pg_async_reader::watch() {
    if (watching_ || pending_.empty()) return;
    watching_ = true;
    watchdog_.expires_at(pending_.front().sent_at + answer_timeout_);
    watchdog_.async_wait([this, generation = generation_](boost::system::error_code ec) {
        watching_ = false;
        if (ec || closed_) return;
        if (generation != generation_) return watch();  // statements sent on a newer connection
        if (!pending_.empty() && std::chrono::steady_clock::now() - pending_.front().sent_at >= answer_timeout_)
            return lose("no answer in " + std::to_string(answer_timeout_.count()) + " s");
        watch();  // the oldest now is younger: watch it
    });
}

// Sends what libpq holds; if the socket is full, again once it can take more.
void pg_async_reader::flush() {
    if (!conn_ || writing_) return;
    int const left = PQflush(conn_);
    if (left < 0) return lose(PQerrorMessage(conn_));
    if (left == 0) return;
    writing_ = true;
    socket_->async_wait(asio::posix::stream_descriptor::wait_write,
                        [this, generation = generation_](boost::system::error_code ec) {
                            if (generation != generation_) return;  // an older connection's
                            writing_ = false;
                            if (ec) return lose(ec.message());
                            flush();
                        });
}

// Always waiting while connected: answers, and a connection the server closes, show at once.
void pg_async_reader::wait_readable() {
    if (!conn_ || reading_) return;
    reading_ = true;
    socket_->async_wait(asio::posix::stream_descriptor::wait_read,
                        [this, generation = generation_](boost::system::error_code ec) {
                            if (generation != generation_) return;
                            reading_ = false;
                            if (ec) return lose(ec.message());
                            if (PQconsumeInput(conn_) != 1) return lose(PQerrorMessage(conn_));
                            while (tls_holds_input(conn_))
                                if (PQconsumeInput(conn_) != 1) return lose(PQerrorMessage(conn_));
                            take_results();
                            if (!conn_) return;  // lost while taking them
                            // libpq gave up on the connection (e.g. lost step with the
                            // protocol) without an error we saw: the socket may stay open
                            // and silent, so waiting on it would hang what is pending.
                            if (PQstatus(conn_) == CONNECTION_BAD) return lose(PQerrorMessage(conn_));
                            flush();             // libpq may have held back output meanwhile
                            wait_readable();
                        });
}

// Each statement's results, then its sync: the sync ends the statement, so it is answered
// then, with its rows or its first error.
void pg_async_reader::take_results() {
    int nulls_in_a_row = 0;
    while (conn_ && !pending_.empty() && PQisBusy(conn_) == 0) {
        PGresult* r = PQgetResult(conn_);
        if (r == nullptr) {  // the end of one result set; a second in a row: nothing more yet
            if (++nulls_in_a_row > 1) break;
            continue;
        }
        nulls_in_a_row = 0;
        auto status = PQresultStatus(r);
        auto& front = pending_.front();
        bool resync = false;
        if (front.preparing && status != PGRES_PIPELINE_SYNC) {
            front.preparing = false;  // this is the Prepare's result
            resync = statements_out_of_step(r);
            if (status == PGRES_COMMAND_OK) {
                if (auto f = failed_prepares_.find(front.name); f != failed_prepares_.end()) failed_prepares_.erase(f);
            } else if (!resync) {
                // Not prepared: the next statement of this name sends a Prepare again.
                front.error = std::make_exception_ptr(failure_of(r));
                if (auto p = prepared_.find(front.name); p != prepared_.end()) prepared_.erase(p);
                failed_prepares_.insert_or_assign(std::string(front.name), front.error);
            }
        } else if (status == PGRES_TUPLES_OK) {
            front.rows = rows_of(r);
        } else if (status != PGRES_COMMAND_OK && status != PGRES_PIPELINE_SYNC) {
            auto failed = failed_prepares_.find(front.name);
            if (failed != failed_prepares_.end() && !front.error && missing_statement(r)) {
                front.error = failed->second;  // sent before its Prepare was known to have failed
            } else {
                if (!front.error) front.error = std::make_exception_ptr(failure_of(r));
                resync = statements_out_of_step(r);
            }
        }
        PQclear(r);
        if (status == PGRES_PIPELINE_SYNC) {
            auto answered = std::move(front);
            pending_.pop_front();
            ++answered_;
            answered.done(answered.error, std::move(answered.rows));
        }
        if (resync) return lose("prepared statements out of step");
    }
}

void pg_async_reader::lose(std::string const& why) {
    log::warn("db.async_reader_lost", {{"detail", why}, {"pending", pending_.size()}});
    auto failed = std::move(pending_);
    pending_.clear();
    drop_connection();
    for (auto& p : failed)
        p.done(std::make_exception_ptr(failure(error_kind::unavailable, "the database connection was lost: " + why)),
               {});
    retry_later();
}

void pg_async_reader::drop_connection() {
    ready_ = false;
    ++generation_;  // handlers of this connection's waits now do nothing
    reading_ = writing_ = false;
    if (socket_) {
        // Deregistered while still open (release), then closed: the number cannot have been
        // reused meanwhile. Closing it alone would leave the registration behind while
        // libpq's descriptor keeps the socket open.
        int const fd = socket_->release();
        socket_.reset();
        ::close(fd);
    }
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    prepared_.clear();
    failed_prepares_.clear();
}

}  // namespace varde::store

#include "options.hpp"

#include <cctype>
#include <stdexcept>

namespace varde::bench {

namespace {

// "https://127.0.0.1:8443" -> host and port; the scheme is optional, only IP literals.
void parse_url(std::string url, client::target& t) {
    if (auto p = url.find("://"); p != std::string::npos) url = url.substr(p + 3);
    if (auto slash = url.find('/'); slash != std::string::npos) url.resize(slash);
    auto colon = url.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("--url needs a port: " + url);
    t.host = url.substr(0, colon);
    if (t.host == "localhost") t.host = "127.0.0.1";
    t.port = static_cast<unsigned short>(std::stoul(url.substr(colon + 1)));
}

void apply(options& o, std::string const& key, std::string const& v) {
    if (key == "--url") parse_url(v, o.node);
    else if (key == "--host") o.node.host = v;
    else if (key == "--port") o.node.port = static_cast<unsigned short>(std::stoul(v));
    else if (key == "--ca") o.ca = v;
    else if (key == "--cert") o.cert = v;
    else if (key == "--key") o.key = v;
    else if (key == "--pki") o.pki = v;
    else if (key == "--as") o.as = v;
    else if (key == "--duration") o.duration_s = std::stod(v);
    else if (key == "--connections") o.connections = static_cast<unsigned>(std::stoul(v));
    else if (key == "--count") o.count = std::stoul(v);
    else if (key == "--rate") o.rate = std::stod(v);
    else if (key == "--view") o.view = v;
    else if (key == "--report-id") o.report_id = v;
    else if (key == "--hold") o.hold_s = std::stod(v);
    else if (key == "--in-flight") o.in_flight = static_cast<unsigned>(std::stoul(v));
    else if (key == "--publishers") o.publishers = static_cast<unsigned>(std::stoul(v));
    else if (key == "--node-pid") o.node_pid = std::stoi(v);
    else if (key == "--db-pid") o.db_pid = std::stoi(v);
    else if (key == "--example") o.example = v;
    else throw std::invalid_argument("unknown option " + key);
}

}  // namespace

options parse_options(std::string scenario, std::vector<std::string> const& args) {
    options o;
    o.scenario = std::move(scenario);
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string key = args[i], value;
        if (key == "--resume" || key == "--blocking") {  // flags without a value
            (key == "--resume" ? o.resume : o.blocking) = true;
            continue;
        }
        if (auto eq = key.find('='); eq != std::string::npos) {
            value = key.substr(eq + 1);
            key.resize(eq);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            throw std::invalid_argument(key + " needs a value");
        }
        try {
            apply(o, key, value);
        } catch (std::invalid_argument const&) {
            throw;
        } catch (std::exception const&) {
            throw std::invalid_argument("bad value for " + key + ": " + value);
        }
    }
    if (o.connections == 0) throw std::invalid_argument("--connections must be at least 1");
    if (o.duration_s <= 0 && !o.count) throw std::invalid_argument("--duration must be > 0");
    if (o.rate && *o.rate <= 0) throw std::invalid_argument("--rate must be > 0");
    if (o.hold_s && *o.hold_s < 0) throw std::invalid_argument("--hold must be >= 0");
    if (o.in_flight == 0) throw std::invalid_argument("--in-flight must be at least 1");
    if (o.publishers == 0) throw std::invalid_argument("--publishers must be at least 1");
    for (char ch : o.view)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_')
            throw std::invalid_argument("--view: letters, digits, - and _ only");
    if (o.ca.empty() && !o.pki.empty()) o.ca = o.pki + "/member-ca.pem";
    if (o.ca.empty()) throw std::invalid_argument("give --ca or --pki");
    return o;
}

client::tls_options credentials(options const& o, std::string const& principal) {
    client::tls_options t;
    t.ca_file = o.ca;
    if (!o.cert.empty()) {
        t.certificate_file = o.cert;
        t.private_key_file = o.key;
    } else if (!o.pki.empty()) {
        t.certificate_file = o.pki + "/" + principal + ".pem";
        t.private_key_file = o.pki + "/" + principal + ".key";
    } else {
        throw std::invalid_argument("give --cert/--key or --pki");
    }
    return t;
}

std::string principal_or(options const& o, std::string const& fallback) { return o.as.empty() ? fallback : o.as; }

std::string usage() {
    return "usage: varde-bench requests|handshakes|publish|fanout|list|idle [options]\n"
           "  --url https://127.0.0.1:8443 | --host H --port P\n"
           "  --pki DIR [--as NAME]  or  --ca F --cert F --key F\n"
           "  --duration S (10)  --connections N (4)  --count N (stop after N ops)\n"
           "  --rate R (fanout: reports/s, 10; publish, list: fixed rate, latency from the schedule)\n"
           "  --blocking (requests: a blocking thread per connection instead of one async thread)\n"
           "  --report-id ID (requests: read this report instead of publishing one first)\n"
           "  --resume (handshakes: offer the previous connection's session)\n"
           "  --view V (list: view=V)  --hold S (idle: seconds open, --duration)  --in-flight N (16)\n"
           "  --publishers N (fanout: N concurrent publishers sharing --rate, 1)\n"
           "  --node-pid PID (node CPU per op, node memory for idle)  --example FILE (report template)\n"
           "  --db-pid PID (PostgreSQL's postmaster: the database's CPU per op)\n"
           "Prints one JSON line of results. See bench/README.md.\n";
}

}  // namespace varde::bench

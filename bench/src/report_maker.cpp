#include "report_maker.hpp"

#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>

namespace varde::bench {

namespace {

std::string hex(std::uint64_t v, int width) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llx", width, static_cast<unsigned long long>(v));
    return buf;
}

// A digest-shaped value unique to (run, n, which): only its shape and uniqueness matter.
std::string fake_digest(std::uint64_t run, std::uint64_t n, int which, int hex_chars) {
    std::mt19937_64 gen(run * 1000003u + n * 31u + static_cast<std::uint64_t>(which));
    std::string out;
    while (static_cast<int>(out.size()) < hex_chars) out += hex(gen(), 16);
    return out.substr(0, static_cast<std::size_t>(hex_chars));
}

nlohmann::json attacker(std::string type, std::string value) {
    return {{"type", std::move(type)}, {"value", std::move(value)}, {"role", "attacker"}};
}

}  // namespace

report_maker::report_maker(std::string const& template_file, std::uint64_t run) {
    std::ifstream in(template_file);
    if (!in) throw std::runtime_error("cannot read the report template " + template_file);
    template_ = nlohmann::json::parse(in);
    run_ = run ? run : std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32);
    tag_ = hex(run_ & 0xffffffffu, 8);
}

// Every value is unique to this report: shared indicators would make each report's
// `related` list (and so every GET) grow with the size of the benchmark.
nlohmann::json report_maker::indicators(std::uint64_t n) const {
    auto id = tag_ + "-" + std::to_string(n);
    auto v6 = "2001:db8:bee:" + hex(run_ & 0xffff, 1) + ":" + hex((n >> 16) & 0xffff, 1) + ":" + hex(n & 0xffff, 1) + "::";
    return nlohmann::json::array({
        attacker("ipv6", v6 + "1"),
        attacker("ipv6", v6 + "2"),
        attacker("domain", "c2-" + id + ".example.net"),
        attacker("domain", "stage-" + id + ".example.org"),
        attacker("url", "https://c2-" + id + ".example.net/ica/msvcr100.dll"),
        attacker("sha256", fake_digest(run_, n, 1, 64)),
        attacker("sha256", fake_digest(run_, n, 2, 64)),
        attacker("md5", fake_digest(run_, n, 3, 32)),
        attacker("email", "it-support@c2-" + id + ".example.net"),
        attacker("filename", "payload-" + id + ".dll"),
    });
}

std::string report_maker::make(std::uint64_t n, std::string const& title) const {
    auto r = template_;
    r["title"] = title.empty() ? "Intrusion through Citrix and LogMeIn, case " + tag_ + "-" + std::to_string(n) : title;
    r["indicators"] = indicators(n);
    return r.dump();
}

}  // namespace varde::bench

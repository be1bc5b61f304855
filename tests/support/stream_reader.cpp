#include "stream_reader.hpp"

#include <nlohmann/json.hpp>

namespace varde::test {

stream_reader::stream_reader(unsigned short port, client::tls_options tls, std::string const& query,
                             int receive_buffer_bytes)
    : client_(std::make_unique<client::stream_client>(client::target{"127.0.0.1", port}, std::move(tls), query,
                                                      std::chrono::seconds(10), receive_buffer_bytes)) {}

std::optional<stream_event> stream_reader::next(std::chrono::milliseconds wait) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (!closed_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        auto item = client_->next(left);
        if (std::holds_alternative<client::stream_timeout>(item)) return std::nullopt;
        if (auto* c = std::get_if<client::stream_closed>(&item)) {
            closed_ = *c;
            return std::nullopt;
        }
        auto text = std::get<client::stream_frame>(item).text;
        auto frame = nlohmann::json::parse(text);
        cursor_ = frame.at("cursor").get<std::string>();
        if (frame.at("event") == "heartbeat") continue;
        return stream_event{frame.at("event"), frame.at("report").at("id"), cursor_, std::move(text)};
    }
    return std::nullopt;
}

std::vector<stream_event> stream_reader::drain(std::chrono::milliseconds quiet) {
    std::vector<stream_event> out;
    while (auto e = next(quiet)) out.push_back(std::move(*e));
    return out;
}

std::string resume_cursor_of(std::string const& reason) {
    auto at = reason.find("since=");
    return at == std::string::npos ? std::string{} : reason.substr(at + 6);
}

}  // namespace varde::test

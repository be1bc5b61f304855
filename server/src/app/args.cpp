#include "app/args.hpp"

namespace varde::app {

args::args(int argc, char** argv, int first) {
    std::vector<std::string> words;
    for (int i = first; i < argc; ++i) words.emplace_back(argv[i]);
    parse(words);
}

args::args(std::vector<std::string> words) { parse(words); }

void args::parse(std::vector<std::string> const& words) {
    for (std::size_t i = 0; i < words.size(); ++i) {
        auto const& w = words[i];
        if (!w.starts_with("--")) {
            positional_.push_back(w);
            continue;
        }
        auto eq = w.find('=');
        if (eq != std::string::npos) {
            options_[w.substr(2, eq - 2)].push_back(w.substr(eq + 1));
        } else if (i + 1 < words.size() && !words[i + 1].starts_with("--")) {
            options_[w.substr(2)].push_back(words[++i]);
        } else {
            options_[w.substr(2)].push_back("");  // a bare flag
        }
    }
}

std::optional<std::string> args::get(std::string const& name) const {
    auto it = options_.find(name);
    if (it == options_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> args::all(std::string const& name) const {
    auto it = options_.find(name);
    return it == options_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace varde::app

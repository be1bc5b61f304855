#include "page_skim.hpp"

#include <stdexcept>

namespace varde::bench {

namespace {

// A recursive-descent validator over the body; only the top level's members are looked at.
class skimmer {
public:
    skimmer(std::string_view text, std::size_t max_depth) : s_(text), max_depth_(max_depth) {}

    page_summary run() {
        skip_space();
        if (peek() != '{') fail("a page is a JSON object");
        top_object();
        skip_space();
        if (i_ != s_.size()) fail("text after the page's object");
        return out_;
    }

private:
    [[noreturn]] void fail(char const* what) const {
        throw std::runtime_error("page is not JSON at byte " + std::to_string(i_) + ": " + what);
    }
    char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
    void expect(char c, char const* what) {
        if (peek() != c) fail(what);
        ++i_;
    }
    void skip_space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }

    // The page itself: its members are the ones looked at.
    void top_object() {
        ++i_;  // '{'
        skip_space();
        if (peek() == '}') return void(++i_);
        for (;;) {
            skip_space();
            auto key = string_value();
            skip_space();
            expect(':', "':' after a member's name");
            skip_space();
            if (key == "items" && peek() == '[') {
                out_.saw_items = true;
                out_.items = array(2);
            } else if (key == "next_cursor") {
                out_.saw_cursor = true;
                if (peek() == '"')
                    out_.cursor = string_value();
                else if (literal("null"))
                    out_.cursor.reset();
                else
                    fail("next_cursor is neither a string nor null");
            } else {
                value(1);
            }
            skip_space();
            if (peek() == '}') return void(++i_);
            expect(',', "',' or '}' after a member");
        }
    }

    void value(std::size_t depth) {
        switch (peek()) {
        case '{': return object(depth + 1);
        case '[': return void(array(depth + 1));
        case '"': return skip_string();
        case 't': if (!literal("true")) fail("bad literal"); return;
        case 'f': if (!literal("false")) fail("bad literal"); return;
        case 'n': if (!literal("null")) fail("bad literal"); return;
        default: return number();
        }
    }

    void object(std::size_t depth) {
        if (depth > max_depth_) fail("nested too deeply");
        ++i_;  // '{'
        skip_space();
        if (peek() == '}') return void(++i_);
        for (;;) {
            skip_space();
            if (peek() != '"') fail("a member's name is a string");
            skip_string();
            skip_space();
            expect(':', "':' after a member's name");
            skip_space();
            value(depth);
            skip_space();
            if (peek() == '}') return void(++i_);
            expect(',', "',' or '}' after a member");
        }
    }

    // Returns the number of elements.
    std::size_t array(std::size_t depth) {
        if (depth > max_depth_) fail("nested too deeply");
        ++i_;  // '['
        skip_space();
        if (peek() == ']') return ++i_, 0;
        for (std::size_t n = 1;; ++n) {
            skip_space();
            value(depth);
            skip_space();
            if (peek() == ']') return ++i_, n;
            expect(',', "',' or ']' after an element");
        }
    }

    bool literal(std::string_view word) {
        if (s_.substr(i_, word.size()) != word) return false;
        i_ += word.size();
        return true;
    }

    void digits() {
        if (peek() < '0' || peek() > '9') fail("a digit");
        while (peek() >= '0' && peek() <= '9') ++i_;
    }

    void number() {
        if (peek() == '-') ++i_;
        if (peek() == '0')
            ++i_;
        else
            digits();
        if (peek() == '.') ++i_, digits();
        if (peek() == 'e' || peek() == 'E') {
            ++i_;
            if (peek() == '+' || peek() == '-') ++i_;
            digits();
        }
    }

    static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

    // Checks one escape after its backslash; returns the character it stands for when that is
    // ASCII, '\0' otherwise (a \u escape above 0x7f).
    char escape() {
        char c = peek();
        ++i_;
        switch (c) {
        case '"': case '\\': case '/': return c;
        case 'b': return '\b';
        case 'f': return '\f';
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 'u': {
            if (i_ + 4 > s_.size()) fail("a \\u escape needs four hex digits");
            unsigned v = 0;
            for (int k = 0; k < 4; ++k) {
                char h = s_[i_++];
                if (!is_hex(h)) fail("a \\u escape needs four hex digits");
                v = v * 16 + static_cast<unsigned>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
            }
            return v < 0x80 ? static_cast<char>(v) : '\0';
        }
        default: fail("an unknown escape");
        }
    }

    void skip_string() {
        ++i_;  // '"'
        for (;;) {
            if (i_ >= s_.size()) fail("a string that does not end");
            auto c = static_cast<unsigned char>(s_[i_++]);
            if (c == '"') return;
            if (c < 0x20) fail("a control character in a string");
            if (c == '\\') escape();
        }
    }

    // A string whose value is needed (a top-level name, the cursor): ASCII escapes decoded.
    std::string string_value() {
        if (peek() != '"') fail("a string");
        ++i_;
        std::string v;
        for (;;) {
            if (i_ >= s_.size()) fail("a string that does not end");
            auto c = static_cast<unsigned char>(s_[i_++]);
            if (c == '"') return v;
            if (c < 0x20) fail("a control character in a string");
            if (c != '\\') {
                v += static_cast<char>(c);
                continue;
            }
            char e = escape();
            if (e == '\0') fail("a non-ASCII \\u escape in a name or cursor");
            v += e;
        }
    }

    std::string_view s_;
    std::size_t max_depth_;
    std::size_t i_ = 0;
    page_summary out_;
};

}  // namespace

page_summary skim_page(std::string_view body, std::size_t max_depth) { return skimmer(body, max_depth).run(); }

}  // namespace varde::bench

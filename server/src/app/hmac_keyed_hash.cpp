#include "app/hmac_keyed_hash.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace varde::app {

std::string hmac_keyed_hash::hex_mac(std::string_view message) const {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
              reinterpret_cast<unsigned char const*>(message.data()), message.size(), md, &len))
        throw std::runtime_error("HMAC-SHA256 failed");
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 0xf];
    }
    return out;
}

}  // namespace varde::app

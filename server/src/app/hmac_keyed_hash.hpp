#pragma once
// HMAC-SHA256 with the node's pseudonym secret: the keyed hash behind pseudonymous sources.
// Without the secret a pseudonym cannot be recomputed from an organisation's name.
#include <string>

#include "domain/pseudonym.hpp"

namespace varde::app {

class hmac_keyed_hash final : public domain::keyed_hash {
public:
    explicit hmac_keyed_hash(std::string secret) : secret_(std::move(secret)) {}
    std::string hex_mac(std::string_view message) const override;

private:
    std::string secret_;
};

}  // namespace varde::app

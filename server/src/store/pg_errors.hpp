#pragma once
// Translation of libpqxx exceptions to store::failure, in one place. Internal to store/.

namespace varde::store {

// Call inside a catch block: rethrows the current exception as a store::failure.
[[noreturn]] void rethrow_as_store_failure();

}  // namespace varde::store

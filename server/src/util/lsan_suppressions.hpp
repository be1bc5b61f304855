#pragma once
// Leaks of the libraries we use that LeakSanitizer should not report, for sanitizer builds
// only. Include in exactly one translation unit of each executable (the runtime looks the
// hook up by name).
//
// libpqxx 6.4 leaks the PGresult of a statement whose connection was lost while it ran:
// connection_base::exec_prepared asks the lost connection for its client encoding ("Could not
// obtain client encoding: not connected") before it owns the result, and that throws. Seen in
// SingleWrite.AConnectionLostWhileTheStatementRunsIsInDoubt; a few hundred bytes per lost
// connection, in libpqxx's code, not ours.
#if defined(__SANITIZE_ADDRESS__)
extern "C" char const* __lsan_default_suppressions() {  // NOLINT: the sanitizer's own name
    return "leak:pqxx::connection_base::exec_prepared\n";
}
#endif

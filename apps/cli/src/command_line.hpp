#pragma once

// The command line of `barbershop`: its options and subcommands, and running the one chosen.
//
// Exit codes: 0 done, 1 the server refused or there is no session, 2 bad usage,
// 3 the server could not be reached (UNAVAILABLE or DEADLINE_EXCEEDED).

namespace barbershop::cli {

/// Parses `argv`, runs the chosen command with the session in the user's config folder,
/// printing to stdout and stderr; the process exit code.  May throw what the standard
/// library throws (e.g. std::bad_alloc).
int Run(int argc, char** argv);

}  // namespace barbershop::cli

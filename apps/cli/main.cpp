// `barbershop`: the command-line client of the core service.  It signs up, logs in (keeping
// the session in the user's config folder) and books, moves, confirms, cancels, closes
// and lists appointments over the core's gRPC API.

#include <exception>
#include <iostream>

#include "command_line.hpp"
#include "failure.hpp"

int main(int argc, char** argv) {
  try {
    return barbershop::cli::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "barbershop: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "barbershop: unexpected error\n";
  }
  return barbershop::cli::kExitRefused;
}

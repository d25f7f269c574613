#pragma once

namespace barbershop::common {

/// The canonical name of a gRPC status code given by its number ("OK" for 0,
/// "UNAUTHENTICATED" for 16), as metrics label calls and the CLI prints failures;
/// "UNKNOWN" for a number outside 0 to 16.  Takes the number so that code without gRPC
/// can name codes too.
const char* GrpcCodeName(int code);

}  // namespace barbershop::common

#pragma once
/// A TCP reachability probe run before the driver connects, so "name not
/// resolved", "refused" and "timed out" are told apart from the socket API's
/// own error codes instead of from driver message text.

#include <string>

#include "core/result.h"

namespace ferry::connect {

/// Resolves host and opens (then closes) a TCP connection to host:port within
/// timeoutSeconds. The error names the cause and the fix.
core::Status probeTcp(const std::string& host, int port, int timeoutSeconds, const std::string& what);

}  // namespace ferry::connect

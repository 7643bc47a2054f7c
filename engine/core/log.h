#pragma once
/// Logging sink: the engine writes log lines through one replaceable sink so the
/// CLI can print to stderr and the GUI can show them in its log view. Every line
/// passes through the registered redactors first, so no secret reaches a sink.

#include <functional>
#include <string>
#include <string_view>

namespace ferry::core {

enum class LogLevel { Debug, Info, Warning, Error };

using LogSink = std::function<void(LogLevel, std::string_view)>;

/// Replaces the process-wide sink (default: stderr, Info and above). Thread-safe.
void setLogSink(LogSink sink);
void setLogLevel(LogLevel minimum);
void log(LogLevel level, std::string_view message);

/// Registers a secret that must never be printed; every later log line has it
/// replaced by "****". Used by connect/ for passwords it resolves.
void registerSecret(std::string secret);
/// Applies the registered secrets to a text.
std::string redactSecrets(std::string text);

}  // namespace ferry::core

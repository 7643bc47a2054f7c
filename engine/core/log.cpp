#include "core/log.h"

#include <cstdio>
#include <mutex>
#include <vector>

#include "core/text.h"

namespace ferry::core {
namespace {

struct LogState {
  std::mutex mutex;
  LogSink sink;
  LogLevel minimum = LogLevel::Info;
  std::vector<std::string> secrets;
};

LogState& state() {
  static LogState s;
  return s;
}

const char* levelName(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "info";
}

}  // namespace

void setLogSink(LogSink sink) {
  std::lock_guard lock(state().mutex);
  state().sink = std::move(sink);
}

void setLogLevel(LogLevel minimum) {
  std::lock_guard lock(state().mutex);
  state().minimum = minimum;
}

void registerSecret(std::string secret) {
  // Very short secrets would redact ordinary words; they are still never printed
  // by us on purpose, this is only the safety net.
  if (secret.size() < 3) return;
  std::lock_guard lock(state().mutex);
  for (const auto& s : state().secrets) {
    if (s == secret) return;
  }
  state().secrets.push_back(std::move(secret));
}

std::string redactSecrets(std::string text) {
  std::lock_guard lock(state().mutex);
  for (const auto& s : state().secrets) text = replaceAll(std::move(text), s, "****");
  return text;
}

void log(LogLevel level, std::string_view message) {
  std::string line = redactSecrets(std::string(message));
  std::lock_guard lock(state().mutex);
  if (level < state().minimum) return;
  if (state().sink) {
    state().sink(level, line);
  } else {
    std::fprintf(stderr, "ferry: %s: %s\n", levelName(level), line.c_str());
  }
}

}  // namespace ferry::core

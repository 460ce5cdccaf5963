// Named spdlog loggers sharing one sink, text or JSON lines, with secrets redacted from every
// message before it is written.
#pragma once

#include <spdlog/logger.h>
#include <spdlog/sinks/sink.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace switchboard::kernel::observability {

// `text` as it goes into one log line: CR and LF as \r and \n, every other control
// character (NUL, ESC of ANSI sequences, DEL, C1) as \xNN or \uNNNN, bytes that are not
// UTF-8 as \xNN; tabs and printable text unchanged. For JSON lines (`json`), C0 controls
// are left to the JSON encoder, which escapes them itself.
std::string escapeForLog(std::string_view text, bool json);

class LogHub {
 public:
  // Writes to stderr unless a sink is given (tests capture output that way).
  explicit LogHub(spdlog::sink_ptr sink = nullptr);

  // Applies level, format and the values to redact to every logger, present and future.
  void configure(const config::LoggingConfig& logging, const std::vector<std::string>& secrets);

  // More values to redact, from files other than the main config (they survive configure()).
  void addSecrets(const std::vector<std::string>& secrets);

  std::shared_ptr<spdlog::logger> get(const std::string& name);

  struct Settings;  // shared with the formatter

 private:
  spdlog::sink_ptr sink_;
  std::shared_ptr<Settings> settings_;
  std::mutex mutex_;
  spdlog::level::level_enum level_ = spdlog::level::info;
  std::map<std::string, std::shared_ptr<spdlog::logger>> loggers_;
};

// Replaces each occurrence of a secret in `text` with "***".
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace switchboard::kernel::observability

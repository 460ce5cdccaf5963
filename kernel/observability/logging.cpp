#include "observability/logging.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <ctime>

#include "switchboard/bounded_text.h"

namespace switchboard::kernel::observability {

// Secrets shorter than this are not redacted: a 4-character value would blank out ordinary
// words, and such short values are not secrets worth the name.
constexpr std::size_t kMinSecretLength = 6;

struct LogHub::Settings {
  std::mutex mutex;
  bool json = false;
  std::vector<std::string> secrets;  // from the main config, replaced on reload
  std::vector<std::string> extra;    // from files plugins read; kept for the process' life
};

namespace {

void appendTime(spdlog::log_clock::time_point t, std::string& out) {
  const auto since = t.time_since_epoch();
  const std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(since).count();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  out += buf;
  std::snprintf(buf, sizeof buf, ".%03dZ", static_cast<int>(ms));
  out += buf;
}

void appendJsonString(const std::string& s, std::string& out) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void appendHex(unsigned value, const char* form, std::string& out) {
  char buf[8];
  std::snprintf(buf, sizeof buf, form, value);
  out += buf;
}

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(std::shared_ptr<LogHub::Settings> settings)
      : settings_(std::move(settings)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    bool json;
    std::string text(msg.payload.data(), msg.payload.size());
    {
      std::lock_guard lock(settings_->mutex);
      json = settings_->json;
      text = redact(std::move(text), settings_->secrets);
      text = redact(std::move(text), settings_->extra);
    }
    // One value, one line: CR/LF, NUL and ANSI escapes in what a request sent stay visible.
    text = escapeForLog(text, json);
    const auto level = spdlog::level::to_string_view(msg.level);
    std::string line;
    if (json) {
      line += "{\"time\":\"";
      appendTime(msg.time, line);
      line += "\",\"level\":\"" + std::string(level.data(), level.size()) + "\",\"logger\":";
      appendJsonString(std::string(msg.logger_name.data(), msg.logger_name.size()), line);
      line += ",\"message\":";
      appendJsonString(text, line);
      line += "}\n";
    } else {
      appendTime(msg.time, line);
      line += " [" + std::string(level.data(), level.size()) + "] [" +
              std::string(msg.logger_name.data(), msg.logger_name.size()) + "] " + text + "\n";
    }
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(settings_);
  }

 private:
  std::shared_ptr<LogHub::Settings> settings_;
};

}  // namespace

std::string escapeForLog(std::string_view text, bool json) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = switchboard::text::utf8SequenceAt(text, i);
    const auto b = static_cast<unsigned char>(text[i]);
    if (n == 0) {
      appendHex(b, "\\x%02x", out);  // not UTF-8
      ++i;
      continue;
    }
    const bool c0 = n == 1 && (b < 0x20 || b == 0x7F) && b != '\t';
    const bool c1 = n == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (json && c0) {
      out += static_cast<char>(b);  // the JSON encoder writes it as \uXXXX
    } else if (b == '\n') {
      out += "\\n";
    } else if (b == '\r') {
      out += "\\r";
    } else if (c0) {
      appendHex(b, "\\x%02x", out);
    } else if (c1) {
      appendHex(static_cast<unsigned char>(text[i + 1]), "\\u%04x", out);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < kMinSecretLength) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
      text.replace(pos, secret.size(), "***");
  }
  return text;
}

LogHub::LogHub(spdlog::sink_ptr sink)
    : sink_(sink ? std::move(sink) : std::make_shared<spdlog::sinks::stderr_sink_mt>()),
      settings_(std::make_shared<Settings>()) {
  sink_->set_formatter(std::make_unique<LineFormatter>(settings_));
  sink_->set_level(spdlog::level::trace);
}

void LogHub::configure(const config::LoggingConfig& logging,
                       const std::vector<std::string>& secrets) {
  {
    std::lock_guard lock(settings_->mutex);
    settings_->json = logging.format == "json";
    settings_->secrets = secrets;
  }
  std::lock_guard lock(mutex_);
  level_ = spdlog::level::from_str(logging.level);
  for (auto& [name, logger] : loggers_) logger->set_level(level_);
}

void LogHub::addSecrets(const std::vector<std::string>& secrets) {
  std::lock_guard lock(settings_->mutex);
  settings_->extra.insert(settings_->extra.end(), secrets.begin(), secrets.end());
}

std::shared_ptr<spdlog::logger> LogHub::get(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto& logger = loggers_[name];
  if (!logger) {
    logger = std::make_shared<spdlog::logger>(name, sink_);
    logger->set_level(level_);
    logger->flush_on(spdlog::level::trace);
  }
  return logger;
}

}  // namespace switchboard::kernel::observability

// Telegram's Bot API sendMessage (PROVIDERS.md) behind the SDK's AdminNotifier contract: an
// alert goes to the company's admin chat (catalog alerts.telegram_chat_id) and to the
// operations chat, paced (chat_pacer.h), split at 4096 characters, HTML-escaped. A 429's
// retry_after is honoured (RetryLater); the bot token is in the URL and never logged.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "chat_pacer.h"
#include "switchboard/contracts/admin_notifier.h"
#include "switchboard/http_client.h"

namespace telegram {

class TelegramNotifier final : public switchboard::contracts::AdminNotifier {
 public:
  using ChatOf = std::function<std::string(const switchboard::domain::CompanyId&)>;
  using Sleep = std::function<void(std::chrono::steady_clock::time_point)>;
  TelegramNotifier(switchboard::HttpClient& client, std::string base_url, std::string token,
                   std::string ops_chat, ChatOf chat_of, Sleep sleep_until);

  void notify(const switchboard::contracts::AdminAlert& alert) override;
  // One message (already HTML) to one chat, paced; throws RetryLater on 429.
  void sendHtml(const std::string& chat, const std::string& html, bool silent);

  // The alert as Telegram HTML pieces: a bold title line, then the text.
  static std::vector<std::string> render(const switchboard::contracts::AdminAlert& alert);

 private:
  switchboard::HttpClient& client_;
  std::string base_url_, token_, ops_chat_;
  ChatOf chat_of_;
  Sleep sleep_until_;
  ChatPacer pacer_;
  // Pieces already delivered (alert, chat, piece) in the last hour: a retried alert (a 429 on
  // its second chat) does not repeat what the first attempt delivered.
  std::mutex mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point> delivered_;
};

}  // namespace telegram

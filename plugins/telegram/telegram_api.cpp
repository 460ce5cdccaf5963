#include "telegram_api.h"

#include "switchboard/crypto.h"
#include "switchboard/errors.h"
#include "switchboard/json.h"
#include "telegram_text.h"

namespace telegram {

namespace json = switchboard::json;

TelegramNotifier::TelegramNotifier(switchboard::HttpClient& client, std::string base_url,
                                   std::string token, std::string ops_chat, ChatOf chat_of,
                                   Sleep sleep_until)
    : client_(client),
      base_url_(std::move(base_url)),
      token_(std::move(token)),
      ops_chat_(std::move(ops_chat)),
      chat_of_(std::move(chat_of)),
      sleep_until_(std::move(sleep_until)) {}

std::vector<std::string> TelegramNotifier::render(const switchboard::contracts::AdminAlert& a) {
  const std::string mark = a.severity == "critical"  ? "🔴"
                           : a.severity == "warning" ? "🟠"
                                                     : "🟢";
  std::vector<std::string> out;
  // Plain text is split first, then escaped: an entity is never cut in two. Escaping may
  // lengthen a piece up to 5×, hence the margin.
  const auto pieces = split(a.text, (kMaxMessage - 200) / 5 * 4);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    std::string html;
    if (i == 0) html = mark + " <b>" + htmlEscape(a.title.substr(0, 150)) + "</b>\n";
    html += htmlEscape(pieces[i]);
    while (html.size() > kMaxMessage) html.resize(kMaxMessage);  // cannot happen; never send >4096
    out.push_back(std::move(html));
  }
  return out;
}

void TelegramNotifier::sendHtml(const std::string& chat, const std::string& html, bool silent) {
  if (token_.empty()) throw std::runtime_error("telegram: no bot_token configured");
  sleep_until_(pacer_.reserve(chat, std::chrono::steady_clock::now()));
  json::Builder b;
  b.object();
  // A numeric chat id goes as a number, a @channel as a string.
  const bool numeric = !chat.empty() && chat.find_first_not_of("-0123456789") == std::string::npos;
  if (numeric)
    b.field("chat_id", std::stoll(chat));
  else
    b.field("chat_id", chat);
  b.field("text", html).field("parse_mode", "HTML").field("disable_notification", silent).end();
  switchboard::OutboundRequest r("POST", base_url_ + "/bot" + token_ + "/sendMessage");
  r.json(b.str());
  r.upstream = "telegram";
  r.secrets.push_back(token_);
  const auto resp = client_.send(r);
  if (resp.ok()) return;
  std::string description = resp.status ? resp.body.substr(0, 300) : resp.error;
  std::int64_t retry_after = 0;
  try {
    const auto doc = json::parse(resp.body);
    description = doc.root().string("description").value_or(description);
    retry_after = doc.root()["parameters"].integer("retry_after").value_or(0);
  } catch (const std::exception&) {
  }
  const std::string what = "Telegram answered " + std::to_string(resp.status) + ": " + description;
  if (resp.status == 429)
    throw switchboard::RetryLater(std::chrono::seconds(std::max<std::int64_t>(retry_after, 1)),
                                  what);
  throw std::runtime_error(what);
}

void TelegramNotifier::notify(const switchboard::contracts::AdminAlert& alert) {
  std::vector<std::string> chats;
  if (!alert.company.empty())
    if (auto chat = chat_of_(alert.company); !chat.empty()) chats.push_back(chat);
  if (!ops_chat_.empty() && (chats.empty() || chats.front() != ops_chat_))
    chats.push_back(ops_chat_);
  if (chats.empty()) throw std::runtime_error("telegram: no chat to tell (ops_chat_id unset)");
  const auto pieces = render(alert);
  const auto identity = switchboard::crypto::sha256Hex(alert.company + '\n' + alert.group_key +
                                                       '\n' + alert.title + '\n' + alert.text);
  for (const auto& chat : chats)
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      const auto key = identity + ":" + chat + ":" + std::to_string(i);
      const auto now = std::chrono::steady_clock::now();
      {
        std::lock_guard lock(mutex_);
        std::erase_if(delivered_,
                      [&](const auto& kv) { return now - kv.second > std::chrono::hours(1); });
        if (delivered_.count(key)) continue;
      }
      sendHtml(chat, pieces[i], alert.severity == "info");
      std::lock_guard lock(mutex_);
      delivered_[key] = now;
    }
}

}  // namespace telegram

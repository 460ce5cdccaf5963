// The Telegram provider plugin (PROVIDERS.md, Telegram Bot API). It translates:
//  - the SDK's AdminNotifier over sendMessage (telegram_api.h);
//  - POST /webhooks/telegram: updates Telegram sends after setWebhook(secret_token), checked
//    against X-Telegram-Bot-Api-Secret-Token in constant time (401 otherwise). A command from
//    a company's admin chat or the operations chat (`/ack`, `/calls today`, `/unassigned`,
//    `/help`) goes to the AdminCommands contract; the answer rides back in the webhook's
//    response as a sendMessage call (Telegram's "reply in the webhook" form). Other chats and
//    plain messages are acknowledged and ignored.
// config: base_url, bot_token, ops_chat_id, secret_token.
#include <map>
#include <thread>

#include "switchboard/config/plugin_config.h"
#include "switchboard/contracts/admin_commands.h"
#include "switchboard/crypto.h"
#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/sdk.h"
#include "switchboard/ttl_cache.h"
#include "telegram_api.h"
#include "telegram_text.h"

namespace {

using switchboard::HttpRequest;
using switchboard::HttpResponse;
namespace json = switchboard::json;
namespace domain = switchboard::domain;
namespace contracts = switchboard::contracts;

constexpr auto kChatsTtl = std::chrono::minutes(1);

class TelegramPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override {
    return {"telegram", "1.0.0", {contracts::AdminNotifier::kServiceName}, {}};
  }

  void configure(switchboard::Host& host) override {
    host_ = &host;
    std::string base_url = "https://api.telegram.org", token;
    switchboard::readPluginConfig(
        host, [&](switchboard::config::YamlReader& r, const YAML::Node& c) {
          if (!r.isMap(c, "config")) return;
          r.map(c, "config", {"base_url", "bot_token", "ops_chat_id", "secret_token"});
          base_url = r.string(c, "base_url", "config").value_or(base_url);
          token = r.string(c, "bot_token", "config").value_or("");
          ops_chat_ = r.string(c, "ops_chat_id", "config").value_or("");
          secret_ = r.string(c, "secret_token", "config").value_or("");
        });
    while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
    notifier_ = std::make_shared<telegram::TelegramNotifier>(
        host.client(), base_url, token, ops_chat_,
        [this](const std::string& company) { return chatOf(company); },
        [](std::chrono::steady_clock::time_point at) { std::this_thread::sleep_until(at); });
    host.services().provide<contracts::AdminNotifier>(notifier_);
    host.http().handler("webhook", [this](const HttpRequest& r) { return webhook(r); });
  }

 private:
  // ---- chats: company → its admin chat, read from the catalog and kept for a minute ----
  std::shared_ptr<const std::map<std::string, std::string>> chats() {
    return chats_.get([this] { return loadChats(); });
  }
  std::shared_ptr<const std::map<std::string, std::string>> loadChats() {
    auto fresh = std::make_shared<std::map<std::string, std::string>>();
    if (auto d = host_->services().find<domain::Directory>()) {
      host_->store().database().read([&](switchboard::db::Session& session) {
        for (const auto& c : d->adminCompanies(session))
          if (!c.telegram_chat_id.empty()) (*fresh)[c.id] = c.telegram_chat_id;
      });
    }
    return fresh;
  }

  std::string chatOf(const std::string& company) {
    const auto all = chats();
    const auto it = all->find(company);
    return it == all->end() ? "" : it->second;
  }

  HttpResponse webhook(const HttpRequest& r) {
    const auto given = r.header("x-telegram-bot-api-secret-token").value_or("");
    if (secret_.empty() || !switchboard::crypto::constantTimeEquals(given, secret_)) {
      host_->log()->warn("request {}: refused: {}", r.request_id,
                         given.empty() ? "missing X-Telegram-Bot-Api-Secret-Token"
                                       : "wrong X-Telegram-Bot-Api-Secret-Token");
      return HttpResponse::error(r, 401, "X-Telegram-Bot-Api-Secret-Token missing or wrong");
    }
    json::Document doc;
    try {
      doc = json::parse(r.body);
    } catch (const std::exception& e) {
      return HttpResponse::error(r, 400, e.what());
    }
    const auto message = doc.root()["message"];
    const auto text = message.string("text").value_or("");
    std::string chat;
    if (auto id = message["chat"].integer("id")) chat = std::to_string(*id);
    if (text.empty() || text.front() != '/' || chat.empty()) return ok();

    contracts::AdminCommand command;
    command.operations = !ops_chat_.empty() && chat == ops_chat_;
    for (const auto& [company, admin_chat] : *chats())
      if (admin_chat == chat) command.companies.push_back(company);
    if (!command.operations && command.companies.empty()) {
      host_->log()->info("request {}: a command from chat {} that is nobody's: ignored",
                         r.request_id, chat);
      return ok();
    }
    const auto& from = message["from"];
    command.who = from.string("username").value_or(from.string("first_name").value_or("?"));
    std::istringstream words(text.substr(1));
    words >> command.command;
    command.command = command.command.substr(0, command.command.find('@'));  // /ack@OurBot
    for (std::string w; words >> w;) command.args.push_back(w);

    std::string answer;
    if (auto commands = host_->services().find<contracts::AdminCommands>())
      answer = commands->handle(command);
    else
      answer = "No feature answers commands here.";
    // The answer as a method call in the webhook's response: no second request needed.
    json::Builder b;
    b.object().field("method", "sendMessage");
    b.field("chat_id", std::stoll(chat));
    b.field("text", telegram::split(telegram::htmlEscape(answer), telegram::kMaxMessage)[0])
        .field("parse_mode", "HTML")
        .end();
    return HttpResponse::json(200, b.str());
  }

  static HttpResponse ok() { return HttpResponse::json(200, R"({"ok":true})"); }

  switchboard::Host* host_ = nullptr;
  std::string ops_chat_, secret_;
  std::shared_ptr<telegram::TelegramNotifier> notifier_;
  switchboard::TtlCache<std::map<std::string, std::string>> chats_{kChatsTtl};
};

}  // namespace

SWITCHBOARD_PLUGIN(TelegramPlugin)

#include "support/fake_telegram.h"

#include "switchboard/json.h"

namespace sbtest {

using switchboard::testing::RecordedRequest;
using switchboard::testing::Reply;
namespace json = switchboard::json;

FakeTelegram::FakeTelegram(std::string bot_token) : path_("/bot" + bot_token + "/sendMessage") {
  api_.on("POST", path_, [this](const RecordedRequest& r) {
    const auto bad = [](const std::string& why) {
      json::Builder b;
      b.object()
          .field("ok", false)
          .field("error_code", 400)
          .field("description", "Bad Request: " + why);
      return Reply::json(400, b.end().str());
    };
    json::Document doc;
    try {
      doc = json::parse(r.body);
    } catch (const std::exception&) {
      return bad("can't parse JSON");
    }
    const auto root = doc.root();
    const auto chat = root["chat_id"];
    if (!chat.exists()) return bad("chat_id is empty");
    const auto text = root.string("text").value_or("");
    if (text.empty()) return bad("message text is empty");
    if (text.size() > 4096) return bad("message is too long");
    std::lock_guard lock(mutex_);
    sent_.push_back({chat.isString() ? *chat.asString() : std::to_string(*chat.asInteger()), text,
                     root.string("parse_mode").value_or("")});
    return Reply::json(
        200, R"({"ok":true,"result":{"message_id":)" + std::to_string(sent_.size()) + "}}");
  });
}

std::vector<FakeTelegram::Message> FakeTelegram::sent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

std::vector<FakeTelegram::Message> FakeTelegram::sentTo(const std::string& chat_id) const {
  std::vector<Message> out;
  for (auto& m : sent())
    if (m.chat_id == chat_id) out.push_back(m);
  return out;
}

std::vector<RecordedRequest> FakeTelegram::attempts() const {
  return api_.requests("POST", path_);
}

}  // namespace sbtest

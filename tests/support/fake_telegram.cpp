#include "support/fake_telegram.h"

#include <set>
#include <vector>

#include "switchboard/json.h"

namespace sbtest {

using switchboard::testing::RecordedRequest;
using switchboard::testing::Reply;
namespace json = switchboard::json;

namespace {

// Why Telegram could not read `text` as its HTML (parse_mode HTML), empty when it can: only its
// tags (b, strong, i, em, u, ins, s, strike, del, a, code, pre, span, tg-spoiler, tg-emoji,
// blockquote), properly nested, and only the entities &lt; &gt; &amp; &quot; and numeric ones;
// a bare '<' or '&' is refused as Telegram refuses it ("can't parse entities").
std::string htmlProblem(const std::string& text) {
  static const std::set<std::string> kTags = {
      "b",   "strong", "i",    "em",  "u",    "ins",        "s",        "strike",
      "del", "a",      "code", "pre", "span", "tg-spoiler", "tg-emoji", "blockquote"};
  std::vector<std::string> open;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto at = " at byte offset " + std::to_string(i);
    if (text[i] == '&') {
      const auto end = text.find(';', i);
      const auto name = end == std::string::npos ? "" : text.substr(i + 1, end - i - 1);
      const bool numeric =
          name.size() > 1 && name[0] == '#' &&
          name.find_first_not_of("0123456789xXabcdefABCDEF", 1) == std::string::npos;
      if (name != "lt" && name != "gt" && name != "amp" && name != "quot" && !numeric)
        return "Can't find end of the entity starting" + at;
      i = end;
    } else if (text[i] == '<') {
      const auto end = text.find('>', i);
      if (end == std::string::npos) return "Unclosed start tag" + at;
      const bool closing = i + 1 < text.size() && text[i + 1] == '/';
      const auto inner = text.substr(i + 1 + closing, end - i - 1 - closing);
      const auto name = inner.substr(0, inner.find(' '));
      if (!kTags.count(name))
        return std::string(closing ? "Unexpected end tag" : "Unsupported start tag \"") + name +
               (closing ? "" : "\"") + at;
      if (closing) {
        if (open.empty() || open.back() != name) return "Unmatched end tag" + at;
        open.pop_back();
      } else {
        open.push_back(name);
      }
      i = end;
    }  // a lone '>' Telegram reads as text
  }
  return open.empty() ? ""
                      : "Can't find end tag corresponding to start tag \"" + open.back() + "\"";
}

}  // namespace

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
    if (root.string("parse_mode").value_or("") == "HTML")
      if (const auto problem = htmlProblem(text); !problem.empty())
        return bad("can't parse entities: " + problem);
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

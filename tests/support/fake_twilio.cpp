#include "support/fake_twilio.h"

#include "switchboard/crypto.h"
#include "switchboard/json.h"

namespace sbtest {

using switchboard::testing::RecordedRequest;
using switchboard::testing::Reply;
namespace json = switchboard::json;

namespace {
Reply error(int status, int code, const std::string& message) {
  json::Builder b;
  b.object().field("code", code).field("message", message).field("status", status);
  return Reply::json(status, b.end().str());
}
}  // namespace

FakeTwilio::FakeTwilio(std::string account_sid, std::string auth_token)
    : sid_(std::move(account_sid)),
      token_(std::move(auth_token)),
      path_("/2010-04-01/Accounts/" + sid_ + "/Messages.json") {
  api_.on("POST", path_, [this](const RecordedRequest& r) { return send(r); });
  api_.on("GET", path_, [this](const RecordedRequest& r) { return list(r); });
}

void FakeTwilio::refuse(const std::string& number, int code, const std::string& message) {
  std::lock_guard lock(mutex_);
  refused_[number] = {code, message};
}

Reply FakeTwilio::send(const RecordedRequest& r) {
  if (r.header("authorization").value_or("") !=
      "Basic " + switchboard::crypto::base64Encode(sid_ + ":" + token_))
    return error(401, 20003, "Authenticate");
  const auto to = r.formField("To"), body = r.formField("Body");
  const auto from = r.formField("From"), service = r.formField("MessagingServiceSid");
  if (!to || to->empty()) return error(400, 21604, "A 'To' phone number is required.");
  if (!body || body->empty()) return error(400, 21602, "Message body is required.");
  if (body->size() > 1600) return error(400, 21617, "The concatenated message body exceeds 1600");
  if (!from && !service) return error(400, 21603, "A 'From' phone number is required.");
  std::lock_guard lock(mutex_);
  if (auto refused = refused_.find(*to); refused != refused_.end())
    return error(400, refused->second.first, refused->second.second);
  // A stalled answer: Twilio took the message (or lost it) but answers too late.
  const auto stall = stall_.exchange(Stall::None);
  const auto late = std::chrono::seconds(3);
  if (stall == Stall::Lost) return Reply::json(201, "{}").after(late);
  const Message m{"SM" + std::to_string(taken_.size() + 1), *to, from.value_or(""), *body,
                  r.formField("StatusCallback").value_or("")};
  taken_.push_back(m);
  json::Builder b;
  b.object()
      .field("sid", m.sid)
      .field("status", "queued")
      .field("to", m.to)
      .field("body", m.body)
      .field("num_segments", "1")
      .key("price")
      .null();
  auto reply = Reply::json(201, b.end().str());
  return stall == Stall::Taken ? reply.after(late) : reply;
}

Reply FakeTwilio::list(const RecordedRequest& r) const {
  if (r.header("authorization").value_or("") !=
      "Basic " + switchboard::crypto::base64Encode(sid_ + ":" + token_))
    return error(401, 20003, "Authenticate");
  const auto to = r.queryParam("To"), from = r.queryParam("From");
  json::Builder b;
  b.object().key("messages").array();
  std::lock_guard lock(mutex_);
  for (auto m = taken_.rbegin(); m != taken_.rend(); ++m) {
    if ((to && *to != m->to) || (from && *from != m->from)) continue;
    b.object()
        .field("sid", m->sid)
        .field("to", m->to)
        .field("from", m->from)
        .field("body", m->body)
        .field("status", "queued")
        .end();
  }
  b.end().field("page", 0).field("page_size", 50);
  return Reply::json(200, b.end().str());
}

std::vector<FakeTwilio::Message> FakeTwilio::taken() const {
  std::lock_guard lock(mutex_);
  return taken_;
}
std::vector<RecordedRequest> FakeTwilio::posts() const {
  return api_.requests("POST", path_);
}
std::vector<RecordedRequest> FakeTwilio::lookups() const {
  return api_.requests("GET", path_);
}

}  // namespace sbtest

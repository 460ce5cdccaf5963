#include "inbox/admin_api.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace switchboard::kernel::inbox {
namespace {

using switchboard::HttpResponse;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, const std::string& s) {
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

void writeRecord(Writer& w, const Record& r, bool full) {
  w.StartObject();
  w.Key("id");
  w.Int64(r.item.id);
  w.Key("kind");
  str(w, r.kind);
  w.Key("source");
  str(w, r.item.source);
  w.Key("handler");
  str(w, r.handler);
  w.Key("type");
  str(w, r.item.type);
  w.Key("key");
  str(w, r.item.key);
  w.Key("tenant");
  str(w, r.item.tenant);
  w.Key("state");
  str(w, r.state);
  w.Key("attempts");
  w.Int(r.attempts);
  w.Key("received_at_ms");
  w.Int64(toMs(r.item.received_at));
  w.Key("run_at_ms");
  w.Int64(r.run_at_ms);
  if (r.finished_at_ms) {
    w.Key("finished_at_ms");
    w.Int64(r.finished_at_ms);
  }
  if (!r.last_error.empty()) {
    w.Key("last_error");
    str(w, r.last_error);
  }
  if (full) {
    w.Key("headers");
    w.StartArray();
    for (const auto& h : r.item.headers) {
      w.StartArray();
      str(w, h.name);
      str(w, h.value);
      w.EndArray();
    }
    w.EndArray();
    w.Key("payload");
    str(w, r.item.payload);
  }
  w.EndObject();
}

std::optional<std::int64_t> idParam(const switchboard::HttpRequest& request) {
  const auto id = request.param("id");
  if (!id || id->empty() || id->size() > 18) return std::nullopt;
  for (char c : *id)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoll(std::string(*id));
}

}  // namespace

std::string recordJson(const Record& record, bool full) {
  rapidjson::StringBuffer out;
  Writer w(out);
  writeRecord(w, record, full);
  return out.GetString();
}

HttpResponse listItems(Inbox& inbox, const switchboard::HttpRequest& request) {
  std::optional<std::string> state;
  if (auto s = request.queryParam("state")) {
    if (*s != "pending" && *s != "running" && *s != "done" && *s != "dead")
      return HttpResponse::error(request, 400, "state must be pending, running, done or dead");
    state = std::string(*s);
  }
  int limit = 100;
  if (auto l = request.queryParam("limit")) {
    try {
      limit = std::stoi(std::string(*l));
    } catch (const std::exception&) {
      limit = -1;
    }
    if (limit < 1 || limit > 1000)
      return HttpResponse::error(request, 400, "limit must be from 1 to 1000");
  }
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const auto& r : inbox.store().list(state, limit)) writeRecord(w, r, false);
  w.EndArray();
  w.EndObject();
  return HttpResponse::json(200, out.GetString());
}

HttpResponse showItem(Inbox& inbox, const switchboard::HttpRequest& request) {
  const auto id = idParam(request);
  if (!id) return HttpResponse::error(request, 400, "the id must be a number");
  const auto record = inbox.store().get(*id);
  if (!record) return HttpResponse::error(request, 404, "no inbox item " + std::to_string(*id));
  return HttpResponse::json(200, recordJson(*record, true));
}

HttpResponse replayItem(Inbox& inbox, const switchboard::HttpRequest& request,
                        std::int64_t now_ms) {
  const auto id = idParam(request);
  if (!id) return HttpResponse::error(request, 400, "the id must be a number");
  if (!inbox.store().replay(*id, now_ms)) {
    const auto record = inbox.store().get(*id);
    if (!record) return HttpResponse::error(request, 404, "no inbox item " + std::to_string(*id));
    return HttpResponse::error(request, 409,
                               "inbox item " + std::to_string(*id) + " is " + record->state +
                                   "; only dead or done items are replayed");
  }
  inbox.wake();
  return HttpResponse::json(202, R"({"replayed":)" + std::to_string(*id) + "}");
}

HttpResponse replayDead(Inbox& inbox, const switchboard::HttpRequest&, std::int64_t now_ms) {
  const int n = inbox.store().replayDead(now_ms);
  inbox.wake();
  return HttpResponse::json(202, R"({"replayed":)" + std::to_string(n) + "}");
}

}  // namespace switchboard::kernel::inbox

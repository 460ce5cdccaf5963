#include "events/event_codec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace switchboard::kernel::events {

std::string toJson(const switchboard::Event& event) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  auto str = [&](const std::string& s) {
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("topic");
  str(event.topic);
  w.Key("id");
  str(event.id);
  w.Key("time_ms");
  w.Int64(
      std::chrono::duration_cast<std::chrono::milliseconds>(event.time.time_since_epoch()).count());
  w.Key("tenant");
  str(event.tenant);
  w.Key("payload");
  str(event.payload);
  w.EndObject();
  return out.GetString();
}

switchboard::Event fromJson(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  auto text = [&](const char* key) -> std::string {
    if (!doc.IsObject() || !doc.HasMember(key) || !doc[key].IsString())
      throw std::invalid_argument(std::string("stored event has no string '") + key + "'");
    return {doc[key].GetString(), doc[key].GetStringLength()};
  };
  switchboard::Event e;
  e.topic = text("topic");
  e.id = text("id");
  e.tenant = text("tenant");
  e.payload = text("payload");
  if (!doc.HasMember("time_ms") || !doc["time_ms"].IsInt64())
    throw std::invalid_argument("stored event has no time_ms");
  e.time = switchboard::TimePoint(std::chrono::milliseconds(doc["time_ms"].GetInt64()));
  return e;
}

}  // namespace switchboard::kernel::events

// JSON for plugins, RapidJSON underneath: a builder that escapes for you and a reader whose
// lookups say what is missing. One way to read and write JSON in every plugin.
//
//   std::string body = json::Builder().object()
//                          .field("name", customer.name).field("minutes", 45).end().str();
//   auto doc = json::parse(request.body);           // throws json::ParseError (a 400's reason)
//   std::string id = doc.root().requireString("call_id");
//   auto tz = doc.root()["call"].string("timezone");   // nullopt when absent or not a string
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::json {

class Builder {
 public:
  Builder() : w_(buffer_) {}
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  Builder& object() {
    w_.StartObject();
    stack_.push_back(true);
    return *this;
  }
  Builder& array() {
    w_.StartArray();
    stack_.push_back(false);
    return *this;
  }
  // Ends the innermost object or array.
  Builder& end() {
    if (stack_.empty()) throw std::logic_error("json::Builder::end() without object()/array()");
    stack_.back() ? w_.EndObject() : w_.EndArray();
    stack_.pop_back();
    return *this;
  }
  Builder& key(std::string_view k) {
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  Builder& value(std::string_view v) {
    w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    return *this;
  }
  Builder& value(const std::string& v) { return value(std::string_view(v)); }
  Builder& value(const char* v) { return value(std::string_view(v)); }
  Builder& value(bool v) { return (w_.Bool(v), *this); }
  Builder& value(int v) { return (w_.Int64(v), *this); }
  Builder& value(long v) { return (w_.Int64(v), *this); }
  Builder& value(long long v) { return (w_.Int64(v), *this); }
  Builder& value(unsigned v) { return (w_.Uint64(v), *this); }
  Builder& value(unsigned long v) { return (w_.Uint64(v), *this); }
  Builder& value(unsigned long long v) { return (w_.Uint64(v), *this); }
  Builder& value(double v) { return (w_.Double(v), *this); }
  template <class T>
  Builder& value(const std::optional<T>& v) {
    return v ? value(*v) : null();
  }
  Builder& null() { return (w_.Null(), *this); }
  // Inserts already-serialised JSON (a payload stored as text) as the next value.
  Builder& raw(std::string_view json_text) {
    w_.RawValue(json_text.data(), json_text.size(), rapidjson::kObjectType);
    return *this;
  }
  template <class T>
  Builder& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  std::string str() const { return std::string(buffer_.GetString(), buffer_.GetSize()); }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
  std::vector<bool> stack_;  // open containers, true for an object: end() closes the right kind
};

// A read-only view of a node in a parsed document; missing nodes are empty views, so chains
// like doc.root()["call"]["metadata"].string("company") never throw. A view keeps its document
// alive, so json::parse(text).root()["data"].items() is safe to keep.
class View {
 public:
  View() = default;
  View(const rapidjson::Value* v, std::shared_ptr<const void> owner)
      : v_(v), owner_(std::move(owner)) {}

  bool exists() const { return v_ != nullptr && !v_->IsNull(); }
  bool isObject() const { return v_ && v_->IsObject(); }
  bool isArray() const { return v_ && v_->IsArray(); }
  bool isString() const { return v_ && v_->IsString(); }

  View operator[](std::string_view key) const {
    if (!isObject()) return View();
    const auto it = v_->FindMember(rapidjson::Value(
        rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
    return it == v_->MemberEnd() ? View() : View(&it->value, owner_);
  }
  std::vector<View> items() const {
    std::vector<View> out;
    if (isArray())
      for (const auto& e : v_->GetArray()) out.emplace_back(&e, owner_);
    return out;
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    if (isObject())
      for (const auto& m : v_->GetObject())
        out.emplace_back(m.name.GetString(), m.name.GetStringLength());
    return out;
  }

  // This node's value, when it has that type.
  std::optional<std::string> asString() const {
    if (!isString()) return std::nullopt;
    return std::string(v_->GetString(), v_->GetStringLength());
  }
  std::optional<std::int64_t> asInteger() const {
    if (v_ && v_->IsInt64()) return v_->GetInt64();
    return std::nullopt;
  }
  std::optional<double> asNumber() const {
    if (v_ && v_->IsNumber()) return v_->GetDouble();
    return std::nullopt;
  }
  std::optional<bool> asBool() const {
    if (v_ && v_->IsBool()) return v_->GetBool();
    return std::nullopt;
  }

  // A member's value, when present with that type.
  std::optional<std::string> string(std::string_view key) const { return (*this)[key].asString(); }
  std::optional<std::int64_t> integer(std::string_view key) const {
    return (*this)[key].asInteger();
  }
  std::optional<double> number(std::string_view key) const { return (*this)[key].asNumber(); }
  std::optional<bool> boolean(std::string_view key) const { return (*this)[key].asBool(); }

  // A member that must be a string; std::invalid_argument names it otherwise (a 400's reason).
  std::string requireString(std::string_view key) const {
    auto v = string(key);
    if (!v) throw std::invalid_argument("missing string field '" + std::string(key) + "'");
    return *v;
  }
  std::int64_t requireInteger(std::string_view key) const {
    auto v = integer(key);
    if (!v) throw std::invalid_argument("missing integer field '" + std::string(key) + "'");
    return *v;
  }

  // This node serialised again (a sub-object kept as text).
  std::string text() const {
    if (!v_) return "null";
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    v_->Accept(w);
    return std::string(buffer.GetString(), buffer.GetSize());
  }

 private:
  const rapidjson::Value* v_ = nullptr;
  std::shared_ptr<const void> owner_;  // the document v_ points into
};

// Malformed JSON, with RapidJSON's reason and the byte offset, or a bound it passed.
class ParseError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// What parse() and scanStrings() accept at most. Every request body is untrusted: without a
// depth bound, 140,000 nested '[' (280 KB) overflow the stack of a recursive reader.
struct Limits {
  std::size_t max_depth = 64;               // objects and arrays inside each other
  std::size_t max_bytes = 16u << 20;        // the whole text
  std::size_t max_string_bytes = 4u << 20;  // one string or member name
};

class Document {
 public:
  View root() const { return View(doc_.get(), doc_); }

 private:
  friend Document parse(std::string_view text, const Limits& limits);
  std::shared_ptr<rapidjson::Document> doc_ = std::make_shared<rapidjson::Document>();
};

// The limits parse() and scanStrings() apply when given none: Limits{} with the nesting bound
// of the server's YAML (server.json_max_depth), which the kernel sets at start and reload.
Limits defaultLimits();
void setDefaultLimits(const Limits& limits);

// The text as a document: UTF-8 checked, read without recursion, within `limits`. Throws
// ParseError naming the byte offset and what is wrong (a 400's reason).
Document parse(std::string_view text, const Limits& limits = defaultLimits());

// The strings at `paths` ("call.to_number": members of objects, no arrays) in an untrusted
// text, read in one pass without building a tree, within `limits`: for choosing the key that
// checks a body's signature before anything else reads it. A path found twice keeps its first
// value; a path that holds no string is absent; malformed or over-limit text ends the scan
// (what was found before is kept: the signature decides, not the scan).
std::map<std::string, std::string> scanStrings(std::string_view text,
                                               const std::vector<std::string>& paths,
                                               const Limits& limits = defaultLimits());

}  // namespace switchboard::json

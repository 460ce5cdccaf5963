// Bounded JSON reading: RapidJSON's iterative reader (its own heap stack, never the call
// stack) behind a handler that counts depth and string lengths and stops at the first bound.
#include "switchboard/json.h"

#include <rapidjson/reader.h>

#include <algorithm>
#include <atomic>

namespace switchboard::json {
namespace {

constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// Counts what the reader sees and refuses past `limits`; `Next` receives what passes.
template <class Next>
class Bounded {
 public:
  Bounded(Next& next, const Limits& limits) : next_(next), limits_(limits) {}

  bool Null() { return next_.Null(); }
  bool Bool(bool b) { return next_.Bool(b); }
  bool Int(int i) { return next_.Int(i); }
  bool Uint(unsigned u) { return next_.Uint(u); }
  bool Int64(std::int64_t i) { return next_.Int64(i); }
  bool Uint64(std::uint64_t u) { return next_.Uint64(u); }
  bool Double(double d) { return next_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return next_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return fits(n) && next_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    return fits(n) && next_.Key(s, n, copy);
  }
  bool StartObject() { return deeper() && next_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return next_.EndObject(members);
  }
  bool StartArray() { return deeper() && next_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return next_.EndArray(elements);
  }

  // Why the handler stopped the reader; empty when it did not.
  const std::string& refusal() const { return refusal_; }

 private:
  bool deeper() {
    if (++depth_ <= limits_.max_depth) return true;
    refusal_ = "nested deeper than " + std::to_string(limits_.max_depth) + " levels";
    return false;
  }
  bool fits(rapidjson::SizeType n) {
    if (n <= limits_.max_string_bytes) return true;
    refusal_ = "a string longer than " + std::to_string(limits_.max_string_bytes) + " bytes";
    return false;
  }

  Next& next_;
  const Limits& limits_;
  std::size_t depth_ = 0;
  std::string refusal_;
};

std::string describe(const rapidjson::ParseResult& result, const std::string& refusal) {
  std::string out = "malformed JSON at byte " + std::to_string(result.Offset()) + ": ";
  if (!refusal.empty() && result.Code() == rapidjson::kParseErrorTermination) return out + refusal;
  return out + rapidjson::GetParseError_En(result.Code());
}

void checkSize(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_bytes)
    throw ParseError("JSON text of " + std::to_string(text.size()) + " bytes, more than " +
                     std::to_string(limits.max_bytes));
  // RapidJSON takes a NUL for the end of the text: what follows one would go unread.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos)
    throw ParseError("malformed JSON at byte " + std::to_string(nul) + ": a NUL byte");
}

// Remembers the strings found at the wanted paths. The current path is kept as text
// ("a.b"), with its length saved per open container; nothing inside an array matches.
class PathScanner : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PathScanner> {
 public:
  explicit PathScanner(const std::vector<std::string>& paths) : wanted_(paths) {}

  bool Default() {  // any other value: the pending member is done
    pending_.clear();
    return true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (inMatchableObject() && !pending_.empty()) {
      const auto path = joined();
      if (std::find(wanted_.begin(), wanted_.end(), path) != wanted_.end())
        found_.emplace(path, std::string(s, n));  // the first one stays
    }
    pending_.clear();
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    pending_.assign(s, n);
    return true;
  }
  bool StartObject() { return open(true); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(false); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  std::map<std::string, std::string> take() { return std::move(found_); }

 private:
  bool inMatchableObject() const { return !frames_.empty() && frames_.back().matchable; }
  std::string joined() const { return path_.empty() ? pending_ : path_ + "." + pending_; }
  bool open(bool object) {
    // An object is matchable as the root or as a member's value in a matchable object.
    const bool matchable = object && (frames_.empty() || inMatchableObject());
    frames_.push_back({path_.size(), matchable});
    if (matchable && !pending_.empty()) path_ = joined();
    pending_.clear();
    return true;
  }
  bool close() {
    path_.resize(frames_.back().path_length);
    frames_.pop_back();
    pending_.clear();
    return true;
  }

  struct Frame {
    std::size_t path_length;  // path_ before this container opened
    bool matchable;
  };
  const std::vector<std::string>& wanted_;
  std::map<std::string, std::string> found_;
  std::vector<Frame> frames_;
  std::string path_, pending_;
};

std::atomic<std::size_t> default_depth{Limits{}.max_depth};

}  // namespace

Limits defaultLimits() {
  Limits l;
  l.max_depth = default_depth.load(std::memory_order_relaxed);
  return l;
}

void setDefaultLimits(const Limits& limits) {
  default_depth.store(limits.max_depth, std::memory_order_relaxed);
}

Document parse(std::string_view text, const Limits& limits) {
  checkSize(text, limits);
  Document d;
  rapidjson::ParseResult result;
  std::string refusal;
  auto generate = [&](rapidjson::Document& target) {
    Bounded<rapidjson::Document> bounded(target, limits);
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(stream);
    rapidjson::Reader reader;
    result = reader.Parse<kFlags>(in, bounded);
    refusal = bounded.refusal();
    return !result.IsError();
  };
  d.doc_->Populate(generate);
  if (result.IsError()) throw ParseError(describe(result, refusal));
  return d;
}

std::map<std::string, std::string> scanStrings(std::string_view text,
                                               const std::vector<std::string>& paths,
                                               const Limits& limits) {
  if (text.size() > limits.max_bytes || text.find('\0') != std::string_view::npos) return {};
  PathScanner scanner(paths);
  Bounded<PathScanner> bounded(scanner, limits);
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(stream);
  rapidjson::Reader reader;
  reader.Parse<kFlags>(in, bounded);
  return scanner.take();
}

}  // namespace switchboard::json

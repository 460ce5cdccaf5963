// HTTP/1.1 request framing (RFC 9112) over a byte stream: no sockets, no threads, so it can be
// tested byte by byte and fuzzed. Node's http_parser (Debian's libhttp-parser) frames messages
// and bodies. Debian builds it with HTTP_PARSER_STRICT=0, which is lenient where a server must
// not be (bare LF, obs-fold, whitespace before a colon, any byte taken for a chunk's CRLF), so
// two scanners run in front of it over the same bytes: one over the head (and the size
// limits), one over a chunked body. Every byte is looked at a bounded number of times: cost
// is linear in the bytes received, however they are split.
#pragma once

#include <http_parser.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "switchboard/http.h"

namespace switchboard::kernel::http {

struct FramingLimits {
  std::size_t max_request_line = 8192;   // longer: 414
  std::size_t max_header_bytes = 16384;  // request line + header fields (and trailers): 431
  std::size_t max_headers = 100;         // more fields: 431
  std::size_t max_body_bytes = 1 << 20;  // declared or received: 413
};

// Why a request cannot be framed. The connection answers `status` with `message` and closes.
struct FramingError {
  int status = 400;
  std::string message;
};

// Checks the head's line structure and sizes as bytes arrive; stops at the empty line.
class HeadScanner {
 public:
  explicit HeadScanner(const FramingLimits& limits) : limits_(limits) {}

  enum class Result { NeedMore, Done, Error };
  // Scans at most `size` bytes; `consumed` is how many belong to the head (all of them unless
  // the head ended or an error was found at the last one consumed).
  Result scan(const char* data, std::size_t size, std::size_t& consumed, FramingError& error);
  void reset();
  bool started() const { return state_ != State::LineStart || bytes_ > 0; }

 private:
  enum class State : std::uint8_t {
    LineStart,      // before the request line (empty lines allowed, RFC 9112 §2.2)
    LeadingCR,      // CR of an empty line before the request line
    Method,         // request-line = method SP request-target SP HTTP-version
    Target,         //
    Version,        //
    RequestLineCR,  //
    FieldStart,     // first byte of a field line, or the CR of the empty line
    FieldName,      //
    FieldValue,     //
    FieldCR,        //
    EndCR,          // CR of the empty line
    Done,
  };
  const FramingLimits& limits_;
  State state_ = State::LineStart;
  std::size_t bytes_ = 0;  // head bytes so far
  std::size_t line_ = 0;   // bytes of the request line so far
  std::size_t part_ = 0;   // bytes of the request line's current part (target, version)
  std::size_t fields_ = 0;
};

// Checks a chunked body's framing (RFC 9112 §7.1) as bytes arrive; stops after the last chunk
// and the trailer section.
class ChunkScanner {
 public:
  enum class Result { NeedMore, Done, Error };
  Result scan(const char* data, std::size_t size, std::size_t& consumed, FramingError& error);
  void reset();

 private:
  enum class State : std::uint8_t {
    Size,
    Extension,
    SizeLF,
    Data,
    DataCR,
    DataLF,
    TrailerStart,
    Trailer,
    TrailerLF,
    FinalLF,
    Done
  };
  State state_ = State::Size;
  std::uint64_t size_ = 0;  // of the chunk being read
  std::size_t digits_ = 0;  // hex digits of its size
  std::size_t line_ = 0;    // bytes of the current size or trailer line
};

class RequestFramer {
 public:
  explicit RequestFramer(FramingLimits limits);
  RequestFramer(const RequestFramer&) = delete;
  RequestFramer& operator=(const RequestFramer&) = delete;

  enum class Event { NeedMore, Request, Error };
  struct Step {
    Event event;
    std::size_t consumed;  // bytes of `data` used; the rest belongs to the next request
  };
  // Feeds bytes until a request is complete (Request: take it with takeRequest(), then feed the
  // remaining bytes), more are needed (NeedMore: all consumed), or the stream is broken (Error:
  // the framer is dead; answer error() and close).
  Step feed(const char* data, std::size_t size);

  switchboard::HttpRequest takeRequest();
  // Of the request just completed: whether the connection may carry another (RFC 9112 §9.3,
  // and never after an Upgrade or CONNECT the server does not perform), and whether it was HEAD.
  bool keepAlive() const { return keep_alive_; }
  bool headOnly() const { return head_only_; }
  // True once, as soon as a client waiting for `Expect: 100-continue` should be told to send.
  bool takeContinue();
  const FramingError& error() const { return error_; }

  enum class Phase { Idle, Head, Body };  // where the current request stands
  Phase phase() const;
  std::size_t bodyBytes() const { return body_bytes_; }

 private:
  static const http_parser_settings& callbacks();
  static int onMessageBegin(http_parser* p);
  static int onUrl(http_parser* p, const char* at, std::size_t n);
  static int onHeaderField(http_parser* p, const char* at, std::size_t n);
  static int onHeaderValue(http_parser* p, const char* at, std::size_t n);
  static int onHeadersComplete(http_parser* p);
  static int onBody(http_parser* p, const char* at, std::size_t n);
  static int onMessageComplete(http_parser* p);

  Step failAtScannedByte(const char* data, std::size_t scanned, std::size_t pos);
  int headersComplete();
  void finishField();
  bool fail(int status, std::string message);
  void failFromParser();
  void resetMessage();

  FramingLimits limits_;
  HeadScanner scanner_;
  ChunkScanner chunks_;
  bool chunked_ = false;
  http_parser parser_{};
  bool dead_ = false;
  bool complete_ = false;
  bool in_message_ = false;
  bool headers_done_ = false;
  bool keep_alive_ = true;
  bool head_only_ = false;
  bool continue_due_ = false;
  bool field_open_ = false;      // a header value is being accumulated
  bool field_is_value_ = false;  // the last callback was a value
  std::size_t trailer_bytes_ = 0;
  std::size_t body_bytes_ = 0;
  std::string field_, value_;
  std::string target_;
  switchboard::HttpRequest request_;
  FramingError error_;
};

// Splits a raw request-target (origin-form, absolute-form or "*") into path and decoded query
// pairs; false when it is none of those forms.
bool splitTarget(const std::string& target, std::string& path,
                 std::vector<std::pair<std::string, std::string>>& query);

}  // namespace switchboard::kernel::http

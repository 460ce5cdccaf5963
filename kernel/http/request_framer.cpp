#include "http/request_framer.h"

#include <algorithm>
#include <atomic>
#include <cctype>

#include "http/route_table.h"
#include "http/token.h"

namespace switchboard::kernel::http {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trimOws(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// http_parser keeps its header limit in a global; ours is enforced first by the scanner, so the
// global only has to stay above the largest limit any server in this process uses.
void raiseParserHeaderLimit(std::size_t ours) {
  static std::atomic<std::uint32_t> current{0};
  const auto wanted = static_cast<std::uint32_t>(std::max<std::size_t>(ours * 2 + 1024, 80 * 1024));
  auto seen = current.load();
  while (seen < wanted && !current.compare_exchange_weak(seen, wanted)) {
  }
  if (seen < wanted) http_parser_set_max_header_size(wanted);
}

}  // namespace

// --- HeadScanner ---------------------------------------------------------------------------

HeadScanner::Result HeadScanner::scan(const char* data, std::size_t size, std::size_t& consumed,
                                      FramingError& error) {
  auto fail = [&](std::size_t i, int status, std::string message) {
    consumed = i + 1;
    error = {status, std::move(message)};
    return Result::Error;
  };
  for (std::size_t i = 0; i < size; ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    const bool in_line =
        state_ == State::Method || state_ == State::Target || state_ == State::Version;
    if (in_line && ++line_ > limits_.max_request_line)
      return fail(i, 414,
                  "request line exceeds the limit of " + std::to_string(limits_.max_request_line) +
                      " bytes");
    if (++bytes_ > limits_.max_header_bytes)
      return fail(i, 431,
                  "request head exceeds the limit of " + std::to_string(limits_.max_header_bytes) +
                      " bytes");
    switch (state_) {
      case State::LineStart:
        if (c == '\r')
          state_ = State::LeadingCR;
        else if (c == '\n')
          return fail(i, 400, "bare LF: lines must end with CRLF");
        else if (!isTokenChar(c))
          return fail(i, 400, "invalid request line: bad method");
        else {
          state_ = State::Method;
          line_ = 1;
        }
        break;
      case State::LeadingCR:
        if (c != '\n') return fail(i, 400, "CR not followed by LF");
        state_ = State::LineStart;
        break;
      case State::Method:
        if (c == ' ') {
          state_ = State::Target;
          part_ = 0;
        } else if (!isTokenChar(c))
          return fail(i, 400, "invalid request line: bad method");
        break;
      case State::Target:
        if (c == ' ' && part_ > 0) {
          state_ = State::Version;
          part_ = 0;
        } else if (c <= 0x20 || c >= 0x7f) {
          return fail(i, 400, "invalid request line: bad request target");
        } else {
          ++part_;
        }
        break;
      case State::Version: {
        static constexpr std::string_view kShape = "HTTP/d.d";
        if (part_ == kShape.size()) {
          if (c != '\r') return fail(i, 400, "invalid request line: bad HTTP version");
          state_ = State::RequestLineCR;
          break;
        }
        const char want = kShape[part_++];
        if (want == 'd' ? !(c >= '0' && c <= '9') : c != static_cast<unsigned char>(want))
          return fail(i, 400, "invalid request line: bad HTTP version");
        break;
      }
      case State::RequestLineCR:
        if (c != '\n') return fail(i, 400, "CR not followed by LF");
        state_ = State::FieldStart;
        break;
      case State::FieldStart:
        if (c == '\r') {
          state_ = State::EndCR;
          break;
        }
        if (c == '\n') return fail(i, 400, "bare LF: lines must end with CRLF");
        if (c == ' ' || c == '\t')
          return fail(i, 400, "obsolete line folding (a field line starting with whitespace)");
        if (c == ':') return fail(i, 400, "empty header field name");
        if (!isTokenChar(c)) return fail(i, 400, "invalid character in a header field name");
        if (++fields_ > limits_.max_headers)
          return fail(i, 431,
                      "more than " + std::to_string(limits_.max_headers) + " header fields");
        state_ = State::FieldName;
        break;
      case State::FieldName:
        if (c == ':')
          state_ = State::FieldValue;
        else if (c == ' ' || c == '\t')
          return fail(i, 400, "whitespace between a header field name and its colon");
        else if (!isTokenChar(c))
          return fail(i, 400, "invalid character in a header field name");
        break;
      case State::FieldValue:
        if (c == '\r')
          state_ = State::FieldCR;
        else if (c == '\n')
          return fail(i, 400, "bare LF: lines must end with CRLF");
        break;
      case State::FieldCR:
        if (c != '\n') return fail(i, 400, "CR not followed by LF");
        state_ = State::FieldStart;
        break;
      case State::EndCR:
        if (c != '\n') return fail(i, 400, "CR not followed by LF");
        state_ = State::Done;
        consumed = i + 1;
        return Result::Done;
      case State::Done:
        consumed = i;
        return Result::Done;
    }
  }
  consumed = size;
  return Result::NeedMore;
}

void HeadScanner::reset() {
  state_ = State::LineStart;
  bytes_ = line_ = part_ = fields_ = 0;
}

// --- ChunkScanner --------------------------------------------------------------------------

ChunkScanner::Result ChunkScanner::scan(const char* data, std::size_t size, std::size_t& consumed,
                                        FramingError& error) {
  constexpr std::size_t kMaxLine = 4096;  // a chunk-size line with its extensions, a trailer
  auto fail = [&](std::size_t i, std::string message) {
    consumed = i + 1;
    error = {400, "malformed chunked body: " + std::move(message)};
    return Result::Error;
  };
  for (std::size_t i = 0; i < size; ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    switch (state_) {
      case State::Size:
        if (std::isxdigit(c)) {
          if (++digits_ > 15) return fail(i, "chunk size too large");
          size_ = size_ * 16 +
                  static_cast<std::uint64_t>(std::isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
        } else if (digits_ == 0) {
          return fail(i, "chunk size expected");
        } else if (c == ';' || c == ' ' || c == '\t') {
          state_ = State::Extension;
        } else if (c == '\r') {
          state_ = State::SizeLF;
        } else {
          return fail(i, "invalid character in a chunk size");
        }
        break;
      case State::Extension:
        if (++line_ > kMaxLine) return fail(i, "chunk extension too long");
        if (c == '\r')
          state_ = State::SizeLF;
        else if (c == '\n' || c == 0 || c == 0x7f)
          return fail(i, "invalid character in a chunk extension");
        break;
      case State::SizeLF:
        if (c != '\n') return fail(i, "CR not followed by LF");
        line_ = digits_ = 0;
        state_ = size_ == 0 ? State::TrailerStart : State::Data;
        break;
      case State::Data: {
        const auto take = std::min<std::uint64_t>(size_, size - i);
        size_ -= take;
        i += static_cast<std::size_t>(take) - 1;
        if (size_ == 0) state_ = State::DataCR;
        break;
      }
      case State::DataCR:
        if (c != '\r') return fail(i, "chunk data longer than its size");
        state_ = State::DataLF;
        break;
      case State::DataLF:
        if (c != '\n') return fail(i, "CR not followed by LF");
        state_ = State::Size;
        break;
      case State::TrailerStart:
        if (c == '\r')
          state_ = State::FinalLF;
        else if (c == '\n')
          return fail(i, "bare LF");
        else if (c == ' ' || c == '\t')
          return fail(i, "obsolete line folding in a trailer");
        else {
          line_ = 1;
          state_ = State::Trailer;
        }
        break;
      case State::Trailer:
        if (++line_ > kMaxLine) return fail(i, "trailer field too long");
        if (c == '\r')
          state_ = State::TrailerLF;
        else if (c == '\n')
          return fail(i, "bare LF");
        break;
      case State::TrailerLF:
        if (c != '\n') return fail(i, "CR not followed by LF");
        state_ = State::TrailerStart;
        break;
      case State::FinalLF:
        if (c != '\n') return fail(i, "CR not followed by LF");
        state_ = State::Done;
        consumed = i + 1;
        return Result::Done;
      case State::Done:
        consumed = i;
        return Result::Done;
    }
  }
  consumed = size;
  return Result::NeedMore;
}

void ChunkScanner::reset() {
  state_ = State::Size;
  size_ = 0;
  digits_ = line_ = 0;
}

// --- RequestFramer -------------------------------------------------------------------------

const http_parser_settings& RequestFramer::callbacks() {
  static const http_parser_settings s = [] {
    http_parser_settings v;
    http_parser_settings_init(&v);
    v.on_message_begin = &RequestFramer::onMessageBegin;
    v.on_url = &RequestFramer::onUrl;
    v.on_header_field = &RequestFramer::onHeaderField;
    v.on_header_value = &RequestFramer::onHeaderValue;
    v.on_headers_complete = &RequestFramer::onHeadersComplete;
    v.on_body = &RequestFramer::onBody;
    v.on_message_complete = &RequestFramer::onMessageComplete;
    return v;
  }();
  return s;
}

RequestFramer::RequestFramer(FramingLimits limits) : limits_(limits), scanner_(limits_) {
  raiseParserHeaderLimit(limits_.max_header_bytes);
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

RequestFramer::Step RequestFramer::feed(const char* data, std::size_t size) {
  if (dead_) return {Event::Error, 0};
  std::size_t pos = 0;
  while (pos < size) {
    std::size_t chunk = size - pos;
    if (!headers_done_) {
      std::size_t scanned = 0;
      const auto r = scanner_.scan(data + pos, chunk, scanned, error_);
      if (r == HeadScanner::Result::Error) return failAtScannedByte(data + pos, scanned, pos);
      chunk = scanned;
    } else if (chunked_) {
      std::size_t scanned = 0;
      if (chunks_.scan(data + pos, chunk, scanned, error_) == ChunkScanner::Result::Error)
        return failAtScannedByte(data + pos, scanned, pos);
      chunk = scanned;
    }
    const std::size_t parsed = http_parser_execute(&parser_, &callbacks(), data + pos, chunk);
    const auto err = HTTP_PARSER_ERRNO(&parser_);
    if (err == HPE_PAUSED) {
      http_parser_pause(&parser_, 0);
    } else if (err != HPE_OK) {
      if (!dead_) failFromParser();
      dead_ = true;
      return {Event::Error, pos + parsed};
    } else if (dead_) {
      return {Event::Error, pos + parsed};
    }
    pos += parsed;
    if (complete_) {
      complete_ = false;
      scanner_.reset();
      chunks_.reset();
      chunked_ = false;
      headers_done_ = false;
      in_message_ = false;
      return {Event::Request, pos};
    }
    if (parsed < chunk) {
      // http_parser stops early only on an error or an upgrade, both handled above.
      fail(400, "request could not be framed");
      return {Event::Error, pos};
    }
  }
  return {Event::NeedMore, pos};
}

// A scanner refused the last of `scanned` bytes, which http_parser has not seen yet. The answer
// must not depend on how the bytes were cut, so the error of the earliest offending byte wins:
// http_parser first reads the bytes before the refused one, and its error, if any, is earlier.
RequestFramer::Step RequestFramer::failAtScannedByte(const char* data, std::size_t scanned,
                                                     std::size_t pos) {
  const FramingError scanner_error = error_;
  if (scanned > 1) {
    http_parser_execute(&parser_, &callbacks(), data, scanned - 1);
    const auto err = HTTP_PARSER_ERRNO(&parser_);
    if (err != HPE_OK && err != HPE_PAUSED && !dead_) failFromParser();
  }
  if (!dead_) error_ = scanner_error;
  dead_ = true;
  return {Event::Error, pos + scanned};
}

switchboard::HttpRequest RequestFramer::takeRequest() {
  switchboard::HttpRequest out = std::move(request_);
  request_ = {};
  body_bytes_ = 0;
  return out;
}

bool RequestFramer::takeContinue() {
  const bool due = continue_due_;
  continue_due_ = false;
  return due;
}

RequestFramer::Phase RequestFramer::phase() const {
  if (!in_message_ && !scanner_.started()) return Phase::Idle;
  return headers_done_ ? Phase::Body : Phase::Head;
}

bool RequestFramer::fail(int status, std::string message) {
  if (!dead_) error_ = {status, std::move(message)};
  dead_ = true;
  return false;
}

void RequestFramer::failFromParser() {
  switch (HTTP_PARSER_ERRNO(&parser_)) {
    case HPE_INVALID_TRANSFER_ENCODING:
      fail(501, "this transfer coding is not implemented (only chunked is)");
      break;
    case HPE_HEADER_OVERFLOW:
      fail(431, "request head too large");
      break;
    case HPE_INVALID_CONTENT_LENGTH:
      fail(400, "invalid Content-Length: it must be one decimal number");
      break;
    case HPE_UNEXPECTED_CONTENT_LENGTH:
      fail(400,
           "conflicting framing: more than one Content-Length, or Content-Length with "
           "Transfer-Encoding");
      break;
    case HPE_INVALID_CHUNK_SIZE:
      fail(400, "malformed chunk in a chunked body");
      break;
    case HPE_INVALID_METHOD:
      fail(400, "invalid request line: unknown method");
      break;
    case HPE_INVALID_VERSION:
      fail(400, "invalid request line: bad HTTP version");
      break;
    case HPE_INVALID_URL:
      fail(400, "invalid request target");
      break;
    default:
      fail(400, std::string("malformed request: ") +
                    http_errno_description(HTTP_PARSER_ERRNO(&parser_)));
  }
}

void RequestFramer::finishField() {
  if (!field_open_) return;
  request_.headers.push_back({lower(std::move(field_)), trimOws(value_)});
  field_.clear();
  value_.clear();
  field_open_ = false;
  field_is_value_ = false;
}

int RequestFramer::headersComplete() {
  finishField();
  headers_done_ = true;
  if (parser_.http_major != 1 || parser_.http_minor > 1)
    return fail(505, "HTTP/" + std::to_string(parser_.http_major) + "." +
                         std::to_string(parser_.http_minor) + " is not supported"),
           -1;
  const auto method = static_cast<http_method>(parser_.method);
  if (method == HTTP_CONNECT) return fail(501, "CONNECT is not supported"), -1;
  request_.method = http_method_str(method);
  head_only_ = method == HTTP_HEAD;

  int hosts = 0;
  std::string transfer_coding, expect;
  for (const auto& h : request_.headers) {
    if (h.name == "host")
      ++hosts;
    else if (h.name == "transfer-encoding")
      transfer_coding += (transfer_coding.empty() ? "" : ", ") + lower(h.value);
    else if (h.name == "expect")
      expect = lower(h.value);
  }
  if (hosts > 1) return fail(400, "more than one Host header"), -1;
  if (hosts == 0 && parser_.http_minor == 1)
    return fail(400, "a Host header is required on HTTP/1.1"), -1;
  if (!transfer_coding.empty()) {
    if (parser_.http_minor == 0)
      return fail(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request"), -1;
    if (transfer_coding != "chunked")
      return fail(501,
                  "transfer coding '" + transfer_coding + "' is not implemented (only chunked is)"),
             -1;
  }
  const bool chunked = parser_.flags & F_CHUNKED;
  chunked_ = chunked;
  const bool has_length = parser_.flags & F_CONTENTLENGTH;
  if (has_length && parser_.content_length > limits_.max_body_bytes)
    return fail(413, "request body of " + std::to_string(parser_.content_length) +
                         " bytes exceeds the limit of " + std::to_string(limits_.max_body_bytes)),
           -1;
  if (!expect.empty()) {
    if (expect != "100-continue") return fail(417, "unsupported expectation: " + expect), -1;
    continue_due_ = chunked || (has_length && parser_.content_length > 0);
  }
  if (!splitTarget(target_, request_.path, request_.query))
    return fail(400, "invalid request target"), -1;
  request_.target = std::move(target_);
  target_.clear();
  const bool upgrade = (parser_.flags & F_UPGRADE) && (parser_.flags & F_CONNECTION_UPGRADE);
  keep_alive_ = http_should_keep_alive(&parser_) && !upgrade;
  if (has_length) request_.body.reserve(parser_.content_length);
  return 0;
}

void RequestFramer::resetMessage() {
  request_ = {};
  field_.clear();
  value_.clear();
  target_.clear();
  field_open_ = field_is_value_ = false;
  trailer_bytes_ = 0;
  body_bytes_ = 0;
  continue_due_ = false;
  in_message_ = true;
}

int RequestFramer::onMessageBegin(http_parser* p) {
  static_cast<RequestFramer*>(p->data)->resetMessage();
  return 0;
}

int RequestFramer::onUrl(http_parser* p, const char* at, std::size_t n) {
  static_cast<RequestFramer*>(p->data)->target_.append(at, n);
  return 0;
}

int RequestFramer::onHeaderField(http_parser* p, const char* at, std::size_t n) {
  auto* self = static_cast<RequestFramer*>(p->data);
  if (self->headers_done_) {  // a trailer field: counted, then dropped
    self->trailer_bytes_ += n;
    return self->trailer_bytes_ > self->limits_.max_header_bytes
               ? (self->fail(431, "trailer fields too large"), -1)
               : 0;
  }
  if (self->field_is_value_) self->finishField();
  self->field_.append(at, n);
  self->field_open_ = true;
  return 0;
}

int RequestFramer::onHeaderValue(http_parser* p, const char* at, std::size_t n) {
  auto* self = static_cast<RequestFramer*>(p->data);
  if (self->headers_done_) {
    self->trailer_bytes_ += n;
    return self->trailer_bytes_ > self->limits_.max_header_bytes
               ? (self->fail(431, "trailer fields too large"), -1)
               : 0;
  }
  self->value_.append(at, n);
  self->field_is_value_ = true;
  return 0;
}

int RequestFramer::onHeadersComplete(http_parser* p) {
  return static_cast<RequestFramer*>(p->data)->headersComplete();
}

int RequestFramer::onBody(http_parser* p, const char* at, std::size_t n) {
  auto* self = static_cast<RequestFramer*>(p->data);
  self->body_bytes_ += n;
  if (self->request_.body.size() + n > self->limits_.max_body_bytes)
    return self->fail(413, "request body exceeds the limit of " +
                               std::to_string(self->limits_.max_body_bytes) + " bytes"),
           -1;
  self->request_.body.append(at, n);
  return 0;
}

int RequestFramer::onMessageComplete(http_parser* p) {
  auto* self = static_cast<RequestFramer*>(p->data);
  self->complete_ = true;
  self->continue_due_ = false;  // the body is all here: nothing to wait for
  http_parser_pause(p, 1);
  return 0;
}

bool splitTarget(const std::string& target, std::string& path,
                 std::vector<std::pair<std::string, std::string>>& query) {
  if (target.empty()) return false;
  std::string_view rest;
  if (target == "*") {
    path = "*";
    return true;
  }
  if (target[0] == '/') {
    const std::string_view t(target);
    const auto end = t.find('#');
    const auto view = t.substr(0, end);
    const auto q = view.find('?');
    path = std::string(view.substr(0, q));
    if (q != std::string_view::npos) rest = view.substr(q + 1);
  } else {
    http_parser_url url;
    http_parser_url_init(&url);
    if (http_parser_parse_url(target.data(), target.size(), 0, &url) != 0) return false;
    if (!(url.field_set & (1 << UF_SCHEMA)) || !(url.field_set & (1 << UF_HOST))) return false;
    path = url.field_set & (1 << UF_PATH)
               ? target.substr(url.field_data[UF_PATH].off, url.field_data[UF_PATH].len)
               : "/";
    if (url.field_set & (1 << UF_QUERY))
      rest = std::string_view(target).substr(url.field_data[UF_QUERY].off,
                                             url.field_data[UF_QUERY].len);
  }
  query = switchboard::formDecode(rest);
  return true;
}

}  // namespace switchboard::kernel::http

#include "switchboard/http.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

namespace switchboard {
namespace {

std::optional<std::string_view> findValue(
    const std::vector<std::pair<std::string, std::string>>& pairs, std::string_view name) {
  for (const auto& [key, value] : pairs)
    if (key == name) return value;
  return std::nullopt;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string_view> findHeader(const std::vector<HttpHeader>& headers,
                                           std::string_view name) {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return h.value;
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  return findHeader(headers, name);
}

std::optional<std::string_view> HttpRequest::param(std::string_view name) const {
  return findValue(params, name);
}

std::optional<std::string_view> HttpRequest::queryParam(std::string_view name) const {
  return findValue(query, name);
}

HttpResponse& HttpResponse::header(std::string name, std::string value) {
  headers.push_back({std::move(name), std::move(value)});
  return *this;
}

HttpResponse HttpResponse::json(int status, std::string body) {
  HttpResponse r{status, {}, std::move(body)};
  r.header("Content-Type", "application/json");
  return r;
}

HttpResponse HttpResponse::text(int status, std::string body) {
  HttpResponse r{status, {}, std::move(body)};
  r.header("Content-Type", "text/plain; charset=utf-8");
  return r;
}

HttpResponse HttpResponse::empty(int status) {
  return HttpResponse{status, {}, {}};
}

HttpResponse HttpResponse::error(const HttpRequest& request, int status, std::string_view message) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("status");
  w.Int(status);
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.Key("request_id");
  w.String(request.request_id.c_str(), static_cast<rapidjson::SizeType>(request.request_id.size()));
  w.EndObject();
  w.EndObject();
  return json(status, out.GetString());
}

std::string percentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      const int hi = hexValue(in[i + 1]), lo = hexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && in[i] == '+') ? ' ' : in[i];
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> formDecode(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    if (eq == std::string_view::npos)
      out.emplace_back(percentDecode(part, true), std::string());
    else
      out.emplace_back(percentDecode(part.substr(0, eq), true),
                       percentDecode(part.substr(eq + 1), true));
  }
  return out;
}

}  // namespace switchboard

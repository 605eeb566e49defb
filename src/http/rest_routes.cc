#include "http/rest_routes.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/date.h"
#include "common/log.h"
#include "google/api/annotations.pb.h"
#include "google/type/date.pb.h"

namespace healthcontent::http {
namespace {

using google::protobuf::FieldDescriptor;

bool ValidSegment(absl::string_view segment) {
  return !segment.empty() && segment != "." && segment != "..";
}

const FieldDescriptor* FindField(const google::protobuf::Descriptor* type, absl::string_view name) {
  const FieldDescriptor* field = type->FindFieldByName(std::string(name));
  if (field == nullptr) field = type->FindFieldByCamelcaseName(std::string(name));
  if (field == nullptr) {
    for (int i = 0; i < type->field_count(); ++i) {
      if (type->field(i)->json_name() == name) return type->field(i);
    }
  }
  return field;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::Status PercentDecode(absl::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out->push_back(' ');
    } else if (in[i] == '%') {
      if (i + 2 >= in.size() || HexValue(in[i + 1]) < 0 || HexValue(in[i + 2]) < 0) {
        return absl::InvalidArgumentError("query string: a '%' must be followed by two hex digits");
      }
      out->push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    } else {
      out->push_back(in[i]);
    }
  }
  return absl::OkStatus();
}

}  // namespace

RestRoutes::RestRoutes(const MethodTable& methods) {
  for (const auto& method : methods.methods()) {
    const google::protobuf::MethodOptions& options = method->descriptor->options();
    if (!options.HasExtension(google::api::http)) continue;
    const google::api::HttpRule& rule = options.GetExtension(google::api::http);
    if (rule.get().empty()) continue;  // only reads are resource-style
    Route route;
    route.method = method.get();
    route.text = rule.get();
    if (!Compile(rule.get(), &route)) {
      LogError("http: unreadable google.api.http rule, skipped",
               {{"method", method->path}, {"rule", rule.get()}});
      continue;
    }
    routes_.push_back(std::move(route));
  }
}

bool RestRoutes::Compile(absl::string_view text, Route* route) {
  if (!absl::ConsumePrefix(&text, "/")) return false;
  // The verb follows the last ':' after the last '/' (and outside braces).
  const size_t last_slash = text.rfind('/');
  const size_t colon = text.rfind(':');
  if (colon != absl::string_view::npos &&
      (last_slash == absl::string_view::npos || colon > last_slash) &&
      text.find('}', colon) == absl::string_view::npos) {
    route->verb = std::string(text.substr(colon + 1));
    text = text.substr(0, colon);
  }
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      const size_t close = text.find('}', i);
      if (close == absl::string_view::npos) return false;
      absl::string_view inside = text.substr(i + 1, close - i - 1);
      Variable variable;
      absl::string_view pattern = "*";
      if (const size_t eq = inside.find('='); eq != absl::string_view::npos) {
        variable.field = std::string(inside.substr(0, eq));
        pattern = inside.substr(eq + 1);
      } else {
        variable.field = std::string(inside);
      }
      variable.begin = route->tokens.size();
      for (absl::string_view piece : absl::StrSplit(pattern, '/')) {
        if (piece == "**" || piece.empty()) return false;
        Token token;
        token.wildcard = piece == "*";
        if (!token.wildcard) token.literal = std::string(piece);
        route->tokens.push_back(std::move(token));
      }
      variable.end = route->tokens.size();
      route->variables.push_back(std::move(variable));
      i = close + 1;
    } else {
      size_t end = text.find('/', i);
      if (end == absl::string_view::npos) end = text.size();
      absl::string_view piece = text.substr(i, end - i);
      if (piece == "**" || piece.empty() || piece.find('{') != absl::string_view::npos)
        return false;
      Token token;
      token.wildcard = piece == "*";
      if (!token.wildcard) token.literal = std::string(piece);
      route->tokens.push_back(std::move(token));
      i = end;
    }
    if (i < text.size()) {
      if (text[i] != '/') return false;
      ++i;
    }
  }
  return !route->tokens.empty();
}

const Method* RestRoutes::Match(absl::string_view path, Bindings* bindings) const {
  if (!absl::ConsumePrefix(&path, "/")) return nullptr;
  for (const Route& route : routes_) {
    absl::string_view rest = path;
    if (!route.verb.empty()) {
      if (!absl::ConsumeSuffix(&rest, absl::StrCat(":", route.verb))) continue;
    } else if (const size_t slash = rest.rfind('/');
               rest.find(':', slash == absl::string_view::npos ? 0 : slash) !=
               absl::string_view::npos) {
      continue;  // a verb this route does not have
    }
    std::vector<absl::string_view> segments = absl::StrSplit(rest, '/');
    if (segments.size() != route.tokens.size()) continue;
    bool ok = true;
    for (size_t t = 0; t < segments.size() && ok; ++t) {
      ok = ValidSegment(segments[t]) &&
           (route.tokens[t].wildcard || route.tokens[t].literal == segments[t]);
    }
    if (!ok) continue;
    bindings->clear();
    for (const Variable& variable : route.variables) {
      std::vector<absl::string_view> parts(segments.begin() + variable.begin,
                                           segments.begin() + variable.end);
      bindings->emplace_back(variable.field, absl::StrJoin(parts, "/"));
    }
    return route.method;
  }
  return nullptr;
}

std::vector<std::string> RestRoutes::Describe() const {
  std::vector<std::string> out;
  for (const Route& route : routes_) {
    out.push_back(absl::StrCat("GET ", route.text, " -> ", route.method->path));
  }
  return out;
}

absl::Status SetFieldFromText(google::protobuf::Message* message, absl::string_view path,
                              absl::string_view value, absl::string_view what) {
  std::vector<absl::string_view> names = absl::StrSplit(path, '.');
  google::protobuf::Message* target = message;
  const FieldDescriptor* field = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    field = FindField(target->GetDescriptor(), names[i]);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", target->GetDescriptor()->full_name(), " has no field \"",
                       names[i].substr(0, 64), "\""));
    }
    if (i + 1 == names.size()) break;
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": \"", names[i], "\" has no fields inside"));
    }
    target = target->GetReflection()->MutableMessage(target, field);
  }
  const google::protobuf::Reflection* reflection = target->GetReflection();
  const bool repeated = field->is_repeated();
  const auto bad = [&](absl::string_view expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": must be ", expected, ", got \"", value.substr(0, 64), "\""));
  };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      if (field->type() == FieldDescriptor::TYPE_BYTES)
        return bad("text (bytes are not supported)");
      std::string text(value);
      repeated ? reflection->AddString(target, field, text)
               : reflection->SetString(target, field, text);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t n;
      if (!absl::SimpleAtoi(value, &n)) return bad("a whole number");
      repeated ? reflection->AddInt32(target, field, n) : reflection->SetInt32(target, field, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t n;
      if (!absl::SimpleAtoi(value, &n)) return bad("a whole number");
      repeated ? reflection->AddInt64(target, field, n) : reflection->SetInt64(target, field, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t n;
      if (!absl::SimpleAtoi(value, &n)) return bad("a whole number, not negative");
      repeated ? reflection->AddUInt32(target, field, n) : reflection->SetUInt32(target, field, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t n;
      if (!absl::SimpleAtoi(value, &n)) return bad("a whole number, not negative");
      repeated ? reflection->AddUInt64(target, field, n) : reflection->SetUInt64(target, field, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double d;
      if (!absl::SimpleAtod(value, &d)) return bad("a number");
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        repeated ? reflection->AddFloat(target, field, static_cast<float>(d))
                 : reflection->SetFloat(target, field, static_cast<float>(d));
      } else {
        repeated ? reflection->AddDouble(target, field, d)
                 : reflection->SetDouble(target, field, d);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool b;
      if (value == "true" || value == "1") {
        b = true;
      } else if (value == "false" || value == "0") {
        b = false;
      } else {
        return bad("true or false");
      }
      repeated ? reflection->AddBool(target, field, b) : reflection->SetBool(target, field, b);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* e =
          field->enum_type()->FindValueByName(std::string(value));
      if (e == nullptr) {
        std::vector<std::string> names;
        for (int i = 0; i < field->enum_type()->value_count(); ++i) {
          names.push_back(field->enum_type()->value(i)->name());
        }
        return bad(absl::StrCat("one of ", absl::StrJoin(names, ", ")));
      }
      repeated ? reflection->AddEnum(target, field, e) : reflection->SetEnum(target, field, e);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (field->message_type()->full_name() == "google.type.Date" && !repeated) {
        absl::StatusOr<absl::CivilDay> day = ParseIsoDate(value);
        if (!day.ok()) return bad("a date, YYYY-MM-DD");
        reflection->MutableMessage(target, field)->CopyFrom(ToProtoDate(*day));
        return absl::OkStatus();
      }
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": a ", field->message_type()->full_name(),
                       " cannot be given as one value; name its fields (", names.back(),
                       ".<field>) or use POST"));
    }
  }
  return bad("a value of a supported type");
}

absl::Status ParseQuery(absl::string_view query,
                        std::vector<std::pair<std::string, std::string>>* out) {
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    std::string key, value;
    if (absl::Status s = PercentDecode(pair.substr(0, eq), &key); !s.ok()) return s;
    if (eq != absl::string_view::npos) {
      if (absl::Status s = PercentDecode(pair.substr(eq + 1), &value); !s.ok()) return s;
    }
    out->emplace_back(std::move(key), std::move(value));
  }
  return absl::OkStatus();
}

}  // namespace healthcontent::http

// Resource-style GETs (AIP-127): the `google.api.http` get rules of the
// protos, e.g. `get: "/v1/{name=articles/*}"`, matched against request
// paths, with path variables and query parameters copied into the request
// message by gRPC transcoding's rules.
//
// Supported template syntax: literal segments, `*` (one segment), variables
// `{field}` and `{field=literal/*/...}`, and a trailing `:verb`. A path
// segment that is empty, "." or ".." never matches (no traversal).
#ifndef HEALTHCONTENT_HTTP_REST_ROUTES_H_
#define HEALTHCONTENT_HTTP_REST_ROUTES_H_

#include <google/protobuf/message.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "http/methods.h"

namespace healthcontent::http {

// A field path (dotted) and the value a path variable bound to it.
using Bindings = std::vector<std::pair<std::string, std::string>>;

class RestRoutes {
 public:
  // Compiles the get rules of `methods`. A rule this parser cannot read is
  // a programming error in the protos: it is logged and skipped.
  explicit RestRoutes(const MethodTable& methods);

  // The method whose rule matches `path` (percent-decoded, without the
  // query), with its variables in `*bindings`; nullptr when none does.
  const Method* Match(absl::string_view path, Bindings* bindings) const;

  // Every rule, as "GET /v1/... -> Service.Method" (for docs and logs).
  std::vector<std::string> Describe() const;

 private:
  struct Token {
    bool wildcard = false;
    std::string literal;
  };
  struct Variable {
    std::string field;
    size_t begin = 0;  // its tokens
    size_t end = 0;
  };
  struct Route {
    const Method* method = nullptr;
    std::string text;
    std::vector<Token> tokens;
    std::vector<Variable> variables;
    std::string verb;
  };
  static bool Compile(absl::string_view text, Route* route);

  std::vector<Route> routes_;
};

// Sets the field at dotted `path` (proto or JSON names) of `message` from
// the text `value`: strings, numbers, bools, enums by name, repeated
// scalars (each call appends), and google.type.Date as YYYY-MM-DD.
// InvalidArgument naming `what` (e.g. "query parameter page_size") otherwise.
absl::Status SetFieldFromText(google::protobuf::Message* message, absl::string_view path,
                              absl::string_view value, absl::string_view what);

// Splits a raw query string into percent-decoded (key, value) pairs ('+' is
// a space). InvalidArgument on a malformed escape.
absl::Status ParseQuery(absl::string_view query,
                        std::vector<std::pair<std::string, std::string>>* out);

}  // namespace healthcontent::http

#endif  // HEALTHCONTENT_HTTP_REST_ROUTES_H_

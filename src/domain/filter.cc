#include "domain/filter.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/field_errors.h"
#include "common/status_macros.h"

namespace healthcontent::domain {
namespace {

using NodePtr = std::unique_ptr<FilterNode>;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// The characters of a bare value; field names and keywords are made of them too.
bool IsWordChar(char c) {
  return IsLower(c) || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' || c == '.' || c == ':' ||
         c == '/' || c == '-';
}
bool IsOperatorChar(char c) { return c == '=' || c == '!' || c == '<' || c == '>'; }

bool IsFieldName(absl::string_view word) {
  if (word.empty() || !(IsLower(word[0]) || word[0] == '_')) return false;
  for (char c : word) {
    if (!(IsLower(c) || IsDigit(c) || c == '_' || c == '.')) return false;
  }
  return true;
}

absl::Status FilterError(absl::string_view description) {
  return InvalidFieldError("filter", description);
}

NodePtr MakeNode(FilterNode::Kind kind, size_t position) {
  auto node = std::make_unique<FilterNode>();
  node->kind = kind;
  node->position = static_cast<int>(position);
  return node;
}

// A token already consumed, named by later messages ("after \"AND\" at ...").
struct Token {
  absl::string_view text;
  size_t position;
};

// Recursive descent over the grammar in filter.h. Every recursion passes
// through ParseFactor's opener check, so the stack stays within
// kMaxFilterDepth levels whatever the input.
class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<NodePtr> Parse() {
    if (AtEnd()) return NodePtr();
    // The first comparison is never missing (the text is not blank), so this
    // token is never named.
    ASSIGN_OR_RETURN(NodePtr root, ParseExpr(0, Token{"", 0}));
    if (!AtEnd()) return UnexpectedAfterOperand();
    return root;
  }

 private:
  // expr := term (OR term)*
  absl::StatusOr<NodePtr> ParseExpr(int depth, Token after) {
    return ParseChain(FilterNode::Kind::kOr, "OR", after,
                      [this, depth](Token t) { return ParseTerm(depth, t); });
  }

  // term := factor (AND factor)*
  absl::StatusOr<NodePtr> ParseTerm(int depth, Token after) {
    return ParseChain(FilterNode::Kind::kAnd, "AND", after,
                      [this, depth](Token t) { return ParseFactor(depth, t); });
  }

  // operand (keyword operand)*: the operand alone, or one `kind` node over all.
  template <typename ParseOperand>
  absl::StatusOr<NodePtr> ParseChain(FilterNode::Kind kind, absl::string_view keyword, Token after,
                                     ParseOperand parse_operand) {
    ASSIGN_OR_RETURN(NodePtr first, parse_operand(after));
    if (!NextIsKeyword(keyword)) return first;
    NodePtr node = MakeNode(kind, pos_);
    node->children.push_back(std::move(first));
    while (NextIsKeyword(keyword)) {
      Token op = Take(keyword.size());
      ASSIGN_OR_RETURN(NodePtr operand, parse_operand(op));
      node->children.push_back(std::move(operand));
    }
    return node;
  }

  // factor := NOT factor | '-' factor | '(' expr ')' | comparison
  absl::StatusOr<NodePtr> ParseFactor(int depth, Token after) {
    if (AtEnd()) {
      return FilterError(absl::StrCat("expected a comparison after ", QuoteForMessage(after.text),
                                      " at position ", after.position));
    }
    const char c = text_[pos_];
    absl::string_view opener;
    if (c == '(' || c == '-') {
      opener = text_.substr(pos_, 1);
    } else if (WordAt(pos_) == "NOT") {
      opener = "NOT";
    } else {
      return ParseComparison();
    }
    if (depth == kMaxFilterDepth) {
      return FilterError(absl::StrCat(QuoteForMessage(opener), " at position ", pos_,
                                      " nests deeper than the limit of ", kMaxFilterDepth));
    }
    Token open = Take(opener.size());
    if (c == '(') {
      ASSIGN_OR_RETURN(NodePtr inner, ParseExpr(depth + 1, open));
      if (AtEnd()) {
        return FilterError(
            absl::StrCat("expected \")\" to close \"(\" at position ", open.position));
      }
      if (text_[pos_] != ')') return UnexpectedAfterOperand();
      ++pos_;
      return inner;
    }
    ASSIGN_OR_RETURN(NodePtr operand, ParseFactor(depth + 1, open));
    NodePtr node = MakeNode(FilterNode::Kind::kNot, open.position);
    node->children.push_back(std::move(operand));
    return node;
  }

  // comparison := FIELD op value
  absl::StatusOr<NodePtr> ParseComparison() {
    if (!IsFieldName(WordAt(pos_))) return FilterError(UnexpectedToken());
    if (++comparisons_ > kMaxFilterComparisons) {
      return FilterError(absl::StrCat("has more than ", kMaxFilterComparisons,
                                      " comparisons; the one at position ", pos_,
                                      " is over the limit"));
    }
    NodePtr node = MakeNode(FilterNode::Kind::kCompare, pos_);
    Token field = Take(WordAt(pos_).size());
    node->field = std::string(field.text);

    constexpr absl::string_view kExpectedOperator = "an operator (=, !=, <, <=, >, >=)";
    SkipSpace();
    absl::string_view op;
    // Two-character operators first, so "<=" is not read as "<".
    for (absl::string_view candidate : {"<=", ">=", "!=", "=", "<", ">"}) {
      if (absl::StartsWith(text_.substr(pos_), candidate)) {
        op = candidate;
        break;
      }
    }
    if (op.empty() && AtEnd()) {
      return FilterError(absl::StrCat("expected ", kExpectedOperator, " after ",
                                      QuoteForMessage(field.text), " at position ",
                                      field.position));
    }
    if (op.empty()) {
      return FilterError(absl::StrCat(UnexpectedToken(), "; expected ", kExpectedOperator,
                                      " after ", QuoteForMessage(field.text)));
    }
    Token op_token = Take(op.size());
    node->op = std::string(op);
    RETURN_IF_ERROR(ParseValue(op_token, node.get()));
    return node;
  }

  // value := "string" | bare word
  absl::Status ParseValue(Token op, FilterNode* node) {
    if (AtEnd()) {
      return FilterError(absl::StrCat("expected a value after ", QuoteForMessage(op.text),
                                      " at position ", op.position));
    }
    if (text_[pos_] == '"') {
      node->value_quoted = true;
      return ParseString(&node->value);
    }
    absl::string_view word = WordAt(pos_);
    if (word.empty()) {
      return FilterError(
          absl::StrCat(UnexpectedToken(), "; expected a value after ", QuoteForMessage(op.text)));
    }
    node->value = std::string(Take(word.size()).text);
    return absl::OkStatus();
  }

  // At an opening quote: reads the string, unescaping \" and \\.
  absl::Status ParseString(std::string* out) {
    const size_t start = pos_++;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return absl::OkStatus();
      if (c == '\\') {
        if (pos_ == text_.size()) break;
        if (text_[pos_] != '"' && text_[pos_] != '\\') {
          return FilterError(absl::StrCat(
              "invalid escape ", QuoteForMessage(text_.substr(pos_ - 1, 2)), " at position ",
              pos_ - 1, "; only \\\" and \\\\ may follow a backslash"));
        }
        c = text_[pos_++];
      }
      out->push_back(c);
    }
    return FilterError(absl::StrCat("unterminated string starting at position ", start));
  }

  // After a complete operand, where only AND, OR, ")" or the end may follow.
  absl::Status UnexpectedAfterOperand() const {
    if (text_[pos_] == ')') return FilterError(UnexpectedToken());
    return FilterError(absl::StrCat(UnexpectedToken(), "; join comparisons with AND or OR"));
  }

  // "unexpected <token> at position <pos>" for the token at pos_ (not at end).
  std::string UnexpectedToken() const {
    absl::string_view token = RunAt(pos_, IsWordChar);
    if (token.empty()) token = RunAt(pos_, IsOperatorChar);
    if (token.empty()) token = text_.substr(pos_, 1);
    return absl::StrCat("unexpected ", QuoteForMessage(token), " at position ", pos_);
  }

  absl::string_view RunAt(size_t pos, bool (*in_run)(char)) const {
    size_t end = pos;
    while (end < text_.size() && in_run(text_[end])) ++end;
    return text_.substr(pos, end - pos);
  }
  absl::string_view WordAt(size_t pos) const { return RunAt(pos, IsWordChar); }

  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }
  bool NextIsKeyword(absl::string_view keyword) {
    SkipSpace();
    return WordAt(pos_) == keyword;
  }
  Token Take(size_t length) {
    Token token{text_.substr(pos_, length), pos_};
    pos_ += length;
    return token;
  }

  const absl::string_view text_;
  size_t pos_ = 0;
  int comparisons_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FilterNode>> ParseFilter(absl::string_view text) {
  if (text.size() > kMaxFilterBytes) {
    return FilterError(absl::StrCat("is ", text.size(), " bytes; the limit is ", kMaxFilterBytes));
  }
  return Parser(text).Parse();
}

absl::StatusOr<ArticleOrder> ParseArticleOrderBy(absl::string_view text) {
  static constexpr struct {
    absl::string_view name;
    ArticleOrder::Field field;
  } kFields[] = {
      {"name", ArticleOrder::Field::kName},
      {"title", ArticleOrder::Field::kTitle},
      {"review_date", ArticleOrder::Field::kReviewDate},
      {"next_review_date", ArticleOrder::Field::kNextReviewDate},
  };
  constexpr absl::string_view kAllowed =
      "; order by name, title, review_date or next_review_date, optionally followed by "
      "\" asc\" or \" desc\"";

  std::vector<absl::string_view> words =
      absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  ArticleOrder order;
  if (words.empty()) return order;
  const auto* known = std::find_if(std::begin(kFields), std::end(kFields),
                                   [&](const auto& f) { return f.name == words[0]; });
  if (known == std::end(kFields)) {
    return InvalidFieldError("order_by",
                             absl::StrCat("unknown field ", QuoteForMessage(words[0]), kAllowed));
  }
  const bool has_direction = words.size() > 1 && (words[1] == "asc" || words[1] == "desc");
  const size_t expected_words = has_direction ? 2 : 1;
  if (words.size() > expected_words) {
    return InvalidFieldError(
        "order_by", absl::StrCat("unexpected ", QuoteForMessage(words[expected_words]), " after ",
                                 QuoteForMessage(words[expected_words - 1]), kAllowed));
  }
  order.field = known->field;
  order.descending = has_direction && words[1] == "desc";
  return order;
}

std::string QuoteForMessage(absl::string_view text) {
  constexpr size_t kMaxShown = 40;
  std::string out = "\"";
  for (char c : text.substr(0, kMaxShown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", byte);
    } else {
      out += c;
    }
  }
  if (text.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

}  // namespace healthcontent::domain

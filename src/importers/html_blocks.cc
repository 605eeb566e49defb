#include "importers/html_blocks.h"

#include <gumbo.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace healthcontent::importers {
namespace {

// Bytes of whitespace at `i`: ASCII whitespace and control characters count
// as one byte, U+00A0 NO-BREAK SPACE as its two; 0 when there is none.
size_t WhitespaceAt(absl::string_view text, size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  if (c <= 0x20 || c == 0x7f) return 1;
  if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) return 2;
  return 0;
}

// ---------------------------------------------------------------------------
// The quick scan before gumbo.

bool TagIn(absl::string_view name, std::initializer_list<absl::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool IsVoidTag(absl::string_view name) {
  return TagIn(name,
               {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image",
                "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr"});
}

bool IsFormattingTag(absl::string_view name) {
  return TagIn(name, {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike",
                      "strong", "tt", "u"});
}

// Whether the tags of `html` could nest deeper than `limit`: an upper
// bound, good enough to keep gumbo out of deep trees, found in one pass that
// stops at the limit (so it is linear). Follows start and end tags with a
// stack, closes the <li>, <p>, <dt>/<dd>, <tr> and <td>/<th> that HTML lets a
// page leave open, skips comments and the raw text of <script>-like
// elements, and counts formatting elements closed by an ancestor's end tag
// as still open (gumbo may reopen them).
bool MayNestDeeperThan(absl::string_view html, int limit) {
  std::vector<std::string> stack;
  int lingering = 0;
  auto pop_to = [&](size_t index) {
    for (size_t k = stack.size(); k-- > index + 1;) {
      if (IsFormattingTag(stack[k])) ++lingering;
    }
    stack.resize(index);
  };
  auto find_open = [&](std::initializer_list<absl::string_view> names,
                       std::initializer_list<absl::string_view> boundaries) -> int {
    for (size_t k = stack.size(); k-- > 0;) {
      if (TagIn(stack[k], names)) return static_cast<int>(k);
      if (TagIn(stack[k], boundaries)) return -1;
    }
    return -1;
  };
  // The offset of "</name" (any case) at or after `from`, or npos.
  auto find_end_tag = [&](absl::string_view name, size_t from) {
    for (size_t at = html.find("</", from); at != absl::string_view::npos;
         at = html.find("</", at + 2)) {
      if (absl::EqualsIgnoreCase(html.substr(at + 2, name.size()), name)) return at;
    }
    return absl::string_view::npos;
  };
  size_t i = 0;
  while ((i = html.find('<', i)) != absl::string_view::npos) {
    ++i;
    if (i >= html.size()) break;
    if (absl::StartsWith(html.substr(i), "!--")) {
      size_t end = html.find("-->", i + 3);
      if (end == absl::string_view::npos) break;
      i = end + 3;
      continue;
    }
    bool closing = html[i] == '/';
    if (closing) ++i;
    size_t name_start = i;
    while (i < html.size() && (absl::ascii_isalnum(static_cast<unsigned char>(html[i])) ||
                               html[i] == '-' || html[i] == ':')) {
      ++i;
    }
    if (i == name_start) continue;  // "<!DOCTYPE", "<?", "a < b": not an element
    std::string name = absl::AsciiStrToLower(html.substr(name_start, i - name_start));
    // The rest of the tag; quoted attribute values may hold '>'.
    char quote = 0;
    while (i < html.size() && (quote != 0 || html[i] != '>')) {
      if (quote == 0 && (html[i] == '"' || html[i] == '\'')) {
        quote = html[i];
      } else if (quote != 0 && html[i] == quote) {
        quote = 0;
      }
      ++i;
    }
    if (closing) {
      for (size_t k = stack.size(); k-- > 0;) {
        if (stack[k] == name) {
          pop_to(k);
          break;
        }
      }
      continue;
    }
    if (TagIn(name, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
                     "noscript"})) {
      i = find_end_tag(name, i);
      if (i == absl::string_view::npos) break;
      continue;
    }
    if (name == "plaintext") break;
    if (IsVoidTag(name)) continue;
    int open = -1;
    if (name == "li") open = find_open({"li"}, {"ul", "ol"});
    if (name == "dt" || name == "dd") open = find_open({"dt", "dd"}, {"dl"});
    if (name == "tr") open = find_open({"tr"}, {"table"});
    if (name == "td" || name == "th") open = find_open({"td", "th"}, {"tr", "table"});
    if (name == "p") open = find_open({"p"}, {"div", "li", "td", "th", "blockquote"});
    if (open >= 0) pop_to(open);
    stack.push_back(std::move(name));
    if (static_cast<int>(stack.size()) + lingering > limit) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// gumbo's allocations come from an arena freed at once: gumbo_destroy_output
// recurses over the tree, and the tree of hostile markup may be deep.

class Arena {
 public:
  static void* Allocate(void* arena, size_t size) { return static_cast<Arena*>(arena)->Take(size); }
  static void Free(void*, void*) {}

 private:
  void* Take(size_t size) {
    size = (size + 15) & ~size_t{15};
    if (size > free_) {
      size_t block = std::max<size_t>(size, 64 << 10);
      blocks_.emplace_back(new char[block]);
      next_ = blocks_.back().get();
      free_ = block;
    }
    void* out = next_;
    next_ += size;
    free_ -= size;
    return out;
  }

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t free_ = 0;
};

// ---------------------------------------------------------------------------
// Which elements do what.

// Elements dropped with everything in them: code, styles, media, forms and
// what HTML puts in <head>.
bool IsDroppedTag(GumboTag tag) {
  static constexpr GumboTag kDroppedTags[] = {
      GUMBO_TAG_SCRIPT,   GUMBO_TAG_STYLE,    GUMBO_TAG_NOSCRIPT, GUMBO_TAG_TEMPLATE,
      GUMBO_TAG_IFRAME,   GUMBO_TAG_OBJECT,   GUMBO_TAG_EMBED,    GUMBO_TAG_APPLET,
      GUMBO_TAG_VIDEO,    GUMBO_TAG_AUDIO,    GUMBO_TAG_CANVAS,   GUMBO_TAG_SVG,
      GUMBO_TAG_MATH,     GUMBO_TAG_IMG,      GUMBO_TAG_IMAGE,    GUMBO_TAG_SOURCE,
      GUMBO_TAG_TRACK,    GUMBO_TAG_BUTTON,   GUMBO_TAG_FORM,     GUMBO_TAG_INPUT,
      GUMBO_TAG_SELECT,   GUMBO_TAG_TEXTAREA, GUMBO_TAG_OPTION,   GUMBO_TAG_HEAD,
      GUMBO_TAG_TITLE,    GUMBO_TAG_META,     GUMBO_TAG_LINK,     GUMBO_TAG_BASE,
      GUMBO_TAG_MAP,      GUMBO_TAG_AREA,     GUMBO_TAG_PARAM,    GUMBO_TAG_NOEMBED,
      GUMBO_TAG_NOFRAMES, GUMBO_TAG_FRAMESET, GUMBO_TAG_FRAME};
  return std::find(std::begin(kDroppedTags), std::end(kDroppedTags), tag) != std::end(kDroppedTags);
}

// Elements that end the paragraph before them and start a new one after.
bool IsBlockTag(GumboTag tag) {
  static constexpr GumboTag kBlockTags[] = {
      GUMBO_TAG_P,       GUMBO_TAG_DIV,        GUMBO_TAG_SECTION,  GUMBO_TAG_ARTICLE,
      GUMBO_TAG_ASIDE,   GUMBO_TAG_HEADER,     GUMBO_TAG_FOOTER,   GUMBO_TAG_NAV,
      GUMBO_TAG_MAIN,    GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_PRE,      GUMBO_TAG_CAPTION,
      GUMBO_TAG_THEAD,   GUMBO_TAG_TBODY,      GUMBO_TAG_TFOOT,    GUMBO_TAG_TD,
      GUMBO_TAG_TH,      GUMBO_TAG_DL,         GUMBO_TAG_DT,       GUMBO_TAG_DD,
      GUMBO_TAG_FIGURE,  GUMBO_TAG_FIGCAPTION, GUMBO_TAG_DETAILS,  GUMBO_TAG_SUMMARY,
      GUMBO_TAG_ADDRESS, GUMBO_TAG_HR,         GUMBO_TAG_FIELDSET, GUMBO_TAG_LEGEND,
      GUMBO_TAG_CENTER,  GUMBO_TAG_HGROUP,     GUMBO_TAG_BODY,     GUMBO_TAG_HTML};
  return std::find(std::begin(kBlockTags), std::end(kBlockTags), tag) != std::end(kBlockTags);
}

const GumboNode* Child(const GumboVector& children, unsigned i) {
  return static_cast<const GumboNode*>(children.data[i]);
}

}  // namespace

std::string CollapseWhitespace(absl::string_view text) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < text.size();) {
    size_t ws = WhitespaceAt(text, i);
    if (ws > 0) {
      space = true;
      i += ws;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(text[i++]);
  }
  return out;
}

std::string AbsoluteHttpUrl(absl::string_view href, absl::string_view origin) {
  href = absl::StripAsciiWhitespace(href);
  std::string url;
  std::string lower = absl::AsciiStrToLower(href.substr(0, 8));
  if (absl::StartsWith(href, "//")) {
    url = absl::StrCat("https:", href);
  } else if (absl::StartsWith(href, "/")) {
    url = absl::StrCat(origin, href);
  } else if (absl::StartsWith(lower, "https://") || absl::StartsWith(lower, "http://")) {
    url = std::string(href);
  } else {
    return "";
  }
  if (url.size() > 2000) return "";
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '<' || c == '>' || c == 0x7f) {
      return "";
    }
  }
  size_t host = url.find("//") + 2;
  if (host >= url.size() || url[host] == '/') return "";
  return url;
}

bool HtmlBlockWriter::Style::Matches(const v1::Span& span) const {
  return span.bold() == bold && span.italic() == italic && span.link_uri() == link;
}

HtmlBlockWriter::HtmlBlockWriter(v1::Article* article, Options options)
    : article_(article), options_(std::move(options)) {}

absl::Status HtmlBlockWriter::AddHtml(absl::string_view html, bool bold) {
  if (html.empty()) return absl::OkStatus();
  // The scan allows this much nesting; the tree gumbo builds is then held to
  // max_depth. The margin covers end tags that HTML lets a page leave out,
  // which the scan cannot always see.
  if (MayNestDeeperThan(html, 4 * options_.max_depth)) return TooDeep();
  Arena arena;
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &Arena::Allocate;
  options.deallocator = &Arena::Free;
  options.userdata = &arena;
  options.max_errors = 0;  // parse errors are not reported; don't keep them
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  // No gumbo_destroy_output: the arena owns every node.
  Style base;
  base.bold = bold;
  absl::Status status = absl::OkStatus();
  const GumboNode* root = output->root;
  if (root != nullptr && root->type == GUMBO_NODE_ELEMENT) {
    const GumboVector& children = root->v.element.children;
    for (unsigned i = 0; i < children.length && status.ok(); ++i) {
      const GumboNode* child = Child(children, i);
      if (child->type == GUMBO_NODE_ELEMENT && child->v.element.tag == GUMBO_TAG_BODY) {
        status = WalkChildren(child, 0, base);
      }
    }
  }
  EndRun();
  list_depth_ = 0;
  item_depth_ = 0;
  open_list_ = nullptr;
  return status;
}

void HtmlBlockWriter::StartSection(const std::string& heading) {
  if (heading.empty()) return;
  if (!article_->sections().empty() && article_->sections().rbegin()->heading() == heading) {
    return;
  }
  EndRun();
  open_list_ = nullptr;
  article_->add_sections()->set_heading(heading);
}

void HtmlBlockWriter::Finish() {
  auto* sections = article_->mutable_sections();
  int kept = 0;
  for (int i = 0; i < sections->size(); ++i) {
    if (!(*sections)[i].blocks().empty()) sections->SwapElements(i, kept++);
  }
  sections->DeleteSubrange(kept, sections->size() - kept);
}

absl::Status HtmlBlockWriter::TooDeep() const {
  return absl::InvalidArgumentError(
      absl::StrCat("HTML nests deeper than ", options_.max_depth, " elements"));
}

absl::Status HtmlBlockWriter::WalkChildren(const GumboNode* node, int depth, const Style& style) {
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    RETURN_IF_ERROR(Walk(Child(children, i), depth + 1, style));
  }
  return absl::OkStatus();
}

absl::Status HtmlBlockWriter::Walk(const GumboNode* node, int depth, const Style& style) {
  switch (node->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE:
      AddText(node->v.text.text, style);
      return absl::OkStatus();
    case GUMBO_NODE_ELEMENT:
      break;
    default:  // comments, templates
      return absl::OkStatus();
  }
  if (depth > options_.max_depth) return TooDeep();
  const GumboElement& element = node->v.element;
  if (element.tag_namespace != GUMBO_NAMESPACE_HTML || IsDroppedTag(element.tag)) {
    return absl::OkStatus();
  }
  Style inner = style;
  switch (element.tag) {
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: {
      EndRun();
      std::string heading;
      RETURN_IF_ERROR(CollectText(node, depth, &heading));
      StartSection(CollapseWhitespace(heading));
      return absl::OkStatus();
    }
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
      EndRun();
      inner.bold = true;
      RETURN_IF_ERROR(WalkChildren(node, depth, inner));
      EndRun();
      return absl::OkStatus();
    case GUMBO_TAG_BR:
      BlockBoundary();
      return absl::OkStatus();
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_DIR: {
      EndRun();
      ++list_depth_;
      absl::Status status = WalkChildren(node, depth, inner);
      EndRun();
      if (--list_depth_ == 0) open_list_ = nullptr;
      return status;
    }
    case GUMBO_TAG_TABLE:
      return WalkTable(node, depth, inner);
    case GUMBO_TAG_TR:
    case GUMBO_TAG_LI: {
      EndRun();
      ++item_depth_;
      absl::Status status = WalkChildren(node, depth, inner);
      EndRun();
      --item_depth_;
      return status;
    }
    case GUMBO_TAG_B:
    case GUMBO_TAG_STRONG:
      inner.bold = true;
      return WalkChildren(node, depth, inner);
    case GUMBO_TAG_I:
    case GUMBO_TAG_EM:
      inner.italic = true;
      return WalkChildren(node, depth, inner);
    case GUMBO_TAG_A: {
      const GumboAttribute* href = gumbo_get_attribute(&element.attributes, "href");
      if (href != nullptr) {
        std::string url = options_.resolve_link(href->value);
        if (!url.empty()) inner.link = std::move(url);
      }
      return WalkChildren(node, depth, inner);
    }
    default:
      break;
  }
  if (!IsBlockTag(element.tag)) return WalkChildren(node, depth, inner);
  BlockBoundary();
  RETURN_IF_ERROR(WalkChildren(node, depth, inner));
  BlockBoundary();
  return absl::OkStatus();
}

// A table is a list of its rows, after its caption in bold: the cells of a
// row read as one item.
absl::Status HtmlBlockWriter::WalkTable(const GumboNode* node, int depth, const Style& style) {
  EndRun();
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const GumboNode* child = Child(children, i);
    if (child->type != GUMBO_NODE_ELEMENT || child->v.element.tag != GUMBO_TAG_CAPTION) {
      continue;
    }
    Style caption = style;
    caption.bold = true;
    RETURN_IF_ERROR(WalkChildren(child, depth + 1, caption));
    EndRun();
  }
  ++list_depth_;
  absl::Status status = absl::OkStatus();
  for (unsigned i = 0; i < children.length && status.ok(); ++i) {
    const GumboNode* child = Child(children, i);
    if (child->type == GUMBO_NODE_ELEMENT && child->v.element.tag == GUMBO_TAG_CAPTION) {
      continue;
    }
    status = Walk(child, depth + 1, style);
  }
  EndRun();
  if (--list_depth_ == 0) open_list_ = nullptr;
  return status;
}

// The text of a heading, markup dropped.
absl::Status HtmlBlockWriter::CollectText(const GumboNode* node, int depth, std::string* out) {
  if (depth > options_.max_depth) return TooDeep();
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
      node->type == GUMBO_NODE_CDATA) {
    absl::StrAppend(out, node->v.text.text, " ");
    return absl::OkStatus();
  }
  if (node->type != GUMBO_NODE_ELEMENT || IsDroppedTag(node->v.element.tag)) {
    return absl::OkStatus();
  }
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    RETURN_IF_ERROR(CollectText(Child(children, i), depth + 1, out));
  }
  return absl::OkStatus();
}

google::protobuf::RepeatedPtrField<v1::Block>* HtmlBlockWriter::Blocks() {
  if (article_->sections().empty()) return article_->mutable_lead();
  return article_->mutable_sections()->rbegin()->mutable_blocks();
}

// Inside a list item a block boundary is a space; elsewhere it ends the
// paragraph.
void HtmlBlockWriter::BlockBoundary() {
  if (item_depth_ > 0) {
    pending_space_ = !run_.empty();
  } else {
    EndRun();
  }
}

void HtmlBlockWriter::AddText(absl::string_view text, const Style& style) {
  for (size_t i = 0; i < text.size();) {
    size_t ws = WhitespaceAt(text, i);
    if (ws > 0) {
      pending_space_ = true;
      i += ws;
      continue;
    }
    size_t end = i + 1;
    while (end < text.size() && WhitespaceAt(text, end) == 0) ++end;
    AddWord(text.substr(i, end - i), style);
    i = end;
  }
}

// Appends a word. A space before it goes to the neighbour with the least
// formatting: plain text first, then anything but a link, the preceding span
// when they tie; so links, and bold runs where possible, neither start nor
// end with a space.
void HtmlBlockWriter::AddWord(absl::string_view word, const Style& style) {
  std::string text(word);
  if (pending_space_ && !run_.empty()) {
    v1::Span& last = run_.back();
    bool last_plain = !last.bold() && !last.italic() && last.link_uri().empty();
    bool to_last =
        last_plain || (!style.plain() && (last.link_uri().empty() || !style.link.empty()));
    if (to_last) {
      last.mutable_text()->push_back(' ');
    } else {
      text.insert(text.begin(), ' ');
    }
  }
  pending_space_ = false;
  if (!run_.empty() && style.Matches(run_.back())) {
    run_.back().mutable_text()->append(text);
    return;
  }
  v1::Span span;
  span.set_text(std::move(text));
  span.set_bold(style.bold);
  span.set_italic(style.italic);
  span.set_link_uri(style.link);
  run_.push_back(std::move(span));
}

// Ends the paragraph or list item being collected.
void HtmlBlockWriter::EndRun() {
  pending_space_ = false;
  if (run_.empty()) return;
  google::protobuf::RepeatedPtrField<v1::Span>* spans;
  if (list_depth_ > 0 || item_depth_ > 0) {
    if (open_list_ == nullptr) open_list_ = Blocks()->Add()->mutable_bullet_list();
    spans = open_list_->add_items()->mutable_spans();
  } else {
    spans = Blocks()->Add()->mutable_paragraph()->mutable_spans();
    open_list_ = nullptr;
  }
  for (v1::Span& span : run_) *spans->Add() = std::move(span);
  run_.clear();
}

}  // namespace healthcontent::importers

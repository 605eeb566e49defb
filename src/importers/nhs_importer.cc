#include "importers/nhs_importer.h"

#include <gumbo.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "domain/article_rules.h"
#include "domain/coding.h"
#include "importers/slug.h"
#include "nlohmann/json.hpp"

namespace healthcontent::importers {
namespace {

using Json = nlohmann::json;

constexpr absl::string_view kWebsite = "https://www.nhs.uk";
constexpr absl::string_view kApiPrefixes[] = {
    "https://api.service.nhs.uk/nhs-website-content/",
    "https://api.service.nhs.uk/",
};
constexpr char kPublisher[] = "NHS website";
constexpr char kLicense[] =
    "Contains public sector information licensed under the Open Government Licence v3.0";
constexpr char kLanguage[] = "en-GB";
// relatedLink relationships that are the site's menus, not works the page cites.
constexpr absl::string_view kMenuLinkRelationships[] = {"Navigation", "Pagination", "Self"};
// The quick scan before gumbo allows this much nesting; the tree gumbo builds
// is then held to kMaxNhsHtmlDepth. The margin covers end tags that HTML lets
// a page leave out, which the scan cannot always see.
constexpr int kMaxScannedHtmlDepth = 4 * kMaxNhsHtmlDepth;

// ---------------------------------------------------------------------------
// JSON access that never throws.

const Json* Field(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string StringField(const Json& object, const char* key) {
  const Json* value = Field(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

const Json* ArrayField(const Json& object, const char* key) {
  const Json* value = Field(object, key);
  return value != nullptr && value->is_array() ? value : nullptr;
}

// Text for an error message: bytes outside printable ASCII (the junk a
// parser quotes back, say) shown as '?'.
std::string Printable(absl::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  return out;
}

// Cuts text quoted in an error message to a readable length.
std::string Shorten(absl::string_view text) {
  constexpr size_t kMaxShown = 160;
  if (text.size() <= kMaxShown) return std::string(text);
  return absl::StrCat(text.substr(0, Utf8CharBoundary(text, kMaxShown)), "...");
}

// ---------------------------------------------------------------------------
// Text and URLs.

// Bytes of whitespace at `i`: ASCII whitespace and control characters count
// as one byte, U+00A0 NO-BREAK SPACE as its two; 0 when there is none.
size_t WhitespaceAt(absl::string_view text, size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  if (c <= 0x20 || c == 0x7f) return 1;
  if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) return 2;
  return 0;
}

// Collapses whitespace to single spaces and trims.
std::string NormaliseText(absl::string_view text) {
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

// An NHS API address (https://api.service.nhs.uk/nhs-website-content/x/) as
// the website's (https://www.nhs.uk/x/); other addresses unchanged.
std::string WebsiteUrl(absl::string_view url) {
  for (absl::string_view prefix : kApiPrefixes) {
    if (absl::StartsWith(url, prefix)) {
      return absl::StrCat(kWebsite, "/", url.substr(prefix.size()));
    }
  }
  return std::string(url);
}

// An href as an absolute http(s) URL, or "" when it is none (mailto:, tel:,
// fragments, page-relative paths, anything with spaces or quotes).
std::string AbsoluteLink(absl::string_view href) {
  href = absl::StripAsciiWhitespace(href);
  std::string url;
  std::string lower = absl::AsciiStrToLower(href.substr(0, 8));
  if (absl::StartsWith(href, "//")) {
    url = absl::StrCat("https:", href);
  } else if (absl::StartsWith(href, "/")) {
    url = absl::StrCat(kWebsite, href);
  } else if (absl::StartsWith(lower, "https://") || absl::StartsWith(lower, "http://")) {
    url = WebsiteUrl(href);
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
// Lead and sections, built from JSON-LD elements and their HTML.

struct Style {
  bool bold = false;
  bool italic = false;
  std::string link;

  bool plain() const { return !bold && !italic && link.empty(); }
  bool Matches(const v1::Span& span) const {
    return span.bold() == bold && span.italic() == italic && span.link_uri() == link;
  }
};

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

// Fills an article's lead and sections. Content goes to the lead until the
// first heading, then to the last section. Not thread-safe; one per import.
class BodyBuilder {
 public:
  explicit BodyBuilder(v1::Article* article) : article_(article) {}

  // One entry of mainEntityOfPage (or hasPart): an optional headline, an
  // optional HTML `text` (the lead paragraph), and its elements.
  absl::Status AddSection(const Json& section) {
    StartSection(NormaliseText(StringField(section, "headline")));
    RETURN_IF_ERROR(AddHtml(StringField(section, "text"), Style()));
    const Json* elements = ArrayField(section, "mainEntityOfPage");
    if (elements == nullptr || elements->empty()) elements = ArrayField(section, "hasPart");
    if (elements == nullptr) return absl::OkStatus();
    for (const Json& element : *elements) RETURN_IF_ERROR(AddElement(element, 1));
    return absl::OkStatus();
  }

  // Drops sections that ended up without content (a heading followed
  // straight by another).
  void Finish() {
    auto* sections = article_->mutable_sections();
    int kept = 0;
    for (int i = 0; i < sections->size(); ++i) {
      if (!(*sections)[i].blocks().empty()) sections->SwapElements(i, kept++);
    }
    sections->DeleteSubrange(kept, sections->size() - kept);
  }

  // Where errors happened: the current section's heading.
  std::string Where() const {
    if (article_->sections().empty()) return "the lead";
    return absl::StrCat("section \"", Shorten(article_->sections().rbegin()->heading()), "\"");
  }

 private:
  absl::Status AddElement(const Json& element, int depth) {
    if (depth > kMaxNhsElementDepth) {
      return absl::InvalidArgumentError(
          absl::StrCat("elements nest deeper than ", kMaxNhsElementDepth));
    }
    if (!element.is_object()) return absl::OkStatus();
    std::string type = StringField(element, "@type");
    // Images, videos and other media: no text of the article.
    if (absl::EndsWith(type, "Object")) return absl::OkStatus();
    if (StringField(element, "name") == "link") return absl::OkStatus();
    StartSection(NormaliseText(StringField(element, "headline")));
    Style bold;
    bold.bold = true;
    if (type == "Question") {
      RETURN_IF_ERROR(AddHtml(StringField(element, "text"), bold));
      const Json* answer = Field(element, "acceptedAnswer");
      if (answer == nullptr) return absl::OkStatus();
      return AddChildren(*answer, depth);
    }
    // A reveal's title ("See vaccines for at-risk babies and children").
    RETURN_IF_ERROR(AddHtml(StringField(element, "subjectOf"), bold));
    RETURN_IF_ERROR(AddHtml(StringField(element, "text"), Style()));
    return AddChildren(element, depth);
  }

  // `mainEntity`: a table's HTML, or nested elements.
  absl::Status AddChildren(const Json& element, int depth) {
    const Json* children = Field(element, "mainEntity");
    if (children == nullptr) return absl::OkStatus();
    if (children->is_string()) return AddHtml(children->get<std::string>(), Style());
    if (children->is_object()) return AddElement(*children, depth + 1);
    if (children->is_array()) {
      for (const Json& child : *children) RETURN_IF_ERROR(AddElement(child, depth + 1));
    }
    return absl::OkStatus();
  }

  absl::Status AddHtml(const std::string& html, const Style& base) {
    if (html.empty()) return absl::OkStatus();
    if (MayNestDeeperThan(html, kMaxScannedHtmlDepth)) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTML nests deeper than ", kMaxNhsHtmlDepth, " elements"));
    }
    Arena arena;
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = &Arena::Allocate;
    options.deallocator = &Arena::Free;
    options.userdata = &arena;
    options.max_errors = 0;  // parse errors are not reported; don't keep them
    GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
    // No gumbo_destroy_output: the arena owns every node.
    absl::Status status = absl::OkStatus();
    const GumboNode* root = output->root;
    if (root != nullptr && root->type == GUMBO_NODE_ELEMENT) {
      const GumboVector& children = root->v.element.children;
      for (unsigned i = 0; i < children.length && status.ok(); ++i) {
        const auto* child = static_cast<const GumboNode*>(children.data[i]);
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

  absl::Status WalkChildren(const GumboNode* node, int depth, const Style& style) {
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
      RETURN_IF_ERROR(Walk(static_cast<const GumboNode*>(children.data[i]), depth + 1, style));
    }
    return absl::OkStatus();
  }

  absl::Status Walk(const GumboNode* node, int depth, const Style& style) {
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
    if (depth > kMaxNhsHtmlDepth) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTML nests deeper than ", kMaxNhsHtmlDepth, " elements"));
    }
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
        StartSection(NormaliseText(heading));
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
      // A table is a list of its rows, after its caption in bold: the cells
      // of a row read as one item.
      case GUMBO_TAG_TABLE: {
        EndRun();
        const GumboVector& children = element.children;
        for (unsigned i = 0; i < children.length; ++i) {
          const auto* child = static_cast<const GumboNode*>(children.data[i]);
          if (child->type != GUMBO_NODE_ELEMENT || child->v.element.tag != GUMBO_TAG_CAPTION) {
            continue;
          }
          Style caption = inner;
          caption.bold = true;
          RETURN_IF_ERROR(WalkChildren(child, depth + 1, caption));
          EndRun();
        }
        ++list_depth_;
        absl::Status status = absl::OkStatus();
        for (unsigned i = 0; i < children.length && status.ok(); ++i) {
          const auto* child = static_cast<const GumboNode*>(children.data[i]);
          if (child->type == GUMBO_NODE_ELEMENT && child->v.element.tag == GUMBO_TAG_CAPTION) {
            continue;
          }
          status = Walk(child, depth + 1, inner);
        }
        EndRun();
        if (--list_depth_ == 0) open_list_ = nullptr;
        return status;
      }
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
          std::string url = AbsoluteLink(href->value);
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

  // The text of a heading, markup dropped.
  absl::Status CollectText(const GumboNode* node, int depth, std::string* out) {
    if (depth > kMaxNhsHtmlDepth) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTML nests deeper than ", kMaxNhsHtmlDepth, " elements"));
    }
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
      RETURN_IF_ERROR(CollectText(static_cast<const GumboNode*>(children.data[i]), depth + 1, out));
    }
    return absl::OkStatus();
  }

  // A new section, unless `heading` is empty or the current one's.
  void StartSection(const std::string& heading) {
    if (heading.empty()) return;
    if (!article_->sections().empty() && article_->sections().rbegin()->heading() == heading) {
      return;
    }
    EndRun();
    open_list_ = nullptr;
    article_->add_sections()->set_heading(heading);
  }

  google::protobuf::RepeatedPtrField<v1::Block>* Blocks() {
    if (article_->sections().empty()) return article_->mutable_lead();
    return article_->mutable_sections()->rbegin()->mutable_blocks();
  }

  // Inside a list item a block boundary is a space; elsewhere it ends the
  // paragraph.
  void BlockBoundary() {
    if (item_depth_ > 0) {
      pending_space_ = !run_.empty();
    } else {
      EndRun();
    }
  }

  void AddText(absl::string_view text, const Style& style) {
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
  // formatting: plain text first, then anything but a link, the preceding
  // span when they tie; so links, and bold runs where possible, neither start
  // nor end with a space.
  void AddWord(absl::string_view word, const Style& style) {
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
  void EndRun() {
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

  v1::Article* article_;
  std::vector<v1::Span> run_;
  bool pending_space_ = false;
  int list_depth_ = 0;
  int item_depth_ = 0;
  v1::BulletList* open_list_ = nullptr;  // owned by article_
};

// ---------------------------------------------------------------------------
// What kind of document this is.

bool IsLinkElement(const Json& element) { return StringField(element, "name") == "link"; }

// True when an element holds text of the page itself.
bool HasText(const Json& element, int depth) {
  if (!element.is_object() || depth > kMaxNhsElementDepth || IsLinkElement(element)) return false;
  if (absl::EndsWith(StringField(element, "@type"), "Object")) return false;
  if (!StringField(element, "text").empty()) return true;
  for (const char* key : {"mainEntity", "acceptedAnswer"}) {
    const Json* child = Field(element, key);
    if (child == nullptr) continue;
    if (child->is_string() && !child->get<std::string>().empty()) return true;
    if (child->is_object() && HasText(*child, depth + 1)) return true;
    if (child->is_array()) {
      for (const Json& c : *child) {
        if (HasText(c, depth + 1)) return true;
      }
    }
  }
  return false;
}

struct SectionSurvey {
  int links = 0;
  bool text = false;
};

SectionSurvey Survey(const Json& sections) {
  SectionSurvey survey;
  for (const Json& section : sections) {
    if (!StringField(section, "text").empty() && !IsLinkElement(section)) survey.text = true;
    for (const char* key : {"mainEntityOfPage", "hasPart"}) {
      const Json* elements = ArrayField(section, key);
      if (elements == nullptr || elements->empty()) continue;
      for (const Json& element : *elements) {
        if (IsLinkElement(element)) ++survey.links;
        if (HasText(element, 1)) survey.text = true;
      }
      break;  // hasPart repeats mainEntityOfPage
    }
  }
  return survey;
}

std::string Links(size_t n) { return absl::StrCat(n, n == 1 ? " link" : " links"); }

// FailedPrecondition for documents that are not an article.
absl::Status CheckIsArticle(const Json& page) {
  const Json* code = Field(page, "statusCode");
  if (code != nullptr && Field(page, "message") != nullptr) {
    std::string shown = code->is_number_integer() ? std::to_string(code->get<int64_t>())
                        : code->is_string()       ? code->get<std::string>()
                                                  : "(no code)";
    return absl::FailedPreconditionError(absl::StrCat("is an API error response: ", Shorten(shown),
                                                      " ", Shorten(StringField(page, "message"))));
  }
  if (Field(page, "@type") == nullptr && Field(page, "name") == nullptr &&
      Field(page, "modules") != nullptr) {
    return absl::FailedPreconditionError(
        "is a modules-only response (modules=true): it has no name, url or lastReviewed; "
        "import the full page");
  }
  const Json* results = ArrayField(page, "results");
  if (results != nullptr && Field(page, "pagination") != nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("is a listing page of ", Links(results->size()), ", not an article"));
  }
  const Json* significant = ArrayField(page, "significantLink");
  if (significant != nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("is a listing page of ", Links(significant->size()), ", not an article"));
  }
  const Json* sections = ArrayField(page, "mainEntityOfPage");
  if (sections != nullptr && !sections->empty()) {
    SectionSurvey survey = Survey(*sections);
    if (!survey.text && survey.links > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("is a listing page of ", Links(survey.links), ", not an article"));
    }
  }
  return absl::OkStatus();
}

// "2023-12-05T14:50:00+00:00" or "2023-12-05": the day as written.
absl::StatusOr<google::type::Date> ReviewDate(const Json& dates, size_t index) {
  std::string field = absl::StrCat("lastReviewed[", index, "]");
  if (!dates[index].is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a string"));
  }
  std::string text = dates[index].get<std::string>();
  absl::StatusOr<absl::CivilDay> day = ParseIsoDate(absl::string_view(text).substr(0, 10));
  if (!day.ok())
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", day.status().message()));
  if (text.size() > 10 && text[10] != 'T' && text[10] != ' ') {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", Shorten(text), "\" is not an ISO 8601 date or date-time"));
  }
  return ToProtoDate(*day);
}

absl::Status Prefixed(absl::string_view source, const absl::Status& status) {
  absl::Status out(status.code(), absl::StrCat(source, ": ", status.message()));
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

// The page's own codes: `code` (a MedicalCode or an array of them), each
// {"codingSystem": "SNOMED-CT", "codeValue": "..."}. Empty values are
// skipped (the sample corpus carries only those); the system is kept as given
// when it is not SNOMED CT, so validation names it.
void AddPageCodes(const Json& page, v1::Article* article) {
  auto it = page.find("code");
  if (it == page.end()) return;
  std::vector<const Json*> codes;
  if (it->is_array()) {
    for (const Json& code : *it) codes.push_back(&code);
  } else {
    codes.push_back(&*it);
  }
  for (const Json* code : codes) {
    if (!code->is_object()) continue;
    std::string value = NormaliseText(StringField(*code, "codeValue"));
    if (value.empty()) continue;
    std::string system = StringField(*code, "codingSystem");
    if (system == "SNOMED-CT" || system == "SNOMED CT" || system == "SNOMEDCT") {
      system = "http://snomed.info/sct";
    }
    v1::Coding* coding = article->add_codes();
    coding->set_system(system);
    coding->set_code(value);
    coding->set_display(NormaliseText(StringField(*code, "name")));
  }
}

// Adds the code map's codes for the article's source_url, skipping any the
// page already carries.
void AddMappedCodes(const NhsCodeMap& map, v1::Article* article) {
  auto it = map.find(article->source_url());
  if (it == map.end()) return;
  for (const v1::Coding& mapped : it->second) {
    bool present = false;
    for (const v1::Coding& coding : article->codes()) {
      const domain::CodeSystemInfo* system = domain::FindCodeSystem(coding.system());
      if (system == nullptr || !system->held || system->uri != mapped.system()) continue;
      absl::StatusOr<std::string> code = domain::NormalizeCode(system->system, coding.code());
      present |= code.ok() && *code == mapped.code();
    }
    if (!present) *article->add_codes() = mapped;
  }
}

absl::StatusOr<v1::PublishArticleRevisionRequest> ImportParsed(const Json& page,
                                                               const NhsCodeMap* code_map) {
  if (!page.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("is not an NHS content API page: the JSON is ",
                                                   page.type_name(), ", not an object"));
  }
  RETURN_IF_ERROR(CheckIsArticle(page));

  v1::PublishArticleRevisionRequest request;
  v1::Article* article = request.mutable_article();
  std::string title = NormaliseText(StringField(page, "name"));
  if (title.empty()) return absl::InvalidArgumentError("has no name (the title)");
  article->set_title(title);
  article->set_summary(NormaliseText(StringField(page, "description")));

  const Json* reviewed = ArrayField(page, "lastReviewed");
  if (reviewed == nullptr || reviewed->empty()) {
    return absl::InvalidArgumentError("has no lastReviewed review date");
  }
  ASSIGN_OR_RETURN(*article->mutable_review_date(), ReviewDate(*reviewed, 0));
  if (reviewed->size() > 1 && !(*reviewed)[1].is_null()) {
    ASSIGN_OR_RETURN(*article->mutable_next_review_date(), ReviewDate(*reviewed, 1));
  }

  std::string address = StringField(page, "webpage");
  if (address.empty()) address = StringField(page, "url");
  std::string source_url = AbsoluteLink(WebsiteUrl(address));
  if (!absl::StartsWith(source_url, absl::StrCat(kWebsite, "/"))) {
    return absl::InvalidArgumentError(
        absl::StrCat("has no nhs.uk address in webpage or url (got \"", Shorten(address), "\")"));
  }
  absl::string_view path = absl::string_view(source_url).substr(kWebsite.size());
  path = path.substr(0, path.find_first_of("?#"));
  std::string slug = SlugFromText(path);
  if (slug.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the address \"", Shorten(source_url), "\" gives no article slug"));
  }
  article->set_name(ArticleName(slug));
  article->set_source_url(source_url);

  const Json* sections = ArrayField(page, "mainEntityOfPage");
  if (sections == nullptr || sections->empty()) sections = ArrayField(page, "hasPart");
  if (sections == nullptr || sections->empty()) {
    return absl::InvalidArgumentError("has no sections in mainEntityOfPage or hasPart");
  }
  BodyBuilder body(article);
  for (const Json& section : *sections) {
    absl::Status status = body.AddSection(section);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(body.Where(), ": ", status.message()));
    }
  }
  body.Finish();

  if (const Json* links = ArrayField(page, "relatedLink")) {
    absl::flat_hash_set<std::string> seen;
    for (const Json& link : *links) {
      std::string relationship = StringField(link, "linkRelationship");
      if (std::find(std::begin(kMenuLinkRelationships), std::end(kMenuLinkRelationships),
                    relationship) != std::end(kMenuLinkRelationships)) {
        continue;
      }
      std::string url = AbsoluteLink(StringField(link, "url"));
      std::string name = NormaliseText(StringField(link, "name"));
      if (url.empty() || name.empty() || !seen.insert(url).second) continue;
      v1::Reference* ref = article->add_references();
      ref->set_kind(v1::Reference::WEB_PAGE);
      ref->set_title(name);
      ref->set_url(url);
    }
  }

  AddPageCodes(page, article);
  if (code_map != nullptr) AddMappedCodes(*code_map, article);

  article->set_publisher(kPublisher);
  article->set_license(kLicense);
  article->set_language_code(kLanguage);
  request.set_change_type(v1::CHANGE_TYPE_CLINICAL_REVIEW);
  RETURN_IF_ERROR(domain::ValidatePublishRequest(request));
  return request;
}

}  // namespace

absl::StatusOr<v1::PublishArticleRevisionRequest> ImportNhsPage(absl::string_view json,
                                                                absl::string_view source,
                                                                const NhsCodeMap* code_map) {
  if (json.size() > kMaxNhsPageBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": is ", json.size(), " bytes; the limit is ", kMaxNhsPageBytes));
  }
  Json page;
  try {
    page = Json::parse(json.begin(), json.end());
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": is not valid JSON: ", Printable(Shorten(e.what()))));
  }
  absl::StatusOr<v1::PublishArticleRevisionRequest> request;
  try {
    request = ImportParsed(page, code_map);
  } catch (const Json::exception& e) {
    // The accessors above do not throw; this is a backstop, not a path.
    request = absl::InvalidArgumentError(absl::StrCat("unexpected JSON shape: ", e.what()));
  }
  if (!request.ok()) return Prefixed(source, request.status());
  return request;
}

absl::StatusOr<NhsCodeMap> ParseNhsCodeMap(absl::string_view json, absl::string_view source) {
  if (json.size() > kMaxNhsPageBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": is ", json.size(), " bytes; the limit is ", kMaxNhsPageBytes));
  }
  Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("pages") ||
      !doc["pages"].is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": is not a code map: expected {\"pages\": {\"<source_url>\": [<Coding>, ...]}}"));
  }
  NhsCodeMap map;
  FieldViolations violations;
  for (const auto& [url, codes] : doc["pages"].items()) {
    const std::string field = absl::StrCat("pages[\"", url, "\"]");
    if (!codes.is_array()) {
      violations.Add(field, "must be an array of codings {system, code, display}");
      continue;
    }
    google::protobuf::RepeatedPtrField<v1::Coding> parsed;
    for (const Json& code : codes) {
      v1::Coding* coding = parsed.Add();
      coding->set_system(StringField(code, "system"));
      coding->set_code(StringField(code, "code"));
      coding->set_display(StringField(code, "display"));
    }
    domain::NormalizeCodings(&parsed, field, &violations);
    map[url].assign(parsed.begin(), parsed.end());
  }
  absl::Status valid = violations.ToStatus();
  if (!valid.ok()) return Prefixed(source, valid);
  return map;
}

}  // namespace healthcontent::importers

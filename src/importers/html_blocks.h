// HTML fragments as article text: the converter the importers share (the NHS
// content API's sections, MedlinePlus topic summaries). Internal to
// importers/; the body model it fills is healthcontent.v1.Block.
//
// HTML, parsed with gumbo: <p> and other block elements make paragraphs;
// <ul>/<ol>/<li> bullet lists (nested lists flattened into the list);
// <b>/<strong> bold, <i>/<em> italic; <a href> links (the href made absolute
// by the caller's LinkResolver, dropped when it gives ""); <h1>-<h3> start a
// section, <h4>-<h6> are bold paragraphs; a <table> is a list of its rows (its
// caption first, in bold); <br> breaks a paragraph; <script>, <style>, media
// and form elements are dropped with their content; everything else is
// flattened to its text. Character references (&amp;, &eacute;, &#241;) are
// decoded by gumbo. Whitespace (NBSP included) is collapsed to single spaces.
#ifndef HEALTHCONTENT_IMPORTERS_HTML_BLOCKS_H_
#define HEALTHCONTENT_IMPORTERS_HTML_BLOCKS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "healthcontent/v1/article.pb.h"

struct GumboInternalNode;  // gumbo.h's GumboNode

namespace healthcontent::importers {

// `text` with every run of whitespace (ASCII whitespace, control characters
// and U+00A0 NO-BREAK SPACE) made one space, and trimmed.
std::string CollapseWhitespace(absl::string_view text);

// `href` as an absolute http(s) URL, or "" when it is none: "//host/x" gets
// "https:", "/x" is taken on `origin` ("https://www.nhs.uk", no trailing
// '/'); http(s) URLs are kept; anything else (mailto:, tel:, fragments,
// page-relative paths), URLs over 2,000 bytes and URLs with spaces, quotes
// or angle brackets give "".
std::string AbsoluteHttpUrl(absl::string_view href, absl::string_view origin);

// Appends the blocks of HTML fragments to an article: to its lead until a
// section starts, then to its last section. Not thread-safe; one per article.
class HtmlBlockWriter {
 public:
  struct Options {
    // The absolute http(s) URL a link span carries for an href, or "" to
    // keep the link's text without the link. Required.
    std::function<std::string(absl::string_view href)> resolve_link;
    // Elements nested deeper than this inside one fragment are refused. A
    // quick scan refuses tags that could nest 4 times deeper before gumbo
    // parses them (gumbo slows down quadratically on deep trees).
    int max_depth = 64;
  };

  // `article` must outlive the writer.
  HtmlBlockWriter(v1::Article* article, Options options);

  // Converts one fragment; `bold` makes all of its text bold (a question, a
  // reveal's title). InvalidArgument "HTML nests deeper than N elements" for
  // markup nested deeper than Options::max_depth; blocks added before the
  // deep part stay.
  absl::Status AddHtml(absl::string_view html, bool bold = false);

  // Starts a section headed `heading`, unless it is empty or the heading of
  // the current section.
  void StartSection(const std::string& heading);

  // Drops sections that ended up without content (a heading followed
  // straight by another).
  void Finish();

 private:
  struct Style {
    bool bold = false;
    bool italic = false;
    std::string link;

    bool plain() const { return !bold && !italic && link.empty(); }
    bool Matches(const v1::Span& span) const;
  };

  absl::Status WalkChildren(const GumboInternalNode* node, int depth, const Style& style);
  absl::Status Walk(const GumboInternalNode* node, int depth, const Style& style);
  absl::Status WalkTable(const GumboInternalNode* node, int depth, const Style& style);
  absl::Status CollectText(const GumboInternalNode* node, int depth, std::string* out);
  absl::Status TooDeep() const;
  google::protobuf::RepeatedPtrField<v1::Block>* Blocks();
  void BlockBoundary();
  void AddText(absl::string_view text, const Style& style);
  void AddWord(absl::string_view word, const Style& style);
  void EndRun();

  v1::Article* article_;
  Options options_;
  std::vector<v1::Span> run_;
  bool pending_space_ = false;
  int list_depth_ = 0;
  int item_depth_ = 0;
  v1::BulletList* open_list_ = nullptr;  // owned by article_
};

}  // namespace healthcontent::importers

#endif  // HEALTHCONTENT_IMPORTERS_HTML_BLOCKS_H_

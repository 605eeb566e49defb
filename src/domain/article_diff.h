// The structured diff between two revisions of an article: what
// DiffArticleRevisions answers, computed from the two revisions alone.
#ifndef HEALTHCONTENT_DOMAIN_ARTICLE_DIFF_H_
#define HEALTHCONTENT_DOMAIN_ARTICLE_DIFF_H_

#include "healthcontent/v1/article.pb.h"
#include "healthcontent/v1/article_service.pb.h"

namespace healthcontent::domain {

// What changed from `from` (the older revision) to `to` (the newer). Never
// fails; reads only its arguments, so it is safe to call from any thread.
// Two identical articles give a diff with only the name and revision ids set.
//
// - `name` is to.name(); `from_revision` / `to_revision` are the revision_id
//   of each.
// - `changed_fields`: those of title, summary, publisher, language_code,
//   license, source_url and next_review_date that differ, in that order.
//   Nothing else at the top level is compared (not review_date, etag or the
//   output-only flags).
// - `lead`: set only when the lead blocks differ, as a CHANGED SectionDiff with
//   an empty heading and its blocks diffed as below.
// - `sections`: matched by exact heading (with repeated headings, the k-th
//   in `from` pairs with the k-th in `to`). ADDED and REMOVED sections carry no
//   block diffs; a CHANGED one lists them; identical ones are left out.
// - Blocks of a CHANGED section or lead: blocks equal in content (serialized
//   equality) pair up and are left out. Of the rest, the k-th unpaired bullet
//   list of `to` pairs with the k-th unpaired one of `from` and is CHANGED:
//   `block` is the newer list, `items_added` / `items_removed` the items
//   (compared by content) found only in the newer / older list. Every other
//   unpaired block is ADDED or REMOVED.
// - `therapy_types_added` / `therapy_types_removed`: TherapyType names found
//   only in `to` (in its order) / only in `from` (in its order).
// - `references`: matched by name; a reference without one is matched by the
//   name the server would give it (DOI, else PMID, else URL, else the citation
//   text; see ReferenceMatchKey). ADDED carries `after`, REMOVED `before`, and
//   CHANGED both plus the Reference fields that differ (never `name`), in
//   declaration order, e.g. {"accessed_date"}. Equal references are left out.
//
// Sections, blocks and references come in `to`'s order, with removed ones
// where they stood, as in a unified diff: a removed entry goes just before
// the first `to` entry whose nearest paired entry (itself if paired, else the
// next paired one) has its partner in `from` after the removed one; at the
// end when there is none. So a replaced paragraph reads REMOVED then ADDED.
// An order-only change shows as CHANGED with nothing added or removed.
v1::ArticleDiff DiffArticles(const v1::Article& from, const v1::Article& to);

}  // namespace healthcontent::domain

#endif  // HEALTHCONTENT_DOMAIN_ARTICLE_DIFF_H_

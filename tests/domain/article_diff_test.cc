// DiffArticles over hand-made revisions of the seed article.
#include "domain/article_diff.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "domain/article_rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/seed.h"

namespace healthcontent {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kHowItWorks[] = "How biological therapy works";
constexpr char kTypes[] = "Types of biological therapy";
constexpr char kReworded[] =
    "The immune system fights invaders such as germs. Cancer cells can hide from it, or keep its "
    "cells from acting.";
constexpr char kSideEffects[] =
    "Side effects depend on the therapy. Many people have flu-like symptoms or skin reactions.";

// The seed article from data/ as revision 2023-05-19, its four references
// named references/r0..r3.
v1::Article SeedArticle() {
  v1::Article article = testing::SeedPublishRequest().article();
  article.set_revision_id("2023-05-19");
  for (int i = 0; i < article.references_size(); ++i) {
    article.mutable_references(i)->set_name(absl::StrCat("references/r", i));
  }
  return article;
}

v1::Section* FindSection(v1::Article* article, const std::string& heading) {
  for (v1::Section& section : *article->mutable_sections()) {
    if (section.heading() == heading) return &section;
  }
  ADD_FAILURE() << "no section " << heading;
  return article->add_sections();
}

v1::Block ParagraphBlock(const std::string& text) {
  v1::Block block;
  block.mutable_paragraph()->add_spans()->set_text(text);
  return block;
}

v1::ListItem Item(const std::string& text) {
  v1::ListItem item;
  item.add_spans()->set_text(text);
  return item;
}

// Each item's text, its spans concatenated.
std::vector<std::string> ItemTexts(const google::protobuf::RepeatedPtrField<v1::ListItem>& items) {
  std::vector<std::string> texts;
  for (const v1::ListItem& item : items) {
    std::string text;
    for (const v1::Span& span : item.spans()) text += span.text();
    texts.push_back(text);
  }
  return texts;
}

// The next review of the seed, 2024-06-03: one paragraph reworded, one list
// item swapped for another, a section added, a therapy type swapped, a
// reference re-accessed, one dropped and one added.
v1::Article NextReview(const v1::Article& seed) {
  v1::Article next = seed;
  next.set_revision_id("2024-06-03");
  *next.mutable_review_date() = ToProtoDate(absl::CivilDay(2024, 6, 3));

  v1::Section* how = FindSection(&next, kHowItWorks);
  EXPECT_TRUE(how->blocks(1).has_paragraph());
  how->mutable_blocks(1)->mutable_paragraph()->mutable_spans(0)->set_text(kReworded);

  v1::Section* types = FindSection(&next, kTypes);
  auto* items = types->mutable_blocks(1)->mutable_bullet_list()->mutable_items();
  EXPECT_EQ(items->Get(3).spans(0).text(), "Biochemotherapy");
  items->DeleteSubrange(3, 1);
  *items->Add() = Item("Radioligand therapy");

  v1::Section* side_effects = next.add_sections();
  side_effects->set_heading("Side effects");
  *side_effects->add_blocks() = ParagraphBlock(kSideEffects);

  EXPECT_EQ(next.therapy_types(3).name(), "therapyTypes/biochemotherapy");
  next.mutable_therapy_types()->DeleteSubrange(3, 1);
  next.add_therapy_types()->set_name("therapyTypes/radioligand-therapy");

  *next.mutable_references(0)->mutable_accessed_date() = ToProtoDate(absl::CivilDay(2024, 5, 1));
  next.mutable_references()->DeleteSubrange(3, 1);
  v1::Reference* added = next.add_references();
  added->set_name("references/r4");
  added->set_kind(v1::Reference::WEB_PAGE);
  added->set_title("Radioligand therapy");
  added->set_url("https://www.cancer.gov/about-cancer/treatment/types/radioligand-therapy");
  added->set_citation("Radioligand therapy. National Cancer Institute.");
  return next;
}

TEST(ArticleDiffTest, ReportsEachChangeOfANewReview) {
  v1::Article from = SeedArticle();
  v1::Article to = NextReview(from);

  v1::ArticleDiff diff = domain::DiffArticles(from, to);

  EXPECT_EQ(diff.name(), "articles/biological-therapy-for-cancer");
  EXPECT_EQ(diff.from_revision(), "2023-05-19");
  EXPECT_EQ(diff.to_revision(), "2024-06-03");
  EXPECT_THAT(diff.changed_fields(), IsEmpty());
  EXPECT_FALSE(diff.has_lead());

  ASSERT_EQ(diff.sections_size(), 3);
  const v1::SectionDiff& how = diff.sections(0);
  EXPECT_EQ(how.kind(), v1::DIFF_KIND_CHANGED);
  EXPECT_EQ(how.heading(), kHowItWorks);
  ASSERT_EQ(how.blocks_size(), 2);
  EXPECT_EQ(how.blocks(0).kind(), v1::DIFF_KIND_REMOVED);
  EXPECT_EQ(how.blocks(0).block().SerializeAsString(),
            FindSection(&from, kHowItWorks)->blocks(1).SerializeAsString());
  EXPECT_EQ(how.blocks(1).kind(), v1::DIFF_KIND_ADDED);
  EXPECT_EQ(how.blocks(1).block().SerializeAsString(),
            ParagraphBlock(kReworded).SerializeAsString());
  EXPECT_THAT(how.blocks(1).items_added(), IsEmpty());

  const v1::SectionDiff& types = diff.sections(1);
  EXPECT_EQ(types.kind(), v1::DIFF_KIND_CHANGED);
  EXPECT_EQ(types.heading(), kTypes);
  ASSERT_EQ(types.blocks_size(), 1);
  EXPECT_EQ(types.blocks(0).kind(), v1::DIFF_KIND_CHANGED);
  EXPECT_EQ(types.blocks(0).block().SerializeAsString(),
            FindSection(&to, kTypes)->blocks(1).SerializeAsString());
  EXPECT_THAT(ItemTexts(types.blocks(0).items_added()), ElementsAre("Radioligand therapy"));
  EXPECT_THAT(ItemTexts(types.blocks(0).items_removed()), ElementsAre("Biochemotherapy"));

  const v1::SectionDiff& side_effects = diff.sections(2);
  EXPECT_EQ(side_effects.kind(), v1::DIFF_KIND_ADDED);
  EXPECT_EQ(side_effects.heading(), "Side effects");
  EXPECT_THAT(side_effects.blocks(), IsEmpty());

  EXPECT_THAT(diff.therapy_types_added(), ElementsAre("therapyTypes/radioligand-therapy"));
  EXPECT_THAT(diff.therapy_types_removed(), ElementsAre("therapyTypes/biochemotherapy"));

  ASSERT_EQ(diff.references_size(), 3);
  const v1::ReferenceDiff& reaccessed = diff.references(0);
  EXPECT_EQ(reaccessed.kind(), v1::DIFF_KIND_CHANGED);
  EXPECT_EQ(reaccessed.name(), "references/r0");
  EXPECT_THAT(reaccessed.changed_fields(), ElementsAre("accessed_date"));
  EXPECT_EQ(reaccessed.before().SerializeAsString(), from.references(0).SerializeAsString());
  EXPECT_EQ(reaccessed.after().SerializeAsString(), to.references(0).SerializeAsString());
  EXPECT_EQ(reaccessed.after().accessed_date().year(), 2024);

  const v1::ReferenceDiff& dropped = diff.references(1);
  EXPECT_EQ(dropped.kind(), v1::DIFF_KIND_REMOVED);
  EXPECT_EQ(dropped.name(), "references/r3");
  EXPECT_EQ(dropped.before().SerializeAsString(), from.references(3).SerializeAsString());
  EXPECT_FALSE(dropped.has_after());
  EXPECT_THAT(dropped.changed_fields(), IsEmpty());

  const v1::ReferenceDiff& added = diff.references(2);
  EXPECT_EQ(added.kind(), v1::DIFF_KIND_ADDED);
  EXPECT_EQ(added.name(), "references/r4");
  EXPECT_EQ(added.after().SerializeAsString(), to.references(3).SerializeAsString());
  EXPECT_FALSE(added.has_before());
}

TEST(ArticleDiffTest, IdenticalRevisionsDiffToNothing) {
  v1::Article article = SeedArticle();

  v1::ArticleDiff diff = domain::DiffArticles(article, article);

  v1::ArticleDiff expected;
  expected.set_name("articles/biological-therapy-for-cancer");
  expected.set_from_revision("2023-05-19");
  expected.set_to_revision("2023-05-19");
  EXPECT_EQ(diff.SerializeAsString(), expected.SerializeAsString()) << diff.DebugString();
  EXPECT_THAT(diff.changed_fields(), IsEmpty());
  EXPECT_FALSE(diff.has_lead());
  EXPECT_THAT(diff.sections(), IsEmpty());
  EXPECT_THAT(diff.references(), IsEmpty());
}

TEST(ArticleDiffTest, ChangedFieldsNameTopLevelFieldsInOrder) {
  v1::Article from = SeedArticle();
  v1::Article to = from;
  to.set_title("Immunotherapy for cancer");

  EXPECT_THAT(domain::DiffArticles(from, to).changed_fields(), ElementsAre("title"));

  *to.mutable_next_review_date() = ToProtoDate(absl::CivilDay(2026, 5, 19));
  to.set_summary("How immunotherapy treats cancer.");
  to.set_revision_id("2024-06-03");  // not a compared field: the diff names both ids
  v1::ArticleDiff diff = domain::DiffArticles(from, to);
  EXPECT_THAT(diff.changed_fields(), ElementsAre("title", "summary", "next_review_date"));
  EXPECT_THAT(diff.sections(), IsEmpty());
}

TEST(ArticleDiffTest, LeadChangeIsASectionDiffWithoutHeading) {
  v1::Article from = SeedArticle();
  v1::Article to = from;
  *to.add_lead() = ParagraphBlock(kSideEffects);

  v1::ArticleDiff diff = domain::DiffArticles(from, to);

  ASSERT_TRUE(diff.has_lead());
  EXPECT_EQ(diff.lead().kind(), v1::DIFF_KIND_CHANGED);
  EXPECT_EQ(diff.lead().heading(), "");
  ASSERT_EQ(diff.lead().blocks_size(), 1);
  EXPECT_EQ(diff.lead().blocks(0).kind(), v1::DIFF_KIND_ADDED);
  EXPECT_EQ(diff.lead().blocks(0).block().SerializeAsString(),
            ParagraphBlock(kSideEffects).SerializeAsString());
  EXPECT_THAT(diff.sections(), IsEmpty());
}

TEST(ArticleDiffTest, RemovedSectionComesWhereItStood) {
  v1::Article from = SeedArticle();
  v1::Article to = from;
  to.clear_sections();
  v1::Section* outlook = to.add_sections();
  outlook->set_heading("Outlook");
  *outlook->add_blocks() = ParagraphBlock(kSideEffects);
  *to.add_sections() = *FindSection(&from, kTypes);

  v1::ArticleDiff diff = domain::DiffArticles(from, to);

  ASSERT_EQ(diff.sections_size(), 2);
  EXPECT_EQ(diff.sections(0).kind(), v1::DIFF_KIND_REMOVED);
  EXPECT_EQ(diff.sections(0).heading(), kHowItWorks);
  EXPECT_THAT(diff.sections(0).blocks(), IsEmpty());
  EXPECT_EQ(diff.sections(1).kind(), v1::DIFF_KIND_ADDED);
  EXPECT_EQ(diff.sections(1).heading(), "Outlook");
}

TEST(ArticleDiffTest, ReorderedListIsChangedWithNoItemsAddedOrRemoved) {
  v1::Article from = SeedArticle();
  v1::Article to = from;
  FindSection(&to, kTypes)
      ->mutable_blocks(1)
      ->mutable_bullet_list()
      ->mutable_items()
      ->SwapElements(0, 1);

  v1::ArticleDiff diff = domain::DiffArticles(from, to);

  ASSERT_EQ(diff.sections_size(), 1);
  EXPECT_EQ(diff.sections(0).heading(), kTypes);
  ASSERT_EQ(diff.sections(0).blocks_size(), 1);
  const v1::BlockDiff& list = diff.sections(0).blocks(0);
  EXPECT_EQ(list.kind(), v1::DIFF_KIND_CHANGED);
  EXPECT_EQ(ItemTexts(list.block().bullet_list().items()).front(), "Angiogenesis inhibitors");
  EXPECT_THAT(list.items_added(), IsEmpty());
  EXPECT_THAT(list.items_removed(), IsEmpty());
}

TEST(ArticleDiffTest, UnnamedReferencesMatchByWhatTheyCite) {
  v1::Article from = SeedArticle();
  for (v1::Reference& reference : *from.mutable_references()) reference.clear_name();
  v1::Article to = from;
  to.mutable_references(1)->set_title("Biological therapies in the treatment of cancer");

  v1::ArticleDiff diff = domain::DiffArticles(from, to);

  ASSERT_EQ(diff.references_size(), 1);
  EXPECT_EQ(diff.references(0).kind(), v1::DIFF_KIND_CHANGED);
  EXPECT_EQ(diff.references(0).name(),
            "references/" + domain::ReferenceIdForKey("doi:10.3390/ijms222111694"));
  EXPECT_THAT(diff.references(0).changed_fields(), ElementsAre("title"));
}

}  // namespace
}  // namespace healthcontent

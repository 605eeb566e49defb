#include "importers/citation/body.h"

#include <string>

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

TEST(BodyTest, VancouverJournalArticle) {
  v1::Reference ref;
  Draft d(&ref);
  ReadBody("Title of the work. J Natl Cancer Inst. 2001;27(4):235-46.", &d);
  EXPECT_EQ(d.kind, v1::Reference::JOURNAL_ARTICLE);
  EXPECT_EQ(ref.title(), "Title of the work");
  EXPECT_EQ(ref.container_title(), "J Natl Cancer Inst");
  EXPECT_EQ(ref.volume(), "27");
  EXPECT_EQ(ref.issue(), "4");
  EXPECT_EQ(ref.pages(), "235-46");
  EXPECT_EQ(d.year, 2001);
}

TEST(BodyTest, NlmJournalArticle) {
  v1::Reference ref;
  Draft d(&ref);
  ReadBody("Integration of Chinese medicine. Cancer Treat Rev 27 (4): 235-46, 2001.", &d);
  EXPECT_EQ(d.kind, v1::Reference::JOURNAL_ARTICLE);
  EXPECT_EQ(ref.title(), "Integration of Chinese medicine");
  EXPECT_EQ(ref.container_title(), "Cancer Treat Rev");
  EXPECT_EQ(ref.volume(), "27");
  EXPECT_EQ(ref.issue(), "4");
  EXPECT_EQ(ref.pages(), "235-46");
  EXPECT_EQ(d.year, 2001);
}

TEST(BodyTest, TitleRunningIntoTheJournal) {
  v1::Reference ref;
  Draft d(&ref);
  ReadBody("Mistletoe extracts of Viscum album L. Phytother Res 10 (6): 473-7, 1996.", &d);
  EXPECT_EQ(d.kind, v1::Reference::JOURNAL_ARTICLE);
  EXPECT_EQ(ref.title(), "Mistletoe extracts of Viscum album L");
  EXPECT_EQ(ref.container_title(), "Phytother Res");
  EXPECT_EQ(ref.volume(), "10");
  EXPECT_EQ(ref.pages(), "473-7");
}

TEST(BodyTest, BookChapter) {
  v1::Reference ref;
  Draft d(&ref);
  ReadBody("Chapter title. In: Smith J, ed. The Big Book. Elsevier; 2020.", &d);
  EXPECT_EQ(d.kind, v1::Reference::BOOK_CHAPTER);
  EXPECT_EQ(ref.title(), "Chapter title");
  ASSERT_EQ(ref.editors_size(), 1);
  EXPECT_EQ(ref.editors(0), "Smith J");
  EXPECT_EQ(ref.container_title(), "The Big Book");
  EXPECT_EQ(ref.publisher(), "Elsevier");
  EXPECT_EQ(d.year, 2020);
}

TEST(BodyTest, BookWhoseTitleRunsOverAStop) {
  v1::Reference ref;
  Draft d(&ref);
  ReadBody("The authentic heart. An eightfold path to midlife love. New York: Wiley.", &d);
  EXPECT_EQ(d.kind, v1::Reference::BOOK);
  EXPECT_EQ(ref.title(), "The authentic heart. An eightfold path to midlife love");
  EXPECT_EQ(ref.publisher(), "Wiley");
  EXPECT_EQ(ref.container_title(), "");
}

TEST(BodyTest, BookWithEdition) {
  v1::Reference ref;
  Draft d(&ref);
  ReadBody("Clinical Oncology. 6th ed. Elsevier; 2020.", &d);
  EXPECT_EQ(d.kind, v1::Reference::BOOK);
  EXPECT_EQ(ref.title(), "Clinical Oncology");
  EXPECT_EQ(ref.edition(), "6th");
  EXPECT_EQ(ref.publisher(), "Elsevier");
  EXPECT_EQ(d.year, 2020);
}

TEST(BodyTest, WebPage) {
  v1::Reference ref;
  ref.set_url("https://www.cancer.gov/x");  // the address was cut before the body
  Draft d(&ref);
  ReadBody("Immunotherapy to treat cancer. National Cancer Institute. \x1f.", &d);
  EXPECT_EQ(d.kind, v1::Reference::WEB_PAGE);
  EXPECT_EQ(ref.title(), "Immunotherapy to treat cancer");
  EXPECT_EQ(ref.publisher(), "National Cancer Institute");
  EXPECT_EQ(ref.container_title(), "");
}

TEST(BodyTest, CommaStyleTitleEndsAtTheComma) {
  v1::Reference ref;
  Draft d(&ref);
  d.comma_style = true;
  ReadBody("Transfinite Recursive Progressions of Axiomatic Theories, J. Symbolic Logic, 27, "
           "259-316 (1962).",
           &d);
  EXPECT_EQ(d.kind, v1::Reference::JOURNAL_ARTICLE);
  EXPECT_EQ(ref.title(), "Transfinite Recursive Progressions of Axiomatic Theories");
  EXPECT_EQ(ref.container_title(), "J. Symbolic Logic");
  EXPECT_EQ(ref.volume(), "27");
  EXPECT_EQ(ref.pages(), "259-316");
  EXPECT_EQ(d.year, 1962);
}

TEST(BodyTest, TitlelessJournal) {
  v1::Reference ref;
  Draft d(&ref);
  d.comma_style = true;
  ReadBody("A&A, 410, 777", &d);
  EXPECT_EQ(d.kind, v1::Reference::JOURNAL_ARTICLE);
  EXPECT_EQ(ref.title(), "");
  EXPECT_EQ(ref.container_title(), "A&A");
  EXPECT_EQ(ref.volume(), "410");
  EXPECT_EQ(ref.pages(), "777");
}

TEST(BodyTest, QuotedTitle) {
  v1::Reference ref;
  Draft d(&ref);
  ReadBody("\xE2\x80\x9C" "Design of things,\xE2\x80\x9D IEEE Trans. Comput., vol. 5, pp. 1-9, 1990.",
           &d);
  EXPECT_EQ(d.kind, v1::Reference::JOURNAL_ARTICLE);
  EXPECT_EQ(ref.title(), "Design of things");
  EXPECT_EQ(ref.container_title(), "IEEE Trans. Comput");  // trimmed like every field
  EXPECT_EQ(ref.volume(), "5");
  EXPECT_EQ(ref.pages(), "1-9");
  EXPECT_EQ(d.year, 1990);
}

TEST(BodyTest, AYearAlreadyFoundIsKept) {
  v1::Reference ref;
  Draft d(&ref);
  d.year = 1999;
  ReadBody("Title of the work. J Natl Cancer Inst. 2001;27(4):235-46.", &d);
  EXPECT_EQ(d.year, 1999);
}

TEST(BodyTest, NothingButATitle) {
  v1::Reference ref;
  Draft d(&ref);
  ReadBody("Just a title", &d);
  EXPECT_EQ(d.kind, v1::Reference::OTHER);
  EXPECT_EQ(ref.title(), "Just a title");
  EXPECT_EQ(d.year, 0);
}

}  // namespace
}  // namespace healthcontent::importers::citation

#include "importers/citation/edition.h"

#include <string>

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

struct EditionCase {
  std::string body;
  std::string after;    // the body once the edition is cut
  std::string edition;  // ref.edition()
};

TEST(EditionTest, EditionStatementsAreCutAndRecorded) {
  const EditionCase cases[] = {
      {"Clinical Oncology. 6th ed. Elsevier; 2020.", "Clinical Oncology. \x1f Elsevier; 2020.",
       "6th"},
      {"Title (2nd ed.). Publisher", "Title \x1f. Publisher", "2nd"},
      {"Title. 3rd rev. ed. Place", "Title. \x1f Place", "3rd rev"},
      {"Title. Second edition, Publisher", "Title. \x1f, Publisher", "Second"},
      {"Titel. 2. Aufl. Verlag", "Titel. \x1f Verlag", "2"},
      {"Title. 6th edn", "Title. \x1f", "6th"},
  };
  for (const EditionCase& c : cases) {
    std::string body = c.body;
    v1::Reference ref;
    ExtractEdition(&body, &ref);
    EXPECT_EQ(body, c.after) << c.body;
    EXPECT_EQ(ref.edition(), c.edition) << c.body;
  }
}

TEST(EditionTest, OnlyWhereAPartStarts) {
  std::string body = "Title 6th ed. Publisher";
  v1::Reference ref;
  ExtractEdition(&body, &ref);
  EXPECT_EQ(body, "Title 6th ed. Publisher");
  EXPECT_EQ(ref.edition(), "");

  body = "Title. 6th editions";  // not the word "edition"
  ExtractEdition(&body, &ref);
  EXPECT_EQ(body, "Title. 6th editions");
  EXPECT_EQ(ref.edition(), "");
}

TEST(EditionTest, TheFirstEditionWins) {
  std::string body = "A. 2nd ed. B. 3rd ed. C";
  v1::Reference ref;
  ExtractEdition(&body, &ref);
  EXPECT_EQ(body, "A. \x1f B. \x1f C");
  EXPECT_EQ(ref.edition(), "2nd");
}

}  // namespace
}  // namespace healthcontent::importers::citation

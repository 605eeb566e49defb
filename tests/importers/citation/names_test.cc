#include "importers/citation/names.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

std::vector<std::string> Names(const NameList& list) {
  return std::vector<std::string>(list.names.begin(), list.names.end());
}

TEST(NamesTest, FamilyNameThenInitialsWithEtAl) {
  absl::string_view s = "Papiez MA, et al. Biological therapies.";
  NameList list = ReadNames(s, 0);
  EXPECT_EQ(Names(list), (std::vector<std::string>{"Papiez MA"}));
  EXPECT_TRUE(list.et_al);
  EXPECT_FALSE(list.editors);
  EXPECT_EQ(list.style, NameForm::kFamilyInitials);
  EXPECT_EQ(list.end, 17u);  // after "et al."
}

TEST(NamesTest, NlmListEndsAtItsColon) {
  absl::string_view s = "Wong R, Sagar CM, Sagar SM: Integration of Chinese medicine.";
  NameList list = ReadNames(s, 0);
  EXPECT_EQ(Names(list), (std::vector<std::string>{"Wong R", "Sagar CM", "Sagar SM"}));
  EXPECT_FALSE(list.et_al);
  EXPECT_EQ(list.end, 26u);
  EXPECT_EQ(s[list.end], ':');
}

TEST(NamesTest, InvertedNamesJoinedByAmpersand) {
  absl::string_view s = "Romero, C., Paunesku, D., & Dweck, C. (2011). Brainology.";
  NameList list = ReadNames(s, 0);
  EXPECT_EQ(Names(list), (std::vector<std::string>{"Romero, C.", "Paunesku, D.", "Dweck, C."}));
  EXPECT_EQ(list.style, NameForm::kInverted);
  EXPECT_TRUE(list.joined_by_and);
}

TEST(NamesTest, GivenNamesFirst) {
  absl::string_view s = "S. E. Han and Catherine Wah. Title of the work.";
  NameList list = ReadNames(s, 0);
  EXPECT_EQ(Names(list), (std::vector<std::string>{"S. E. Han", "Catherine Wah"}));
  EXPECT_EQ(list.style, NameForm::kGivenFirst);
  EXPECT_TRUE(list.joined_by_and);
}

TEST(NamesTest, EditorMarkerMakesEditors) {
  absl::string_view s = "Niederhuber JE, et al., eds. Therapeutic antibodies.";
  NameList list = ReadNames(s, 0);
  EXPECT_EQ(Names(list), (std::vector<std::string>{"Niederhuber JE"}));
  EXPECT_TRUE(list.et_al);
  EXPECT_TRUE(list.editors);
  EXPECT_EQ(list.end, 28u);  // after "eds."
}

TEST(NamesTest, ATitleIsNoName) {
  EXPECT_TRUE(ReadNames("The Lancet. 2001", 0).names.empty());
  EXPECT_TRUE(ReadNames("immunotherapy to treat cancer.", 0).names.empty());
}

TEST(NamesTest, SingleNameForms) {
  EXPECT_EQ(TryFamilyInitials("Fraumeni JF Jr, Li FP", 0).end, 14u);
  EXPECT_EQ(TryFamilyInitials("de la Macorra JC, Peters OA", 0).end, 16u);
  EXPECT_EQ(TryFamilyInitials("Breast cancer", 0).end, npos);
  EXPECT_EQ(DottedInitialsEnd("J.-P. Sartre", 0), 5u);
  EXPECT_EQ(DottedInitialsEnd("J. A. Smith", 0), 5u);
  EXPECT_EQ(DottedInitialsEnd("Smith", 0), npos);
  EXPECT_EQ(CapWordEnd("O'Connor, J", 0), 8u);
  EXPECT_EQ(CapWordEnd("A. Smith", 0), npos);  // one letter is an initial
  EXPECT_EQ(CapWordEnd("smith", 0), npos);
}

TEST(NamesTest, EditorMarkers) {
  EXPECT_EQ(EditorMarkerEnd(", eds. Book", 0), 6u);
  EXPECT_EQ(EditorMarkerEnd(" (Eds.) Book", 0), 7u);
  EXPECT_EQ(EditorMarkerEnd(" (Hrsg.): Titel", 0), 8u);
  EXPECT_EQ(EditorMarkerEnd(", editor. Book", 0), 9u);
  EXPECT_EQ(EditorMarkerEnd(" (Eds. Book", 0), npos);  // an open bracket needs its close
  EXPECT_EQ(EditorMarkerEnd(", Book", 0), npos);
}

TEST(NamesTest, WordLists) {
  EXPECT_TRUE(IsParticle("van"));
  EXPECT_FALSE(IsParticle("Van"));
  EXPECT_TRUE(IsStopWord("The"));
  EXPECT_TRUE(IsStopWord("proceedings"));
  EXPECT_FALSE(IsStopWord("Smith"));
  EXPECT_FALSE(FirstWordIsStop("A. Smith", 0));  // an initial
  EXPECT_TRUE(FirstWordIsStop("A study of", 0));
}

}  // namespace
}  // namespace healthcontent::importers::citation

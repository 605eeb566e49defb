#include "importers/citation/container.h"

#include <string>

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

TEST(ContainerTest, JournalNameAsPrinted) {
  v1::Reference ref;
  Draft d(&ref);
  SetContainer(" International Journal of Molecular Sciences. ", false, &d);
  EXPECT_EQ(ref.container_title(), "International Journal of Molecular Sciences");
  EXPECT_EQ(d.year, 0);
}

TEST(ContainerTest, ProceedingsLoseTheirPlaceAndDate) {
  v1::Reference ref;
  Draft d(&ref);
  SetContainer("Proceedings of Supercomputing '88, Orlando, FL, November 1988", false, &d);
  EXPECT_EQ(ref.container_title(), "Proceedings of Supercomputing '88");
  EXPECT_EQ(d.year, 1988);
}

TEST(ContainerTest, ANumberStaysUnlessACommaSetsItApart) {
  v1::Reference ref;
  Draft d(&ref);
  SetContainer("Advances in Neural Information Processing Systems 7", true, &d);
  EXPECT_EQ(ref.container_title(), "Advances in Neural Information Processing Systems 7");
  EXPECT_EQ(ref.volume(), "");

  SetContainer("Artificial Intelligence, 19", true, &d);
  EXPECT_EQ(ref.container_title(), "Artificial Intelligence");
  EXPECT_EQ(ref.volume(), "19");
}

TEST(ContainerTest, EditorsAfterTheName) {
  v1::Reference ref;
  Draft d(&ref);
  SetContainer("Handbook of Things, edited by J. Smith and K. Jones", false, &d);
  EXPECT_EQ(ref.container_title(), "Handbook of Things");
  ASSERT_EQ(ref.editors_size(), 2);
  EXPECT_EQ(ref.editors(0), "J. Smith");
  EXPECT_EQ(ref.editors(1), "K. Jones");
}

TEST(ContainerTest, YearAndPagesFillOnlyEmptyFields) {
  v1::Reference ref;
  ref.set_pages("1-2");
  Draft d(&ref);
  d.year = 1990;
  SetContainer("Proc. of the Workshop on X, pp. 628-634, 1992", false, &d);
  EXPECT_EQ(ref.container_title(), "Proc. of the Workshop on X");
  EXPECT_EQ(ref.pages(), "1-2");
  EXPECT_EQ(d.year, 1990);
}

TEST(ContainerTest, InPartWithEditorsBeforeTheBook) {
  v1::Reference ref;
  Draft d(&ref);
  ReadInPart("In: Janower ML, Linton OW, eds. Radiation Risk: a Primer", &d);
  ASSERT_EQ(ref.editors_size(), 2);
  EXPECT_EQ(ref.editors(0), "Janower ML");
  EXPECT_EQ(ref.editors(1), "Linton OW");
  EXPECT_FALSE(ref.editors_et_al());
  EXPECT_EQ(ref.container_title(), "Radiation Risk: a Primer");
}

TEST(ContainerTest, InPartWithEditorsAfterTheBook) {
  v1::Reference ref;
  Draft d(&ref);
  ReadInPart("In Life, Death, and Entertainment, edited by David S. Potter, 256-326", &d);
  ASSERT_EQ(ref.editors_size(), 1);
  EXPECT_EQ(ref.editors(0), "David S. Potter");
  EXPECT_EQ(ref.container_title(), "Life, Death, and Entertainment");
}

TEST(ContainerTest, InPartWithVolumeAndPagesInBrackets) {
  v1::Reference ref;
  Draft d(&ref);
  ReadInPart("In Handbook of labor economics (Vol. 3, Part A, pp. 1761\xE2\x80\x93" "1800)", &d);
  EXPECT_EQ(ref.container_title(), "Handbook of labor economics");
  EXPECT_EQ(ref.volume(), "3");
  EXPECT_EQ(ref.pages(), "1761\xE2\x80\x93" "1800");
  EXPECT_EQ(ref.editors_size(), 0);
}

}  // namespace
}  // namespace healthcontent::importers::citation

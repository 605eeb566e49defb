#include "importers/citation/organisations.h"

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

TEST(OrganisationsTest, NamesEndingWithAnOrganisationWord) {
  EXPECT_TRUE(LooksLikeOrganisation("American Cancer Society"));
  EXPECT_TRUE(LooksLikeOrganisation("U.S. Preventive Services Task Force"));
  EXPECT_TRUE(LooksLikeOrganisation("The ATAC Trialists' Group"));
  EXPECT_TRUE(LooksLikeOrganisation("National Cancer Institute (US)"));  // a bracket after it
  EXPECT_FALSE(LooksLikeOrganisation("Smith J"));
  EXPECT_FALSE(LooksLikeOrganisation("The Lancet"));
  EXPECT_FALSE(LooksLikeOrganisation("Society of women"));  // "women" is not capitalised
}

TEST(OrganisationsTest, AnywhereAllowsTheWordInsideAndNumbers) {
  absl::string_view name = "Collaborative Group on Hormonal Factors in Breast Cancer";
  EXPECT_FALSE(LooksLikeOrganisation(name));
  EXPECT_TRUE(LooksLikeOrganisation(name, /*anywhere=*/true));
  EXPECT_FALSE(LooksLikeOrganisation("National Collaborating Centre for Cancer (UK)"));
  EXPECT_TRUE(LooksLikeOrganisation("National Collaborating Centre for Cancer (UK)", true));
  EXPECT_FALSE(LooksLikeOrganisation("Cancer Network 2000"));
  EXPECT_TRUE(LooksLikeOrganisation("Cancer Network 2000", /*anywhere=*/true));
}

TEST(OrganisationsTest, GroupAuthorEnd) {
  bool colon = false;
  EXPECT_EQ(GroupAuthorEnd("American Cancer Society: Cancer Facts and Figures 2018.", 0, &colon),
            23u);
  EXPECT_TRUE(colon);
  EXPECT_EQ(GroupAuthorEnd("World Health Organization (2009). Title", 0, &colon), 26u);
  EXPECT_FALSE(colon);
  EXPECT_EQ(GroupAuthorEnd("National Cancer Institute. Title of page.", 0, &colon), 25u);
  EXPECT_FALSE(colon);
  EXPECT_EQ(GroupAuthorEnd("Smith J. Title of work.", 0, &colon), npos);
  EXPECT_EQ(GroupAuthorEnd("American Cancer Society\x1f Title", 0, &colon), npos);
}

}  // namespace
}  // namespace healthcontent::importers::citation

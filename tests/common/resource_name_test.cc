#include "common/resource_name.h"

#include "common/field_errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace healthcontent {
namespace {

using ::testing::HasSubstr;

TEST(ResourceNameTest, ParsesArticleNames) {
  auto slug = ParseArticleName("articles/biological-therapy-for-cancer", "name");
  ASSERT_TRUE(slug.ok()) << slug.status();
  EXPECT_EQ(*slug, "biological-therapy-for-cancer");
  EXPECT_EQ(ArticleName(*slug), "articles/biological-therapy-for-cancer");
}

struct BadName {
  const char* name;
  const char* message_part;
};

class BadArticleNameTest : public ::testing::TestWithParam<BadName> {};

TEST_P(BadArticleNameTest, IsInvalidArgumentNamingTheField) {
  auto slug = ParseArticleName(GetParam().name, "article.name");
  ASSERT_FALSE(slug.ok());
  EXPECT_EQ(slug.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(slug.status().message(), HasSubstr("article.name"));
  EXPECT_THAT(slug.status().message(), HasSubstr(GetParam().message_part));
  google::rpc::BadRequest bad;
  ASSERT_TRUE(GetBadRequest(slug.status(), &bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "article.name");
}

INSTANTIATE_TEST_SUITE_P(Table, BadArticleNameTest,
                         ::testing::Values(BadName{"", "is required"},
                                           BadName{"article/x", "must look like \"articles/{id}\""},
                                           BadName{"articles/", "must be 1-100 characters"},
                                           BadName{"articles/Upper", "must be 1-100 characters"},
                                           BadName{"articles/a_b", "must be 1-100 characters"},
                                           BadName{"articles/-lead", "not starting or ending"},
                                           BadName{"articles/trail-", "not starting or ending"},
                                           BadName{"articles/a/b", "must be 1-100 characters"},
                                           BadName{"articles/x'; DROP TABLE articles;--",
                                                   "must be 1-100"},
                                           BadName{"therapyTypes/x", "must look like"}));

TEST(ResourceNameTest, RejectsOverlongSlugAndTruncatesItInTheMessage) {
  std::string name = "articles/" + std::string(5000, 'a');
  auto slug = ParseArticleName(name, "name");
  ASSERT_FALSE(slug.ok());
  EXPECT_LT(slug.status().message().size(), 400u);
  EXPECT_TRUE(IsValidSlug(std::string(100, 'a')));
  EXPECT_FALSE(IsValidSlug(std::string(101, 'a')));
}

TEST(ResourceNameTest, ParsesRevisionNames) {
  auto rev = ParseRevisionName("articles/seed/revisions/2023-05-19", "name");
  ASSERT_TRUE(rev.ok()) << rev.status();
  EXPECT_EQ(rev->article_slug, "seed");
  EXPECT_EQ(rev->review_date, absl::CivilDay(2023, 5, 19));
  EXPECT_EQ(RevisionResourceName("seed", absl::CivilDay(2023, 5, 19)),
            "articles/seed/revisions/2023-05-19");
}

TEST(ResourceNameTest, RejectsBadRevisionNames) {
  for (const char* bad :
       {"articles/seed/revisions/2023-02-30", "articles/seed/revisions/latest",
        "articles/seed/versions/2023-05-19", "articles/seed", "articles/Seed/revisions/2023-05-19",
        "articles/seed/revisions/2023-5-19"}) {
    auto rev = ParseRevisionName(bad, "name");
    ASSERT_FALSE(rev.ok()) << bad;
    EXPECT_EQ(rev.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(rev.status().message(), HasSubstr("name")) << bad;
  }
  EXPECT_THAT(ParseRevisionName("articles/seed/revisions/2023-02-30", "name").status().message(),
              HasSubstr("not a real date"));
}

TEST(ResourceNameTest, ParsesTherapyTypeAndReferenceNames) {
  EXPECT_EQ(*ParseTherapyTypeName("therapyTypes/monoclonal-antibodies", "name"),
            "monoclonal-antibodies");
  EXPECT_EQ(*ParseReferenceName("references/0123abcd", "name"), "0123abcd");
  EXPECT_FALSE(ParseTherapyTypeName("therapytypes/x", "name").ok());
  EXPECT_FALSE(ParseReferenceName("references/", "name").ok());
}

}  // namespace
}  // namespace healthcontent

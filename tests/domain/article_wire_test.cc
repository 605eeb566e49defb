// AppendServedArticle against the parse-and-reserialize path it replaces:
// for every combination of view and computed fields, parsing its bytes must
// give exactly the message the old path built.
#include "domain/article_wire.h"

#include <string>

#include "domain/article_rules.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "testing/seed.h"

namespace healthcontent {
namespace {

using google::protobuf::util::MessageDifferencer;

// The seed article from data/, with the output fields a stored revision has.
v1::Article StoredSeed() {
  v1::Article article = testing::SeedPublishRequest().article();
  article.set_name("articles/biological-therapy-for-cancer");
  article.set_revision_id("2023-05-19");
  article.mutable_next_review_date()->set_year(2026);
  article.mutable_next_review_date()->set_month(5);
  article.mutable_next_review_date()->set_day(19);
  article.set_etag("0123456789abcdef0123");
  article.mutable_publish_time()->set_seconds(1700000000);
  return article;
}

// What the read path built before: parse, view, computed fields.
v1::Article Expected(const v1::Article& stored, const domain::ServedFields& fields) {
  v1::Article expected = stored;
  expected.clear_not_modified();
  if (fields.basic_view) domain::ApplyBasicView(&expected);
  expected.set_scheduled(fields.scheduled);
  expected.set_review_status(fields.review_status);
  expected.set_translation_status(fields.translation_status);
  expected.set_language_fallback(fields.language_fallback);
  if (!fields.etag.empty()) expected.set_etag(fields.etag);
  return expected;
}

void ExpectServedEquals(const v1::Article& stored, const domain::ServedFields& fields) {
  std::string bytes;
  ASSERT_TRUE(domain::AppendServedArticle(stored.SerializeAsString(), fields, &bytes).ok());
  v1::Article served;
  ASSERT_TRUE(served.ParseFromString(bytes));
  v1::Article expected = Expected(stored, fields);
  std::string diff;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(expected, served))
      << "basic=" << fields.basic_view << " scheduled=" << fields.scheduled
      << " status=" << fields.review_status << "\n"
      << diff;
}

TEST(ArticleWireTest, EveryViewAndComputedFieldMatchesTheParsedPath) {
  const v1::Article stored = StoredSeed();
  ASSERT_GT(stored.sections_size(), 0);
  ASSERT_GT(stored.references_size(), 0);
  for (bool basic : {false, true}) {
    for (bool scheduled : {false, true}) {
      for (auto status : {v1::Article::REVIEW_STATUS_UNSPECIFIED, v1::Article::CURRENT,
                          v1::Article::DUE_SOON, v1::Article::OVERDUE}) {
        ExpectServedEquals(stored, {basic, scheduled, status});
      }
    }
  }
}

TEST(ArticleWireTest, TranslationFieldsAndTheServedEtagMatchTheParsedPath) {
  v1::Article stored = StoredSeed();
  // A stored revision should not carry them; the read's values win.
  stored.set_translation_status(v1::Article::TRANSLATION_STALE);
  stored.set_language_fallback(true);
  for (auto status : {v1::Article::TRANSLATION_STATUS_UNSPECIFIED, v1::Article::TRANSLATION_CURRENT,
                      v1::Article::TRANSLATION_STALE}) {
    for (bool fallback : {false, true}) {
      domain::ServedFields fields;
      fields.translation_status = status;
      fields.language_fallback = fallback;
      fields.etag = domain::ServedEtag(stored.etag(), status);
      ExpectServedEquals(stored, fields);
    }
  }
  EXPECT_EQ(domain::ServedEtag("0123456789abcdef0123", v1::Article::TRANSLATION_STALE),
            "0123456789abcdef0123-stale");
  EXPECT_EQ(domain::ServedEtag("0123456789abcdef0123", v1::Article::TRANSLATION_CURRENT),
            "0123456789abcdef0123");
}

TEST(ArticleWireTest, FullViewIsTheStoredBytesPlusTheComputedFields) {
  const std::string stored = StoredSeed().SerializeAsString();
  std::string bytes;
  ASSERT_TRUE(domain::AppendServedArticle(stored, {}, &bytes).ok());
  EXPECT_EQ(bytes, stored);  // nothing dropped, nothing added: one copy

  bytes.clear();
  ASSERT_TRUE(
      domain::AppendServedArticle(stored, {false, true, v1::Article::OVERDUE}, &bytes).ok());
  ASSERT_EQ(bytes.substr(0, stored.size()), stored);
  // field 18 (scheduled) = 1, field 19 (review_status) = OVERDUE, as varints
  EXPECT_EQ(bytes.substr(stored.size()),
            std::string("\x90\x01\x01\x98\x01", 5) + static_cast<char>(v1::Article::OVERDUE));
}

TEST(ArticleWireTest, BasicViewDropsTheBody) {
  const v1::Article stored = StoredSeed();
  std::string bytes;
  ASSERT_TRUE(domain::AppendServedArticle(stored.SerializeAsString(), {true}, &bytes).ok());
  v1::Article served;
  ASSERT_TRUE(served.ParseFromString(bytes));
  EXPECT_EQ(served.lead_size(), 0);
  EXPECT_EQ(served.sections_size(), 0);
  EXPECT_EQ(served.references_size(), 0);
  EXPECT_EQ(served.therapy_types_size(), stored.therapy_types_size());
  EXPECT_EQ(served.title(), stored.title());
  EXPECT_LT(bytes.size(), stored.ByteSizeLong() / 2);
}

TEST(ArticleWireTest, StoredPerRequestFieldsNeverLeakThrough) {
  // A stored revision should not carry them; if one does, the read's values win,
  // including "false" and "unspecified", which have no bytes of their own.
  v1::Article stored = StoredSeed();
  stored.set_not_modified(true);
  stored.set_scheduled(true);
  stored.set_review_status(v1::Article::OVERDUE);
  ExpectServedEquals(stored, {false, false, v1::Article::REVIEW_STATUS_UNSPECIFIED});
  ExpectServedEquals(stored, {true, false, v1::Article::CURRENT});
}

TEST(ArticleWireTest, UnknownFieldsOfANewerWriterAreKept) {
  std::string stored = StoredSeed().SerializeAsString();
  stored += std::string("\xa0\x06\x2a", 3);  // field 100, varint 42
  stored += std::string(
      "\xaa\x06\x03"
      "abc",
      6);  // field 101, bytes "abc"
  std::string bytes;
  ASSERT_TRUE(domain::AppendServedArticle(stored, {true}, &bytes).ok());
  v1::Article served;
  ASSERT_TRUE(served.ParseFromString(bytes));
  EXPECT_EQ(served.GetReflection()->GetUnknownFields(served).field_count(), 2);
}

TEST(ArticleWireTest, MalformedStoredBytesAreDataLoss) {
  const std::string stored = StoredSeed().SerializeAsString();
  for (size_t cut : {size_t{1}, size_t{7}, stored.size() / 2, stored.size() - 1}) {
    std::string bytes;
    absl::Status status = domain::AppendServedArticle(stored.substr(0, cut), {}, &bytes);
    // A cut may fall exactly between two top-level fields; otherwise it is refused.
    if (!status.ok()) {
      EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
      EXPECT_NE(status.message().find("stored revision"), std::string::npos) << status;
    }
  }
  std::string bytes;
  EXPECT_EQ(domain::AppendServedArticle(std::string("\x00\x01", 2), {}, &bytes).code(),
            absl::StatusCode::kDataLoss);
  // A length that runs past the end.
  EXPECT_EQ(domain::AppendServedArticle(std::string("\x12\x7f"
                                                    "ab",
                                                    4),
                                        {}, &bytes)
                .code(),
            absl::StatusCode::kDataLoss);
  // Group wire types do not occur in proto3.
  EXPECT_EQ(domain::AppendServedArticle(std::string("\x13\x14", 2), {}, &bytes).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace healthcontent

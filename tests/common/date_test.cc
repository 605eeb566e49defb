#include "common/date.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace healthcontent {
namespace {

TEST(DateTest, ParsesAndFormatsIsoDates) {
  auto day = ParseIsoDate("2023-05-19");
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_EQ(*day, absl::CivilDay(2023, 5, 19));
  EXPECT_EQ(FormatIsoDate(*day), "2023-05-19");
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(987, 1, 2)), "0987-01-02");
  EXPECT_TRUE(ParseIsoDate("2024-02-29").ok());
}

TEST(DateTest, RejectsImpossibleAndMalformedDates) {
  for (const char* bad :
       {"2023-02-30", "2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "0000-01-01",
        "2023-5-19", "2023/05/19", "20230519", "", "2023-05-19x", "２０２３-05-19"}) {
    auto day = ParseIsoDate(bad);
    EXPECT_FALSE(day.ok()) << bad;
    if (!day.ok()) {
      EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
  EXPECT_EQ(ParseIsoDate("2023-02-30").status().message(), "\"2023-02-30\" is not a real date");
}

TEST(DateTest, ConvertsProtoDates) {
  google::type::Date date;
  date.set_year(2023);
  date.set_month(5);
  date.set_day(19);
  EXPECT_EQ(*FromProtoDate(date), absl::CivilDay(2023, 5, 19));
  EXPECT_EQ(ToProtoDate(absl::CivilDay(2023, 5, 19)).SerializeAsString(), date.SerializeAsString());
  date.set_day(0);
  EXPECT_FALSE(FromProtoDate(date).ok());
  date.set_month(2);
  date.set_day(30);
  EXPECT_THAT(FromProtoDate(date).status().message(), ::testing::HasSubstr("not a real date"));
  EXPECT_TRUE(IsEmptyDate(google::type::Date()));
}

TEST(DateTest, UtcDayAgreesWithAbseilAroundMidnightsBeforeAndAfterTheEpoch) {
  for (const absl::CivilSecond midnight :
       {absl::CivilSecond(1969, 12, 31, 0, 0, 0), absl::CivilSecond(1970, 1, 1, 0, 0, 0),
        absl::CivilSecond(1900, 3, 1, 0, 0, 0), absl::CivilSecond(2024, 2, 29, 0, 0, 0),
        absl::CivilSecond(2026, 12, 6, 0, 0, 0)}) {
    const absl::Time t = absl::FromCivil(midnight, absl::UTCTimeZone());
    for (const absl::Duration offset :
         {absl::Nanoseconds(-1), absl::ZeroDuration(), absl::Nanoseconds(1), absl::Hours(12),
          absl::Hours(24) - absl::Nanoseconds(1)}) {
      EXPECT_EQ(UtcDay(t + offset), absl::ToCivilDay(t + offset, absl::UTCTimeZone()))
          << midnight << " + " << offset;
    }
  }
}

TEST(DateTest, UtcDayIgnoresLocalTimeZone) {
  absl::Time t = absl::FromCivil(absl::CivilSecond(2023, 5, 19, 23, 59, 59), absl::UTCTimeZone());
  EXPECT_EQ(UtcDay(t), absl::CivilDay(2023, 5, 19));
  EXPECT_EQ(UtcDay(t + absl::Seconds(1)), absl::CivilDay(2023, 5, 20));
}

}  // namespace
}  // namespace healthcontent

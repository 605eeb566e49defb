#include "common/status_names.h"

#include <iterator>

#include "gtest/gtest.h"

namespace healthcontent {
namespace {

TEST(StatusNamesTest, NamesEveryCanonicalCodeInBothSpellings) {
  struct Case {
    absl::StatusCode code;
    const char* name;
    const char* lower;
  };
  const Case cases[] = {
      {absl::StatusCode::kOk, "OK", "ok"},
      {absl::StatusCode::kCancelled, "CANCELLED", "cancelled"},
      {absl::StatusCode::kUnknown, "UNKNOWN", "unknown"},
      {absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT", "invalid_argument"},
      {absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED", "deadline_exceeded"},
      {absl::StatusCode::kNotFound, "NOT_FOUND", "not_found"},
      {absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS", "already_exists"},
      {absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED", "permission_denied"},
      {absl::StatusCode::kResourceExhausted, "RESOURCE_EXHAUSTED", "resource_exhausted"},
      {absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION", "failed_precondition"},
      {absl::StatusCode::kAborted, "ABORTED", "aborted"},
      {absl::StatusCode::kOutOfRange, "OUT_OF_RANGE", "out_of_range"},
      {absl::StatusCode::kUnimplemented, "UNIMPLEMENTED", "unimplemented"},
      {absl::StatusCode::kInternal, "INTERNAL", "internal"},
      {absl::StatusCode::kUnavailable, "UNAVAILABLE", "unavailable"},
      {absl::StatusCode::kDataLoss, "DATA_LOSS", "data_loss"},
      {absl::StatusCode::kUnauthenticated, "UNAUTHENTICATED", "unauthenticated"},
  };
  ASSERT_EQ(std::size(cases), static_cast<size_t>(kStatusCodeCount));
  for (const Case& c : cases) {
    EXPECT_EQ(StatusCodeName(c.code), c.name);
    EXPECT_EQ(LowerStatusCodeName(c.code), c.lower);
  }
}

TEST(StatusNamesTest, ACodeOutsideTheCanonicalOnesIsUnknown) {
  for (int value : {-1, kStatusCodeCount, 100}) {
    const auto code = static_cast<absl::StatusCode>(value);
    EXPECT_EQ(StatusCodeName(code), "UNKNOWN") << value;
    EXPECT_EQ(LowerStatusCodeName(code), "unknown") << value;
  }
}

}  // namespace
}  // namespace healthcontent

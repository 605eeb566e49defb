// Early-return helpers for absl::Status, which Abseil 20220623 does not ship.
#ifndef HEALTHCONTENT_COMMON_STATUS_MACROS_H_
#define HEALTHCONTENT_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HC_STATUS_CONCAT_INNER_(a, b) a##b
#define HC_STATUS_CONCAT_(a, b) HC_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the enclosing
// function when it is not OK.
#define RETURN_IF_ERROR(expr)                \
  do {                                       \
    ::absl::Status hc_status_ = (expr);      \
    if (!hc_status_.ok()) return hc_status_; \
  } while (false)

// `ASSIGN_OR_RETURN(lhs, expr)`: evaluates `expr` (an absl::StatusOr<T>);
// returns its status when not OK, otherwise moves the value into `lhs`, which
// may be a declaration (`auto x`) or an existing variable.
#define ASSIGN_OR_RETURN(lhs, expr) \
  HC_ASSIGN_OR_RETURN_IMPL_(HC_STATUS_CONCAT_(hc_statusor_, __LINE__), lhs, expr)

#define HC_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)     \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // HEALTHCONTENT_COMMON_STATUS_MACROS_H_

// The change feed's storage: appending changes inside write transactions and
// reading them back in sequence order.
#ifndef HEALTHCONTENT_STORAGE_CHANGE_LOG_H_
#define HEALTHCONTENT_STORAGE_CHANGE_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "healthcontent/v1/change_service.pb.h"
#include "storage/database.h"
#include "storage/storage.h"

namespace healthcontent::storage {

// Appends a change with the next sequence number. Must run inside the write
// transaction of the change it records, so both commit or neither does
// (checked: HC_DCHECK).
// `change.sequence` and `commit_time` are assigned here.
absl::Status RecordChange(Database* db, v1::Change change, absl::Time now);

// Thread-safe reader of the feed.
class ChangeLog {
 public:
  explicit ChangeLog(Storage* storage) : storage_(storage) {}

  // Up to `limit` changes with sequence > since, oldest first.
  absl::StatusOr<std::vector<v1::Change>> After(int64_t since, int limit) const;

  // The newest sequence committed, 0 when the feed is empty.
  absl::StatusOr<int64_t> LatestSequence() const;

 private:
  Storage* storage_;
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_CHANGE_LOG_H_

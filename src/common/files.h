// Durable file writes over POSIX calls, with errors as statuses.
#ifndef HEALTHCONTENT_COMMON_FILES_H_
#define HEALTHCONTENT_COMMON_FILES_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace healthcontent {

// A failed system call on `path` during `step` ("creating", "fsyncing"...)
// with errno `error`, as the most specific status: NotFound, AlreadyExists,
// ResourceExhausted (a full disk), PermissionDenied, else Unavailable.
absl::Status FileError(absl::string_view step, const std::string& path, int error);

// A file descriptor, closed on destruction.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();
  int get() const { return fd_; }
  // Closes now; close(2) can report a write error that came late.
  int Close();

 private:
  int fd_;
};

// fsync(2) of a file or a directory (a directory's fsync makes the names in
// it durable: a new file, a rename).
absl::Status SyncPath(const std::string& path, bool directory);

// Replaces the file at `path` with `content`, atomically and durably: writes
// path + ".tmp" (in the same directory, so the rename stays on one file
// system), fsyncs it, renames it over `path` and fsyncs the directory. A
// reader sees the old file or the whole new one, never part of it; once this
// returns OK the new file survives a crash or a power cut. The directory
// must exist. On failure `path` is as it was and the temporary file is
// removed; the status is FileError's and names the file (NotFound when the
// directory does not exist, ResourceExhausted when the disk is full). Two
// writers of one path at once share the temporary file: callers keep to one.
absl::Status WriteFileDurably(const std::string& path, absl::string_view content);

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_FILES_H_

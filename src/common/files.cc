#include "common/files.h"

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <stdio.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace healthcontent {

absl::Status FileError(absl::string_view step, const std::string& path, int error) {
  std::string message = absl::StrCat(step, " ", path, ": ",
                                     std::error_code(error, std::generic_category()).message());
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EEXIST:
    case ENOTEMPTY:
      return absl::AlreadyExistsError(message);
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(absl::StrCat(message, " (the disk is full)"));
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    default:
      return absl::UnavailableError(absl::StrCat(message, " (storage I/O error)"));
  }
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

int FileDescriptor::Close() { return ::close(std::exchange(fd_, -1)); }

absl::Status SyncPath(const std::string& path, bool directory) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0)));
  if (fd.get() < 0) return FileError("opening (to fsync)", path, errno);
  if (::fsync(fd.get()) != 0) return FileError("fsyncing", path, errno);
  return absl::OkStatus();
}

namespace {

// Writes `content` to a new file at `path` (truncating one that is there)
// and fsyncs it.
absl::Status WriteAndSync(const std::string& path, absl::string_view content) {
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return FileError("creating", path, errno);
  while (!content.empty()) {
    const ssize_t n = ::write(fd.get(), content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError("writing", path, errno);
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd.get()) != 0) return FileError("fsyncing", path, errno);
  if (fd.Close() != 0) return FileError("closing", path, errno);
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFileDurably(const std::string& path, absl::string_view content) {
  const std::string temporary = absl::StrCat(path, ".tmp");
  absl::Status written = WriteAndSync(temporary, content);
  if (written.ok() && ::rename(temporary.c_str(), path.c_str()) != 0) {
    written = FileError(absl::StrCat("renaming ", temporary, " to"), path, errno);
  }
  if (!written.ok()) {
    ::unlink(temporary.c_str());  // may never have been made
    return written;
  }
  const std::string directory = std::filesystem::path(path).parent_path().string();
  return SyncPath(directory.empty() ? "." : directory, /*directory=*/true);
}

}  // namespace healthcontent

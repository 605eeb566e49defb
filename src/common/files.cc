#include "common/files.h"

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <stdio.h>

#include <cerrno>
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

absl::Status WriteFileDurably(const std::string& path, absl::string_view content) {
  const std::string temporary = absl::StrCat(path, ".tmp");
  FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return FileError("creating", temporary, errno);
  while (!content.empty()) {
    const ssize_t n = ::write(fd.get(), content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError("writing", temporary, errno);
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd.get()) != 0) return FileError("fsyncing", temporary, errno);
  if (fd.Close() != 0) return FileError("closing", temporary, errno);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return FileError(absl::StrCat("renaming ", temporary, " to"), path, errno);
  }
  return absl::OkStatus();
}

}  // namespace healthcontent

// Shared helpers for every test, whatever its layer: the source and build
// trees, temp directories, whole-file reads and writes, running commands.
// hc_testing links only hc_common; the seed request is in testing/seed.h,
// loopback HTTP in testing/http_client.h, and a server over an in-process
// channel in testing/test_server.h (hc_testing_server).
#ifndef HEALTHCONTENT_TESTS_TESTING_TEST_ENV_H_
#define HEALTHCONTENT_TESTS_TESTING_TEST_ENV_H_

#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "google/type/date.pb.h"
#include "healthcontent/v1/article.pb.h"

namespace healthcontent::testing {

// The repository root: $HC_SOURCE_DIR when set, else the tree this test was
// configured from.
std::string SourceDir();
// The build directory whose binaries the end-to-end tests run: $HC_BINARY_DIR
// when set, else the one this test was built in (so the sanitized suite runs
// the sanitized server).
std::string BinaryDir();

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Reads a whole file; fails the test when it cannot.
std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& content);

// The text of a run of spans, markup dropped.
std::string SpansText(const google::protobuf::RepeatedPtrField<v1::Span>& spans);
// A date as YYYY-MM-DD, or "(none)" when it is not a valid date.
std::string IsoDate(const google::type::Date& date);

// Runs a shell command; returns its exit code and fills stdout.
int RunCommand(const std::string& command, std::string* out);

}  // namespace healthcontent::testing

#endif  // HEALTHCONTENT_TESTS_TESTING_TEST_ENV_H_

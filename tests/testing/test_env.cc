#include "testing/test_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "gtest/gtest.h"

namespace healthcontent::testing {

std::string SourceDir() {
  const char* dir = std::getenv("HC_SOURCE_DIR");
  return dir != nullptr ? dir : HC_DEFAULT_SOURCE_DIR;
}

std::string BinaryDir() {
  const char* dir = std::getenv("HC_BINARY_DIR");
  return dir != nullptr ? dir : HC_DEFAULT_BINARY_DIR;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/hc-test-XXXXXX");
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr) << "mkdtemp failed";
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string SpansText(const google::protobuf::RepeatedPtrField<v1::Span>& spans) {
  std::string out;
  for (const auto& span : spans) out += span.text();
  return out;
}

std::string IsoDate(const google::type::Date& date) {
  absl::StatusOr<absl::CivilDay> day = FromProtoDate(date);
  return day.ok() ? FormatIsoDate(*day) : "(none)";
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFileOrDie(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

int RunCommand(const std::string& command, std::string* out) {
  out->clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out->append(buffer, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace healthcontent::testing

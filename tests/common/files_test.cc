#include "common/files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace healthcontent {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// The names in `dir`, sorted.
std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(WriteFileDurablyTest, CreatesTheFileAndLeavesNoTemporaryBehind) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileDurably(dir.File("a.json"), "{}\n").ok());
  EXPECT_EQ(testing::ReadFileOrDie(dir.File("a.json")), "{}\n");
  EXPECT_THAT(Names(dir.path()), ElementsAre("a.json"));
}

TEST(WriteFileDurablyTest, ReplacesTheWholeFileByRenameNotInPlace) {
  testing::TempDir dir;
  const std::string path = dir.File("a.json");
  testing::WriteFileOrDie(path, "the old content, longer than the new\n");
  // A reader that opened the old file keeps reading all of it: the new
  // content arrives as another file renamed over the name, never by
  // rewriting the old one.
  std::ifstream reader(path, std::ios::binary);
  ASSERT_TRUE(reader.good());

  ASSERT_TRUE(WriteFileDurably(path, "new\n").ok());

  EXPECT_EQ(testing::ReadFileOrDie(path), "new\n");
  std::string old((std::istreambuf_iterator<char>(reader)), std::istreambuf_iterator<char>());
  EXPECT_EQ(old, "the old content, longer than the new\n");
  EXPECT_THAT(Names(dir.path()), ElementsAre("a.json"));
}

TEST(WriteFileDurablyTest, WritesEmptyAndBinaryContentExactly) {
  testing::TempDir dir;
  const std::string binary("a\0b\n\xff", 5);
  ASSERT_TRUE(WriteFileDurably(dir.File("binary"), binary).ok());
  EXPECT_EQ(testing::ReadFileOrDie(dir.File("binary")), binary);
  ASSERT_TRUE(WriteFileDurably(dir.File("binary"), "").ok());
  EXPECT_EQ(testing::ReadFileOrDie(dir.File("binary")), "");
}

TEST(WriteFileDurablyTest, AMissingDirectoryIsNotFoundNamingThePath) {
  testing::TempDir dir;
  const std::string path = dir.File("missing/a.json");
  absl::Status status = WriteFileDurably(path, "{}\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith("creating " + path));
  EXPECT_THAT(std::string(status.message()), HasSubstr("No such file or directory"));
  EXPECT_THAT(Names(dir.path()), IsEmpty());
}

TEST(WriteFileDurablyTest, AFailedRenameLeavesTheTargetAndNoTemporary) {
  testing::TempDir dir;
  // A non-empty directory cannot be replaced by a file.
  const std::string path = dir.File("taken");
  fs::create_directory(path);
  testing::WriteFileOrDie(path + "/inside", "kept\n");

  absl::Status status = WriteFileDurably(path, "{}\n");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              StartsWith("renaming " + path + ".tmp to " + path + ": "));
  EXPECT_THAT(Names(dir.path()), ElementsAre("taken"));
  EXPECT_EQ(testing::ReadFileOrDie(path + "/inside"), "kept\n");
}

}  // namespace
}  // namespace healthcontent

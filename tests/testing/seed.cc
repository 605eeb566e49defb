#include "testing/seed.h"

#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace healthcontent::testing {

std::string SeedRequestPath() {
  return SourceDir() + "/data/articles/biological-therapy-for-cancer/2023-05-19.json";
}

v1::PublishArticleRevisionRequest SeedPublishRequest() {
  const std::string path = SeedRequestPath();
  v1::PublishArticleRevisionRequest request;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status =
      google::protobuf::util::JsonStringToMessage(ReadFileOrDie(path), &request, options);
  EXPECT_TRUE(status.ok()) << path << ": " << status.ToString();
  return request;
}

}  // namespace healthcontent::testing

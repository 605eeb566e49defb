// The seed article of data/ as tests use it: its publish request file and
// that request parsed.
#ifndef HEALTHCONTENT_TESTS_TESTING_SEED_H_
#define HEALTHCONTENT_TESTS_TESTING_SEED_H_

#include <string>

#include "healthcontent/v1/article_service.pb.h"

namespace healthcontent::testing {

// The seed article's publish request in the interchange format:
// data/articles/biological-therapy-for-cancer/2023-05-19.json under
// SourceDir().
std::string SeedRequestPath();

// SeedRequestPath() parsed: the seed article's publish request (its
// 2023-05-19 revision). Fails the test when the file cannot be read or
// parsed. The file is protobuf JSON (importers/interchange.h); it is parsed
// here with protobuf's own parser, with unknown fields refused as
// importers::ParseInterchangeJson refuses them, so that tests of the layers
// below importers/ need not link it.
v1::PublishArticleRevisionRequest SeedPublishRequest();

}  // namespace healthcontent::testing

#endif  // HEALTHCONTENT_TESTS_TESTING_SEED_H_

// libFuzzer target: the citation parser. It never refuses: any input gives a
// Reference whose citation is the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "importers/reference_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace healthcontent;
  std::string text(reinterpret_cast<const char*>(data), size);
  v1::Reference reference = importers::ParseCitation(text);
  (void)reference.ByteSizeLong();
  return 0;
}

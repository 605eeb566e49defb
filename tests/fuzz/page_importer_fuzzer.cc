// libFuzzer target: the captured-page importer. Any text must import or be
// refused with a status; an imported article must pass publish validation.
#include <cstddef>
#include <cstdint>

#include "domain/article_rules.h"
#include "importers/page_importer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace healthcontent;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  importers::PageImportOptions options;
  auto request = importers::ImportPage(text, options);
  if (request.ok()) (void)domain::ValidatePublishRequest(*request);
  return 0;
}

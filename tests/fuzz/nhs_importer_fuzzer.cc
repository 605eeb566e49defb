// libFuzzer target: the NHS website content API importer (JSON-LD with HTML
// fragments parsed by gumbo).
#include <cstddef>
#include <cstdint>

#include "domain/article_rules.h"
#include "importers/nhs_importer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace healthcontent;
  absl::string_view json(reinterpret_cast<const char*>(data), size);
  auto request = importers::ImportNhsPage(json, "fuzz.json");
  if (request.ok()) (void)domain::ValidatePublishRequest(*request);
  return 0;
}

// libFuzzer target: resource names and page tokens. Any input must give a
// value or an InvalidArgument, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/page_token.h"
#include "common/resource_name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  using namespace healthcontent;
  (void)ParseArticleName(input, "name");
  (void)ParseRevisionName(input, "name");
  (void)ParseTherapyTypeName(input, "name");
  (void)ParseReferenceName(input, "name");
  uint64_t fingerprint = QueryFingerprint("fuzz");
  auto key = DecodePageToken(input, fingerprint, "page_token");
  if (key.ok() && !key->empty()) {
    // A decoded key re-encodes to a token that decodes to the same key.
    auto again = DecodePageToken(EncodePageToken(fingerprint, *key), fingerprint, "page_token");
    if (!again.ok() || *again != *key) __builtin_trap();
  }
  return 0;
}

// libFuzzer target: the ListArticles filter and order_by parsers and the
// filter-to-SQL compiler.
#include <cstddef>
#include <cstdint>
#include <string>

#include "domain/filter.h"
#include "storage/article_filter_sql.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  using namespace healthcontent;
  (void)domain::ParseArticleOrderBy(input);
  auto filter = domain::ParseFilter(input);
  if (filter.ok()) {
    auto sql = storage::CompileArticleFilter(filter->get(), absl::CivilDay(2026, 6, 1), 90, 4);
    if (sql.ok()) {
      // No request text may reach the SQL: only ?N placeholders carry values.
      for (char c : sql->sql) {
        if (c == '\'' || c == '"' || c == ';') __builtin_trap();
      }
    }
  }
  return 0;
}

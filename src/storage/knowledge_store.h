// Articles by clinical code: each article's dated coding history
// (article_codings) and the code index (code_index) that makes a lookup an
// indexed read, both kept in step by every write, in its transaction.
//
// An article carries a code on day D when
//   - its coding in force on D (the entry with the greatest effective date
//     <= D, the later record on a tie) has it: an "article" match; or
//   - a therapy type embedded in its revision in force on D has it: a
//     "therapy type" match (the revision's copy, so it is dated too).
// Withdrawn articles, and articles with no revision in force on D, carry none.
#ifndef HEALTHCONTENT_STORAGE_KNOWLEDGE_STORE_H_
#define HEALTHCONTENT_STORAGE_KNOWLEDGE_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "healthcontent/v1/article.pb.h"
#include "healthcontent/v1/knowledge_service.pb.h"
#include "storage/database.h"
#include "storage/storage.h"

namespace healthcontent::storage {

// Write side, for ArticleStore::Publish and SetArticleCodes; both must run
// inside the write transaction (Storage::Write; checked: HC_DCHECK).
//
// Records that articles/{slug} (row `article_id`) is coded `codes` (already
// normalized: domain::NormalizeCodings) from `effective` on, as the write
// with change sequence `sequence` did, and indexes the codes.
absl::StatusOr<v1::ArticleCoding> RecordArticleCoding(
    Database* db, int64_t article_id, const std::string& slug, absl::CivilDay effective,
    const google::protobuf::RepeatedPtrField<v1::Coding>& codes, int64_t sequence,
    const std::string& source, absl::Time now);

// Indexes the codes of the therapy types that `revision` (just stored for
// row `article_id`) embeds, dated at its review date.
absl::Status IndexRevisionTherapyTypeCodes(Database* db, int64_t article_id,
                                           const v1::Article& revision);

// Thread-safe: reads use the calling thread's connection, writes the single
// write connection.
class KnowledgeStore {
 public:
  explicit KnowledgeStore(Storage* storage) : storage_(storage) {}

  struct CodeMatch {
    std::string slug;
    // False: through a therapy type, `therapy_type_slug`.
    bool on_article = false;
    std::string therapy_type_slug;
  };
  // The live articles that carry `code` of system `system_uri` (both in
  // normal form) on `day`, each once (an article match preferred), by slug.
  absl::StatusOr<std::vector<CodeMatch>> FindByCode(const std::string& system_uri,
                                                    const std::string& code,
                                                    absl::CivilDay day) const;

  // Records a coding of articles/{slug} from `effective` on (codes already
  // normalized) in one durable transaction, with an ARTICLE_CODES_CHANGED
  // change. NotFound for an article that does not exist or was withdrawn.
  absl::StatusOr<v1::ArticleCoding> SetArticleCodes(
      const std::string& slug, const google::protobuf::RepeatedPtrField<v1::Coding>& codes,
      absl::CivilDay effective, absl::Time now);

  // The coding history of articles/{slug}, newest effective date first (the
  // later record first on a tie). NotFound as for SetArticleCodes.
  absl::StatusOr<std::vector<v1::ArticleCoding>> ListCodings(const std::string& slug) const;

 private:
  Storage* storage_;
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_KNOWLEDGE_STORE_H_

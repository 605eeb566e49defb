#include "storage/schema.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/live_index.h"
#include "storage/revision_figures.h"

namespace healthcontent::storage {
namespace {

// Migration N takes a database from user_version N to N+1. Never edit a
// migration that has shipped; add a new one.
constexpr const char* kMigrations[] = {
    // 0 -> 1: articles, their revisions keyed by review date, therapy types,
    // references and the tables that index which revision cites what.
    R"sql(
CREATE TABLE articles (
  id              INTEGER PRIMARY KEY,
  slug            TEXT NOT NULL UNIQUE,
  create_time     INTEGER NOT NULL,      -- unix microseconds
  withdraw_time   INTEGER,               -- NULL while the article is live
  withdraw_reason TEXT
);

-- One row per clinical review. body is the complete serialized
-- healthcontent.v1.Article as served; the other columns index it.
CREATE TABLE revisions (
  article_id       INTEGER NOT NULL REFERENCES articles(id),
  review_date      TEXT NOT NULL,        -- YYYY-MM-DD, the revision id
  next_review_date TEXT NOT NULL,        -- YYYY-MM-DD
  title            TEXT NOT NULL,
  change_type      INTEGER NOT NULL,
  change_summary   TEXT NOT NULL,
  publish_time     INTEGER NOT NULL,     -- unix microseconds
  etag             TEXT NOT NULL,
  content_hash     TEXT NOT NULL,        -- of the publish request's content
  body             BLOB NOT NULL,
  PRIMARY KEY (article_id, review_date)
) WITHOUT ROWID;

CREATE TABLE therapy_types (
  slug        TEXT PRIMARY KEY,
  body        BLOB NOT NULL,             -- serialized healthcontent.v1.TherapyType
  update_time INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE refs (
  id        TEXT PRIMARY KEY,            -- the {id} of references/{id}
  match_key TEXT NOT NULL UNIQUE,        -- doi:..., pmid:..., url:... or text:...
  body      BLOB NOT NULL                -- serialized healthcontent.v1.Reference
) WITHOUT ROWID;

CREATE TABLE revision_therapy_types (
  article_id        INTEGER NOT NULL,
  review_date       TEXT NOT NULL,
  position          INTEGER NOT NULL,
  therapy_type_slug TEXT NOT NULL REFERENCES therapy_types(slug),
  PRIMARY KEY (article_id, review_date, position),
  FOREIGN KEY (article_id, review_date) REFERENCES revisions(article_id, review_date)
) WITHOUT ROWID;
CREATE INDEX revision_therapy_types_by_type
  ON revision_therapy_types(therapy_type_slug, article_id, review_date);

CREATE TABLE revision_references (
  article_id   INTEGER NOT NULL,
  review_date  TEXT NOT NULL,
  position     INTEGER NOT NULL,
  reference_id TEXT NOT NULL REFERENCES refs(id),
  PRIMARY KEY (article_id, review_date, position),
  FOREIGN KEY (article_id, review_date) REFERENCES revisions(article_id, review_date)
) WITHOUT ROWID;
CREATE INDEX revision_references_by_reference ON revision_references(reference_id);

-- Answers already given to write requests that carried a request_id, so a
-- retry returns the first answer.
CREATE TABLE requests (
  request_id   TEXT PRIMARY KEY,
  method       TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response     BLOB NOT NULL,
  create_time  INTEGER NOT NULL
) WITHOUT ROWID;
)sql",

    // 1 -> 2: the change feed, the in-force index that listings, filters and
    // search read, and the schedule of future revisions.
    R"sql(
ALTER TABLE revisions ADD COLUMN publisher TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN language_code TEXT NOT NULL DEFAULT '';

-- Every change to published content, numbered in commit order. Rows are
-- only ever appended, in the same transaction as the change itself.
CREATE TABLE changes (
  sequence       INTEGER PRIMARY KEY,
  kind           INTEGER NOT NULL,      -- healthcontent.v1.Change.Kind
  resource       TEXT NOT NULL,
  revision_id    TEXT NOT NULL DEFAULT '',
  etag           TEXT NOT NULL DEFAULT '',
  commit_time    INTEGER NOT NULL,      -- unix microseconds
  effective_date TEXT NOT NULL DEFAULT ''
);

-- For each live article, the revision in force as of the last refresh
-- (every write to the article, and the scheduler when a future review date
-- arrives). Reads of one article apply the date rule directly instead.
CREATE TABLE live_articles (
  article_id       INTEGER PRIMARY KEY REFERENCES articles(id),
  slug             TEXT NOT NULL UNIQUE,
  review_date      TEXT NOT NULL,
  next_review_date TEXT NOT NULL,
  title            TEXT NOT NULL,
  publisher        TEXT NOT NULL,
  language_code    TEXT NOT NULL
);
CREATE INDEX live_articles_by_title ON live_articles(title, slug);
CREATE INDEX live_articles_by_review_date ON live_articles(review_date, slug);
CREATE INDEX live_articles_by_next_review_date ON live_articles(next_review_date, slug);

-- Full-text index of the live articles' in-force text; rowid = article id.
CREATE VIRTUAL TABLE article_search USING fts5(
  title, summary, body, tokenize = 'porter unicode61');

-- Revisions published with a future review date whose REVISION_TOOK_EFFECT
-- change has not been recorded yet.
CREATE TABLE scheduled_revisions (
  article_id  INTEGER NOT NULL,
  review_date TEXT NOT NULL,
  PRIMARY KEY (article_id, review_date)
) WITHOUT ROWID;
CREATE INDEX scheduled_revisions_by_date ON scheduled_revisions(review_date);
)sql",

    // 2 -> 3: revision bodies move to a table of their own. In the WITHOUT
    // ROWID revisions table a ~5 KB body spilled into overflow pages, and a
    // key search reads a spilled cell whole to compare it: every lookup by
    // (article, review date) read several overflow chains (bench/RESULTS.md).
    // Now revisions rows are small and a body is read once, by rowid.
    // revisions.body stays (always empty) because a column cannot be dropped
    // from a WITHOUT ROWID table without rebuilding it.
    R"sql(
CREATE TABLE revision_bodies (
  id          INTEGER PRIMARY KEY,
  article_id  INTEGER NOT NULL,
  review_date TEXT NOT NULL,
  body        BLOB NOT NULL,            -- serialized healthcontent.v1.Article
  UNIQUE (article_id, review_date),
  FOREIGN KEY (article_id, review_date) REFERENCES revisions(article_id, review_date)
);
INSERT INTO revision_bodies (article_id, review_date, body)
  SELECT article_id, review_date, body FROM revisions ORDER BY article_id, review_date;
UPDATE revisions SET body = X'';
)sql",

    // 3 -> 4: how many live articles list each therapy type in their
    // in-force revision, kept in step by RefreshLiveArticle. Counting at read
    // time cost ~37 ms per type on 100,000 articles (about half a second per
    // ListTherapyTypes page); now it is one row per type.
    R"sql(
CREATE TABLE live_therapy_type_counts (
  therapy_type_slug TEXT PRIMARY KEY,
  article_count     INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO live_therapy_type_counts (therapy_type_slug, article_count)
  SELECT t.therapy_type_slug, count(DISTINCT live.article_id)
  FROM revision_therapy_types t
  JOIN live_articles live ON live.article_id = t.article_id AND live.review_date = t.review_date
  GROUP BY t.therapy_type_slug;
)sql",

    // 4 -> 5: each live article's listing entry: its in-force revision in the
    // basic view, as the stored bytes (domain/article_wire.h). A ListArticles
    // page reads 50 of these ~1 KB entries instead of 50 ~5 KB bodies spread
    // over revision_bodies (bench/RESULTS.md). A table of their own keeps
    // live_articles rows small for search and filters, which visit many of
    // them. Filled after this SQL by BackfillLiveListings, in the same
    // transaction; RefreshLiveArticle keeps them.
    R"sql(
CREATE TABLE live_listings (
  article_id INTEGER PRIMARY KEY REFERENCES live_articles(article_id),
  listing    BLOB NOT NULL
);
)sql",

    // 5 -> 6: clinical codes (storage/knowledge_store.h). Each article's
    // coding history, appended by publishes that set codes and by
    // SetArticleCodes, never changed; which entry is in force on a day is
    // KnowledgeStore's rule. And the code index that makes a lookup one indexed read:
    // a row per code of each coding (therapy_type_slug '') and per code of
    // each therapy type a revision embeds (effective_date = its review date,
    // sequence 0). Nothing stored before this version carries codes, so
    // there is nothing to backfill.
    R"sql(
CREATE TABLE article_codings (
  article_id     INTEGER NOT NULL REFERENCES articles(id),
  effective_date TEXT NOT NULL,         -- YYYY-MM-DD
  sequence       INTEGER NOT NULL,      -- changes.sequence of the write that recorded it
  from_revision  INTEGER NOT NULL,      -- 1: a publish's codes (effective_date = review date)
  body           BLOB NOT NULL,         -- serialized healthcontent.v1.ArticleCoding
  PRIMARY KEY (article_id, effective_date, sequence)
) WITHOUT ROWID;

CREATE TABLE code_index (
  system            TEXT NOT NULL,      -- the code system's URI
  code              TEXT NOT NULL,      -- in normal form
  article_id        INTEGER NOT NULL REFERENCES articles(id),
  effective_date    TEXT NOT NULL,
  sequence          INTEGER NOT NULL,
  therapy_type_slug TEXT NOT NULL,
  PRIMARY KEY (system, code, article_id, effective_date, sequence, therapy_type_slug)
) WITHOUT ROWID;
)sql",

    // 6 -> 7: full-text search moved to a Xapian index beside the database
    // (search/search_index.h), derived from live_articles and rebuilt from
    // them when absent; SQLite's FTS5 table goes.
    R"sql(
DROP TABLE IF EXISTS article_search;
)sql",

    // 7 -> 8: languages, audiences and reading levels. A revision records
    // its audience (1 = AUDIENCE_PATIENT, the default), the article and
    // review date it translates (NULL / '' when it is not a translation) and
    // its reading-level figures (NULL when not computed: languages other
    // than English and Spanish; the grade is English only). live_articles
    // carries the same for filters. All in BackfillRevisionFigures
    // (storage/revision_figures.h): it adds the columns that are missing
    // (SQL has no ADD COLUMN IF NOT EXISTS), then scores every stored
    // revision and adds the figures to its body.
    R"sql(
-- see BackfillRevisionFigures
)sql",
};

// Steps of a migration that SQL cannot express, run after its SQL in the same
// transaction: kPostMigration[N] completes migration N (N -> N+1).
absl::Status NoPostMigration(Database*) { return absl::OkStatus(); }
constexpr absl::Status (*kPostMigration[])(Database*) = {
    NoPostMigration,      NoPostMigration, NoPostMigration, NoPostMigration,
    BackfillLiveListings, NoPostMigration, NoPostMigration, BackfillRevisionFigures,
};
static_assert(sizeof(kPostMigration) / sizeof(kPostMigration[0]) ==
                  sizeof(kMigrations) / sizeof(kMigrations[0]),
              "one post-migration step per migration");

constexpr int kLatestVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

absl::StatusOr<int> UserVersion(Database* db) {
  ASSIGN_OR_RETURN(Statement stmt, db->PrepareUncached("PRAGMA user_version;"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError("PRAGMA user_version returned no row");
  return static_cast<int>(stmt.ColumnInt64(0));
}

}  // namespace

int LatestSchemaVersion() { return kLatestVersion; }

absl::Status MigrateSchema(Database* db) {
  ASSIGN_OR_RETURN(int version, UserVersion(db));
  if (version > kLatestVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        db->path(), " has schema version ", version, " but this build knows only up to ",
        kLatestVersion, "; run a newer healthcontent-server"));
  }
  for (; version < kLatestVersion; ++version) {
    Transaction txn(db);
    RETURN_IF_ERROR(txn.Begin());
    RETURN_IF_ERROR(db->Execute(kMigrations[version]));
    RETURN_IF_ERROR(kPostMigration[version](db));
    RETURN_IF_ERROR(db->Execute(absl::StrCat("PRAGMA user_version = ", version + 1, ";")));
    RETURN_IF_ERROR(txn.Commit());
  }
  return absl::OkStatus();
}

absl::Status CheckSchemaVersion(Database* db) {
  ASSIGN_OR_RETURN(int version, UserVersion(db));
  if (version != kLatestVersion) {
    return absl::FailedPreconditionError(absl::StrCat(db->path(), " has schema version ", version,
                                                      "; this build needs ", kLatestVersion));
  }
  return absl::OkStatus();
}

}  // namespace healthcontent::storage

// The commands that talk to a running server over gRPC: reads (get, list,
// revisions, diff, search, changes, therapy-types) and writes (publish,
// withdraw). Each builds one request from its flags, calls the service and
// prints the answer, as text or (--json) as protobuf JSON.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <limits>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/render.h"
#include "common/date.h"
#include "common/status_macros.h"
#include "google/protobuf/empty.pb.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "healthcontent/v1/change_service.grpc.pb.h"
#include "healthcontent/v1/knowledge_service.grpc.pb.h"
#include "healthcontent/v1/therapy_type_service.grpc.pb.h"
#include "importers/interchange.h"

namespace healthcontent::cli {
namespace {

// A connection to the server with the stubs the commands use.
struct Client {
  RemoteOptions options;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ArticleService::Stub> articles;
  std::unique_ptr<v1::ChangeService::Stub> changes;
  std::unique_ptr<v1::TherapyTypeService::Stub> therapy_types;
  std::unique_ptr<v1::KnowledgeService::Stub> knowledge;

  absl::Status Check(const grpc::Status& status) const { return FromGrpcStatus(status, options); }
  std::unique_ptr<grpc::ClientContext> Context() const { return NewContext(options); }
};

absl::StatusOr<Client> Connect(const CommandLine& command_line,
                               absl::string_view token_required_by = "") {
  Client client;
  ASSIGN_OR_RETURN(client.options, ReadRemoteOptions(command_line, token_required_by));
  client.channel = OpenChannel(client.options);
  client.articles = v1::ArticleService::NewStub(client.channel);
  client.changes = v1::ChangeService::NewStub(client.channel);
  client.therapy_types = v1::TherapyTypeService::NewStub(client.channel);
  client.knowledge = v1::KnowledgeService::NewStub(client.channel);
  return client;
}

std::vector<FlagSpec> Flags(std::vector<FlagSpec> own) {
  own.push_back({"json", false});
  for (FlagSpec& flag : RemoteFlags()) own.push_back(std::move(flag));
  return own;
}

absl::Status NeedArguments(const CommandLine& command_line, size_t count, absl::string_view usage) {
  if (command_line.positional().size() != count) {
    return UsageError(absl::StrCat("usage: ", usage, " (see --help)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int32_t> PageSize(const CommandLine& command_line) {
  ASSIGN_OR_RETURN(int64_t size, command_line.GetInt("page-size", 0));
  if (size < 0 || size > std::numeric_limits<int32_t>::max()) {
    return UsageError(absl::StrCat("--page-size=", size, " is out of range"));
  }
  return static_cast<int32_t>(size);
}

absl::Time ToTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

// Prints "more: --page-token=..." on stderr when a listing has more pages.
void HintNextPage(const std::string& next_page_token) {
  if (next_page_token.empty()) return;
  std::fprintf(stderr, "more results: add --page-token=%s (or --all-pages)\n",
               next_page_token.c_str());
}

// get ------------------------------------------------------------------------

constexpr char kGetUsage[] =
    R"(Usage: healthcontent get NAME [--as-of=YYYY-MM-DD] [--lang=es[,en...]]
                         [--no-fallback] [--json]

Shows one article: NAME articles/{slug} is its revision in force today (or on
--as-of), articles/{slug}/revisions/{YYYY-MM-DD} one revision by review date,
scheduled ones included. The text shows the title, review dates, publisher and
language, translation and reading level, therapy types, the sections with
their bullets and the numbered references; --json prints the Article as
protobuf JSON.

  --as-of=YYYY-MM-DD  the revision in force on that day (articles/{slug} only)
  --lang=TAGS         preferred languages, most preferred first (BCP-47):
                      the article or its translation in the first available,
                      else the source language, marked as a fallback
  --no-fallback       with --lang: fail instead of falling back
  --json              protobuf JSON instead of text

)";

absl::Status Get(const CommandLine& command_line) {
  RETURN_IF_ERROR(NeedArguments(command_line, 1, "healthcontent get NAME"));
  const std::string& name = command_line.positional()[0];
  ASSIGN_OR_RETURN(Client client, Connect(command_line));
  v1::Article article;
  auto context = client.Context();
  if (absl::StrContains(name, "/revisions/")) {
    if (command_line.Has("as-of") || command_line.Has("lang")) {
      return UsageError("--as-of and --lang go with articles/{slug}, not with a revision name");
    }
    v1::GetArticleRevisionRequest request;
    request.set_name(name);
    RETURN_IF_ERROR(
        client.Check(client.articles->GetArticleRevision(context.get(), request, &article)));
  } else {
    v1::GetArticleRequest request;
    request.set_name(name);
    if (command_line.Has("as-of")) {
      auto day = ParseIsoDate(command_line.Get("as-of"));
      if (!day.ok()) return UsageError(absl::StrCat("--as-of: ", day.status().message()));
      *request.mutable_as_of() = ToProtoDate(*day);
    }
    for (absl::string_view tag : absl::StrSplit(command_line.Get("lang"), ',', absl::SkipEmpty())) {
      request.add_language_codes(std::string(tag));
    }
    request.set_no_language_fallback(command_line.Has("no-fallback"));
    RETURN_IF_ERROR(client.Check(client.articles->GetArticle(context.get(), request, &article)));
  }
  PrintOut(command_line.Has("json") ? MessageJson(article) : RenderArticle(article));
  return absl::OkStatus();
}

// list -----------------------------------------------------------------------

constexpr char kListUsage[] =
    R"(Usage: healthcontent list [--filter=EXPR] [--order-by=FIELD] [--page-size=N]
                          [--page-token=T | --all-pages] [--json]

Lists live articles in their revision in force today: name, review date, next
review date, review status and title.

  --filter=EXPR      AIP-160 filter, e.g.
                       'therapy_type = "therapyTypes/monoclonal-antibodies"'
                       'review_status = OVERDUE'
                       'review_date >= 2023-01-01 AND publisher = "Mayo Clinic"'
                     fields: therapy_type, review_date, next_review_date,
                     review_status, title, publisher, language_code
  --order-by=FIELD   title, review_date or next_review_date, each optionally
                     followed by " desc" (default: by name)
  --page-size=N      articles per page (1-1000; default 50)
  --page-token=T     continue from a previous page
  --all-pages        fetch every page
  --json             the ListArticlesResponse as protobuf JSON (with
                     --all-pages, one response holding every article)

)";

absl::Status List(const CommandLine& command_line) {
  RETURN_IF_ERROR(NeedArguments(command_line, 0, "healthcontent list [flags]"));
  ASSIGN_OR_RETURN(Client client, Connect(command_line));
  v1::ListArticlesRequest request;
  request.set_filter(command_line.Get("filter"));
  request.set_order_by(command_line.Get("order-by"));
  ASSIGN_OR_RETURN(int32_t page_size, PageSize(command_line));
  request.set_page_size(page_size);
  request.set_page_token(command_line.Get("page-token"));
  ASSIGN_OR_RETURN(v1::ListArticlesResponse all,
                   GatherPages(request, command_line.Has("all-pages"),
                               PageCall(client.options, *client.articles,
                                        &v1::ArticleService::Stub::ListArticles),
                               &v1::ListArticlesResponse::mutable_articles));
  if (command_line.Has("json")) {
    PrintOut(MessageJson(all));
    return absl::OkStatus();
  }
  if (all.articles().empty()) {
    PrintOut("no articles\n");
  } else {
    PrintOut(RenderArticleTable({all.articles().begin(), all.articles().end()}));
  }
  HintNextPage(all.next_page_token());
  return absl::OkStatus();
}

// revisions ------------------------------------------------------------------

constexpr char kRevisionsUsage[] = R"(Usage: healthcontent revisions NAME [--json]

Lists every revision of articles/{slug}, newest review date first: revision
id, whether it is in force or scheduled, the change type, when it was
published and the change summary.

  --json   the ListArticleRevisionsResponse (all pages) as protobuf JSON

)";

absl::Status Revisions(const CommandLine& command_line) {
  RETURN_IF_ERROR(NeedArguments(command_line, 1, "healthcontent revisions NAME"));
  ASSIGN_OR_RETURN(Client client, Connect(command_line));
  v1::ListArticleRevisionsRequest request;
  request.set_parent(command_line.positional()[0]);
  request.set_page_size(1000);
  ASSIGN_OR_RETURN(v1::ListArticleRevisionsResponse all,
                   GatherPages(request, /*all_pages=*/true,
                               PageCall(client.options, *client.articles,
                                        &v1::ArticleService::Stub::ListArticleRevisions),
                               &v1::ListArticleRevisionsResponse::mutable_revisions));
  PrintOut(command_line.Has("json")
               ? MessageJson(all)
               : RenderRevisions({all.revisions().begin(), all.revisions().end()}));
  return absl::OkStatus();
}

// diff -----------------------------------------------------------------------

constexpr char kDiffUsage[] = R"(Usage: healthcontent diff NAME FROM TO [--json]

Shows what changed in articles/{slug} between two revisions (FROM older, TO
newer; each YYYY-MM-DD or a full revision name): changed fields, therapy
types, sections and their paragraphs and bullets (+ added, - removed,
~ changed), and references.

  --json   the ArticleDiff as protobuf JSON

)";

// "2023-05-19" from "2023-05-19" or "articles/x/revisions/2023-05-19".
std::string RevisionId(const std::string& text) {
  size_t slash = text.rfind('/');
  return slash == std::string::npos ? text : text.substr(slash + 1);
}

absl::Status Diff(const CommandLine& command_line) {
  RETURN_IF_ERROR(NeedArguments(command_line, 3, "healthcontent diff NAME FROM TO"));
  ASSIGN_OR_RETURN(Client client, Connect(command_line));
  v1::DiffArticleRevisionsRequest request;
  request.set_name(command_line.positional()[0]);
  request.set_from_revision(RevisionId(command_line.positional()[1]));
  request.set_to_revision(RevisionId(command_line.positional()[2]));
  v1::ArticleDiff diff;
  auto context = client.Context();
  RETURN_IF_ERROR(
      client.Check(client.articles->DiffArticleRevisions(context.get(), request, &diff)));
  PrintOut(command_line.Has("json") ? MessageJson(diff) : RenderDiff(diff));
  return absl::OkStatus();
}

// search ---------------------------------------------------------------------

constexpr char kSearchUsage[] =
    R"(Usage: healthcontent search QUERY... [--filter=EXPR] [--page-size=N]
                            [--page-token=T | --all-pages] [--json]

Full-text search over the title, summary and body of the articles in force
today, best match first, each hit with a snippet (matches in [ ]). Plain
words must all match; "quoted phrases", OR, NOT and prefix* work as in
SQLite FTS5. Several QUERY arguments are joined with spaces.

  --filter=EXPR   the same filter as `healthcontent list`
  --page-size=N   hits per page (1-100; default 20)
  --page-token=T  continue from a previous page
  --all-pages     fetch every page
  --json          the SearchArticlesResponse as protobuf JSON

)";

absl::Status Search(const CommandLine& command_line) {
  if (command_line.positional().empty()) {
    return UsageError("usage: healthcontent search QUERY... (see --help)");
  }
  ASSIGN_OR_RETURN(Client client, Connect(command_line));
  v1::SearchArticlesRequest request;
  request.set_query(absl::StrJoin(command_line.positional(), " "));
  request.set_filter(command_line.Get("filter"));
  ASSIGN_OR_RETURN(int32_t page_size, PageSize(command_line));
  request.set_page_size(page_size);
  request.set_page_token(command_line.Get("page-token"));
  ASSIGN_OR_RETURN(v1::SearchArticlesResponse all,
                   GatherPages(request, command_line.Has("all-pages"),
                               PageCall(client.options, *client.articles,
                                        &v1::ArticleService::Stub::SearchArticles),
                               &v1::SearchArticlesResponse::mutable_results));
  if (command_line.Has("json")) {
    PrintOut(MessageJson(all));
    return absl::OkStatus();
  }
  PrintOut(RenderSearchResults({all.results().begin(), all.results().end()}));
  HintNextPage(all.next_page_token());
  return absl::OkStatus();
}

// changes --------------------------------------------------------------------

constexpr char kChangesUsage[] =
    R"(Usage: healthcontent changes [--since=N] [--page-size=N] [--follow] [--json]

Prints the change feed: every publish, schedule, withdrawal and therapy-type
change with a sequence number that only grows, oldest first, from after
sequence N (default 0: everything). Without --follow it stops when it has
caught up and says which --since to use next time; with --follow it stays
connected and prints changes as they are committed (reconnecting after the
server restarts) until interrupted.

  --since=N      start after this sequence number
  --page-size=N  changes per call while catching up (1-1000; default 100)
  --follow       keep watching (WatchChanges)
  --json         without --follow: one ListChangesResponse holding every
                 change, next_since and latest_sequence; with --follow: one
                 Change per line (JSON Lines)

)";

absl::Status FollowChanges(const Client& client, int64_t since, bool json) {
  constexpr absl::Duration kMaxBackoff = absl::Seconds(30);
  absl::Duration backoff = absl::Seconds(1);
  while (true) {
    v1::WatchChangesRequest request;
    request.set_since(since);
    auto context = NewContext(client.options, /*with_deadline=*/false);
    auto reader = client.changes->WatchChanges(context.get(), request);
    v1::Change change;
    while (reader->Read(&change)) {
      since = change.sequence();
      backoff = absl::Seconds(1);
      PrintOut(json ? MessageJsonLine(change) : RenderChange(change));
    }
    grpc::Status status = reader->Finish();
    // The server ends streams with UNAVAILABLE when it shuts down or the
    // connection drops: resume from the last sequence received.
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) return client.Check(status);
    std::fprintf(stderr, "healthcontent: %s; reconnecting with --since=%lld in %s\n",
                 status.error_message().c_str(), static_cast<long long>(since),
                 absl::FormatDuration(backoff).c_str());
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

absl::Status Changes(const CommandLine& command_line) {
  RETURN_IF_ERROR(NeedArguments(command_line, 0, "healthcontent changes [flags]"));
  ASSIGN_OR_RETURN(Client client, Connect(command_line));
  ASSIGN_OR_RETURN(int64_t since, command_line.GetInt("since", 0));
  ASSIGN_OR_RETURN(int32_t page_size, PageSize(command_line));
  const bool json = command_line.Has("json");
  // Catch up page by page first, also with --follow: a server that cannot
  // be reached then fails here instead of being retried forever.
  v1::ListChangesResponse all;
  all.set_next_since(since);
  while (true) {
    v1::ListChangesRequest request;
    request.set_since(all.next_since());
    request.set_page_size(page_size);
    v1::ListChangesResponse response;
    auto context = client.Context();
    RETURN_IF_ERROR(client.Check(client.changes->ListChanges(context.get(), request, &response)));
    for (v1::Change& change : *response.mutable_changes()) {
      if (command_line.Has("follow") || !json) {
        PrintOut(json ? MessageJsonLine(change) : RenderChange(change));
      } else {
        *all.add_changes() = std::move(change);
      }
    }
    all.set_next_since(response.next_since());
    all.set_latest_sequence(response.latest_sequence());
    if (response.changes().empty() || response.next_since() >= response.latest_sequence()) break;
  }
  if (command_line.Has("follow")) return FollowChanges(client, all.next_since(), json);
  if (json) {
    PrintOut(MessageJson(all));
  } else {
    std::fprintf(stderr, "up to date at sequence %lld; next time use --since=%lld\n",
                 static_cast<long long>(all.latest_sequence()),
                 static_cast<long long>(all.next_since()));
  }
  return absl::OkStatus();
}

// therapy-types --------------------------------------------------------------

constexpr char kTherapyTypesUsage[] = R"(Usage: healthcontent therapy-types [NAME] [--json]
       healthcontent therapy-types upsert FILE... [--db=PATH | --server=HOST:PORT --token=TOKEN]

Lists the therapy types (name, how many live articles cover it, display name
and aliases), or shows one: NAME is therapyTypes/{slug}.

  --json   the ListTherapyTypesResponse (all pages) or the TherapyType as
           protobuf JSON

upsert creates or replaces therapy types from UpsertTherapyTypeRequest JSON
files, the format of data/therapy-types/*.json:
  {"therapyType": {"name": "therapyTypes/gene-therapy",
                   "displayName": "Gene therapy", "aliases": ["..."]}}
Each file is reported as imported, skipped (identical to what is stored) or
refused with the reason; exit 1 if any was refused. Over --server it needs a
publisher token.

  --db=PATH   write to this database file (created when missing)

)";

absl::Status TherapyTypes(const CommandLine& command_line) {
  if (command_line.Has("db")) {
    return UsageError("--db is for `therapy-types upsert`; listing reads a server");
  }
  if (command_line.positional().size() > 1) {
    return UsageError("usage: healthcontent therapy-types [NAME] (see --help)");
  }
  ASSIGN_OR_RETURN(Client client, Connect(command_line));
  v1::ListTherapyTypesResponse all;
  if (command_line.positional().size() == 1) {
    v1::GetTherapyTypeRequest request;
    request.set_name(command_line.positional()[0]);
    auto context = client.Context();
    RETURN_IF_ERROR(client.Check(
        client.therapy_types->GetTherapyType(context.get(), request, all.add_therapy_types())));
    if (command_line.Has("json")) {
      PrintOut(MessageJson(all.therapy_types(0)));
      return absl::OkStatus();
    }
  } else {
    v1::ListTherapyTypesRequest request;
    request.set_page_size(1000);
    ASSIGN_OR_RETURN(all, GatherPages(request, /*all_pages=*/true,
                                      PageCall(client.options, *client.therapy_types,
                                               &v1::TherapyTypeService::Stub::ListTherapyTypes),
                                      &v1::ListTherapyTypesResponse::mutable_therapy_types));
    if (command_line.Has("json")) {
      PrintOut(MessageJson(all));
      return absl::OkStatus();
    }
  }
  PrintOut(RenderTherapyTypes({all.therapy_types().begin(), all.therapy_types().end()}));
  return absl::OkStatus();
}

// lookup ---------------------------------------------------------------------

constexpr char kLookupUsage[] =
    R"(Usage: healthcontent lookup --code=SYSTEM:CODE[,SYSTEM:CODE...] [SYSTEM:CODE...]
                          [--as-of=YYYY-MM-DD] [--lang=es[,en...]]
                          [--audience=patient|professional] [--max-results=N]
                          [--json]

Finds the articles for clinical codes (KnowledgeService.RetrieveKnowledge), as
a patient portal asks "what should this patient read about ICD-10-CM K22.0?".
SYSTEM is a short name (ICD10CM, SNOMEDCT, RXNORM, LOINC, MESH, NCIT), an HL7
OID or a URI; e.g. ICD10CM:K22.0, SNOMEDCT:76334006, 2.16.840.1.113883.6.90:E11.65.
For each code it prints the matching articles in force on the day, best first,
and how each matched: the exact code on the article, through one of its
therapy types, or (ICD-10-CM) through the nearest coded ancestor (E11.65 ->
E11.6 -> E11).

  --as-of=DATE       answer as on that day (default today, UTC)
  --lang=TAGS        preferred languages, most preferred first (BCP-47)
  --audience=WHO     patient (default) or professional
  --max-results=N    most articles per code, 1-50 (default 10)
  --json             the RetrieveKnowledgeResponse as protobuf JSON

)";

absl::StatusOr<v1::Criterion> ParseCriterion(absl::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return UsageError(absl::StrCat(
        "\"", text, "\" is not SYSTEM:CODE (e.g. ICD10CM:K22.0 or SNOMEDCT:76334006)"));
  }
  v1::Criterion criterion;
  criterion.mutable_coding()->set_system(std::string(text.substr(0, colon)));
  criterion.mutable_coding()->set_code(std::string(text.substr(colon + 1)));
  return criterion;
}

absl::Status Lookup(const CommandLine& command_line) {
  v1::RetrieveKnowledgeRequest request;
  std::vector<std::string> codes;
  if (command_line.Has("code")) {
    for (absl::string_view code : absl::StrSplit(command_line.Get("code"), ',')) {
      if (!code.empty()) codes.emplace_back(code);
    }
  }
  for (const std::string& code : command_line.positional()) codes.push_back(code);
  if (codes.empty()) {
    return UsageError("usage: healthcontent lookup --code=SYSTEM:CODE (see --help)");
  }
  for (const std::string& code : codes) {
    ASSIGN_OR_RETURN(*request.add_criteria(), ParseCriterion(code));
  }
  if (command_line.Has("as-of")) {
    auto day = ParseIsoDate(command_line.Get("as-of"));
    if (!day.ok()) return UsageError(absl::StrCat("--as-of: ", day.status().message()));
    *request.mutable_as_of() = ToProtoDate(*day);
  }
  if (command_line.Has("lang")) {
    for (absl::string_view tag : absl::StrSplit(command_line.Get("lang"), ',')) {
      if (!tag.empty()) request.add_language_codes(std::string(tag));
    }
  }
  const std::string audience = command_line.Get("audience", "patient");
  if (audience == "patient") {
    request.set_audience(v1::AUDIENCE_PATIENT);
  } else if (audience == "professional") {
    request.set_audience(v1::AUDIENCE_PROFESSIONAL);
  } else {
    return UsageError(absl::StrCat("--audience=", audience, ": use patient or professional"));
  }
  if (command_line.Has("max-results")) {
    ASSIGN_OR_RETURN(int64_t max_results, command_line.GetInt("max-results", 0));
    if (max_results < 1 || max_results > 50) {
      return UsageError(absl::StrCat("--max-results=", max_results, " is not in 1-50"));
    }
    request.set_max_results(static_cast<int>(max_results));
  }
  ASSIGN_OR_RETURN(Client client, Connect(command_line));
  v1::RetrieveKnowledgeResponse response;
  auto context = client.Context();
  RETURN_IF_ERROR(
      client.Check(client.knowledge->RetrieveKnowledge(context.get(), request, &response)));
  PrintOut(command_line.Has("json") ? MessageJson(response) : RenderKnowledge(response));
  return absl::OkStatus();
}

// publish --------------------------------------------------------------------

constexpr char kPublishUsage[] = R"(Usage: healthcontent publish FILE [--request-id=ID] [--json]

Publishes one revision: FILE ("-" for stdin) holds a
PublishArticleRevisionRequest in protobuf JSON, the interchange format of
data/articles/ and of `healthcontent export`. Needs a publisher token.
Publishing the same content again is harmless and says "unchanged"; other
content on an existing review date is refused (ALREADY_EXISTS). For captured
pages and NHS pages use `healthcontent import --format=page|nhs --server=...`.

  --request-id=ID  makes retries safe: the server answers a repeated id with
                   the first answer
  --json           the stored Article as protobuf JSON

)";

absl::Status Publish(const CommandLine& command_line) {
  RETURN_IF_ERROR(NeedArguments(command_line, 1, "healthcontent publish FILE"));
  const std::string& file = command_line.positional()[0];
  ASSIGN_OR_RETURN(Client client, Connect(command_line, "publish"));
  std::string text;
  if (file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    ASSIGN_OR_RETURN(text, importers::ReadFile(file));
  }
  v1::PublishArticleRevisionRequest request;
  RETURN_IF_ERROR(importers::ParseInterchangeJson(text, file == "-" ? "stdin" : file, &request));
  if (command_line.Has("request-id")) request.set_request_id(command_line.Get("request-id"));
  // Publish times are stored to the microsecond, rounded down.
  const absl::Time started = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
  v1::Article article;
  auto context = client.Context();
  RETURN_IF_ERROR(
      client.Check(client.articles->PublishArticleRevision(context.get(), request, &article)));
  if (command_line.Has("json")) {
    PrintOut(MessageJson(article));
    return absl::OkStatus();
  }
  const std::string revision = absl::StrCat(article.name(), "/revisions/", article.revision_id());
  if (ToTime(article.publish_time()) < started) {
    PrintOut(absl::StrCat("unchanged: ", revision, " was already published with this content at ",
                          TimestampText(article.publish_time()), "\n"));
  } else if (article.scheduled()) {
    PrintOut(
        absl::StrCat("scheduled ", revision, ": it takes effect on ", article.revision_id(), "\n"));
  } else {
    PrintOut(absl::StrCat("published ", revision, " (etag ", article.etag(), ")\n"));
  }
  return absl::OkStatus();
}

// withdraw -------------------------------------------------------------------

constexpr char kWithdrawUsage[] = R"(Usage: healthcontent withdraw NAME [--reason=TEXT] [--json]

Withdraws articles/{slug}: reads of it give NOT_FOUND from then on; its
history stays readable with an admin token. Needs an admin token.

  --reason=TEXT   why, kept with the article's history
  --json          prints {} on success

)";

absl::Status Withdraw(const CommandLine& command_line) {
  RETURN_IF_ERROR(NeedArguments(command_line, 1, "healthcontent withdraw NAME"));
  ASSIGN_OR_RETURN(Client client, Connect(command_line, "withdraw"));
  v1::WithdrawArticleRequest request;
  request.set_name(command_line.positional()[0]);
  request.set_reason(command_line.Get("reason"));
  google::protobuf::Empty empty;
  auto context = client.Context();
  RETURN_IF_ERROR(client.Check(client.articles->WithdrawArticle(context.get(), request, &empty)));
  PrintOut(command_line.Has("json") ? MessageJson(empty)
                                    : absl::StrCat("withdrew ", request.name(), "\n"));
  return absl::OkStatus();
}

template <absl::Status (*command)(const CommandLine&)>
int Run(const CommandLine& command_line) {
  return Finish(command(command_line));
}

int RunTherapyTypes(const CommandLine& command_line) {
  if (!command_line.positional().empty() && command_line.positional()[0] == "upsert") {
    return UpsertTherapyTypeFiles(command_line);
  }
  return Finish(TherapyTypes(command_line));
}

}  // namespace

std::vector<CommandSpec> RemoteCommands() {
  auto usage = [](const char* text) { return absl::StrCat(text, kRemoteFlagsHelp); };
  return {
      {"get", "show an article (in force today, on a day, or one revision)", usage(kGetUsage),
       Flags({{"as-of", true}, {"lang", true}, {"no-fallback", false}}), &Run<Get>},
      {"list", "list articles, filtered and ordered", usage(kListUsage),
       Flags({{"filter", true},
              {"order-by", true},
              {"page-size", true},
              {"page-token", true},
              {"all-pages", false}}),
       &Run<List>},
      {"revisions", "list the revisions of an article", usage(kRevisionsUsage), Flags({}),
       &Run<Revisions>},
      {"diff", "show what changed between two revisions", usage(kDiffUsage), Flags({}), &Run<Diff>},
      {"search", "full-text search of the articles in force", usage(kSearchUsage),
       Flags({{"filter", true}, {"page-size", true}, {"page-token", true}, {"all-pages", false}}),
       &Run<Search>},
      {"changes", "print (or --follow) the change feed", usage(kChangesUsage),
       Flags({{"since", true}, {"page-size", true}, {"follow", false}}), &Run<Changes>},
      {"therapy-types", "list therapy types, show one, or upsert them from files",
       usage(kTherapyTypesUsage), Flags({{"db", true}}), &RunTherapyTypes},
      {"lookup", "find articles by clinical code (ICD-10-CM, SNOMED CT, ...)", usage(kLookupUsage),
       Flags({{"code", true},
              {"as-of", true},
              {"lang", true},
              {"audience", true},
              {"max-results", true}}),
       &Run<Lookup>},
      {"publish", "publish a revision from an interchange JSON file", usage(kPublishUsage),
       Flags({{"request-id", true}}), &Run<Publish>},
      {"withdraw", "withdraw an article (admin)", usage(kWithdrawUsage), Flags({{"reason", true}}),
       &Run<Withdraw>},
  };
}

}  // namespace healthcontent::cli

#!/usr/bin/env bash
# The HTTP face (--http_listen) end to end, with real clients: buf curl
# --protocol connect for every RPC of every service (unary and streaming,
# reads and authenticated writes), curl for Connect GETs, the resource GETs,
# conditional requests, caching headers, CORS and hostile input, and npm's
# Connect client (tests/e2e/connect_client/). Every check asserts the exact
# status, field or message.
#
# Usage: tests/e2e/http_face_test.sh SOURCE_DIR BINARY_DIR   (ctest runs it: tier e2e)
set -euo pipefail
src=$(cd "$1" && pwd)
bin=$(cd "$2" && pwd)
buf="$src/.tools/buf/node_modules/.bin/buf"
schema="$bin/proto/healthcontent.binpb"

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }
# expect NAME ACTUAL EXPECTED
expect() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: got [$2], want [$3]"; fi
}

# Tokens: an admin (every write) and nothing else.
admin=$("$bin/src/healthcontent" token new --role=admin --json)
token=$(jq -r .token <<<"$admin")
jq -r .tokens_file_line <<<"$admin" >"$work/tokens"

"$bin/src/healthcontent-server" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 \
  --db="$work/hc.db" --bootstrap_dir="$src/data" --auth_tokens_file="$work/tokens" \
  --http_cors_origins=https://portal.example --max_watch_streams_per_client=2 --http_io_timeout=2s \
  --http_max_age=2s --article_url_template='https://portal.example/articles/{slug}' \
  --rpc_log_sample=0 2>"$work/server.log" &
server_pid=$!
http_port=
for _ in $(seq 1 300); do
  http_port=$(sed -n 's/.*"msg":"serving".*"http_port":"\([0-9]*\)".*/\1/p' "$work/server.log" | head -1)
  [ -n "$http_port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log" >&2; exit 1; fi
  sleep 0.1
done
[ -n "$http_port" ] || { cat "$work/server.log" >&2; echo "no serving line" >&2; exit 1; }
base="http://127.0.0.1:$http_port"
svc="$base/healthcontent.v1"

# connect SERVICE/METHOD BODY [TOKEN]: buf curl --protocol connect; the answer
# in $work/out.json, the error (if any) in $work/err.json; returns its exit code.
connect() {
  local auth=()
  if [ -n "${3:-}" ]; then auth=(-H "Authorization: Bearer $3"); fi
  "$buf" curl --protocol connect --schema "$schema" "${auth[@]}" -d "$2" "$svc.$1" \
    >"$work/out.json" 2>"$work/err.json"
}

echo "--- buf curl --protocol connect, every RPC"
connect ChangeService/ListChanges '{"since":"0"}'
expect "ListChanges: the 14 changes of data/" "$(jq '.changes | length' "$work/out.json")" 14
connect ArticleService/GetArticle '{"name":"articles/biological-therapy-for-cancer"}'
expect "GetArticle revision" "$(jq -r .revisionId "$work/out.json")" 2023-05-19
etag=$(jq -r .etag "$work/out.json")
connect ArticleService/GetArticleRevision \
  '{"name":"articles/biological-therapy-for-cancer/revisions/2023-05-19","view":"ARTICLE_VIEW_BASIC"}'
expect "GetArticleRevision title" "$(jq -r .title "$work/out.json")" "Biological therapy for cancer"
connect ArticleService/ListArticles '{"pageSize":1}'
expect "ListArticles one article" "$(jq -r '.articles[0].name' "$work/out.json")" \
  articles/biological-therapy-for-cancer
connect ArticleService/SearchArticles '{"query":"immune"}'
expect "SearchArticles hit" "$(jq -r '.results[0].article.name' "$work/out.json")" \
  articles/biological-therapy-for-cancer
connect ArticleService/ListArticleRevisions '{"parent":"articles/biological-therapy-for-cancer"}'
expect "ListArticleRevisions" "$(jq -r '[.revisions[].revisionId] | join(",")' "$work/out.json")" 2023-05-19
connect TherapyTypeService/GetTherapyType '{"name":"therapyTypes/cytokine-therapy"}'
expect "GetTherapyType" "$(jq -r .displayName "$work/out.json")" "Cytokine therapy"
connect TherapyTypeService/ListTherapyTypes '{"pageSize":100}'
expect "ListTherapyTypes" "$(jq '.therapyTypes | length' "$work/out.json")" 13
connect ReferenceService/ListReferences '{"pageSize":1}'
reference=$(jq -r '.references[0].name' "$work/out.json")
connect ReferenceService/GetReference "{\"name\":\"$reference\"}"
expect "GetReference" "$(jq -r .name "$work/out.json")" "$reference"
connect KnowledgeService/RetrieveKnowledge \
  '{"criteria":[{"coding":{"system":"2.16.840.1.113883.6.90","code":"Z51.12"}}]}'
expect "RetrieveKnowledge by ICD-10-CM OID" "$(jq -r '.results[0].matches[0].article' "$work/out.json")" \
  articles/biological-therapy-for-cancer

# Writes: refused without a token, done with one.
if connect TherapyTypeService/UpsertTherapyType \
     '{"therapyType":{"name":"therapyTypes/cytokine-therapy","displayName":"Cytokine therapy (cytokines)"}}'; then
  fail "UpsertTherapyType without a token succeeded"
else
  expect "UpsertTherapyType without a token" "$(jq -r .code "$work/err.json")" unauthenticated
fi
connect TherapyTypeService/UpsertTherapyType \
  "$(jq -c '.therapyType.displayName = "Cytokine therapy (cytokines)" | {therapyType}' \
     "$src/data/therapy-types/cytokine-therapy.json")" "$token"
expect "UpsertTherapyType" "$(jq -r .displayName "$work/out.json")" "Cytokine therapy (cytokines)"
jq -c '.article.reviewDate = {"year":2024,"month":5,"day":19} | .requestId = "http-face-test-1"' \
  "$src/data/articles/biological-therapy-for-cancer/2023-05-19.json" >"$work/publish.json"
connect ArticleService/PublishArticleRevision "@$work/publish.json" "$token"
expect "PublishArticleRevision" "$(jq -r .revisionId "$work/out.json")" 2024-05-19
connect ArticleService/DiffArticleRevisions \
  '{"name":"articles/biological-therapy-for-cancer","fromRevision":"2023-05-19","toRevision":"2024-05-19"}'
expect "DiffArticleRevisions" "$(jq -r '.toRevision' "$work/out.json")" 2024-05-19
connect KnowledgeService/SetArticleCodes \
  '{"name":"articles/biological-therapy-for-cancer","codes":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"Z51.12"}]}' \
  "$token"
expect "SetArticleCodes" "$(jq -r '.codes[0].code' "$work/out.json")" Z51.12
connect KnowledgeService/ListArticleCodings '{"parent":"articles/biological-therapy-for-cancer"}'
expect "ListArticleCodings newest first" "$(jq -r '.codings[0].source' "$work/out.json")" \
  "$(jq -r '.codings[0].source' "$work/out.json" | grep -x 'SetArticleCodes\|.*set.*codes.*' || echo missing)"

# The stream: from sequence 14 on, buf curl reads messages until we stop it.
timeout 5 "$buf" curl --protocol connect --schema "$schema" -d '{"since":"13"}' \
  "$svc.ChangeService/WatchChanges" >"$work/watch.json" 2>"$work/watch.err" || true
expect "WatchChanges from 13: the seed revision first" \
  "$(jq -rs '.[0] | "\(.sequence) \(.kind) \(.revisionId)"' "$work/watch.json")" \
  "14 REVISION_PUBLISHED 2023-05-19"
expect "WatchChanges: then the writes above, in order" \
  "$(jq -rs '[.[].kind] | join(",")' "$work/watch.json")" \
  "REVISION_PUBLISHED,THERAPY_TYPE_CHANGED,REVISION_PUBLISHED,ARTICLE_CODES_CHANGED"

echo "--- resource GETs and HTTP caching (curl)"
curl -sS -D "$work/h" -o "$work/b" "$base/v1/articles/biological-therapy-for-cancer/revisions/2023-05-19"
expect "revision GET status" "$(head -1 "$work/h" | tr -d '\r')" "HTTP/1.1 200 OK"
# Fresh until midnight UTC (review_status and scheduled are computed for
# today), 5 minutes in shared caches.
until_midnight=$(( $(date -u -d 'tomorrow 00:00' +%s) - $(date -u +%s) ))
control=$(grep -i '^cache-control:' "$work/h" | tr -d '\r')
if [[ "$control" =~ ^Cache-Control:\ public,\ max-age=([0-9]+),\ s-maxage=([0-9]+)$ ]] &&
   ((BASH_REMATCH[1] <= until_midnight && BASH_REMATCH[1] >= until_midnight - 5)) &&
   ((BASH_REMATCH[2] == (until_midnight < 300 ? BASH_REMATCH[1] : 300))); then
  pass "revision GET: $control (fresh until midnight UTC)"
else
  fail "revision GET Cache-Control: [$control], $until_midnight s to midnight"
fi
day_etag="$etag.$(date -u +%F)"
expect "revision GET ETag: the etag and the day" "$(grep -i '^etag:' "$work/h" | tr -d '\r')" "ETag: \"$day_etag\""
expect "revision GET body" "$(jq -r .revisionId "$work/b")" 2023-05-19
rm -f "$work/b"  # curl writes no file for an empty body
code=$(curl -sS -o "$work/b" -w '%{http_code}' -H "If-None-Match: \"$day_etag\"" \
  "$base/v1/articles/biological-therapy-for-cancer/revisions/2023-05-19")
touch "$work/b"
expect "If-None-Match: 304 without a body" "$code $(wc -c <"$work/b")" "304 0"
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "If-None-Match: \"$etag.2020-01-01\"" \
  "$base/v1/articles/biological-therapy-for-cancer/revisions/2023-05-19")
expect "If-None-Match from another day: 200 (review status may have changed)" "$code" 200
curl -sS -I -o "$work/h" "$base/v1/articles/biological-therapy-for-cancer/revisions/2023-05-19"
expect "HEAD: the headers of the GET, no body" \
  "$(head -1 "$work/h" | tr -d '\r') $(grep -ci '^etag:' "$work/h")" "HTTP/1.1 200 OK 1"
code=$(curl -sS -o "$work/b" -w '%{http_code}' --get -d encoding=json \
  --data-urlencode "message={\"name\":\"articles/biological-therapy-for-cancer/revisions/2023-05-19\",\"ifNoneMatch\":\"$etag\"}" \
  "$svc.ArticleService/GetArticleRevision")
expect "if_none_match in the message of an unconditional GET: 200 with notModified" \
  "$code $(jq -r .notModified "$work/b")" "200 true"
curl -sS -D "$work/h" -o "$work/b" "$base/v1/articles/biological-therapy-for-cancer"
expect "in-force GET is the new review" "$(jq -r .revisionId "$work/b")" 2024-05-19
max_age=$(sed -n 's/^Cache-Control: public, max-age=\([0-9]*\)\r$/\1/p' "$work/h")
if [ -n "$max_age" ] && [ "$max_age" -ge 1 ] && [ "$max_age" -le 60 ]; then
  pass "in-force GET max-age $max_age (at most 60 s, never past midnight UTC)"
else
  fail "in-force GET Cache-Control: $(grep -i '^cache-control' "$work/h")"
fi
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "If-None-Match: \"$etag\"" \
  "$base/v1/articles/biological-therapy-for-cancer")
expect "If-None-Match with the superseded etag is a 200" "$code" 200
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "If-None-Match: \"$etag.$(date -u +%F)\"" \
  "$base/v1/articles/biological-therapy-for-cancer")
expect "If-None-Match with the superseded etag and today is a 200 too" "$code" 200
curl -sS -D "$work/h" -o /dev/null -H "Authorization: Bearer $token" \
  "$base/v1/articles/biological-therapy-for-cancer/revisions/2023-05-19"
expect "with a token the answer is private" \
  "$(grep -i '^cache-control:' "$work/h" | tr -d '\r' | sed 's/max-age=[0-9]*/max-age=N/')" \
  "Cache-Control: private, max-age=N"
curl -sS -o "$work/b" --get --data-urlencode 'filter=therapy_type = "therapyTypes/cytokine-therapy" AND review_date >= 2024-01-01' \
  -d pageSize=1 "$base/v1/articles"
expect "list with filter and pageSize" "$(jq -r '.articles | length' "$work/b")" 1
curl -sS -o "$work/b" "$base/v1/therapyTypes?page_size=2"
expect "therapy types page" "$(jq -r '.therapyTypes | length' "$work/b")" 2
curl -sS -o "$work/b" "$base/v1/articles:search?query=immune"
expect "search GET" "$(jq -r '.results[0].article.name' "$work/b")" articles/biological-therapy-for-cancer
curl -sS -o "$work/b" "$base/v1/articles/biological-therapy-for-cancer?as_of=2023-06-01&view=ARTICLE_VIEW_BASIC"
expect "as_of picks the revision in force then" "$(jq -r .revisionId "$work/b")" 2023-05-19

echo "--- Connect GET (curl --get)"
code=$(curl -sS -o "$work/b" -w '%{http_code}' --get -d connect=v1 -d encoding=json \
  --data-urlencode 'message={"name":"articles/biological-therapy-for-cancer","view":"ARTICLE_VIEW_BASIC"}' \
  "$svc.ArticleService/GetArticle")
expect "Connect GET" "$code $(jq -r .revisionId "$work/b")" "200 2024-05-19"
message=$(printf '\x0a\x26articles/biological-therapy-for-cancer' | base64 -w0 | tr '+/' '-_' | tr -d '=')
code=$(curl -sS -o "$work/b" -w '%{http_code}' \
  "$svc.ArticleService/GetArticle?connect=v1&encoding=proto&base64=1&message=$message")
expect "Connect GET, binary in base64url" "$code" 200

echo "--- errors: the right status, a Connect error naming the problem"
# errcheck NAME EXPECTED_STATUS EXPECTED_CODE EXPECTED_MESSAGE CURL_ARGS...
errcheck() {
  local name=$1 status=$2 code=$3 message=$4
  shift 4
  local got
  got=$(curl -sS -o "$work/b" -w '%{http_code}' "$@")
  expect "$name" "$got $(jq -r .code "$work/b" 2>/dev/null) $(jq -r .message "$work/b" 2>/dev/null)" \
    "$status $code $message"
}
errcheck "unknown article" 404 not_found "articles/nope does not exist" "$base/v1/articles/nope"
# Languages: Accept-Language fills language_codes; this database has no
# translation, so the English article comes back flagged as a fallback.
curl -sS -D "$work/h" -o "$work/b" -H 'Accept-Language: es-MX, es;q=0.9' \
  "$base/v1/articles/biological-therapy-for-cancer"
expect "Accept-Language without a translation: the source, flagged" \
  "$(jq -r '.languageCode + " " + (.languageFallback|tostring)' "$work/b") $(grep -i '^content-language:' "$work/h" | tr -d '\r')" \
  "en true Content-Language: en"
expect "an article GET varies with Accept-Language" \
  "$(grep -i '^vary:' "$work/h" | tr -d '\r' | grep -c 'Accept-Language')" 1
errcheck "no fallback wanted" 404 not_found \
  "articles/biological-therapy-for-cancer has no translation in force on $(date -u +%F) in es (available: en), and no_language_fallback refuses the others" \
  "$base/v1/articles/biological-therapy-for-cancer?languageCodes=es&noLanguageFallback=true"
errcheck "a malformed language" 400 invalid_argument \
  'language_codes[0]: "e" is not a BCP-47 language tag like "es" or "en-US"' \
  "$base/v1/articles/biological-therapy-for-cancer?language_codes=e"
errcheck "bad query value" 400 invalid_argument \
  'query parameter page_size: must be a whole number, got "x"' "$base/v1/articles?page_size=x"
errcheck "unknown query parameter" 400 invalid_argument \
  'query parameter colour: healthcontent.v1.ListArticlesRequest has no field "colour"' \
  "$base/v1/articles?colour=red"
errcheck "path traversal" 404 not_found \
  "no such route: /v1/articles/../etc/passwd; Connect calls are POST /healthcontent.v1.<Service>/<Method>, resource reads GET /v1/..." \
  --path-as-is "$base/v1/articles/../etc/passwd"
errcheck "malformed name" 400 invalid_argument 'name: must look like "articles/{id}", got "bad name"' \
  -H 'Content-Type: application/json' -d '{"name":"bad name"}' "$svc.ArticleService/GetArticle"
expect "malformed name: BadRequest detail" \
  "$(jq -r '.details[0].type + " " + .details[0].debug.fieldViolations[0].field' "$work/b")" \
  "google.rpc.BadRequest name"
errcheck "malformed JSON" 400 invalid_argument \
  "request body: not a valid JSON healthcontent.v1.GetArticleRequest: Unexpected end of string. Expected a value." \
  -H 'Content-Type: application/json' -d '{"name":' "$svc.ArticleService/GetArticle"
errcheck "misspelt field" 400 invalid_argument \
  'request body: not a valid JSON healthcontent.v1.GetArticleRequest: nmae: Cannot find field.' \
  -H 'Content-Type: application/json' -d '{"nmae":"x"}' "$svc.ArticleService/GetArticle"
errcheck "unsupported codec" 415 invalid_argument \
  'Content-Type "text/plain" is not supported by /healthcontent.v1.ArticleService/GetArticle; send application/json or application/proto' \
  -H 'Content-Type: text/plain' -d x "$svc.ArticleService/GetArticle"
errcheck "GET on a write" 405 unimplemented \
  "/healthcontent.v1.ArticleService/PublishArticleRevision has side effects: use POST" \
  -g "$svc.ArticleService/PublishArticleRevision?encoding=json&message={}"
errcheck "write without a token" 401 unauthenticated \
  'this method needs the publisher role: send metadata "authorization: Bearer <token>"' \
  -H 'Content-Type: application/json' -d @"$work/publish.json" "$svc.ArticleService/PublishArticleRevision"
errcheck "bad timeout" 400 invalid_argument 'Connect-Timeout-Ms: must be 1 to 10 digits of milliseconds, got "soon"' \
  -H 'Content-Type: application/json' -H 'Connect-Timeout-Ms: soon' -d '{}' "$svc.ArticleService/GetArticle"
errcheck "unsupported compression" 501 unimplemented \
  'content encoding "gzip" is not supported; supported: identity' \
  -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' -d '{}' "$svc.ArticleService/GetArticle"
head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$work/big"
errcheck "oversize body" 429 resource_exhausted \
  "request body: larger than the server's limit (--max_message_bytes)" \
  -H 'Content-Type: application/json' --data-binary @"$work/big" "$svc.ArticleService/GetArticle"
errcheck "a token with a control byte (civetweb refuses the header)" 400 invalid_argument \
  "the request line and headers are malformed or larger than the server accepts (16 KiB)" \
  -H $'Authorization: Bearer \x01x' "$base/v1/therapyTypes"
errcheck "a token with non-ASCII bytes" 400 invalid_argument "authorization: must be printable ASCII" \
  -H $'Authorization: Bearer \xc3\xa9' "$base/v1/therapyTypes"
# A body cut short: Content-Length 100, 20 bytes, then nothing: after
# --http_io_timeout the server answers 400 and does nothing with the part.
exec 3<>"/dev/tcp/127.0.0.1/$http_port"
printf 'POST /healthcontent.v1.ArticleService/GetArticle HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":"articles/bi' >&3
answer=$(timeout 8 cat <&3 || true)
exec 3<&-
if [[ "$answer" == "HTTP/1.1 400 "* ]] &&
   [[ "$answer" == *'"message":"request body: shorter than its Content-Length (the connection ended or timed out); nothing was done"'* ]]; then
  pass "a body shorter than its Content-Length is refused, not acted on"
else
  fail "truncated body answered [$answer]"
fi
errcheck "unknown route" 404 not_found \
  "no such route: /nope; Connect calls are POST /healthcontent.v1.<Service>/<Method>, resource reads GET /v1/..." \
  "$base/nope"
long=$(head -c 20000 /dev/zero | tr '\0' 'a')
errcheck "oversized request line" 400 invalid_argument \
  "the request line and headers are malformed or larger than the server accepts (16 KiB)" \
  "$base/v1/articles?filter=$long"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$base/v1/articles/biological-therapy-for-cancer")
expect "the server still serves after all that" "$code" 200

echo "--- Infobutton, as MedlinePlus Connect's clients call it"
ib="$base/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=z51.12"
ib+="&mainSearchCriteria.v.dn=Encounter+for+antineoplastic+immunotherapy&informationRecipient=PAT"
ib+="&informationRecipient.languageCode.c=sp&knowledgeResponseType=application/json"
curl -sS -D "$work/h" -o "$work/feed.json" "$ib"
expect "Infobutton JSON: the fields clients read" \
  "$(jq -r '.feed.entry[0] | [.title._value, .link[0].href, .link[0].rel, .updated._value] | join(" | ")' "$work/feed.json")" \
  "Biological therapy for cancer | https://portal.example/articles/biological-therapy-for-cancer | alternate | 2024-05-19T00:00:00Z"
expect "Infobutton JSON: summary as HTML" "$(jq -r '.feed.entry[0].summary | "\(.type) \(._value | startswith("<p>Biological therapy"))"' "$work/feed.json")" \
  "html true"
expect "Infobutton JSON: the request echoed in category, sp as es" \
  "$(jq -r '([.feed.category[] | "\(.scheme)=\(.term)"] | join(",")) + " lang=" + .feed.lang' "$work/feed.json")" \
  "mainSearchCriteria.v.c=z51.12,mainSearchCriteria.v.cs=ICD10CM,mainSearchCriteria.v.dn=Encounter for antineoplastic immunotherapy,informationRecipient=PAT lang=es"
expect "Infobutton JSON: subtitle and id" \
  "$(jq -r '.feed.subtitle._value + " | " + (.feed.entry[0].id._value)' "$work/feed.json")" \
  "health-content results for ICD-10-CM z51.12 | https://portal.example/articles/biological-therapy-for-cancer"
expect "Infobutton content type" "$(grep -i '^content-type:' "$work/h" | tr -d '\r')" "Content-Type: application/json"
curl -sS -o "$work/feed.xml" -H 'Accept: text/xml' \
  "$base/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=Z51.12"
expect "Infobutton Atom (the default)" \
  "$(grep -o '<link href="[^"]*" rel="alternate"' "$work/feed.xml" | head -1)" \
  '<link href="https://portal.example/articles/biological-therapy-for-cancer" rel="alternate"'
curl -sS -o "$work/feed.js" \
  "$base/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=Z51.12&knowledgeResponseType=application/javascript&callback=portal.show"
expect "Infobutton JSONP" "$(head -c 17 "$work/feed.js")" 'portal.show({"fee'
curl -sS -o "$work/empty.json" -H 'Accept: application/json' \
  "$base/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=R51.9"
expect "Infobutton: no match is an empty feed" "$(jq -c '.feed.entry' "$work/empty.json")" "[]"
errcheck "Infobutton: a hostile callback" 400 invalid_argument \
  "callback: \"alert(1)//\" is not a JavaScript function name: 1-64 letters, digits, '_', '\$' and '.', not starting with a digit or '.'" \
  -g "$base/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=Z51.12&knowledgeResponseType=application/javascript&callback=alert(1)//"
expect "Infobutton: the hostile callback is named" "$(jq -r '.details[0].debug.fieldViolations[0].field' "$work/b")" callback
errcheck "Infobutton: no code" 400 invalid_argument \
  "mainSearchCriteria.v.c: is required: the code to find education for, e.g. mainSearchCriteria.v.c=G93.32&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90" \
  "$base/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
expect "Infobutton: the missing code is named" "$(jq -r '.details[0].debug.fieldViolations[0].field' "$work/b")" \
  mainSearchCriteria.v.c

echo "--- slow clients"
# Half a request, then nothing: the server hangs up after --http_io_timeout.
start=$(date +%s%N)
exec 3<>"/dev/tcp/127.0.0.1/$http_port"
printf 'GET /v1/articles HTTP/1.1\r\nHost: x\r\n' >&3
answer=$(timeout 10 cat <&3 || echo "still open after 10 s")
exec 3<&-
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
if [ "$elapsed_ms" -ge 1500 ] && [ "$elapsed_ms" -lt 6000 ] && [[ "$answer" != *"still open"* ]]; then
  pass "a slowloris request is cut after ${elapsed_ms} ms (--http_io_timeout=2s)"
else
  fail "slowloris: ${elapsed_ms} ms, answer [$answer]"
fi
code=$(curl -sS -o /dev/null -w '%{http_code}' "$base/v1/therapyTypes")
expect "others are served meanwhile and after" "$code" 200

echo "--- CORS"
curl -sS -D "$work/h" -o /dev/null -X OPTIONS -H 'Origin: https://portal.example' \
  -H 'Access-Control-Request-Method: POST' "$svc.ArticleService/GetArticle"
expect "preflight from an allowed origin" \
  "$(head -1 "$work/h" | tr -d '\r') / $(grep -i '^access-control-allow-origin:' "$work/h" | tr -d '\r')" \
  "HTTP/1.1 204 No Content / Access-Control-Allow-Origin: https://portal.example"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X OPTIONS -H 'Origin: https://evil.example' \
  "$svc.ArticleService/GetArticle")
expect "preflight from another origin" "$code" 403
curl -sS -D "$work/h" -o /dev/null -H 'Origin: https://evil.example' "$base/v1/therapyTypes"
expect "no CORS header for another origin" "$(grep -ci '^access-control-allow-origin' "$work/h" || true)" 0

echo "--- nginx in front, caching (deploy/nginx/http_face.conf.template)"
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  mkdir -p "$work/nginx/cache"
  # As root, nginx's workers run as nobody: they must reach their directories.
  chmod 755 "$work" "$work/nginx"
  chmod 777 "$work/nginx/cache"
  nginx_port=$((20000 + RANDOM % 30000))
  sed -e "s|@LISTEN@|127.0.0.1:$nginx_port|" -e "s|@UPSTREAM@|127.0.0.1:$http_port|" \
      -e "s|@RUN_DIR@|$work/nginx|" "$src/deploy/nginx/http_face.conf.template" >"$work/nginx/nginx.conf"
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log"
  nginx_url="http://127.0.0.1:$nginx_port"
  revision="$nginx_url/v1/articles/biological-therapy-for-cancer/revisions/2023-05-19"
  first=$(curl -sS -o /dev/null -D - "$revision" | sed -n 's/^X-Cache-Status: \(.*\)\r$/\1/p')
  second=$(curl -sS -o "$work/b" -D - "$revision" | sed -n 's/^X-Cache-Status: \(.*\)\r$/\1/p')
  [ "$second" = HIT ] || { cat "$work/b" "$work/nginx/error.log" "$work/nginx/http_face.error.log" >&2 || true; }
  expect "immutable revision: the second GET is a cache hit" "$first $second $(jq -r .revisionId "$work/b")" \
    "MISS HIT 2023-05-19"
  in_force="$nginx_url/v1/articles/biological-therapy-for-cancer"
  curl -sS -o /dev/null "$in_force"
  cached=$(curl -sS "$in_force" | jq -r .revisionId)
  # A stream through nginx, then a publish: the change arrives at once, and
  # the in-force read shows the new review once its max-age (2 s) is over.
  printf '\x00\x00\x00\x00\x0e{"since":"17"}' >"$work/env19"
  timeout 4 curl -sS -N -H 'Content-Type: application/connect+json' --data-binary @"$work/env19" \
    "$nginx_url/healthcontent.v1.ChangeService/WatchChanges" >"$work/nginx-stream" &
  stream_pid=$!
  sleep 0.5
  jq -c '.article.reviewDate = {"year":2025,"month":5,"day":19} | .requestId = "http-face-test-2"' \
    "$src/data/articles/biological-therapy-for-cancer/2023-05-19.json" >"$work/publish2.json"
  publish_ms=$(date +%s%3N)
  code=$(curl -sS -o "$work/b" -w '%{http_code}' -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" -d @"$work/publish2.json" \
    "$nginx_url/healthcontent.v1.ArticleService/PublishArticleRevision")
  expect "publish through nginx" "$code $(jq -r .revisionId "$work/b")" "200 2025-05-19"
  for _ in $(seq 1 20); do
    grep -q '2025-05-19' "$work/nginx-stream" 2>/dev/null && break
    sleep 0.1
  done
  arrived_ms=$(($(date +%s%3N) - publish_ms))
  if grep -q '"revisionId":"2025-05-19"' "$work/nginx-stream"; then
    pass "the stream through nginx delivered the new revision ${arrived_ms} ms after the publish"
  else
    fail "the stream through nginx did not deliver the publish: $(od -c "$work/nginx-stream" | head -5)"
  fi
  wait "$stream_pid" 2>/dev/null || true
  expect "in-force read before its max-age is over: the cached review" "$cached" 2024-05-19
  sleep 2.5
  expect "after max-age: the new review" "$(curl -sS "$in_force" | jq -r .revisionId)" 2025-05-19
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -s stop
else
  fail "nginx is not installed (scripts/install-deps installs it)"
fi

# (Run after the nginx part: a killed HTTP/1.1 client holds its stream's slot
# until the stream's next write or its 50 s idle end.)
echo "--- Connect streams through the face count against the per-client limit"
printf '\x00\x00\x00\x00\x0e{"since":"99"}' >"$work/env"
for i in 1 2; do
  curl -sS -N -H 'Content-Type: application/connect+json' --data-binary @"$work/env" \
    "$svc.ChangeService/WatchChanges" >/dev/null &
  eval "stream_$i=\$!"
done
sleep 1
curl -sS -o "$work/b" -H 'Content-Type: application/connect+json' --data-binary @"$work/env" \
  "$svc.ChangeService/WatchChanges"
expect "a third stream from 127.0.0.1 is refused in the end-stream message" \
  "$(tail -c +6 "$work/b" | jq -r .error.message)" \
  "client 127.0.0.1 already has 2 WatchChanges streams open, the limit per client (--max_watch_streams_per_client); close one first"
kill "$stream_1" "$stream_2" 2>/dev/null || true

echo "--- withdraw, then the resource is gone over HTTP"
connect ArticleService/WithdrawArticle '{"name":"articles/biological-therapy-for-cancer","reason":"test"}' "$token"
expect "WithdrawArticle" "$(cat "$work/out.json")" "{}"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$base/v1/articles/biological-therapy-for-cancer")
expect "withdrawn article" "$code" 404

echo "--- TLS is refused on the HTTP face, naming the way out"
if "$bin/src/healthcontent-server" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 --db="$work/tls.db" \
     --tls_cert="$work/none.pem" --tls_key="$work/none.pem" >"$work/tls.log" 2>&1; then
  fail "the server started an HTTP listener with --tls_cert"
elif grep -q 'the HTTP face serves plaintext only' "$work/tls.log"; then
  pass "--http_listen with --tls_cert stops the start, saying to terminate TLS in front"
else
  fail "TLS refusal: $(cat "$work/tls.log")"
fi

echo "--- npm's Connect client"
# A fresh server: the client expects data/ as it is.
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
server_pid=
rm -rf "$work"/hc.db*
"$bin/src/healthcontent-server" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 \
  --db="$work/hc.db" --bootstrap_dir="$src/data" --rpc_log_sample=0 2>"$work/server2.log" &
server_pid=$!
http_port=
for _ in $(seq 1 300); do
  http_port=$(sed -n 's/.*"msg":"serving".*"http_port":"\([0-9]*\)".*/\1/p' "$work/server2.log" | head -1)
  [ -n "$http_port" ] && break
  sleep 0.1
done
if CONNECT_ES_GEN="$bin/connect-es-gen" "$src/tests/e2e/connect_client/run.sh" \
     "http://127.0.0.1:$http_port" >"$work/node.out" 2>&1; then
  pass "npm Connect client: $(tail -1 "$work/node.out")"
else
  cat "$work/node.out" >&2
  fail "npm Connect client"
fi

if ((failures)); then
  echo "http_face_test: $failures failed; server log tail:" >&2
  tail -20 "$work/server.log" >&2
  exit 1
fi
echo "http_face_test: all passed"

#!/usr/bin/env node
// End-to-end check of the --http_listen Connect endpoint with the official
// Connect client (@connectrpc/connect-node over HTTP/1.1), against a server
// loaded with data/ and nothing else published since (the change feed must
// start with the 14 bootstrap changes).
//
// Usage: node client_test.mjs BASE_URL [GEN_DIR]
//   BASE_URL  e.g. http://127.0.0.1:8080
//   GEN_DIR   output of generate.sh (default: $CONNECT_ES_GEN, else
//             <repo>/build/connect-es-gen). run.sh does both steps.
//
// Each check runs over every wire format the server offers: Connect unary
// as POST application/proto and application/json, and as GET (the methods
// are NO_SIDE_EFFECTS) with encoding=proto and encoding=json; the server
// stream as application/connect+proto and application/connect+json.
// Prints "ok ..." or "FAIL ..." per check, then "N passed, N failed";
// exits 1 if any check failed.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { existsSync } from "node:fs";

const SEED = "articles/biological-therapy-for-cancer";
const SEED_REVISION = "2023-05-19";
const SEED_TITLE = "Biological therapy for cancer";
const BOOTSTRAP_CHANGES = 14; // 13 therapy types, then the seed revision
const CALL_TIMEOUT_MS = 10_000; // sent as Connect-Timeout-Ms on unary calls
const STREAM_TIMEOUT_MS = 20_000; // for the replayed changes to arrive
const WATCHDOG_MS = 180_000;

const [baseUrl, genArg] = process.argv.slice(2);
if (!baseUrl || !/^https?:\/\//.test(baseUrl)) {
  console.error("usage: node client_test.mjs BASE_URL [GEN_DIR]   (BASE_URL like http://127.0.0.1:8080)");
  process.exit(2);
}
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const genDir = resolve(genArg ?? process.env.CONNECT_ES_GEN ?? join(repoRoot, "build/connect-es-gen"));
if (!existsSync(join(genDir, "deps.js"))) {
  console.error(`client_test: no generated code in ${genDir}; run tests/e2e/connect_client/generate.sh ${genDir}`);
  process.exit(2);
}
const load = (rel) => import(pathToFileURL(join(genDir, rel)).href);

// The packages resolve from GEN_DIR (its node_modules links to
// .tools/connect-es/node_modules), so this script and the generated code
// share one copy of @bufbuild/protobuf and @connectrpc/connect.
const { connect, connectNode } = await load("deps.js");
const { createClient, ConnectError, Code } = connect;
const { createConnectTransport } = connectNode;
const { ArticleService } = await load("healthcontent/v1/article_service_pb.js");
const { ChangeService, Change_Kind } = await load("healthcontent/v1/change_service_pb.js");
const { BadRequestSchema } = await load("google/rpc/error_details_pb.js");

const watchdog = setTimeout(() => {
  console.error(`FAIL client_test: still running after ${WATCHDOG_MS / 1000} s (a call hangs?)`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

class Mismatch extends Error {}
function expect(cond, what) {
  if (!cond) throw new Mismatch(what);
}
function expectEq(actual, expected, what) {
  if (actual !== expected) {
    throw new Mismatch(`${what}: got ${fmt(actual)}, want ${fmt(expected)}`);
  }
}
function fmt(v) {
  return typeof v === "bigint" ? `${v}n` : JSON.stringify(v);
}
function codeName(code) {
  return Code[code] ?? String(code);
}
function describeError(e) {
  if (e instanceof ConnectError) return `ConnectError ${codeName(e.code)}: ${e.rawMessage}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
// Awaits a call that must fail with `code`; returns the ConnectError.
async function expectRejects(promise, code, what) {
  let result;
  try {
    result = await promise;
  } catch (e) {
    if (!(e instanceof ConnectError)) throw new Mismatch(`${what}: threw ${describeError(e)}, want a ConnectError`);
    if (e.code !== code) {
      throw new Mismatch(`${what}: code ${codeName(e.code)} (${e.rawMessage}), want ${codeName(code)}`);
    }
    return e;
  }
  throw new Mismatch(`${what}: succeeded (${result?.$typeName}), want ${codeName(code)}`);
}

let passed = 0;
let failed = 0;
async function check(label, fn) {
  try {
    const detail = await fn();
    passed++;
    console.log(`ok ${label}${detail ? ` (${detail})` : ""}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${label}: ${e instanceof Mismatch ? e.message : describeError(e)}`);
  }
}

function transport(format) {
  return createConnectTransport({
    baseUrl,
    httpVersion: "1.1",
    useBinaryFormat: format.binary,
    useHttpGet: format.get,
  });
}

const unaryFormats = [
  { name: "POST proto", binary: true, get: false },
  { name: "POST json", binary: false, get: false },
  { name: "GET proto", binary: true, get: true },
  { name: "GET json", binary: false, get: true },
];
const streamFormats = [
  { name: "connect+proto", binary: true, get: false },
  { name: "connect+json", binary: false, get: false },
];

for (const format of unaryFormats) {
  const articles = createClient(ArticleService, transport(format));
  const opts = { timeoutMs: CALL_TIMEOUT_MS };

  await check(`GetArticle [${format.name}] ${SEED}`, async () => {
    const a = await articles.getArticle({ name: SEED }, opts);
    expectEq(a.$typeName, "healthcontent.v1.Article", "message type");
    expectEq(a.name, SEED, "name");
    expectEq(a.revisionId, SEED_REVISION, "revisionId");
    expectEq(a.title, SEED_TITLE, "title");
    expectEq(typeof a.etag, "string", "typeof etag");
    expectEq(a.etag.length, 20, `etag ${fmt(a.etag)} length`);
    return `etag ${a.etag}`;
  });

  await check(`GetArticle [${format.name}] articles/no-such-article -> NotFound`, async () => {
    const e = await expectRejects(
      articles.getArticle({ name: "articles/no-such-article" }, opts), Code.NotFound, "GetArticle");
    return e.rawMessage;
  });

  await check(`GetArticle [${format.name}] "bad name!" -> InvalidArgument with BadRequest{name}`, async () => {
    const e = await expectRejects(articles.getArticle({ name: "bad name!" }, opts), Code.InvalidArgument, "GetArticle");
    const bad = e.findDetails(BadRequestSchema);
    const raw = e.details.map((d) => ("type" in d ? d.type : d.desc.typeName));
    expect(bad.length === 1, `want one google.rpc.BadRequest detail, got ${bad.length} (detail types: ${fmt(raw)}; ` +
      `a type must be the bare name "google.rpc.BadRequest", without type.googleapis.com/)`);
    const fields = bad[0].fieldViolations.map((v) => v.field);
    expect(fields.includes("name"), `field violations ${fmt(fields)} do not include "name"`);
    return `${e.rawMessage}; violations ${fmt(fields)}`;
  });
}

for (const format of streamFormats) {
  const changes = createClient(ChangeService, transport(format));

  await check(`WatchChanges [${format.name}] since=0: sequences 1..${BOOTSTRAP_CHANGES}, then abort`, async () => {
    const abort = new AbortController();
    const got = [];
    let ended = "";
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; abort.abort(); }, STREAM_TIMEOUT_MS);
    try {
      for await (const change of changes.watchChanges({ since: 0n }, { signal: abort.signal })) {
        if (abort.signal.aborted) continue; // already decoded before the abort
        got.push(change);
        if (got.length === BOOTSTRAP_CHANGES) abort.abort();
      }
      ended = "the stream ended by itself";
    } catch (e) {
      if (!(e instanceof ConnectError) || e.code !== Code.Canceled || !abort.signal.aborted) {
        throw new Mismatch(`stream failed after ${got.length} changes: ${describeError(e)}`);
      }
    } finally {
      clearTimeout(timer);
    }
    expect(!timedOut, `only ${got.length} changes within ${STREAM_TIMEOUT_MS / 1000} s ` +
      "(does the server write and flush each envelope as it goes?)");
    expect(got.length === BOOTSTRAP_CHANGES, `${ended || "stream stopped"} after ${got.length} changes, want ${BOOTSTRAP_CHANGES}`);
    expect(!ended, `${ended} (end-stream message) instead of staying open until aborted`);
    got.forEach((c, i) => expectEq(c.sequence, BigInt(i + 1), `change ${i} sequence`));
    expectEq(got[0].kind, Change_Kind.THERAPY_TYPE_CHANGED, "change 1 kind");
    expectEq(got[0].resource, "therapyTypes/adoptive-cell-transfer", "change 1 resource");
    const seed = got[BOOTSTRAP_CHANGES - 1];
    expectEq(seed.kind, Change_Kind.REVISION_PUBLISHED, `change ${BOOTSTRAP_CHANGES} kind`);
    expectEq(seed.resource, SEED, `change ${BOOTSTRAP_CHANGES} resource`);
    expectEq(seed.revisionId, SEED_REVISION, `change ${BOOTSTRAP_CHANGES} revisionId`);
    expectEq(seed.etag.length, 20, `change ${BOOTSTRAP_CHANGES} etag length`);
    return "aborted: Canceled";
  });

  await check(`WatchChanges [${format.name}] since=${BOOTSTRAP_CHANGES - 1} resumes at ${BOOTSTRAP_CHANGES}`, async () => {
    const abort = new AbortController();
    let first;
    const timer = setTimeout(() => abort.abort(), STREAM_TIMEOUT_MS);
    try {
      for await (const change of changes.watchChanges({ since: BigInt(BOOTSTRAP_CHANGES - 1) }, { signal: abort.signal })) {
        first ??= change;
        abort.abort();
      }
    } catch (e) {
      if (!(e instanceof ConnectError) || e.code !== Code.Canceled || !abort.signal.aborted) {
        throw new Mismatch(`stream failed: ${describeError(e)}`);
      }
    } finally {
      clearTimeout(timer);
    }
    expect(first !== undefined, `no change received within ${STREAM_TIMEOUT_MS / 1000} s`);
    expectEq(first.sequence, BigInt(BOOTSTRAP_CHANGES), "first sequence");
    expectEq(first.resource, SEED, "first resource");
  });
}

// The server must still answer after the aborted streams (their sockets were
// destroyed mid-response).
await check("GetArticle after aborted streams", async () => {
  const a = await createClient(ArticleService, transport(unaryFormats[0])).getArticle(
    { name: SEED }, { timeoutMs: CALL_TIMEOUT_MS });
  expectEq(a.revisionId, SEED_REVISION, "revisionId");
});

console.log(`${passed} passed, ${failed} failed`);
if (failed > 0) {
  console.error(`client_test: ${failed} check(s) failed against ${baseUrl}`);
}
process.exit(failed > 0 ? 1 : 0);

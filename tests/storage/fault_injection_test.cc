// I/O errors during publishes, injected by a SQLite VFS shim that fails
// writes on demand: the publish fails visibly, reads keep working from what
// is committed, publishing works again afterwards and nothing is corrupt.
#include <sqlite3.h>

#include <atomic>

#include "absl/time/clock.h"
#include "common/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importers/data_dir.h"
#include "storage/article_store.h"
#include "storage/storage.h"
#include "storage/therapy_type_store.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::storage {
namespace {

// ---- A pass-through VFS ("faulty") whose writes and syncs fail while
// g_fail_writes is set.
std::atomic<bool> g_fail_writes{false};
sqlite3_vfs* g_real_vfs = nullptr;

struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;  // points just past this struct, inside the same allocation
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<FaultyFile*>(f)->real; }

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (g_fail_writes.load()) return SQLITE_IOERR_WRITE;
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  if (g_fail_writes.load()) return SQLITE_IOERR_FSYNC;
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int del) { return Real(f)->pMethods->xShmUnmap(Real(f), del); }
int Fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), off, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return Real(f)->pMethods->xUnfetch(Real(f), off, p);
}

const sqlite3_io_methods kMethods = {3,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReservedLock,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics,
                                     ShmMap,
                                     ShmLock,
                                     ShmBarrier,
                                     ShmUnmap,
                                     Fetch,
                                     Unfetch};

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<FaultyFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  int rc = g_real_vfs->xOpen(g_real_vfs, name, f->real, flags, out_flags);
  f->base.pMethods = (rc == SQLITE_OK && f->real->pMethods != nullptr) ? &kMethods : nullptr;
  return rc;
}

void RegisterFaultyVfs() {
  static sqlite3_vfs vfs = [] {
    g_real_vfs = sqlite3_vfs_find(nullptr);
    sqlite3_vfs v = *g_real_vfs;
    v.szOsFile = static_cast<int>(sizeof(FaultyFile)) + g_real_vfs->szOsFile;
    v.zName = "faulty";
    v.xOpen = Open;
    return v;
  }();
  static bool registered = (sqlite3_vfs_register(&vfs, 0), true);
  (void)registered;
}

TEST(FaultInjectionTest, IoErrorsFailPublishesVisiblyAndChangeNothing) {
  RegisterFaultyVfs();
  testing::TempDir dir;
  std::string uri = "file:" + dir.File("faulty.db") + "?vfs=faulty";
  auto storage = Storage::Open(uri, {});
  ASSERT_TRUE(storage.ok()) << storage.status();
  ArticleStore articles(storage->get(), {});
  TherapyTypeStore therapy_types(storage->get());
  ASSERT_TRUE(
      importers::LoadDataDir(testing::SourceDir() + "/data", &therapy_types, &articles, absl::Now())
          .ok());
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  *request.mutable_article()->mutable_review_date() = ToProtoDate(absl::CivilDay(2024, 2, 2));

  g_fail_writes = true;
  auto failed = articles.Publish(request, absl::Now());
  g_fail_writes = false;
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  EXPECT_THAT(failed.status().message(), ::testing::HasSubstr("I/O error"));

  const absl::CivilDay today(2026, 6, 1);
  auto latest = articles.GetInForce("biological-therapy-for-cancer", today, today);
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->revision_id(), "2023-05-19");

  auto retried = articles.Publish(request, absl::Now());
  ASSERT_TRUE(retried.ok()) << retried.status();
  latest = articles.GetInForce("biological-therapy-for-cancer", today, today);
  EXPECT_EQ(latest->revision_id(), "2024-02-02");

  auto db = *Database::Open(uri, {});
  auto check = *db->PrepareUncached("PRAGMA integrity_check");
  ASSERT_TRUE(*check.Step());
  EXPECT_EQ(check.ColumnText(0), "ok");
}

}  // namespace
}  // namespace healthcontent::storage

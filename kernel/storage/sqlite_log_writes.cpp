// A VFS over the default one that gathers a commit's write-ahead-log frames into one write.
//
// SQLite writes each WAL frame as two writes: its 24-byte header, then the page. A commit of
// 30 pages is 60 pwrite calls, each a costly system call on a virtual machine, made while the
// writer holds the database's only write lock (the commit was a third of the inbox workers'
// SQL time). This VFS passes every file through to the one below, except that a write-ahead
// log's writes that follow one another in the file are kept in a buffer and written as one:
//   - when the frame that ends a transaction is complete (a frame header whose "database size
//     after commit" field is non-zero, then its page: the WAL format,
//     https://www.sqlite.org/fileformat2.html#walformat). SQLite makes a commit visible to
//     other connections (in the shared wal-index) only after writing its frames, so no reader
//     is ever sent to a frame still in a buffer, and a committed transaction is in the
//     operating system's hands exactly as without this VFS;
//   - before anything else is done with the file (read, sync, truncate, size, lock, close,
//     file control): SQLite rereads its own frames (e.g. a page spilt from a large
//     transaction), and a sync must cover every write before it;
//   - when a write does not continue the buffer, or would take it past kMaxBuffered;
//   - before the connection lets go of the log's write lock (the database file's shared-memory
//     lock WAL_WRITE_LOCK): frames a transaction wrote without committing (pages spilt from a
//     large one that then rolled back) are then in the file before another connection may
//     write over the same place, as SQLite wrote them. So a buffer holds something only while
//     its connection is the log's one writer. The database file is wrapped for this, and each
//     log knows its connection's database file by the name SQLite gives both (one allocation
//     per connection: sqlite3_filename_database of the log's name is the database file's);
//     a log whose database file is not found is written through unbuffered.
// A write that fails when flushed fails the call that flushed it (a commit's last write, a
// sync), as it would have failed itself. The durability rules are SQLite's own: what
// synchronous= syncs is synced, at the same points.
//
// A mutex per file: WriteTurn::unlockAndFlush syncs the log from one thread while the next
// turn-holder writes to it from another.
#include "storage/sqlite_log_writes.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace switchboard::kernel::storage {

namespace {

constexpr int kFrameHeaderSize = 24;
// SQLite's unix VFS writes at most 128 KiB - 1 per call (seekAndWrite masks the length with
// 0x1ffff): a longer write would come back short and be taken for a full disk.
constexpr std::size_t kMaxBuffered = 0x1ffff;

std::atomic<std::uint64_t> g_writes_asked{0};
std::atomic<std::uint64_t> g_writes_made{0};

sqlite3_vfs* g_below = nullptr;  // the VFS that was the default
sqlite3_vfs g_vfs{};

struct DbFile;

struct LogFile {
  sqlite3_file base;   // our methods
  sqlite3_file* real;  // the file below, in the same allocation after this struct
  std::mutex* mutex;
  std::vector<char>* buffer;
  sqlite3_int64 buffer_offset;
  bool commit_frame_pending;  // the last write was a commit frame's header
  bool buffered;              // false: its database file is unknown, every write goes through
  DbFile* db;                 // its connection's database file
};

struct DbFile {
  sqlite3_file base;
  sqlite3_file* real;
  const char* name;  // as SQLite opened it
  LogFile* log;      // its connection's log, once open
};

// Ours first in the file SQLite allocates (szOsFile), the file below after it.
constexpr std::size_t kOurs = std::max(sizeof(LogFile), sizeof(DbFile));

// Open database files by the name pointer SQLite opened them with.
std::mutex g_links_mutex;
std::unordered_map<const char*, DbFile*> g_dbs;

sqlite3_file* below(sqlite3_file* f) {
  return reinterpret_cast<LogFile*>(f)->real;
}

// With the file's mutex held.
int flushLocked(LogFile* f) {
  if (f->buffer->empty()) return SQLITE_OK;
  const int rc = f->real->pMethods->xWrite(f->real, f->buffer->data(),
                                           static_cast<int>(f->buffer->size()), f->buffer_offset);
  g_writes_made.fetch_add(1, std::memory_order_relaxed);
  f->buffer->clear();
  return rc;
}

int flush(sqlite3_file* file) {
  auto* f = reinterpret_cast<LogFile*>(file);
  std::lock_guard lock(*f->mutex);
  return flushLocked(f);
}

int logWrite(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  auto* f = reinterpret_cast<LogFile*>(file);
  g_writes_asked.fetch_add(1, std::memory_order_relaxed);
  if (!f->buffered) {
    g_writes_made.fetch_add(1, std::memory_order_relaxed);
    return f->real->pMethods->xWrite(f->real, data, amount, offset);
  }
  std::lock_guard lock(*f->mutex);
  auto& buffer = *f->buffer;
  const bool continues =
      !buffer.empty() && offset == f->buffer_offset + static_cast<sqlite3_int64>(buffer.size());
  if (!buffer.empty() && (!continues || buffer.size() + amount > kMaxBuffered)) {
    if (int rc = flushLocked(f); rc != SQLITE_OK) return rc;
  }
  if (buffer.empty()) f->buffer_offset = offset;
  const char* bytes = static_cast<const char*>(data);
  buffer.insert(buffer.end(), bytes, bytes + amount);
  if (f->commit_frame_pending) {  // this is the commit frame's page: the transaction is whole
    f->commit_frame_pending = false;
    return flushLocked(f);
  }
  if (amount == kFrameHeaderSize) {  // a frame header (a page is 512 bytes or more)
    const auto* h = reinterpret_cast<const unsigned char*>(data);
    f->commit_frame_pending = (h[4] | h[5] | h[6] | h[7]) != 0;  // database size after commit
  }
  return SQLITE_OK;
}

// Everything but a write: flush, then the file below.
int logClose(sqlite3_file* file) {
  auto* f = reinterpret_cast<LogFile*>(file);
  int rc = flush(file);
  {
    std::lock_guard lock(g_links_mutex);
    if (f->db) f->db->log = nullptr;
  }
  const int closed = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
  delete f->buffer;
  delete f->mutex;
  return rc != SQLITE_OK ? rc : closed;
}
int logRead(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return below(file)->pMethods->xRead(below(file), data, amount, offset);
}
int logTruncate(sqlite3_file* file, sqlite3_int64 size) {
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return below(file)->pMethods->xTruncate(below(file), size);
}
int logSync(sqlite3_file* file, int flags) {
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return below(file)->pMethods->xSync(below(file), flags);
}
int logFileSize(sqlite3_file* file, sqlite3_int64* size) {
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return below(file)->pMethods->xFileSize(below(file), size);
}
int logLock(sqlite3_file* file, int level) {
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return below(file)->pMethods->xLock(below(file), level);
}
int logUnlock(sqlite3_file* file, int level) {
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return below(file)->pMethods->xUnlock(below(file), level);
}
int logCheckReservedLock(sqlite3_file* file, int* out) {
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return below(file)->pMethods->xCheckReservedLock(below(file), out);
}
int logFileControl(sqlite3_file* file, int op, void* arg) {
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return below(file)->pMethods->xFileControl(below(file), op, arg);
}
int logSectorSize(sqlite3_file* file) {
  return below(file)->pMethods->xSectorSize(below(file));
}
int logDeviceCharacteristics(sqlite3_file* file) {
  return below(file)->pMethods->xDeviceCharacteristics(below(file));
}

// A log file is never memory-mapped nor given shared memory (those are the database file's),
// so version 1 of the methods: SQLite then calls none of the later ones on it.
const sqlite3_io_methods kLogMethods = {
    .iVersion = 1,
    .xClose = logClose,
    .xRead = logRead,
    .xWrite = logWrite,
    .xTruncate = logTruncate,
    .xSync = logSync,
    .xFileSize = logFileSize,
    .xLock = logLock,
    .xUnlock = logUnlock,
    .xCheckReservedLock = logCheckReservedLock,
    .xFileControl = logFileControl,
    .xSectorSize = logSectorSize,
    .xDeviceCharacteristics = logDeviceCharacteristics,
    .xShmMap = nullptr,
    .xShmLock = nullptr,
    .xShmBarrier = nullptr,
    .xShmUnmap = nullptr,
    .xFetch = nullptr,
    .xUnfetch = nullptr,
};

// A database file: the file below's methods, and its log written out before the write lock
// goes (see the top of this file).
sqlite3_file* dbBelow(sqlite3_file* f) {
  return reinterpret_cast<DbFile*>(f)->real;
}

int dbClose(sqlite3_file* file) {
  auto* f = reinterpret_cast<DbFile*>(file);
  {
    std::lock_guard lock(g_links_mutex);
    if (f->log) f->log->db = nullptr;
    if (auto it = g_dbs.find(f->name); it != g_dbs.end() && it->second == f) g_dbs.erase(it);
  }
  return f->real->pMethods->xClose(f->real);
}
int dbShmLock(sqlite3_file* file, int offset, int n, int flags) {
  constexpr int kWriteLock = 0;  // WAL_WRITE_LOCK in SQLite's wal.c
  auto* f = reinterpret_cast<DbFile*>(file);
  if (offset == kWriteLock && flags == (SQLITE_SHM_UNLOCK | SQLITE_SHM_EXCLUSIVE) && f->log) {
    // Frames of a transaction that did not commit: where SQLite put them, before anyone else
    // may write there. Failing, they are lost, as they may be.
    flush(&f->log->base);
  }
  return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

const sqlite3_io_methods kDbMethods = {
    .iVersion = 3,
    .xClose = dbClose,
    .xRead =
        [](sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
          return dbBelow(f)->pMethods->xRead(dbBelow(f), data, amount, offset);
        },
    .xWrite =
        [](sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
          return dbBelow(f)->pMethods->xWrite(dbBelow(f), data, amount, offset);
        },
    .xTruncate =
        [](sqlite3_file* f, sqlite3_int64 size) {
          return dbBelow(f)->pMethods->xTruncate(dbBelow(f), size);
        },
    .xSync = [](sqlite3_file* f,
                int flags) { return dbBelow(f)->pMethods->xSync(dbBelow(f), flags); },
    .xFileSize =
        [](sqlite3_file* f, sqlite3_int64* size) {
          return dbBelow(f)->pMethods->xFileSize(dbBelow(f), size);
        },
    .xLock = [](sqlite3_file* f,
                int level) { return dbBelow(f)->pMethods->xLock(dbBelow(f), level); },
    .xUnlock = [](sqlite3_file* f,
                  int level) { return dbBelow(f)->pMethods->xUnlock(dbBelow(f), level); },
    .xCheckReservedLock =
        [](sqlite3_file* f, int* out) {
          return dbBelow(f)->pMethods->xCheckReservedLock(dbBelow(f), out);
        },
    .xFileControl =
        [](sqlite3_file* f, int op, void* arg) {
          return dbBelow(f)->pMethods->xFileControl(dbBelow(f), op, arg);
        },
    .xSectorSize = [](sqlite3_file* f) { return dbBelow(f)->pMethods->xSectorSize(dbBelow(f)); },
    .xDeviceCharacteristics =
        [](sqlite3_file* f) { return dbBelow(f)->pMethods->xDeviceCharacteristics(dbBelow(f)); },
    .xShmMap =
        [](sqlite3_file* f, int region, int size, int extend, void volatile** out) {
          return dbBelow(f)->pMethods->xShmMap(dbBelow(f), region, size, extend, out);
        },
    .xShmLock = dbShmLock,
    .xShmBarrier = [](sqlite3_file* f) { dbBelow(f)->pMethods->xShmBarrier(dbBelow(f)); },
    .xShmUnmap = [](sqlite3_file* f,
                    int remove) { return dbBelow(f)->pMethods->xShmUnmap(dbBelow(f), remove); },
    .xFetch =
        [](sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
          return dbBelow(f)->pMethods->xFetch(dbBelow(f), offset, amount, out);
        },
    .xUnfetch = [](sqlite3_file* f, sqlite3_int64 offset,
                   void* page) { return dbBelow(f)->pMethods->xUnfetch(dbBelow(f), offset, page); },
};

int openDb(const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<DbFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kOurs);
  f->base.pMethods = nullptr;
  const int rc = g_below->xOpen(g_below, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->real->pMethods) f->real->pMethods->xClose(f->real);
    return rc;
  }
  f->name = name;
  f->log = nullptr;
  f->base.pMethods = &kDbMethods;
  if (name) {
    std::lock_guard lock(g_links_mutex);
    g_dbs[name] = f;
  }
  return SQLITE_OK;
}

int open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  // Ours first, the file below after it (szOsFile covers both); a database file's methods
  // are wrapped only where they are the version this file knows (the unix VFS's).
  if (flags & SQLITE_OPEN_MAIN_DB) {
    const int rc = openDb(name, file, flags, out_flags);
    if (rc == SQLITE_OK && dbBelow(file)->pMethods->iVersion != kDbMethods.iVersion) {
      sqlite3_file* real = dbBelow(file);
      {
        std::lock_guard lock(g_links_mutex);
        g_dbs.erase(name);
      }
      real->pMethods->xClose(real);
      return g_below->xOpen(g_below, name, file, flags, out_flags);
    }
    return rc;
  }
  if (!(flags & SQLITE_OPEN_WAL)) return g_below->xOpen(g_below, name, file, flags, out_flags);
  auto* f = reinterpret_cast<LogFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kOurs);
  f->base.pMethods = nullptr;  // until the file below is open: SQLite then calls no xClose
  const int rc = g_below->xOpen(g_below, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->real->pMethods) f->real->pMethods->xClose(f->real);
    return rc;
  }
  f->mutex = new std::mutex;
  f->buffer = new std::vector<char>;
  f->buffer_offset = 0;
  f->commit_frame_pending = false;
  f->db = nullptr;
  if (name) {
    std::lock_guard lock(g_links_mutex);
    if (auto it = g_dbs.find(sqlite3_filename_database(name)); it != g_dbs.end()) {
      f->db = it->second;
      f->db->log = f;
    }
  }
  f->buffered = f->db != nullptr;
  f->base.pMethods = &kLogMethods;
  return SQLITE_OK;
}

}  // namespace

void coalesceSqliteLogWrites() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_below = sqlite3_vfs_find(nullptr);
    g_vfs.iVersion = g_below->iVersion;
    g_vfs.szOsFile = static_cast<int>(kOurs) + g_below->szOsFile;
    g_vfs.mxPathname = g_below->mxPathname;
    g_vfs.zName = "switchboard-log-writes";
    g_vfs.xOpen = open;
    // The rest is the VFS below's, each given the VFS below.
    g_vfs.xDelete = [](sqlite3_vfs*, const char* name, int sync) {
      return g_below->xDelete(g_below, name, sync);
    };
    g_vfs.xAccess = [](sqlite3_vfs*, const char* name, int flags, int* out) {
      return g_below->xAccess(g_below, name, flags, out);
    };
    g_vfs.xFullPathname = [](sqlite3_vfs*, const char* name, int size, char* out) {
      return g_below->xFullPathname(g_below, name, size, out);
    };
    g_vfs.xDlOpen = [](sqlite3_vfs*, const char* name) { return g_below->xDlOpen(g_below, name); };
    g_vfs.xDlError = [](sqlite3_vfs*, int size, char* out) {
      g_below->xDlError(g_below, size, out);
    };
    g_vfs.xDlSym = [](sqlite3_vfs*, void* handle, const char* symbol) {
      return g_below->xDlSym(g_below, handle, symbol);
    };
    g_vfs.xDlClose = [](sqlite3_vfs*, void* handle) { g_below->xDlClose(g_below, handle); };
    g_vfs.xRandomness = [](sqlite3_vfs*, int size, char* out) {
      return g_below->xRandomness(g_below, size, out);
    };
    g_vfs.xSleep = [](sqlite3_vfs*, int us) { return g_below->xSleep(g_below, us); };
    g_vfs.xCurrentTime = [](sqlite3_vfs*, double* out) {
      return g_below->xCurrentTime(g_below, out);
    };
    g_vfs.xGetLastError = [](sqlite3_vfs*, int size, char* out) {
      return g_below->xGetLastError(g_below, size, out);
    };
    if (g_below->iVersion >= 2)
      g_vfs.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* out) {
        return g_below->xCurrentTimeInt64(g_below, out);
      };
    if (g_below->iVersion >= 3) {
      g_vfs.xSetSystemCall = [](sqlite3_vfs*, const char* name, sqlite3_syscall_ptr call) {
        return g_below->xSetSystemCall(g_below, name, call);
      };
      g_vfs.xGetSystemCall = [](sqlite3_vfs*, const char* name) {
        return g_below->xGetSystemCall(g_below, name);
      };
      g_vfs.xNextSystemCall = [](sqlite3_vfs*, const char* name) {
        return g_below->xNextSystemCall(g_below, name);
      };
    }
    sqlite3_vfs_register(&g_vfs, 1);
  });
}

SqliteLogWriteStats sqliteLogWriteStats() {
  return {g_writes_asked.load(std::memory_order_relaxed),
          g_writes_made.load(std::memory_order_relaxed)};
}

}  // namespace switchboard::kernel::storage

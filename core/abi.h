/*
 * abi.h - the system call interface between user programs and the kernel.
 * User programs include this header too, so it holds only constants,
 * types and static inline helpers.
 *
 * Calling convention (RV32): the system call number in a7, arguments in
 * a0..a5, the result in a0 (a0/a1 for 64-bit results). A negative result
 * is an error from enum abi_error. 64-bit arguments are split low word
 * first (a0 = low, a1 = high, and so on).
 *
 *   SYS_EXIT    a0 = status                                  (never returns)
 *   SYS_GETPID  -> pid
 *   SYS_GETNODE -> id of the node the process runs on now
 *   SYS_SPAWN   a0 = name, a1 = name length, a2 = argument block,
 *               a3 = argument block length -> pid of the child
 *               (the block is the arguments, each ended by a NUL byte)
 *   SYS_WAIT    a0 = child pid or 0 for any child, a1 = where to store the
 *               status (0: nowhere), a2/a3 = timeout ns -> pid of the child
 *   SYS_SEND    a0 = destination pid, a1 = buffer, a2 = length -> 0
 *               (returns once the message is in the destination's mailbox)
 *   SYS_RECV    a0 = buffer, a1 = capacity, a2 = where to store the
 *               sender's pid (0: nowhere), a3/a4 = timeout ns -> length
 *   SYS_SLEEP   a0/a1 = duration ns -> 0
 *   SYS_TIME    -> a0/a1 = node time ns
 *   SYS_YIELD   -> 0
 *   SYS_WRITE   a0 = buffer, a1 = length (at most ABI_WRITE_MAX_BYTES)
 *               -> length written to the console (the console of the
 *               process's home node, wherever it runs now)
 *   SYS_MIGRATE a0 = pid (0: the caller), a1 = target node -> 0 once the
 *               move has started (the process keeps its pid; it learns
 *               of the move by a kernel message, see ABI_NOTE_MOVED)
 *   SYS_PIN     a0 = 1 to pin the caller to its node, 0 to unpin -> 0
 *
 * Stockholder, the file service (docs/programs.md). A path "/nK/a/b" names
 * node K's store, "/a/b" the caller's home node's (the node its pid names),
 * wherever the caller runs. A handle (a small number) lives in the caller's
 * own table and moves with it: it holds the serving node, the file's inode
 * number (never reused) and the position; the server keeps nothing per
 * open. A handle whose file was deleted since gets ERR_BAD_HANDLE. A call
 * to another node that gets no answer within ABI_STOCK_TIMEOUT_NS, or whose
 * node restarts or is declared dead first, fails with ERR_OUTCOME_UNKNOWN
 * (it may have been carried out). Such a call carries as much as a local
 * one (it travels in pieces), and may also fail with ERR_BUSY when the
 * serving node assembles too many requests from this one.
 *   SYS_OPEN     a0 = path, a1 = path length, a2 = ABI_O_* flags -> handle
 *                (a directory opens read-only, for SYS_READDIR)
 *   SYS_CLOSE    a0 = handle -> 0
 *   SYS_READ     a0 = handle, a1 = buffer, a2 = length (at most
 *                ABI_FILE_IO_MAX) -> bytes read (0 at the end), from the
 *                handle's position, which moves on
 *   SYS_FWRITE   a0 = handle, a1 = buffer, a2 = length (at most
 *                ABI_FILE_IO_MAX) -> bytes written at the position (at the
 *                end with ABI_O_APPEND); not durable until SYS_FSYNC
 *   SYS_FSYNC    a0 = handle -> 0 once every change the server had before
 *                it is durable
 *   SYS_TRUNCATE a0 = handle, a1/a2 = new size in bytes -> 0
 *   SYS_MKDIR    a0 = path, a1 = path length -> 0
 *   SYS_READDIR  a0 = handle of a directory, a1 = struct abi_dirent: in,
 *                the last entry seen (name_len 0 to start); out, the next
 *                -> 1, or 0 when there are no more
 *   SYS_RENAME   a0 = from, a1 = its length, a2 = to, a3 = its length -> 0
 *                (atomic; both on one node)
 *   SYS_UNLINK   a0 = path, a1 = path length -> 0 (a file or an empty
 *                directory)
 *   SYS_STAT     a0 = path, a1 = path length, a2 = struct abi_stat -> 0
 *
 * The key-value store (the HermitCore split driver): the kernel forwards
 * each call to the back end the cluster names (scenario key "kv").
 *   SYS_KV_PUT   a0 = key, a1 = key length (1..ABI_KV_KEY_MAX), a2 = value,
 *                a3 = value length (at most ABI_KV_VALUE_MAX) -> 0 once
 *                durable
 *   SYS_KV_GET   a0 = key, a1 = key length, a2 = buffer, a3 = capacity ->
 *                the value's length (its first min(length, capacity) bytes
 *                copied); never a value whose put is not yet durable
 *   SYS_KV_DEL   a0 = key, a1 = key length -> 0 once durable
 *   SYS_KV_SCAN  a0 = prefix, a1 = prefix length, a2 = struct
 *                abi_kv_cursor: in, the last key seen (key_len 0 to
 *                start); out, the next key with that prefix -> 1, or 0
 *
 * Timeouts: 0 polls, ABI_TIMEOUT_FOREVER waits without limit.
 */
#ifndef CORE_ABI_H
#define CORE_ABI_H

#include <stdint.h>

enum abi_syscall {
    SYS_EXIT = 0,
    SYS_GETPID = 1,
    SYS_GETNODE = 2,
    SYS_SPAWN = 3,
    SYS_WAIT = 4,
    SYS_SEND = 5,
    SYS_RECV = 6,
    SYS_SLEEP = 7,
    SYS_TIME = 8,
    SYS_YIELD = 9,
    SYS_WRITE = 10,
    SYS_MIGRATE = 11,
    SYS_PIN = 12,
    SYS_OPEN = 13,
    SYS_CLOSE = 14,
    SYS_READ = 15,
    SYS_FWRITE = 16,
    SYS_FSYNC = 17,
    SYS_TRUNCATE = 18,
    SYS_MKDIR = 19,
    SYS_READDIR = 20,
    SYS_RENAME = 21,
    SYS_UNLINK = 22,
    SYS_STAT = 23,
    SYS_KV_PUT = 24,
    SYS_KV_GET = 25,
    SYS_KV_DEL = 26,
    SYS_KV_SCAN = 27,
    SYS_COUNT
};

/* Error codes: every kernel function and system call returns 0 (or a
 * non-negative count) on success and one of these on failure. */
enum abi_error {
    ERR_INVALID = -1,      /* an argument is out of range */
    ERR_FAULT = -2,        /* a pointer names memory the process may not use */
    ERR_NO_MEMORY = -3,    /* the node is out of memory */
    ERR_NOT_FOUND = -4,    /* no program by that name */
    ERR_NO_PROCESS = -5,   /* no process with that pid */
    ERR_MAILBOX_FULL = -6, /* the destination's mailbox is full */
    ERR_TIMEOUT = -7,      /* the timeout passed first */
    ERR_TOO_BIG = -8,      /* message larger than the limit or the buffer */
    ERR_NO_CHILD = -9,     /* no such child to wait for */
    ERR_UNREACHABLE = -10, /* the destination node does not answer */
    ERR_BAD_IMAGE = -11,   /* a program image failed validation */
    ERR_LIMIT = -12,       /* a table is full (too many processes) */
    ERR_NOSYS = -13,       /* no such system call */
    ERR_BUSY = -14,        /* a queue is full; try again later */
    ERR_PROTOCOL = -15,    /* a malformed frame or message */
    ERR_PINNED = -16,      /* the process may not leave its node */
    /* A remote send got no answer: the message may or may not be in the
     * destination's mailbox (sending it again may deliver it twice). */
    ERR_OUTCOME_UNKNOWN = -17,
    /* Stockholder (files and keys). */
    ERR_NO_ENTRY = -18,      /* no such file, directory or key */
    ERR_NO_SPACE = -19,      /* the disk is full */
    ERR_EXISTS = -20,        /* the name is taken */
    ERR_NOT_EMPTY = -21,     /* the directory has entries */
    ERR_NAME_TOO_LONG = -22, /* a name or key over 255 bytes, a path over ABI_PATH_MAX */
    ERR_BAD_HANDLE = -23,    /* not an open handle, or its file was deleted */
    ERR_READ_ONLY = -24,     /* the store stopped writing after a failed commit */
    ERR_CORRUPT = -25,       /* a block on the disk failed its checks */
    ERR_NOT_DIR = -26,       /* a directory operation on a file */
    ERR_IS_DIR = -27,        /* a file operation on a directory */
    ERR_NO_STORAGE = -28,    /* the node has no disk, or its store is down */
    ERR_IO = -29,            /* the disk failed a request */
};
#define ERR_MIN ERR_IO

static inline const char *abi_error_name(int err)
{
    switch (err) {
    case 0: return "OK";
    case ERR_INVALID: return "invalid argument";
    case ERR_FAULT: return "bad address";
    case ERR_NO_MEMORY: return "out of memory";
    case ERR_NOT_FOUND: return "no such program";
    case ERR_NO_PROCESS: return "no such process";
    case ERR_MAILBOX_FULL: return "mailbox full";
    case ERR_TIMEOUT: return "timed out";
    case ERR_TOO_BIG: return "message too big";
    case ERR_NO_CHILD: return "no such child";
    case ERR_UNREACHABLE: return "node unreachable";
    case ERR_BAD_IMAGE: return "bad program image";
    case ERR_LIMIT: return "table full";
    case ERR_NOSYS: return "no such system call";
    case ERR_BUSY: return "busy";
    case ERR_PROTOCOL: return "protocol error";
    case ERR_PINNED: return "process is pinned";
    case ERR_OUTCOME_UNKNOWN: return "outcome unknown";
    case ERR_NO_ENTRY: return "no such file, directory or key";
    case ERR_NO_SPACE: return "no space left";
    case ERR_EXISTS: return "already exists";
    case ERR_NOT_EMPTY: return "directory not empty";
    case ERR_NAME_TOO_LONG: return "name too long";
    case ERR_BAD_HANDLE: return "bad handle";
    case ERR_READ_ONLY: return "read-only store";
    case ERR_CORRUPT: return "corrupt block";
    case ERR_NOT_DIR: return "not a directory";
    case ERR_IS_DIR: return "is a directory";
    case ERR_NO_STORAGE: return "no storage on that node";
    case ERR_IO: return "disk error";
    default: return "unknown error";
    }
}

/* The status `wait` reports for a child that was lost: the node it ran on
 * (as far as the parent's node knew) restarted or was declared dead before
 * its exit was heard. Final: an exit heard later is ignored. Only the
 * kernel reports it; a program that exits with this value is reported as
 * exiting with ABI_STATUS_LOST + 1. */
#define ABI_STATUS_LOST INT32_MIN

/* A pid names the node a process was born on (high 16 bits) and a local
 * number there (low 16 bits, never 0). Printed as "n<node>.<local>". */
#define ABI_PID(node, local) ((((uint32_t)(node)) << 16) | ((uint32_t)(local) & 0xFFFFu))
#define ABI_PID_NODE(pid) ((uint32_t)(pid) >> 16)
#define ABI_PID_LOCAL(pid) ((uint32_t)(pid) & 0xFFFFu)
/* The kernel of a node speaks with local number 0 (for example in
 * messages it sends to processes). */
#define ABI_KERNEL_PID(node) ABI_PID(node, 0)

/* Notes the kernel sends to processes, as messages from a kernel pid. The
 * first four bytes are the note's kind (little-endian), then its fields. */
enum abi_note {
    /* A process moved: pid (4), from node (4), to node (4). Sent to the
     * process itself (from its new node's kernel), its parent and its
     * children. */
    ABI_NOTE_MOVED = 1,
};
#define ABI_NOTE_MOVED_BYTES 16u

#define ABI_MSG_MAX_BYTES 1024u
#define ABI_ARGS_MAX_BYTES 512u
#define ABI_ARGS_MAX_COUNT 16u
#define ABI_PROGRAM_NAME_MAX 32u
#define ABI_WRITE_MAX_BYTES 4096u
#define ABI_TIMEOUT_FOREVER UINT64_MAX

/* Stockholder's limits and records. */
#define ABI_PATH_MAX 512u        /* bytes of a path, "/nK" included */
#define ABI_NAME_MAX 255u        /* bytes of one name in a path */
#define ABI_FILE_IO_MAX 65536u   /* bytes one SYS_READ or SYS_FWRITE moves */
#define ABI_MAX_FILES 16u        /* open handles per process */
#define ABI_KV_KEY_MAX 255u
#define ABI_KV_VALUE_MAX 65536u
/* A call to another node's Stockholder fails with ERR_OUTCOME_UNKNOWN
 * after this long without an answer (the transport's suspicion timeout). */
#define ABI_STOCK_TIMEOUT_NS 5000000000ull

enum abi_open_flags {
    ABI_O_CREATE = 1,    /* create the file when it does not exist */
    ABI_O_EXCLUSIVE = 2, /* with ABI_O_CREATE: ERR_EXISTS when it exists */
    ABI_O_TRUNCATE = 4,  /* empty the file */
    ABI_O_APPEND = 8,    /* every write goes to the end */
};
enum abi_file_type { ABI_TYPE_FILE = 1, ABI_TYPE_DIR = 2 };

struct abi_stat {
    uint64_t ino;
    uint64_t size_bytes; /* a directory: its number of entries */
    uint64_t mtime_ns;
    uint32_t type; /* enum abi_file_type */
    uint32_t nlink;
};
struct abi_dirent {
    uint64_t ino;
    uint32_t type;
    uint32_t name_len;
    char name[ABI_NAME_MAX + 1]; /* NUL-terminated */
};
struct abi_kv_cursor {
    uint32_t key_len;
    uint8_t key[ABI_KV_KEY_MAX + 1];
};

/* User address space: programs are linked at ABI_USER_BASE; the stack ends
 * at ABI_USER_TOP. Nothing below ABI_USER_BASE is ever mapped. At entry,
 * a0 = argc, a1 = argv (an array of pointers on the stack), sp 16-aligned. */
#define ABI_USER_BASE 0x00010000u
#define ABI_USER_TOP 0x01000000u
#define ABI_USER_STACK_BYTES (64u * 1024u)

#endif

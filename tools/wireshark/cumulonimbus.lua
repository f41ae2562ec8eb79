-- cumulonimbus.lua - a Wireshark / tshark dissector for the Cumulonimbus
-- cluster protocol (docs/protocol.md is the authority; docs/wireshark.md
-- says how to use this file).
--
--   tshark -X lua_script:tools/wireshark/cumulonimbus.lua -r net.pcap
--
-- It decodes UDP port 5119 (and, as a heuristic, any UDP datagram that
-- starts with the header's magic and version) down to every header field
-- and the payload fields of every message type, under the filter prefix
-- `cnimbus.` (cnimbus.type, cnimbus.seq, cnimbus.deliver.dst_pid ...).
-- Anything malformed (short, wrong lengths, bad CRC-32, unknown types) is
-- reported as expert info; the dissector reads no byte it has not checked
-- is there, so no packet makes it raise a Lua error.
--
-- Integers are big-endian except the Stockholder's messages (STOCK_REQ,
-- STOCK_REPLY), which core/stock_client.c and core/stock_wire.h write
-- little-endian.

local cn = Proto("cnimbus", "Cumulonimbus cluster protocol")

local UDP_PORT = 5119
local HEADER_BYTES = 32
local MAGIC = 0x434E -- "CN"
local VERSION = 1

-- Message types (core/cluster.h, ipc.h, stock_client.h, migrate_priv.h,
-- balance_priv.h).
local T = {
    ACK = 1, RST = 2, SKIP = 3,
    DELIVER = 16, DELIVER_RESULT = 17, WHEREIS = 18, CONSOLE = 19, LOCATION = 20, PROBE = 21,
    STOCK_REQ = 22, STOCK_REPLY = 23,
    BEGIN = 24, PAGE = 25, IMAGE = 26, CHUNK = 27, INSTALLED = 28, ABORT = 29, CANCEL = 30,
    HANDOVER = 31,
    LOAD = 32, BALANCE_PROBE = 33, PROBE_REPLY = 34, OFFER = 35, ACCEPT = 36, RELEASE = 37,
    WHERE = 40,
}
local type_names = {}
for name, code in pairs(T) do
    type_names[code] = name
end
-- docs/protocol.md calls both 21 and 33 PROBE; 33 is named as in the code
-- (BALANCE_MSG_PROBE) so that every type has a name of its own.

local function type_is_reliable(t)
    return t == T.SKIP or t >= 16
end

-- enum abi_error (core/abi.h).
local error_names = {
    [0] = "OK", [-1] = "ERR_INVALID", [-2] = "ERR_FAULT", [-3] = "ERR_NO_MEMORY", [-4] = "ERR_NOT_FOUND",
    [-5] = "ERR_NO_PROCESS", [-6] = "ERR_MAILBOX_FULL", [-7] = "ERR_TIMEOUT", [-8] = "ERR_TOO_BIG",
    [-9] = "ERR_NO_CHILD", [-10] = "ERR_UNREACHABLE", [-11] = "ERR_BAD_IMAGE", [-12] = "ERR_LIMIT",
    [-13] = "ERR_NOSYS", [-14] = "ERR_BUSY", [-15] = "ERR_PROTOCOL", [-16] = "ERR_PINNED",
    [-17] = "ERR_OUTCOME_UNKNOWN", [-18] = "ERR_NO_ENTRY", [-19] = "ERR_NO_SPACE", [-20] = "ERR_EXISTS",
    [-21] = "ERR_NOT_EMPTY", [-22] = "ERR_NAME_TOO_LONG", [-23] = "ERR_BAD_HANDLE", [-24] = "ERR_READ_ONLY",
    [-25] = "ERR_CORRUPT", [-26] = "ERR_NOT_DIR", [-27] = "ERR_IS_DIR", [-28] = "ERR_NO_STORAGE",
    [-29] = "ERR_IO",
}

local stock_ops = {
    [1] = "open", [2] = "read", [3] = "write", [4] = "fsync", [5] = "truncate", [6] = "mkdir",
    [7] = "readdir", [8] = "rename", [9] = "unlink", [10] = "stat", [11] = "kv put", [12] = "kv get",
    [13] = "kv del", [14] = "kv scan",
}
local STOCK_OP = {OPEN = 1, READ = 2, READDIR = 7, STAT = 10, KV_GET = 12, KV_SCAN = 14}

-- ---- fields ---------------------------------------------------------------
local f = {}
local function field(key, ctor, name, ...)
    f[key] = ctor("cnimbus." .. key, name, ...)
end

field("magic", ProtoField.uint16, "Magic", base.HEX)
field("version", ProtoField.uint8, "Version", base.DEC)
field("type", ProtoField.uint8, "Type", base.DEC, type_names)
field("src_node", ProtoField.uint16, "Source node", base.DEC)
field("dst_node", ProtoField.uint16, "Destination node", base.DEC)
field("src_epoch", ProtoField.uint32, "Source epoch", base.HEX)
field("dst_epoch", ProtoField.uint32, "Destination epoch", base.HEX)
field("seq", ProtoField.uint32, "Sequence number", base.DEC)
field("ack", ProtoField.uint32, "Acknowledgement", base.DEC)
field("length", ProtoField.uint16, "Payload length", base.DEC)
field("flags", ProtoField.uint16, "Flags", base.HEX)
field("flags.opening", ProtoField.bool, "OPENING", 16, nil, 0x0001)
field("flags.retry", ProtoField.bool, "RETRY", 16, nil, 0x0002)
field("flags.reserved", ProtoField.uint16, "Reserved flag bits", base.HEX, nil, 0xFFFC)
field("checksum", ProtoField.uint32, "Checksum (CRC-32)", base.HEX)
field("checksum.good", ProtoField.bool, "Checksum good")
field("reliable", ProtoField.bool, "Reliable")
field("payload", ProtoField.bytes, "Payload")

field("rst.seq", ProtoField.uint32, "Refused seq", base.DEC)
field("rst.dst_epoch", ProtoField.uint32, "Refused dst_epoch", base.HEX)
field("skip.last", ProtoField.uint32, "Last abandoned seq", base.DEC)

field("deliver.send_id", ProtoField.uint32, "Send id", base.DEC)
field("deliver.origin", ProtoField.uint16, "Origin node", base.DEC)
field("deliver.hops", ProtoField.uint8, "Hops", base.DEC)
field("deliver.kind", ProtoField.uint8, "Kind", base.DEC, {[0] = "message", [1] = "child exit"})
field("deliver.src_pid", ProtoField.uint32, "Source pid", base.HEX)
field("deliver.dst_pid", ProtoField.uint32, "Destination pid", base.HEX)
field("deliver.data", ProtoField.bytes, "Message")
field("deliver.child_pid", ProtoField.uint32, "Child pid", base.HEX)
field("deliver.child_status", ProtoField.int32, "Child status", base.DEC)

field("result.send_id", ProtoField.uint32, "Send id", base.DEC)
field("result.dst_pid", ProtoField.uint32, "Destination pid", base.HEX)
field("result.status", ProtoField.int32, "Status", base.DEC, error_names)
field("result.node", ProtoField.uint16, "Delivering node", base.DEC)
field("result.moves", ProtoField.uint32, "Move count", base.DEC)

field("console.pid", ProtoField.uint32, "Pid", base.HEX)
field("console.text", ProtoField.string, "Text")

field("location.pid", ProtoField.uint32, "Pid", base.HEX)
field("location.node", ProtoField.uint16, "Node", base.DEC, {[0xFFFF] = "exited"})
field("location.moves", ProtoField.uint32, "Move count", base.DEC)
field("whereis.pid", ProtoField.uint32, "Pid", base.HEX)
field("where.pid", ProtoField.uint32, "Pid", base.HEX)
field("where.node", ProtoField.uint16, "Node", base.DEC, {[0xFFFF] = "not known here"})
field("where.moves", ProtoField.uint32, "Move count", base.DEC)
field("where.parent", ProtoField.uint32, "Parent pid (0: not known there)", base.HEX)

field("stock.call_id", ProtoField.uint32, "Call id", base.DEC)
field("stock.pid", ProtoField.uint32, "Caller pid", base.HEX)
field("stock.total", ProtoField.uint32, "Total bytes", base.DEC)
field("stock.piece_offset", ProtoField.uint32, "Piece offset", base.DEC)
field("stock.piece", ProtoField.bytes, "Piece data")
field("stock.op", ProtoField.uint8, "Operation", base.DEC, stock_ops)
field("stock.flags", ProtoField.uint8, "Open flags", base.HEX)
field("stock.a_len", ProtoField.uint16, "Bytes of a", base.DEC)
field("stock.b_len", ProtoField.uint16, "Bytes of b", base.DEC)
field("stock.c_len", ProtoField.uint32, "Bytes of c", base.DEC)
field("stock.inode", ProtoField.uint64, "Inode", base.DEC)
field("stock.file_offset", ProtoField.uint64, "Offset", base.DEC)
field("stock.a", ProtoField.string, "a (path or key)")
field("stock.b", ProtoField.string, "b (second path, cursor)")
field("stock.c", ProtoField.bytes, "c (data or value)")
field("stock.result", ProtoField.int32, "Result", base.DEC)
field("stock.value", ProtoField.uint64, "Value", base.DEC)
field("stock.data", ProtoField.bytes, "Data")
field("stock.reply_op", ProtoField.uint8, "Operation (from the request)", base.DEC, stock_ops)
field("stock.ino", ProtoField.uint64, "Inode", base.DEC)
field("stock.size", ProtoField.uint64, "Size", base.DEC)
field("stock.mtime_ns", ProtoField.uint64, "Modified (ns)", base.DEC)
field("stock.file_type", ProtoField.uint32, "File type", base.DEC, {[1] = "file", [2] = "directory"})
field("stock.nlink", ProtoField.uint32, "Links", base.DEC)
field("stock.name", ProtoField.string, "Name")

field("migrate.move_id", ProtoField.uint32, "Move id", base.DEC)
field("migrate.pid", ProtoField.uint32, "Pid", base.HEX)
field("migrate.mode", ProtoField.uint8, "Mode", base.DEC, {[0] = "stop-and-copy", [1] = "pre-copy"})
field("migrate.page_word", ProtoField.uint32, "Page word", base.HEX)
field("migrate.page_addr", ProtoField.uint32, "Page address", base.HEX)
field("migrate.page_perms", ProtoField.uint32, "Page permissions (RWX)", base.HEX, nil, 0x7)
field("migrate.page_offset", ProtoField.uint16, "Offset in the page", base.DEC)
field("migrate.image_length", ProtoField.uint32, "Image length", base.DEC)
field("migrate.chunk_offset", ProtoField.uint32, "Offset in the image", base.DEC)
field("migrate.data", ProtoField.bytes, "Data")
field("migrate.error", ProtoField.int32, "Error", base.DEC, error_names)
field("migrate.handover_kind", ProtoField.uint8, "Handover kind", base.DEC, {[0] = "LATE", [1] = "DONE"})
field("migrate.late_src_pid", ProtoField.uint32, "Late message's source pid", base.HEX)

-- The process image's fixed part, decoded from the CHUNK at offset 0.
field("image.magic", ProtoField.uint32, "Image magic", base.HEX)
field("image.version", ProtoField.uint16, "Image version", base.DEC)
field("image.flags", ProtoField.uint16, "Image flags", base.HEX)
field("image.length", ProtoField.uint32, "Image length", base.DEC)
field("image.pid", ProtoField.uint32, "Pid", base.HEX)
field("image.parent", ProtoField.uint32, "Parent pid", base.HEX)
field("image.insns", ProtoField.uint64, "Instructions run", base.DEC)
field("image.deadline_left_ns", ProtoField.uint64, "Time left to the deadline (ns)", base.DEC)
field("image.state", ProtoField.uint8, "State", base.DEC, {[0] = "runnable", [1] = "blocked"})
field("image.wait", ProtoField.uint8, "Wait", base.DEC, {[0] = "none", [1] = "message", [2] = "child", [3] = "sleep"})
field("image.call", ProtoField.uint8, "Call bits", base.HEX)
field("image.pinned", ProtoField.uint8, "Pinned", base.DEC)
field("image.pc", ProtoField.uint32, "pc", base.HEX)
field("image.moves", ProtoField.uint32, "Moves", base.DEC)
field("image.name", ProtoField.string, "Name")

field("load.request_id", ProtoField.uint32, "Request id", base.DEC)
field("load.pid", ProtoField.uint32, "Pid", base.HEX)
field("load.image_bytes", ProtoField.uint32, "Image bytes", base.DEC)
field("load.epoch", ProtoField.uint32, "Sample's boot epoch", base.HEX)
field("load.seq", ProtoField.uint32, "Sample seq", base.DEC)
field("load.load_milli", ProtoField.uint32, "Advertised load (thousandths)", base.DEC)
field("load.load_avg_milli", ProtoField.uint32, "Load average (thousandths)", base.DEC)

local field_list = {}
for _, v in pairs(f) do
    field_list[#field_list + 1] = v
end
cn.fields = field_list

-- ---- expert info ------------------------------------------------------------
local e = {
    short = ProtoExpert.new("cnimbus.short", "Shorter than the 32-byte cluster header",
                            expert.group.MALFORMED, expert.severity.ERROR),
    magic = ProtoExpert.new("cnimbus.bad_magic", "Wrong magic (not 'CN')", expert.group.MALFORMED,
                            expert.severity.ERROR),
    version = ProtoExpert.new("cnimbus.bad_version", "Unknown protocol version", expert.group.MALFORMED,
                              expert.severity.ERROR),
    length = ProtoExpert.new("cnimbus.bad_length", "Datagram length is not 32 + payload length",
                             expert.group.MALFORMED, expert.severity.ERROR),
    crc = ProtoExpert.new("cnimbus.bad_checksum", "Bad CRC-32", expert.group.CHECKSUM, expert.severity.ERROR),
    bad_type = ProtoExpert.new("cnimbus.bad_type", "Invalid or reserved message type", expert.group.MALFORMED,
                               expert.severity.ERROR),
    payload = ProtoExpert.new("cnimbus.bad_payload", "Payload malformed for its type", expert.group.MALFORMED,
                              expert.severity.ERROR),
    retry = ProtoExpert.new("cnimbus.retransmission", "Retransmission (RETRY flag)", expert.group.SEQUENCE,
                            expert.severity.NOTE),
}
cn.experts = {e.short, e.magic, e.version, e.length, e.crc, e.bad_type, e.payload, e.retry}

-- ---- helpers ------------------------------------------------------------------
-- "n<node>.<local>", as nimbus prints pids.
local function pid_text(pid)
    return string.format("n%d.%d", math.floor(pid / 65536), pid % 65536)
end

local function add_pid(tree, fld, range)
    return tree:add(fld, range):append_text(" (" .. pid_text(range:uint()) .. ")")
end

local function add_pid_le(tree, fld, range)
    return tree:add_le(fld, range):append_text(" (" .. pid_text(range:le_uint()) .. ")")
end

-- CRC-32 (IEEE 802.3, reflected, as zlib) of the header with its checksum
-- field taken as zero, then the payload: what core/cluster.c computes.
local band, bxor, rshift = bit32.band, bit32.bxor, bit32.rshift
local crc_table = {}
for i = 0, 255 do
    local c = i
    for _ = 1, 8 do
        c = band(c, 1) ~= 0 and bxor(0xEDB88320, rshift(c, 1)) or rshift(c, 1)
    end
    crc_table[i] = c
end

local function crc_update(c, s, from, to)
    local byte = string.byte
    for i = from, to do
        c = bxor(crc_table[band(bxor(c, byte(s, i)), 0xFF)], rshift(c, 8))
    end
    return c
end

local function cluster_crc(tvb, len)
    local s = tvb:raw(0, len)
    local c = crc_update(0xFFFFFFFF, s, 1, 28)
    c = crc_update(c, "\0\0\0\0", 1, 4) -- the checksum field, taken as zero
    c = crc_update(c, s, 33, len)
    return bxor(c, 0xFFFFFFFF)
end

-- True when `ok`; else flags the payload as malformed, saying `what` it
-- needed, and returns false.
local function payload_ok(tree, len, ok, what)
    if ok then
        return true
    end
    tree:add_proto_expert_info(e.payload, string.format("%s: %d payload bytes", what, len))
    return false
end

-- A message's bytes, with the text they spell when they are printable
-- (pingpong's "ping 1"), as a process would print it.
local function add_message(tree, fld, range)
    local item = tree:add(fld, range)
    local text = range:raw()
    if not text:find("[^\32-\126]") then
        item:append_text(' ("' .. text .. '")')
    end
    return item
end

local function error_text(v)
    return error_names[v] or tostring(v)
end

-- ---- payloads: each takes (payload tvb range, its length, subtree, pinfo)
-- and returns a short summary for the Info column ---------------------------------
local payload = {}

payload[T.ACK] = function(p, len, tree)
    payload_ok(tree, len, len == 0, "ACK carries no payload")
    return ""
end

payload[T.RST] = function(p, len, tree)
    if not payload_ok(tree, len, len == 8, "RST needs 8 bytes") then return "" end
    tree:add(f["rst.seq"], p(0, 4))
    tree:add(f["rst.dst_epoch"], p(4, 4))
    return string.format("refused seq=%d", p(0, 4):uint())
end

payload[T.SKIP] = function(p, len, tree)
    if not payload_ok(tree, len, len == 4, "SKIP needs 4 bytes") then return "" end
    tree:add(f["skip.last"], p(0, 4))
    return string.format("last=%d", p(0, 4):uint())
end

payload[T.DELIVER] = function(p, len, tree)
    if not payload_ok(tree, len, len >= 16 and len <= 16 + 1024, "DELIVER needs 16..1040 bytes") then
        return ""
    end
    tree:add(f["deliver.send_id"], p(0, 4))
    tree:add(f["deliver.origin"], p(4, 2))
    tree:add(f["deliver.hops"], p(6, 1))
    tree:add(f["deliver.kind"], p(7, 1))
    add_pid(tree, f["deliver.src_pid"], p(8, 4))
    add_pid(tree, f["deliver.dst_pid"], p(12, 4))
    local kind = p(7, 1):uint()
    local route = pid_text(p(8, 4):uint()) .. " > " .. pid_text(p(12, 4):uint())
    if kind == 1 then
        if not payload_ok(tree, len, len == 24, "a child exit needs 24 bytes") then return route end
        add_pid(tree, f["deliver.child_pid"], p(16, 4))
        tree:add(f["deliver.child_status"], p(20, 4))
        return string.format("%s child exit %s status %d", route, pid_text(p(16, 4):uint()), p(20, 4):int())
    end
    payload_ok(tree, len, kind == 0, "unknown kind")
    if len > 16 then
        add_message(tree, f["deliver.data"], p(16))
    end
    return string.format("%s %d bytes", route, len - 16)
end

payload[T.DELIVER_RESULT] = function(p, len, tree)
    if not payload_ok(tree, len, len == 18, "DELIVER_RESULT needs 18 bytes") then return "" end
    tree:add(f["result.send_id"], p(0, 4))
    add_pid(tree, f["result.dst_pid"], p(4, 4))
    tree:add(f["result.status"], p(8, 4))
    tree:add(f["result.node"], p(12, 2))
    tree:add(f["result.moves"], p(14, 4))
    return string.format("send %d to %s: %s at node %d", p(0, 4):uint(), pid_text(p(4, 4):uint()),
                         error_text(p(8, 4):int()), p(12, 2):uint())
end

payload[T.CONSOLE] = function(p, len, tree)
    if not payload_ok(tree, len, len >= 4, "CONSOLE needs a pid") then return "" end
    add_pid(tree, f["console.pid"], p(0, 4))
    if len > 4 then
        tree:add(f["console.text"], p(4))
    end
    return string.format("%s %d bytes", pid_text(p(0, 4):uint()), len - 4)
end

payload[T.WHEREIS] = function(p, len, tree)
    if not payload_ok(tree, len, len == 4, "WHEREIS needs 4 bytes") then return "" end
    add_pid(tree, f["whereis.pid"], p(0, 4))
    return pid_text(p(0, 4):uint()) .. "?"
end

-- pid (4), node (2; 0xFFFF: `nowhere`), move count (4): LOCATION; WHERE
-- adds the parent's pid (4).
local function pid_node_moves(name, prefix, nowhere, with_parent)
    local bytes = with_parent and 14 or 10
    return function(p, len, tree)
        if not payload_ok(tree, len, len == bytes, name .. " needs " .. bytes .. " bytes") then return "" end
        add_pid(tree, f[prefix .. ".pid"], p(0, 4))
        tree:add(f[prefix .. ".node"], p(4, 2))
        tree:add(f[prefix .. ".moves"], p(6, 4))
        if with_parent then
            add_pid(tree, f[prefix .. ".parent"], p(10, 4))
        end
        local node = p(4, 2):uint()
        return string.format("%s %s", pid_text(p(0, 4):uint()), node == 0xFFFF and nowhere or ("on node " .. node))
    end
end

payload[T.WHERE] = pid_node_moves("WHERE", "where", "not known", true)
payload[T.LOCATION] = pid_node_moves("LOCATION", "location", "exited")

payload[T.PROBE] = function(p, len, tree)
    payload_ok(tree, len, len == 0, "PROBE carries no payload")
    return ""
end

-- Stockholder: which operation each call is, so its reply can be decoded
-- (a reply does not name it). Keyed by the calling node and call id;
-- filled on the first pass, in capture order.
local stock_calls = {}

local function stock_piece_header(p, tree)
    tree:add_le(f["stock.call_id"], p(0, 4))
    add_pid_le(tree, f["stock.pid"], p(4, 4))
    tree:add_le(f["stock.total"], p(8, 4))
    tree:add_le(f["stock.piece_offset"], p(12, 4))
end

-- The request's first piece (`total`: the whole request's bytes).
local function stock_request(r, len, tree, total)
    local op = r(0, 1):uint()
    tree:add(f["stock.op"], r(0, 1))
    payload_ok(tree, len, stock_ops[op] ~= nil, "unknown Stockholder operation " .. op)
    tree:add(f["stock.flags"], r(1, 1))
    tree:add_le(f["stock.a_len"], r(4, 2))
    tree:add_le(f["stock.b_len"], r(6, 2))
    tree:add_le(f["stock.c_len"], r(8, 4))
    tree:add_le(f["stock.inode"], r(12, 8))
    tree:add_le(f["stock.file_offset"], r(20, 8))
    local at = 28
    local a_len, b_len = r(4, 2):le_uint(), r(6, 2):le_uint()
    payload_ok(tree, len, 28 + a_len + b_len + r(8, 4):le_uint() == total,
               "a, b and c do not add up to the request's total")
    local a = ""
    if a_len > 0 and at + a_len <= len then
        tree:add(f["stock.a"], r(at, a_len))
        a = r(at, a_len):string()
    end
    at = at + a_len
    if b_len > 0 and at + b_len <= len then
        tree:add(f["stock.b"], r(at, b_len))
    end
    at = at + b_len
    if at < len then
        tree:add(f["stock.c"], r(at))
    end
    return op, (stock_ops[op] or ("op " .. op)) .. (a ~= "" and (" " .. a) or "")
end

local function stock_reply_data(d, len, tree, op)
    if op == STOCK_OP.STAT and len >= 32 then
        tree:add_le(f["stock.ino"], d(0, 8))
        tree:add_le(f["stock.size"], d(8, 8))
        tree:add_le(f["stock.mtime_ns"], d(16, 8))
        tree:add_le(f["stock.file_type"], d(24, 4))
        tree:add_le(f["stock.nlink"], d(28, 4))
    elseif op == STOCK_OP.READDIR and len >= 16 then
        tree:add_le(f["stock.ino"], d(0, 8))
        tree:add_le(f["stock.file_type"], d(8, 4))
        local n = d(12, 4):le_uint()
        if payload_ok(tree, len, 16 + n <= len, "the entry's name runs past its data") and n > 0 then
            tree:add(f["stock.name"], d(16, n))
        end
    elseif op == STOCK_OP.KV_SCAN then
        tree:add(f["stock.name"], d(0, len))
    else
        tree:add(f["stock.data"], d(0, len))
    end
end

local function stock_message(is_request)
    return function(p, len, tree, pinfo, h)
        local what = is_request and "STOCK_REQ" or "STOCK_REPLY"
        if not payload_ok(tree, len, len > 16 and len <= 1440, what .. " needs 17..1440 bytes") then
            return ""
        end
        stock_piece_header(p, tree)
        local call = p(0, 4):le_uint()
        local offset = p(12, 4):le_uint()
        local caller = is_request and h.src_node or h.dst_node
        local key = caller .. ":" .. call
        local piece = p(16)
        local body_len = len - 16
        local summary = string.format("call %d of %s", call, pid_text(p(4, 4):le_uint()))
        if offset ~= 0 then
            tree:add(f["stock.piece"], piece)
            return string.format("%s piece at %d", summary, offset)
        end
        if is_request then
            if not payload_ok(tree, len, body_len >= 28, "a request's first piece needs 28 bytes") then
                return summary
            end
            local op, text = stock_request(piece, body_len, tree, p(8, 4):le_uint())
            if not pinfo.visited then
                stock_calls[key] = op
            end
            return summary .. ": " .. text
        end
        if not payload_ok(tree, len, body_len >= 12, "a reply's first piece needs 12 bytes") then
            return summary
        end
        local result = tree:add_le(f["stock.result"], piece(0, 4))
        if piece(0, 4):le_int() < 0 then
            result:append_text(" (" .. error_text(piece(0, 4):le_int()) .. ")")
        end
        tree:add_le(f["stock.value"], piece(4, 8))
        local op = stock_calls[key]
        if op then
            tree:add(f["stock.reply_op"], op):set_generated()
        end
        if body_len > 12 then
            stock_reply_data(piece(12), body_len - 12, tree, op)
        end
        return string.format("%s: result %s", summary, error_text(piece(0, 4):le_int()))
    end
end
payload[T.STOCK_REQ] = stock_message(true)
payload[T.STOCK_REPLY] = stock_message(false)

-- Migration.
local function move_id(p, tree)
    tree:add(f["migrate.move_id"], p(0, 4))
    return "move " .. p(0, 4):uint()
end

payload[T.BEGIN] = function(p, len, tree)
    if not payload_ok(tree, len, len == 9, "BEGIN needs 9 bytes") then return "" end
    local s = move_id(p, tree)
    add_pid(tree, f["migrate.pid"], p(4, 4))
    tree:add(f["migrate.mode"], p(8, 1))
    return string.format("%s %s", s, pid_text(p(4, 4):uint()))
end

payload[T.PAGE] = function(p, len, tree)
    if not payload_ok(tree, len, len > 10, "PAGE needs 11 bytes or more") then return "" end
    local s = move_id(p, tree)
    local word = tree:add(f["migrate.page_word"], p(4, 4))
    local addr = bit32.band(p(4, 4):uint(), 0xFFFFF000)
    word:add(f["migrate.page_addr"], p(4, 4), addr)
    word:add(f["migrate.page_perms"], p(4, 4))
    tree:add(f["migrate.page_offset"], p(8, 2))
    tree:add(f["migrate.data"], p(10))
    return string.format("%s page 0x%x+%d %d bytes", s, addr, p(8, 2):uint(), len - 10)
end

payload[T.IMAGE] = function(p, len, tree)
    if not payload_ok(tree, len, len == 8, "IMAGE needs 8 bytes") then return "" end
    local s = move_id(p, tree)
    tree:add(f["migrate.image_length"], p(4, 4))
    return string.format("%s length %d", s, p(4, 4):uint())
end

-- The image's fixed fields (docs/protocol.md, "The process image") that
-- this chunk holds.
local function image_header(d, len, tree)
    local sub = tree:add(cn, d, "Process image (start)")
    local fixed = {
        {0, 4, "image.magic"}, {4, 2, "image.version"}, {6, 2, "image.flags"}, {8, 4, "image.length"},
        {12, 4, "image.pid"}, {16, 4, "image.parent"}, {20, 8, "image.insns"},
        {28, 8, "image.deadline_left_ns"}, {36, 1, "image.state"}, {37, 1, "image.wait"},
        {38, 1, "image.call"}, {39, 1, "image.pinned"}, {40, 4, "image.pc"}, {168, 4, "image.moves"},
    }
    for _, x in ipairs(fixed) do
        if x[1] + x[2] <= len then
            if x[3] == "image.pid" or x[3] == "image.parent" then
                add_pid(sub, f[x[3]], d(x[1], x[2]))
            else
                sub:add(f[x[3]], d(x[1], x[2]))
            end
        end
    end
    if len > 172 then
        local n = d(172, 1):uint()
        if n > 0 and 173 + n <= len then
            sub:add(f["image.name"], d(173, n))
        end
    end
end

payload[T.CHUNK] = function(p, len, tree)
    if not payload_ok(tree, len, len > 8, "CHUNK needs 9 bytes or more") then return "" end
    local s = move_id(p, tree)
    tree:add(f["migrate.chunk_offset"], p(4, 4))
    tree:add(f["migrate.data"], p(8))
    if p(4, 4):uint() == 0 then
        image_header(p(8), len - 8, tree)
    end
    return string.format("%s offset %d, %d bytes", s, p(4, 4):uint(), len - 8)
end

payload[T.INSTALLED] = function(p, len, tree)
    if not payload_ok(tree, len, len == 8, "INSTALLED needs 8 bytes") then return "" end
    local s = move_id(p, tree)
    add_pid(tree, f["migrate.pid"], p(4, 4))
    return string.format("%s %s", s, pid_text(p(4, 4):uint()))
end

local function move_failed(p, len, tree)
    if not payload_ok(tree, len, len == 12, "ABORT and CANCEL need 12 bytes") then return "" end
    local s = move_id(p, tree)
    add_pid(tree, f["migrate.pid"], p(4, 4))
    tree:add(f["migrate.error"], p(8, 4))
    return string.format("%s %s: %s", s, pid_text(p(4, 4):uint()), error_text(p(8, 4):int()))
end
payload[T.ABORT] = move_failed
payload[T.CANCEL] = move_failed

payload[T.HANDOVER] = function(p, len, tree)
    if not payload_ok(tree, len, len >= 5, "HANDOVER needs 5 bytes or more") then return "" end
    local s = move_id(p, tree)
    tree:add(f["migrate.handover_kind"], p(4, 1))
    local kind = p(4, 1):uint()
    if kind == 1 then
        payload_ok(tree, len, len == 5, "HANDOVER DONE is 5 bytes")
        return s .. " DONE"
    end
    if not payload_ok(tree, len, kind == 0 and len >= 9 and len <= 9 + 1024, "HANDOVER LATE needs 9..1033 bytes") then
        return s
    end
    add_pid(tree, f["migrate.late_src_pid"], p(5, 4))
    if len > 9 then
        add_message(tree, f["migrate.data"], p(9))
    end
    return string.format("%s LATE from %s, %d bytes", s, pid_text(p(5, 4):uint()), len - 9)
end

-- Load balancing: a load sample is 16 bytes (epoch, seq, load, average).
local function load_sample(s, tree)
    local sub = tree:add(cn, s, "Load sample")
    sub:add(f["load.epoch"], s(0, 4))
    sub:add(f["load.seq"], s(4, 4))
    sub:add(f["load.load_milli"], s(8, 4))
    sub:add(f["load.load_avg_milli"], s(12, 4))
    return string.format("load %d.%03d", math.floor(s(8, 4):uint() / 1000), s(8, 4):uint() % 1000)
end

local function balance(bytes, has_id, has_pid, has_image, has_sample)
    return function(p, len, tree, _, h)
        if not payload_ok(tree, len, len == bytes, type_names[h.type] .. " needs " .. bytes .. " bytes") then
            return ""
        end
        local parts, at = {}, 0
        if has_id then
            tree:add(f["load.request_id"], p(at, 4))
            parts[#parts + 1] = "request " .. p(at, 4):uint()
            at = at + 4
        end
        if has_pid then
            add_pid(tree, f["load.pid"], p(at, 4))
            parts[#parts + 1] = pid_text(p(at, 4):uint())
            at = at + 4
        end
        if has_image then
            tree:add(f["load.image_bytes"], p(at, 4))
            at = at + 4
        end
        if has_sample then
            parts[#parts + 1] = load_sample(p(at, 16), tree)
        end
        return table.concat(parts, " ")
    end
end
payload[T.LOAD] = balance(16, false, false, false, true)
payload[T.BALANCE_PROBE] = balance(4, true, false, false, false)
payload[T.PROBE_REPLY] = balance(20, true, false, false, true)
payload[T.OFFER] = balance(28, true, true, true, true)
payload[T.ACCEPT] = balance(24, true, true, false, true)
payload[T.RELEASE] = balance(8, true, true, false, false)

-- ---- the header ---------------------------------------------------------------
local function dissect_header(tvb, tree, len)
    local h = {
        type = tvb(3, 1):uint(),
        src_node = tvb(4, 2):uint(),
        dst_node = tvb(6, 2):uint(),
        seq = tvb(16, 4):uint(),
        ack = tvb(20, 4):uint(),
        payload_len = tvb(24, 2):uint(),
        flags = tvb(26, 2):uint(),
    }
    local magic = tree:add(f.magic, tvb(0, 2))
    if tvb(0, 2):uint() ~= MAGIC then
        magic:add_proto_expert_info(e.magic)
    end
    local version = tree:add(f.version, tvb(2, 1))
    if tvb(2, 1):uint() ~= VERSION then
        version:add_proto_expert_info(e.version)
    end
    local type_item = tree:add(f.type, tvb(3, 1))
    if payload[h.type] == nil then
        type_item:add_proto_expert_info(e.bad_type)
    end
    tree:add(f.reliable, type_is_reliable(h.type)):set_generated()
    tree:add(f.src_node, tvb(4, 2))
    tree:add(f.dst_node, tvb(6, 2))
    tree:add(f.src_epoch, tvb(8, 4))
    tree:add(f.dst_epoch, tvb(12, 4))
    tree:add(f.seq, tvb(16, 4))
    tree:add(f.ack, tvb(20, 4))
    local length = tree:add(f.length, tvb(24, 2))
    if HEADER_BYTES + h.payload_len ~= len then
        length:add_proto_expert_info(e.length,
            string.format("Datagram is %d bytes, header says 32 + %d", len, h.payload_len))
    end
    local flags = tree:add(f.flags, tvb(26, 2))
    flags:add(f["flags.opening"], tvb(26, 2))
    flags:add(f["flags.retry"], tvb(26, 2))
    flags:add(f["flags.reserved"], tvb(26, 2))
    if bit32.band(h.flags, 2) ~= 0 then
        flags:add_proto_expert_info(e.retry)
    end
    local crc = tree:add(f.checksum, tvb(28, 4))
    local want = cluster_crc(tvb, len)
    local good = want == tvb(28, 4):uint()
    crc:add(f["checksum.good"], good):set_generated()
    if not good then
        crc:add_proto_expert_info(e.crc, string.format("Bad CRC-32: computed 0x%08x", want))
    end
    return h
end

local function flag_text(flags)
    local s = ""
    if bit32.band(flags, 1) ~= 0 then s = s .. " OPENING" end
    if bit32.band(flags, 2) ~= 0 then s = s .. " RETRY" end
    return s
end

local function dissect(tvb, pinfo, tree)
    local len = tvb:len()
    pinfo.cols.protocol = "CNIMBUS"
    local top = len > 0 and tree:add(cn, tvb(), "Cumulonimbus cluster protocol") or tree:add(cn, "Cumulonimbus cluster protocol")
    if len < HEADER_BYTES then
        top:add_proto_expert_info(e.short, string.format("%d bytes: shorter than the 32-byte cluster header", len))
        pinfo.cols.info = string.format("Malformed: %d bytes, shorter than the cluster header", len)
        return len
    end
    local h = dissect_header(tvb, top, len)
    local name = type_names[h.type] or ("type " .. h.type)
    top:append_text(string.format(", %s, node %d > %d, seq %d, ack %d", name, h.src_node, h.dst_node, h.seq, h.ack))
    local summary = ""
    local decode = payload[h.type]
    -- Payload fields are decoded from what the datagram really holds, however
    -- long the header says the payload is.
    local plen = len - HEADER_BYTES
    if decode and h.payload_len == plen and plen == 0 then
        summary = decode(nil, 0, top, pinfo, h) -- every decoder checks the length before reading
    elseif decode and h.payload_len == plen then
        local sub = top:add(f.payload, tvb(HEADER_BYTES))
        sub:set_text(string.format("%s payload (%d bytes)", name, plen))
        summary = decode(tvb(HEADER_BYTES), plen, sub, pinfo, h)
    elseif plen > 0 then
        top:add(f.payload, tvb(HEADER_BYTES))
    end
    pinfo.cols.info = string.format("%s %d>%d seq=%d ack=%d%s%s%s", name, h.src_node, h.dst_node, h.seq, h.ack,
                                    flag_text(h.flags), summary ~= "" and " " or "", summary)
    return len
end

-- A UDP datagram on another port is ours if it starts with the magic and
-- version and is long enough for the header.
local function heuristic(tvb, pinfo, tree)
    if tvb:len() < HEADER_BYTES or tvb(0, 2):uint() ~= MAGIC or tvb(2, 1):uint() ~= VERSION then
        return false
    end
    dissect(tvb, pinfo, tree) -- not cn.dissector, which would add a second protocol layer
    return true
end

function cn.init()
    stock_calls = {}
end

cn.dissector = dissect
DissectorTable.get("udp.port"):add(UDP_PORT, cn)
cn:register_heuristic("udp", heuristic)

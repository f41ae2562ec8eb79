/*
 * ata.c - the master drive on the primary ATA channel (see ata.h):
 * IDENTIFY DEVICE, then READ/WRITE DMA through the bus-master engine
 * (ata_dma.c) or READ/WRITE SECTORS by polled PIO, each in its EXT form
 * (LBA48) for requests that reach past sector 2^28.
 *
 * By PIO the drive's interrupt is switched off (nIEN) and every wait
 * polls the status register with a deadline. By DMA the interrupt is on
 * (it only wakes the CPU; ata_poll reads the outcome) and each command
 * and each cache flush has the same deadline, checked by ata_poll. So a
 * missing, slow or broken drive costs at most ATA_TIMEOUT_NS per step and
 * an error return, never a hang. After a failure the channel is reset to
 * get the drive back to a known state.
 */
#include "ata.h"

#include "ata_dma.h"
#include "ata_regs.h"
#include "clock.h"
#include "io.h"
#include "kprint.h"

/* Master drive, LBA addressing (bits 7 and 5 are obsolete but set). */
#define ATA_DRIVE_MASTER_LBA 0xE0u

#define ATA_CMD_READ 0x20u
#define ATA_CMD_READ_EXT 0x24u
#define ATA_CMD_WRITE 0x30u
#define ATA_CMD_WRITE_EXT 0x34u
#define ATA_CMD_FLUSH 0xE7u
#define ATA_CMD_FLUSH_EXT 0xEAu
#define ATA_CMD_IDENTIFY 0xECu
#define ATA_CMD_READ_DMA 0xC8u
#define ATA_CMD_READ_DMA_EXT 0x25u
#define ATA_CMD_WRITE_DMA 0xCAu
#define ATA_CMD_WRITE_DMA_EXT 0x35u

/* IDENTIFY DEVICE words. */
#define ATA_ID_WORDS 256u
#define ATA_ID_MODEL 27u /* 20 words of text, each with its bytes swapped */
#define ATA_ID_MODEL_WORDS 20u
#define ATA_ID_CAPABILITIES 49u
#define ATA_ID_CAP_DMA (1u << 8)
#define ATA_ID_CAP_LBA (1u << 9)
#define ATA_ID_LBA28_SECTORS 60u /* 2 words */
#define ATA_ID_COMMAND_SETS 83u
#define ATA_ID_SETS_LBA48 (1u << 10)
#define ATA_ID_LBA48_SECTORS 100u /* 4 words */

#define ATA_LBA28_LIMIT (1ull << 28)
#define ATA_SECTORS_PER_COMMAND 256u /* what one LBA28 command can move */
#define ATA_TIMEOUT_NS 3000000000ull /* 3 s: a drive spinning up is slow */
#define ATA_RESET_PULSE_NS 5000ull
_Static_assert(ATA_SECTORS_PER_COMMAND * ATA_SECTOR_BYTES <= ATA_DMA_MAX_BYTES,
               "one command's sectors fit one PRD table");

static struct {
    bool present;
    bool lba48;
    bool dma;
    uint8_t control; /* device control: nIEN by PIO, interrupts on by DMA */
    uint64_t sectors;
} drive = {.control = ATA_CONTROL_NIEN};

/* Reading the alternate status four times gives the drive the 400 ns it
 * needs after a drive select or a command before its status is valid. */
static void delay_400ns(void)
{
    for (int i = 0; i < 4; i++)
        (void)inb(ATA_REG_CONTROL);
}

static void spin_ns(uint64_t ns)
{
    uint64_t end = clock_now_ns() + ns;
    while (clock_now_ns() < end)
        io_wait();
}

/* Wait until BSY clears: the status, or -1 at the deadline. */
static int wait_not_busy(void)
{
    uint64_t deadline = clock_now_ns() + ATA_TIMEOUT_NS;
    for (;;) {
        uint8_t status = inb(ATA_REG_STATUS);
        if (!(status & ATA_SR_BSY))
            return status;
        if (clock_now_ns() > deadline)
            return -1;
    }
}

/* Wait until the drive wants data moved: 0, or -1 on an error or timeout. */
static int wait_data(void)
{
    int status = wait_not_busy();
    if (status < 0 || (status & (ATA_SR_ERR | ATA_SR_DF)) || !(status & ATA_SR_DRQ))
        return -1;
    return 0;
}

/* Pulse SRST to abandon whatever the drive was doing. */
static void channel_reset(void)
{
    outb(ATA_REG_CONTROL, (uint8_t)(drive.control | ATA_CONTROL_SRST));
    spin_ns(ATA_RESET_PULSE_NS);
    outb(ATA_REG_CONTROL, drive.control);
    delay_400ns();
    (void)wait_not_busy();
}

static int fail(void)
{
    channel_reset();
    return -1;
}

static void read_words(uint16_t *words, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
        words[i] = inw(ATA_REG_DATA);
}

/* The model string from IDENTIFY data, without trailing blanks. */
static void model_name(const uint16_t *id, char out[2 * ATA_ID_MODEL_WORDS + 1])
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < ATA_ID_MODEL_WORDS; i++) {
        out[n++] = (char)(id[ATA_ID_MODEL + i] >> 8);
        out[n++] = (char)(id[ATA_ID_MODEL + i] & 0xFFu);
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
        n--;
    out[n] = '\0';
}

static void identify_parse(const uint16_t *id)
{
    drive.lba48 = (id[ATA_ID_COMMAND_SETS] & ATA_ID_SETS_LBA48) != 0;
    uint64_t sectors = 0;
    if (drive.lba48)
        for (int i = 3; i >= 0; i--)
            sectors = sectors << 16 | id[ATA_ID_LBA48_SECTORS + i];
    if (sectors == 0)
        sectors = (uint64_t)id[ATA_ID_LBA28_SECTORS + 1] << 16 | id[ATA_ID_LBA28_SECTORS];
    drive.sectors = sectors;
}

/* Send IDENTIFY DEVICE; false when nothing ATA answers. */
static bool identify(uint16_t id[ATA_ID_WORDS])
{
    outb(ATA_REG_DRIVE, ATA_DRIVE_MASTER_LBA);
    delay_400ns();
    outb(ATA_REG_COUNT, 0);
    outb(ATA_REG_LBA0, 0);
    outb(ATA_REG_LBA1, 0);
    outb(ATA_REG_LBA2, 0);
    outb(ATA_REG_COMMAND, ATA_CMD_IDENTIFY);
    delay_400ns();
    if (inb(ATA_REG_STATUS) == 0)
        return false; /* no drive */
    if (wait_not_busy() < 0) {
        channel_reset();
        return false;
    }
    /* ATAPI and SATA devices leave their signature here and abort. */
    if (inb(ATA_REG_LBA1) != 0 || inb(ATA_REG_LBA2) != 0)
        return false;
    if (wait_data() != 0) {
        channel_reset();
        return false;
    }
    read_words(id, ATA_ID_WORDS);
    return true;
}

/* Choose DMA when asked for and both the drive and a bus-master
 * controller offer it; `why` says why not. */
static bool choose_dma(bool dma, const uint16_t *id, const char **why)
{
    *why = "";
    if (!dma)
        *why = " (ata=pio)";
    else if (!(id[ATA_ID_CAPABILITIES] & ATA_ID_CAP_DMA))
        *why = " (the drive has no DMA)";
    else if (!ata_dma_probe())
        *why = " (no bus-master IDE controller)";
    else
        return true;
    return false;
}

bool ata_probe(bool dma)
{
    drive.present = false;
    drive.sectors = 0;
    drive.dma = false;
    drive.control = ATA_CONTROL_NIEN;
    if (inb(ATA_REG_STATUS) == ATA_SR_FLOATING)
        return false;
    outb(ATA_REG_CONTROL, drive.control);
    uint16_t id[ATA_ID_WORDS];
    if (!identify(id))
        return false;
    if (!(id[ATA_ID_CAPABILITIES] & ATA_ID_CAP_LBA)) {
        kprintf("cumulonimbus: ata: the drive has no LBA addressing; not used\n");
        return false;
    }
    identify_parse(id);
    if (drive.sectors == 0)
        return false;
    drive.present = true;
    const char *why;
    drive.dma = choose_dma(dma, id, &why);
    if (drive.dma) {
        drive.control = 0; /* the interrupt wakes the CPU when a transfer ends */
        outb(ATA_REG_CONTROL, drive.control);
    }
    char model[2 * ATA_ID_MODEL_WORDS + 1];
    model_name(id, model);
    kprintf("cumulonimbus: ata: \"%s\", %llu sectors (%llu MiB), %s, %s%s\n", model,
            (unsigned long long)drive.sectors,
            (unsigned long long)(drive.sectors * ATA_SECTOR_BYTES >> 20),
            drive.lba48 ? "lba48" : "lba28", ata_mode_name(), why);
    return true;
}

const char *ata_mode_name(void)
{
    return !drive.present ? "none" : drive.dma ? "dma" : "pio";
}

uint64_t ata_sector_count(void)
{
    return drive.present ? drive.sectors : 0;
}

/* Select the drive and send a read or write command for `n` sectors:
 * `cmd` (LBA28), or `cmd_ext` (LBA48) when the request needs it. */
static int issue(uint64_t lba, uint32_t n, uint8_t cmd, uint8_t cmd_ext)
{
    bool ext = lba + n > ATA_LBA28_LIMIT;
    outb(ATA_REG_DRIVE, (uint8_t)(ATA_DRIVE_MASTER_LBA | (ext ? 0 : (lba >> 24) & 0x0Fu)));
    delay_400ns();
    int status = wait_not_busy();
    if (status < 0 || !(status & ATA_SR_DRDY))
        return -1;
    if (ext) { /* the high bytes first: each register keeps the previous value */
        outb(ATA_REG_COUNT, (uint8_t)(n >> 8));
        outb(ATA_REG_LBA0, (uint8_t)(lba >> 24));
        outb(ATA_REG_LBA1, (uint8_t)(lba >> 32));
        outb(ATA_REG_LBA2, (uint8_t)(lba >> 40));
    }
    outb(ATA_REG_COUNT, (uint8_t)n); /* 256 is sent as 0 */
    outb(ATA_REG_LBA0, (uint8_t)lba);
    outb(ATA_REG_LBA1, (uint8_t)(lba >> 8));
    outb(ATA_REG_LBA2, (uint8_t)(lba >> 16));
    outb(ATA_REG_COMMAND, ext ? cmd_ext : cmd);
    delay_400ns();
    return 0;
}

/* Data goes byte by byte through 16-bit words: buf need not be aligned. */
static void sector_in(uint8_t *buf)
{
    for (uint32_t i = 0; i < ATA_SECTOR_BYTES; i += 2) {
        uint16_t w = inw(ATA_REG_DATA);
        buf[i] = (uint8_t)w;
        buf[i + 1] = (uint8_t)(w >> 8);
    }
}

static void sector_out(const uint8_t *buf)
{
    for (uint32_t i = 0; i < ATA_SECTOR_BYTES; i += 2)
        outw(ATA_REG_DATA, (uint16_t)(buf[i] | buf[i + 1] << 8));
}

/* FLUSH CACHE EXT where the drive has LBA48 (its feature set includes
 * it), else FLUSH CACHE. */
static uint8_t flush_command(void)
{
    return drive.lba48 ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH;
}

/* Select the drive and send the flush; -1 when the drive is not ready. */
static int flush_issue(void)
{
    outb(ATA_REG_DRIVE, ATA_DRIVE_MASTER_LBA);
    delay_400ns();
    int status = wait_not_busy();
    if (status < 0 || !(status & ATA_SR_DRDY))
        return -1;
    outb(ATA_REG_COMMAND, flush_command());
    delay_400ns();
    return 0;
}

/* Write back the drive's cache and wait: every completed write is then
 * on the medium. */
static int flush(void)
{
    if (flush_issue() != 0)
        return -1;
    int status = wait_not_busy();
    return (status < 0 || (status & (ATA_SR_ERR | ATA_SR_DF))) ? -1 : 0;
}

static bool request_valid(uint64_t lba, uint32_t count)
{
    return drive.present && lba < drive.sectors && count <= drive.sectors - lba;
}

/* One command's worth: `n` sectors (at most ATA_SECTORS_PER_COMMAND). */
static int transfer(uint64_t lba, uint32_t n, uint8_t *in, const uint8_t *out)
{
    bool write = out != NULL;
    int issued = write ? issue(lba, n, ATA_CMD_WRITE, ATA_CMD_WRITE_EXT) : issue(lba, n, ATA_CMD_READ, ATA_CMD_READ_EXT);
    if (issued != 0)
        return fail();
    for (uint32_t s = 0; s < n; s++) {
        if (wait_data() != 0)
            return fail();
        if (write)
            sector_out(out + s * ATA_SECTOR_BYTES);
        else
            sector_in(in + s * ATA_SECTOR_BYTES);
    }
    int status = wait_not_busy();
    if (status < 0 || (status & (ATA_SR_ERR | ATA_SR_DF)))
        return fail();
    return 0;
}

static int request(uint64_t lba, uint32_t count, uint8_t *in, const uint8_t *out)
{
    if (!request_valid(lba, count))
        return -1;
    for (uint32_t done = 0; done < count;) {
        uint32_t n = count - done;
        if (n > ATA_SECTORS_PER_COMMAND)
            n = ATA_SECTORS_PER_COMMAND;
        uint64_t offset = (uint64_t)done * ATA_SECTOR_BYTES;
        if (transfer(lba + done, n, in ? in + offset : NULL, out ? out + offset : NULL) != 0)
            return -1;
        done += n;
    }
    return 0;
}

/* ---- requests: one at a time, DMA chunk by chunk ------------------- */

enum step {
    STEP_IDLE,
    STEP_DMA,   /* a READ/WRITE DMA command is running */
    STEP_FLUSH, /* the cache flush after the last chunk of a write */
    STEP_DONE,  /* result holds the outcome, for ata_poll to report */
};

static struct request {
    enum step step;
    enum ata_op op;
    bool write;
    uint64_t lba;
    uint32_t count, done, chunk; /* sectors: all, finished, in the running command */
    uint8_t *buf;
    uint64_t deadline_ns;
    int result;
} req;

static void finish(int result)
{
    req.result = result;
    req.step = STEP_DONE;
}

/* Start a flush: by DMA it runs while the caller does other work (its
 * end raises the interrupt), by PIO it is waited for here. */
static void flush_begin(void)
{
    if (!drive.dma) {
        finish(flush() != 0 ? fail() : 0);
        return;
    }
    if (flush_issue() != 0) {
        finish(fail());
        return;
    }
    req.step = STEP_FLUSH;
    req.deadline_ns = clock_now_ns() + ATA_TIMEOUT_NS;
}

/* Start the next chunk, or the flush after a write's last one. */
static void dma_next(void)
{
    if (req.done == req.count) {
        if (req.op == ATA_WRITE_FUA)
            flush_begin();
        else
            finish(0);
        return;
    }
    uint32_t n = req.count - req.done;
    req.chunk = n < ATA_SECTORS_PER_COMMAND ? n : ATA_SECTORS_PER_COMMAND;
    uint64_t lba = req.lba + req.done;
    ata_dma_prepare(req.buf + (uint64_t)req.done * ATA_SECTOR_BYTES, req.chunk * ATA_SECTOR_BYTES, !req.write);
    int issued = req.write ? issue(lba, req.chunk, ATA_CMD_WRITE_DMA, ATA_CMD_WRITE_DMA_EXT)
                           : issue(lba, req.chunk, ATA_CMD_READ_DMA, ATA_CMD_READ_DMA_EXT);
    if (issued != 0) {
        finish(fail());
        return;
    }
    ata_dma_start();
    req.step = STEP_DMA;
    req.deadline_ns = clock_now_ns() + ATA_TIMEOUT_NS;
}

static void dma_poll(void)
{
    enum ata_dma_state state = ata_dma_poll();
    if (state == ATA_DMA_RUNNING) {
        if (clock_now_ns() > req.deadline_ns) {
            ata_dma_stop();
            finish(fail());
        }
        return;
    }
    ata_dma_stop();
    uint8_t status = inb(ATA_REG_STATUS); /* also lowers the drive's interrupt */
    if (state == ATA_DMA_FAILED || (status & (ATA_SR_BSY | ATA_SR_DRQ | ATA_SR_ERR | ATA_SR_DF))) {
        finish(fail());
        return;
    }
    req.done += req.chunk;
    dma_next();
}

static void flush_poll(void)
{
    uint8_t status = inb(ATA_REG_CONTROL); /* alternate status: no side effect */
    if (status & ATA_SR_BSY) {
        if (clock_now_ns() > req.deadline_ns)
            finish(fail());
        return;
    }
    status = inb(ATA_REG_STATUS);
    finish((status & (ATA_SR_ERR | ATA_SR_DF)) ? fail() : 0);
}

/* A read or write by PIO, start to end (a FUA write with its flush). */
static int request_pio(void)
{
    if (request(req.lba, req.count, req.write ? NULL : req.buf, req.write ? req.buf : NULL) != 0)
        return -1;
    return req.op == ATA_WRITE_FUA && flush() != 0 ? fail() : 0;
}

int ata_start(uint64_t lba, uint32_t count, void *buf, enum ata_op op)
{
    if (req.step != STEP_IDLE || !drive.present)
        return -1;
    if (op == ATA_FLUSH) {
        if (count != 0)
            return -1;
        req = (struct request){.op = op};
        flush_begin();
        return 0;
    }
    if (op > ATA_FLUSH || buf == NULL || count == 0 || !request_valid(lba, count))
        return -1;
    req = (struct request){.op = op, .write = op != ATA_READ, .lba = lba, .count = count, .buf = buf};
    /* A buffer the controller cannot reach (an odd address) goes by PIO. */
    if (drive.dma && ata_dma_buffer_usable(buf, (uint64_t)count * ATA_SECTOR_BYTES))
        dma_next();
    else
        finish(request_pio());
    return 0;
}

int ata_poll(void)
{
    if (req.step == STEP_DMA)
        dma_poll();
    else if (req.step == STEP_FLUSH)
        flush_poll();
    if (req.step == STEP_IDLE)
        return -1;
    if (req.step != STEP_DONE)
        return ATA_BUSY;
    req.step = STEP_IDLE;
    return req.result;
}

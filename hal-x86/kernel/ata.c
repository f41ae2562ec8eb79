/*
 * ata.c - the master drive on the primary ATA channel by polled PIO (see
 * ata.h): IDENTIFY DEVICE, then READ/WRITE SECTORS (LBA28) or their EXT
 * forms (LBA48) for requests that reach past sector 2^28.
 *
 * The drive's interrupt is switched off (nIEN) and every wait polls the
 * status register with a deadline, so a missing, slow or broken drive
 * costs at most ATA_TIMEOUT_NS per step and an error return, never a
 * hang. After a failure the channel is reset to get the drive back to a
 * known state.
 */
#include "ata.h"

#include "clock.h"
#include "io.h"
#include "kprint.h"

#define ATA_IO 0x1F0u
#define ATA_REG_DATA (ATA_IO + 0)
#define ATA_REG_COUNT (ATA_IO + 2)
#define ATA_REG_LBA0 (ATA_IO + 3)
#define ATA_REG_LBA1 (ATA_IO + 4)
#define ATA_REG_LBA2 (ATA_IO + 5)
#define ATA_REG_DRIVE (ATA_IO + 6)
#define ATA_REG_STATUS (ATA_IO + 7) /* read */
#define ATA_REG_COMMAND (ATA_IO + 7) /* write */
#define ATA_REG_CONTROL 0x3F6u       /* write: device control; read: alternate status */

#define ATA_SR_ERR 0x01u
#define ATA_SR_DRQ 0x08u
#define ATA_SR_DF 0x20u
#define ATA_SR_DRDY 0x40u
#define ATA_SR_BSY 0x80u
#define ATA_SR_FLOATING 0xFFu /* no controller drives the bus */

#define ATA_CONTROL_NIEN 0x02u
#define ATA_CONTROL_SRST 0x04u

/* Master drive, LBA addressing (bits 7 and 5 are obsolete but set). */
#define ATA_DRIVE_MASTER_LBA 0xE0u

#define ATA_CMD_READ 0x20u
#define ATA_CMD_READ_EXT 0x24u
#define ATA_CMD_WRITE 0x30u
#define ATA_CMD_WRITE_EXT 0x34u
#define ATA_CMD_FLUSH 0xE7u
#define ATA_CMD_FLUSH_EXT 0xEAu
#define ATA_CMD_IDENTIFY 0xECu

/* IDENTIFY DEVICE words. */
#define ATA_ID_WORDS 256u
#define ATA_ID_MODEL 27u /* 20 words of text, each with its bytes swapped */
#define ATA_ID_MODEL_WORDS 20u
#define ATA_ID_CAPABILITIES 49u
#define ATA_ID_CAP_LBA (1u << 9)
#define ATA_ID_LBA28_SECTORS 60u /* 2 words */
#define ATA_ID_COMMAND_SETS 83u
#define ATA_ID_SETS_LBA48 (1u << 10)
#define ATA_ID_LBA48_SECTORS 100u /* 4 words */

#define ATA_LBA28_LIMIT (1ull << 28)
#define ATA_SECTORS_PER_COMMAND 256u /* what one LBA28 command can move */
#define ATA_TIMEOUT_NS 3000000000ull /* 3 s: a drive spinning up is slow */
#define ATA_RESET_PULSE_NS 5000ull

static struct {
    bool present;
    bool lba48;
    uint64_t sectors;
} drive;

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
    outb(ATA_REG_CONTROL, ATA_CONTROL_NIEN | ATA_CONTROL_SRST);
    spin_ns(ATA_RESET_PULSE_NS);
    outb(ATA_REG_CONTROL, ATA_CONTROL_NIEN);
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

bool ata_probe(void)
{
    drive.present = false;
    drive.sectors = 0;
    if (inb(ATA_REG_STATUS) == ATA_SR_FLOATING)
        return false;
    outb(ATA_REG_CONTROL, ATA_CONTROL_NIEN);
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
    char model[2 * ATA_ID_MODEL_WORDS + 1];
    model_name(id, model);
    kprintf("cumulonimbus: ata: \"%s\", %llu sectors (%llu MiB), %s\n", model,
            (unsigned long long)drive.sectors,
            (unsigned long long)(drive.sectors * ATA_SECTOR_BYTES >> 20),
            drive.lba48 ? "lba48" : "lba28");
    return true;
}

uint64_t ata_sector_count(void)
{
    return drive.present ? drive.sectors : 0;
}

/* Select the drive and send one read or write command for `n` sectors. */
static int issue(uint64_t lba, uint32_t n, bool write)
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
    if (write)
        outb(ATA_REG_COMMAND, ext ? ATA_CMD_WRITE_EXT : ATA_CMD_WRITE);
    else
        outb(ATA_REG_COMMAND, ext ? ATA_CMD_READ_EXT : ATA_CMD_READ);
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

/* Write back the drive's cache so a completed write is on the medium. */
static int flush(bool ext)
{
    outb(ATA_REG_COMMAND, ext ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH);
    delay_400ns();
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
    if (issue(lba, n, write) != 0)
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
    if (write && flush(lba + n > ATA_LBA28_LIMIT) != 0)
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

int ata_read(uint64_t lba, uint32_t count, void *buf)
{
    return request(lba, count, buf, NULL);
}

int ata_write(uint64_t lba, uint32_t count, const void *buf)
{
    return request(lba, count, NULL, buf);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>

#include "backends/image-probe.h"
#include "conf/vol-def.h"
#include "shared/log.h"
#include "shared/macros.h"
#include "shared/size.h"

#define KiB UINT64_C(1024)

/* One read of this much covers the magic of every format but ISO, and the whole header of most
 * images. */
#define HEAD_SIZE (4 * KiB)
/* The most read contiguously from offset 0: qcow2 header extensions and backing names, vmdk
 * descriptors and LUKS2 JSON areas must lie within it. */
#define READ_BOUND (64 * KiB)
/* qemu refuses longer backing names (qcow, qcow2); we hold every format to it. */
#define BACKING_NAME_MAX 1023
#define SECTOR_SIZE      512

/* A probe function's "the magic matched, but not a version we know": the file is raw. */
#define PROBE_UNKNOWN_VERSION 1

static _Thread_local uint64_t bytes_read;

uint64_t image_probe_bytes_read(void) {
        return bytes_read;
}

void image_probe_reset_counter(void) {
        bytes_read = 0;
}

static uint16_t be16(const uint8_t *b) {
        return (uint16_t) (b[0] << 8 | b[1]);
}

static uint32_t be32(const uint8_t *b) {
        return (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
}

static uint64_t be64(const uint8_t *b) {
        return (uint64_t) be32(b) << 32 | be32(b + 4);
}

static uint16_t le16(const uint8_t *b) {
        return (uint16_t) (b[1] << 8 | b[0]);
}

static uint32_t le32(const uint8_t *b) {
        return (uint32_t) b[3] << 24 | (uint32_t) b[2] << 16 | (uint32_t) b[1] << 8 | b[0];
}

static uint64_t le64(const uint8_t *b) {
        return (uint64_t) le32(b + 4) << 32 | le32(b);
}

/* Reads up to len bytes at offset, fewer only at the end of the file. Returns the count. */
static ssize_t pread_full(int fd, void *buf, size_t len, uint64_t offset) {
        size_t done = 0;

        if (offset > (uint64_t) INT64_MAX - len)
                return -EINVAL;
        while (done < len) {
                ssize_t n = pread(fd, (uint8_t *) buf + done, len - done, (off_t) (offset + done));
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                done += (size_t) n;
                bytes_read += (uint64_t) n;
        }
        return (ssize_t) done;
}

/* The state of one probe: the file's first len bytes, read so far. */
typedef struct Probe {
        int fd;
        uint64_t file_size;
        uint8_t *buf;
        size_t len;
        const char *name; /* the format whose magic matched, for messages */
        Error *err;
} Probe;

static void probe_done(Probe *p) {
        free(p->buf);
}

#define probe_fail(p, fmt, ...) error_set((p)->err, 0, "%s header: " fmt, (p)->name, ##__VA_ARGS__)

static int probe_read_error(Probe *p, int r) {
        return error_set_errno(p->err, r, 0, "Failed to read image header: %s", strerror(-r));
}

/* Makes sure the file's bytes [0, end) are in p->buf, reading only what is missing. A header
 * that ends beyond the file is truncated, one beyond READ_BOUND is refused: both -EINVAL. */
static int probe_need(Probe *p, uint64_t end, const char *what) {
        ssize_t n;

        if (end <= p->len)
                return 0;
        if (end > p->file_size)
                return probe_fail(p, "truncated: %s needs %" PRIu64 " bytes, the file has %" PRIu64,
                                  what, end, p->file_size);
        if (end > READ_BOUND)
                return probe_fail(p,
                                  "%s ends at offset %" PRIu64 ", beyond the first %" PRIu64
                                  " bytes that are read of a header",
                                  what, end, READ_BOUND);
        p->buf = xrealloc(p->buf, (size_t) end);
        n = pread_full(p->fd, p->buf + p->len, (size_t) end - p->len, p->len);
        if (n < 0)
                return probe_read_error(p, (int) n);
        if ((size_t) n < (size_t) end - p->len)
                return probe_fail(p, "truncated: the file shrank while it was read");
        p->len = (size_t) end;
        return 0;
}

/* A virtual size must fit in an off_t, as qemu requires; value is in units of unit bytes. */
static int probe_capacity(Probe *p, uint64_t value, uint64_t unit, uint64_t *ret) {
        if (value > (uint64_t) INT64_MAX / unit)
                return probe_fail(p, "virtual size of %" PRIu64 " %s is out of range", value,
                                  unit == 1 ? "bytes" : "sectors");
        *ret = value * unit;
        return 0;
}

/* A backing name goes into XML and is used as a path: no NUL, no control characters. */
static int probe_check_name(Probe *p, const uint8_t *name, size_t len) {
        for (size_t i = 0; i < len; i++)
                if (name[i] < 0x20 || name[i] == 0x7f)
                        return probe_fail(p, "backing file name contains control characters");
        return 0;
}

/* Reads the backing name stored as len bytes at offset; offset 0 or len 0 means none. */
static int probe_backing_name(Probe *p, uint64_t offset, uint64_t len, char **ret) {
        int r;

        if (offset == 0 || len == 0)
                return 0;
        if (len > BACKING_NAME_MAX)
                return probe_fail(p, "backing file name of %" PRIu64 " bytes is longer than %d",
                                  len, BACKING_NAME_MAX);
        if (offset > UINT64_MAX - len)
                return probe_fail(p, "backing file name offset %" PRIu64 " overflows", offset);
        if (offset + len > p->file_size)
                return probe_fail(p,
                                  "backing file name at offset %" PRIu64
                                  " lies beyond the end of the file",
                                  offset);
        r = probe_need(p, offset + len, "the backing file name");
        if (r < 0)
                return r;
        r = probe_check_name(p, p->buf + offset, (size_t) len);
        if (r < 0)
                return r;
        *ret = xstrndup((const char *) p->buf + offset, (size_t) len);
        return 0;
}

/* A format name as qemu writes it in a header, or -1 when we do not know it. */
static int backing_format_from_name(const char *s) {
        int f = string_table_lookup(vol_file_formats, s);

        return f > VOL_FILE_NONE ? f : -1;
}

/* qcow v1: QEMU's original format. */
static int probe_qcow1(Probe *p, ImageInfo *info) {
        uint32_t crypt;
        int r;

        r = probe_need(p, 48, "the qcow header");
        if (r < 0)
                return r;
        info->format = VOL_FILE_QCOW;
        r = probe_capacity(p, be64(p->buf + 24), 1, &info->capacity);
        if (r < 0)
                return r;
        crypt = be32(p->buf + 36);
        if (crypt > 1)
                return probe_fail(p, "unknown crypt_method %" PRIu32, crypt);
        if (crypt == 1) {
                info->encrypted = true;
                info->encryption = ENCRYPTION_QCOW;
        }
        return probe_backing_name(p, be64(p->buf + 8), be32(p->buf + 16), &info->backing_name);
}

#define QCOW2_EXT_END               0
#define QCOW2_EXT_BACKING_FORMAT    0xE2792ACA
#define QCOW2_COMPAT_LAZY_REFCOUNTS (UINT64_C(1) << 0)
#define QCOW2_INCOMPAT_EXTENDED_L2  (UINT64_C(1) << 4)

/* The header extensions between the header and end (the backing name, or the end of the first
 * cluster): only the backing format is of interest. */
static int qcow2_probe_extensions(Probe *p, uint64_t offset, uint64_t end, ImageInfo *info) {
        while (offset < end && end - offset >= 8) {
                uint32_t type, len;
                int r;

                r = probe_need(p, offset + 8, "a header extension");
                if (r < 0)
                        return r;
                type = be32(p->buf + offset);
                len = be32(p->buf + offset + 4);
                offset += 8;
                if (type == QCOW2_EXT_END)
                        break;
                if (len > end - offset)
                        return probe_fail(p,
                                          "header extension 0x%08" PRIx32 " of %" PRIu32
                                          " bytes overruns the header area",
                                          type, len);
                r = probe_need(p, offset + len, "a header extension");
                if (r < 0)
                        return r;
                if (type == QCOW2_EXT_BACKING_FORMAT && info->backing_format < 0) {
                        _cleanup_free_ char *fmt = xstrndup((const char *) p->buf + offset, len);
                        info->backing_format = backing_format_from_name(fmt);
                }
                offset += ((uint64_t) len + 7) & ~UINT64_C(7);
        }
        return 0;
}

static int qcow2_probe_encryption(Probe *p, ImageInfo *info) {
        uint32_t crypt = be32(p->buf + 32);

        switch (crypt) {
        case 0: return 0;
        case 1: info->encryption = ENCRYPTION_QCOW; break;
        case 2: info->encryption = ENCRYPTION_LUKS; break;
        default: return probe_fail(p, "unknown crypt_method %" PRIu32, crypt);
        }
        info->encrypted = true;
        return 0;
}

/* Version 3 adds feature bitmaps and a header length; libvirt reports it as compat 1.1. */
static int qcow2_probe_v3(Probe *p, ImageInfo *info, uint64_t *header_len) {
        uint64_t compatible, incompatible;
        int r;

        r = probe_need(p, 104, "the qcow2 v3 header");
        if (r < 0)
                return r;
        *header_len = be32(p->buf + 100);
        if (*header_len < 104)
                return probe_fail(p, "header_length %" PRIu64 " is below 104", *header_len);
        if (*header_len > info->cluster_size)
                return probe_fail(p, "header_length %" PRIu64 " exceeds the cluster size",
                                  *header_len);
        r = probe_need(p, *header_len, "the qcow2 v3 header");
        if (r < 0)
                return r;
        incompatible = be64(p->buf + 72);
        compatible = be64(p->buf + 80);
        info->compat = "1.1";
        info->has_features = true;
        if (compatible & QCOW2_COMPAT_LAZY_REFCOUNTS)
                info->features |= 1u << VOL_FEATURE_LAZY_REFCOUNTS;
        if (incompatible & QCOW2_INCOMPAT_EXTENDED_L2)
                info->features |= 1u << VOL_FEATURE_EXTENDED_L2;
        return 0;
}

/* qcow2 (docs/interop/qcow2.txt in QEMU): versions 2 and 3. */
static int probe_qcow2(Probe *p, ImageInfo *info, uint32_t version) {
        uint64_t header_len = 72, backing_offset, ext_end;
        uint32_t cluster_bits;
        int r;

        r = probe_need(p, 72, "the qcow2 header");
        if (r < 0)
                return r;
        info->format = VOL_FILE_QCOW2;
        cluster_bits = be32(p->buf + 20);
        if (cluster_bits < 9 || cluster_bits > 21)
                return probe_fail(p, "cluster_bits %" PRIu32 " is outside 9..21", cluster_bits);
        info->cluster_size = UINT64_C(1) << cluster_bits;
        r = probe_capacity(p, be64(p->buf + 24), 1, &info->capacity);
        if (r < 0)
                return r;
        r = qcow2_probe_encryption(p, info);
        if (r < 0)
                return r;
        if (version >= 3) {
                r = qcow2_probe_v3(p, info, &header_len);
                if (r < 0)
                        return r;
        }
        backing_offset = be64(p->buf + 8);
        r = probe_backing_name(p, backing_offset, be32(p->buf + 16), &info->backing_name);
        if (r < 0 || !info->backing_name)
                return r;
        /* Extensions end where the backing name starts, or with the first cluster. */
        ext_end = backing_offset < info->cluster_size ? backing_offset : info->cluster_size;
        return qcow2_probe_extensions(p, header_len, ext_end, info);
}

/* "QFI\xfb" starts both qcow (version 1) and qcow2 (versions 2 and 3). */
static int probe_qfi(Probe *p, ImageInfo *info) {
        uint32_t version;
        int r;

        r = probe_need(p, 8, "the version");
        if (r < 0)
                return r;
        version = be32(p->buf + 4);
        switch (version) {
        case 1: p->name = "qcow"; return probe_qcow1(p, info);
        case 2:
        case 3: p->name = "qcow2"; return probe_qcow2(p, info, version);
        default: return PROBE_UNKNOWN_VERSION;
        }
}

#define QED_F_BACKING_FILE            (UINT64_C(1) << 0)
#define QED_F_BACKING_FORMAT_NO_PROBE (UINT64_C(1) << 2)

/* QED: little-endian; a backing file whose format must not be probed is raw. */
static int probe_qed(Probe *p, ImageInfo *info) {
        uint64_t features;
        int r;

        r = probe_need(p, 64, "the qed header");
        if (r < 0)
                return r;
        info->format = VOL_FILE_QED;
        r = probe_capacity(p, le64(p->buf + 48), 1, &info->capacity);
        if (r < 0)
                return r;
        features = le64(p->buf + 16);
        if (!(features & QED_F_BACKING_FILE))
                return 0;
        r = probe_backing_name(p, le32(p->buf + 56), le32(p->buf + 60), &info->backing_name);
        if (r < 0)
                return r;
        if (features & QED_F_BACKING_FORMAT_NO_PROBE)
                info->backing_format = VOL_FILE_RAW;
        return 0;
}

/* The parent named by the parentFileNameHint line of a vmdk descriptor, if any. */
static int vmdk_parse_parent(Probe *p, const char *text, size_t len, ImageInfo *info) {
        static const char key[] = "parentFileNameHint=\"";
        const size_t key_len = sizeof(key) - 1;
        const char *line = text, *end = text + len;

        while (line < end) {
                const char *eol = memchr(line, '\n', (size_t) (end - line));
                const char *value, *quote;
                size_t n;

                if (!eol)
                        eol = end;
                if ((size_t) (eol - line) < key_len || memcmp(line, key, key_len) != 0) {
                        line = eol + 1;
                        continue;
                }
                value = line + key_len;
                quote = memchr(value, '"', (size_t) (eol - value));
                if (!quote || quote == value)
                        return 0;
                n = (size_t) (quote - value);
                if (n > BACKING_NAME_MAX)
                        return probe_fail(p, "parentFileNameHint is longer than %d bytes",
                                          BACKING_NAME_MAX);
                if (probe_check_name(p, (const uint8_t *) value, n) < 0)
                        return -EINVAL;
                info->backing_name = xstrndup(value, n);
                return 0;
        }
        return 0;
}

/* The descriptor embedded in a sparse extent: NUL-padded text at a sector offset. Reads past
 * the first HEAD_SIZE bytes only when the text goes on beyond them. */
static int vmdk_probe_descriptor(Probe *p, uint64_t sector, uint64_t sectors, ImageInfo *info) {
        uint64_t start, end;
        size_t avail;
        int r;

        if (sector == 0 || sectors == 0)
                return 0;
        if (sector > UINT64_MAX / SECTOR_SIZE || sectors > UINT64_MAX / SECTOR_SIZE ||
            sector * SECTOR_SIZE > UINT64_MAX - sectors * SECTOR_SIZE)
                return probe_fail(p, "descriptor location overflows");
        start = sector * SECTOR_SIZE;
        end = start + sectors * SECTOR_SIZE;
        if (start >= p->file_size || start >= READ_BOUND)
                return probe_fail(p, "descriptor at offset %" PRIu64 " is out of reach", start);
        if (end > p->file_size)
                end = p->file_size;
        if (end > READ_BOUND)
                end = READ_BOUND;
        avail = p->len < end ? p->len : (size_t) end;
        if (avail <= start || !memchr(p->buf + start, 0, avail - (size_t) start)) {
                r = probe_need(p, end, "the descriptor");
                if (r < 0)
                        return r;
        }
        return vmdk_parse_parent(p, (const char *) p->buf + start,
                                 strnlen((const char *) p->buf + start, (size_t) (end - start)),
                                 info);
}

/* vmdk sparse extent ("KDMV"): capacity in sectors, parent in the embedded descriptor. */
static int probe_vmdk(Probe *p, ImageInfo *info) {
        uint32_t version;
        int r;

        r = probe_need(p, 8, "the version");
        if (r < 0)
                return r;
        version = le32(p->buf + 4);
        if (version < 1 || version > 3)
                return PROBE_UNKNOWN_VERSION;
        r = probe_need(p, SECTOR_SIZE, "the vmdk header");
        if (r < 0)
                return r;
        info->format = VOL_FILE_VMDK;
        r = probe_capacity(p, le64(p->buf + 12), SECTOR_SIZE, &info->capacity);
        if (r < 0)
                return r;
        return vmdk_probe_descriptor(p, le64(p->buf + 28), le64(p->buf + 36), info);
}

/* vpc (VHD): the footer copy at offset 0 of dynamic and differencing images. A fixed VHD has
 * its footer only at the end: like libvirt, which looks at offset 0 only, we report it raw
 * (its capacity is then the file size, footer included). */
static int probe_vpc(Probe *p, ImageInfo *info) {
        int r;

        r = probe_need(p, 16, "the version");
        if (r < 0)
                return r;
        if (be32(p->buf + 12) != 0x00010000)
                return PROBE_UNKNOWN_VERSION;
        r = probe_need(p, SECTOR_SIZE, "the vpc footer");
        if (r < 0)
                return r;
        info->format = VOL_FILE_VPC;
        return probe_capacity(p, be64(p->buf + 48), 1, &info->capacity);
}

/* vdi: version 1.1 only, as libvirt. */
static int probe_vdi(Probe *p, ImageInfo *info) {
        int r;

        r = probe_need(p, 72, "the version");
        if (r < 0)
                return r;
        if (le32(p->buf + 68) != 0x00010001)
                return PROBE_UNKNOWN_VERSION;
        r = probe_need(p, 376, "the vdi header");
        if (r < 0)
                return r;
        info->format = VOL_FILE_VDI;
        return probe_capacity(p, le64(p->buf + 368), 1, &info->capacity);
}

/* VHDX keeps its virtual size in the metadata region, found through the region table. GUIDs
 * are stored with their first three fields little-endian. */
#define VHDX_REGION_TABLE_1 (192 * KiB)
#define VHDX_REGION_TABLE_2 (256 * KiB)
#define VHDX_MAX_ENTRIES    2047
#define VHDX_ENTRY_SIZE     32

static const uint8_t vhdx_metadata_region_guid[16] = {
        0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b,
        0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e,
};
static const uint8_t vhdx_virtual_disk_size_guid[16] = {
        0x24, 0x42, 0xa5, 0x2f, 0x1b, 0xcd, 0x76, 0x48,
        0xb2, 0x11, 0x5d, 0xbe, 0xd8, 0x3b, 0xf4, 0xb8,
};

/* Reads exactly len bytes at offset (a bounded read outside p->buf). */
static int probe_read_at(Probe *p, void *buf, size_t len, uint64_t offset, const char *what) {
        ssize_t n;

        if (offset > p->file_size || len > p->file_size - offset)
                return probe_fail(p,
                                  "truncated: %s at offset %" PRIu64 " lies beyond the end"
                                  " of the file",
                                  what, offset);
        n = pread_full(p->fd, buf, len, offset);
        if (n < 0)
                return probe_read_error(p, (int) n);
        if ((size_t) n < len)
                return probe_fail(p, "truncated: the file shrank while it was read");
        return 0;
}

/* Reads a table of count 32-byte entries at offset and returns the one whose first 16 bytes
 * are guid (copied to entry), 0 if there is none. */
static int vhdx_find_entry(Probe *p, uint64_t offset, size_t count, const uint8_t guid[16],
                           uint8_t entry[VHDX_ENTRY_SIZE], const char *what) {
        _cleanup_free_ uint8_t *table = NULL;
        int r;

        if (count > VHDX_MAX_ENTRIES)
                return probe_fail(p, "%s has %zu entries, more than %d", what, count,
                                  VHDX_MAX_ENTRIES);
        table = xmalloc(count * VHDX_ENTRY_SIZE + 1);
        r = probe_read_at(p, table, count * VHDX_ENTRY_SIZE, offset, what);
        if (r < 0)
                return r;
        for (size_t i = 0; i < count; i++)
                if (memcmp(table + i * VHDX_ENTRY_SIZE, guid, 16) == 0) {
                        memcpy(entry, table + i * VHDX_ENTRY_SIZE, VHDX_ENTRY_SIZE);
                        return 1;
                }
        return 0;
}

/* The metadata region's offset and length from the first region table that has it (the second
 * table is the first one's copy). The tables' CRC-32C is not checked. */
static int vhdx_find_metadata_region(Probe *p, uint64_t *ret_offset, uint64_t *ret_len) {
        static const uint64_t tables[] = {VHDX_REGION_TABLE_1, VHDX_REGION_TABLE_2};

        for (size_t i = 0; i < ELEMENTSOF(tables); i++) {
                uint8_t header[16], entry[VHDX_ENTRY_SIZE];
                int r;

                r = probe_read_at(p, header, sizeof(header), tables[i], "the region table");
                if (r < 0)
                        return r;
                if (memcmp(header, "regi", 4) != 0)
                        continue;
                r = vhdx_find_entry(p, tables[i] + sizeof(header), le32(header + 8),
                                    vhdx_metadata_region_guid, entry, "the region table");
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                *ret_offset = le64(entry + 16);
                *ret_len = le32(entry + 24);
                return 0;
        }
        return probe_fail(p, "no region table names a metadata region");
}

static int probe_vhdx(Probe *p, ImageInfo *info) {
        uint64_t region = 0, region_len = 0, item;
        uint8_t header[32], entry[VHDX_ENTRY_SIZE], size[8];
        int r;

        r = vhdx_find_metadata_region(p, &region, &region_len);
        if (r < 0)
                return r;
        if (region > p->file_size || region_len > p->file_size - region || region_len < 32)
                return probe_fail(p, "metadata region out of range");
        r = probe_read_at(p, header, sizeof(header), region, "the metadata table");
        if (r < 0)
                return r;
        if (memcmp(header, "metadata", 8) != 0)
                return probe_fail(p, "metadata table signature missing");
        if ((uint64_t) le16(header + 10) * VHDX_ENTRY_SIZE > region_len - 32)
                return probe_fail(p, "metadata table overruns its region");
        r = vhdx_find_entry(p, region + 32, le16(header + 10), vhdx_virtual_disk_size_guid, entry,
                            "the metadata table");
        if (r < 0)
                return r;
        if (r == 0)
                return probe_fail(p, "metadata has no virtual disk size");
        item = le32(entry + 16);
        if (le32(entry + 20) < 8 || item > region_len - 8)
                return probe_fail(p, "virtual disk size item out of range");
        r = probe_read_at(p, size, sizeof(size), region + item, "the virtual disk size");
        if (r < 0)
                return r;
        /* libvirt's format list has no vhdx; "vhd" is the nearest name its schema accepts, and
         * unlike "raw" it never makes anyone hand a VHDX container to a guest as its disk. */
        info->format = VOL_FILE_VHD;
        return probe_capacity(p, le64(size), 1, &info->capacity);
}

/* Walks a LUKS2 JSON area for the smallest "offset" (a decimal string) of the objects in the
 * top-level "segments" object: where the encrypted data starts. Not a JSON parser (the build
 * has no JSON library): it follows strings and nesting just well enough to know which key a
 * value belongs to. Returns false when no offset was found. */
static bool luks2_json_data_offset(const char *json, size_t len, uint64_t *ret) {
        unsigned depth = 0;
        bool in_segments = false, want_offset = false, found = false;

        for (size_t i = 0; i < len; i++) {
                const char *s, *q;
                size_t j;

                switch (json[i]) {
                case '{':
                case '[':
                        if (++depth > 32)
                                return found;
                        want_offset = false;
                        continue;
                case '}':
                case ']':
                        if (depth-- <= 1)
                                return found;
                        want_offset = false;
                        continue;
                case ',': want_offset = false; continue;
                case '"': break;
                default: continue;
                }
                /* A string: find its end, skipping escaped characters. */
                s = json + i + 1;
                for (q = s; q < json + len && *q != '"'; q++)
                        if (*q == '\\' && q + 1 < json + len)
                                q++;
                if (q >= json + len)
                        return found;
                i = (size_t) (q - json);
                for (j = i + 1; j < len && strchr(" \t\r\n", json[j]); j++)
                        ;
                if (j < len && json[j] == ':') {
                        /* A key. */
                        if (depth == 1)
                                in_segments = q - s == 8 && memcmp(s, "segments", 8) == 0;
                        want_offset = depth == 3 && in_segments && q - s == 6 &&
                                      memcmp(s, "offset", 6) == 0;
                } else if (want_offset && q - s < 21) {
                        char digits[24];
                        uint64_t v;

                        memcpy(digits, s, (size_t) (q - s));
                        digits[q - s] = '\0';
                        if (parse_uint64(digits, &v) >= 0 && (!found || v < *ret)) {
                                *ret = v;
                                found = true;
                        }
                        want_offset = false;
                }
        }
        return found;
}

#define LUKS1_HEADER_SIZE        592
#define LUKS2_BINARY_HEADER_SIZE 4096

static int luks2_probe_payload(Probe *p, uint64_t *ret) {
        uint64_t hdr_size, end;
        int r;

        r = probe_need(p, LUKS2_BINARY_HEADER_SIZE, "the LUKS2 binary header");
        if (r < 0)
                return r;
        hdr_size = be64(p->buf + 8);
        end = hdr_size;
        if (end > p->file_size)
                end = p->file_size;
        if (end > READ_BOUND)
                end = READ_BOUND;
        *ret = 0;
        if (end <= LUKS2_BINARY_HEADER_SIZE)
                return 0;
        r = probe_need(p, end, "the LUKS2 JSON area");
        if (r < 0)
                return r;
        luks2_json_data_offset((const char *) p->buf + LUKS2_BINARY_HEADER_SIZE,
                               strnlen((const char *) p->buf + LUKS2_BINARY_HEADER_SIZE,
                                       (size_t) end - LUKS2_BINARY_HEADER_SIZE),
                               ret);
        return 0;
}

/* LUKS on a raw file: the capacity is what follows the payload offset. */
static int probe_luks(Probe *p, ImageInfo *info) {
        uint64_t payload;
        uint16_t version;
        int r;

        r = probe_need(p, 8, "the version");
        if (r < 0)
                return r;
        version = be16(p->buf + 6);
        if (version == 1) {
                r = probe_need(p, LUKS1_HEADER_SIZE, "the LUKS header");
                if (r < 0)
                        return r;
                payload = (uint64_t) be32(p->buf + 104) * SECTOR_SIZE;
                info->encryption = ENCRYPTION_LUKS;
        } else if (version == 2) {
                r = luks2_probe_payload(p, &payload);
                if (r < 0)
                        return r;
                info->encryption = ENCRYPTION_LUKS2;
        } else
                return PROBE_UNKNOWN_VERSION;
        if (payload > p->file_size)
                return probe_fail(p, "payload offset %" PRIu64 " lies beyond the end of the file",
                                  payload);
        info->format = VOL_FILE_LUKS;
        info->encrypted = true;
        info->payload_offset = payload;
        info->capacity = p->file_size - payload;
        return 0;
}

/* UML's cow, version 2: a NUL-terminated backing name in a 1024-byte field. */
static int probe_cow(Probe *p, ImageInfo *info) {
        size_t len;
        int r;

        r = probe_need(p, 8, "the version");
        if (r < 0)
                return r;
        if (be32(p->buf + 4) != 2)
                return PROBE_UNKNOWN_VERSION;
        r = probe_need(p, 1048, "the cow header");
        if (r < 0)
                return r;
        info->format = VOL_FILE_COW;
        r = probe_capacity(p, be64(p->buf + 1036), 1, &info->capacity);
        if (r < 0)
                return r;
        len = strnlen((const char *) p->buf + 8, BACKING_NAME_MAX + 1);
        if (len > BACKING_NAME_MAX)
                return probe_fail(p, "backing file name is not terminated");
        return probe_backing_name(p, 8, len, &info->backing_name);
}

/* ploop: the size in sectors. */
static int probe_ploop(Probe *p, ImageInfo *info) {
        int r;

        r = probe_need(p, 44, "the ploop header");
        if (r < 0)
                return r;
        info->format = VOL_FILE_PLOOP;
        return probe_capacity(p, le64(p->buf + 36), SECTOR_SIZE, &info->capacity);
}

/* ISO 9660: no size field; the capacity is the file's size. */
static int probe_iso(Probe *p, ImageInfo *info) {
        info->format = VOL_FILE_ISO;
        info->capacity = p->file_size;
        return 0;
}

typedef struct ImageMagic {
        const char *name;
        uint64_t offset;
        const char *magic;
        size_t len;
        int (*probe)(Probe *p, ImageInfo *info);
} ImageMagic;

/* The first match wins. Magics beyond HEAD_SIZE cost a read of their own, so they come last:
 * that read happens only when nothing else matched. */
static const ImageMagic image_magics[] = {
        {"qcow", 0, "QFI\xfb", 4, probe_qfi},
        {"qed", 0, "QED\0", 4, probe_qed},
        {"vmdk", 0, "KDMV", 4, probe_vmdk},
        {"vpc", 0, "conectix", 8, probe_vpc},
        {"vdi", 64, "\x7f\x10\xda\xbe", 4, probe_vdi},
        {"vhdx", 0, "vhdxfile", 8, probe_vhdx},
        {"luks", 0, "LUKS\xba\xbe", 6, probe_luks},
        {"cow", 0, "OOOM", 4, probe_cow},
        {"ploop", 0, "WithouFreSpacExt", 16, probe_ploop},
        {"iso", 32769, "CD001", 5, probe_iso},
};

/* 1 if the magic is there, 0 if not. */
static int magic_matches(Probe *p, const ImageMagic *m) {
        uint8_t buf[16];
        ssize_t n;

        if (m->offset + m->len > p->file_size)
                return 0;
        if (m->offset + m->len <= p->len)
                return memcmp(p->buf + m->offset, m->magic, m->len) == 0;
        n = pread_full(p->fd, buf, m->len, m->offset);
        if (n < 0)
                return probe_read_error(p, (int) n);
        return (size_t) n == m->len && memcmp(buf, m->magic, m->len) == 0;
}

static int probe_read_head(Probe *p) {
        size_t want = p->file_size < HEAD_SIZE ? (size_t) p->file_size : HEAD_SIZE;
        ssize_t n;

        p->buf = xmalloc(HEAD_SIZE);
        n = pread_full(p->fd, p->buf, want, 0);
        if (n < 0)
                return probe_read_error(p, (int) n);
        p->len = (size_t) n;
        if (p->len < want)
                p->file_size = p->len; /* it shrank: what we could read is the file */
        return 0;
}

void image_info_done(ImageInfo *i) {
        free(i->backing_name);
        *i = IMAGE_INFO_INIT;
}

int image_probe_fd(int fd, uint64_t file_size, ImageInfo *ret, Error *err) {
        _cleanup_(probe_done) Probe p = {.fd = fd, .file_size = file_size, .err = err};
        _cleanup_(image_info_done) ImageInfo info = IMAGE_INFO_INIT;
        int r;

        *ret = IMAGE_INFO_INIT;
        r = probe_read_head(&p);
        if (r < 0)
                return r;
        info.capacity = p.file_size;
        for (size_t i = 0; i < ELEMENTSOF(image_magics); i++) {
                const ImageMagic *m = &image_magics[i];

                r = magic_matches(&p, m);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                p.name = m->name;
                r = m->probe(&p, &info);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                /* As libvirt: a format we know in a version we do not is not trusted. */
                log_debug("Image looks like %s but its version is unknown, treating it as raw",
                          m->name);
                image_info_done(&info);
                info.capacity = p.file_size;
        }
        *ret = info;
        info = IMAGE_INFO_INIT;
        return 0;
}

bool image_backing_is_network(const char *name) {
        size_t n = strcspn(name, ":/");

        if (name[n] != ':')
                return false;
        return !(n == 4 && strncmp(name, "file", 4) == 0);
}

/* An image seen in a backing chain. */
typedef struct ChainImage {
        dev_t dev;
        ino_t ino;
} ChainImage;

static bool chain_seen(const ChainImage *seen, size_t n, const struct stat *st) {
        for (size_t i = 0; i < n; i++)
                if (seen[i].dev == st->st_dev && seen[i].ino == st->st_ino)
                        return true;
        return false;
}

/* Opens the directory part of name (relative to dirfd) as an O_PATH fd and returns it, with
 * *ret_base pointing at the last component. */
static int chain_open_dir(int dirfd, const char *name, const char **ret_base) {
        const char *slash = strrchr(name, '/');
        _cleanup_free_ char *dir = NULL;
        int fd;

        if (!slash) {
                *ret_base = name;
                fd = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        } else {
                *ret_base = slash + 1;
                dir = slash == name ? xstrdup("/") : xstrndup(name, (size_t) (slash - name));
                fd = openat(dirfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        if (fd < 0)
                return -errno;
        if (isempty(*ret_base)) {
                close(fd);
                return -EISDIR;
        }
        return fd;
}

/* Opens an image of a chain read-only: its directory (for its own relative backing name) in
 * *ret_dir, its size in *ret_size. Symlinks are followed, as qemu does: O_NOFOLLOW would buy
 * nothing here, since a header can name any path directly. What protects us is that only
 * regular files and block devices are opened (opening a char device such as a watchdog or a
 * tape has effects), checked before the open and verified after it by device and inode. */
static int chain_open(int dirfd, const char *name, int *ret_dir, struct stat *ret_st,
                      uint64_t *ret_size) {
        _cleanup_close_ int dir = -1, fd = -1;
        const char *base;
        struct stat st;
        off_t end;

        dir = chain_open_dir(dirfd, name, &base);
        if (dir < 0)
                return dir;
        if (fstatat(dir, base, ret_st, 0) < 0)
                return -errno;
        if (!S_ISREG(ret_st->st_mode) && !S_ISBLK(ret_st->st_mode))
                return S_ISDIR(ret_st->st_mode) ? -EISDIR : -EBADFD;
        fd = openat(dir, base, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_dev != ret_st->st_dev || st.st_ino != ret_st->st_ino)
                return -EBUSY; /* replaced between the check and the open */
        if (S_ISREG(st.st_mode))
                *ret_size = (uint64_t) st.st_size;
        else {
                end = lseek(fd, 0, SEEK_END);
                if (end < 0)
                        return -errno;
                *ret_size = (uint64_t) end;
        }
        *ret_dir = TAKE_FD(dir);
        return TAKE_FD(fd);
}

/* Formats whose files can have a backing file of their own. */
static bool format_has_backing(int f) {
        return f == VOL_FILE_QCOW || f == VOL_FILE_QCOW2 || f == VOL_FILE_QED ||
               f == VOL_FILE_VMDK || f == VOL_FILE_COW;
}

/* One step of a chain: probes the image open on fd, whose parent declared its format as
 * declared (-1: not declared). Returns 1 with the next name in *ret_next and its declared
 * format in *ret_declared when the chain goes on, 0 when it ends here. */
static int chain_step(int fd, uint64_t size, const char *name, int declared, char **ret_next,
                      int *ret_declared, Error *err) {
        _cleanup_(image_info_done) ImageInfo info = IMAGE_INFO_INIT;
        const char *next;
        int r;

        /* A raw backing file holds a guest's data, whatever it looks like: never probe it. */
        if (declared >= 0 && !format_has_backing(declared))
                return 0;
        r = image_probe_fd(fd, size, &info, err);
        if (r < 0) {
                error_set_file(err, name);
                return r;
        }
        /* qemu opens it as the declared format; if that is not what it is, qemu stops here. */
        if (declared >= 0 && (int) info.format != declared)
                return 0;
        if (!info.backing_name || image_backing_is_network(info.backing_name))
                return 0;
        next = info.backing_name;
        if (strncmp(next, "file:", 5) == 0)
                next += 5;
        *ret_next = xstrdup(next);
        *ret_declared = info.backing_format;
        return 1;
}

int image_chain_check(int dirfd, const char *path, unsigned max_depth, Error *err) {
        _cleanup_free_ ChainImage *seen = NULL;
        _cleanup_free_ char *name = xstrdup(path);
        _cleanup_close_ int dir = -1;
        size_t n_seen = 0;
        int declared = -1;

        dir = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return error_set_errno(err, -errno, 0, "Failed to open directory: %s",
                                       strerror(errno));
        for (unsigned depth = 0;; depth++) {
                _cleanup_close_ int fd = -1, image_dir = -1;
                _cleanup_free_ char *next = NULL;
                struct stat st;
                uint64_t size = 0;
                int r;

                fd = chain_open(dir, name, &image_dir, &st, &size);
                if (fd < 0 && depth == 0)
                        return error_set_errno(err, fd, 0, "Failed to open %s: %s", name,
                                               strerror(-fd));
                if (fd < 0) {
                        /* libvirt keeps a missing backing file's path and format: not an error. */
                        log_debug("Backing file %s cannot be opened, chain ends: %s", name,
                                  strerror(-fd));
                        return (int) depth - 1;
                }
                if (chain_seen(seen, n_seen, &st))
                        return error_set_errno(err, -ELOOP, 0,
                                               "Backing chain of %s loops: %s is already in it",
                                               path, name);
                if (depth > max_depth)
                        return error_set_errno(err, -ELOOP, 0,
                                               "Backing chain of %s is longer than %u images", path,
                                               max_depth);
                ARRAY_APPEND(seen, n_seen, ((ChainImage){.dev = st.st_dev, .ino = st.st_ino}));
                r = chain_step(fd, size, name, declared, &next, &declared, err);
                if (r <= 0)
                        return r < 0 ? r : (int) depth;
                free(name);
                name = TAKE_PTR(next);
                close(dir);
                dir = TAKE_FD(image_dir);
        }
}

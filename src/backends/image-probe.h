/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "conf/encryption.h"
#include "conf/pool-types.h"
#include "shared/error.h"

/* The image header prober: what `virsh vol-dumpxml` reports about a file's contents (format,
 * virtual size, qcow2 details, encryption, backing store), read from its header.
 *
 * Every header is treated as hostile: the file is only ever read with pread() on a descriptor
 * the caller opened read-only, reads are bounded (the first 4 KiB covers every format's magic;
 * what a format needs beyond that is read on demand, at most 64 KiB in all, plus a few small
 * reads for the VHDX metadata and the ISO magic), and every size and offset is checked for
 * overflow before it is used.
 *
 * Formats: qcow (v1), qcow2 (v2, v3), qed, vmdk (sparse extent "KDMV", versions 1-3), vdi
 * (v1.1), vpc (dynamic and differencing VHD, footer copy at offset 0), vhdx (reported as "vhd":
 * libvirt's format list has no vhdx), luks (LUKS1 and LUKS2), cow, ploop, iso; anything else is
 * raw. A known magic with a version we do not know is raw, as in libvirt. */

typedef struct ImageInfo {
        VolFileFormat format;
        uint64_t capacity;     /* virtual size in bytes; the file size for raw and iso */
        uint64_t cluster_size; /* qcow2 only, 0 otherwise */
        const char *compat;    /* "1.1" for qcow2 v3, NULL otherwise; static */
        bool has_features;     /* qcow2 v3: <features> is printed, even if empty */
        unsigned features;     /* 1 << VolFeature */
        char *backing_name;    /* as stored in the header, NULL if none */
        int backing_format;    /* VolFileFormat, or -1 when the header does not say */
        bool encrypted;
        EncryptionFormat encryption; /* ENCRYPTION_DEFAULT unless encrypted */
        uint64_t payload_offset;     /* raw LUKS: where the encrypted data starts, in bytes */
} ImageInfo;

#define IMAGE_INFO_INIT ((ImageInfo){.format = VOL_FILE_RAW, .backing_format = -1})

/* Probes the header of the file open (read-only is enough) on fd, whose size is file_size
 * (st_size, or the device size of a block device). Returns 0 and fills *ret, or a negative
 * errno: -EINVAL for a hostile or broken header of a recognised format (truncated, sizes or
 * offsets out of range, a backing name too long or beyond the read bound), with the reason
 * in err (which may be NULL); -EIO etc. when reading fails. On failure *ret holds nothing to
 * free (image_info_done() is still safe). */
int image_probe_fd(int fd, uint64_t file_size, ImageInfo *ret, Error *err);

/* Frees what ImageInfo owns and resets it to IMAGE_INFO_INIT. */
void image_info_done(ImageInfo *i);

/* Whether a backing name names something qemu would open over a protocol (nbd:, rbd:,
 * http://, json:{...} ...) rather than a local file: a ':' before any '/', as qemu decides,
 * except the "file:" prefix. Such names are reported as they are and never followed. */
bool image_backing_is_network(const char *name);

/* Follows the backing chain of the image at path (relative to dirfd; AT_FDCWD works):
 * relative backing names resolve against the directory of the image naming them, network
 * names are not followed, nor is a backing file the header declares as a format without
 * backing files (raw above all: its contents are a guest's data, never a header), nor a
 * missing backing file (libvirt keeps its path and format only, so it is not an error).
 * Every image is opened read-only, and only regular files and block devices are opened.
 * Returns the number of backing images found (0: none), -ELOOP when an image appears twice
 * in the chain (by device and inode) or the chain has more than max_depth backing images,
 * or another negative errno when the top image cannot be opened or a header in the chain
 * cannot be probed, with the reason in err. */
int image_chain_check(int dirfd, const char *path, unsigned max_depth, Error *err);

/* Bytes read by image_probe_fd() in this thread since the last reset: tests assert the read
 * bounds with it. */
uint64_t image_probe_bytes_read(void);
void image_probe_reset_counter(void);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libxml/tree.h>

#include "conf/tristate.h"
#include "shared/error.h"
#include "shared/xml-writer.h"

/* <adapter> of a scsi pool: a SCSI host by name or by its parent PCI address, or a Fibre
 * Channel vHBA by WWNN/WWPN and its parent. */
typedef enum AdapterType {
        ADAPTER_DEFAULT,
        ADAPTER_SCSI_HOST,
        ADAPTER_FC_HOST,
        _ADAPTER_TYPE_MAX,
} AdapterType;

typedef struct PciAddress {
        unsigned domain, bus, slot, function;
} PciAddress;

typedef struct Adapter {
        AdapterType type;
        /* scsi_host */
        char *name;
        bool has_parent;
        int unique_id;
        PciAddress parentaddr;
        /* fc_host */
        char *parent, *parent_wwnn, *parent_wwpn, *parent_fabric_wwn;
        char *wwnn, *wwpn;
        Tristate managed;
} Adapter;

int adapter_parse(const xmlNode *node, Adapter *ret, Error *err);
/* The checks libvirt runs once the whole pool is parsed; line is the <adapter>'s. */
int adapter_validate(const Adapter *a, int line, Error *err);
void adapter_format(XmlWriter *w, const Adapter *a);
void adapter_done(Adapter *a);
bool adapter_equal(const Adapter *a, const Adapter *b);
/* 16 hex digits, optionally after "0x". */
bool wwn_is_valid(const char *wwn);

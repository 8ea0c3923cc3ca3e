/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "test-util.h"

#include "conf/pool-def.h"
#include "conf/vol-def.h"
#include "shared/error.h"

/* Every rule of the pool and volume model, as a person meets it: an invalid document is
 * refused with a message naming the problem and the line of the element at fault. The
 * offending line of each document carries the marker below; the test finds the expected
 * line from it, so the documents can be read (and edited) as they are. */
#define HERE "<!--here-->"

typedef struct BadCase {
        const char *name;
        bool volume;
        PoolType pool_type; /* volumes: the type of the pool they are parsed in */
        unsigned flags;     /* volumes: VolParseFlags */
        const char *xml;
        const char *message; /* a part of the expected message */
} BadCase;

typedef struct GoodCase {
        const char *name;
        bool volume;
        PoolType pool_type;
        unsigned flags;
        const char *xml;
        const char *contains; /* the canonical output contains this */
        const char *absent;   /* and not this (may be NULL) */
} GoodCase;

#define BAD_POOL(n, x, m) { .name = n, .xml = x, .message = m }
#define BAD_VOL(n, t, f, x, m) { .name = n, .volume = true, .pool_type = t, .flags = f, .xml = x, .message = m }
#define GOOD_POOL(n, x, c, a) { .name = n, .xml = x, .contains = c, .absent = a }
#define GOOD_VOL(n, t, f, x, c, a) { .name = n, .volume = true, .pool_type = t, .flags = f, .xml = x, .contains = c, .absent = a }

#define S10 "abcdefghij"
#define S50 S10 S10 S10 S10 S10
#define S250 S50 S50 S50 S50 S50

/* A dir pool around a <target> body. */
#define DIR_POOL_TARGET(body)                                                                  \
        "<pool type='dir'>\n"                                                                  \
        "  <name>p</name>\n"                                                                   \
        "  <target>\n"                                                                         \
        "    <path>/srv/p</path>\n" body "  </target>\n"                                       \
        "</pool>\n"

/* An iscsi pool around an <auth> element. */
#define ISCSI_POOL_AUTH(auth)                                                                  \
        "<pool type='iscsi'>\n"                                                                \
        "  <name>p</name>\n"                                                                   \
        "  <source>\n"                                                                         \
        "    <host name='san.example.com'/>\n"                                                 \
        "    <device path='iqn.2024-01.com.example:t1'/>\n" auth "  </source>\n"              \
        "  <target>\n"                                                                         \
        "    <path>/dev/disk/by-path</path>\n"                                                 \
        "  </target>\n"                                                                        \
        "</pool>\n"

/* A scsi pool around an <adapter>. */
#define SCSI_POOL_ADAPTER(adapter)                                                             \
        "<pool type='scsi'>\n"                                                                 \
        "  <name>p</name>\n"                                                                   \
        "  <source>\n" adapter "  </source>\n"                                                 \
        "  <target>\n"                                                                         \
        "    <path>/dev/disk/by-path</path>\n"                                                 \
        "  </target>\n"                                                                        \
        "</pool>\n"

/* An rbd pool around <rbd:config_opts> options. */
#define RBD_POOL_OPTS(opts)                                                                    \
        "<pool type='rbd' xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'>\n"       \
        "  <name>p</name>\n"                                                                   \
        "  <source>\n"                                                                         \
        "    <name>vms</name>\n"                                                               \
        "    <host name='mon1'/>\n"                                                            \
        "  </source>\n"                                                                        \
        "  <rbd:config_opts>\n" opts "  </rbd:config_opts>\n"                                  \
        "</pool>\n"

/* A dir pool whose first elements are sizes. */
#define DIR_POOL_SIZES(sizes)                                                                  \
        "<pool type='dir'>\n"                                                                  \
        "  <name>p</name>\n" sizes "  <target>\n"                                              \
        "    <path>/srv/p</path>\n"                                                            \
        "  </target>\n"                                                                        \
        "</pool>\n"

/* A volume around a <target> body, and one around its top-level elements. */
#define VOL_TARGET(body)                                                                       \
        "<volume>\n"                                                                           \
        "  <name>v.img</name>\n"                                                               \
        "  <capacity>1024</capacity>\n"                                                        \
        "  <target>\n"                                                                         \
        "    <path>/srv/p/v.img</path>\n" body "  </target>\n"                                 \
        "</volume>\n"
#define VOL_ENCRYPTION(enc)                                                                    \
        VOL_TARGET("    <format type='qcow2'/>\n" enc)

static const BadCase bad_cases[] = {
        /* <pool> itself */
        BAD_POOL("pool without a type attribute is refused",
                 "<?xml version='1.0'?>\n"
                 "<!-- a pool -->\n"
                 "<pool>" HERE "\n"
                 "  <name>p</name>\n"
                 "</pool>\n",
                 "<pool> is missing its 'type' attribute"),
        BAD_POOL("pool of an unknown type is refused",
                 "\n<pool type='nfs'>" HERE "\n"
                 "  <name>p</name>\n"
                 "</pool>\n",
                 "unknown storage pool type 'nfs'"),
        BAD_POOL("pool of an empty type is refused",
                 "<pool type=''>" HERE "\n"
                 "  <name>p</name>\n"
                 "</pool>\n",
                 "unknown storage pool type ''"),
        BAD_POOL("pool without a name is refused",
                 "\n\n<pool type='dir'>" HERE "\n"
                 "  <target>\n"
                 "    <path>/srv/p</path>\n"
                 "  </target>\n"
                 "</pool>\n",
                 "missing pool name: <name> is required"),
        BAD_POOL("pool with an empty name is refused",
                 "<pool type='dir'>" HERE "\n"
                 "  <name></name>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "missing pool name"),
        BAD_POOL("pool name with a slash is refused",
                 "<pool type='dir'>\n"
                 "  <uuid>0c7e4d8a-3b9f-4e21-a6d5-8f1b2c3d4e5f</uuid>\n"
                 "  <name>web/prod</name>" HERE "\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "invalid pool name 'web/prod': name must not contain '/'"),
        BAD_POOL("pool name '..' is refused",
                 "<pool type='dir'>\n"
                 "  <name>..</name>" HERE "\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "invalid pool name '..': name must not be '.' or '..'"),
        BAD_POOL("pool name '.' is refused",
                 "<pool type='dir'>\n"
                 "  <name>.</name>" HERE "\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "name must not be '.' or '..'"),
        BAD_POOL("pool name with a tab is refused",
                 "<pool type='dir'>\n"
                 "  <name>a&#9;b</name>" HERE "\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "name must not contain control characters"),
        BAD_POOL("pool name with DEL is refused",
                 "<pool type='dir'>\n"
                 "  <name>a&#127;b</name>" HERE "\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "name must not contain control characters"),
        BAD_POOL("pool name of 252 bytes is refused",
                 "<pool type='dir'>\n"
                 "  <name>" S250 "xy</name>" HERE "\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "name is too long"),
        BAD_POOL("pool name taken from the source name is checked too",
                 "<pool type='zfs'>" HERE "\n"
                 "  <source>\n"
                 "    <name>tank/vms</name>\n"
                 "  </source>\n"
                 "</pool>\n",
                 "invalid pool name 'tank/vms'"),
        BAD_POOL("pool with a malformed uuid is refused",
                 "<pool type='dir'>\n"
                 "  <name>p</name>\n"
                 "  <uuid>not-a-uuid</uuid>" HERE "\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "malformed uuid 'not-a-uuid'"),
        BAD_POOL("pool with a uuid one digit short is refused",
                 "<pool type='dir'>\n"
                 "  <name>p</name>\n"
                 "  <uuid>0c7e4d8a-3b9f-4e21-a6d5-8f1b2c3d4e5</uuid>" HERE "\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "malformed uuid"),
        BAD_POOL("pool with a uuid one byte long is refused",
                 "<pool type='dir'>\n"
                 "  <name>p</name>\n"
                 "  <uuid>0c7e4d8a-3b9f-4e21-a6d5-8f1b2c3d4e5f00</uuid>" HERE "\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "malformed uuid"),

        /* source formats, per type */
        BAD_POOL("fs pool with an unknown format is refused",
                 "<pool type='fs'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <device path='/dev/vdb1'/>\n"
                 "    <format type='ntfs'/>" HERE "\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "unknown fs pool format type 'ntfs'"),
        BAD_POOL("netfs pool with an unknown format is refused",
                 "<pool type='netfs'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host name='nas'/>\n"
                 "    <dir path='/e'/>\n"
                 "    <format type='smb'/>" HERE "\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "unknown netfs pool format type 'smb'"),
        BAD_POOL("disk pool with an unknown label type is refused",
                 "<pool type='disk'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <format type='msdos'/>" HERE "\n"
                 "    <device path='/dev/sdb'/>\n"
                 "  </source>\n"
                 "  <target><path>/dev</path></target>\n"
                 "</pool>\n",
                 "unknown disk pool format type 'msdos'"),
        BAD_POOL("logical pool with an unknown format is refused",
                 "<pool type='logical'>\n"
                 "  <name>vg</name>\n"
                 "  <source>\n"
                 "    <format type='lvm1'/>" HERE "\n"
                 "  </source>\n"
                 "</pool>\n",
                 "unknown logical pool format type 'lvm1'"),

        /* required source parts, per type */
        BAD_POOL("netfs pool without a host is refused",
                 "<pool type='netfs'>\n"
                 "  <name>p</name>\n"
                 "  <source>" HERE "\n"
                 "    <dir path='/e'/>\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "missing storage pool source host name: netfs pools need <source><host"),
        BAD_POOL("iscsi pool without a host is refused",
                 "<pool type='iscsi'>\n"
                 "  <name>p</name>\n"
                 "  <source>" HERE "\n"
                 "    <device path='iqn.2024-01.com.example:t1'/>\n"
                 "  </source>\n"
                 "  <target><path>/dev/disk/by-path</path></target>\n"
                 "</pool>\n",
                 "missing storage pool source host name: iscsi pools"),
        BAD_POOL("rbd pool without a host is refused",
                 "<pool type='rbd'>\n"
                 "  <name>p</name>\n"
                 "  <source>" HERE "\n"
                 "    <name>vms</name>\n"
                 "  </source>\n"
                 "</pool>\n",
                 "missing storage pool source host name: rbd pools"),
        BAD_POOL("sheepdog pool without any source is refused at the pool element",
                 "<pool type='sheepdog'>" HERE "\n"
                 "  <name>p</name>\n"
                 "</pool>\n",
                 "missing storage pool source host name: sheepdog pools"),
        BAD_POOL("gluster pool without a host is refused",
                 "<pool type='gluster'>\n"
                 "  <name>p</name>\n"
                 "  <source>" HERE "\n"
                 "    <name>gv0</name>\n"
                 "  </source>\n"
                 "</pool>\n",
                 "missing storage pool source host name: gluster pools"),
        BAD_POOL("host without a name is refused",
                 "<pool type='netfs'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host port='2049'/>" HERE "\n"
                 "    <dir path='/e'/>\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "<host> is missing its 'name' attribute"),
        BAD_POOL("netfs pool without a source dir is refused",
                 "<pool type='netfs'>\n"
                 "  <name>p</name>\n"
                 "  <source>" HERE "\n"
                 "    <host name='nas'/>\n"
                 "    <dir path=''/>\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "missing storage pool source path: netfs pools need <source><dir"),
        BAD_POOL("fs pool without a device is refused",
                 "<pool type='fs'>\n"
                 "  <name>p</name>\n"
                 "  <source>" HERE "\n"
                 "    <format type='ext4'/>\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "missing storage pool source device name: fs pools need <source><device"),
        BAD_POOL("disk pool without any source is refused at the pool element",
                 "<pool type='disk'>" HERE "\n"
                 "  <name>p</name>\n"
                 "  <target><path>/dev</path></target>\n"
                 "</pool>\n",
                 "missing storage pool source device name: disk pools"),
        BAD_POOL("iscsi pool without a target device is refused",
                 "<pool type='iscsi'>\n"
                 "  <name>p</name>\n"
                 "  <source>" HERE "\n"
                 "    <host name='san'/>\n"
                 "  </source>\n"
                 "  <target><path>/dev/disk/by-path</path></target>\n"
                 "</pool>\n",
                 "missing storage pool source device: iscsi pools need <source><device"),
        BAD_POOL("device without a path is refused",
                 "<pool type='fs'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <device/>" HERE "\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "<device> is missing its 'path' attribute"),
        BAD_POOL("scsi pool without an adapter is refused",
                 "<pool type='scsi'>\n"
                 "  <name>p</name>\n"
                 "  <source>" HERE "\n"
                 "  </source>\n"
                 "  <target><path>/dev/disk/by-path</path></target>\n"
                 "</pool>\n",
                 "missing storage pool source adapter"),
        BAD_POOL("iscsi-direct pool without an initiator IQN is refused",
                 "<pool type='iscsi-direct'>\n"
                 "  <name>p</name>\n"
                 "  <source>" HERE "\n"
                 "    <host name='san'/>\n"
                 "    <device path='iqn.2024-01.com.example:t1'/>\n"
                 "  </source>\n"
                 "</pool>\n",
                 "missing initiator IQN: iscsi-direct pools need <source><initiator><iqn"),
        BAD_POOL("initiator IQN with an empty name is refused at the iqn element",
                 "<pool type='iscsi-direct'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host name='san'/>\n"
                 "    <device path='iqn.2024-01.com.example:t1'/>\n"
                 "    <initiator>\n"
                 "      <iqn name=''/>" HERE "\n"
                 "    </initiator>\n"
                 "  </source>\n"
                 "</pool>\n",
                 "<iqn> has an empty 'name' attribute"),
        BAD_POOL("rbd pool without a source name is refused",
                 "<pool type='rbd'>\n"
                 "  <name>p</name>\n"
                 "  <source>" HERE "\n"
                 "    <host name='mon1'/>\n"
                 "  </source>\n"
                 "</pool>\n",
                 "element <name> is mandatory for rbd pools"),

        /* target */
        BAD_POOL("dir pool without a target is refused at the pool element",
                 "<pool type='dir'>" HERE "\n"
                 "  <name>p</name>\n"
                 "</pool>\n",
                 "missing storage pool target path: dir pools need <target><path>"),
        BAD_POOL("dir pool with a target but no path is refused at the target",
                 "<pool type='dir'>\n"
                 "  <name>p</name>\n"
                 "  <target>" HERE "\n"
                 "    <permissions><mode>0700</mode></permissions>\n"
                 "  </target>\n"
                 "</pool>\n",
                 "missing storage pool target path: dir pools"),
        BAD_POOL("mpath pool without a target path is refused",
                 "<pool type='mpath'>" HERE "\n"
                 "  <name>p</name>\n"
                 "</pool>\n",
                 "missing storage pool target path: mpath pools"),
        BAD_POOL("vstorage pool without a target path is refused",
                 "<pool type='vstorage'>\n"
                 "  <name>p</name>\n"
                 "  <source><name>c1</name></source>\n"
                 "  <target>" HERE "\n"
                 "  </target>\n"
                 "</pool>\n",
                 "missing storage pool target path: vstorage pools"),
        BAD_POOL("relative target path is refused",
                 "<pool type='dir'>\n"
                 "  <name>p</name>\n"
                 "  <target>\n"
                 "    <path>srv/pools</path>" HERE "\n"
                 "  </target>\n"
                 "</pool>\n",
                 "target path 'srv/pools' is not absolute"),

        /* hosts and devices */
        BAD_POOL("host port that is not a number is refused",
                 "<pool type='netfs'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host name='nas' port='nfs'/>" HERE "\n"
                 "    <dir path='/e'/>\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "invalid port 'nfs' of host: expected 1-65535"),
        BAD_POOL("host port above 65535 is refused",
                 "<pool type='rbd'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <name>vms</name>\n"
                 "    <host name='mon1' port='6789'/>\n"
                 "    <host name='mon2' port='65536'/>" HERE "\n"
                 "  </source>\n"
                 "</pool>\n",
                 "invalid port '65536' of host"),
        BAD_POOL("negative host port is refused",
                 "<pool type='sheepdog'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host name='sheep' port='-1'/>" HERE "\n"
                 "  </source>\n"
                 "</pool>\n",
                 "invalid port '-1' of host"),
        BAD_POOL("empty host port is refused",
                 "<pool type='sheepdog'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host name='sheep' port=''/>" HERE "\n"
                 "  </source>\n"
                 "</pool>\n",
                 "invalid port '' of host"),
        BAD_POOL("part_separator other than yes or no is refused",
                 "<pool type='disk'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <device path='/dev/mapper/mpatha' part_separator='true'/>" HERE "\n"
                 "  </source>\n"
                 "  <target><path>/dev</path></target>\n"
                 "</pool>\n",
                 "invalid value 'true' for attribute 'part_separator' of <device>: expected "
                 "yes or no"),

        /* features */
        BAD_POOL("cow state other than yes or no is refused",
                 "<pool type='dir'>\n"
                 "  <name>p</name>\n"
                 "  <features>\n"
                 "    <cow state='off'/>" HERE "\n"
                 "  </features>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "invalid value 'off' for attribute 'state' of <cow>"),
        BAD_POOL("cow without a state is refused",
                 "<pool type='fs'>\n"
                 "  <name>p</name>\n"
                 "  <source><device path='/dev/vdb1'/></source>\n"
                 "  <features>\n"
                 "    <cow/>" HERE "\n"
                 "  </features>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "<cow> is missing its 'state' attribute"),
        /* libvirt's virStoragePoolDefParseFeatures: "cow feature may only be used for 'fs'
         * and 'dir' pools". */
        BAD_POOL("cow on a pool other than fs or dir is refused",
                 "<pool type='logical'>\n"
                 "  <name>vg</name>\n"
                 "  <features>\n"
                 "    <cow state='no'/>" HERE "\n"
                 "  </features>\n"
                 "</pool>\n",
                 "cow"),

        /* protocol version */
        BAD_POOL("protocol version on a cifs netfs pool is refused",
                 "<pool type='netfs'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host name='files'/>\n"
                 "    <dir path='share'/>\n"
                 "    <format type='cifs'/>\n"
                 "    <protocol ver='3'/>" HERE "\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "<protocol ver> applies to netfs pools of format nfs or auto only"),
        BAD_POOL("protocol version on an fs pool is refused",
                 "<pool type='fs'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <device path='/dev/vdb1'/>\n"
                 "    <protocol ver='4'/>" HERE "\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "<protocol ver> applies to netfs pools"),
        BAD_POOL("protocol version that is not a number is refused",
                 "<pool type='netfs'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host name='nas'/>\n"
                 "    <dir path='/e'/>\n"
                 "    <protocol ver='four'/>" HERE "\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "invalid protocol version 'four': expected a positive integer"),
        BAD_POOL("protocol version 4.1 is refused",
                 "<pool type='netfs'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host name='nas'/>\n"
                 "    <dir path='/e'/>\n"
                 "    <format type='nfs'/>\n"
                 "    <protocol ver='4.1'/>" HERE "\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "invalid protocol version '4.1'"),
        BAD_POOL("protocol version 0 is refused",
                 "<pool type='netfs'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host name='nas'/>\n"
                 "    <dir path='/e'/>\n"
                 "    <protocol ver='0'/>" HERE "\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "</pool>\n",
                 "invalid protocol version '0'"),

        /* permissions (perms.c) */
        BAD_POOL("mode with the digit 8 is refused",
                 DIR_POOL_TARGET("    <permissions>\n"
                                 "      <mode>0800</mode>" HERE "\n"
                                 "    </permissions>\n"),
                 "invalid <mode> '0800': expected an octal mode of at most 0777"),
        BAD_POOL("symbolic mode is refused",
                 DIR_POOL_TARGET("    <permissions>\n"
                                 "      <owner>0</owner>\n"
                                 "      <mode>rwx</mode>" HERE "\n"
                                 "    </permissions>\n"),
                 "invalid <mode> 'rwx'"),
        BAD_POOL("mode with setuid bits is refused",
                 DIR_POOL_TARGET("    <permissions>\n"
                                 "      <mode>4755</mode>" HERE "\n"
                                 "    </permissions>\n"),
                 "invalid <mode> '4755'"),
        BAD_POOL("owner that is not a number is refused",
                 DIR_POOL_TARGET("    <permissions>\n"
                                 "      <owner>abc</owner>" HERE "\n"
                                 "    </permissions>\n"),
                 "invalid <owner> 'abc': expected a numeric user ID or -1"),
        BAD_POOL("owner -2 is refused",
                 DIR_POOL_TARGET("    <permissions>\n"
                                 "      <owner>-2</owner>" HERE "\n"
                                 "    </permissions>\n"),
                 "invalid <owner> '-2'"),
        BAD_POOL("owner above 32 bits is refused",
                 DIR_POOL_TARGET("    <permissions>\n"
                                 "      <owner>4294967296</owner>" HERE "\n"
                                 "    </permissions>\n"),
                 "invalid <owner> '4294967296'"),
        BAD_POOL("fractional owner is refused",
                 DIR_POOL_TARGET("    <permissions>\n"
                                 "      <owner>1.5</owner>" HERE "\n"
                                 "    </permissions>\n"),
                 "invalid <owner> '1.5'"),
        BAD_POOL("group that is not a number is refused",
                 DIR_POOL_TARGET("    <permissions>\n"
                                 "      <owner>0</owner>\n"
                                 "      <group>wheel</group>" HERE "\n"
                                 "    </permissions>\n"),
                 "invalid <group> 'wheel': expected a numeric group ID or -1"),

        /* adapters (adapter.c) */
        BAD_POOL("adapter of an unknown type is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='iscsi_host' name='host0'/>" HERE "\n"),
                 "unknown adapter type 'iscsi_host' (expected scsi_host or fc_host)"),
        BAD_POOL("adapter type 'default' is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='default' name='host0'/>" HERE "\n"),
                 "unknown adapter type 'default'"),
        BAD_POOL("fc_host adapter without a wwpn is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='fc_host'\n"
                                   "             wwnn='20000000c9831b4b'/>" HERE "\n"),
                 "adapter type 'fc_host' needs both 'wwnn' and 'wwpn'"),
        BAD_POOL("fc_host adapter with a 15-digit wwnn is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='fc_host' wwnn='20000000c9831b4' "
                                   "wwpn='10000000c9831b4b'/>" HERE "\n"),
                 "malformed wwnn '20000000c9831b4': expected 16 hexadecimal digits"),
        BAD_POOL("fc_host adapter with a non-hex wwpn is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='fc_host' wwnn='0x20000000c9831b4b' "
                                   "wwpn='10000000c9831g4b'/>" HERE "\n"),
                 "malformed wwpn '10000000c9831g4b'"),
        BAD_POOL("fc_host adapter with parent_wwnn but no parent_wwpn is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='fc_host' parent_wwnn='20000000c9848141' "
                                   "wwnn='2001001b32a9da4e' wwpn='2101001b32a9da4e'/>" HERE
                                   "\n"),
                 "'parent_wwnn' and 'parent_wwpn' must be given together"),
        BAD_POOL("fc_host adapter with a malformed parent_fabric_wwn is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='fc_host' parent_fabric_wwn='2000' "
                                   "wwnn='2001001b32a9da4e' wwpn='2101001b32a9da4e'/>" HERE
                                   "\n"),
                 "malformed parent_fabric_wwn '2000'"),
        BAD_POOL("fc_host adapter with managed other than yes or no is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='fc_host' managed='1' "
                                   "wwnn='2001001b32a9da4e' wwpn='2101001b32a9da4e'/>" HERE
                                   "\n"),
                 "invalid value '1' for attribute 'managed' of <adapter>"),
        BAD_POOL("scsi_host adapter with both a name and a parentaddr is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='scsi_host' name='host0'>" HERE "\n"
                                   "      <parentaddr unique_id='1'>\n"
                                   "        <address domain='0' bus='0' slot='31' "
                                   "function='2'/>\n"
                                   "      </parentaddr>\n"
                                   "    </adapter>\n"),
                 "adapter type 'scsi_host' takes a 'name' or a <parentaddr>, not both"),
        BAD_POOL("scsi_host adapter with neither a name nor a parentaddr is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='scsi_host'/>" HERE "\n"),
                 "adapter type 'scsi_host' needs a 'name' or a <parentaddr>"),
        BAD_POOL("parentaddr without an address is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='scsi_host'>\n"
                                   "      <parentaddr unique_id='1'>" HERE "\n"
                                   "      </parentaddr>\n"
                                   "    </adapter>\n"),
                 "<parentaddr> is missing its PCI <address> element"),
        BAD_POOL("parentaddr without a unique_id is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='scsi_host'>\n"
                                   "      <parentaddr>" HERE "\n"
                                   "        <address domain='0' bus='0' slot='31' "
                                   "function='2'/>\n"
                                   "      </parentaddr>\n"
                                   "    </adapter>\n"),
                 "missing or invalid 'unique_id' of <parentaddr>"),
        BAD_POOL("parentaddr with a negative unique_id is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='scsi_host'>\n"
                                   "      <parentaddr unique_id='-1'>" HERE "\n"
                                   "        <address domain='0' bus='0' slot='31' "
                                   "function='2'/>\n"
                                   "      </parentaddr>\n"
                                   "    </adapter>\n"),
                 "missing or invalid 'unique_id' of <parentaddr>"),
        BAD_POOL("PCI slot above 0x1f is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='scsi_host'>\n"
                                   "      <parentaddr unique_id='1'>\n"
                                   "        <address domain='0' bus='0' slot='0x20' "
                                   "function='2'/>" HERE "\n"
                                   "      </parentaddr>\n"
                                   "    </adapter>\n"),
                 "invalid PCI address slot '0x20' (at most 0x1f)"),
        BAD_POOL("PCI function above 7 is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='scsi_host'>\n"
                                   "      <parentaddr unique_id='1'>\n"
                                   "        <address domain='0' bus='0' slot='1' "
                                   "function='8'/>" HERE "\n"
                                   "      </parentaddr>\n"
                                   "    </adapter>\n"),
                 "invalid PCI address function '8' (at most 0x7)"),
        BAD_POOL("PCI bus that is not a number is refused",
                 SCSI_POOL_ADAPTER("    <adapter type='scsi_host'>\n"
                                   "      <parentaddr unique_id='1'>\n"
                                   "        <address bus='x1'/>" HERE "\n"
                                   "      </parentaddr>\n"
                                   "    </adapter>\n"),
                 "invalid PCI address bus 'x1'"),
        BAD_POOL("legacy adapter with a wwnn is refused",
                 SCSI_POOL_ADAPTER("    <adapter name='host0' wwnn='20000000c9831b4b'/>" HERE
                                   "\n"),
                 "the adapter attributes 'wwnn', 'wwpn' and 'parent' need type='fc_host'"),
        BAD_POOL("legacy adapter with a parent is refused",
                 SCSI_POOL_ADAPTER("    <adapter parent='host1'/>" HERE "\n"),
                 "need type='fc_host'"),
        BAD_POOL("legacy adapter with a parentaddr is refused",
                 SCSI_POOL_ADAPTER("    <adapter>" HERE "\n"
                                   "      <parentaddr unique_id='1'>\n"
                                   "        <address domain='0' bus='0' slot='1' "
                                   "function='0'/>\n"
                                   "      </parentaddr>\n"
                                   "    </adapter>\n"),
                 "<parentaddr> needs <adapter type='scsi_host'>"),
        BAD_POOL("legacy adapter without a name is refused",
                 SCSI_POOL_ADAPTER("    <adapter/>" HERE "\n"),
                 "missing storage pool source adapter"),

        /* auth and secrets (secret.c) */
        BAD_POOL("auth without a type is refused",
                 ISCSI_POOL_AUTH("    <auth username='u'>" HERE "\n"
                                 "      <secret usage='s'/>\n"
                                 "    </auth>\n"),
                 "<auth> is missing its 'type' attribute"),
        BAD_POOL("auth of an unknown type is refused",
                 ISCSI_POOL_AUTH("    <auth type='kerberos' username='u'>" HERE "\n"
                                 "      <secret usage='s'/>\n"
                                 "    </auth>\n"),
                 "unknown auth type 'kerberos' (expected chap or ceph)"),
        BAD_POOL("auth of type none is refused",
                 ISCSI_POOL_AUTH("    <auth type='none' username='u'>" HERE "\n"
                                 "      <secret usage='s'/>\n"
                                 "    </auth>\n"),
                 "unknown auth type 'none'"),
        BAD_POOL("auth without a username is refused",
                 ISCSI_POOL_AUTH("    <auth type='chap'>" HERE "\n"
                                 "      <secret usage='s'/>\n"
                                 "    </auth>\n"),
                 "<auth> is missing its 'username' attribute"),
        BAD_POOL("auth with an empty username is refused",
                 ISCSI_POOL_AUTH("    <auth type='chap' username=''>" HERE "\n"
                                 "      <secret usage='s'/>\n"
                                 "    </auth>\n"),
                 "<auth> is missing its 'username' attribute"),
        BAD_POOL("auth without a secret is refused",
                 ISCSI_POOL_AUTH("    <auth type='chap' username='u'>" HERE "\n"
                                 "    </auth>\n"),
                 "<auth> is missing its <secret> element"),
        BAD_POOL("secret with both a uuid and a usage is refused",
                 ISCSI_POOL_AUTH("    <auth type='chap' username='u'>\n"
                                 "      <secret usage='s'\n"
                                 "              uuid='0c7e4d8a-3b9f-4e21-a6d5-8f1b2c3d4e5f'/>"
                                 HERE "\n"
                                 "    </auth>\n"),
                 "<secret> takes a 'uuid' or a 'usage' attribute, not both"),
        BAD_POOL("secret with neither a uuid nor a usage is refused",
                 ISCSI_POOL_AUTH("    <auth type='chap' username='u'>\n"
                                 "      <secret type='iscsi'/>" HERE "\n"
                                 "    </auth>\n"),
                 "<secret> needs a 'uuid' or a 'usage' attribute"),
        BAD_POOL("secret with a malformed uuid is refused",
                 ISCSI_POOL_AUTH("    <auth type='chap' username='u'>\n"
                                 "      <secret uuid='0c7e4d8a'/>" HERE "\n"
                                 "    </auth>\n"),
                 "invalid secret uuid '0c7e4d8a'"),
        BAD_POOL("secret with an empty usage is refused",
                 ISCSI_POOL_AUTH("    <auth type='chap' username='u'>\n"
                                 "      <secret usage=''/>" HERE "\n"
                                 "    </auth>\n"),
                 "<secret> has an empty 'usage' attribute"),

        /* namespaces and refresh */
        BAD_POOL("fs mount option without a name is refused",
                 "<pool type='netfs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <host name='nas'/>\n"
                 "    <dir path='/e'/>\n"
                 "  </source>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "  <fs:mount_opts>\n"
                 "    <fs:option name='sync'/>\n"
                 "    <fs:option/>" HERE "\n"
                 "  </fs:mount_opts>\n"
                 "</pool>\n",
                 "<mount_opts> option is missing its 'name' attribute"),
        BAD_POOL("rbd option without a value is refused",
                 RBD_POOL_OPTS("    <rbd:option name='rbd_cache'/>" HERE "\n"),
                 "<config_opts> option 'rbd_cache' is missing its 'value' attribute"),
        BAD_POOL("rbd option without a name is refused",
                 RBD_POOL_OPTS("    <rbd:option value='1'/>" HERE "\n"),
                 "<config_opts> option is missing its 'name' attribute"),
        /* libvirt's virStoragePoolDefRBDNamespaceParse: "empty rbd option value specified
         * for name '%s'". */
        BAD_POOL("rbd option with an empty value is refused",
                 RBD_POOL_OPTS("    <rbd:option name='rbd_cache' value=''/>" HERE "\n"),
                 "rbd_cache"),
        BAD_POOL("unknown refresh allocation is refused",
                 "<pool type='rbd'>\n"
                 "  <name>p</name>\n"
                 "  <source>\n"
                 "    <name>vms</name>\n"
                 "    <host name='mon1'/>\n"
                 "  </source>\n"
                 "  <refresh>\n"
                 "    <volume allocation='thin'/>" HERE "\n"
                 "  </refresh>\n"
                 "</pool>\n",
                 "unknown refresh allocation 'thin' (expected default or capacity)"),
        /* libvirt parses <refresh> for every pool type (virStoragePoolDefRefreshParse runs
         * unconditionally). */
        BAD_POOL("unknown refresh allocation is refused on a dir pool too",
                 "<pool type='dir'>\n"
                 "  <name>p</name>\n"
                 "  <target><path>/srv/p</path></target>\n"
                 "  <refresh>\n"
                 "    <volume allocation='thin'/>" HERE "\n"
                 "  </refresh>\n"
                 "</pool>\n",
                 "unknown refresh allocation 'thin'"),

        /* sizes of a pool */
        BAD_POOL("pool capacity with an unknown unit is refused",
                 DIR_POOL_SIZES("  <capacity unit='GiBB'>10</capacity>" HERE "\n"),
                 "unknown unit 'GiBB' in <capacity>"),
        BAD_POOL("pool allocation that is not a number is refused",
                 DIR_POOL_SIZES("  <capacity>10</capacity>\n"
                                "  <allocation>12abc</allocation>" HERE "\n"),
                 "malformed <allocation> '12abc': expected a non-negative integer"),
        BAD_POOL("negative pool available size is refused",
                 DIR_POOL_SIZES("  <available unit='bytes'>-5</available>" HERE "\n"),
                 "malformed <available> '-5'"),
        BAD_POOL("empty pool capacity is refused",
                 DIR_POOL_SIZES("  <capacity unit='bytes'/>" HERE "\n"),
                 "malformed <capacity> ''"),
        BAD_POOL("pool capacity of 9 EiB overflows",
                 DIR_POOL_SIZES("  <capacity unit='EiB'>9</capacity>" HERE "\n"),
                 "<capacity> value '9 EiB' is too large"),
        BAD_POOL("pool capacity beyond 64 bits overflows",
                 DIR_POOL_SIZES("  <capacity>18446744073709551616</capacity>" HERE "\n"),
                 "<capacity> value '18446744073709551616' is too large"),

        /* volumes (vol-def.c) */
        BAD_VOL("volume without a name is refused", POOL_DIR, 0,
                "\n<volume>" HERE "\n"
                "  <capacity>1024</capacity>\n"
                "</volume>\n",
                "missing volume name: <name> is required"),
        BAD_VOL("volume name with a slash is refused", POOL_DIR, 0,
                "<volume>\n"
                "  <capacity>1024</capacity>\n"
                "  <name>../etc/passwd</name>" HERE "\n"
                "</volume>\n",
                "invalid volume name '../etc/passwd': name must not contain '/'"),
        BAD_VOL("volume name '..' is refused", POOL_DIR, 0,
                "<volume>\n"
                "  <name>..</name>" HERE "\n"
                "  <capacity>1024</capacity>\n"
                "</volume>\n",
                "invalid volume name '..'"),
        BAD_VOL("volume name with a newline is refused", POOL_DIR, 0,
                "<volume>\n"
                "  <name>a&#10;b</name>" HERE "\n"
                "  <capacity>1024</capacity>\n"
                "</volume>\n",
                "name must not contain control characters"),
        BAD_VOL("volume name of 256 bytes is refused", POOL_DIR, 0,
                "<volume>\n"
                "  <name>" S250 "uvwxyz</name>" HERE "\n"
                "  <capacity>1024</capacity>\n"
                "</volume>\n",
                "name is too long"),
        BAD_VOL("volume of an unknown type is refused", POOL_DIR, 0,
                "<volume type='tape'>" HERE "\n"
                "  <name>v</name>\n"
                "  <capacity>1024</capacity>\n"
                "</volume>\n",
                "unknown volume type 'tape' (expected file, block, dir, network, netdir or "
                "ploop)"),
        BAD_VOL("volume without a capacity is refused", POOL_DIR, 0,
                "<volume>" HERE "\n"
                "  <name>v</name>\n"
                "  <target><path>/srv/v</path></target>\n"
                "</volume>\n",
                "missing volume capacity: <capacity> is required"),
        BAD_VOL("volume without a capacity or a backing store is refused even when capacity "
                "is optional",
                POOL_DIR, VOL_PARSE_OPT_CAPACITY,
                "<volume>" HERE "\n"
                "  <name>v</name>\n"
                "  <target><path>/srv/v</path></target>\n"
                "</volume>\n",
                "missing volume capacity: <capacity> is required unless a <backingStore> "
                "gives it"),
        BAD_VOL("volume with a backing store but no capacity is refused when capacity is "
                "required",
                POOL_DIR, 0,
                "<volume>" HERE "\n"
                "  <name>v</name>\n"
                "  <backingStore><path>/srv/base</path></backingStore>\n"
                "</volume>\n",
                "missing volume capacity: <capacity> is required"),
        BAD_VOL("volume capacity with an unknown unit is refused", POOL_DIR, 0,
                "<volume>\n"
                "  <name>v</name>\n"
                "  <capacity unit='GiBs'>5</capacity>" HERE "\n"
                "</volume>\n",
                "unknown unit 'GiBs' in <capacity>"),
        BAD_VOL("volume capacity that is not a number is refused", POOL_DIR, 0,
                "<volume>\n"
                "  <name>v</name>\n"
                "  <capacity unit='G'>ten</capacity>" HERE "\n"
                "</volume>\n",
                "malformed <capacity> 'ten': expected a non-negative integer"),
        BAD_VOL("volume capacity of 8 EiB is too large for off_t", POOL_DIR, 0,
                "<volume>\n"
                "  <name>v</name>\n"
                "  <capacity unit='EiB'>8</capacity>" HERE "\n"
                "</volume>\n",
                "<capacity> value '8 EiB' is too large"),
        BAD_VOL("volume capacity of 2^63 bytes is too large", POOL_DIR, 0,
                "<volume>\n"
                "  <name>v</name>\n"
                "  <capacity>9223372036854775808</capacity>" HERE "\n"
                "</volume>\n",
                "<capacity> value '9223372036854775808' is too large"),
        BAD_VOL("volume allocation with an unknown unit is refused", POOL_DIR, 0,
                "<volume>\n"
                "  <name>v</name>\n"
                "  <capacity>1024</capacity>\n"
                "  <allocation unit='blocks'>2</allocation>" HERE "\n"
                "</volume>\n",
                "unknown unit 'blocks' in <allocation>"),
        BAD_VOL("cluster size that is not a number is refused", POOL_DIR, 0,
                VOL_TARGET("    <format type='qcow2'/>\n"
                           "    <clusterSize unit='KiB'>big</clusterSize>" HERE "\n"),
                "malformed <clusterSize> 'big'"),
        BAD_VOL("unknown file format is refused in a dir pool", POOL_DIR, 0,
                VOL_TARGET("    <format type='qcow3'/>" HERE "\n"),
                "unknown volume format type 'qcow3' for a dir pool"),
        BAD_VOL("file format 'none' is refused in a dir pool", POOL_DIR, 0,
                VOL_TARGET("    <format type='none'/>" HERE "\n"),
                "unknown volume format type 'none' for a dir pool"),
        BAD_VOL("file format is refused in a disk pool", POOL_DISK, 0,
                VOL_TARGET("    <format type='raw'/>" HERE "\n"),
                "unknown volume format type 'raw' for a disk pool"),
        BAD_VOL("partition type is refused in a netfs pool", POOL_NETFS, 0,
                VOL_TARGET("    <format type='linux-swap'/>" HERE "\n"),
                "unknown volume format type 'linux-swap' for a netfs pool"),
        BAD_VOL("unknown backing store format is refused", POOL_DIR, 0,
                "<volume>\n"
                "  <name>v</name>\n"
                "  <capacity>1024</capacity>\n"
                "  <backingStore>\n"
                "    <path>/srv/base</path>\n"
                "    <format type='vhdx'/>" HERE "\n"
                "  </backingStore>\n"
                "</volume>\n",
                "unknown volume format type 'vhdx' for a dir pool"),
        BAD_VOL("bad owner of a backing store is refused", POOL_DIR, 0,
                "<volume>\n"
                "  <name>v</name>\n"
                "  <capacity>1024</capacity>\n"
                "  <backingStore>\n"
                "    <path>/srv/base</path>\n"
                "    <permissions>\n"
                "      <owner>qemu</owner>" HERE "\n"
                "    </permissions>\n"
                "  </backingStore>\n"
                "</volume>\n",
                "invalid <owner> 'qemu'"),
        BAD_VOL("bad mode of a volume target is refused", POOL_DIR, 0,
                VOL_TARGET("    <permissions>\n"
                           "      <mode>0888</mode>" HERE "\n"
                           "    </permissions>\n"),
                "invalid <mode> '0888'"),
        BAD_VOL("compat without a minor version is refused", POOL_DIR, 0,
                VOL_TARGET("    <format type='qcow2'/>\n"
                           "    <compat>1</compat>" HERE "\n"),
                "malformed <compat> '1': expected MAJOR.MINOR, e.g. 1.1"),
        BAD_VOL("compat with a letter is refused", POOL_DIR, 0,
                VOL_TARGET("    <format type='qcow2'/>\n"
                           "    <compat>1.x</compat>" HERE "\n"),
                "malformed <compat> '1.x'"),
        BAD_VOL("compat of letters is refused", POOL_DIR, 0,
                VOL_TARGET("    <format type='qcow2'/>\n"
                           "    <compat>a.b</compat>" HERE "\n"),
                "malformed <compat> 'a.b'"),
        BAD_VOL("compat with three parts is refused", POOL_DIR, 0,
                VOL_TARGET("    <format type='qcow2'/>\n"
                           "    <compat>1.1.0</compat>" HERE "\n"),
                "malformed <compat> '1.1.0'"),
        BAD_VOL("compat without a major version is refused", POOL_DIR, 0,
                VOL_TARGET("    <format type='qcow2'/>\n"
                           "    <compat>.10</compat>" HERE "\n"),
                "malformed <compat> '.10'"),
        BAD_VOL("unsupported volume feature is refused", POOL_DIR, 0,
                VOL_TARGET("    <format type='qcow2'/>\n"
                           "    <features>\n"
                           "      <lazy_refcounts/>\n"
                           "      <zeroes/>" HERE "\n"
                           "    </features>\n"),
                "unsupported volume feature <zeroes> (expected lazy_refcounts or extended_l2)"),

        /* encryption (encryption.c) */
        BAD_VOL("encryption without a format is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption>" HERE "\n"
                               "    </encryption>\n"),
                "<encryption> is missing its 'format' attribute"),
        BAD_VOL("encryption of an unknown format is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='aes'>" HERE "\n"
                               "    </encryption>\n"),
                "unknown encryption format 'aes' (expected default, qcow, luks, luks2 or "
                "luks-any)"),
        BAD_VOL("encryption with an unknown engine is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='luks' engine='kernel'>" HERE "\n"
                               "    </encryption>\n"),
                "unknown encryption engine 'kernel' (expected qemu or librbd)"),
        BAD_VOL("encryption secret without a type is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='luks'>\n"
                               "      <secret uuid='0c7e4d8a-3b9f-4e21-a6d5-8f1b2c3d4e5f'/>"
                               HERE "\n"
                               "    </encryption>\n"),
                "encryption <secret> is missing its 'type' attribute"),
        BAD_VOL("encryption secret of a type other than passphrase is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='qcow'>\n"
                               "      <secret type='volume' usage='x'/>" HERE "\n"
                               "    </encryption>\n"),
                "unknown encryption secret type 'volume' (expected passphrase)"),
        BAD_VOL("encryption secret with a malformed uuid is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='luks'>\n"
                               "      <secret type='passphrase' uuid='xyz'/>" HERE "\n"
                               "    </encryption>\n"),
                "invalid secret uuid 'xyz'"),
        BAD_VOL("encryption secret with neither uuid nor usage is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='luks'>\n"
                               "      <secret type='passphrase'/>" HERE "\n"
                               "    </encryption>\n"),
                "<secret> needs a 'uuid' or a 'usage' attribute"),
        BAD_VOL("luks cipher without a name is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='luks'>\n"
                               "      <cipher size='256'/>" HERE "\n"
                               "    </encryption>\n"),
                "<cipher> is missing its 'name' attribute"),
        BAD_VOL("luks cipher without a size is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='luks'>\n"
                               "      <cipher name='aes' mode='xts'/>" HERE "\n"
                               "    </encryption>\n"),
                "<cipher> is missing its 'size' attribute"),
        BAD_VOL("luks cipher with a size that is not a number is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='luks'>\n"
                               "      <cipher name='aes' size='256bit'/>" HERE "\n"
                               "    </encryption>\n"),
                "invalid cipher size '256bit'"),
        BAD_VOL("luks cipher with a negative size is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='luks'>\n"
                               "      <cipher name='aes' size='-256'/>" HERE "\n"
                               "    </encryption>\n"),
                "invalid cipher size '-256'"),
        BAD_VOL("luks ivgen without a name is refused", POOL_DIR, 0,
                VOL_ENCRYPTION("    <encryption format='luks'>\n"
                               "      <cipher name='aes' size='256'/>\n"
                               "      <ivgen hash='sha256'/>" HERE "\n"
                               "    </encryption>\n"),
                "<ivgen> is missing its 'name' attribute"),
};

static const GoodCase good_cases[] = {
        GOOD_POOL("owner and group -1 are accepted and mean unset",
                  DIR_POOL_TARGET("    <permissions>\n"
                                  "      <mode>0700</mode>\n"
                                  "      <owner>-1</owner>\n"
                                  "      <group>-1</group>\n"
                                  "    </permissions>\n"),
                  "    <permissions>\n      <mode>0700</mode>\n    </permissions>\n", "<owner>"),
        GOOD_POOL("owner with surrounding white space is accepted",
                  DIR_POOL_TARGET("    <permissions>\n"
                                  "      <owner> 42 </owner>\n"
                                  "    </permissions>\n"),
                  "<owner>42</owner>", NULL),
        GOOD_POOL("uuid without dashes is accepted",
                  "<pool type='dir'>\n"
                  "  <name>p</name>\n"
                  "  <uuid>0C7E4D8A3B9F4E21A6D58F1B2C3D4E5F</uuid>\n"
                  "  <target><path>/srv/p</path></target>\n"
                  "</pool>\n",
                  "<uuid>0c7e4d8a-3b9f-4e21-a6d5-8f1b2c3d4e5f</uuid>", NULL),
        GOOD_POOL("uuid with spaces between byte pairs and around is accepted",
                  "<pool type='dir'>\n"
                  "  <name>p</name>\n"
                  "  <uuid>\n    0c7e4d8a 3b9f 4e21 a6d5 8f1b2c3d4e5f\n  </uuid>\n"
                  "  <target><path>/srv/p</path></target>\n"
                  "</pool>\n",
                  "<uuid>0c7e4d8a-3b9f-4e21-a6d5-8f1b2c3d4e5f</uuid>", NULL),
        GOOD_POOL("empty source is accepted for a dir pool",
                  "<pool type='dir'>\n"
                  "  <name>p</name>\n"
                  "  <source/>\n"
                  "  <target><path>/srv/p</path></target>\n"
                  "</pool>\n",
                  "  <source>\n  </source>\n", NULL),
        GOOD_POOL("pool name of 251 bytes is accepted",
                  "<pool type='dir'>\n"
                  "  <name>" S250 "x</name>\n"
                  "  <target><path>/srv/p</path></target>\n"
                  "</pool>\n",
                  "<name>" S250 "x</name>", NULL),
        GOOD_POOL("pool name in UTF-8 with spaces is accepted and escaped",
                  "<pool type='dir'>\n"
                  "  <name>Bücher &amp; Filme</name>\n"
                  "  <target><path>/srv/p</path></target>\n"
                  "</pool>\n",
                  "<name>Bücher &amp; Filme</name>", NULL),
        GOOD_POOL("host port 65535 is accepted",
                  "<pool type='sheepdog'>\n"
                  "  <name>p</name>\n"
                  "  <source><host name='sheep' port='65535'/></source>\n"
                  "</pool>\n",
                  "<host name='sheep' port='65535'/>", NULL),
        GOOD_POOL("host port 0 is accepted and means no port",
                  "<pool type='sheepdog'>\n"
                  "  <name>p</name>\n"
                  "  <source><host name='sheep' port='0'/></source>\n"
                  "</pool>\n",
                  "<host name='sheep'/>", "port="),
        GOOD_POOL("part_separator no is kept",
                  "<pool type='disk'>\n"
                  "  <name>p</name>\n"
                  "  <source><device path='/dev/mapper/mpatha' part_separator='no'/></source>\n"
                  "  <target><path>/dev</path></target>\n"
                  "</pool>\n",
                  "<device path='/dev/mapper/mpatha' part_separator='no'/>", NULL),
        GOOD_POOL("cow state yes is kept on an fs pool",
                  "<pool type='fs'>\n"
                  "  <name>p</name>\n"
                  "  <features><cow state='yes'/></features>\n"
                  "  <source><device path='/dev/vdb1'/></source>\n"
                  "  <target><path>/srv/p</path></target>\n"
                  "</pool>\n",
                  "  <features>\n    <cow state='yes'/>\n  </features>\n", NULL),
        GOOD_POOL("pool sizes with valid units are accepted and not printed",
                  DIR_POOL_SIZES("  <capacity unit='TB'>2</capacity>\n"
                                 "  <allocation unit='kib'>7</allocation>\n"
                                 "  <available unit='bytes'>0</available>\n"),
                  "<capacity unit='bytes'>0</capacity>", NULL),
        GOOD_POOL("protocol version on a netfs pool of format auto is accepted",
                  "<pool type='netfs'>\n"
                  "  <name>p</name>\n"
                  "  <source>\n"
                  "    <host name='nas'/>\n"
                  "    <dir path='/e'/>\n"
                  "    <protocol ver='3'/>\n"
                  "  </source>\n"
                  "  <target><path>/srv/p</path></target>\n"
                  "</pool>\n",
                  "    <format type='auto'/>\n    <protocol ver='3'/>\n", NULL),
        GOOD_POOL("fc_host adapter with 0x-prefixed wwns and a parent_fabric_wwn is accepted",
                  SCSI_POOL_ADAPTER("    <adapter type='fc_host' parent='scsi_host5' "
                                    "parent_fabric_wwn='0x2000000533f4c0a1' "
                                    "wwnn='0x2001001b32a9da4e' wwpn='0x2101001b32a9da4e'/>\n"),
                  "<adapter type='fc_host' parent='scsi_host5' "
                  "parent_fabric_wwn='0x2000000533f4c0a1' wwnn='0x2001001b32a9da4e' "
                  "wwpn='0x2101001b32a9da4e'/>",
                  NULL),
        GOOD_POOL("secret type of an auth is kept",
                  ISCSI_POOL_AUTH("    <auth type='chap' username='u'>\n"
                                  "      <secret type='iscsi' usage='s'/>\n"
                                  "    </auth>\n"),
                  "<secret type='iscsi' usage='s'/>", NULL),
        GOOD_POOL("empty fs mount_opts prints no namespace",
                  "<pool type='fs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'>\n"
                  "  <name>p</name>\n"
                  "  <source><device path='/dev/vdb1'/></source>\n"
                  "  <target><path>/srv/p</path></target>\n"
                  "  <fs:mount_opts/>\n"
                  "</pool>\n",
                  "<pool type='fs'>\n", "mount_opts"),
        GOOD_POOL("mount_opts in another namespace are ignored",
                  "<pool type='fs' xmlns:x='http://example.com/not-libvirt'>\n"
                  "  <name>p</name>\n"
                  "  <source><device path='/dev/vdb1'/></source>\n"
                  "  <target><path>/srv/p</path></target>\n"
                  "  <x:mount_opts><x:option name='sync'/></x:mount_opts>\n"
                  "</pool>\n",
                  "<pool type='fs'>\n", "sync"),
        GOOD_POOL("refresh allocation default is kept on an rbd pool",
                  "<pool type='rbd'>\n"
                  "  <name>p</name>\n"
                  "  <source><name>vms</name><host name='mon1'/></source>\n"
                  "  <refresh><volume allocation='default'/></refresh>\n"
                  "</pool>\n",
                  "  <refresh>\n    <volume allocation='default'/>\n  </refresh>\n", NULL),
        GOOD_VOL("volume capacity of 2^63-1 bytes is accepted", POOL_DIR, 0,
                 "<volume>\n"
                 "  <name>v</name>\n"
                 "  <capacity>9223372036854775807</capacity>\n"
                 "</volume>\n",
                 "<capacity unit='bytes'>9223372036854775807</capacity>", NULL),
        GOOD_VOL("volume units are case-insensitive and decimal units are powers of 1000",
                 POOL_DIR, 0,
                 "<volume>\n"
                 "  <name>v</name>\n"
                 "  <capacity unit='gb'>3</capacity>\n"
                 "  <allocation unit='MIB'>2</allocation>\n"
                 "</volume>\n",
                 "  <capacity unit='bytes'>3000000000</capacity>\n"
                 "  <allocation unit='bytes'>2097152</allocation>\n",
                 NULL),
        GOOD_VOL("volume name of 255 bytes is accepted", POOL_DIR, 0,
                 "<volume>\n"
                 "  <name>" S250 "vwxyz</name>\n"
                 "  <capacity>1</capacity>\n"
                 "</volume>\n",
                 "<name>" S250 "vwxyz</name>", NULL),
        GOOD_VOL("partition type none is accepted in a disk pool", POOL_DISK, 0,
                 VOL_TARGET("    <format type='none'/>\n"), "<format type='none'/>", NULL),
        GOOD_VOL("volume format is ignored where the pool has none", POOL_ZFS, 0,
                 VOL_TARGET("    <format type='no-such-format'/>\n"), "<path>/srv/p/v.img</path>",
                 "<format"),
        GOOD_VOL("empty compat is no compat", POOL_DIR, 0,
                 VOL_TARGET("    <format type='qcow2'/>\n    <compat></compat>\n"),
                 "<format type='qcow2'/>", "<compat>"),
        GOOD_VOL("compat 0.10 is kept with its features", POOL_DIR, 0,
                 VOL_TARGET("    <format type='qcow2'/>\n"
                            "    <compat>0.10</compat>\n"
                            "    <features><lazy_refcounts/></features>\n"),
                 "    <compat>0.10</compat>\n    <features>\n      <lazy_refcounts/>\n"
                 "    </features>\n",
                 NULL),
        GOOD_VOL("cipher and ivgen of a qcow encryption are ignored", POOL_DIR, 0,
                 VOL_ENCRYPTION("    <encryption format='qcow'>\n"
                                "      <cipher name='aes' size='nope'/>\n"
                                "      <ivgen/>\n"
                                "    </encryption>\n"),
                 "    <encryption format='qcow'>\n    </encryption>\n", "cipher"),
        GOOD_VOL("encryption engine librbd is kept", POOL_RBD, 0,
                 VOL_TARGET("    <encryption format='luks2' engine='librbd'>\n"
                            "      <secret type='passphrase' usage='rbd-key'/>\n"
                            "    </encryption>\n"),
                 "    <encryption format='luks2' engine='librbd'>\n"
                 "      <secret type='passphrase' usage='rbd-key'/>\n"
                 "    </encryption>\n",
                 NULL),
        GOOD_VOL("nocow is accepted and not printed", POOL_DIR, 0,
                 VOL_TARGET("    <nocow/>\n"), "<path>/srv/p/v.img</path>", "nocow"),
        GOOD_VOL("volume type ploop is accepted", POOL_DIR, 0,
                 "<volume type='ploop'>\n"
                 "  <name>ct</name>\n"
                 "  <capacity>0</capacity>\n"
                 "</volume>\n",
                 "<volume type='ploop'>\n", NULL),
};

static int marker_line(const char *xml) {
        const char *m = NULL;
        int line = 1, markers = 0;

        for (const char *p = xml; *p; p++) {
                if (strncmp(p, HERE, strlen(HERE)) == 0) {
                        m = p;
                        markers++;
                }
        }
        if (markers != 1)
                fail_msg("test document has %d " HERE " markers, expected 1:\n%s", markers, xml);
        for (const char *p = xml; p < m; p++)
                if (*p == '\n')
                        line++;
        return line;
}

static void test_invalid_document_is_refused_with_message_and_line(void **state) {
        const BadCase *c = *state;
        _cleanup_error_ Error e = ERROR_INIT;
        int expected_line = marker_line(c->xml);
        int r;

        if (c->volume) {
                VolDef *def = NULL;

                r = vol_def_parse_string(c->xml, strlen(c->xml), c->pool_type, c->flags, &def,
                                         &e);
                if (r >= 0) {
                        _cleanup_free_ char *out = vol_def_format(def, c->pool_type);
                        vol_def_free(def);
                        fail_msg("accepted, printed as:\n%s", out);
                }
                assert_null(def);
        } else {
                PoolDef *def = NULL;

                r = pool_def_parse_string(c->xml, strlen(c->xml), &def, &e);
                if (r >= 0) {
                        _cleanup_free_ char *out = pool_def_format(def, NULL);
                        pool_def_free(def);
                        fail_msg("accepted, printed as:\n%s", out);
                }
                assert_null(def);
        }
        assert_int_equal(r, -EINVAL);
        assert_non_null(e.message);
        assert_contains(e.message, c->message);
        if (e.line != expected_line)
                fail_msg("error \"%s\" is on line %d, expected line %d", e.message, e.line,
                         expected_line);
}

static void test_valid_document_is_accepted(void **state) {
        const GoodCase *c = *state;
        _cleanup_error_ Error e = ERROR_INIT;
        _cleanup_free_ char *out = NULL;
        int r;

        if (c->volume) {
                _cleanup_vol_def_ VolDef *def = NULL;

                r = vol_def_parse_string(c->xml, strlen(c->xml), c->pool_type, c->flags, &def,
                                         &e);
                if (r < 0)
                        fail_msg("refused on line %d: %s", e.line, e.message);
                out = vol_def_format(def, c->pool_type);
        } else {
                _cleanup_pool_def_ PoolDef *def = NULL;

                r = pool_def_parse_string(c->xml, strlen(c->xml), &def, &e);
                if (r < 0)
                        fail_msg("refused on line %d: %s", e.line, e.message);
                out = pool_def_format(def, NULL);
        }
        assert_null(e.message);
        assert_contains(out, c->contains);
        if (c->absent && strstr(out, c->absent))
                fail_msg("expected \"%s\" not to contain \"%s\"", out, c->absent);
}

/* The first problem is the one reported, and parsing a file names it. */
static void test_error_reports_file_name_and_first_problem(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        _cleanup_free_ char *dir = test_mkdtemp(), *path = NULL, *msg = NULL;
        PoolDef *def = NULL;

        test_write_file(dir, "two-errors.xml",
                        "<pool type='dir'>\n"
                        "  <name>a/b</name>\n"
                        "  <target><path>relative</path></target>\n"
                        "</pool>\n");
        path = xasprintf("%s/two-errors.xml", dir);
        assert_true(pool_def_parse_file(AT_FDCWD, path, &def, &e) < 0);
        assert_null(def);
        assert_string_equal(e.file, path);
        assert_int_equal(e.line, 2);
        assert_contains(e.message, "invalid pool name 'a/b'");
        msg = error_to_string(&e);
        assert_contains(msg, "two-errors.xml:2: invalid pool name");
        test_rm_rf(dir);
}

static void test_missing_file_is_reported(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        PoolDef *pool = NULL;
        VolDef *vol = NULL;

        assert_int_equal(pool_def_parse_file(AT_FDCWD, "/nonexistent/p.xml", &pool, &e),
                         -ENOENT);
        assert_null(pool);
        assert_string_equal(e.file, "/nonexistent/p.xml");
        assert_contains(e.message, "cannot read file");
        error_clear(&e);
        assert_int_equal(vol_def_parse_file(AT_FDCWD, "/nonexistent/v.xml", POOL_DIR, 0, &vol,
                                            &e),
                         -ENOENT);
        assert_null(vol);
        assert_contains(e.message, "cannot read file");
}

static void test_wrong_root_element_is_refused(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        static const char pool_as_vol[] = "<pool type='dir'>\n  <name>p</name>\n</pool>\n";
        static const char vol_as_pool[] = "<volume>\n  <name>v</name>\n</volume>\n";
        PoolDef *pool = NULL;
        VolDef *vol = NULL;

        assert_true(vol_def_parse_string(pool_as_vol, strlen(pool_as_vol), POOL_DIR, 0, &vol,
                                         &e) < 0);
        assert_null(vol);
        assert_contains(e.message, "unexpected root element <pool>, expecting <volume>");
        error_clear(&e);
        assert_true(pool_def_parse_string(vol_as_pool, strlen(vol_as_pool), &pool, &e) < 0);
        assert_null(pool);
        assert_contains(e.message, "unexpected root element <volume>, expecting <pool>");
}

int main(void) {
        const struct CMUnitTest other[] = {
                cmocka_unit_test(test_error_reports_file_name_and_first_problem),
                cmocka_unit_test(test_missing_file_is_reported),
                cmocka_unit_test(test_wrong_root_element_is_refused),
        };
        struct CMUnitTest bad[ELEMENTSOF(bad_cases)];
        struct CMUnitTest good[ELEMENTSOF(good_cases)];
        int failed;

        for (size_t i = 0; i < ELEMENTSOF(bad_cases); i++)
                bad[i] = (struct CMUnitTest){
                        .name = bad_cases[i].name,
                        .test_func = test_invalid_document_is_refused_with_message_and_line,
                        .initial_state = (void *) &bad_cases[i],
                };
        for (size_t i = 0; i < ELEMENTSOF(good_cases); i++)
                good[i] = (struct CMUnitTest){
                        .name = good_cases[i].name,
                        .test_func = test_valid_document_is_accepted,
                        .initial_state = (void *) &good_cases[i],
                };

        failed = cmocka_run_group_tests_name("invalid documents", bad, NULL, NULL);
        failed += cmocka_run_group_tests_name("valid but unusual documents", good, NULL, NULL);
        failed += cmocka_run_group_tests_name("errors", other, NULL, NULL);
        return failed;
}

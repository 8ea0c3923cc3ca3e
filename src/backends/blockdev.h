/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Does the block device rdev hold a medium? false when the kernel says its size is 0: a loop
 * device with no file attached (detaching one leaves the node behind), a card reader or an
 * optical drive without a medium. Such a device counts as absent: the pool waits for it, as
 * the udev watcher reports it gone. Read from sysfs (/sys/dev/block/MAJ:MIN/size): the device
 * itself is never opened. true when sysfs cannot tell (no sysfs: assume present). */
bool block_device_has_medium(dev_t rdev);

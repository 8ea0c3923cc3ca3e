/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Devices and mounts: which pools an event concerns, and what it means for them.
 *
 * The rules (docs/hotplug.md):
 * - A device concerns a pool when one of its names (devnode, every DEVLINKS entry, the
 *   by-uuid/by-label/by-partuuid names built from its properties) is the source the
 *   definition names, or when it is the device that matched last time (a loop device that
 *   detaches reports a "change" without its filesystem's UUID, so by-uuid alone would miss it).
 * - A device that appears wakes a waiting pool at once. A device that goes away under a
 *   running pool opens a debounce window: if it is back before the window closes, the pool
 *   keeps running (its storage is checked again); otherwise what start set up is released
 *   without touching the device (a lazy unmount) and the pool waits for it.
 * - A mount change at a running pool's target is checked; a pool whose mount was removed by
 *   hand is held: it is not mounted again until its device returns, its mount comes back, or
 *   pool-start asks.
 * - The partitions of a disk pool's disk coming and going refresh its volume list. */
#include <inttypes.h>
#include <time.h>

#include "reconcile/reconciler-internal.h"
#include "shared/log.h"

bool pool_get_deps(const Pool *p, PoolDeps *ret) {
        const PoolDef *def = pool_current_def(p);
        const Backend *be = def ? backend_for(def->type) : NULL;

        *ret = (PoolDeps){};
        if (!be || !be->dependencies)
                return false;
        if (be->dependencies(def, ret) < 0) {
                pool_deps_done(ret);
                return false;
        }
        return true;
}

void pool_devices_done(Pool *p) {
        p->lost_timer = sd_event_source_disable_unref(p->lost_timer);
        free(p->dev_syspath);
        p->dev_syspath = NULL;
}

static uint64_t now_monotonic(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static bool names_intersect(char *const *wanted, char *const *names) {
        if (!wanted || !names)
                return false;
        for (char *const *w = wanted; *w; w++)
                for (char *const *n = names; *n; n++)
                        if (streq(*w, *n))
                                return true;
        return false;
}

static const char *pool_device_name(const PoolDeps *deps) {
        return deps->devices && deps->devices[0] ? deps->devices[0] : "its device";
}

static int on_lost_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Pool *p = userdata;

        p->lost_timer = sd_event_source_disable_unref(p->lost_timer);
        if (p->device_state == 0 && pool_is_active(p)) {
                p->needs_release = true;
                pool_mark_dirty(p);
        }
        return 0;
}

static void pool_device_gone(Pool *p, const PoolDeps *deps) {
        uint64_t window = p->rec->cfg.device_debounce_usec;

        p->device_state = 0;
        p->device_up_usec = 0;
        if (!pool_is_active(p) || p->lost_timer || p->needs_release)
                return; /* a start in flight sees it when it ends (pool_devices_started) */
        p->device_down_usec = now_monotonic();
        log_pool_warning(p->name, "Pool %s: device %s went away", p->name,
                         pool_device_name(deps));
        if (window == 0) {
                p->needs_release = true;
                pool_mark_dirty(p);
                return;
        }
        pool_set_phase(p, PHASE_DEGRADED, "device %s is gone; stopping in %" PRIu64
                       " ms unless it returns", pool_device_name(deps), window / 1000);
        if (sd_event_add_time_relative(p->rec->event, &p->lost_timer, CLOCK_MONOTONIC, window, 0,
                                       on_lost_timer, p) < 0) {
                p->needs_release = true;
                pool_mark_dirty(p);
        }
}

static void pool_device_present(Pool *p, const char *syspath) {
        int was = p->device_state;

        if (syspath && !streq_ptr(p->dev_syspath, syspath)) {
                free(p->dev_syspath);
                p->dev_syspath = xstrdup(syspath);
        }
        p->device_state = 1;
        if (p->lost_timer) {
                /* Back within the window: the pool keeps running if its storage is fine (a
                 * re-plugged disk may be a new device under a stale mount). */
                p->lost_timer = sd_event_source_disable_unref(p->lost_timer);
                p->device_down_usec = 0;
                log_pool_info(p->name, "Pool %s: its device is back", p->name);
                p->needs_verify = true;
                p->verify_by_hand = false;
                pool_mark_dirty(p);
                return;
        }
        if (was == 0 && p->held) {
                log_pool_info(p->name, "Pool %s: its device returned, no longer held", p->name);
                p->held = false;
        }
        if (pool_is_wanted(p) && !pool_is_active(p)) {
                if (!p->device_up_usec)
                        p->device_up_usec = now_monotonic();
                p->retry_now = true;
                pool_mark_dirty(p);
        }
}

void reconciler_device_event(Reconciler *rec, const char *action, const char *syspath,
                             char *const *names, char *const *parent_names) {
        bool gone = streq(action, "remove");

        for (size_t i = 0; i < rec->n_pools; i++) {
                Pool *p = rec->pools[i];
                PoolDeps deps;
                bool match;

                if (!pool_get_deps(p, &deps))
                        continue;
                if (!deps.devices) {
                        pool_deps_done(&deps);
                        continue;
                }
                match = names_intersect(deps.devices, names) ||
                        (syspath && streq_ptr(p->dev_syspath, syspath));
                if (match) {
                        if (gone)
                                pool_device_gone(p, &deps);
                        else {
                                /* A running pool without a directory of its own (a disk)
                                 * reads its device again: its partitions may have moved. */
                                if (streq(action, "change") && pool_is_active(p) &&
                                    !deps.watch_dir) {
                                        p->needs_full_refresh = true;
                                        pool_mark_dirty(p);
                                }
                                pool_device_present(p, syspath);
                        }
                } else if (pool_is_active(p) && names_intersect(deps.devices, parent_names)) {
                        /* A partition of the pool's disk came, went or changed. */
                        p->needs_full_refresh = true;
                        pool_mark_dirty(p);
                }
                pool_deps_done(&deps);
        }
}

void reconciler_devices_overflow(Reconciler *rec) {
        for (size_t i = 0; i < rec->n_pools; i++) {
                Pool *p = rec->pools[i];
                PoolDeps deps;

                if (!pool_get_deps(p, &deps))
                        continue;
                if (deps.devices) {
                        if (pool_is_active(p)) {
                                p->needs_verify = true;
                                p->verify_by_hand = false;
                                pool_mark_dirty(p);
                        } else if (pool_is_wanted(p)) {
                                p->retry_now = true;
                                pool_mark_dirty(p);
                        }
                }
                pool_deps_done(&deps);
        }
}

/* Targets are compared as the kernel shows them: absolute, no trailing slash. */
static bool same_target(const char *def_target, const char *target) {
        size_t n = strlen(def_target);

        while (n > 1 && def_target[n - 1] == '/')
                n--;
        return strlen(target) == n && strncmp(def_target, target, n) == 0;
}

void reconciler_mount_event(Reconciler *rec, const char *target, bool mounted) {
        for (size_t i = 0; i < rec->n_pools; i++) {
                Pool *p = rec->pools[i];
                PoolDeps deps;

                if (!pool_get_deps(p, &deps))
                        continue;
                if (deps.mount_target && same_target(deps.mount_target, target)) {
                        if (pool_is_active(p)) {
                                /* Ours, or someone else's? check tells. */
                                p->needs_verify = true;
                                p->verify_by_hand = true;
                                pool_mark_dirty(p);
                        } else if (mounted && pool_is_wanted(p) && !p->job) {
                                /* A mount appeared where a waiting pool mounts: start adopts
                                 * it when it is the pool's device (no second mount). */
                                if (p->held)
                                        log_pool_info(p->name,
                                                      "Pool %s: mounted again, no longer held",
                                                      p->name);
                                p->held = false;
                                p->retry_now = true;
                                pool_mark_dirty(p);
                        }
                }
                pool_deps_done(&deps);
        }
}

void pool_devices_started(Pool *p) {
        PoolDeps deps;

        if (p->device_up_usec)
                log_pool_info(p->name, "Pool %s: running %.2f ms after its device appeared",
                              p->name, (double) (now_monotonic() - p->device_up_usec) / 1000);
        p->device_up_usec = 0;
        p->held = false;
        if (p->device_state != 0 || !pool_get_deps(p, &deps))
                return;
        if (deps.devices)
                pool_device_gone(p, &deps);
        pool_deps_done(&deps);
}

void pool_storage_lost(Pool *p, bool by_hand, const char *what) {
        _cleanup_free_ char *gone = NULL;
        PoolDeps deps;

        if (p->device_down_usec)
                log_pool_info(p->name, "Pool %s: stopped %.2f ms after its device went away",
                              p->name, (double) (now_monotonic() - p->device_down_usec) / 1000);
        p->device_down_usec = 0;

        if (p->device_state == 0 && pool_get_deps(p, &deps)) {
                gone = xasprintf("device %s is gone", pool_device_name(&deps));
                pool_deps_done(&deps);
        }
        if (by_hand && !gone) {
                p->held = true;
                pool_set_phase(p, PHASE_WAITING,
                               "%s; not mounted again until its device returns or pool-start",
                               what);
        } else if (pool_is_wanted(p)) {
                pool_set_phase(p, PHASE_WAITING, "%s", gone ? gone : what);
                if (!gone)
                        p->retry_now = true; /* the device is there: set it up again */
        }
}

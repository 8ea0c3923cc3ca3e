/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "reconcile/runtime.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/path.h"

const char *intent_to_string(Intent i) {
        switch (i) {
        case INTENT_START: return "start";
        case INTENT_STOP: return "stop";
        default: return "none";
        }
}

static int open_subdir(const char *dir, const char *sub) {
        _cleanup_free_ char *p = path_join(dir, sub);

        if (mkdir(p, 0700) < 0 && errno != EEXIST)
                return -errno;
        return open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int runtime_open(const char *dir, Runtime **ret) {
        Runtime *rt;

        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        rt = xcalloc(1, sizeof(*rt));
        rt->dir = xstrdup(dir);
        rt->intents_fd = open_subdir(dir, "intents");
        rt->state_fd = open_subdir(dir, "state");
        if (rt->intents_fd < 0 || rt->state_fd < 0) {
                int r = rt->intents_fd < 0 ? -errno : -errno;
                runtime_free(rt);
                return r;
        }
        *ret = rt;
        return 0;
}

Runtime *runtime_free(Runtime *rt) {
        if (!rt)
                return NULL;
        if (rt->intents_fd >= 0)
                close(rt->intents_fd);
        if (rt->state_fd >= 0)
                close(rt->state_fd);
        free(rt->dir);
        free(rt);
        return NULL;
}

Intent runtime_get_intent(Runtime *rt, const char *name) {
        _cleanup_free_ char *data = NULL;

        if (read_file_bounded(rt->intents_fd, name, 64, &data, NULL) < 0)
                return INTENT_NONE;
        if (strncmp(data, "start", 5) == 0)
                return INTENT_START;
        if (strncmp(data, "stop", 4) == 0)
                return INTENT_STOP;
        return INTENT_NONE;
}

int runtime_set_intent(Runtime *rt, const char *name, Intent intent) {
        _cleanup_free_ char *line = NULL;

        if (intent == INTENT_NONE)
                return unlink_durable(rt->intents_fd, name);
        line = xasprintf("%s\n", intent_to_string(intent));
        return write_file_atomic(rt->intents_fd, name, line, strlen(line), 0600);
}

int runtime_write_state(Runtime *rt, const PoolDef *live) {
        _cleanup_free_ char *xml = pool_def_format(live, NULL);
        _cleanup_free_ char *file = xasprintf("%s.xml", live->name);

        return write_file_atomic(rt->state_fd, file, xml, strlen(xml), 0600);
}

int runtime_remove_state(Runtime *rt, const char *name) {
        _cleanup_free_ char *file = xasprintf("%s.xml", name);

        return unlink_durable(rt->state_fd, file);
}

int runtime_load_states(Runtime *rt, PoolDef ***ret, size_t *ret_n) {
        PoolDef **defs = NULL;
        size_t n = 0;
        struct dirent *de;
        DIR *d;
        int fd;

        fd = openat(rt->state_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                _cleanup_error_ Error err = ERROR_INIT;
                PoolDef *def;
                size_t len = strlen(de->d_name);

                if (de->d_name[0] == '.' || len <= 4 || !streq(de->d_name + len - 4, ".xml"))
                        continue;
                if (pool_def_parse_file(rt->state_fd, de->d_name, &def, &err) < 0) {
                        _cleanup_free_ char *m = error_to_string(&err);
                        log_warning("Ignoring runtime state %s/state/%s", rt->dir, m);
                        continue;
                }
                ARRAY_APPEND(defs, n, def);
        }
        closedir(d);
        *ret = defs;
        *ret_n = n;
        return 0;
}

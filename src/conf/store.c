/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>

#include "conf/store.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/path.h"
#include "shared/uuid-util.h"

#define AUTOSTART_DIR "autostart"

static StoredPool *stored_pool_free(StoredPool *p) {
        if (!p)
                return NULL;
        pool_def_free(p->def);
        free(p->file);
        free(p);
        return NULL;
}

static void store_clear(Store *s) {
        for (size_t i = 0; i < s->n_pools; i++)
                stored_pool_free(s->pools[i]);
        free(s->pools);
        s->pools = NULL;
        s->n_pools = 0;
        for (size_t i = 0; i < s->n_problems; i++)
                error_clear(&s->problems[i]);
        free(s->problems);
        s->problems = NULL;
        s->n_problems = 0;
}

Store *store_free(Store *s) {
        if (!s)
                return NULL;
        store_clear(s);
        if (s->dirfd >= 0)
                close(s->dirfd);
        free(s->dir);
        free(s);
        return NULL;
}

int store_open(const char *dir, bool create, Store **ret) {
        Store *s;
        int fd;

        if (create && mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        s = xcalloc(1, sizeof(*s));
        s->dir = xstrdup(dir);
        s->dirfd = fd;
        *ret = s;
        return 0;
}

static void add_problem(Store *s, Error *e) {
        ARRAY_APPEND(s->problems, s->n_problems, *e);
        *e = ERROR_INIT;
}

static void problem(Store *s, const char *file, int line, const char *fmt, ...) _printf_(4, 5);
static void problem(Store *s, const char *file, int line, const char *fmt, ...) {
        Error e = ERROR_INIT;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&e.message, fmt, ap) < 0)
                oom();
        va_end(ap);
        e.file = xstrdup(file);
        e.line = line;
        add_problem(s, &e);
}

/* Drops problems recorded earlier for file (it is being read again). */
static void forget_problems(Store *s, const char *file) {
        size_t j = 0;

        for (size_t i = 0; i < s->n_problems; i++) {
                if (s->problems[i].file && streq(s->problems[i].file, file))
                        error_clear(&s->problems[i]);
                else
                        s->problems[j++] = s->problems[i];
        }
        s->n_problems = j;
}

StoredPool *store_find(const Store *s, const char *name) {
        for (size_t i = 0; i < s->n_pools; i++)
                if (streq(s->pools[i]->def->name, name))
                        return s->pools[i];
        return NULL;
}

StoredPool *store_find_uuid(const Store *s, const uint8_t uuid[16]) {
        for (size_t i = 0; i < s->n_pools; i++)
                if (memcmp(s->pools[i]->def->uuid, uuid, 16) == 0)
                        return s->pools[i];
        return NULL;
}

int store_check_conflicts(const Store *s, const PoolDef *def, const char *ignore_name,
                          Error *err) {
        char buf[UUID_STRING_MAX];

        for (size_t i = 0; i < s->n_pools; i++) {
                const PoolDef *o = s->pools[i]->def;
                bool same_name = streq(o->name, def->name);
                bool same_uuid = memcmp(o->uuid, def->uuid, 16) == 0;

                if (ignore_name && streq(o->name, ignore_name))
                        continue;
                if (same_name && same_uuid)
                        continue; /* the same pool: a redefinition */
                /* libvirt's words for the two cases */
                if (same_name)
                        return error_set_errno(err, -EEXIST, 0,
                                               "pool '%s' already exists with uuid %s", o->name,
                                               uuid_format(o->uuid, buf));
                if (same_uuid)
                        return error_set_errno(err, -EEXIST, 0,
                                               "pool '%s' is already defined with uuid %s",
                                               o->name, uuid_format(o->uuid, buf));
                if (pool_def_source_conflicts(o, def))
                        return error_set_errno(err, -EEXIST, 0,
                                               "Storage source conflict with pool: '%s'",
                                               o->name);
        }
        return 0;
}

/* Is autostart/FILE a link to FILE? */
static bool autostart_link_matches(Store *s, const char *file, const struct stat *def_st) {
        _cleanup_free_ char *link = path_join(AUTOSTART_DIR, file);
        struct stat st;

        if (fstatat(s->dirfd, link, &st, 0) < 0)
                return false;
        return st.st_dev == def_st->st_dev && st.st_ino == def_st->st_ino;
}

static bool is_definition_file(const char *name) {
        size_t n = strlen(name);

        /* ".#..." are lock files of editors and poold's own temporary files. */
        return !(name[0] == '.' && name[1] == '#') && n > 4 && streq(name + n - 4, ".xml");
}

/* Reads one definition file; on success *ret holds it, else a problem is recorded. */
static int load_file(Store *s, const char *file, StoredPool **ret) {
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_free_ char *expected = NULL;
        StoredPool *p;
        struct stat st;
        int r;

        if (fstatat(s->dirfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode)) {
                problem(s, file, 0, "not a regular file, ignored");
                return -EINVAL;
        }
        r = pool_def_parse_file(s->dirfd, file, &def, &err);
        if (r < 0) {
                add_problem(s, &err);
                return r;
        }
        expected = xasprintf("%s.xml", def->name);
        if (!streq(expected, file)) {
                problem(s, file, 0, "file name does not match pool name '%s' (expected %s)",
                        def->name, expected);
                return -EINVAL;
        }
        r = store_check_conflicts(s, def, def->name, &err);
        if (r < 0) {
                error_set_file(&err, file);
                add_problem(s, &err);
                return r;
        }
        p = xcalloc(1, sizeof(*p));
        p->def = TAKE_PTR(def);
        p->file = xstrdup(file);
        p->st = st;
        p->autostart = autostart_link_matches(s, file, &st);
        *ret = p;
        return 0;
}

static int cmp_strings(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The names in a directory that pass filter, sorted. */
static int list_dir(int dirfd, const char *sub, bool (*filter)(const char *), char ***ret,
                    size_t *ret_n) {
        _cleanup_close_ int fd = -1;
        char **names = NULL;
        size_t n = 0;
        struct dirent *de;
        DIR *d;

        fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d)
                return -errno;
        TAKE_FD(fd);
        while ((de = readdir(d)))
                if (filter(de->d_name))
                        ARRAY_APPEND(names, n, xstrdup(de->d_name));
        closedir(d);
        if (n > 0)
                qsort(names, n, sizeof(char *), cmp_strings);
        *ret = names;
        *ret_n = n;
        return 0;
}

static void free_names(char **names, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

static void check_autostart_links(Store *s) {
        char **names = NULL;
        size_t n = 0;

        if (list_dir(s->dirfd, AUTOSTART_DIR, is_definition_file, &names, &n) < 0)
                return;
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *name = xstrndup(names[i], strlen(names[i]) - 4);
                _cleanup_free_ char *link = path_join(AUTOSTART_DIR, names[i]);
                StoredPool *p = store_find(s, name);

                if (!p)
                        problem(s, link, 0, "autostart link for pool '%s', which is not defined",
                                name);
                else if (!p->autostart)
                        problem(s, link, 0, "not a link to %s, ignored", p->file);
        }
        free_names(names, n);
}

int store_load(Store *s) {
        char **names = NULL;
        size_t n = 0;
        int r;

        store_clear(s);
        r = list_dir(s->dirfd, ".", is_definition_file, &names, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                StoredPool *p;

                if (load_file(s, names[i], &p) >= 0)
                        ARRAY_APPEND(s->pools, s->n_pools, p);
        }
        free_names(names, n);
        check_autostart_links(s);
        return 0;
}

static void remove_pool_at(Store *s, size_t i) {
        stored_pool_free(s->pools[i]);
        memmove(s->pools + i, s->pools + i + 1, (s->n_pools - i - 1) * sizeof(StoredPool *));
        s->n_pools--;
}

/* Reads file again; 1 if the set of loaded pools changed. */
static int reload_one(Store *s, const char *file) {
        StoredPool *p = NULL, *prev = NULL;
        ssize_t old = -1;
        struct stat st;
        int r;

        forget_problems(s, file);
        for (size_t i = 0; i < s->n_pools; i++)
                if (streq(s->pools[i]->file, file))
                        old = (ssize_t) i;

        if (fstatat(s->dirfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno != ENOENT)
                        return -errno;
                if (old < 0)
                        return 0;
                remove_pool_at(s, (size_t) old);
                return 1;
        }
        /* The new version is checked against the others, not against its old self. */
        if (old >= 0) {
                prev = s->pools[old];
                memmove(s->pools + old, s->pools + old + 1,
                        (s->n_pools - (size_t) old - 1) * sizeof(StoredPool *));
                s->n_pools--;
        }
        r = load_file(s, file, &p);
        stored_pool_free(prev);
        if (r < 0)
                return old >= 0;
        ARRAY_APPEND(s->pools, s->n_pools, p);
        return 1;
}

static bool is_autostart_problem(const Error *e) {
        return e->file && strncmp(e->file, AUTOSTART_DIR "/", strlen(AUTOSTART_DIR) + 1) == 0;
}

int store_reload_file(Store *s, const char *file) {
        char **retry = NULL;
        size_t n_retry = 0, j = 0;
        int r;

        if (!is_definition_file(file))
                return 0;
        r = reload_one(s, file);
        if (r <= 0)
                return r;

        /* A change can settle a conflict: files refused before get another chance, in the
         * order a full load would read them. */
        for (size_t i = 0; i < s->n_problems; i++)
                if (!is_autostart_problem(&s->problems[i]) && !streq(s->problems[i].file, file))
                        ARRAY_APPEND(retry, n_retry, xstrdup(s->problems[i].file));
        if (n_retry > 0)
                qsort(retry, n_retry, sizeof(char *), cmp_strings);
        for (size_t i = 0; i < n_retry; i++) {
                if (i == 0 || !streq(retry[i], retry[i - 1]))
                        (void) reload_one(s, retry[i]);
                free(retry[i]);
        }
        free(retry);

        /* Autostart links are judged against the pools now loaded. */
        for (size_t i = 0; i < s->n_problems; i++) {
                if (is_autostart_problem(&s->problems[i]))
                        error_clear(&s->problems[i]);
                else
                        s->problems[j++] = s->problems[i];
        }
        s->n_problems = j;
        check_autostart_links(s);
        return 1;
}

int store_define(Store *s, const PoolDef *def, Error *err) {
        _cleanup_free_ char *xml = NULL, *file = NULL;
        const char *why;
        int r;

        why = name_check(def->name, POOL_NAME_MAX);
        if (why)
                return error_set(err, 0, "invalid pool name '%s': %s", def->name, why);
        r = store_check_conflicts(s, def, NULL, err);
        if (r < 0)
                return r;
        xml = pool_def_format(def, NULL);
        file = xasprintf("%s.xml", def->name);
        r = write_file_atomic(s->dirfd, file, xml, strlen(xml), 0600);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot write %s/%s: %s", s->dir, file,
                                       strerror(-r));
        r = store_reload_file(s, file);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot read back %s/%s: %s", s->dir, file,
                                       strerror(-r));
        if (!store_find(s, def->name))
                return error_set(err, 0, "%s/%s was written but does not load", s->dir, file);
        return 0;
}

int store_set_autostart(Store *s, const char *name, bool autostart) {
        _cleanup_free_ char *target = NULL;
        _cleanup_close_ int afd = -1;
        StoredPool *p = store_find(s, name);
        int r;

        if (!p)
                return -ENOENT;
        if (mkdirat(s->dirfd, AUTOSTART_DIR, 0755) < 0 && errno != EEXIST)
                return -errno;
        afd = openat(s->dirfd, AUTOSTART_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (afd < 0)
                return -errno;
        if (!autostart) {
                r = unlink_durable(afd, p->file);
                if (r < 0)
                        return r;
                p->autostart = false;
                return 0;
        }
        /* An absolute target, as libvirt writes it, so the link can be copied between hosts
         * that keep definitions in the same place. */
        target = path_is_absolute(s->dir) ? path_join(s->dir, p->file)
                                          : xasprintf("../%s", p->file);
        r = symlink_atomic(target, afd, p->file);
        if (r < 0)
                return r;
        p->autostart = true;
        return 0;
}

int store_undefine(Store *s, const char *name) {
        _cleanup_free_ char *link = NULL;
        StoredPool *p = store_find(s, name);
        int r;

        if (!p)
                return -ENOENT;
        link = path_join(AUTOSTART_DIR, p->file);
        if (unlinkat(s->dirfd, link, 0) < 0 && errno != ENOENT)
                return -errno;
        r = unlink_durable(s->dirfd, p->file);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s->n_pools; i++)
                if (s->pools[i] == p) {
                        remove_pool_at(s, i);
                        break;
                }
        return 0;
}

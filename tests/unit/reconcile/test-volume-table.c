/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "reconcile/volume-table.h"
#include "test-util.h"

static VolDef *vol(const char *name, uint64_t capacity) {
        VolDef *v = vol_def_new();

        v->name = xstrdup(name);
        v->target.path = xasprintf("/p/%s", name);
        v->key = xstrdup(v->target.path);
        v->capacity = capacity;
        v->target.format = VOL_FILE_RAW;
        return v;
}

static void test_volumes_are_found_by_name_key_and_path(void **state) {
        VolumeTable t = {};

        assert_int_equal(volume_table_put(&t, vol("a.img", 1), NULL, POOL_DIR), VOLUME_ADDED);
        assert_int_equal(volume_table_put(&t, vol("b.img", 2), NULL, POOL_DIR), VOLUME_ADDED);
        assert_int_equal(volume_table_size(&t), 2);
        assert_string_equal(volume_table_get(&t, "a.img")->def->name, "a.img");
        assert_string_equal(volume_table_get_key(&t, "/p/b.img")->def->name, "b.img");
        assert_string_equal(volume_table_get_path(&t, "/p/a.img")->def->name, "a.img");
        assert_null(volume_table_get(&t, "c.img"));
        volume_table_clear(&t);
        assert_int_equal(volume_table_size(&t), 0);
}

static void test_put_says_whether_a_volume_changed(void **state) {
        VolumeTable t = {};

        volume_table_put(&t, vol("a.img", 1), NULL, POOL_DIR);
        assert_int_equal(volume_table_put(&t, vol("a.img", 1), NULL, POOL_DIR), VOLUME_UNCHANGED);
        assert_int_equal(volume_table_put(&t, vol("a.img", 5), NULL, POOL_DIR), VOLUME_CHANGED);
        assert_int_equal(volume_table_get(&t, "a.img")->def->capacity, 5);
        /* the old key and path entries went with the old definition */
        assert_ptr_equal(volume_table_get_path(&t, "/p/a.img"), volume_table_get(&t, "a.img"));
        assert_int_equal(volume_table_size(&t), 1);
        volume_table_clear(&t);
}

static void test_an_unchanged_file_is_unchanged_without_comparing_xml(void **state) {
        VolumeTable t = {};
        struct stat st = { .st_ino = 7, .st_size = 10 };

        volume_table_put(&t, vol("a.img", 1), &st, POOL_DIR);
        /* same file facts: unchanged, even though what was probed differs */
        assert_int_equal(volume_table_put(&t, vol("a.img", 2), &st, POOL_DIR), VOLUME_UNCHANGED);
        st.st_size = 11;
        assert_int_equal(volume_table_put(&t, vol("a.img", 3), &st, POOL_DIR), VOLUME_CHANGED);
        volume_table_clear(&t);
}

/* A volume whose key is not its path (a logical or SCSI volume) is found by both, and by
 * neither once it is replaced by one with other ones or removed. */
static void test_a_volume_whose_key_is_not_its_path_is_found_by_both(void **state) {
        VolumeTable t = {};
        VolDef *d = vol("lv", 1);

        free(d->key);
        d->key = xstrdup("uuid-1");
        volume_table_put(&t, d, NULL, POOL_LOGICAL);
        volume_table_put(&t, vol("f", 2), NULL, POOL_LOGICAL);
        assert_string_equal(volume_table_get_key(&t, "uuid-1")->def->name, "lv");
        assert_string_equal(volume_table_get_path(&t, "/p/lv")->def->name, "lv");
        assert_null(volume_table_get_key(&t, "/p/lv"));
        assert_null(volume_table_get_path(&t, "uuid-1"));
        assert_string_equal(volume_table_get_path(&t, "/p/f")->def->name, "f");

        d = vol("lv", 1);
        free(d->target.path);
        d->target.path = xstrdup("/q/lv");
        free(d->key);
        d->key = xstrdup("uuid-2");
        volume_table_put(&t, d, NULL, POOL_LOGICAL);
        assert_null(volume_table_get_path(&t, "/p/lv"));
        assert_null(volume_table_get_key(&t, "uuid-1"));
        assert_string_equal(volume_table_get_path(&t, "/q/lv")->def->name, "lv");

        assert_true(volume_table_remove(&t, "lv"));
        assert_null(volume_table_get_path(&t, "/q/lv"));
        assert_null(volume_table_get_key(&t, "uuid-2"));
        assert_int_equal(volume_table_size(&t), 1);
        volume_table_clear(&t);
}

/* Every stat field same_file() compares counts; the access time does not. */
static void test_each_compared_stat_field_makes_a_change(void **state) {
        const struct stat base = { .st_ino = 7, .st_dev = 3, .st_size = 10, .st_mode = 0100644,
                                   .st_uid = 1, .st_gid = 2, .st_blocks = 8,
                                   .st_mtim = { 100, 5 }, .st_ctim = { 200, 6 } };
        struct stat st = base;
        struct stat changed[] = { base, base, base, base, base, base, base, base, base, base, base };
        VolumeTable t = {};

        changed[0].st_ino = 8;
        changed[1].st_dev = 4;
        changed[2].st_size = 11;
        changed[3].st_mode = 0100600;
        changed[4].st_uid = 5;
        changed[5].st_gid = 6;
        changed[6].st_blocks = 16;
        changed[7].st_mtim.tv_sec = 101;
        changed[8].st_mtim.tv_nsec = 999999999;
        changed[9].st_ctim.tv_sec = 201;
        changed[10].st_ctim.tv_nsec = 0;
        volume_table_put(&t, vol("a", 1), &base, POOL_DIR);
        st.st_atim = (struct timespec){ 300, 1 };
        assert_int_equal(volume_table_put(&t, vol("a", 2), &st, POOL_DIR), VOLUME_UNCHANGED);
        for (size_t i = 0; i < ELEMENTSOF(changed); i++) {
                volume_table_put(&t, vol("a", 1), &base, POOL_DIR);
                assert_int_equal(volume_table_put(&t, vol("a", 2), &changed[i], POOL_DIR),
                                 VOLUME_CHANGED);
        }
        /* a put without a stat keeps the one known */
        volume_table_put(&t, vol("a", 1), &base, POOL_DIR);
        volume_table_put(&t, vol("a", 1), NULL, POOL_DIR);
        assert_int_equal(volume_table_put(&t, vol("a", 3), &base, POOL_DIR), VOLUME_UNCHANGED);
        volume_table_clear(&t);
}

static void test_remove_and_sorted_listing(void **state) {
        VolumeTable t = {};
        const char *names[] = { "m", "b", "z", "a", "k" };
        Volume **sorted;
        size_t n;

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                volume_table_put(&t, vol(names[i], i), NULL, POOL_DIR);
        assert_true(volume_table_remove(&t, "z"));
        assert_false(volume_table_remove(&t, "z"));
        assert_null(volume_table_get_key(&t, "/p/z"));
        sorted = volume_table_sorted(&t, &n);
        assert_int_equal(n, 4);
        assert_string_equal(sorted[0]->def->name, "a");
        assert_string_equal(sorted[1]->def->name, "b");
        assert_string_equal(sorted[2]->def->name, "k");
        assert_string_equal(sorted[3]->def->name, "m");
        free(sorted);
        volume_table_clear(&t);
}

static void test_owner_survives_clear(void **state) {
        int owner;
        VolumeTable t = { .owner = &owner };

        volume_table_put(&t, vol("a", 1), NULL, POOL_DIR);
        assert_ptr_equal(volume_table_get(&t, "a")->owner, &owner);
        volume_table_clear(&t);
        assert_ptr_equal(t.owner, &owner);
}

static void test_many_volumes(void **state) {
        VolumeTable t = {};
        char name[32];

        for (int i = 0; i < 20000; i++) {
                snprintf(name, sizeof(name), "v%05d", i);
                volume_table_put(&t, vol(name, (uint64_t) i), NULL, POOL_DIR);
        }
        assert_int_equal(volume_table_size(&t), 20000);
        assert_int_equal(volume_table_get_path(&t, "/p/v12345")->def->capacity, 12345);
        volume_table_clear(&t);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_volumes_are_found_by_name_key_and_path),
                cmocka_unit_test(test_put_says_whether_a_volume_changed),
                cmocka_unit_test(test_an_unchanged_file_is_unchanged_without_comparing_xml),
                cmocka_unit_test(test_a_volume_whose_key_is_not_its_path_is_found_by_both),
                cmocka_unit_test(test_each_compared_stat_field_makes_a_change),
                cmocka_unit_test(test_remove_and_sorted_listing),
                cmocka_unit_test(test_owner_survives_clear),
                cmocka_unit_test(test_many_volumes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

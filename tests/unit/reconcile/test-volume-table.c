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
                cmocka_unit_test(test_remove_and_sorted_listing),
                cmocka_unit_test(test_owner_survives_clear),
                cmocka_unit_test(test_many_volumes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

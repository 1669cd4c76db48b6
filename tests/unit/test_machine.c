/* Unit tests for core/machine.c: the registry, run state, and the request
 * path (reset, power button, guest shutdown, quit) with -no-reboot,
 * -no-shutdown and -S, on the `none` board and on a test board. */
#include "tests/unit/test.h"

#include <pthread.h>

#include "core/machine.h"

static int board_resets, pauses, resumes, cpu_resets, powerdowns;

static void cpus_pause(Machine *m) { pauses++; }
static void cpus_resume(Machine *m) { resumes++; }
static void cpus_reset(Machine *m) { cpu_resets++; }
static void board_reset(Machine *m) { board_resets++; }
static void power_button(void *opaque) { powerdowns++; }

static int test_board_init(Machine *m, Error **errp)
{
    m->cpus_pause = cpus_pause;
    m->cpus_resume = cpus_resume;
    m->cpus_reset = cpus_reset;
    MemoryRegion *ram = mr_new_ram("ram", m->cfg.ram_size, errp);
    if (!ram)
        return -1;
    mr_add_subregion(m->sysmem, 0x40000000, ram, 0);
    return 0;
}

MACHINE_TYPE(test_board, .name = "test-board", .desc = "a test board", .arch = "aarch64",
             .default_ram = 16 * MiB, .max_cpus = 4, .init = test_board_init,
             .reset = board_reset, .props = (const char *const[]){"gic-version", NULL});
MACHINE_TYPE(test_pending_board, .name = "test-pending", .desc = "not built",
             .arch = "x86_64");

/* One loop for the program, and every machine kept reachable: ferry never
 * tears a machine down (the process exits), so there is no machine_free. */
static Loop *loop;
static Machine *machines[64];
static int n_machines;

static Machine *keep(Machine *m)
{
    machines[n_machines++] = m;
    return m;
}

static int setup(void **state)
{
    if (!loop)
        loop = loop_new();
    dev_lock();
    board_resets = pauses = resumes = cpu_resets = powerdowns = 0;
    return 0;
}

static int teardown(void **state)
{
    dev_unlock();
    return 0;
}

static Machine *make(const char *name, MachineConfig cfg)
{
    Machine *m = keep(machine_new(machine_type_find(name), loop));
    m->cfg = cfg;
    Error *err = NULL;
    assert_int_equal(machine_init(m, &err), 0);
    assert_null(err);
    return m;
}

typedef struct {
    Machine *m;
    int what;
} Req;

/* Posts a request from another thread, as a vCPU would. */
static void *post(void *opaque)
{
    Req *r = opaque;
    switch (r->what) {
    case 0: machine_request_shutdown(r->m, 3); break;
    case 1: machine_request_quit(r->m, 7); break;
    case 2: machine_request_reset(r->m); break;
    }
    return NULL;
}

static int run_with_request(Machine *m, int what)
{
    Req r = {m, what};
    pthread_t t;
    pthread_create(&t, NULL, post, &r);
    pthread_join(t, NULL);
    return machine_run(m);
}

static void test_registry(void **state)
{
    assert_non_null(machine_type_find("none"));
    assert_non_null(machine_type_find("test-board"));
    assert_null(machine_type_find("nope"));
    const MachineType **l = machine_type_list();
    int n = 0;
    for (; l[n]; n++)
        if (n)
            assert_true(strcmp(l[n - 1]->name, l[n]->name) < 0);
    assert_true(n >= 3);
    free(l);
    Machine *m = keep(machine_new(machine_type_find("test-pending"), loop));
    Error *err = NULL;
    assert_int_equal(machine_init(m, &err), -1);
    assert_contains(error_get_msg(err), "machine 'test-pending': not implemented yet");
    error_free(err);
    assert_non_null(m->io_as); /* x86 machines get an I/O port space */
}

static void test_defaults_and_cpu_limit(void **state)
{
    Machine *m = make("test-board", (MachineConfig){0});
    assert_true(m->cfg.ram_size == 16 * MiB);
    assert_int_equal(m->cfg.smp_cpus, 1);
    assert_non_null(as_lookup(m->as, 0x40000000));
    Machine *m2 = keep(machine_new(machine_type_find("test-board"), loop));
    m2->cfg.smp_cpus = 5;
    Error *err = NULL;
    assert_int_equal(machine_init(m2, &err), -1);
    assert_contains(error_get_msg(err), "at most 4 CPUs");
    error_free(err);
}

static void test_guest_shutdown_exits_with_status(void **state)
{
    Machine *m = make("test-board", (MachineConfig){0});
    assert_int_equal(run_with_request(m, 0), 3);
    assert_int_equal(machine_state(m), RUN_STATE_SHUTDOWN);
    assert_int_equal(board_resets, 1); /* machine_run resets first */
    assert_int_equal(cpu_resets, 1);
    assert_int_equal(resumes, 1);
    assert_int_equal(pauses, 1);
}

static void test_no_shutdown_stays_then_quit(void **state)
{
    Machine *m = make("test-board", (MachineConfig){.no_shutdown = true});
    machine_request_shutdown(m, 3);
    machine_request_quit(m, 7); /* quit wins over -no-shutdown */
    assert_int_equal(machine_run(m), 7);
    /* Shutdown alone with -no-shutdown: the loop keeps going, paused. */
    Machine *m2 = make("test-board", (MachineConfig){.no_shutdown = true});
    machine_reset(m2);
    vm_start(m2);
    machine_request_shutdown(m2, 3);
    for (int i = 0; i < 10 && machine_state(m2) == RUN_STATE_RUNNING; i++)
        loop_run_once(loop, 100 * 1000 * 1000);
    assert_int_equal(machine_state(m2), RUN_STATE_SHUTDOWN);
    assert_false(loop_quitting(loop));
}

static void test_reset_and_no_reboot(void **state)
{
    Machine *m = make("test-board", (MachineConfig){0});
    machine_reset(m);
    vm_start(m);
    int resets = board_resets;
    machine_request_reset(m);
    for (int i = 0; i < 10 && board_resets == resets; i++)
        loop_run_once(loop, 100 * 1000 * 1000);
    assert_int_equal(board_resets, resets + 1);
    assert_int_equal(machine_state(m), RUN_STATE_RUNNING);
    Machine *m2 = make("test-board", (MachineConfig){.no_reboot = true});
    assert_int_equal(run_with_request(m2, 2), 0); /* reboot becomes exit 0 */
}

static void test_powerdown_handler(void **state)
{
    Machine *m = make("test-board", (MachineConfig){0});
    machine_request_powerdown(m); /* no button yet: a warning, nothing else */
    loop_run_once(loop, 0);
    assert_int_equal(powerdowns, 0);
    machine_set_powerdown_handler(m, power_button, NULL);
    machine_request_powerdown(m);
    loop_run_once(loop, 0);
    assert_int_equal(powerdowns, 1);
}

static void test_start_stopped_and_stop_cont(void **state)
{
    Machine *m = make("test-board", (MachineConfig){.start_stopped = true});
    machine_request_quit(m, 0);
    assert_int_equal(machine_run(m), 0);
    assert_int_equal(resumes, 0); /* -S: the CPUs never ran */
    Machine *m2 = make("test-board", (MachineConfig){0});
    vm_start(m2);
    assert_true(loop_vclock_running(loop));
    vm_stop(m2);
    assert_int_equal(machine_state(m2), RUN_STATE_PAUSED);
    assert_false(loop_vclock_running(loop));
    vm_start(m2);
    assert_int_equal(machine_state(m2), RUN_STATE_RUNNING);
    assert_string_equal(runstate_name(machine_state(m2)), "running");
}

static void test_none_board(void **state)
{
    Machine *m = make("none", (MachineConfig){.ram_size = 8 * MiB});
    const FlatRange *r = as_lookup(m->as, 0);
    assert_non_null(r);
    assert_true(r->size == 8 * MiB);
    Machine *m2 = keep(machine_new(machine_type_find("none"), loop));
    m2->cfg.cpu_model = "max";
    Error *err = NULL;
    assert_int_equal(machine_init(m2, &err), -1);
    assert_contains(error_get_msg(err), "has no CPUs");
    error_free(err);
}

static void test_cpu_models(void **state)
{
    static const CpuModel test_cpu = {.name = "test-cpu", .arch = "aarch64", .desc = "t"};
    cpu_model_register(&test_cpu);
    assert_ptr_equal(cpu_model_find("aarch64", "test-cpu"), &test_cpu);
    assert_null(cpu_model_find("x86_64", "test-cpu"));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cpu_model_print_help(f, "aarch64");
    cpu_model_print_help(f, "x86_64");
    fclose(f);
    assert_contains(buf, "test-cpu");
    assert_contains(buf, "x86_64 CPU frontend is not implemented yet");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults_and_cpu_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_shutdown_exits_with_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_shutdown_stays_then_quit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_and_no_reboot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_powerdown_handler, setup, teardown),
        cmocka_unit_test_setup_teardown(test_start_stopped_and_stop_cont, setup, teardown),
        cmocka_unit_test_setup_teardown(test_none_board, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpu_models, setup, teardown),
    };
    return cmocka_run_group_tests_name("machine", tests, NULL, NULL);
}

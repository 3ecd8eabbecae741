/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Debug mode: slow callbacks and task steps reported, nothing reported
 * when off or fast, AIO_DEBUG=debug, and the settings' bounds. */

#include <string.h>

#include <aio-glib.h>

#include "aio-test-utils.h"

static void
hold_loop (gpointer user_data)
{
  g_usleep (GPOINTER_TO_UINT (user_data));
}

static void
test_settings (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  AioLoop *loop = aio_loop_get_for_context (context);

  g_assert_false (aio_loop_get_debug (loop));
  g_assert_cmpfloat (aio_loop_get_slow_callback_duration (loop), ==, 0.1);
  aio_loop_set_debug (loop, TRUE);
  g_assert_true (aio_loop_get_debug (loop));
  aio_loop_set_slow_callback_duration (loop, 0.25);
  g_assert_cmpfloat (aio_loop_get_slow_callback_duration (loop), ==, 0.25);

  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*seconds >= 0*");
  aio_loop_set_slow_callback_duration (loop, -1);
  g_test_assert_expected_messages ();
  g_assert_cmpfloat (aio_loop_get_slow_callback_duration (loop), ==, 0.25);
}

static void
test_slow_callback_reported (void)
{
  AioLoop *loop = aio_loop_get_default ();

  aio_loop_set_debug (loop, TRUE);
  aio_loop_set_slow_callback_duration (loop, 0.1);

  /* Fast work says nothing. */
  aio_handle_unref (aio_loop_call_soon (loop, hold_loop, GUINT_TO_POINTER (0), NULL));
  aio_test_drain (NULL);

  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING, "Executing callback * took 0.* seconds");
  aio_handle_unref (aio_loop_call_soon (loop, hold_loop, GUINT_TO_POINTER (250000), NULL));
  aio_test_drain (NULL);
  g_test_assert_expected_messages ();

  /* Off again: the same slow callback passes unreported. */
  aio_loop_set_debug (loop, FALSE);
  aio_handle_unref (aio_loop_call_soon (loop, hold_loop, GUINT_TO_POINTER (250000), NULL));
  aio_test_drain (NULL);
  aio_loop_set_slow_callback_duration (loop, 0.1);
}

static void
sleepy_body (AioTask  *task,
             gpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  /* A quick step first, then one that holds the loop.  Slow steps are
   * 0.1 s from the second step on: a first step under valgrind on a busy
   * machine can take longer than that by itself. */
  g_assert_true (aio_await (aio_sleep (0), &error));
  aio_loop_set_slow_callback_duration (aio_loop_get_default (), 0.1);
  g_usleep (250000);
  aio_task_return_int (task, 7);
}

/* sleepy_body is static, so dladdr() finds no name for it: the report
 * gives its address and the file it is in. */
static void
test_slow_step_names_the_task (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  aio_loop_set_debug (loop, TRUE);
  aio_loop_set_slow_callback_duration (loop, 3600);
  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING,
                         "Executing a step of task 'sleepy' (body *test-loop-debug) took 0.* seconds");
  task = aio_task_new (sleepy_body, NULL, NULL);
  aio_task_set_name (task, "sleepy");
  g_assert_true (aio_loop_run_until_complete (loop, AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 7);
  aio_loop_set_debug (loop, FALSE);
  aio_loop_set_slow_callback_duration (loop, 0.1);
}

/* Touches @bytes of the stack below the caller's frame, then returns. */
static G_GNUC_NO_INLINE void
use_stack (gsize bytes)
{
  volatile char *frame = g_alloca (bytes);

  for (gsize i = 0; i < bytes; i += 512)
    frame[i] = 1;
  frame[bytes - 1] = 1;
}

static void
deep_body (AioTask  *task,
           gpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  use_stack (GPOINTER_TO_SIZE (user_data));
  /* The depth is measured when the coroutine suspends. */
  g_assert_true (aio_await (aio_sleep (0), &error));
  g_assert_true (aio_await (aio_sleep (0), &error));
}

static void
run_deep_task (gsize stack_size,
               gsize use)
{
  g_autoptr(AioTask) task = AIO_TASK_HERE (aio_task_new (deep_body, GSIZE_TO_POINTER (use), NULL));
  g_autoptr(GError) error = NULL;

  aio_task_set_name (task, "deep");
  aio_task_set_stack_size (task, stack_size);
  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
}

static void
test_stack_depth (void)
{
  AioLoop *loop = aio_loop_get_default ();

  /* A quarter of the stack used: nothing to say. */
  aio_loop_set_debug (loop, TRUE);
  run_deep_task (256 * 1024, 64 * 1024);

  /* 85% of it: reported once, with the task's name and origin, although
   * the coroutine suspends twice. */
  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING,
                         "Task 'deep' has used * KiB of its 256 KiB stack (*%) (created at *test-loop-debug.c:*)*aio_task_set_stack_size*");
  run_deep_task (256 * 1024, 218 * 1024);
  g_test_assert_expected_messages ();

  /* Off: the same depth passes unreported. */
  aio_loop_set_debug (loop, FALSE);
  run_deep_task (256 * 1024, 218 * 1024);
}

static void
never_body (AioTask  *task,
            gpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  aio_await (g_object_ref (user_data), &error);
}

static void
test_abandoned_task (void)
{
  GMainContext *context = g_main_context_new ();
  AioLoop *loop = aio_loop_get_for_context (context);
  g_autoptr(AioFuture) never = aio_loop_create_future (loop);
  g_autoptr(AioTask) task = NULL;

  aio_loop_set_debug (loop, TRUE);
  task = AIO_TASK_HERE (aio_task_new_full (loop, "orphan", 0, never_body, never, NULL));
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_false (aio_future_done (AIO_FUTURE (task)));

  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING,
                         "Task 'orphan' was abandoned while pending: its loop's main context was destroyed (created at *test-loop-debug.c:*)");
  g_main_context_unref (context);
  g_test_assert_expected_messages ();
  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
}

static void
failing_body (AioTask  *task,
              gpointer  user_data)
{
  aio_task_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "boom"));
}

/* The report of an error nobody read says where the task was made. */
static void
test_unretrieved_names_origin (void)
{
  AioTask *task = AIO_TASK_HERE (aio_task_new_full (NULL, "careless", 0, failing_body, NULL, NULL));

  g_assert_nonnull (strstr (aio_task_get_origin (task), "test-loop-debug.c:"));
  while (!aio_future_done (AIO_FUTURE (task)))
    g_main_context_iteration (NULL, TRUE);
  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING,
                         "Task 'careless' failed and nobody retrieved its error: boom (the task was created at *test-loop-debug.c:*)");
  g_object_unref (task);
  aio_test_drain (NULL);
  g_test_assert_expected_messages ();

  task = aio_task_new_full (NULL, "careless", 0, failing_body, NULL, NULL);
  aio_task_set_origin (task, "fetcher.py:12");
  g_assert_cmpstr (aio_task_get_origin (task), ==, "fetcher.py:12");
  while (!aio_future_done (AIO_FUTURE (task)))
    g_main_context_iteration (NULL, TRUE);
  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING,
                         "Task 'careless' failed and nobody retrieved its error: boom (the task was created at fetcher.py:12)");
  g_object_unref (task);
  aio_test_drain (NULL);
  g_test_assert_expected_messages ();
}

static gpointer
add_from_thread (gpointer data)
{
  GError *error = NULL;

  g_assert_null (aio_task_group_create_task (data, failing_body, NULL, NULL, &error));
  return error;
}

/* A loop-bound call from another thread fails as always; debug mode also
 * logs it, since the caller may drop the error. */
static void
test_wrong_thread (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AioFuture) done = NULL;

  aio_loop_set_debug (loop, TRUE);
  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING,
                         "aio_task_group_create_task used from the wrong thread: its loop * runs on another thread*");
  error = g_thread_join (g_thread_new ("intruder", add_from_thread, group));
  g_test_assert_expected_messages ();
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_clear_error (&error);

  /* Off: the same error, no log. */
  aio_loop_set_debug (loop, FALSE);
  error = g_thread_join (g_thread_new ("intruder", add_from_thread, group));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);

  done = aio_task_group_wait (group, NULL);
  g_assert_true (aio_test_run_future (done, NULL));
}

/* AIO_DEBUG is read when a loop is made, so it is checked in a child. */
static void
test_environment (void)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  argv[0] = g_getenv ("AIO_TEST_SELF");
  g_assert_nonnull (argv[0]);
  env = g_environ_setenv (env, "AIO_DEBUG", "no-recycle,debug", TRUE);
  env = g_environ_setenv (env, "AIO_TEST_DEBUG_CHILD", "1", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "debug=1\n");
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("AIO_TEST_DEBUG_CHILD") != NULL)
    {
      g_print ("debug=%d\n", aio_loop_get_debug (aio_loop_get_default ()));
      return 0;
    }
  g_setenv ("AIO_TEST_SELF", argv[0], TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aio/loop/debug/settings", test_settings);
  g_test_add_func ("/aio/loop/debug/slow-callback", test_slow_callback_reported);
  g_test_add_func ("/aio/loop/debug/slow-step", test_slow_step_names_the_task);
  g_test_add_func ("/aio/loop/debug/environment", test_environment);
  g_test_add_func ("/aio/loop/debug/stack-depth", test_stack_depth);
  g_test_add_func ("/aio/loop/debug/abandoned", test_abandoned_task);
  g_test_add_func ("/aio/loop/debug/unretrieved-origin", test_unretrieved_names_origin);
  g_test_add_func ("/aio/loop/debug/wrong-thread", test_wrong_thread);
  return g_test_run ();
}

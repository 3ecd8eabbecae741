/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Debug mode: slow callbacks and task steps reported, nothing reported
 * when off or fast, AIO_DEBUG=debug, and the settings' bounds. */

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

  /* A quick step first, then one that holds the loop (slow callbacks
   * are 0.1 s here: quick steps stay well under it even in valgrind). */
  g_assert_true (aio_await (aio_sleep (0), &error));
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
  aio_loop_set_slow_callback_duration (loop, 0.1);
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
  return g_test_run ();
}

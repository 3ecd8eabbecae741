/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "aio-test-utils.h"

/* aio_run(): a program's main task, and the tasks it leaves behind. */

static void
answer_body (AioTask  *task,
             gpointer  user_data)
{
  GError *error = NULL;

  g_assert_true (aio_await (aio_sleep (0.001), &error));
  aio_task_return_int (task, 42);
}

static void
test_run_result (void)
{
  g_autoptr(AioTask) task = aio_task_new (answer_body, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_run (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 42);
  g_assert_false (aio_loop_is_running (aio_loop_get_default ()));
}

static void
failing_body (AioTask  *task,
              gpointer  user_data)
{
  GError *error = NULL;

  g_assert_true (aio_yield (&error));
  aio_task_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                    "bad input"));
}

static void
test_run_error (void)
{
  g_autoptr(AioTask) task = aio_task_new (failing_body, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_run (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "bad input");
}

static void
test_run_cancelled (void)
{
  g_autoptr(AioTask) task = aio_task_new (answer_body, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_task_cancel (task, "stopped"));
  g_assert_false (aio_run (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
set_soon_cb (gpointer user_data)
{
  g_assert_true (aio_future_set_string (user_data, "plain", NULL));
}

static void
test_run_plain_future (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;

  aio_handle_unref (aio_loop_call_soon (aio_loop_get_default (), set_soon_cb, future, NULL));
  g_assert_true (aio_run (future, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (aio_future_get_string (future, NULL), ==, "plain");
}

/* Leftover tasks. */

typedef struct
{
  gboolean  started;
  gboolean  cleaned_up;
  GError   *seen;          /* (owned) what its await reported */
  gboolean  fail_cleanup;  /* end with a real error instead */
  gboolean  swallow;       /* ignore the cancellation and finish later */
} Background;

static void
background_body (AioTask  *task,
                 gpointer  user_data)
{
  Background *bg = user_data;
  GError *error = NULL;

  bg->started = TRUE;
  if (aio_await (aio_sleep (3600), &error))
    {
      aio_task_return_int (task, 0);
      return;
    }
  bg->seen = g_error_copy (error);

  /* Cleanup that takes a few turns: aio_run() waits for it. */
  g_assert_true (aio_await (aio_sleep (0.002), NULL));
  g_assert_true (aio_yield (NULL));
  bg->cleaned_up = TRUE;

  if (bg->fail_cleanup)
    {
      g_error_free (error);
      aio_task_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                                                        "cleanup broke"));
    }
  else if (bg->swallow)
    {
      g_error_free (error);
      aio_task_return_int (task, 7);
    }
  else
    aio_task_return_error (task, error);
}

typedef struct
{
  Background *backgrounds;
  guint       n_backgrounds;
  AioTask   **spawned;       /* (owned) */
} Spawner;

static void
spawner_body (AioTask  *task,
              gpointer  user_data)
{
  Spawner *spawner = user_data;
  GError *error = NULL;
  guint i;

  for (i = 0; i < spawner->n_backgrounds; i++)
    {
      g_autofree char *name = g_strdup_printf ("bg-%u", i);

      spawner->spawned[i] = aio_task_new_full (NULL, name, 0, background_body,
                                               &spawner->backgrounds[i], NULL);
    }
  /* Let them start, then return while they still wait. */
  g_assert_true (aio_yield (&error));
  aio_task_return_string (task, "main done");
}

static void
test_run_leftovers (void)
{
  Background backgrounds[3];
  AioTask *spawned[3] = { NULL, };
  Spawner spawner = { backgrounds, 3, spawned };
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  memset (backgrounds, 0, sizeof backgrounds);
  backgrounds[2].swallow = TRUE;
  main_task = aio_task_new (spawner_body, &spawner, NULL);

  g_assert_true (aio_run (AIO_FUTURE (main_task), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (aio_future_get_string (AIO_FUTURE (main_task), NULL), ==, "main done");

  /* Every leftover was cancelled, and aio_run() waited for its cleanup. */
  for (i = 0; i < 3; i++)
    {
      g_assert_true (backgrounds[i].started);
      g_assert_true (backgrounds[i].cleaned_up);
      g_assert_error (backgrounds[i].seen, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_true (aio_future_done (AIO_FUTURE (spawned[i])));
      g_clear_error (&backgrounds[i].seen);
    }
  g_assert_true (aio_future_cancelled (AIO_FUTURE (spawned[0])));
  g_assert_true (aio_future_cancelled (AIO_FUTURE (spawned[1])));
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (spawned[2]), NULL), ==, 7);
  g_assert_null (aio_all_tasks (aio_loop_get_default ()));

  for (i = 0; i < 3; i++)
    g_object_unref (spawned[i]);
}

static void
test_run_leftover_fails (void)
{
  Background backgrounds[2];
  AioTask *spawned[2] = { NULL, };
  Spawner spawner = { backgrounds, 2, spawned };
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) bg_error = NULL;

  memset (backgrounds, 0, sizeof backgrounds);
  backgrounds[1].fail_cleanup = TRUE;
  main_task = aio_task_new (spawner_body, &spawner, NULL);

  /* A real error while finishing is reported, not lost; cancellation of
   * the other leftover is not worth a word.
   */
  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING,
                         "*'bg-1' failed while the program was finishing*cleanup broke*");
  g_assert_true (aio_run (AIO_FUTURE (main_task), &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  bg_error = aio_future_dup_error (AIO_FUTURE (spawned[1]));
  g_assert_error (bg_error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (spawned[0])));
  g_clear_error (&backgrounds[0].seen);
  g_clear_error (&backgrounds[1].seen);
  g_object_unref (spawned[0]);
  g_object_unref (spawned[1]);
}

static void
nested_run_body (AioTask  *task,
                 gpointer  user_data)
{
  AioFuture *other = aio_future_new ();
  GError **error = user_data;

  g_assert_true (aio_future_set_int (other, 1, NULL));
  /* Already inside the loop: refused, and the loop keeps going. */
  g_assert_false (aio_run (other, error));
  g_object_unref (other);
  aio_task_return_boolean (task, TRUE);
}

static void
test_run_inside_loop (void)
{
  g_autoptr(GError) inner_error = NULL;
  g_autoptr(AioTask) task = aio_task_new (nested_run_body, &inner_error, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_run (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_error (inner_error, AIO_ERROR, AIO_ERROR_LOOP_RUNNING);
  g_assert_true (aio_future_get_boolean (AIO_FUTURE (task), NULL));
}

static void
test_run_other_context (void)
{
  GMainContext *context = g_main_context_new ();
  AioLoop *loop = aio_loop_get_for_context (context);
  Background bg;
  AioTask *task, *leftover;
  GError *error = NULL;

  memset (&bg, 0, sizeof bg);
  task = aio_task_new_full (loop, NULL, 0, answer_body, NULL, NULL);
  leftover = aio_task_new_full (loop, NULL, 0, background_body, &bg, NULL);

  /* Runs the loop of the main future, not the default one. */
  g_assert_true (aio_run (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 42);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (leftover)));
  g_assert_true (bg.cleaned_up);
  aio_test_assert_no_tasks (loop);

  g_clear_error (&bg.seen);
  g_object_unref (task);
  g_object_unref (leftover);
  aio_test_drain (context);
  g_main_context_unref (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/run/result", test_run_result);
  aio_test_add_func ("/aio/run/error", test_run_error);
  aio_test_add_func ("/aio/run/cancelled", test_run_cancelled);
  aio_test_add_func ("/aio/run/plain-future", test_run_plain_future);
  aio_test_add_func ("/aio/run/leftovers", test_run_leftovers);
  aio_test_add_func ("/aio/run/leftover-fails", test_run_leftover_fails);
  aio_test_add_func ("/aio/run/inside-loop", test_run_inside_loop);
  aio_test_add_func ("/aio/run/other-context", test_run_other_context);

  return g_test_run ();
}

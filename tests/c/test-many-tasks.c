/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "aio-test-utils.h"

/* 100,000 tasks suspended at once, all waiting on one gate, then released:
 * as C coroutines, each on its own stack, and as stackless tasks.
 */

#define N_TASKS 100000

typedef struct
{
  AioFuture *gate;       /* (owned) */
  guint      started;
  guint      finished;
  gboolean   out_of_order;
} Crowd;

static Crowd crowd;

static void
crowd_body (AioTask  *task,
            gpointer  user_data)
{
  guint index = GPOINTER_TO_UINT (user_data);
  GError *error = NULL;
  gint value;

  crowd.started++;
  value = aio_await_int (g_object_ref (crowd.gate), &error);
  g_assert_no_error (error);
  crowd.finished++;
  aio_task_return_int64 (task, (gint64) value + index);
}

static AioFuture *
crowd_step (AioTask   *task,
            AioFuture *awaited,
            gpointer   user_data)
{
  guint index = GPOINTER_TO_UINT (user_data);

  if (awaited == NULL)
    {
      crowd.started++;
      return g_object_ref (crowd.gate);
    }
  g_assert_true (awaited == crowd.gate);
  crowd.finished++;
  aio_task_return_int64 (task, (gint64) aio_future_get_int (awaited, NULL) + index);
  return NULL;
}

/* Resident memory of the process, in KiB, for the log. */
static guint64
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

static void
run_crowd (gboolean stackless)
{
  AioTask **tasks = g_new (AioTask *, N_TASKS);
  guint64 rss_before = resident_kib ();
  gint64 start = g_get_monotonic_time ();
  gint64 all_waiting;
  GList *pending;
  guint i;

  crowd.gate = aio_future_new ();
  crowd.started = crowd.finished = 0;

  for (i = 0; i < N_TASKS; i++)
    tasks[i] = stackless
               ? aio_task_new_stackless (NULL, NULL, crowd_step, GUINT_TO_POINTER (i), NULL)
               : aio_task_new (crowd_body, GUINT_TO_POINTER (i), NULL);

  /* Every one of them reaches the gate and suspends there. */
  aio_test_wait_for_count (NULL, &crowd.started, N_TASKS, 120);
  all_waiting = g_get_monotonic_time ();
  g_assert_cmpuint (crowd.finished, ==, 0);
  pending = aio_all_tasks (NULL);
  g_assert_cmpuint (g_list_length (pending), ==, N_TASKS);
  g_list_free_full (pending, g_object_unref);
  for (i = 0; i < N_TASKS; i += 997)
    g_assert_false (aio_future_done (AIO_FUTURE (tasks[i])));

  g_test_message ("%u %s tasks suspended: %.1f s to start, %" G_GUINT64_FORMAT " KiB resident more",
                  N_TASKS, stackless ? "stackless" : "coroutine",
                  (all_waiting - start) / 1e6, resident_kib () - rss_before);

  g_assert_true (aio_future_set_int (crowd.gate, 7, NULL));
  aio_test_wait_for_count (NULL, &crowd.finished, N_TASKS, 120);
  aio_test_drain (NULL);

  for (i = 0; i < N_TASKS; i++)
    {
      g_assert_cmpint (aio_future_get_state (AIO_FUTURE (tasks[i])), ==, AIO_FUTURE_FINISHED);
      g_assert_cmpint (aio_future_get_int64 (AIO_FUTURE (tasks[i]), NULL), ==, 7 + (gint64) i);
      g_object_unref (tasks[i]);
    }
  g_free (tasks);
  g_clear_object (&crowd.gate);
  g_test_message ("all done after %.1f s", (g_get_monotonic_time () - start) / 1e6);
}

static void
test_many_coroutines (void)
{
  run_crowd (FALSE);
}

static void
test_many_stackless (void)
{
  run_crowd (TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/many/coroutines", test_many_coroutines);
  aio_test_add_func ("/aio/many/stackless", test_many_stackless);

  return g_test_run ();
}

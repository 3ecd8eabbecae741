/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>
#include <unistd.h>

#include "aio-test-utils.h"

/* One million C coroutines suspended at once in one process.  Each has its
 * own stack; the stacks are carved from large arenas, so the number of
 * kernel mappings stays far below vm.max_map_count (65530 by default),
 * which caps libraries that map each stack separately near 32k coroutines.
 *
 * Needs about 4-5 GiB of memory; it runs in the "huge" suite.
 */

#define N_TASKS        1000000
#define MAP_COUNT_MAX  65530
#define SAMPLE_EVERY   50000

typedef struct
{
  AioFuture *gate;       /* (owned) */
  guint      started;
  guint      finished;
} Crowd;

static Crowd crowd;

static void
crowd_body (AioTask  *task,
            gpointer  user_data)
{
  GError *error = NULL;
  gint value;

  crowd.started++;
  value = aio_await_int (g_object_ref (crowd.gate), &error);
  if (error != NULL)
    {
      aio_task_return_error (task, error);
      return;
    }
  crowd.finished++;
  aio_task_return_int (task, value + 1);
}

static guint
count_mappings (void)
{
  g_autofree char *maps = NULL;
  guint lines = 0;
  const char *p;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  for (p = maps; *p != '\0'; p++)
    if (*p == '\n')
      lines++;
  return lines;
}

static guint64
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  return line != NULL ? g_ascii_strtoull (line + strlen (field), NULL, 10) : 0;
}

/* Iterates the default loop until *counter reaches N_TASKS, sampling the
 * mapping count on the way.
 */
static guint
iterate_sampling (const guint *counter,
                  guint        max_mappings)
{
  guint next_sample = SAMPLE_EVERY;
  gint64 give_up = g_get_monotonic_time () + 600 * G_USEC_PER_SEC;

  while (*counter < N_TASKS)
    {
      g_main_context_iteration (NULL, TRUE);
      if (*counter >= next_sample)
        {
          guint mappings = count_mappings ();

          max_mappings = MAX (max_mappings, mappings);
          g_assert_cmpuint (mappings, <, MAP_COUNT_MAX);
          next_sample = *counter + SAMPLE_EVERY;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
    }
  return max_mappings;
}

static void
test_million_coroutines (void)
{
  AioTask **tasks;
  guint64 phys_kib = (guint64) sysconf (_SC_PHYS_PAGES) * (guint64) sysconf (_SC_PAGESIZE) / 1024;
  guint64 rss_before = status_kib ("VmRSS:");
  gint64 start = g_get_monotonic_time ();
  guint max_mappings, mappings_before = count_mappings ();
  guint i;

  g_test_message ("machine memory: %" G_GUINT64_FORMAT " MiB; this test needs about 5 GiB",
                  phys_kib / 1024);

  crowd.gate = aio_future_new ();
  tasks = g_new (AioTask *, N_TASKS);
  for (i = 0; i < N_TASKS; i++)
    tasks[i] = aio_task_new (crowd_body, NULL, NULL);

  max_mappings = iterate_sampling (&crowd.started, mappings_before);

  /* All of them alive and suspended at the gate, right now. */
  g_assert_cmpuint (crowd.started, ==, N_TASKS);
  g_assert_cmpuint (crowd.finished, ==, 0);
  for (i = 0; i < N_TASKS; i += 9973)
    g_assert_false (aio_future_done (AIO_FUTURE (tasks[i])));
  max_mappings = MAX (max_mappings, count_mappings ());
  g_test_message ("%u coroutines suspended after %.1f s: %u mappings (%u before), "
                  "%" G_GUINT64_FORMAT " MiB more resident (%.1f KiB each), "
                  "peak %" G_GUINT64_FORMAT " MiB",
                  N_TASKS, (g_get_monotonic_time () - start) / 1e6, max_mappings, mappings_before,
                  (status_kib ("VmRSS:") - rss_before) / 1024,
                  (double) (status_kib ("VmRSS:") - rss_before) / N_TASKS,
                  status_kib ("VmHWM:") / 1024);

  g_assert_true (aio_future_set_int (crowd.gate, 41, NULL));
  max_mappings = iterate_sampling (&crowd.finished, max_mappings);
  aio_test_drain (NULL);

  for (i = 0; i < N_TASKS; i++)
    {
      g_assert_cmpint (aio_future_get_int (AIO_FUTURE (tasks[i]), NULL), ==, 42);
      g_object_unref (tasks[i]);
    }
  g_free (tasks);
  g_clear_object (&crowd.gate);

  g_assert_cmpuint (max_mappings, <, MAP_COUNT_MAX);
  g_test_message ("all done after %.1f s; at most %u mappings",
                  (g_get_monotonic_time () - start) / 1e6, max_mappings);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/million/coroutines", test_million_coroutines);

  return g_test_run ();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <aio-glib.h>

#include "bench-common.h"

/* Structured concurrency over many tasks at once:
 *
 *   gather      create --count C coroutine tasks, then await
 *               aio_gather_array() over all of them and drop the results:
 *               asyncio's
 *               `await gather(*(child(i) for i in range(n)))`
 *   task_group  create --count tasks in an AioTaskGroup and wait for the
 *               group: asyncio's `async with TaskGroup() as g:
 *               g.create_task(child(i))`
 *
 * Each child returns an integer at once.  The figure is the wall time of a
 * round divided by the number of tasks: creating, running and finishing
 * them, the combinator's bookkeeping and freeing everything; `cpu=` is the
 * same on the thread's CPU clock, which a busy machine disturbs less.
 */

#define WARMUP_COUNT 10000

typedef struct
{
  BenchOptions options;
  char        *workload;
  BenchRounds  gather;
  BenchRounds  task_group;
  GError      *error;
} StructuredBench;

static void
child_body (AioTask  *task,
            gpointer  user_data)
{
  aio_task_return_int (task, GPOINTER_TO_INT (user_data));
}

static gboolean
gather_round (gint64     count,
              gpointer   user_data,
              GError   **error)
{
  GPtrArray *tasks = g_ptr_array_sized_new ((guint) count);
  GPtrArray *results;
  gboolean ok = TRUE;
  gint64 i;

  for (i = 0; i < count; i++)
    g_ptr_array_add (tasks, aio_task_new (child_body, GINT_TO_POINTER ((gint) (i & 0xffff)), NULL));
  results = aio_await_boxed (aio_gather_array (tasks, FALSE), error);
  if (results == NULL)
    return FALSE;

  if (results->len != count ||
      aio_future_get_int (g_ptr_array_index (results, count - 1), NULL) != ((count - 1) & 0xffff))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "wrong gather results");
      ok = FALSE;
    }
  g_ptr_array_unref (results);
  return ok;
}

static gboolean
task_group_round (gint64     count,
                  gpointer   user_data,
                  GError   **error)
{
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  gint64 i;

  for (i = 0; i < count; i++)
    if (aio_task_group_create_task (group, child_body, GINT_TO_POINTER ((gint) (i & 0xffff)),
                                    NULL, error) == NULL)
      return FALSE;
  return aio_await (aio_task_group_wait (group, NULL), error);
}

static void
main_body (AioTask  *task,
           gpointer  user_data)
{
  StructuredBench *bench = user_data;
  gboolean all = g_strcmp0 (bench->workload, "all") == 0;

  if (all || g_strcmp0 (bench->workload, "gather") == 0)
    if (!bench_run_rounds (&bench->options, WARMUP_COUNT, gather_round, NULL,
                           &bench->gather, &bench->error))
      return;
  if (all || g_strcmp0 (bench->workload, "task_group") == 0)
    bench_run_rounds (&bench->options, WARMUP_COUNT, task_group_round, NULL,
                      &bench->task_group, &bench->error);
}

int
main (int    argc,
      char **argv)
{
  StructuredBench bench = { 0 };
  GOptionEntry entries[] = {
    { "workload", 'w', 0, G_OPTION_ARG_STRING, &bench.workload,
      "gather, task_group or all (the default)", "NAME" },
    { NULL }
  };
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;

  bench_init (&argc, &argv, "Gather and task groups over many C coroutine tasks.",
              100000, 5, entries, &bench.options);
  if (bench.workload == NULL)
    bench.workload = g_strdup ("all");
  if (bench.options.count > G_MAXUINT)
    {
      g_printerr ("bench-structured: --count is too large\n");
      return 2;
    }
  bench_rounds_init (&bench.gather);
  bench_rounds_init (&bench.task_group);

  main_task = aio_task_new (main_body, &bench, NULL);
  if (!aio_run (AIO_FUTURE (main_task), &error) || bench.error != NULL)
    {
      g_printerr ("bench-structured: %s\n", bench.error != NULL ? bench.error->message
                                                                : error->message);
      return 1;
    }

  if (bench.gather.values->len > 0)
    bench_result_rounds ("gather", "ns/task", &bench.gather);
  if (bench.task_group.values->len > 0)
    bench_result_rounds ("task_group", "ns/task", &bench.task_group);
  bench_rounds_clear (&bench.gather);
  bench_rounds_clear (&bench.task_group);
  g_clear_error (&bench.error);
  g_free (bench.workload);
  return 0;
}

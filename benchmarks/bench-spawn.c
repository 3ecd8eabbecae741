/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <aio-glib.h>

#include "bench-common.h"

/* Spawn + await: a task starts a C coroutine task and awaits it, one after
 * another.  Each child runs on its own stack and returns an integer; the
 * figure is the wall time per child, from creation to the parent resuming
 * with its result.  asyncio's counterpart is
 * `await loop.create_task(child())`.
 */

#define WARMUP_COUNT 10000

typedef struct
{
  BenchOptions options;
  BenchRounds  rounds;
} SpawnBench;

static void
child_body (AioTask  *task,
            gpointer  user_data)
{
  aio_task_return_int (task, GPOINTER_TO_INT (user_data));
}

/* Returns FALSE if a child went wrong, which would void the figure. */
static gboolean
spawn_and_await (gint64     count,
                 gpointer   user_data,
                 GError   **round_error)
{
  gint64 i;

  for (i = 0; i < count; i++)
    {
      g_autoptr(GError) error = NULL;
      int value = (int) (i & 0xffff);
      AioTask *child = aio_task_new (child_body, GINT_TO_POINTER (value), NULL);

      if (aio_await_int (AIO_FUTURE (child), &error) != value || error != NULL)
        {
          g_printerr ("Child %" G_GINT64_FORMAT " failed: %s\n", i,
                      error != NULL ? error->message : "wrong result");
          return FALSE;
        }
    }
  return TRUE;
}

static void
main_body (AioTask  *task,
           gpointer  user_data)
{
  SpawnBench *bench = user_data;
  GError *error = NULL;

  if (!bench_run_rounds (&bench->options, WARMUP_COUNT, spawn_and_await, NULL,
                         &bench->rounds, &error))
    aio_task_return_error (task, error);
}

int
main (int    argc,
      char **argv)
{
  SpawnBench bench;
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;

  bench_init (&argc, &argv, "Spawn a C coroutine task and await it, one after another.",
              1000000, 3, NULL, &bench.options);
  bench_rounds_init (&bench.rounds);

  main_task = aio_task_new (main_body, &bench, NULL);
  if (!aio_run (AIO_FUTURE (main_task), &error))
    {
      g_printerr ("bench-spawn: %s\n", error->message);
      return 1;
    }

  bench_result_rounds ("spawn_await", "ns/task", &bench.rounds);
  bench_rounds_clear (&bench.rounds);
  return 0;
}

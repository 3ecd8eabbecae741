/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <aio-glib.h>

#include "bench-common.h"

/* An AioAsyncGenerator whose C coroutine body yields the integers 0 to
 * N-1, consumed by a task awaiting aio_async_generator_anext() for each:
 * Python's `async for v in agen()`.  The figure is the wall time per
 * value.
 */

#define WARMUP 100000

typedef struct
{
  gint64 count;
} Range;

static void
range_body (AioAsyncGenerator *gen,
            gpointer           user_data)
{
  Range *range = user_data;
  gint64 i;

  for (i = 0; i < range->count; i++)
    if (!aio_async_generator_yield_int (gen, (gint) (i & G_MAXINT), NULL))
      return;
}

static gboolean
consume (gint64     count,
         gpointer   user_data,
         GError   **round_error)
{
  Range range = { count };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (range_body, &range, NULL);
  g_autoptr(GError) error = NULL;
  gint64 i;

  for (i = 0; ; i++)
    {
      gint value = aio_await_int (aio_async_generator_anext (gen), &error);

      if (error != NULL)
        break;
      if (value != (gint) (i & G_MAXINT))
        return FALSE;
    }
  return i == count && g_error_matches (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
}

typedef struct
{
  BenchOptions options;
  BenchRounds  rounds;
} GeneratorBench;

static void
main_body (AioTask  *task,
           gpointer  user_data)
{
  GeneratorBench *bench = user_data;
  GError *error = NULL;

  if (!bench_run_rounds (&bench->options, WARMUP, consume, NULL, &bench->rounds, &error))
    aio_task_return_error (task, error);
}

int
main (int    argc,
      char **argv)
{
  GeneratorBench bench = { 0 };
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;

  bench_init (&argc, &argv, "An async generator yielding integers to one consumer.",
              10000000, 3, NULL, &bench.options);
  bench_rounds_init (&bench.rounds);

  main_task = aio_task_new (main_body, &bench, NULL);
  if (!aio_run (AIO_FUTURE (main_task), &error))
    {
      g_printerr ("bench-generator: %s\n", error->message);
      return 1;
    }

  bench_result_rounds ("async_generator", "ns/value", &bench.rounds);
  bench_rounds_clear (&bench.rounds);
  return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <aio-glib.h>

#include "bench-common.h"

/* Two tasks contend for one AioLock, each holding it across a yield
 * (asyncio's `async with lock: await asyncio.sleep(0)`), so every
 * acquisition waits and is a hand-over from the other task.  The figure
 * is the wall time per acquisition: the hand-over, the yield and the
 * switches between the two tasks.
 */

#define WARMUP 10000

typedef struct
{
  AioLock  *lock;
  gint64    count;      /* acquisitions per task */
  gint64    handoffs;   /* acquisitions that had to wait */
  gboolean  failed;
} Contest;

static void
contender_body (AioTask  *task,
                gpointer  user_data)
{
  Contest *contest = user_data;
  gint64 i;

  for (i = 0; i < contest->count; i++)
    {
      g_autoptr(GError) error = NULL;
      AioFuture *acquire = aio_lock_acquire (contest->lock);

      if (!aio_future_done (acquire))
        contest->handoffs++;
      if (!aio_await (acquire, &error) || !aio_yield (&error) ||
          !aio_lock_release (contest->lock, &error))
        {
          g_printerr ("lock round failed: %s\n", error->message);
          contest->failed = TRUE;
          return;
        }
    }
}

static gboolean
contend (gint64     acquisitions,
         gpointer   user_data,
         GError   **error)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  Contest contest = { lock, acquisitions / 2, 0, FALSE };
  g_autoptr(AioTask) a = aio_task_new (contender_body, &contest, NULL);
  g_autoptr(AioTask) b = aio_task_new (contender_body, &contest, NULL);

  aio_await (g_object_ref (AIO_FUTURE (a)), NULL);
  aio_await (g_object_ref (AIO_FUTURE (b)), NULL);
  /* All but the very first acquisition waited for the other task. */
  return !contest.failed && contest.handoffs >= acquisitions - 2;
}

typedef struct
{
  BenchOptions options;
  BenchRounds  rounds;
} LockBench;

static void
main_body (AioTask  *task,
           gpointer  user_data)
{
  LockBench *bench = user_data;
  GError *error = NULL;

  if (!bench_run_rounds (&bench->options, WARMUP, contend, NULL, &bench->rounds, &error))
    aio_task_return_error (task, error);
}

int
main (int    argc,
      char **argv)
{
  LockBench bench = { 0 };
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;

  bench_init (&argc, &argv, "Two tasks hand a lock to each other.",
              1000000, 3, NULL, &bench.options);
  /* Each of the two tasks acquires half of them. */
  bench.options.count &= ~(gint64) 1;
  bench_rounds_init (&bench.rounds);

  main_task = aio_task_new (main_body, &bench, NULL);
  if (!aio_run (AIO_FUTURE (main_task), &error))
    {
      g_printerr ("bench-lock: %s\n", error->message);
      return 1;
    }

  bench_result_rounds ("lock_handoff", "ns/acquire", &bench.rounds);
  bench_rounds_clear (&bench.rounds);
  return 0;
}

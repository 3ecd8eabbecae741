/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <aio-glib.h>

#include "bench-common.h"

/* One producer and one consumer through an AioQueue of maxsize 100: the
 * producer awaits aio_queue_put_int() for each item, the consumer awaits
 * aio_queue_get() and checks the item.  The figure is the wall time per
 * item, both sides included: asyncio's `await q.put(i)` / `await q.get()`.
 */

#define MAXSIZE 100
#define WARMUP  100000

typedef struct
{
  AioQueue *queue;
  gint64    count;
  gboolean  failed;
} Pipe;

static void
producer_body (AioTask  *task,
               gpointer  user_data)
{
  Pipe *pipe = user_data;
  gint64 i;

  for (i = 0; i < pipe->count; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!aio_await (aio_queue_put_int (pipe->queue, (gint) (i & G_MAXINT)), &error))
        {
          g_printerr ("put failed: %s\n", error->message);
          pipe->failed = TRUE;
          return;
        }
    }
}

static void
consumer_body (AioTask  *task,
               gpointer  user_data)
{
  Pipe *pipe = user_data;
  gint64 i;

  for (i = 0; i < pipe->count; i++)
    {
      g_autoptr(GError) error = NULL;
      gint item = aio_await_int (aio_queue_get (pipe->queue), &error);

      if (error != NULL || item != (gint) (i & G_MAXINT))
        {
          g_printerr ("get failed at %" G_GINT64_FORMAT "\n", i);
          pipe->failed = TRUE;
          return;
        }
    }
}

static gboolean
transfer (gint64     count,
          gpointer   user_data,
          GError   **error)
{
  g_autoptr(AioQueue) queue = aio_queue_new (MAXSIZE);
  Pipe pipe = { queue, count, FALSE };
  g_autoptr(AioTask) consumer = aio_task_new (consumer_body, &pipe, NULL);
  g_autoptr(AioTask) producer = aio_task_new (producer_body, &pipe, NULL);

  aio_await (g_object_ref (AIO_FUTURE (producer)), NULL);
  aio_await (g_object_ref (AIO_FUTURE (consumer)), NULL);
  return !pipe.failed;
}

typedef struct
{
  BenchOptions options;
  BenchRounds  rounds;
} QueueBench;

static void
main_body (AioTask  *task,
           gpointer  user_data)
{
  QueueBench *bench = user_data;
  GError *error = NULL;

  if (!bench_run_rounds (&bench->options, WARMUP, transfer, NULL, &bench->rounds, &error))
    aio_task_return_error (task, error);
}

int
main (int    argc,
      char **argv)
{
  QueueBench bench = { 0 };
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;

  bench_init (&argc, &argv, "One producer and one consumer through a queue of maxsize 100.",
              10000000, 3, NULL, &bench.options);
  bench_rounds_init (&bench.rounds);

  main_task = aio_task_new (main_body, &bench, NULL);
  if (!aio_run (AIO_FUTURE (main_task), &error))
    {
      g_printerr ("bench-queue: %s\n", error->message);
      return 1;
    }

  bench_result_rounds ("queue_pipe", "ns/item", &bench.rounds);
  bench_rounds_clear (&bench.rounds);
  return 0;
}

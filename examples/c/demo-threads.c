/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Blocking work on threads: each worker thread counts primes in a slice of
 * a range and completes an AioFuture from its own thread; the loop keeps
 * running coroutines meanwhile and wakes the awaiting one when a result
 * arrives.  Progress messages come back with call_soon_threadsafe().
 */

#include "demo.h"

#define N_WORKERS   4
#define PRIME_LIMIT 1000000
#define PRIMES_BELOW_LIMIT 78498   /* pi(10^6) */

typedef struct
{
  guint      id;
  guint      from;
  guint      to;
  AioLoop   *loop;     /* (unowned): the demo's loop outlives the thread */
  AioFuture *result;   /* (owned) */
} Worker;

static gboolean
is_prime (guint n)
{
  guint d;

  if (n < 2)
    return FALSE;
  for (d = 2; d * d <= n; d++)
    if (n % d == 0)
      return FALSE;
  return TRUE;
}

static void
say_from_loop (gpointer user_data)
{
  demo_say ("%s", (const char *) user_data);
}

static gpointer
worker_thread (gpointer user_data)
{
  Worker *worker = user_data;
  guint n, count = 0;

  for (n = worker->from; n < worker->to; n++)
    {
      count += is_prime (n);
      if (n == worker->from + (worker->to - worker->from) / 2)
        /* Printing belongs to the loop's thread: hand the line over. */
        aio_handle_unref (aio_loop_call_soon_threadsafe (
            worker->loop, say_from_loop,
            g_strdup_printf ("  worker %u (thread): halfway through [%u, %u)",
                             worker->id, worker->from, worker->to),
            g_free));
    }

  /* Completing a future from another thread is safe: the loop's thread is
   * woken up and resumes the coroutine waiting for it.
   */
  aio_future_set_int (worker->result, (gint) count, NULL);
  return NULL;
}

static void
heartbeat_body (AioTask  *task,
                gpointer  user_data)
{
  guint *beats = user_data;

  while (aio_await (aio_sleep (0.005), NULL))
    (*beats)++;
}

void
demo_threads_section (AioTask  *task,
                      gpointer  user_data)
{
  Worker workers[N_WORKERS];
  GThread *threads[N_WORKERS];
  g_autoptr(AioTask) heartbeat = NULL;
  g_autoptr(GError) error = NULL;
  guint i, beats = 0, total = 0;
  gint64 started = g_get_monotonic_time ();

  heartbeat = aio_task_new_full (NULL, "heartbeat", 0, heartbeat_body, &beats,
                                 NULL);
  demo_say ("%u threads count the primes below %u; a heartbeat coroutine "
            "keeps beating on the loop meanwhile", N_WORKERS, PRIME_LIMIT);

  for (i = 0; i < N_WORKERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("worker-%u", i + 1);

      workers[i].id = i + 1;
      workers[i].from = i * (PRIME_LIMIT / N_WORKERS);
      workers[i].to = (i + 1 == N_WORKERS) ? PRIME_LIMIT
                                          : (i + 1) * (PRIME_LIMIT / N_WORKERS);
      workers[i].loop = aio_loop_get_running ();
      workers[i].result = aio_future_new ();
      threads[i] = g_thread_new (name, worker_thread, &workers[i]);
    }

  for (i = 0; i < N_WORKERS; i++)
    {
      gint count = aio_await_int (g_object_ref (workers[i].result), &error);

      if (error != NULL)
        break;
      demo_say ("  worker %u: %d primes in [%u, %u)", workers[i].id, count,
                workers[i].from, workers[i].to);
      total += count;
    }

  for (i = 0; i < N_WORKERS; i++)
    {
      g_thread_join (threads[i]);
      g_object_unref (workers[i].result);
    }
  aio_task_cancel (heartbeat, NULL);
  aio_await (g_object_ref (AIO_FUTURE (heartbeat)), NULL);

  if (error != NULL)
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  demo_say ("%u primes below %u (expected %u) in %.0f ms; the heartbeat beat "
            "%u times while the threads worked",
            total, PRIME_LIMIT, PRIMES_BELOW_LIMIT,
            (g_get_monotonic_time () - started) / 1000.0, beats);
  if (total != PRIMES_BELOW_LIMIT)
    aio_task_return_error (task, g_error_new (AIO_ERROR, AIO_ERROR_FAILED,
                                              "counted %u primes", total));
}

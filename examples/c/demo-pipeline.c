/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* A pipeline: an async generator turns the service's tick stream into
 * values, a producer puts them on a bounded queue, and three workers take
 * them off.  The queue's bound holds the producer back while the workers
 * are busy; join() waits until every item is processed, and shutdown()
 * sends the idle workers home.
 */

#include "demo.h"

#define N_WORKERS  3
#define N_TICKS    9

/* The generator body: connects, subscribes, yields each tick.  When the
 * consumer closes the generator early, the pending yield fails and the
 * connection is closed on the way out, as in an asyncio `finally:`.
 */
static void
ticks_body (AioAsyncGenerator *generator,
            gpointer           user_data)
{
  DemoServer *server = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) connection = NULL;
  g_autoptr(GDataInputStream) reader = NULL;
  g_autofree char *tick = NULL;

  connection = demo_open (demo_server_get_port (server), &reader, &error);
  if (connection == NULL)
    {
      aio_async_generator_return_error (generator, g_steal_pointer (&error));
      return;
    }

  tick = demo_request (connection, reader, "SUBSCRIBE", &error);
  while (tick != NULL && aio_async_generator_yield_string (generator, tick, &error))
    {
      g_clear_pointer (&tick, g_free);
      g_data_input_stream_read_line_async (reader, G_PRIORITY_DEFAULT, AIO_GIO_ARGS);
      tick = g_data_input_stream_read_line_finish_utf8 (reader, aio_await_gio (),
                                                        NULL, &error);
    }

  demo_say ("  generator: closing its subscription");
  demo_close (connection);
}

typedef struct
{
  AioQueue *queue;
  guint     id;
  guint     done;
} Worker;

static void
worker_body (AioTask  *task,
             gpointer  user_data)
{
  Worker *worker = user_data;
  g_autoptr(GError) error = NULL;

  for (;;)
    {
      g_autofree char *item = aio_await_string (aio_queue_get (worker->queue), &error);

      if (item == NULL)
        break;   /* the queue was shut down */
      demo_say ("  worker %u: processing %s (queue holds %u)", worker->id, item,
                aio_queue_qsize (worker->queue));
      /* Slower than the 50 ms ticks: the queue fills up. */
      aio_await (aio_sleep (0.15 + 0.05 * worker->id), NULL);
      worker->done++;
      aio_queue_task_done (worker->queue, NULL);
    }

  if (!g_error_matches (error, AIO_ERROR, AIO_ERROR_QUEUE_SHUT_DOWN))
    aio_task_return_error (task, g_steal_pointer (&error));
}

void
demo_pipeline_section (AioTask  *task,
                       gpointer  user_data)
{
  DemoServer *server = user_data;
  g_autoptr(AioQueue) queue = aio_queue_new (2);
  g_autoptr(AioAsyncGenerator) ticks = NULL;
  g_autoptr(AioTaskGroup) workers = aio_task_group_new ();
  Worker worker_state[N_WORKERS];
  g_autoptr(GError) error = NULL;
  GValue value = G_VALUE_INIT;
  guint produced = 0, blocked = 0, i;

  for (i = 0; i < N_WORKERS; i++)
    {
      worker_state[i] = (Worker) { queue, i + 1, 0 };
      aio_task_group_create_task (workers, worker_body, &worker_state[i], NULL, NULL);
    }

  demo_say ("%u ticks from an async generator, through a queue of 2, to %u workers",
            N_TICKS, N_WORKERS);
  ticks = aio_async_generator_new (ticks_body, server, NULL);
  while (produced < N_TICKS && aio_async_generator_iterate (ticks, &value, &error))
    {
      if (aio_queue_full (queue))
        blocked++;   /* this put waits until a worker takes an item */
      if (!aio_await (aio_queue_put (queue, &value), &error))
        break;
      g_value_unset (&value);
      produced++;
    }
  if (G_IS_VALUE (&value))
    g_value_unset (&value);

  /* Closing the generator early runs its cleanup (the `finally:`). */
  aio_await (aio_async_generator_aclose (ticks), NULL);

  aio_await (aio_queue_join (queue), NULL);
  demo_say ("  all %u items processed; the producer waited on the full queue %u times",
            produced, blocked);
  for (i = 0; i < N_WORKERS; i++)
    demo_say ("  worker %u handled %u", worker_state[i].id, worker_state[i].done);

  aio_queue_shutdown (queue, FALSE);
  if (!aio_await (aio_task_group_wait (workers, error), NULL) || error != NULL)
    aio_task_return_error (task, error != NULL ? g_steal_pointer (&error)
                                               : g_error_new_literal (AIO_ERROR, AIO_ERROR_FAILED,
                                                                      "a worker failed"));
}

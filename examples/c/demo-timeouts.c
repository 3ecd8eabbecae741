/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Timeouts from plain futures: a request races an aio_sleep(); whichever
 * future is done first wins, and a request that loses is cancelled and
 * cleans up after itself.
 */

#include "demo.h"

static void
race_done_cb (AioFuture *future,
              gpointer   user_data)
{
  AioFuture *first = user_data;

  if (!aio_future_done (first))
    aio_future_set_object (first, future, NULL);
}

/* Returns a future that finishes with whichever of @a and @b is done
 * first, as its object result.
 */
static AioFuture *
race (AioFuture *a,
      AioFuture *b)
{
  AioFuture *first = aio_future_new ();

  aio_future_add_done_callback (a, race_done_cb, g_object_ref (first),
                                g_object_unref);
  aio_future_add_done_callback (b, race_done_cb, g_object_ref (first),
                                g_object_unref);
  return first;
}

typedef struct
{
  guint16     port;
  const char *request;
} Request;

static void
request_body (AioTask  *task,
              gpointer  user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) connection = NULL;
  g_autoptr(GDataInputStream) reader = NULL;
  g_autofree char *reply = NULL;

  connection = demo_connect (request->port, &error);
  if (connection == NULL)
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  reader = g_data_input_stream_new (g_io_stream_get_input_stream (connection));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (reader),
                                               FALSE);

  reply = demo_request (connection, reader, request->request, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    demo_say ("  %s: cancelled while waiting for the answer; "
              "closing the connection", aio_task_get_name (task));

  /* Cleanup runs (and may await) whether we were cancelled or not. */
  demo_close (connection);

  if (reply == NULL)
    aio_task_return_error (task, g_steal_pointer (&error));
  else
    aio_task_return_string (task, reply);
}

/* Sends @line and waits at most @timeout seconds for the answer. */
static void
request_with_timeout (DemoServer *server,
                      const char *name,
                      const char *line,
                      double      timeout)
{
  Request request = { demo_server_get_port (server), line };
  g_autoptr(AioTask) request_task = NULL;
  g_autoptr(AioFuture) deadline = NULL;
  g_autoptr(AioFuture) winner = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  request_task = aio_task_new_full (NULL, name, 0, request_body, &request,
                                    NULL);
  deadline = aio_sleep (timeout);
  demo_say ("%s: \"%s\" with a %.0f ms timeout", name, line, timeout * 1000);

  winner = aio_await_object (race (AIO_FUTURE (request_task), deadline),
                             &error);
  if (winner == AIO_FUTURE (request_task))
    {
      aio_future_cancel (deadline, NULL);
      demo_say ("  %s: answered \"%s\" after %.0f ms", name,
                aio_future_get_string (winner, NULL),
                (g_get_monotonic_time () - started) / 1000.0);
      return;
    }

  if (winner == NULL)   /* this section itself was cancelled */
    {
      aio_future_cancel (deadline, NULL);
      aio_task_cancel (request_task, error->message);
      aio_await (g_object_ref (AIO_FUTURE (request_task)), NULL);
      return;
    }

  demo_say ("  %s: no answer after %.0f ms, cancelling it", name,
            (g_get_monotonic_time () - started) / 1000.0);
  aio_task_cancel (request_task, "timed out");
  /* Wait for the request to finish its cleanup: @request lives on this
   * stack.
   */
  aio_await (g_object_ref (AIO_FUTURE (request_task)), &error);
  demo_say ("  %s: ended %s (%s)", name,
            aio_future_cancelled (AIO_FUTURE (request_task))
            ? "cancelled" : "otherwise",
            error != NULL ? error->message : "no error");
}

void
demo_timeout_section (AioTask  *task,
                      gpointer  user_data)
{
  DemoServer *server = user_data;

  request_with_timeout (server, "quick-request", "SLOW 50 in time", 0.25);
  request_with_timeout (server, "slow-request", "SLOW 2000 too late", 0.25);
}

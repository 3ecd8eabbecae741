/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Cancellation, asyncio style: cancelling a task makes its current await
 * fail with G_IO_ERROR_CANCELLED; the task cleans up (awaiting if it needs
 * to) and ends cancelled.  A task cancelled before it starts never runs.
 */

#include "demo.h"

static void
subscriber_body (AioTask  *task,
                 gpointer  user_data)
{
  DemoServer *server = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) connection = NULL;
  g_autoptr(GDataInputStream) reader = NULL;
  g_autofree char *tick = NULL;
  guint received = 0;

  connection = demo_open (demo_server_get_port (server), &reader, &error);
  if (connection == NULL)
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  tick = demo_request (connection, reader, "SUBSCRIBE", &error);
  while (tick != NULL)
    {
      received++;
      demo_say ("  subscriber: %s", tick);
      g_free (tick);
      /* Waiting here when the cancellation comes: the read is cancelled
       * through its GCancellable and fails with G_IO_ERROR_CANCELLED.
       */
      g_data_input_stream_read_line_async (reader, G_PRIORITY_DEFAULT,
                                           AIO_GIO_ARGS);
      tick = g_data_input_stream_read_line_finish_utf8 (reader,
                                                        aio_await_gio (),
                                                        NULL, &error);
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    demo_say ("  subscriber: cancelled while waiting for tick %u; "
              "closing the connection before leaving", received + 1);
  demo_close (connection);
  demo_say ("  subscriber: connection closed");

  /* Letting the cancellation error end the body ends the task cancelled,
   * as re-raising CancelledError does in asyncio.
   */
  if (error != NULL)
    aio_task_return_error (task, g_steal_pointer (&error));
}

static void
never_runs_body (AioTask  *task,
                 gpointer  user_data)
{
  gboolean *ran = user_data;

  *ran = TRUE;
}

void
demo_cancel_section (AioTask  *task,
                     gpointer  user_data)
{
  DemoServer *server = user_data;
  g_autoptr(AioTask) subscriber = NULL;
  g_autoptr(AioTask) unstarted = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ran = FALSE;

  subscriber = aio_task_new_full (NULL, "subscriber", 0, subscriber_body,
                                  server, NULL);
  demo_say ("a subscriber task listens to a tick every 50 ms; "
            "we cancel it after 180 ms");
  if (!aio_await (aio_sleep (0.18), &error))
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  aio_task_cancel (subscriber, "the demo has seen enough");
  aio_await (g_object_ref (AIO_FUTURE (subscriber)), &error);
  demo_say ("subscriber task ended %s: %s",
            aio_future_cancelled (AIO_FUTURE (subscriber))
            ? "cancelled" : "NOT cancelled",
            error != NULL ? error->message : "no error");
  if (!aio_future_cancelled (AIO_FUTURE (subscriber)))
    {
      aio_task_return_error (task, g_error_new_literal (AIO_ERROR,
                                                        AIO_ERROR_FAILED,
                                                        "the subscriber was not cancelled"));
      return;
    }
  g_clear_error (&error);

  unstarted = aio_task_new_full (NULL, "unstarted", 0, never_runs_body, &ran,
                                 NULL);
  aio_task_cancel (unstarted, "changed my mind");
  aio_await (g_object_ref (AIO_FUTURE (unstarted)), NULL);
  demo_say ("a task cancelled before it started: cancelled=%s, body ran=%s",
            aio_future_cancelled (AIO_FUTURE (unstarted)) ? "yes" : "no",
            ran ? "yes" : "no");
}

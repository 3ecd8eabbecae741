/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Timeouts, asyncio style: aio_wait_for() bounds one request, and an
 * AioTimeout scope bounds a whole stretch of code.  A request that runs
 * out of time is cancelled, cleans up, and only then is the timeout
 * reported.
 */

#include "demo.h"

typedef struct
{
  guint16     port;
  const char *line;
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

  connection = demo_open (request->port, &reader, &error);
  if (connection == NULL)
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  reply = demo_request (connection, reader, request->line, &error);
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
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = NULL;
  AioTask *request_task;
  gint64 started = g_get_monotonic_time ();

  demo_say ("%s: \"%s\" with a %.0f ms timeout", name, line, timeout * 1000);
  request_task = aio_task_new_full (NULL, name, 0, request_body, &request, NULL);

  /* On timeout, wait_for() cancels the request and waits for its cleanup
   * before failing, so @request (on this stack) outlives the task.
   */
  reply = aio_await_string (aio_wait_for (AIO_FUTURE (request_task), timeout),
                            &error);
  if (reply != NULL)
    demo_say ("  %s: answered \"%s\" after %.0f ms", name, reply,
              (g_get_monotonic_time () - started) / 1000.0);
  else
    demo_say ("  %s: %s after %.0f ms", name, error->message,
              (g_get_monotonic_time () - started) / 1000.0);
}

/* A timeout scope around several awaits: the whole conversation must fit
 * in the deadline, however it is split.
 */
static void
conversation_with_deadline (DemoServer *server,
                            double      budget)
{
  Request first = { demo_server_get_port (server), "SLOW 60 first" };
  Request second = { demo_server_get_port (server), "SLOW 60 second" };
  Request third = { demo_server_get_port (server), "SLOW 60 third" };
  Request *steps[] = { &first, &second, &third };
  g_autoptr(AioTimeout) scope = aio_timeout_new (budget);
  g_autoptr(GError) error = NULL;
  guint i;

  demo_say ("three 60 ms requests in a row inside a %.0f ms timeout scope",
            budget * 1000);
  for (i = 0; i < G_N_ELEMENTS (steps) && error == NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("step-%u", i + 1);
      g_autofree char *reply =
        aio_await_string (AIO_FUTURE (aio_task_new_full (NULL, name, 0, request_body,
                                                         steps[i], NULL)),
                          &error);

      if (reply != NULL)
        demo_say ("  step %u: \"%s\"", i + 1, reply);
    }

  /* The scope turns its own cancellation into G_IO_ERROR_TIMED_OUT; any
   * other outcome of the body stands.
   */
  if (!aio_timeout_exit (scope, &error))
    demo_say ("  the scope ended: %s (expired: %s)", error->message,
              aio_timeout_expired (scope) ? "yes" : "no");
  else
    demo_say ("  all three steps fitted in the deadline");
}

void
demo_timeout_section (AioTask  *task,
                      gpointer  user_data)
{
  DemoServer *server = user_data;

  request_with_timeout (server, "quick-request", "SLOW 50 in time", 0.25);
  request_with_timeout (server, "slow-request", "SLOW 2000 too late", 0.25);
  conversation_with_deadline (server, 0.5);
  conversation_with_deadline (server, 0.15);
}

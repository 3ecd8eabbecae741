/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The loopback echo service and its clients.  There is no GSocketService
 * and no callback chain: the accept loop is one C coroutine, each
 * connection is served by a coroutine of its own, and every GIO call is
 * awaited through the GIO bridge (AIO_GIO_ARGS / aio_await_gio()).
 */

#include <stdio.h>
#include <string.h>

#include "demo.h"

#define N_ECHO_CLIENTS 50

struct _DemoServer
{
  GSocketListener *listener;     /* (owned) */
  guint16          port;
  AioTask         *accept_task;  /* (owned) */
  GPtrArray       *handlers;     /* (owned) (element-type AioTask): open connections */
  guint            served;
  guint            peak_connections;
};

typedef struct
{
  DemoServer *server;            /* (unowned): outlives every handler */
  GIOStream  *connection;        /* (owned) */
} Handler;

static void
handler_free (gpointer data)
{
  Handler *handler = data;

  g_object_unref (handler->connection);
  g_free (handler);
}

static gboolean
write_line (GIOStream   *connection,
            const char  *line,
            GError     **error)
{
  GOutputStream *out = g_io_stream_get_output_stream (connection);
  g_autofree char *data = g_strconcat (line, "\n", NULL);

  g_output_stream_write_all_async (out, data, strlen (data),
                                   G_PRIORITY_DEFAULT, AIO_GIO_ARGS);
  return g_output_stream_write_all_finish (out, aio_await_gio (), NULL, error);
}

static char *
read_line (GDataInputStream  *reader,
           GError           **error)
{
  g_data_input_stream_read_line_async (reader, G_PRIORITY_DEFAULT,
                                       AIO_GIO_ARGS);
  return g_data_input_stream_read_line_finish_utf8 (reader, aio_await_gio (),
                                                    NULL, error);
}

static GDataInputStream *
line_reader_new (GIOStream *connection)
{
  GDataInputStream *reader;

  reader = g_data_input_stream_new (g_io_stream_get_input_stream (connection));
  g_data_input_stream_set_newline_type (reader, G_DATA_STREAM_NEWLINE_TYPE_LF);
  /* The connection owns the socket; the reader only reads from it. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (reader),
                                               FALSE);
  return reader;
}

/* "SUBSCRIBE": a tick every 50 ms until the client goes away or the server
 * shuts down.
 */
static void
serve_ticks (Handler  *handler,
             GError  **error)
{
  guint tick;

  for (tick = 1; ; tick++)
    {
      g_autofree char *line = g_strdup_printf ("TICK %u", tick);

      if (!aio_await (aio_sleep (0.05), error) ||
          !write_line (handler->connection, line, error))
        return;
    }
}

static void
handler_body (AioTask  *task,
              gpointer  user_data)
{
  Handler *handler = user_data;
  DemoServer *server = handler->server;
  g_autoptr(GDataInputStream) reader = line_reader_new (handler->connection);
  g_autoptr(GError) error = NULL;

  for (;;)
    {
      g_autofree char *line = read_line (reader, &error);
      g_autofree char *reply = NULL;
      guint delay_ms;
      char *text = NULL;

      if (line == NULL)   /* the client closed, or we are shutting down */
        break;

      if (g_str_has_prefix (line, "ECHO "))
        reply = g_utf8_strup (line + 5, -1);
      else if (sscanf (line, "SLOW %u", &delay_ms) == 1 &&
               (text = strchr (line + 5, ' ')) != NULL)
        {
          if (!aio_await (aio_sleep (delay_ms / 1000.0), &error))
            break;
          reply = g_utf8_strup (text + 1, -1);
        }
      else if (g_str_equal (line, "SUBSCRIBE"))
        {
          serve_ticks (handler, &error);
          break;
        }
      else
        reply = g_strdup_printf ("ERROR unknown request '%s'", line);

      if (!write_line (handler->connection, reply, &error))
        break;
      server->served++;
    }

  /* A client that went away or a shutdown is how a connection ends; any
   * other failure is worth a line in the narrative.
   */
  if (error != NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    demo_say ("server: a connection failed: %s", error->message);

  demo_close (handler->connection);
  /* The loop holds the running task, so dropping the list's reference
   * here is safe.
   */
  g_ptr_array_remove_fast (server->handlers, task);
}

static void
accept_body (AioTask  *task,
             gpointer  user_data)
{
  DemoServer *server = user_data;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) error = NULL;
      Handler *handler;
      AioTask *handler_task;

      g_socket_listener_accept_async (server->listener, AIO_GIO_ARGS);
      connection = g_socket_listener_accept_finish (server->listener,
                                                    aio_await_gio (),
                                                    NULL, &error);
      if (connection == NULL)
        {
          /* Cancelled by demo_server_stop(): the task ends cancelled. */
          aio_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      handler = g_new0 (Handler, 1);
      handler->server = server;
      handler->connection = G_IO_STREAM (g_steal_pointer (&connection));
      handler_task = aio_task_new_full (NULL, "connection", 0, handler_body,
                                        handler, handler_free);
      g_ptr_array_add (server->handlers, handler_task);
      server->peak_connections = MAX (server->peak_connections,
                                      server->handlers->len);
    }
}

DemoServer *
demo_server_start (GError **error)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  DemoServer *server;

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);   /* any free port */
  g_socket_listener_set_backlog (listener, 2 * N_ECHO_CLIENTS);
  if (!g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                      error))
    return NULL;

  server = g_new0 (DemoServer, 1);
  server->listener = g_steal_pointer (&listener);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  server->handlers = g_ptr_array_new_with_free_func (g_object_unref);
  server->accept_task = aio_task_new_full (NULL, "accept-loop", 0,
                                           accept_body, server, NULL);
  return server;
}

guint16
demo_server_get_port (DemoServer *server)
{
  return server->port;
}

guint
demo_server_get_served (DemoServer *server)
{
  return server->served;
}

guint
demo_server_get_peak_connections (DemoServer *server)
{
  return server->peak_connections;
}

void
demo_server_stop (DemoServer *server)
{
  g_autoptr(GPtrArray) open_connections = NULL;
  guint i;

  /* Stop accepting first, then cancel the connections still open and wait
   * for each to close itself.
   */
  aio_task_cancel (server->accept_task, "the server is shutting down");
  aio_await (g_object_ref (AIO_FUTURE (server->accept_task)), NULL);

  open_connections = g_ptr_array_new_with_free_func (g_object_unref);
  for (i = 0; i < server->handlers->len; i++)
    g_ptr_array_add (open_connections,
                     g_object_ref (g_ptr_array_index (server->handlers, i)));
  for (i = 0; i < open_connections->len; i++)
    aio_task_cancel (g_ptr_array_index (open_connections, i),
                     "the server is shutting down");
  for (i = 0; i < open_connections->len; i++)
    aio_await (g_object_ref (g_ptr_array_index (open_connections, i)), NULL);
  if (open_connections->len > 0)
    demo_say ("server: closed %u connection(s) that were still open",
              open_connections->len);

  g_socket_listener_close (server->listener);
  g_clear_object (&server->accept_task);
  g_clear_object (&server->listener);
  g_ptr_array_unref (server->handlers);
  g_free (server);
}

GIOStream *
demo_connect (guint16   port,
              GError  **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  /* Loopback needs no proxy, and looking one up may load GIO modules. */
  g_socket_client_set_enable_proxy (client, FALSE);

  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address),
                                 AIO_GIO_ARGS);
  return G_IO_STREAM (g_socket_client_connect_finish (client, aio_await_gio (),
                                                      error));
}

GIOStream *
demo_open (guint16            port,
           GDataInputStream **reader,
           GError           **error)
{
  GIOStream *connection = demo_connect (port, error);

  if (connection != NULL)
    *reader = line_reader_new (connection);
  return connection;
}

char *
demo_request (GIOStream         *connection,
              GDataInputStream  *reader,
              const char        *line,
              GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  char *reply;

  if (!write_line (connection, line, error))
    return NULL;
  reply = read_line (reader, &local_error);
  if (reply == NULL && local_error == NULL)
    local_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                       "The server closed the connection");
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return reply;
}

void
demo_close (GIOStream *connection)
{
  g_autoptr(GError) error = NULL;

  g_io_stream_close_async (connection, G_PRIORITY_DEFAULT, AIO_GIO_ARGS);
  if (!g_io_stream_close_finish (connection, aio_await_gio (), &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    g_debug ("closing a connection failed: %s", error->message);
}

/* The echo section: many clients at once, each a coroutine that connects,
 * asks, checks the answer and hangs up.
 */

typedef struct
{
  guint16 port;
  guint   id;
} EchoClient;

static void
echo_client_body (AioTask  *task,
                  gpointer  user_data)
{
  EchoClient *client = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) connection = NULL;
  g_autoptr(GDataInputStream) reader = NULL;
  g_autofree char *request = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *expected = NULL;

  connection = demo_connect (client->port, &error);
  if (connection == NULL)
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  reader = line_reader_new (connection);

  request = g_strdup_printf ("ECHO hello from client %u", client->id);
  reply = demo_request (connection, reader, request, &error);
  demo_close (connection);
  if (reply == NULL)
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  expected = g_utf8_strup (request + 5, -1);
  if (!g_str_equal (reply, expected))
    {
      aio_task_return_error (task, g_error_new (AIO_ERROR, AIO_ERROR_FAILED,
                                                "client %u got '%s'",
                                                client->id, reply));
      return;
    }
  aio_task_return_string (task, reply);
}

void
demo_echo_section (AioTask  *task,
                   gpointer  user_data)
{
  DemoServer *server = user_data;
  AioTask *clients[N_ECHO_CLIENTS];
  g_autoptr(GError) error = NULL;
  guint i, ok = 0;
  gint64 started = g_get_monotonic_time ();

  demo_say ("starting %u client tasks; each connects, sends a line and "
            "checks the upper-cased echo", N_ECHO_CLIENTS);
  for (i = 0; i < N_ECHO_CLIENTS; i++)
    {
      EchoClient *client = g_new0 (EchoClient, 1);
      g_autofree char *name = g_strdup_printf ("client-%u", i + 1);

      client->port = demo_server_get_port (server);
      client->id = i + 1;
      clients[i] = aio_task_new_full (NULL, name, 0, echo_client_body,
                                      client, g_free);
    }

  /* They all run concurrently; awaiting them in order only collects. */
  for (i = 0; i < N_ECHO_CLIENTS; i++)
    {
      g_autofree char *reply = aio_await_string (AIO_FUTURE (clients[i]), &error);

      if (reply == NULL)
        {
          demo_say ("client %u failed: %s", i + 1, error->message);
          g_clear_error (&error);
          continue;
        }
      if (i == 0 || i == N_ECHO_CLIENTS - 1)
        demo_say ("client %u got \"%s\"", i + 1, reply);
      ok++;
    }

  demo_say ("%u of %u clients got their echo in %.1f ms; up to %u "
            "connections were served at the same time",
            ok, N_ECHO_CLIENTS,
            (g_get_monotonic_time () - started) / 1000.0,
            demo_server_get_peak_connections (server));
  if (ok != N_ECHO_CLIENTS)
    aio_task_return_error (task, g_error_new (AIO_ERROR, AIO_ERROR_FAILED,
                                              "%u echo clients failed",
                                              N_ECHO_CLIENTS - ok));
}

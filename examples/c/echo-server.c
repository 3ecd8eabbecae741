/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* aio-echo-server [--host H] [--port N] [--threads T]
 *
 * Echoes every byte back on each connection.  Each client is served by a
 * C coroutine of its own, on one of T threads: aio_start_threaded_server()
 * runs T loops in T threads accepting on the same port (SO_REUSEPORT) and
 * the kernel spreads the clients over them.  The first line on stdout is
 * "listening on HOST:PORT"; SIGINT or SIGTERM closes the server and its
 * clients, and the program exits 0.
 */

#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include <aio-glib.h>

typedef struct
{
  const char        *host;
  guint16            port;
  guint              threads;
  AioThreadedServer *server;   /* (unowned) (nullable) while serving */
  gboolean           stop;     /* a signal came before the server was up */
  int                status;
} Echo;

/* Runs on the thread that accepted the client. */
static void
echo_client (AioStreamReader *reader,
             AioStreamWriter *writer,
             gpointer         user_data)
{
  for (;;)
    {
      g_autoptr(GBytes) data = aio_await_boxed (aio_stream_reader_read (reader, 64 * 1024), NULL);

      if (data == NULL || g_bytes_get_size (data) == 0)
        return;
      if (!aio_stream_writer_write_bytes (writer, data, NULL) ||
          !aio_await (aio_stream_writer_drain (writer), NULL))
        return;
    }
}

static void
serve (AioTask  *task,
       gpointer  data)
{
  Echo *echo = data;
  g_autoptr(AioThreadedServer) server = NULL;
  g_autoptr(GError) error = NULL;

  server = aio_await_object (aio_start_threaded_server (echo_client, NULL, NULL, echo->host,
                                                        echo->port, echo->threads, 0, NULL),
                             &error);
  if (server == NULL)
    {
      g_printerr ("aio-echo-server: cannot listen on %s:%u: %s\n",
                  echo->host, echo->port, error->message);
      echo->status = EXIT_FAILURE;
      return;
    }
  printf ("listening on %s:%u\n", echo->host, aio_threaded_server_get_port (server));
  fflush (stdout);

  /* Until a signal closes the server; then the clients go too. */
  echo->server = server;
  if (echo->stop)
    aio_threaded_server_close (server);
  aio_await (aio_threaded_server_serve_forever (server), NULL);
  echo->server = NULL;
  aio_threaded_server_close_clients (server);
  aio_await (aio_threaded_server_wait_closed (server), NULL);
}

static gboolean
on_signal (gpointer data)
{
  Echo *echo = data;

  if (echo->server != NULL)
    aio_threaded_server_close (echo->server);
  else
    echo->stop = TRUE;
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *host = NULL;
  int port = 0, threads = 1;
  GOptionEntry entries[] = {
    { "host", 'h', 0, G_OPTION_ARG_STRING, &host, "Address to listen on (default 127.0.0.1)", "H" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port; 0 picks a free one (default)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Loops, one per thread, sharing the port (default 1)", "T" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- echo every byte back");
  g_autoptr(GError) error = NULL;
  g_autoptr(AioTask) task = NULL;
  Echo echo = { 0 };
  guint sigint, sigterm;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("aio-echo-server: %s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535 || threads < 1 || threads > 1024)
    {
      g_printerr ("aio-echo-server: --port must be 0-65535 and --threads 1-1024\n");
      return 2;
    }
  echo.host = host != NULL ? host : "127.0.0.1";
  echo.port = port;
  echo.threads = threads;
  echo.status = EXIT_SUCCESS;

  /* The signal sources and the server's own loop share the default
   * context; the clients are served on the server's threads.
   */
  sigint = g_unix_signal_add (SIGINT, on_signal, &echo);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &echo);
  task = aio_task_new_full (aio_loop_get_default (), "echo-server", 0, serve, &echo, NULL);
  aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), NULL);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  return echo.status;
}

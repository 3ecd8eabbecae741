/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* aio-echo-server [--host H] [--port N] [--threads T]
 *
 * Echoes every byte back on each connection.  Each client is served by a
 * C coroutine of its own; with --threads T, T loops in T threads accept
 * on the same port (SO_REUSEPORT) and the kernel spreads the clients.
 * The first line on stdout is "listening on HOST:PORT"; SIGINT or SIGTERM
 * closes the servers and their clients, and the program exits 0.
 */

#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include <aio-glib.h>

typedef struct
{
  const char   *host;
  guint16       port;        /* 0 until the first server picked it */
  AioLoop      *loop;        /* (owned) the worker's loop */
  AioServer    *server;      /* (owned) (nullable) once listening */
  GError       *error;       /* (owned) (nullable) why it did not start */
  gboolean      ready;
  GMutex       *mutex;
  GCond        *cond;
  gboolean      reuse_port;
} Worker;

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
  Worker *worker = data;
  AioServer *server;

  server = aio_await_object (aio_start_server_full (echo_client, NULL, NULL,
                                                    worker->host, worker->port, 0,
                                                    worker->reuse_port ? AIO_SERVER_REUSE_PORT
                                                                       : AIO_SERVER_NONE,
                                                    NULL),
                             &worker->error);
  g_mutex_lock (worker->mutex);
  worker->server = server;
  if (server != NULL)
    worker->port = aio_server_get_port (server);
  worker->ready = TRUE;
  g_cond_broadcast (worker->cond);
  g_mutex_unlock (worker->mutex);
  if (server == NULL)
    return;

  /* Until a signal closes the server; then the clients go too. */
  aio_await (aio_server_serve_forever (server), NULL);
  aio_server_close_clients (server);
  aio_await (aio_server_wait_closed (server), NULL);
}

static gint n_finished;   /* (atomic) workers whose loop has ended */

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  GMainContext *context = g_main_context_new ();
  g_autoptr(AioTask) task = NULL;

  g_main_context_push_thread_default (context);
  worker->loop = g_object_ref (aio_loop_get_thread_default ());
  task = aio_task_new_full (worker->loop, "echo-worker", 0, serve, worker, NULL);
  aio_loop_run_until_complete (worker->loop, AIO_FUTURE (task), NULL);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  /* Wakes the main thread, which waits for signals. */
  g_atomic_int_inc (&n_finished);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
close_server (gpointer data)
{
  Worker *worker = data;

  if (worker->server != NULL)
    aio_server_close (worker->server);
}

typedef struct
{
  Worker  *workers;
  guint    n_workers;
} Shutdown;

static gboolean
on_signal (gpointer data)
{
  Shutdown *shutdown = data;
  guint i;

  for (i = 0; i < shutdown->n_workers; i++)
    aio_handle_unref (aio_loop_call_soon_threadsafe (shutdown->workers[i].loop, close_server,
                                                     &shutdown->workers[i], NULL));
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
  GMutex mutex;
  GCond cond;
  Worker *workers;
  GThread **thread_ids;
  Shutdown shutdown;
  guint sigint, sigterm;
  int status = EXIT_SUCCESS;
  int i;

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
  if (host == NULL)
    host = g_strdup ("127.0.0.1");

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  workers = g_new0 (Worker, threads);
  thread_ids = g_new0 (GThread *, threads);

  /* The first server picks the port, the others share it. */
  for (i = 0; i < threads; i++)
    {
      Worker *worker = &workers[i];

      worker->host = host;
      worker->port = i == 0 ? port : workers[0].port;
      worker->mutex = &mutex;
      worker->cond = &cond;
      worker->reuse_port = threads > 1;
      thread_ids[i] = g_thread_new ("echo-worker", worker_thread, worker);

      g_mutex_lock (&mutex);
      while (!worker->ready)
        g_cond_wait (&cond, &mutex);
      g_mutex_unlock (&mutex);
      if (worker->server == NULL)
        {
          g_printerr ("aio-echo-server: cannot listen on %s:%d: %s\n",
                      host, worker->port, worker->error->message);
          g_thread_join (thread_ids[i]);
          g_clear_error (&worker->error);
          g_atomic_int_add (&n_finished, -1);
          status = EXIT_FAILURE;
          threads = i;
          break;
        }
    }

  shutdown.workers = workers;
  shutdown.n_workers = threads;
  sigint = g_unix_signal_add (SIGINT, on_signal, &shutdown);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &shutdown);

  if (status == EXIT_SUCCESS)
    {
      printf ("listening on %s:%u\n", host, workers[0].port);
      fflush (stdout);
    }
  else
    on_signal (&shutdown);

  /* The main thread only waits for signals; the workers serve. */
  while (g_atomic_int_get (&n_finished) < threads)
    g_main_context_iteration (NULL, TRUE);
  for (i = 0; i < threads; i++)
    {
      g_thread_join (thread_ids[i]);
      g_clear_object (&workers[i].server);
      g_clear_object (&workers[i].loop);
      g_clear_error (&workers[i].error);
    }

  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_free (thread_ids);
  g_free (workers);
  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
  return status;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One server on two threads and two loops sharing a port (SO_REUSEPORT):
 * the kernel spreads the clients over both, each handler runs on the loop
 * of the thread that accepted it, and closing leaves no thread, socket or
 * task behind.
 */
#include "config.h"

#include <string.h>

#include "stream-test-utils.h"

#define N_CLIENTS 64

typedef struct
{
  GMutex      mutex;
  GHashTable *loops;        /* (element-type AioLoop guint) handlers per loop */
  gint        destroyed;    /* (atomic) */
  AioLoop    *caller;       /* (unowned) the loop that started the server */
  gboolean    wrong_loop;   /* a handler ran on the caller's loop */
} Shared;

static void
shared_init (Shared *shared)
{
  g_mutex_init (&shared->mutex);
  shared->loops = g_hash_table_new (NULL, NULL);
  shared->destroyed = 0;
  shared->caller = aio_loop_get_running ();
  shared->wrong_loop = FALSE;
}

static void
shared_clear (Shared *shared)
{
  g_hash_table_unref (shared->loops);
  g_mutex_clear (&shared->mutex);
}

static void
shared_destroy (gpointer data)
{
  Shared *shared = data;

  g_atomic_int_inc (&shared->destroyed);
}

/* The server's threads alive (named "aio-server"); GLib's own pools come
 * and go, so only these are counted.
 */
static guint
count_threads (void)
{
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_has_prefix (comm, "aio-server"))
        n++;
    }
  g_dir_close (dir);
  return n;
}

/* The count once the joined threads have left /proc: pthread_join()
 * returns when the kernel clears the thread's id, a moment before the
 * exiting thread is unlisted, so a count read right after a join can
 * still see it.  Waits up to two seconds for @expected.
 */
static guint
settled_threads (guint expected)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  guint n;

  while ((n = count_threads ()) != expected && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  return n;
}

/* Echoes lines, noting which loop serves. */
static void
echo_lines (AioStreamReader *reader,
            AioStreamWriter *writer,
            gpointer         user_data)
{
  Shared *shared = user_data;
  AioLoop *loop = aio_loop_get_running ();

  g_mutex_lock (&shared->mutex);
  if (loop == shared->caller)
    shared->wrong_loop = TRUE;
  g_hash_table_insert (shared->loops, loop,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (shared->loops, loop)) + 1));
  g_mutex_unlock (&shared->mutex);

  for (;;)
    {
      g_autoptr(GBytes) line = aio_await_boxed (aio_stream_reader_readline (reader), NULL);

      if (line == NULL || g_bytes_get_size (line) == 0)
        return;
      if (!aio_stream_writer_write_bytes (writer, line, NULL) ||
          !aio_await (aio_stream_writer_drain (writer), NULL))
        return;
    }
}

static AioThreadedServer *
start (Shared  *shared,
       guint16  port,
       GError **error)
{
  return aio_await_object (aio_start_threaded_server (echo_lines, shared, shared_destroy,
                                                      "127.0.0.1", port, 2, 0, NULL),
                           error);
}

static void
close_and_wait (AioThreadedServer *server)
{
  GError *error = NULL;

  aio_threaded_server_close (server);
  g_assert_false (aio_threaded_server_is_serving (server));
  aio_threaded_server_close_clients (server);
  g_assert_true (aio_await (aio_threaded_server_wait_closed (server), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aio_threaded_server_get_n_clients (server), ==, 0);
}

static void
one_client (AioTask  *task,
            gpointer  data)
{
  echo_round_trip (aio_open_connection ("127.0.0.1", GPOINTER_TO_UINT (data)), 5);
}

static void
echo_body (AioTask  *task,
           gpointer  data)
{
  Shared shared;
  g_autoptr(AioThreadedServer) server = NULL;
  AioTask *clients[N_CLIENTS];
  GError *error = NULL;
  GPtrArray *addresses;
  guint16 port;
  guint i;

  shared_init (&shared);
  server = start (&shared, 0, &error);
  g_assert_no_error (error);
  g_assert_true (aio_threaded_server_is_serving (server));
  g_assert_cmpuint (aio_threaded_server_get_n_threads (server), ==, 2);
  port = aio_threaded_server_get_port (server);
  g_assert_cmpuint (port, !=, 0);
  addresses = aio_threaded_server_get_addresses (server);
  g_assert_cmpuint (addresses->len, ==, 1);
  g_assert_cmpuint (g_inet_socket_address_get_port (addresses->pdata[0]), ==, port);
  g_assert_true (aio_threaded_server_get_loop (server, 0) != aio_threaded_server_get_loop (server, 1));

  for (i = 0; i < N_CLIENTS; i++)
    clients[i] = aio_task_new (one_client, GUINT_TO_POINTER (port), NULL);
  for (i = 0; i < N_CLIENTS; i++)
    {
      g_assert_true (aio_await (AIO_FUTURE (clients[i]), &error));
      g_assert_no_error (error);
    }

  close_and_wait (server);
  /* The kernel spread them: with 64 clients, both loops served some
   * (all on one has odds of 2^-63).
   */
  g_assert_false (shared.wrong_loop);
  g_assert_cmpuint (g_hash_table_size (shared.loops), ==, 2);
  for (i = 0; i < 2; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (shared.loops,
                                                             aio_threaded_server_get_loop (server, i))),
                      >, 0);
  g_assert_cmpint (g_atomic_int_get (&shared.destroyed), ==, 0);
  g_clear_object (&server);
  g_assert_cmpint (g_atomic_int_get (&shared.destroyed), ==, 1);
  shared_clear (&shared);
}

static void
test_echo (void)
{
  g_autoptr(AioTask) warm_up = aio_test_run_task (echo_body, NULL);
  guint fds = aio_test_count_fds ();
  guint threads = settled_threads (0);
  g_autoptr(AioTask) task = aio_test_run_task (echo_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
  g_clear_object (&task);
  aio_test_drain (NULL);
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
  g_assert_cmpuint (settled_threads (threads), ==, threads);
  g_assert_cmpuint (threads, ==, 0);
}

/* Clients that stay connected and silent end when the server aborts them;
 * cancelling serve_forever closes the server.
 */
static void
idle_client (AioTask  *task,
             gpointer  data)
{
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  g_autoptr(GBytes) rest = NULL;

  g_assert_true (aio_await_streams (aio_open_connection ("127.0.0.1", GPOINTER_TO_UINT (data)),
                                    &reader, &writer, NULL));
  /* The server drops the connection: the end of the stream, or a reset. */
  rest = aio_await_boxed (aio_stream_reader_read (reader, -1), NULL);
  g_assert_true (rest == NULL || g_bytes_get_size (rest) == 0);
}

static void
abort_body (AioTask  *task,
            gpointer  data)
{
  Shared shared;
  g_autoptr(AioThreadedServer) server = NULL;
  g_autoptr(AioFuture) forever = NULL;
  AioTask *clients[8];
  GError *error = NULL;
  guint i;

  shared_init (&shared);
  server = start (&shared, 0, &error);
  g_assert_no_error (error);
  for (i = 0; i < G_N_ELEMENTS (clients); i++)
    clients[i] = aio_task_new (idle_client,
                               GUINT_TO_POINTER (aio_threaded_server_get_port (server)), NULL);
  while (aio_threaded_server_get_n_clients (server) < G_N_ELEMENTS (clients))
    g_assert_true (aio_await (aio_sleep (0.001), NULL));

  forever = aio_threaded_server_serve_forever (server);
  g_assert_true (aio_await (aio_sleep (0.001), NULL));
  g_assert_false (aio_future_done (forever));
  aio_future_cancel (forever, NULL);
  g_assert_false (aio_threaded_server_is_serving (server));

  aio_threaded_server_abort_clients (server);
  g_assert_true (aio_await (aio_threaded_server_wait_closed (server), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aio_threaded_server_get_n_clients (server), ==, 0);
  for (i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      g_assert_true (aio_await (AIO_FUTURE (clients[i]), &error));
      g_assert_no_error (error);
    }
  /* Once closed, serve_forever and wait_closed are done at once. */
  g_assert_true (aio_await (aio_threaded_server_serve_forever (server), NULL));
  g_assert_true (aio_await (aio_threaded_server_wait_closed (server), NULL));
  g_clear_object (&server);
  g_assert_cmpint (g_atomic_int_get (&shared.destroyed), ==, 1);
  shared_clear (&shared);
}

static void
test_abort_clients (void)
{
  guint threads = settled_threads (0);
  g_autoptr(AioTask) task = aio_test_run_task (abort_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
  g_assert_cmpuint (settled_threads (threads), ==, threads);
}

/* A port held without SO_REUSEPORT: the start fails with GIO's error, and
 * no thread is left.
 */
static void
in_use_body (AioTask  *task,
             gpointer  data)
{
  Shared shared;
  g_autoptr(AioServer) plain = NULL;
  g_autoptr(AioThreadedServer) server = NULL;
  guint threads = settled_threads (0);
  GError *error = NULL;

  shared_init (&shared);
  plain = aio_await_object (aio_start_server (echo_lines, &shared, NULL, "127.0.0.1", 0), &error);
  g_assert_no_error (error);
  server = start (&shared, aio_server_get_port (plain), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_null (server);
  g_clear_error (&error);
  g_assert_cmpuint (settled_threads (threads), ==, threads);
  g_assert_cmpint (g_atomic_int_get (&shared.destroyed), ==, 1);

  /* An unknown host: the resolver's error. */
  g_atomic_int_set (&shared.destroyed, 0);
  server = aio_await_object (aio_start_threaded_server (echo_lines, &shared, shared_destroy,
                                                        "no-such-host.invalid", 0, 2, 0, NULL),
                             &error);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_RESOLVER_ERROR || error->domain == G_IO_ERROR);
  g_assert_null (server);
  g_clear_error (&error);
  g_assert_cmpuint (settled_threads (threads), ==, threads);
  g_assert_cmpint (g_atomic_int_get (&shared.destroyed), ==, 1);

  aio_server_close (plain);
  g_assert_true (aio_await (aio_server_wait_closed (plain), NULL));
  shared_clear (&shared);
}

static void
test_in_use (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (in_use_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* Cancelling the start, at once and after the first thread listens: the
 * future ends cancelled once every thread that started has exited.
 */
static void
cancel_body (AioTask  *task,
             gpointer  data)
{
  guint threads = settled_threads (0);
  guint delay;

  for (delay = 0; delay < 3; delay++)
    {
      Shared shared;
      g_autoptr(AioFuture) starting = NULL;
      GError *error = NULL;

      shared_init (&shared);
      starting = aio_start_threaded_server (echo_lines, &shared, shared_destroy,
                                            "127.0.0.1", 0, 2, 0, NULL);
      if (delay > 0)
        g_assert_true (aio_await (aio_sleep (0.002 * (delay - 1)), NULL));
      if (aio_future_done (starting))
        {
          /* Started before the cancel: close it as usual. */
          g_autoptr(AioThreadedServer) server = aio_await_object (g_object_ref (starting), NULL);

          close_and_wait (server);
        }
      else
        {
          g_assert_true (aio_future_cancel (starting, "no longer wanted"));
          g_assert_false (aio_await (g_object_ref (starting), &error));
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_assert_true (aio_future_cancelled (starting));
          g_clear_error (&error);
        }
      g_clear_object (&starting);
      g_assert_cmpuint (settled_threads (threads), ==, threads);
      g_assert_cmpint (g_atomic_int_get (&shared.destroyed), ==, 1);
      shared_clear (&shared);
    }
}

static void
test_cancel (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (cancel_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* One thread: no SO_REUSEPORT, so another server cannot join the port. */
static void
one_thread_body (AioTask  *task,
                 gpointer  data)
{
  Shared shared;
  g_autoptr(AioThreadedServer) server = NULL;
  g_autoptr(AioServer) intruder = NULL;
  GError *error = NULL;

  shared_init (&shared);
  server = aio_await_object (aio_start_threaded_server (echo_lines, &shared, shared_destroy,
                                                        "127.0.0.1", 0, 1, 0, NULL),
                             &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aio_threaded_server_get_n_threads (server), ==, 1);
  g_assert_cmpuint (count_threads (), ==, 1);
  echo_round_trip (aio_open_connection ("127.0.0.1", aio_threaded_server_get_port (server)), 3);
  intruder = aio_await_object (aio_start_server_full (echo_lines, &shared, NULL, "127.0.0.1",
                                                      aio_threaded_server_get_port (server), 0,
                                                      AIO_SERVER_REUSE_PORT, NULL),
                               &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_null (intruder);
  g_clear_error (&error);
  close_and_wait (server);
  g_assert_cmpuint (settled_threads (0), ==, 0);
  g_clear_object (&server);
  shared_clear (&shared);
}

static void
test_one_thread (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (one_thread_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

static void
test_bad_input (void)
{
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*func != NULL*");
  g_assert_null (aio_start_threaded_server (NULL, NULL, NULL, "127.0.0.1", 0, 2, 0, NULL));
  g_test_assert_expected_messages ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  aio_test_add_func ("/aio/threaded-server/echo", test_echo);
  aio_test_add_func ("/aio/threaded-server/abort-clients", test_abort_clients);
  aio_test_add_func ("/aio/threaded-server/in-use", test_in_use);
  aio_test_add_func ("/aio/threaded-server/one-thread", test_one_thread);
  aio_test_add_func ("/aio/threaded-server/cancel", test_cancel);
  aio_test_add_func ("/aio/threaded-server/bad-input", test_bad_input);
  return g_test_run ();
}

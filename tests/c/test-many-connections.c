/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 10,000 TCP connections on loopback, all open at once, each echoing
 * bytes of its own that are checked at both ends; then every one closes
 * and no descriptor is left behind.  (1,000 under valgrind; see
 * st_many_tasks.)  The clients run in a second process, this program run
 * with --clients PORT N, so that neither process needs more than 10,000
 * descriptors: a hard limit of 20,000 is common, and raising it takes
 * CAP_SYS_RESOURCE.
 */
#include "config.h"

#include <sys/resource.h>

#include "stream-test-utils.h"
#include "structured-test-utils.h"

#define MESSAGE_SIZE 64

typedef struct
{
  guint16     port;
  guint       n_clients;
  guint       n_connected;
  guint       n_checked;
  AioEvent   *all_connected;   /* (owned) */
} Crowd;

typedef struct
{
  Crowd *crowd;
  guint  index;
} Client;

typedef struct
{
  guint n_live;
  guint most_live;
  guint n_served;   /* clients that had both their messages echoed */
} Served;

static void
echo_handler (AioStreamReader *reader,
              AioStreamWriter *writer,
              gpointer         user_data)
{
  Served *served = user_data;
  gsize echoed = 0;

  served->n_live++;
  served->most_live = MAX (served->most_live, served->n_live);
  for (;;)
    {
      g_autoptr(GBytes) data = await_bytes (aio_stream_reader_read (reader, 4096), NULL);

      if (data == NULL || g_bytes_get_size (data) == 0)
        break;
      if (!aio_stream_writer_write_bytes (writer, data, NULL) ||
          !aio_await (aio_stream_writer_drain (writer), NULL))
        break;
      echoed += g_bytes_get_size (data);
    }
  if (echoed == 2 * MESSAGE_SIZE)
    served->n_served++;
  served->n_live--;
}

/* The bytes client @index sends in @round, different for every client. */
static void
fill_message (guint8 *message,
              guint   index,
              guint   round)
{
  guint32 state = index * 2654435761u + round * 40503u + 1;
  guint i;

  for (i = 0; i < MESSAGE_SIZE; i++)
    {
      state = state * 1103515245u + 12345u;
      message[i] = state >> 24;
    }
}

static void
exchange (AioStreamReader *reader,
          AioStreamWriter *writer,
          guint            index,
          guint            round)
{
  guint8 message[MESSAGE_SIZE];
  g_autoptr(GBytes) echoed = NULL;
  GError *error = NULL;

  fill_message (message, index, round);
  g_assert_true (aio_stream_writer_write (writer, message, sizeof message, &error));
  g_assert_no_error (error);
  echoed = aio_await_boxed (aio_stream_reader_readexactly (reader, sizeof message), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (echoed, NULL), g_bytes_get_size (echoed),
                   message, sizeof message);
}

static void
client_body (AioTask  *task,
             gpointer  data)
{
  Client *client = data;
  Crowd *crowd = client->crowd;
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  GError *error = NULL;

  g_assert_true (aio_await_streams (aio_open_connection ("127.0.0.1", crowd->port),
                                    &reader, &writer, &error));
  g_assert_no_error (error);
  exchange (reader, writer, client->index, 0);

  /* Every connection is open before any goes on. */
  if (++crowd->n_connected == crowd->n_clients)
    aio_event_set (crowd->all_connected);
  g_assert_true (aio_await (aio_event_wait (crowd->all_connected), NULL));

  exchange (reader, writer, client->index, 1);
  crowd->n_checked++;
  aio_stream_writer_close (writer);
  g_assert_true (aio_await (aio_stream_writer_wait_closed (writer), NULL));
}

/* Room for every connection of one process, and then some. */
static void
raise_fd_limit (guint needed)
{
  struct rlimit limit;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_max < needed)
    limit.rlim_max = needed;   /* allowed with CAP_SYS_RESOURCE; else it fails below */
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    g_error ("This test needs %u descriptors per process; the hard limit is lower "
             "and cannot be raised", needed);
}

/* --clients PORT N: N clients, all connected at once, each checking its
 * echoes.
 */
static void
clients_body (AioTask  *task,
              gpointer  data)
{
  Crowd *crowd = data;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  Client *clients = g_new0 (Client, crowd->n_clients);
  GError *error = NULL;
  guint i;

  for (i = 0; i < crowd->n_clients; i++)
    {
      clients[i].crowd = crowd;
      clients[i].index = i;
      g_ptr_array_add (tasks, aio_task_new (client_body, &clients[i], NULL));
    }
  for (i = 0; i < tasks->len; i++)
    {
      g_assert_true (aio_await (g_object_ref (g_ptr_array_index (tasks, i)), &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (crowd->n_checked, ==, crowd->n_clients);
  g_free (clients);
}

static int
run_clients (const char *port,
             const char *count)
{
  Crowd crowd = { 0 };
  g_autoptr(AioTask) task = NULL;

  crowd.port = (guint16) g_ascii_strtoull (port, NULL, 10);
  crowd.n_clients = (guint) g_ascii_strtoull (count, NULL, 10);
  raise_fd_limit (crowd.n_clients + 256);
  crowd.all_connected = aio_event_new ();
  task = aio_task_new (clients_body, &crowd, NULL);
  aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), NULL);
  g_object_unref (crowd.all_connected);
  return aio_future_propagate (AIO_FUTURE (task), NULL) ? 0 : 1;
}

/* This program, as run: under valgrind /proc/self/exe is valgrind's. */
static const char *program;

typedef struct
{
  guint  n_clients;
  Served served;
} Run;

static void
server_body (AioTask  *task,
             gpointer  data)
{
  Run *run = data;
  g_autoptr(AioServer) server = NULL;
  g_autoptr(GSubprocess) clients = NULL;
  g_autofree char *port = NULL;
  g_autofree char *count = g_strdup_printf ("%u", run->n_clients);
  GError *error = NULL;
  gboolean ok;

  server = aio_await_object (aio_start_server_full (echo_handler, &run->served, NULL, "127.0.0.1",
                                                    0, 4096, AIO_SERVER_NONE, NULL),
                             &error);
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", aio_server_get_port (server));

  clients = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                              program, "--clients", port, count, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (clients, AIO_GIO_ARGS);
  ok = g_subprocess_wait_check_finish (clients, aio_await_gio (), &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  aio_server_close (server);
  g_assert_true (aio_await (aio_server_wait_closed (server), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aio_server_get_n_clients (server), ==, 0);
}

/* The last sockets may still be on their way out through the loop (a
 * client's close seen after the server's wait ended); give them a moment,
 * then name whatever is left.
 */
static void
assert_fds_back_to (guint fds)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (aio_test_count_fds () != fds && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  if (aio_test_count_fds () != fds)
    {
      GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
          g_autofree char *target = g_file_read_link (path, NULL);

          g_test_message ("fd %s: %s", name, target != NULL ? target : "?");
        }
      g_dir_close (dir);
    }
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

/* The descriptors once the loop has let go of the last ones: the count,
 * steady over 50 ms (a socket closed through the loop may still be on its
 * way out when the task's wait ends).
 */
static guint
steady_fds (void)
{
  guint n = aio_test_count_fds (), steady = 0;

  while (steady < 5)
    {
      guint now;

      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
      now = aio_test_count_fds ();
      steady = now == n ? steady + 1 : 0;
      n = now;
    }
  return n;
}

static void
test_many_connections (void)
{
  Run run = { .n_clients = st_many_tasks () };
  Run warm_up = { .n_clients = 1 };
  g_autoptr(AioTask) task = NULL;
  guint fds;
  gint64 started;

  raise_fd_limit (run.n_clients + 256);

  /* What the first connection sets up for good is not the test's. */
  task = aio_test_run_task (server_body, &warm_up);
  g_assert_cmpuint (warm_up.served.n_served, ==, 1);
  g_clear_object (&task);
  aio_test_drain (NULL);
  fds = steady_fds ();

  started = g_get_monotonic_time ();
  task = aio_test_run_task (server_body, &run);
  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
  g_test_message ("%u connections open at once, %u messages echoed and checked, in %.2f s",
                  run.served.most_live, 2 * run.served.n_served,
                  (g_get_monotonic_time () - started) / 1e6);
  g_assert_cmpuint (run.served.n_served, ==, run.n_clients);
  g_assert_cmpuint (run.served.most_live, ==, run.n_clients);
  g_assert_cmpuint (run.served.n_live, ==, 0);
  g_clear_object (&task);
  aio_test_drain (NULL);
  assert_fds_back_to (fds);
}

int
main (int    argc,
      char **argv)
{
  program = argv[0];
  if (argc == 4 && g_str_equal (argv[1], "--clients"))
    return run_clients (argv[2], argv[3]);

  g_test_init (&argc, &argv, NULL);
  aio_test_add_func ("/aio/many-connections/10k", test_many_connections);
  return g_test_run ();
}

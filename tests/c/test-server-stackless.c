/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Servers whose client handler is stackless: a function returning the
 * future that serves the client (the form the bindings use), and its
 * GClosure form.
 */
#include "config.h"

#include <string.h>

#include "stream-test-utils.h"

typedef struct
{
  guint      started;
  GPtrArray *pending;   /* (element-type AioFuture) handlers' futures */
} Served;

static void
served_init (Served *served)
{
  served->started = 0;
  served->pending = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
served_clear (Served *served)
{
  g_ptr_array_unref (served->pending);
}

/* -- a stackless echo: readline, write, drain, until the end -------------- */

typedef struct
{
  AioStreamReader *reader;   /* (owned) */
  AioStreamWriter *writer;   /* (owned) */
  gboolean         draining;
} Echo;

static void
echo_free (gpointer data)
{
  Echo *echo = data;

  g_object_unref (echo->reader);
  g_object_unref (echo->writer);
  g_free (echo);
}

static AioFuture *
echo_step (AioTask   *task,
           AioFuture *awaited,
           gpointer   data)
{
  Echo *echo = data;
  GError *error = NULL;

  if (awaited != NULL)
    {
      if (!aio_future_propagate (awaited, &error))
        {
          aio_task_return_error (task, error);
          return NULL;
        }
      if (!echo->draining)
        {
          GBytes *line = (GBytes *) aio_future_get_boxed (awaited, NULL);

          if (g_bytes_get_size (line) == 0)
            return NULL;
          if (!aio_stream_writer_write_bytes (echo->writer, line, &error))
            {
              aio_task_return_error (task, error);
              return NULL;
            }
          echo->draining = TRUE;
          return aio_stream_writer_drain (echo->writer);
        }
    }
  echo->draining = FALSE;
  return aio_stream_reader_readline (echo->reader);
}

static AioFuture *
start_echo (AioStreamReader *reader,
            AioStreamWriter *writer,
            gpointer         user_data)
{
  Served *served = user_data;
  Echo *echo = g_new0 (Echo, 1);

  served->started++;
  echo->reader = g_object_ref (reader);
  echo->writer = g_object_ref (writer);
  return AIO_FUTURE (aio_task_new_stackless (NULL, "echo", echo_step, echo, echo_free));
}

/* Connects and expects the server to close the connection unprompted. */
static void
expect_closed_by_server (guint16 port)
{
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;

  g_assert_true (aio_await_streams (aio_open_connection ("127.0.0.1", port),
                                    &reader, &writer, NULL));
  assert_bytes (await_bytes (aio_stream_reader_read (reader, 10), NULL), "");
  aio_stream_writer_close (writer);
  g_assert_true (aio_await (aio_stream_writer_wait_closed (writer), NULL));
}

static void
close_and_wait (AioServer *server)
{
  GError *error = NULL;

  aio_server_close (server);
  g_assert_true (aio_await (aio_server_wait_closed (server), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aio_server_get_n_clients (server), ==, 0);
}

/* -- the tests ------------------------------------------------------------ */

static void
one_client (AioTask  *task,
            gpointer  data)
{
  echo_round_trip (aio_open_connection ("127.0.0.1", GPOINTER_TO_UINT (data)), 10);
}

static void
echo_body (AioTask  *task,
           gpointer  data)
{
  Served served;
  g_autoptr(AioServer) server = NULL;
  GError *error = NULL;
  AioTask *clients[4];
  guint16 port;
  guint i;

  served_init (&served);
  server = aio_await_object (aio_start_server_stackless (start_echo, &served, NULL, "127.0.0.1", 0,
                                                         0, AIO_SERVER_NONE, NULL),
                             &error);
  g_assert_no_error (error);
  port = aio_server_get_port (server);
  echo_round_trip (aio_open_connection ("127.0.0.1", port), 20);

  /* Several clients at once, each served by a handler of its own. */
  for (i = 0; i < G_N_ELEMENTS (clients); i++)
    clients[i] = aio_task_new (one_client, GUINT_TO_POINTER (port), NULL);
  for (i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      g_assert_true (aio_await (AIO_FUTURE (clients[i]), &error));
      g_assert_no_error (error);
    }

  close_and_wait (server);
  g_assert_cmpuint (served.started, ==, 1 + G_N_ELEMENTS (clients));
  served_clear (&served);
}

static void
test_echo (void)
{
  g_autoptr(AioTask) warm_up = aio_test_run_task (echo_body, NULL);
  guint fds = aio_test_count_fds ();
  g_autoptr(AioTask) task = aio_test_run_task (echo_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
  g_clear_object (&task);
  aio_test_drain (NULL);
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

/* The GClosure forms, over TCP and a Unix socket; the closure is a C one,
 * as a binding's would be its own.
 */
static void
closure_body (AioTask  *task,
              gpointer  data)
{
  Served served;
  g_autoptr(AioServer) server = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "aio-test-server-stackless.sock",
                                            NULL);
  GError *error = NULL;
  GClosure *closure;

  served_init (&served);
  closure = g_cclosure_new (G_CALLBACK (start_echo), &served, NULL);
  server = aio_await_object (aio_start_server_closure (closure, "127.0.0.1", 0, 0,
                                                       AIO_SERVER_NONE, NULL), &error);
  g_assert_no_error (error);
  echo_round_trip (aio_open_connection ("127.0.0.1", aio_server_get_port (server)), 5);
  close_and_wait (server);
  g_clear_object (&server);

  closure = g_cclosure_new (G_CALLBACK (start_echo), &served, NULL);
  g_closure_ref (closure);
  server = aio_await_object (aio_start_unix_server_closure (closure, path), &error);
  g_assert_no_error (error);
  echo_round_trip (aio_open_unix_connection (path), 5);
  close_and_wait (server);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_object (&server);
  /* The server held the closure until it was finalized. */
  g_assert_cmpuint (closure->ref_count, ==, 1);
  g_closure_unref (closure);

  g_assert_cmpuint (served.started, ==, 2);
  served_clear (&served);
}

static void
test_closure (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (closure_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* A handler done at once: NULL, or a future already finished. */
static AioFuture *
start_done (AioStreamReader *reader,
            AioStreamWriter *writer,
            gpointer         user_data)
{
  Served *served = user_data;
  AioFuture *future;

  if (served->started++ % 2 == 0)
    return NULL;
  future = aio_future_new ();
  aio_future_set_boolean (future, TRUE, NULL);
  return future;
}

static void
done_at_once_body (AioTask  *task,
                   gpointer  data)
{
  Served served;
  g_autoptr(AioServer) server = NULL;
  GError *error = NULL;

  served_init (&served);
  server = aio_await_object (aio_start_server_stackless (start_done, &served, NULL, "127.0.0.1", 0,
                                                         0, AIO_SERVER_NONE, NULL),
                             &error);
  g_assert_no_error (error);
  expect_closed_by_server (aio_server_get_port (server));
  expect_closed_by_server (aio_server_get_port (server));
  close_and_wait (server);
  g_assert_cmpuint (served.started, ==, 2);
  served_clear (&served);
}

static void
test_done_at_once (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (done_at_once_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* A handler whose future fails: reported, and its client closed. */
static AioFuture *
start_failing (AioStreamReader *reader,
               AioStreamWriter *writer,
               gpointer         user_data)
{
  g_autoptr(GError) failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "handler broke");
  AioFuture *future = aio_future_new ();

  aio_future_set_error (future, failure, NULL);
  return future;
}

static void
failing_body (AioTask  *task,
              gpointer  data)
{
  g_autoptr(AioServer) server = NULL;
  GError *error = NULL;

  server = aio_await_object (aio_start_server_stackless (start_failing, NULL, NULL, "127.0.0.1", 0,
                                                         0, AIO_SERVER_NONE, NULL),
                             &error);
  g_assert_no_error (error);
  expect_closed_by_server (aio_server_get_port (server));
  close_and_wait (server);
}

static void
test_failing (void)
{
  g_autoptr(AioTask) task = NULL;

  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING,
                         "*Unhandled error in the client handler*handler broke*");
  task = aio_test_run_task (failing_body, NULL);
  g_test_assert_expected_messages ();
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* A handler that never finishes by itself; its client's task is
 * cancelled, which cancels the handler's future and closes the client.
 */
static AioFuture *
start_pending (AioStreamReader *reader,
               AioStreamWriter *writer,
               gpointer         user_data)
{
  Served *served = user_data;
  AioFuture *future = aio_future_new ();

  served->started++;
  g_ptr_array_add (served->pending, g_object_ref (future));
  return future;
}

static AioTask *
find_client_task (void)
{
  GList *tasks = aio_all_tasks (NULL);
  AioTask *found = NULL;
  GList *l;

  for (l = tasks; l != NULL; l = l->next)
    if (g_strcmp0 (aio_task_get_name (l->data), "client") == 0)
      found = g_object_ref (l->data);
  g_list_free_full (tasks, g_object_unref);
  return found;
}

static void
cancel_body (AioTask  *task,
             gpointer  data)
{
  Served served;
  g_autoptr(AioServer) server = NULL;
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  g_autoptr(AioTask) client = NULL;
  GError *error = NULL;

  served_init (&served);
  server = aio_await_object (aio_start_server_stackless (start_pending, &served, NULL, "127.0.0.1",
                                                         0, 0, AIO_SERVER_NONE, NULL),
                             &error);
  g_assert_no_error (error);
  g_assert_true (aio_await_streams (aio_open_connection ("127.0.0.1", aio_server_get_port (server)),
                                    &reader, &writer, NULL));
  while (served.started == 0)
    g_assert_true (aio_await (aio_sleep (0.001), NULL));
  g_assert_cmpuint (aio_server_get_n_clients (server), ==, 1);

  /* wait_closed waits for the client. */
  aio_server_close (server);
  {
    g_autoptr(AioFuture) closed = aio_server_wait_closed (server);

    g_assert_true (aio_await (aio_sleep (0.01), NULL));
    g_assert_false (aio_future_done (closed));

    client = find_client_task ();
    g_assert_nonnull (client);
    g_assert_true (aio_task_cancel (client, "enough"));
    g_assert_true (aio_await (g_object_ref (closed), &error));
    g_assert_no_error (error);
  }
  g_assert_true (aio_future_cancelled (AIO_FUTURE (client)));
  g_assert_true (aio_future_cancelled (g_ptr_array_index (served.pending, 0)));
  assert_bytes (await_bytes (aio_stream_reader_read (reader, 10), NULL), "");
  served_clear (&served);
}

static void
test_cancel (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (cancel_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

static void
test_bad_input (void)
{
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*start != NULL*");
  g_assert_null (aio_start_server_stackless (NULL, NULL, NULL, "127.0.0.1", 0, 0,
                                             AIO_SERVER_NONE, NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*handler != NULL*");
  g_assert_null (aio_start_server_closure (NULL, NULL, 0, 0, AIO_SERVER_NONE, NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*path != NULL*");
  g_assert_null (aio_start_unix_server_stackless (start_done, NULL, NULL, NULL));
  g_test_assert_expected_messages ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  aio_test_add_func ("/aio/server-stackless/echo", test_echo);
  aio_test_add_func ("/aio/server-stackless/closure", test_closure);
  aio_test_add_func ("/aio/server-stackless/done-at-once", test_done_at_once);
  aio_test_add_func ("/aio/server-stackless/failing", test_failing);
  aio_test_add_func ("/aio/server-stackless/cancel", test_cancel);
  aio_test_add_func ("/aio/server-stackless/bad-input", test_bad_input);
  return g_test_run ();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "aio-test-utils.h"

/* The GIO bridge: awaiting any _async/_finish pair from a C coroutine with
 * AIO_GIO_ARGS and aio_await_gio(), cancelling it with the task, and the
 * bridge future used without a coroutine.
 */

static GFile *
write_test_file (const char *name,
                 const char *contents)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), name, NULL);
  GError *error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

/* Loading a file. */

typedef struct
{
  GFile        *file;
  GCancellable *cancellable;   /* (owned) the one given to GIO */
  gboolean      started;
  gboolean      called_back;
} Load;

static void
load_body (AioTask  *task,
           gpointer  user_data)
{
  Load *load = user_data;
  GError *error = NULL;
  GAsyncResult *result;
  char *contents = NULL;
  gsize length = 0;

  load->cancellable = g_object_ref (aio_gio_cancellable ());
  g_file_load_contents_async (load->file, AIO_GIO_ARGS);
  load->started = TRUE;
  result = aio_await_gio ();
  load->called_back = result != NULL;

  if (!g_file_load_contents_finish (load->file, result, &contents, &length, NULL, &error))
    {
      aio_task_return_error (task, error);
      return;
    }
  g_assert_cmpuint (length, ==, strlen (contents));
  aio_task_return_string (task, contents);
  g_free (contents);
}

static void
load_clear (Load *load)
{
  g_clear_object (&load->file);
  g_clear_object (&load->cancellable);
}

static void
test_gio_load_contents (void)
{
  Load load = { write_test_file ("hello.txt", "Hello, aio!"), NULL, FALSE, FALSE };
  g_autoptr(AioTask) task = aio_task_new (load_body, &load, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (aio_future_get_string (AIO_FUTURE (task), NULL), ==, "Hello, aio!");
  g_assert_true (load.called_back);
  g_assert_false (g_cancellable_is_cancelled (load.cancellable));
  load_clear (&load);
}

static void
test_gio_load_missing (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "missing", "file", NULL);
  Load load = { g_file_new_for_path (path), NULL, FALSE, FALSE };
  g_autoptr(AioTask) task = aio_task_new (load_body, &load, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (load.called_back);
  g_assert_false (aio_future_cancelled (AIO_FUTURE (task)));
  load_clear (&load);
}

static void
test_gio_load_cancelled (void)
{
  Load load = { write_test_file ("slow.txt", "never read"), NULL, FALSE, FALSE };
  g_autoptr(AioTask) task = aio_task_new (load_body, &load, NULL);
  g_autoptr(GError) error = NULL;

  /* The task is suspended in aio_await_gio() once this is set. */
  aio_test_wait_for_flag (&load.started, 5);
  g_assert_true (aio_task_cancel (task, "not needed"));
  g_assert_true (g_cancellable_is_cancelled (load.cancellable));

  /* The bridge still waits for GIO to call back; the _finish function
   * then reports the cancellation, and the task ends cancelled with it.
   */
  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (load.called_back);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
  load_clear (&load);
}

static void
test_gio_load_cancelled_before_start (void)
{
  Load load = { write_test_file ("unread.txt", "unread"), NULL, FALSE, FALSE };
  g_autoptr(AioTask) task = aio_task_new (load_body, &load, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_task_cancel (task, NULL));
  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* No GIO call was ever made. */
  g_assert_false (load.started);
  g_assert_null (load.cancellable);
  load_clear (&load);
}

/* Several GIO calls in a row, from one task. */

static void
copy_body (AioTask  *task,
           gpointer  user_data)
{
  GFile **files = user_data;
  GError *error = NULL;
  char *contents = NULL;
  gsize length = 0;
  GFileInfo *info;

  g_file_load_contents_async (files[0], AIO_GIO_ARGS);
  if (!g_file_load_contents_finish (files[0], aio_await_gio (), &contents, &length, NULL, &error))
    goto fail;

  g_file_replace_contents_async (files[1], contents, length, NULL, FALSE, G_FILE_CREATE_NONE,
                                 AIO_GIO_ARGS);
  if (!g_file_replace_contents_finish (files[1], aio_await_gio (), NULL, &error))
    goto fail;

  g_file_query_info_async (files[1], G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, AIO_GIO_ARGS);
  info = g_file_query_info_finish (files[1], aio_await_gio (), &error);
  if (info == NULL)
    goto fail;

  aio_task_return_int64 (task, g_file_info_get_size (info));
  g_object_unref (info);
  g_free (contents);
  return;

fail:
  g_free (contents);
  aio_task_return_error (task, error);
}

static void
test_gio_sequence (void)
{
  GFile *files[2] = { write_test_file ("source.txt", "0123456789"), NULL };
  g_autofree char *target = g_build_filename (g_get_user_data_dir (), "target.txt", NULL);
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copied = NULL;

  files[1] = g_file_new_for_path (target);
  task = aio_task_new (copy_body, files, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_int64 (AIO_FUTURE (task), NULL), ==, 10);
  g_assert_true (g_file_get_contents (target, &copied, NULL, &error));
  g_assert_cmpstr (copied, ==, "0123456789");
  g_object_unref (files[0]);
  g_object_unref (files[1]);
}

/* Sockets. */

static GSocketListener *
listen_on_loopback (gboolean  backlog_zero,
                    guint16 *port)
{
  GSocketListener *listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  GError *error = NULL;

  if (backlog_zero)
    g_socket_listener_set_backlog (listener, 0);
  g_assert_true (g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error));
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_assert_cmpuint (*port, >, 0);
  return listener;
}

typedef struct
{
  GSocketListener *listener;
  guint16          port;
  GCancellable    *cancellable;   /* (owned) the connect call's */
  gboolean         connecting;
} Net;

static void
accept_body (AioTask  *task,
             gpointer  user_data)
{
  Net *net = user_data;
  GError *error = NULL;
  GSocketConnection *connection;
  char buf[16] = { 0, };
  gsize n = 0;

  g_socket_listener_accept_async (net->listener, AIO_GIO_ARGS);
  connection = g_socket_listener_accept_finish (net->listener, aio_await_gio (), NULL, &error);
  if (connection == NULL)
    {
      aio_task_return_error (task, error);
      return;
    }

  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buf, 4,
                                 G_PRIORITY_DEFAULT, AIO_GIO_ARGS);
  if (!g_input_stream_read_all_finish (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                       aio_await_gio (), &n, &error))
    aio_task_return_error (task, error);
  else
    aio_task_return_string (task, buf);
  g_object_unref (connection);
}

/* A direct connection: the proxy resolver would read GSettings, which the
 * isolated test directories do not have.
 */
static GSocketClient *
direct_client_new (void)
{
  GSocketClient *client = g_socket_client_new ();

  g_socket_client_set_enable_proxy (client, FALSE);
  return client;
}

static void
connect_body (AioTask  *task,
              gpointer  user_data)
{
  Net *net = user_data;
  g_autoptr(GSocketClient) client = direct_client_new ();
  GError *error = NULL;
  GSocketConnection *connection;
  gsize n = 0;

  net->cancellable = g_object_ref (aio_gio_cancellable ());
  g_socket_client_connect_to_host_async (client, "127.0.0.1", net->port, AIO_GIO_ARGS);
  net->connecting = TRUE;
  connection = g_socket_client_connect_to_host_finish (client, aio_await_gio (), &error);
  net->connecting = FALSE;
  if (connection == NULL)
    {
      aio_task_return_error (task, error);
      return;
    }

  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                   "ping", 4, G_PRIORITY_DEFAULT, AIO_GIO_ARGS);
  if (!g_output_stream_write_all_finish (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                         aio_await_gio (), &n, &error))
    aio_task_return_error (task, error);
  else
    aio_task_return_uint64 (task, n);
  g_object_unref (connection);
}

static void
test_gio_socket_connect (void)
{
  Net net = { NULL, 0, NULL, FALSE };
  g_autoptr(AioTask) server = NULL;
  g_autoptr(AioTask) client = NULL;
  g_autoptr(GError) error = NULL;

  net.listener = listen_on_loopback (FALSE, &net.port);
  server = aio_task_new_full (NULL, "server", 0, accept_body, &net, NULL);
  client = aio_task_new_full (NULL, "client", 0, connect_body, &net, NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (client), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aio_future_get_uint64 (AIO_FUTURE (client), NULL), ==, 4);
  g_assert_true (aio_test_run_future (AIO_FUTURE (server), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (aio_future_get_string (AIO_FUTURE (server), NULL), ==, "ping");

  g_socket_listener_close (net.listener);
  g_object_unref (net.listener);
  g_clear_object (&net.cancellable);
}

static void
test_gio_socket_connect_cancelled (void)
{
  Net net = { NULL, 0, NULL, FALSE };
  g_autoptr(GSocketClient) filler_client = direct_client_new ();
  g_autoptr(GSocketConnection) filler = NULL;
  g_autoptr(AioTask) client = NULL;
  g_autoptr(GError) error = NULL;

  /* A listener that never accepts, with room for one pending connection:
   * once that is taken, the kernel drops further SYNs and a connect
   * stays in progress (for minutes of retransmissions).
   */
  net.listener = listen_on_loopback (TRUE, &net.port);
  filler = g_socket_client_connect_to_host (filler_client, "127.0.0.1", net.port, NULL, &error);
  g_assert_no_error (error);

  client = aio_task_new (connect_body, &net, NULL);
  aio_test_wait_for_flag (&net.connecting, 5);
  /* A few more turns: the connect really is stuck, not just slow. */
  aio_test_drain (NULL);
  g_assert_true (net.connecting);
  g_assert_false (aio_future_done (AIO_FUTURE (client)));

  g_assert_true (aio_task_cancel (client, "give up"));
  g_assert_true (g_cancellable_is_cancelled (net.cancellable));
  g_assert_false (aio_test_run_future (AIO_FUTURE (client), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (client)));

  g_socket_listener_close (net.listener);
  g_object_unref (net.listener);
  g_clear_object (&net.cancellable);
}

/* The bridge future without a coroutine. */

static void
test_gio_future_plain (void)
{
  g_autoptr(GFile) file = write_test_file ("plain.txt", "plain");
  g_autoptr(AioFuture) future = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  GCancellable *cancellable = NULL;
  GAsyncResult *result;

  future = aio_gio_future_new (&cancellable);
  g_assert_true (G_IS_CANCELLABLE (cancellable));
  g_file_load_contents_async (file, cancellable, aio_gio_ready, g_object_ref (future));
  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (), future, &error));
  g_assert_no_error (error);

  /* The result is the GAsyncResult, for the _finish function. */
  result = aio_future_get_object (future, &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_ASYNC_RESULT (result));
  g_assert_true (g_file_load_contents_finish (file, result, &contents, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "plain");
}

static void
test_gio_future_plain_cancel (void)
{
  g_autoptr(GFile) file = write_test_file ("cancel.txt", "cancel");
  g_autoptr(AioFuture) future = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  GCancellable *cancellable = NULL;

  future = aio_gio_future_new (&cancellable);
  g_file_load_contents_async (file, cancellable, aio_gio_ready, g_object_ref (future));

  /* Cancelling stops the GIO call; the future waits for it to call back
   * and finishes with its result, which carries the cancellation.
   */
  g_assert_true (aio_future_cancel (future, NULL));
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_assert_false (aio_future_done (future));

  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (), future, &error));
  g_assert_no_error (error);
  g_assert_false (aio_future_cancelled (future));
  g_assert_false (g_file_load_contents_finish (file, aio_future_get_object (future, NULL),
                                               &contents, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_gio_misuse (void)
{
  /* Outside a coroutine the bridge has nothing to attach to. */
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*only works inside a C coroutine*");
  g_assert_null (aio_await_gio ());
  g_test_assert_expected_messages ();

  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*only works inside a C coroutine*");
  g_assert_null (aio_gio_cancellable ());
  g_test_assert_expected_messages ();
}

static void
await_without_call_body (AioTask  *task,
                         gpointer  user_data)
{
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*without a GIO call started*");
  g_assert_null (aio_await_gio ());
  g_test_assert_expected_messages ();
  aio_task_return_boolean (task, TRUE);
}

static void
test_gio_await_without_call (void)
{
  g_autoptr(AioTask) task = aio_task_new (await_without_call_body, NULL, NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_true (aio_future_get_boolean (AIO_FUTURE (task), NULL));
}

/* A task on a loop of another context: GIO calls back on that context. */

static void
test_gio_other_context (void)
{
  GMainContext *context = g_main_context_new ();
  AioLoop *loop = aio_loop_get_for_context (context);
  Load load = { write_test_file ("context.txt", "elsewhere"), NULL, FALSE, FALSE };
  AioTask *task = aio_task_new_full (loop, NULL, 0, load_body, &load, NULL);
  GError *error = NULL;

  /* Only @context is iterated: the callback must be delivered there. */
  g_assert_true (aio_loop_run_until_complete (loop, AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (aio_future_get_string (AIO_FUTURE (task), NULL), ==, "elsewhere");

  g_object_unref (task);
  aio_test_drain (context);
  aio_test_assert_no_tasks (loop);
  g_main_context_unref (context);
  load_clear (&load);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/gio/load-contents", test_gio_load_contents);
  aio_test_add_func ("/aio/gio/load-missing", test_gio_load_missing);
  aio_test_add_func ("/aio/gio/load-cancelled", test_gio_load_cancelled);
  aio_test_add_func ("/aio/gio/load-cancelled-before-start", test_gio_load_cancelled_before_start);
  aio_test_add_func ("/aio/gio/sequence", test_gio_sequence);
  aio_test_add_func ("/aio/gio/socket-connect", test_gio_socket_connect);
  aio_test_add_func ("/aio/gio/socket-connect-cancelled", test_gio_socket_connect_cancelled);
  aio_test_add_func ("/aio/gio/future-plain", test_gio_future_plain);
  aio_test_add_func ("/aio/gio/future-plain-cancel", test_gio_future_plain_cancel);
  aio_test_add_func ("/aio/gio/misuse", test_gio_misuse);
  aio_test_add_func ("/aio/gio/await-without-call", test_gio_await_without_call);
  aio_test_add_func ("/aio/gio/other-context", test_gio_other_context);

  return g_test_run ();
}

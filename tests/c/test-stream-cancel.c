/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A TCP client and server conversation cancelled at each of its awaits in
 * turn: every run must end cancelled (or, past the last suspension,
 * finished), free the server, the streams and their descriptors, and let
 * the server's client task end.
 */
#include "config.h"

#include "stream-test-utils.h"
#include "structured-test-utils.h"

static void
echo_handler (AioStreamReader *reader,
              AioStreamWriter *writer,
              gpointer         user_data)
{
  for (;;)
    {
      g_autoptr(GBytes) data = await_bytes (aio_stream_reader_read (reader, 4096), NULL);

      if (data == NULL || g_bytes_get_size (data) == 0)
        return;
      if (!aio_stream_writer_write_bytes (writer, data, NULL) ||
          !aio_await (aio_stream_writer_drain (writer), NULL))
        return;
    }
}

/* Awaits @future (taken) through the counting helper; the result stays
 * readable in *@done, which the caller unrefs.
 */
static gboolean
step (AioFuture  *future,
      AioFuture **done,
      GError    **error)
{
  *done = future;
  return st_await (g_object_ref (future), error);
}

static void
conversation (AioTask  *task,
              gpointer  data)
{
  g_autoptr(AioServer) server = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  AioStreamReader *reader;
  g_autoptr(GError) error = NULL;
  AioFuture *done = NULL;
  gboolean ok;

  ok = step (aio_start_server (echo_handler, NULL, NULL, "127.0.0.1", 0), &done, &error);
  if (ok)
    server = st_track (g_object_ref (aio_future_get_object (done, NULL)));
  g_clear_object (&done);
  if (!ok)
    goto out;

  ok = step (aio_open_connection ("127.0.0.1", aio_server_get_port (server)), &done, &error);
  if (ok)
    writer = st_track (g_object_ref (aio_future_get_object (done, NULL)));
  g_clear_object (&done);
  if (!ok)
    goto out;
  reader = aio_stream_writer_get_reader (writer);

  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "one\ntwo\n", 8, NULL));
  ok = step (aio_stream_reader_readline (reader), &done, &error);
  if (ok)
    assert_bytes (g_bytes_ref ((GBytes *) aio_future_get_boxed (done, NULL)), "one\n");
  g_clear_object (&done);
  if (!ok)
    goto out;

  ok = step (aio_stream_reader_readexactly (reader, 4), &done, &error);
  if (ok)
    assert_bytes (g_bytes_ref ((GBytes *) aio_future_get_boxed (done, NULL)), "two\n");
  g_clear_object (&done);
  if (!ok)
    goto out;

  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "three", 5, NULL));
  ok = step (aio_stream_writer_drain (writer), &done, &error);
  g_clear_object (&done);
  if (!ok)
    goto out;
  g_assert_true (aio_stream_writer_write_eof (writer, NULL));

  /* The echo, then the end the server sends once it read ours. */
  ok = step (aio_stream_reader_read (reader, -1), &done, &error);
  if (ok)
    assert_bytes (g_bytes_ref ((GBytes *) aio_future_get_boxed (done, NULL)), "three");
  g_clear_object (&done);
  if (!ok)
    goto out;
  g_assert_true (aio_stream_reader_at_eof (reader));

  aio_stream_writer_close (writer);
  ok = step (aio_stream_writer_wait_closed (writer), &done, &error);
  g_clear_object (&done);
  if (!ok)
    goto out;

  aio_server_close (server);
  ok = step (aio_server_wait_closed (server), &done, &error);
  g_clear_object (&done);
  if (!ok)
    goto out;
  return;

out:
  aio_task_return_error (task, g_steal_pointer (&error));
}

static guint n_finished_runs;

static void
conversation_check (AioTask  *root,
                    guint     cancel_at,
                    gpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (cancel_at == 0 || !st_cancelled (root))
    {
      g_assert_true (aio_future_propagate (AIO_FUTURE (root), &error));
      g_assert_no_error (error);
      if (cancel_at > 0)
        n_finished_runs++;
    }
}

static void
test_cancel_at_each_await (void)
{
  guint fds, n_awaits;

  /* What the first run sets up for good (the loop's epoll descriptor,
   * GIO's worker threads) is not the test's to count.
   */
  st_run_once (conversation, 0, conversation_check, NULL);
  fds = aio_test_count_fds ();

  n_finished_runs = 0;
  n_awaits = st_cancel_at_each_await (conversation, conversation_check, NULL);
  g_assert_cmpuint (n_awaits, ==, 8);
  g_assert_cmpuint (st_plan.n_cancelled_runs, ==, n_awaits);
  /* Only the awaits of futures done at once, at the very end, can let the
   * conversation finish before the cancellation lands.
   */
  g_assert_cmpuint (n_finished_runs, <=, 2);
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  aio_test_add_func ("/aio/stream-cancel/cancel-at-each-await", test_cancel_at_each_await);
  return g_test_run ();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AioStreamReader, AioStreamWriter, connections and servers. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "stream-test-utils.h"

/* A connected pair: the writer (and its reader) on one end, a plain
 * descriptor the test drives by hand on the other.
 */
typedef struct
{
  AioStreamWriter *writer;
  AioStreamReader *reader;
  int              peer;
} Pair;

static void
pair_open (Pair *pair)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);
  pair->writer = aio_stream_writer_new_for_connection (G_IO_STREAM (connection), NULL, &error);
  g_assert_no_error (error);
  pair->reader = aio_stream_writer_get_reader (pair->writer);
  pair->peer = fds[1];
}

static void
pair_close (Pair *pair)
{
  g_clear_object (&pair->writer);
  pair->reader = NULL;
  if (pair->peer >= 0)
    close (pair->peer);
  pair->peer = -1;
}

static void
peer_send (Pair       *pair,
           const char *text)
{
  gsize len = strlen (text);

  g_assert_cmpint (write (pair->peer, text, len), ==, (gssize) len);
}

/* -- reading ----------------------------------------------------------- */

static void
reads_body (AioTask  *task,
            gpointer  data)
{
  Pair pair = { 0, };
  GError *error = NULL;
  const guint8 crlf[] = "\r\n";
  GBytes *seps[2];

  pair_open (&pair);

  peer_send (&pair, "hello world\nsecond line\nabc\r\nrest");
  assert_bytes (await_bytes (aio_stream_reader_readline (pair.reader), NULL), "hello world\n");
  assert_bytes (await_bytes (aio_stream_reader_read (pair.reader, 6), NULL), "second");
  assert_bytes (await_bytes (aio_stream_reader_readexactly (pair.reader, 6), NULL), " line\n");
  assert_bytes (await_bytes (aio_stream_reader_readuntil (pair.reader, crlf, 2), NULL), "abc\r\n");
  g_assert_cmpuint (aio_stream_reader_get_buffered (pair.reader), ==, 4);

  /* Several separators: the shortest result wins. */
  peer_send (&pair, ";x,y;");
  seps[0] = g_bytes_new_static (";", 1);
  seps[1] = g_bytes_new_static (",", 1);
  assert_bytes (await_bytes (aio_stream_reader_readuntil_any (pair.reader, seps, 2), NULL), "rest;");
  assert_bytes (await_bytes (aio_stream_reader_readuntil_any (pair.reader, seps, 2), NULL), "x,");
  g_bytes_unref (seps[0]);
  g_bytes_unref (seps[1]);

  assert_bytes (await_bytes (aio_stream_reader_read (pair.reader, 0), NULL), "");
  assert_bytes (await_bytes (aio_stream_reader_read (pair.reader, 100), NULL), "y;");

  /* The end: partial line, then empty reads. */
  peer_send (&pair, "tail");
  shutdown (pair.peer, SHUT_WR);
  g_assert_false (aio_stream_reader_at_eof (pair.reader));
  assert_bytes (await_bytes (aio_stream_reader_readline (pair.reader), NULL), "tail");
  assert_bytes (await_bytes (aio_stream_reader_readline (pair.reader), NULL), "");
  assert_bytes (await_bytes (aio_stream_reader_read (pair.reader, 10), NULL), "");
  assert_bytes (await_bytes (aio_stream_reader_read (pair.reader, -1), NULL), "");
  g_assert_true (aio_stream_reader_at_eof (pair.reader));

  g_assert_null (await_bytes (aio_stream_reader_readexactly (pair.reader, 1), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INCOMPLETE_READ);
  g_clear_error (&error);

  pair_close (&pair);
}

static void
test_reads (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (reads_body, NULL);

  g_assert_true (aio_future_get_state (AIO_FUTURE (task)) == AIO_FUTURE_FINISHED);
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

static void
errors_body (AioTask  *task,
             gpointer  data)
{
  Pair pair = { 0, };
  GError *error = NULL;
  GBytes *partial;
  const guint8 end[] = "END";
  g_autoptr(AioFuture) first = NULL;
  g_autoptr(AioFuture) second = NULL;

  pair_open (&pair);

  /* Incomplete read: the partial data and the count travel with the
   * error.
   */
  peer_send (&pair, "12345");
  shutdown (pair.peer, SHUT_WR);
  g_assert_null (await_bytes (aio_stream_reader_readexactly (pair.reader, 8), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INCOMPLETE_READ);
  partial = aio_error_get_partial (error);
  g_assert_cmpmem (g_bytes_get_data (partial, NULL), g_bytes_get_size (partial), "12345", 5);
  g_assert_cmpint (aio_error_get_expected (error), ==, 8);
  g_clear_error (&error);
  pair_close (&pair);

  /* Limit overrun: readuntil leaves the data; readline drops the line. */
  pair_open (&pair);
  aio_stream_reader_set_limit (pair.reader, 4);
  g_assert_cmpuint (aio_stream_reader_get_limit (pair.reader), ==, 4);
  peer_send (&pair, "abcdefghEND\nxy\n");
  g_assert_null (await_bytes (aio_stream_reader_readuntil (pair.reader, end, 3), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_LIMIT_OVERRUN);
  g_assert_cmpuint (aio_error_get_consumed (error), ==, 8);
  g_clear_error (&error);
  g_assert_cmpuint (aio_stream_reader_get_buffered (pair.reader), ==, 15);
  assert_bytes (await_bytes (aio_stream_reader_read (pair.reader, 2), NULL), "ab");
  g_assert_null (await_bytes (aio_stream_reader_readline (pair.reader), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_LIMIT_OVERRUN);
  g_clear_error (&error);
  assert_bytes (await_bytes (aio_stream_reader_readline (pair.reader), NULL), "xy\n");

  /* An empty separator is refused. */
  g_assert_null (await_bytes (aio_stream_reader_readuntil (pair.reader, end, 0), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* One waiter at a time. */
  first = aio_stream_reader_read (pair.reader, 10);
  second = aio_stream_reader_read (pair.reader, 10);
  g_assert_true (aio_future_done (second));
  error = aio_future_dup_error (second);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  peer_send (&pair, "z");
  assert_bytes (await_bytes (g_object_ref (first), NULL), "z");

  pair_close (&pair);
}

static void
test_read_errors (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (errors_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

/* -- cancellation loses no bytes --------------------------------------- */

static void
blocked_reader (AioTask  *task,
                gpointer  data)
{
  Pair *pair = data;
  GError *error = NULL;

  g_assert_null (await_bytes (aio_stream_reader_readexactly (pair->reader, 10), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  aio_task_return_error (task, error);
}

static void
cancel_body (AioTask  *task,
             gpointer  data)
{
  Pair pair = { 0, };
  g_autoptr(AioTask) victim = NULL;
  GError *error = NULL;

  pair_open (&pair);
  victim = aio_task_new (blocked_reader, &pair, NULL);
  g_assert_true (aio_await (aio_sleep (0.01), NULL));
  peer_send (&pair, "01234");
  g_assert_true (aio_await (aio_sleep (0.01), NULL));
  aio_task_cancel (victim, NULL);
  g_assert_false (aio_await (g_object_ref (AIO_FUTURE (victim)), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The five bytes the cancelled read had are still there. */
  g_assert_cmpuint (aio_stream_reader_get_buffered (pair.reader), ==, 5);
  peer_send (&pair, "56789");
  assert_bytes (await_bytes (aio_stream_reader_readexactly (pair.reader, 10), NULL), "0123456789");
  pair_close (&pair);
}

static void
test_cancel_read (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (cancel_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* -- writing and flow control ----------------------------------------- */

#define FLOOD_SIZE (4 * 1024 * 1024)

static gpointer
slow_reader_thread (gpointer data)
{
  int fd = GPOINTER_TO_INT (data);
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buf[4096];
  gsize total = 0;
  gssize n;

  g_usleep (100 * 1000);   /* let the writer fill everything first */
  while ((n = read (fd, buf, sizeof buf)) > 0)
    {
      g_checksum_update (sum, buf, n);
      /* At most 8 MB/s, so the writer outpaces it even under valgrind. */
      total += n;
      if (total % (16 * 1024) < (gsize) n)
        g_usleep (2000);
    }
  return sum;
}

static void
drain_body (AioTask  *task,
            gpointer  data)
{
  Pair pair = { 0, };
  g_autoptr(GChecksum) expected = g_checksum_new (G_CHECKSUM_SHA256);
  GChecksum *got;
  GThread *thread;
  guint8 block[8192];
  gsize sent = 0, most_buffered = 0;
  GError *error = NULL;
  guint i;

  pair_open (&pair);
  aio_stream_writer_set_write_buffer_limits (pair.writer, 32 * 1024, 8 * 1024);
  thread = g_thread_new ("slow-reader", slow_reader_thread, GINT_TO_POINTER (pair.peer));

  for (i = 0; sent < FLOOD_SIZE; i++)
    {
      memset (block, 'a' + i % 26, sizeof block);
      block[0] = i & 0xff;
      g_checksum_update (expected, block, sizeof block);
      g_assert_true (aio_stream_writer_write (pair.writer, block, sizeof block, &error));
      g_assert_no_error (error);
      sent += sizeof block;
      most_buffered = MAX (most_buffered, aio_stream_writer_get_write_buffer_size (pair.writer));
      g_assert_true (aio_await (aio_stream_writer_drain (pair.writer), &error));
      g_assert_no_error (error);
    }
  /* Memory stayed bounded: never more than the high-water mark plus the
   * block that crossed it.
   */
  g_assert_cmpuint (most_buffered, <=, 32 * 1024 + sizeof block);
  g_assert_cmpuint (most_buffered, >, 0);

  aio_stream_writer_close (pair.writer);
  g_assert_true (aio_await (aio_stream_writer_wait_closed (pair.writer), NULL));
  g_assert_true (aio_stream_writer_is_closing (pair.writer));
  g_assert_false (aio_stream_writer_write (pair.writer, block, 1, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_CLOSED);
  g_clear_error (&error);

  got = g_thread_join (thread);
  g_assert_cmpstr (g_checksum_get_string (got), ==, g_checksum_get_string (expected));
  g_checksum_free (got);
  pair_close (&pair);
}

static void
test_drain (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (drain_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

static void
eof_body (AioTask  *task,
          gpointer  data)
{
  Pair pair = { 0, };
  GError *error = NULL;
  char buf[16];
  GObject *info;

  pair_open (&pair);
  g_assert_true (aio_stream_writer_can_write_eof (pair.writer));
  g_assert_true (aio_stream_writer_write (pair.writer, (const guint8 *) "bye", 3, NULL));
  g_assert_true (aio_stream_writer_write_eof (pair.writer, NULL));
  g_assert_false (aio_stream_writer_write (pair.writer, (const guint8 *) "x", 1, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_cmpint (read (pair.peer, buf, sizeof buf), ==, 3);
  g_assert_cmpint (read (pair.peer, buf, sizeof buf), ==, 0);

  /* Half-closed: the other direction still works. */
  peer_send (&pair, "still here\n");
  assert_bytes (await_bytes (aio_stream_reader_readline (pair.reader), NULL), "still here\n");

  info = aio_stream_writer_get_extra_info (pair.writer, "socket");
  g_assert_true (G_IS_SOCKET (info));
  info = aio_stream_writer_get_extra_info (pair.writer, "connection");
  g_assert_true (G_IS_SOCKET_CONNECTION (info));
  g_assert_null (aio_stream_writer_get_extra_info (pair.writer, "tls"));
  g_assert_null (aio_stream_writer_get_extra_info (pair.writer, "no-such-thing"));
  pair_close (&pair);
}

static void
test_write_eof (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (eof_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

static void
reset_body (AioTask  *task,
            gpointer  data)
{
  Pair pair = { 0, };
  GError *error = NULL;
  guint8 block[65536] = { 0, };
  guint i;

  /* A peer that goes away: writes fail, and so does drain, with GIO's
   * error, never SIGPIPE.
   */
  pair_open (&pair);
  close (pair.peer);
  pair.peer = -1;
  for (i = 0; i < 4 && error == NULL; i++)
    aio_stream_writer_write (pair.writer, block, sizeof block, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_clear_error (&error);
  g_assert_false (aio_await (aio_stream_writer_drain (pair.writer), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_clear_error (&error);
  /* Reading a closed peer is the end of the stream. */
  assert_bytes (await_bytes (aio_stream_reader_read (pair.reader, 10), NULL), "");
  pair_close (&pair);
}

static void
test_peer_gone (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (reset_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

/* -- any GInputStream / GOutputStream -------------------------------- */

static void
pipes_body (AioTask  *task,
            gpointer  data)
{
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  int fds[2];

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
  in = g_unix_input_stream_new (fds[0], TRUE);
  out = g_unix_output_stream_new (fds[1], TRUE);
  reader = aio_stream_reader_new_for_stream (in, NULL);
  writer = aio_stream_writer_new_for_stream (out, NULL);

  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "one\ntwo\n", 8, NULL));
  assert_bytes (await_bytes (aio_stream_reader_readline (reader), NULL), "one\n");
  assert_bytes (await_bytes (aio_stream_reader_readline (reader), NULL), "two\n");
  aio_stream_writer_close (writer);
  g_assert_true (aio_await (aio_stream_writer_wait_closed (writer), NULL));
  assert_bytes (await_bytes (aio_stream_reader_read (reader, -1), NULL), "");
  g_assert_true (aio_stream_reader_at_eof (reader));
}

static void
test_pipes (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (pipes_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

static void
file_body (AioTask  *task,
           gpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  GString *content = g_string_new (NULL);
  guint i;
  int fd;

  fd = g_file_open_tmp ("aio-streams-XXXXXX", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  file = g_file_new_for_path (path);

  /* A file stream is not pollable: the writer and reader use GIO's async
   * calls.
   */
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL);
  writer = aio_stream_writer_new_for_stream (G_OUTPUT_STREAM (out), NULL);
  for (i = 0; i < 20000; i++)
    g_string_append_printf (content, "line %u\n", i);
  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) content->str, content->len, NULL));
  aio_stream_writer_close (writer);
  g_assert_true (aio_await (aio_stream_writer_wait_closed (writer), NULL));

  in = g_file_read (file, NULL, NULL);
  reader = aio_stream_reader_new_for_stream (G_INPUT_STREAM (in), NULL);
  assert_bytes (await_bytes (aio_stream_reader_readline (reader), NULL), "line 0\n");
  {
    g_autoptr(GBytes) rest = await_bytes (aio_stream_reader_read (reader, -1), NULL);

    g_assert_cmpuint (g_bytes_get_size (rest), ==, content->len - strlen ("line 0\n"));
    g_assert_cmpmem (g_bytes_get_data (rest, NULL), g_bytes_get_size (rest),
                     content->str + 7, content->len - 7);
  }
  g_string_free (content, TRUE);
  unlink (path);
}

static void
test_file_streams (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (file_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* -- servers and connections -------------------------------------------- */

static void
echo_client (AioStreamReader *reader,
             AioStreamWriter *writer,
             gpointer         user_data)
{
  guint *served = user_data;

  (*served)++;
  for (;;)
    {
      g_autoptr(GBytes) data = await_bytes (aio_stream_reader_read (reader, 4096), NULL);

      if (data == NULL || g_bytes_get_size (data) == 0)
        break;
      if (!aio_stream_writer_write_bytes (writer, data, NULL) ||
          !aio_await (aio_stream_writer_drain (writer), NULL))
        break;
    }
}

static void
server_body (AioTask  *task,
             gpointer  data)
{
  guint served = 0;
  g_autoptr(AioServer) server = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;
  GObject *peer;
  guint16 port;

  server = aio_await_object (aio_start_server (echo_client, &served, NULL, "127.0.0.1", 0), &error);
  g_assert_no_error (error);
  g_assert_true (aio_server_is_serving (server));
  port = aio_server_get_port (server);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpuint (aio_server_get_addresses (server)->len, ==, 1);

  echo_round_trip (aio_open_connection ("127.0.0.1", port), 50);
  echo_round_trip (aio_open_connection ("localhost", port), 5);

  {
    g_autoptr(AioStreamReader) reader = NULL;
    g_autoptr(AioStreamWriter) writer = NULL;

    g_assert_true (aio_await_streams (aio_open_connection ("127.0.0.1", port), &reader, &writer, NULL));
    peer = aio_stream_writer_get_extra_info (writer, "peername");
    g_assert_true (G_IS_INET_SOCKET_ADDRESS (peer));
    g_assert_cmpuint (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (peer)), ==, port);
    g_assert_true (G_IS_INET_SOCKET_ADDRESS (aio_stream_writer_get_extra_info (writer, "sockname")));
    /* The server closing its clients: this one reads the end. */
    g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "x", 1, NULL));
    assert_bytes (await_bytes (aio_stream_reader_read (reader, 1), NULL), "x");
    aio_server_close_clients (server);
    assert_bytes (await_bytes (aio_stream_reader_read (reader, 1), NULL), "");
  }

  aio_server_close (server);
  g_assert_false (aio_server_is_serving (server));
  g_assert_true (aio_await (aio_server_wait_closed (server), NULL));
  g_assert_cmpuint (served, ==, 3);
  g_assert_cmpuint (aio_server_get_n_clients (server), ==, 0);

  /* Nobody listens there any more. */
  g_assert_null (aio_await_object (aio_open_connection ("127.0.0.1", port), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  /* And the same over a Unix socket. */
  g_clear_object (&server);
  path = g_build_filename (g_get_tmp_dir (), "aio-test-streams.sock", NULL);
  server = aio_await_object (aio_start_unix_server (echo_client, &served, NULL, path), &error);
  g_assert_no_error (error);
  echo_round_trip (aio_open_unix_connection (path), 10);
  aio_server_close (server);
  g_assert_true (aio_await (aio_server_wait_closed (server), NULL));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (served, ==, 4);
}

static void
test_server (void)
{
  g_autoptr(AioTask) warm_up = aio_test_run_task (server_body, NULL);
  /* What the first run set up for good (the loop's epoll descriptor,
   * GIO's resolver and worker threads) is not the test's to count.
   */
  guint fds = aio_test_count_fds ();
  g_autoptr(AioTask) task = aio_test_run_task (server_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
  g_clear_object (&task);
  aio_test_drain (NULL);
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

static void
busy_port_body (AioTask  *task,
                gpointer  data)
{
  guint served = 0;
  g_autoptr(AioServer) server = NULL;
  GError *error = NULL;

  server = aio_await_object (aio_start_server (echo_client, &served, NULL, "127.0.0.1", 0), &error);
  g_assert_no_error (error);
  g_assert_null (aio_await_object (aio_start_server (echo_client, &served, NULL, "127.0.0.1",
                                                     aio_server_get_port (server)), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_clear_error (&error);

  /* serve_forever() ends when the server closes; cancelling it closes
   * the server.
   */
  {
    g_autoptr(AioFuture) forever = aio_server_serve_forever (server);

    g_assert_false (aio_future_done (forever));
    aio_future_cancel (forever, NULL);
    g_assert_false (aio_server_is_serving (server));
  }
  g_assert_true (aio_await (aio_server_wait_closed (server), NULL));
}

static void
test_busy_port (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (busy_port_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

static void
failing_client (AioStreamReader *reader,
                AioStreamWriter *writer,
                gpointer         user_data)
{
  aio_task_return_error (aio_current_task (),
                         g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "handler broke"));
}

static void
failing_handler_body (AioTask  *task,
                      gpointer  data)
{
  g_autoptr(AioServer) server = NULL;
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;

  server = aio_await_object (aio_start_server (failing_client, NULL, NULL, "127.0.0.1", 0), NULL);
  g_assert_true (aio_await_streams (aio_open_connection ("127.0.0.1", aio_server_get_port (server)),
                                    &reader, &writer, NULL));
  /* The handler's error is reported and its connection closed. */
  assert_bytes (await_bytes (aio_stream_reader_read (reader, 10), NULL), "");
  aio_server_close (server);
  g_assert_true (aio_await (aio_server_wait_closed (server), NULL));
}

static void
test_failing_handler (void)
{
  g_autoptr(AioTask) task = NULL;

  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING, "*Unhandled error in the client handler*handler broke*");
  task = aio_test_run_task (failing_handler_body, NULL);
  g_test_assert_expected_messages ();
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* -- DNS ----------------------------------------------------------------- */

static void
dns_body (AioTask  *task,
          gpointer  data)
{
  g_autoptr(GPtrArray) addresses = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) where = g_inet_socket_address_new (loopback, 0);
  g_autoptr(AioFuture) cancelled = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;
  gboolean loopback_seen = FALSE;
  guint i;

  addresses = aio_await_boxed (aio_getaddrinfo ("localhost", 8080), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (addresses->len, >, 0);
  for (i = 0; i < addresses->len; i++)
    {
      GInetSocketAddress *address = addresses->pdata[i];

      g_assert_cmpuint (g_inet_socket_address_get_port (address), ==, 8080);
      loopback_seen |= g_inet_address_get_is_loopback (g_inet_socket_address_get_address (address));
    }
  g_assert_true (loopback_seen);
  g_clear_pointer (&addresses, g_ptr_array_unref);

  addresses = aio_await_boxed (aio_getaddrinfo ("127.0.0.1", 7), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (addresses->len, ==, 1);

  g_assert_null (aio_await_boxed (aio_getaddrinfo ("no-such-host.invalid", 1), &error));
  g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  name = aio_await_string (aio_getnameinfo (where), &error);
  g_assert_no_error (error);
  g_assert_nonnull (name);
  g_assert_cmpstr (name, !=, "");

  cancelled = aio_getaddrinfo ("localhost", 1);
  g_assert_true (aio_future_cancel (cancelled, NULL));
  g_assert_false (aio_await (g_object_ref (cancelled), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
}

static void
test_dns (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (dns_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
  /* The cancelled lookup still calls back from GIO's thread. */
  aio_test_drain (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  aio_test_add_func ("/aio/streams/reads", test_reads);
  aio_test_add_func ("/aio/streams/read-errors", test_read_errors);
  aio_test_add_func ("/aio/streams/cancel-read", test_cancel_read);
  aio_test_add_func ("/aio/streams/drain", test_drain);
  aio_test_add_func ("/aio/streams/write-eof", test_write_eof);
  aio_test_add_func ("/aio/streams/peer-gone", test_peer_gone);
  aio_test_add_func ("/aio/streams/pipes", test_pipes);
  aio_test_add_func ("/aio/streams/file-streams", test_file_streams);
  aio_test_add_func ("/aio/streams/server", test_server);
  aio_test_add_func ("/aio/streams/busy-port", test_busy_port);
  aio_test_add_func ("/aio/streams/failing-handler", test_failing_handler);
  aio_test_add_func ("/aio/streams/dns", test_dns);

  return g_test_run ();
}

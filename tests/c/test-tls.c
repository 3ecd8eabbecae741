/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TLS: servers, clients and STARTTLS, with a self-signed certificate
 * made for the run.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "aio-glib.h"
#include "stream-test-utils.h"

static char *cert_dir;
static char *cert_file;
static char *key_file;

static void
make_certificate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *subject_alt = NULL;
  int status = 0;
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout", NULL, "-out", NULL, NULL
  };

  cert_dir = g_dir_make_tmp ("aio-tls-XXXXXX", &error);
  g_assert_no_error (error);
  cert_file = g_build_filename (cert_dir, "cert.pem", NULL);
  key_file = g_build_filename (cert_dir, "key.pem", NULL);
  argv[13] = key_file;
  argv[15] = cert_file;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                               G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
remove_certificate (void)
{
  g_unlink (cert_file);
  g_unlink (key_file);
  g_rmdir (cert_dir);
  g_free (cert_file);
  g_free (key_file);
  g_free (cert_dir);
}

static guint
count_pool_threads (void)
{
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *task;
  guint n = 0;

  if (dir == NULL)
    return 0;
  while ((task = g_dir_read_name (dir)) != NULL)
    {
      char *path = g_build_filename ("/proc/self/task", task, "comm", NULL);
      char *name = NULL;

      if (g_file_get_contents (path, &name, NULL, NULL)
          && g_str_has_prefix (name, "pool-")
          && !g_str_has_prefix (name, "pool-spawner"))
        n++;
      g_free (name);
      g_free (path);
    }
  g_dir_close (dir);
  return n;
}

/* The handshakes ran in GLib's pool threads, which keep GnuTLS's dynamic
 * TLS. LeakSanitizer's scan at exit misreads that TLS (glibc 2.36, GCC 12)
 * and crashes, so the idle pool threads are let go, and waited for, before
 * main returns. An idle worker waits half a second for more work first. */
static void
stop_idle_pool_threads (void)
{
  int rounds;

  g_thread_pool_set_max_unused_threads (0);
  for (rounds = 0; rounds < 300 && count_pool_threads () > 0; rounds++)
    {
      g_thread_pool_stop_unused_threads ();
      g_usleep (10 * 1000);
    }
}

static void
echo_line (AioStreamReader *reader,
           AioStreamWriter *writer,
           gpointer         data)
{
  g_autoptr(GBytes) line = await_bytes (aio_stream_reader_readline (reader), NULL);

  if (line != NULL && g_bytes_get_size (line) > 0)
    {
      (void) aio_stream_writer_write_bytes (writer, line, NULL);
      (void) aio_await (aio_stream_writer_drain (writer), NULL);
    }
}

static AioServer *
start_tls_server (AioClientFunc func)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AioTlsContext) tls = aio_tls_context_new_server_from_files (cert_file, key_file,
                                                                        &error);
  AioServer *server;

  g_assert_no_error (error);
  g_assert_true (aio_tls_context_is_server (tls));
  server = aio_await_object (aio_start_server_full (func, NULL, NULL, "127.0.0.1", 0, 0,
                                                    AIO_SERVER_NONE, tls), &error);
  g_assert_no_error (error);
  return server;
}

static AioTlsContext *
trusting_client (void)
{
  g_autoptr(GError) error = NULL;
  AioTlsContext *tls = aio_tls_context_new_client ();

  g_assert_true (aio_tls_context_load_verify_locations (tls, cert_file, &error));
  g_assert_no_error (error);
  return tls;
}

static void
roundtrip_body (AioTask  *task,
                gpointer  data)
{
  g_autoptr(AioServer) server = start_tls_server (echo_line);
  g_autoptr(AioTlsContext) tls = trusting_client ();
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_await_streams (aio_open_connection_tls ("localhost",
                                                             aio_server_get_port (server), tls),
                                    &reader, &writer, &error));
  g_assert_no_error (error);
  g_assert_true (G_IS_TLS_CONNECTION (aio_stream_writer_get_extra_info (writer, "tls")));
  g_assert_true (G_IS_TLS_CERTIFICATE (aio_stream_writer_get_extra_info (writer, "peercert")));
  g_assert_true (G_IS_INET_SOCKET_ADDRESS (aio_stream_writer_get_extra_info (writer, "peername")));

  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "secret\n", 7, &error));
  line = await_bytes (aio_stream_reader_readline (reader), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (line, NULL), g_bytes_get_size (line), "secret\n", 7);

  aio_stream_writer_close (writer);
  g_assert_true (aio_await (aio_stream_writer_wait_closed (writer), &error));
  aio_server_close (server);
  g_assert_true (aio_await (aio_server_wait_closed (server), &error));
  g_assert_no_error (error);
}

static void
test_roundtrip (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (roundtrip_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

/* A stackless handler behind TLS: started only after a handshake that
 * worked, here returning a coroutine task that echoes a line.
 */
typedef struct
{
  AioStreamReader *reader;
  AioStreamWriter *writer;
} Streams;

static void
streams_free (gpointer data)
{
  Streams *streams = data;

  g_object_unref (streams->reader);
  g_object_unref (streams->writer);
  g_free (streams);
}

static void
echo_line_task (AioTask  *task,
                gpointer  data)
{
  Streams *streams = data;

  echo_line (streams->reader, streams->writer, NULL);
}

static AioFuture *
start_echo_line (AioStreamReader *reader,
                 AioStreamWriter *writer,
                 gpointer         data)
{
  guint *started = data;
  Streams *streams = g_new0 (Streams, 1);

  (*started)++;
  g_assert_true (G_IS_TLS_CERTIFICATE (g_tls_connection_get_certificate (
    G_TLS_CONNECTION (aio_stream_writer_get_extra_info (writer, "tls")))));
  streams->reader = g_object_ref (reader);
  streams->writer = g_object_ref (writer);
  return AIO_FUTURE (aio_task_new (echo_line_task, streams, streams_free));
}

static void
stackless_server_body (AioTask  *task,
                       gpointer  data)
{
  g_autoptr(AioTlsContext) server_tls = aio_tls_context_new_server_from_files (cert_file, key_file,
                                                                               NULL);
  g_autoptr(AioTlsContext) trusting = trusting_client ();
  g_autoptr(AioTlsContext) system_ca = aio_tls_context_new_client ();
  g_autoptr(AioServer) server = NULL;
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autoptr(GError) error = NULL;
  guint started = 0;
  guint16 port;

  server = aio_await_object (aio_start_server_stackless (start_echo_line, &started, NULL,
                                                         "127.0.0.1", 0, 0, AIO_SERVER_NONE,
                                                         server_tls), &error);
  g_assert_no_error (error);
  port = aio_server_get_port (server);

  /* A client that rejects the certificate never reaches the handler. */
  g_assert_false (aio_await_streams (aio_open_connection_tls ("localhost", port, system_ca),
                                     NULL, NULL, &error));
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);

  g_assert_true (aio_await_streams (aio_open_connection_tls ("localhost", port, trusting),
                                    &reader, &writer, &error));
  g_assert_no_error (error);
  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "hidden\n", 7, &error));
  line = await_bytes (aio_stream_reader_readline (reader), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (line, NULL), g_bytes_get_size (line), "hidden\n", 7);
  aio_stream_writer_close (writer);
  g_assert_true (aio_await (aio_stream_writer_wait_closed (writer), &error));

  aio_server_close (server);
  g_assert_true (aio_await (aio_server_wait_closed (server), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (started, ==, 1);
}

static void
test_stackless_server (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (stackless_server_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

static void
rejected_body (AioTask  *task,
               gpointer  data)
{
  g_autoptr(AioServer) server = start_tls_server (echo_line);
  g_autoptr(AioTlsContext) system_ca = aio_tls_context_new_client ();
  g_autoptr(AioTlsContext) trusting = trusting_client ();
  g_autoptr(GError) error = NULL;
  guint16 port = aio_server_get_port (server);

  /* Not signed by an authority the system trusts. */
  g_assert_false (aio_await_streams (aio_open_connection_tls ("localhost", port, system_ca),
                                     NULL, NULL, &error));
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);

  /* Trusted, but for another name. */
  g_assert_false (aio_await_streams (aio_open_connection_tls ("127.0.0.2", port, trusting),
                                     NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  aio_server_close (server);
  g_assert_true (aio_await (aio_server_wait_closed (server), &error));
  g_assert_no_error (error);
}

static void
test_rejected (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (rejected_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

/* The server answers "STARTTLS" with "OK", then speaks TLS. */
static void
starttls_client (AioStreamReader *reader,
                 AioStreamWriter *writer,
                 gpointer         data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) line = await_bytes (aio_stream_reader_readline (reader), NULL);
  g_autoptr(AioTlsContext) tls = NULL;

  if (line == NULL || g_bytes_get_size (line) != 9)
    return;
  (void) aio_stream_writer_write (writer, (const guint8 *) "OK\n", 3, NULL);
  tls = aio_tls_context_new_server_from_files (cert_file, key_file, &error);
  g_assert_no_error (error);
  if (!aio_await (aio_stream_writer_start_tls (writer, tls, NULL), &error))
    return;
  echo_line (reader, writer, NULL);
}

static void
starttls_body (AioTask  *task,
               gpointer  data)
{
  g_autoptr(AioServer) server = NULL;
  g_autoptr(AioTlsContext) tls = trusting_client ();
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autoptr(GError) error = NULL;

  server = aio_await_object (aio_start_server (starttls_client, NULL, NULL, "127.0.0.1", 0),
                             &error);
  g_assert_no_error (error);
  g_assert_true (aio_await_streams (aio_open_connection ("127.0.0.1", aio_server_get_port (server)),
                                    &reader, &writer, &error));
  g_assert_null (aio_stream_writer_get_extra_info (writer, "tls"));
  /* Written before the upgrade: start_tls drains it first. */
  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "STARTTLS\n", 9, &error));
  line = await_bytes (aio_stream_reader_readline (reader), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (line, NULL), g_bytes_get_size (line), "OK\n", 3);
  g_clear_pointer (&line, g_bytes_unref);

  g_assert_true (aio_await (aio_stream_writer_start_tls (writer, tls, "localhost"), &error));
  g_assert_no_error (error);
  g_assert_true (G_IS_TLS_CONNECTION (aio_stream_writer_get_extra_info (writer, "tls")));

  /* A second upgrade is refused. */
  g_assert_false (aio_await (aio_stream_writer_start_tls (writer, tls, "localhost"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "over tls\n", 9, &error));
  line = await_bytes (aio_stream_reader_readline (reader), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (line, NULL), g_bytes_get_size (line), "over tls\n", 9);

  aio_stream_writer_close (writer);
  g_assert_true (aio_await (aio_stream_writer_wait_closed (writer), &error));
  aio_server_close (server);
  g_assert_true (aio_await (aio_server_wait_closed (server), &error));
  g_assert_no_error (error);
}

static void
test_starttls (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (starttls_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

/* A peer that reads everything and never answers. */
static void
silent_client (AioStreamReader *reader,
               AioStreamWriter *writer,
               gpointer         data)
{
  g_autoptr(GBytes) all = await_bytes (aio_stream_reader_read (reader, -1), NULL);
}

static void
handshake_timeout_body (AioTask  *task,
                        gpointer  data)
{
  g_autoptr(AioServer) server = NULL;
  g_autoptr(AioTlsContext) tls = trusting_client ();
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  AioFuture *upgrade;

  server = aio_await_object (aio_start_server (silent_client, NULL, NULL, "127.0.0.1", 0),
                             &error);
  g_assert_no_error (error);
  g_assert_true (aio_await_streams (aio_open_connection ("127.0.0.1", aio_server_get_port (server)),
                                    &reader, &writer, &error));

  aio_tls_context_set_handshake_timeout (tls, 0.2);
  g_assert_cmpfloat (aio_tls_context_get_handshake_timeout (tls), ==, 0.2);
  g_assert_false (aio_await (aio_stream_writer_start_tls (writer, tls, "localhost"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  g_clear_object (&reader);
  g_clear_object (&writer);

  /* Cancelled while handshaking. */
  g_assert_true (aio_await_streams (aio_open_connection ("127.0.0.1", aio_server_get_port (server)),
                                    &reader, &writer, &error));
  aio_tls_context_set_handshake_timeout (tls, 0);
  upgrade = aio_stream_writer_start_tls (writer, tls, "localhost");
  g_assert_false (aio_await (aio_wait_for (upgrade, 0.1), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  aio_server_close (server);
  aio_server_close_clients (server);
  g_assert_true (aio_await (aio_server_wait_closed (server), NULL));
}

static void
test_handshake_timeout (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (handshake_timeout_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_certificate ();
  aio_test_add_func ("/aio/tls/roundtrip", test_roundtrip);
  aio_test_add_func ("/aio/tls/rejected", test_rejected);
  aio_test_add_func ("/aio/tls/stackless-server", test_stackless_server);
  aio_test_add_func ("/aio/tls/starttls", test_starttls);
  aio_test_add_func ("/aio/tls/handshake-timeout", test_handshake_timeout);
  status = g_test_run ();
  remove_certificate ();
  stop_idle_pool_threads ();
  return status;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The servers of the echo benchmark, one process each run:
 *
 *   bench-echo-server --kind epoll|gio|aio [--port 0]
 *
 * - epoll: the floor, a minimal level-triggered epoll loop in plain C;
 * - gio: GIO callbacks, g_input_stream_read_async() then
 *   g_output_stream_write_all_async() per message, on a GSocketService;
 * - aio: aio-glib's streams, one C coroutine per client.
 *
 * Each prints "listening on 127.0.0.1:PORT" and runs until SIGTERM or
 * SIGINT.
 */

#define _GNU_SOURCE  /* accept4() */
#include <errno.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <aio-glib.h>

static void
announce (guint16 port)
{
  printf ("listening on 127.0.0.1:%u\n", port);
  fflush (stdout);
}

/* -- epoll ----------------------------------------------------------------- */

static volatile sig_atomic_t stopping;

static void
on_stop_signal (int sig)
{
  stopping = 1;
}

static int
run_epoll (int port)
{
  struct sockaddr_in addr = { 0, };
  socklen_t len = sizeof addr;
  struct epoll_event events[256];
  struct sigaction action = { 0, };
  int listener, epfd, one = 1;
  char buf[65536];

  action.sa_handler = on_stop_signal;
  sigaction (SIGTERM, &action, NULL);
  sigaction (SIGINT, &action, NULL);

  listener = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  setsockopt (listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (bind (listener, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (listener, 1024) < 0)
    g_error ("bind/listen: %s", g_strerror (errno));
  getsockname (listener, (struct sockaddr *) &addr, &len);
  epfd = epoll_create1 (EPOLL_CLOEXEC);
  {
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = listener };

    epoll_ctl (epfd, EPOLL_CTL_ADD, listener, &ev);
  }
  announce (ntohs (addr.sin_port));

  while (!stopping)
    {
      int n = epoll_wait (epfd, events, G_N_ELEMENTS (events), -1);
      int i;

      for (i = 0; i < n; i++)
        {
          int fd = events[i].data.fd;
          gssize got;

          if (fd == listener)
            {
              int client;

              while ((client = accept4 (listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
                {
                  struct epoll_event ev = { .events = EPOLLIN, .data.fd = client };

                  setsockopt (client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                  epoll_ctl (epfd, EPOLL_CTL_ADD, client, &ev);
                }
              continue;
            }
          got = recv (fd, buf, sizeof buf, 0);
          if (got > 0)
            {
              gssize off = 0;

              /* Small messages on loopback: the socket takes them whole. */
              while (off < got)
                {
                  gssize put = send (fd, buf + off, got - off, MSG_NOSIGNAL);

                  if (put < 0 && errno != EAGAIN)
                    break;
                  if (put > 0)
                    off += put;
                }
            }
          else if (got == 0 || errno != EAGAIN)
            {
              epoll_ctl (epfd, EPOLL_CTL_DEL, fd, NULL);
              close (fd);
            }
        }
    }
  return 0;
}

/* -- GIO callbacks -------------------------------------------------------- */

typedef struct
{
  GSocketConnection *connection;
  guint8             buf[65536];
} GioClient;

static void gio_read (GioClient *client);

static void
gio_written (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  GioClient *client = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      g_object_unref (client->connection);
      g_free (client);
      return;
    }
  gio_read (client);
}

static void
gio_got (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  GioClient *client = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      g_object_unref (client->connection);
      g_free (client);
      return;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (client->connection)),
                                   client->buf, n, G_PRIORITY_DEFAULT, NULL, gio_written, client);
}

static void
gio_read (GioClient *client)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (client->connection)),
                             client->buf, sizeof client->buf, G_PRIORITY_DEFAULT, NULL,
                             gio_got, client);
}

static gboolean
gio_incoming (GSocketService    *service,
              GSocketConnection *connection,
              GObject           *source,
              gpointer           data)
{
  GioClient *client = g_new0 (GioClient, 1);

  g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  client->connection = g_object_ref (connection);
  gio_read (client);
  return TRUE;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static int
run_gio (int port)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;

  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error))
    g_error ("listen: %s", error->message);
  g_signal_connect (service, "incoming", G_CALLBACK (gio_incoming), NULL);
  g_unix_signal_add (SIGTERM, quit_loop, loop);
  g_unix_signal_add (SIGINT, quit_loop, loop);
  announce (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_main_loop_run (loop);
  return 0;
}

/* -- aio-glib streams ------------------------------------------------------ */

static void
aio_echo (AioStreamReader *reader,
          AioStreamWriter *writer,
          gpointer         data)
{
  GSocket *socket = G_SOCKET (aio_stream_writer_get_extra_info (writer, "socket"));

  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  for (;;)
    {
      g_autoptr(GBytes) bytes = aio_await_boxed (aio_stream_reader_read (reader, 65536), NULL);

      if (bytes == NULL || g_bytes_get_size (bytes) == 0)
        return;
      if (!aio_stream_writer_write_bytes (writer, bytes, NULL) ||
          !aio_await (aio_stream_writer_drain (writer), NULL))
        return;
    }
}

static gboolean
close_server (gpointer data)
{
  aio_server_close (data);
  aio_server_abort_clients (data);
  return G_SOURCE_REMOVE;
}

static void
aio_main (AioTask  *task,
          gpointer  data)
{
  g_autoptr(AioServer) server = NULL;
  g_autoptr(GError) error = NULL;

  server = aio_await_object (aio_start_server_full (aio_echo, NULL, NULL, "127.0.0.1",
                                                    GPOINTER_TO_INT (data), 1024,
                                                    AIO_SERVER_NONE, NULL), &error);
  if (server == NULL)
    g_error ("listen: %s", error->message);
  g_unix_signal_add (SIGTERM, close_server, server);
  g_unix_signal_add (SIGINT, close_server, server);
  announce (aio_server_get_port (server));
  aio_await (aio_server_serve_forever (server), NULL);
  aio_await (aio_server_wait_closed (server), NULL);
}

static int
run_aio (int port)
{
  g_autoptr(AioTask) task = aio_task_new (aio_main, GINT_TO_POINTER (port), NULL);

  return aio_run (AIO_FUTURE (g_object_ref (task)), NULL) ? 0 : 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *kind = NULL;
  int port = 0;
  GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind, "epoll, gio or aio", "KIND" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port (0: any)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- echo server");
  g_autoptr(GError) error = NULL;
  struct rlimit limit;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || kind == NULL)
    {
      g_printerr ("bench-echo-server: %s\n", error ? error->message : "--kind is required");
      return 2;
    }
  /* For the 10k idle connections run. */
  getrlimit (RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit (RLIMIT_NOFILE, &limit);

  if (g_str_equal (kind, "epoll"))
    return run_epoll (port);
  if (g_str_equal (kind, "gio"))
    return run_gio (port);
  if (g_str_equal (kind, "aio"))
    return run_aio (port);
  g_printerr ("bench-echo-server: unknown --kind %s\n", kind);
  return 2;
}

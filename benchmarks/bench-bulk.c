/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* One large transfer over one loopback TCP connection, between two
 * processes (one per core):
 *
 *   bench-bulk --mode blocking|aio [--mib 1024]
 *
 * blocking: the floor, plain blocking write() and read() of 64 KiB;
 * aio: an AioStreamWriter (write + drain) sending to an AioStreamReader
 * (read (64 KiB)).  Prints the rate in MiB/s, checking the byte count.
 */

#define _GNU_SOURCE  /* sched_setaffinity() */
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <aio-glib.h>

#define BLOCK (64 * 1024)

static gint64 total_bytes;

static void
pin (int cpu)
{
  cpu_set_t set;

  CPU_ZERO (&set);
  CPU_SET (cpu % MAX (1, sysconf (_SC_NPROCESSORS_ONLN)), &set);
  sched_setaffinity (0, sizeof set, &set);
}

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
listen_loopback (guint16 *port)
{
  struct sockaddr_in addr = { 0, };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (fd, 1) < 0)
    g_error ("listen: %s", g_strerror (errno));
  getsockname (fd, (struct sockaddr *) &addr, &len);
  *port = ntohs (addr.sin_port);
  return fd;
}

static int
connect_loopback (guint16 port)
{
  struct sockaddr_in addr = { 0, };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    g_error ("connect: %s", g_strerror (errno));
  return fd;
}

/* -- blocking ------------------------------------------------------------- */

static void
blocking_send (int fd)
{
  static char block[BLOCK];
  gint64 left = total_bytes;

  memset (block, 'x', sizeof block);
  while (left > 0)
    {
      gssize n = write (fd, block, MIN (left, BLOCK));

      if (n < 0)
        g_error ("write: %s", g_strerror (errno));
      left -= n;
    }
  close (fd);
}

static gint64
blocking_receive (int fd)
{
  static char block[BLOCK];
  gint64 got = 0;
  gssize n;

  while ((n = read (fd, block, sizeof block)) > 0)
    got += n;
  close (fd);
  return got;
}

/* -- aio-glib streams ------------------------------------------------------- */

static AioStreamWriter *
streams_for_fd (int fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (fd, &error);
  g_autoptr(GSocketConnection) connection = NULL;
  AioStreamWriter *writer;

  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);
  writer = aio_stream_writer_new_for_connection (G_IO_STREAM (connection), NULL, &error);
  g_assert_no_error (error);
  return writer;
}

static void
aio_send_body (AioTask  *task,
               gpointer  data)
{
  g_autoptr(AioStreamWriter) writer = streams_for_fd (GPOINTER_TO_INT (data));
  static guint8 block[BLOCK];
  gint64 left = total_bytes;

  memset (block, 'x', sizeof block);
  while (left > 0)
    {
      gsize n = MIN (left, BLOCK);

      if (!aio_stream_writer_write (writer, block, n, NULL) ||
          !aio_await (aio_stream_writer_drain (writer), NULL))
        g_error ("write failed");
      left -= n;
    }
  aio_stream_writer_close (writer);
  aio_await (aio_stream_writer_wait_closed (writer), NULL);
}

static gint64 aio_received;

static void
aio_receive_body (AioTask  *task,
                  gpointer  data)
{
  g_autoptr(AioStreamWriter) writer = streams_for_fd (GPOINTER_TO_INT (data));
  AioStreamReader *reader = aio_stream_writer_get_reader (writer);

  for (;;)
    {
      g_autoptr(GBytes) bytes = aio_await_boxed (aio_stream_reader_read (reader, BLOCK), NULL);

      if (bytes == NULL)
        g_error ("read failed");
      if (g_bytes_get_size (bytes) == 0)
        break;
      aio_received += g_bytes_get_size (bytes);
    }
}

static void
run_task (AioTaskFunc func,
          int         fd)
{
  g_autoptr(AioTask) task = aio_task_new (func, GINT_TO_POINTER (fd), NULL);

  aio_run (AIO_FUTURE (g_object_ref (task)), NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *mode = NULL;
  int mib = 1024;
  GOptionEntry entries[] = {
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode, "blocking or aio", "MODE" },
    { "mib", 0, 0, G_OPTION_ARG_INT, &mib, "MiB to move (1024)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- one bulk transfer");
  g_autoptr(GError) error = NULL;
  gboolean use_aio;
  guint16 port;
  int listener, status;
  gint64 start, got;
  pid_t child;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || mode == NULL ||
      (!g_str_equal (mode, "blocking") && !g_str_equal (mode, "aio")) || mib < 1)
    {
      g_printerr ("bench-bulk: --mode blocking|aio [--mib N]\n");
      return 2;
    }
  use_aio = g_str_equal (mode, "aio");
  total_bytes = (gint64) mib * 1024 * 1024;

  listener = listen_loopback (&port);
  child = fork ();
  if (child == 0)
    {
      int fd;

      pin (0);
      close (listener);
      fd = connect_loopback (port);
      if (use_aio)
        run_task (aio_send_body, fd);
      else
        blocking_send (fd);
      _exit (0);
    }

  pin (1);
  {
    int fd = accept (listener, NULL, NULL);

    close (listener);
    start = now_ns ();
    if (use_aio)
      {
        run_task (aio_receive_body, fd);
        got = aio_received;
      }
    else
      got = blocking_receive (fd);
  }
  {
    gdouble seconds = (now_ns () - start) / 1e9;

    waitpid (child, &status, 0);
    if (got != total_bytes || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
      {
        g_printerr ("bench-bulk: moved %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes\n",
                    got, total_bytes);
        return 1;
      }
    printf ("RESULT name=bulk_%s unit=MiB/s value=%.0f seconds=%.3f\n", mode, mib / seconds, seconds);
  }
  return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The load generator of the echo benchmark: one thread, plain epoll, N
 * connections each sending a fixed-size message and waiting for its echo
 * before sending the next (a closed loop).  Prints the request rate, the
 * 50th and 99th percentile latencies, and the server's CPU time per
 * request over the measured window (read from /proc/PID/stat).
 *
 *   bench-echo-load --port P [--connections 50] [--size 64]
 *                   [--seconds 2] [--warmup 0.5] [--idle 0]
 *                   [--server-pid PID] [--cpu 0] [--name echo]
 */

#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#define MAX_LATENCY_US 100000

typedef struct
{
  int     fd;
  gsize   received;
  gint64  sent_at;
} Conn;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* utime + stime of a process, in ns. */
static gint64
process_cpu_ns (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  const char *p;
  unsigned long long utime, stime;
  int field;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  p = strrchr (text, ')');   /* the command name may hold spaces */
  if (p == NULL)
    return -1;
  /* Field 3 follows ")"; utime and stime are fields 14 and 15. */
  for (field = 2; field < 14 && p != NULL; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL || sscanf (p + 1, "%llu %llu", &utime, &stime) != 2)
    return -1;
  return (gint64) (utime + stime) * (1000000000 / sysconf (_SC_CLK_TCK));
}

/* The descriptors a process has open. */
static int
process_fds (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);
  GDir *dir = g_dir_open (path, 0, NULL);
  int n = 0;

  if (dir == NULL)
    return -1;
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}

/* Waits until every idle connection is established, the server has
 * accepted them all (it holds that many descriptors) and has stopped
 * working on them (its CPU time steady over 200 ms), so the measured
 * window sees connections that are open and idle, not a listen queue
 * that overflowed and is still being refilled by SYN retries.
 */
static void
settle_idle (const int *fds,
             int        n,
             int        server_pid)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 before, after;
  int i;

  for (i = 0; i < n; i++)
    {
      struct pollfd pfd = { .fd = fds[i], .events = POLLOUT };
      int soerr = 0;
      socklen_t len = sizeof soerr;

      if (poll (&pfd, 1, 60000) != 1)
        g_error ("idle connection %d did not complete", i);
      getsockopt (fds[i], SOL_SOCKET, SO_ERROR, &soerr, &len);
      if (soerr != 0)
        g_error ("idle connect: %s", g_strerror (soerr));
    }
  if (server_pid <= 0)
    return;
  while (process_fds (server_pid) < n && g_get_monotonic_time () < deadline)
    g_usleep (50000);
  if (process_fds (server_pid) < n)
    g_error ("the server accepted only %d of %d idle connections", process_fds (server_pid), n);
  do
    {
      before = process_cpu_ns (server_pid);
      g_usleep (200000);
      after = process_cpu_ns (server_pid);
    }
  while (after != before && g_get_monotonic_time () < deadline);
}

static int
connect_to (int port)
{
  struct sockaddr_in addr = { 0, };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;

  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0)
    g_error ("socket: %s", g_strerror (errno));
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0 && errno != EINPROGRESS)
    g_error ("connect: %s", g_strerror (errno));
  return fd;
}

static gdouble
percentile (const guint64 *histogram,
            guint64        total,
            gdouble        fraction)
{
  guint64 wanted = (guint64) (total * fraction);
  guint64 seen = 0;
  guint i;

  for (i = 0; i <= MAX_LATENCY_US; i++)
    {
      seen += histogram[i];
      if (seen > wanted)
        return i;
    }
  return MAX_LATENCY_US;
}

int
main (int   argc,
      char *argv[])
{
  int port = 0, connections = 50, size = 64, idle = 0, server_pid = 0, cpu = 0;
  double seconds = 2, warmup = 0.5;
  g_autofree char *name = NULL;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Server port on 127.0.0.1", "P" },
    { "connections", 'c', 0, G_OPTION_ARG_INT, &connections, "Active connections (50)", "N" },
    { "size", 's', 0, G_OPTION_ARG_INT, &size, "Message size (64)", "B" },
    { "seconds", 't', 0, G_OPTION_ARG_DOUBLE, &seconds, "Measured time (2)", "S" },
    { "warmup", 'w', 0, G_OPTION_ARG_DOUBLE, &warmup, "Warm-up time (0.5)", "S" },
    { "idle", 'i', 0, G_OPTION_ARG_INT, &idle, "Idle connections held open (0)", "N" },
    { "server-pid", 0, 0, G_OPTION_ARG_INT, &server_pid, "Server process, for its CPU time", "PID" },
    { "cpu", 0, 0, G_OPTION_ARG_INT, &cpu, "CPU to pin this process to (0; -1: none)", "N" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, "Name of the RESULT line", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- echo load generator");
  g_autoptr(GError) error = NULL;
  g_autofree Conn *conns = NULL;
  g_autofree int *idle_fds = NULL;
  g_autofree guint64 *histogram = NULL;
  g_autofree char *message = NULL;
  char buf[65536];
  struct epoll_event events[256];
  guint64 requests = 0, measured = 0;
  gint64 start, measure_start = 0, deadline, cpu_start = -1, cpu_end;
  gboolean measuring = FALSE;
  int epfd, i;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || port <= 0 ||
      connections < 1 || size < 1 || size > (int) sizeof buf)
    {
      g_printerr ("bench-echo-load: %s\n", error ? error->message : "bad arguments");
      return 2;
    }
  if (name == NULL)
    name = g_strdup ("echo");

  if (cpu >= 0)
    {
      cpu_set_t set;

      CPU_ZERO (&set);
      CPU_SET (cpu, &set);
      sched_setaffinity (0, sizeof set, &set);
    }
  if (idle > 0)
    {
      struct rlimit limit;

      getrlimit (RLIMIT_NOFILE, &limit);
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
      idle_fds = g_new (int, idle);
      for (i = 0; i < idle; i++)
        idle_fds[i] = connect_to (port);
      settle_idle (idle_fds, idle, server_pid);
    }

  message = g_malloc (size);
  memset (message, 'x', size);
  histogram = g_new0 (guint64, MAX_LATENCY_US + 1);
  conns = g_new0 (Conn, connections);
  epfd = epoll_create1 (EPOLL_CLOEXEC);

  for (i = 0; i < connections; i++)
    conns[i].fd = connect_to (port);
  /* Once each is connected, it sends its first message. */
  for (i = 0; i < connections; i++)
    {
      struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
      struct pollfd pfd = { .fd = conns[i].fd, .events = POLLOUT };
      int soerr = 0;
      socklen_t len = sizeof soerr;

      if (poll (&pfd, 1, 10000) != 1)
        g_error ("connection %d did not complete", i);
      getsockopt (conns[i].fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
      if (soerr != 0)
        g_error ("connect: %s", g_strerror (soerr));
      epoll_ctl (epfd, EPOLL_CTL_ADD, conns[i].fd, &ev);
    }
  for (i = 0; i < connections; i++)
    {
      conns[i].sent_at = now_ns ();
      if (send (conns[i].fd, message, size, MSG_NOSIGNAL) != size)
        g_error ("send: %s", g_strerror (errno));
    }

  start = now_ns ();
  deadline = start + (gint64) ((warmup + seconds) * 1e9);
  for (;;)
    {
      gint64 now = now_ns ();
      int n;

      if (!measuring && now >= start + (gint64) (warmup * 1e9))
        {
          measuring = TRUE;
          measure_start = now;
          cpu_start = process_cpu_ns (server_pid);
        }
      if (now >= deadline)
        break;

      n = epoll_wait (epfd, events, G_N_ELEMENTS (events), 1000);
      if (n <= 0)
        g_error ("the server stopped answering");
      for (i = 0; i < n; i++)
        {
          Conn *conn = &conns[events[i].data.u32];
          gssize got = recv (conn->fd, buf, sizeof buf, 0);

          if (got <= 0)
            {
              if (got < 0 && errno == EAGAIN)
                continue;
              g_error ("connection lost: %s", got == 0 ? "closed" : g_strerror (errno));
            }
          conn->received += got;
          if (conn->received < (gsize) size)
            continue;
          if (conn->received > (gsize) size)
            g_error ("more bytes came back than were sent");

          now = now_ns ();
          requests++;
          if (measuring)
            {
              gint64 us = (now - conn->sent_at) / 1000;

              histogram[MIN (us, MAX_LATENCY_US)]++;
              measured++;
            }
          conn->received = 0;
          conn->sent_at = now;
          if (send (conn->fd, message, size, MSG_NOSIGNAL) != size)
            g_error ("send: %s", g_strerror (errno));
        }
    }
  cpu_end = process_cpu_ns (server_pid);

  {
    gdouble elapsed = (now_ns () - measure_start) / 1e9;
    gdouble rate = measured / elapsed;

    printf ("RESULT name=%s unit=req/s value=%.0f p50_us=%.0f p99_us=%.0f requests=%" G_GUINT64_FORMAT,
            name, rate, percentile (histogram, measured, 0.50),
            percentile (histogram, measured, 0.99), measured);
    if (cpu_start >= 0 && cpu_end >= 0 && measured > 0)
      printf (" server_cpu_ns=%.0f", (gdouble) (cpu_end - cpu_start) / measured);
    printf ("\n");
  }

  for (i = 0; i < connections; i++)
    close (conns[i].fd);
  for (i = 0; i < idle; i++)
    close (idle_fds[i]);
  close (epfd);
  return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* A bulk conversation with a child process through two pipes:
 *
 *   bench-subprocess [--mib 256] [--rounds 1]
 *
 * floor: fork/exec `cat` and a plain poll() loop over its stdin and
 * stdout pipes (non-blocking, 64 KiB writes and reads), reading into one
 * fresh buffer of the whole size, as communicate() must hand back all
 * the output (so both pay the page faults of new memory); the
 * "discard" floor reads into one 64 KiB block instead, for reference;
 * aio: aio_subprocess_communicate() of the same bytes through `cat`.
 * Prints MiB/s for each and the ratio aio / floor, checking every byte
 * count.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <aio-glib.h>

#define BLOCK (64 * 1024)

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The floor: returns the seconds one round took. */
static double
run_floor (const guint8 *data,
           gsize         size,
           gboolean      keep)
{
  int in[2], out[2];
  pid_t pid;
  gsize sent = 0, received = 0;
  gint64 start = now_ns ();
  guint8 *buf = g_malloc (keep ? size : BLOCK);
  int status;

  if (pipe2 (in, O_CLOEXEC) < 0 || pipe2 (out, O_CLOEXEC) < 0)
    g_error ("pipe: %s", g_strerror (errno));
  pid = fork ();
  if (pid == 0)
    {
      dup2 (in[0], 0);
      dup2 (out[1], 1);
      execlp ("cat", "cat", NULL);
      _exit (127);
    }
  close (in[0]);
  close (out[1]);
  fcntl (in[1], F_SETFL, O_NONBLOCK);
  fcntl (out[0], F_SETFL, O_NONBLOCK);

  while (received < size)
    {
      struct pollfd fds[2] = { { out[0], POLLIN, 0 }, { in[1], POLLOUT, 0 } };
      nfds_t n = in[1] >= 0 ? 2 : 1;
      ssize_t r;

      if (poll (fds, n, -1) < 0 && errno != EINTR)
        g_error ("poll: %s", g_strerror (errno));
      if (n == 2 && (fds[1].revents & (POLLOUT | POLLERR)))
        {
          r = write (in[1], data + sent, MIN (BLOCK, size - sent));
          if (r > 0)
            sent += r;
          if (sent == size)
            {
              close (in[1]);
              in[1] = -1;
            }
        }
      if (fds[0].revents & (POLLIN | POLLHUP))
        {
          r = read (out[0], keep ? buf + received : buf, keep ? MIN (BLOCK, size - received) : BLOCK);
          if (r == 0)
            break;
          if (r > 0)
            received += r;
        }
    }
  close (out[0]);
  waitpid (pid, &status, 0);
  g_free (buf);
  if (received != size)
    g_error ("floor: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes back", received, size);
  return (now_ns () - start) / 1e9;
}

static double
run_aio (GBytes *input)
{
  const char *argv[] = { "cat", NULL };
  g_autoptr(AioSubprocess) proc = NULL;
  g_autoptr(AioFuture) future = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = now_ns ();

  proc = aio_create_subprocess_exec (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (proc == NULL)
    g_error ("%s", error->message);
  future = aio_subprocess_communicate (proc, input);
  if (!aio_loop_run_until_complete (aio_loop_get_default (), future, &error) ||
      !aio_subprocess_communicate_result (future, &out, NULL, &error))
    g_error ("%s", error->message);
  if (g_bytes_get_size (out) != g_bytes_get_size (input))
    g_error ("aio: %" G_GSIZE_FORMAT " bytes back", g_bytes_get_size (out));
  return (now_ns () - start) / 1e9;
}

int
main (int   argc,
      char *argv[])
{
  gint mib = 256, rounds = 1, i;
  GOptionEntry entries[] = {
    { "mib", 0, 0, G_OPTION_ARG_INT, &mib, "MiB to send through cat", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "rounds (the best is kept)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- communicate() through cat");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  gsize size;
  double best_floor = G_MAXDOUBLE, best_discard = G_MAXDOUBLE, best_aio = G_MAXDOUBLE;
  double floor_rate, discard_rate, aio_rate;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  size = (gsize) mib * 1024 * 1024;
  input = g_bytes_new_take (g_malloc0 (size), size);
  memset ((guint8 *) g_bytes_get_data (input, NULL), 'x', size);

  for (i = 0; i < rounds; i++)
    {
      best_floor = MIN (best_floor, run_floor (g_bytes_get_data (input, NULL), size, TRUE));
      best_discard = MIN (best_discard, run_floor (g_bytes_get_data (input, NULL), size, FALSE));
      best_aio = MIN (best_aio, run_aio (input));
    }
  floor_rate = mib / best_floor;
  discard_rate = mib / best_discard;
  aio_rate = mib / best_aio;
  printf ("floor (poll loop, output kept): %.0f MiB/s\n", floor_rate);
  printf ("floor (poll loop, discarded):   %.0f MiB/s\n", discard_rate);
  printf ("aio communicate:                %.0f MiB/s\n", aio_rate);
  printf ("ratio aio/floor (kept):         %.2f\n", aio_rate / floor_rate);
  printf ("ratio aio/floor (discarded):    %.2f\n", aio_rate / discard_rate);
  printf ("RESULT name=subprocess-communicate unit=MiB/s value=%.0f\n", aio_rate);
  printf ("RESULT name=subprocess-floor unit=MiB/s value=%.0f\n", floor_rate);
  return 0;
}

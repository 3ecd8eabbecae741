/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <aio-glib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "bench-common.h"

/* Readiness: two C coroutine tasks play ping-pong over two pipes.  Each
 * side has a reader registered with `aio_loop_add_reader()` for its end;
 * a hop is one side writing a byte and the other side being woken by its
 * reader callback, which completes the future that side awaits.  Every
 * hop therefore goes through the kernel and the loop's epoll descriptor.
 *
 * The same game is timed with no other descriptor watched and with
 * --idle eventfds registered as readers that never become readable; the
 * rounds alternate between the two so that machine noise hits both alike.
 * With one epoll set per loop the ratio should stay near 1.
 */

#define WARMUP_HOPS 2000

typedef struct
{
  int        read_fd;
  int        peer_write_fd;
  AioFuture *waiting;      /* (unowned) (nullable) what the task awaits */
  gboolean   readable;     /* a byte arrived before the task waited */
  gint64     wakeups;
} Side;

typedef struct
{
  Side     sides[2];
  gint64   hops;           /* hops per side in this round */
  gboolean failed;
} Game;

typedef struct
{
  Game  *game;
  guint  me;
} SideRef;

static void
readable_cb (gpointer user_data)
{
  Side *side = user_data;
  char buf[64];
  ssize_t n;

  /* Level-triggered: consume what is there, or the callback runs again. */
  do
    n = read (side->read_fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);

  side->wakeups++;
  if (side->waiting != NULL)
    aio_future_set_boolean (g_steal_pointer (&side->waiting), TRUE, NULL);
  else
    side->readable = TRUE;
}

static gboolean
wait_readable (Side *side)
{
  g_autoptr(GError) error = NULL;

  if (side->readable)
    {
      side->readable = FALSE;
      return TRUE;
    }
  side->waiting = aio_future_new ();
  if (!aio_await (side->waiting, &error))
    {
      g_printerr ("Waiting for readability failed: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
send_byte (Side *side)
{
  ssize_t n;

  do
    n = write (side->peer_write_fd, "x", 1);
  while (n < 0 && errno == EINTR);
  if (n != 1)
    {
      g_printerr ("write: %s\n", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static void
side_body (AioTask  *task,
           gpointer  user_data)
{
  SideRef *ref = user_data;
  Game *game = ref->game;
  Side *side = &game->sides[ref->me];
  gint64 i;

  /* Side 0 serves; side 1 returns. */
  for (i = 0; i < game->hops && !game->failed; i++)
    {
      if (ref->me == 0 && !send_byte (side))
        game->failed = TRUE;
      else if (!wait_readable (side))
        game->failed = TRUE;
      else if (ref->me == 1 && !send_byte (side))
        game->failed = TRUE;
    }
}

/* Returns FALSE on failure. */
static gboolean
play (Game        *game,
      gint64       hops,
      BenchSample *sample)
{
  SideRef refs[2] = { { game, 0 }, { game, 1 } };
  AioTask *first, *second;
  BenchClock clock;
  gboolean ok;

  game->hops = hops / 2;   /* each iteration is a serve and a return */
  bench_clock_start (&clock);
  first = aio_task_new (side_body, &refs[0], NULL);
  second = aio_task_new (side_body, &refs[1], NULL);
  ok = aio_await (AIO_FUTURE (first), NULL);
  ok = aio_await (AIO_FUTURE (second), NULL) && ok;
  if (!ok || game->failed)
    return FALSE;
  *sample = bench_clock_sample (&clock, game->hops * 2);
  return TRUE;
}

static gint64 idle_wakeups;

static void
idle_readable_cb (gpointer user_data)
{
  idle_wakeups++;
}

static gboolean
watch_idle (AioLoop  *loop,
            int      *fds,
            guint     n_fds,
            GError  **error)
{
  guint i;

  for (i = 0; i < n_fds; i++)
    if (!aio_loop_add_reader (loop, fds[i], idle_readable_cb, NULL, NULL, error))
      return FALSE;
  return TRUE;
}

static void
unwatch_idle (AioLoop *loop,
              int     *fds,
              guint    n_fds)
{
  guint i;

  for (i = 0; i < n_fds; i++)
    aio_loop_remove_reader (loop, fds[i]);
}

typedef struct
{
  BenchOptions options;
  gint         n_idle;
  BenchRounds  base;
  BenchRounds  loaded;
} ReadinessBench;

static gboolean
setup_game (Game     *game,
            AioLoop  *loop,
            GError  **error)
{
  int pipes[2][2];
  guint i;

  for (i = 0; i < 2; i++)
    if (!g_unix_open_pipe (pipes[i], FD_CLOEXEC, error) ||
        !g_unix_set_fd_nonblocking (pipes[i][0], TRUE, error))
      return FALSE;

  /* pipes[i] carries bytes to side i. */
  for (i = 0; i < 2; i++)
    {
      game->sides[i].read_fd = pipes[i][0];
      game->sides[i].peer_write_fd = pipes[1 - i][1];
      if (!aio_loop_add_reader (loop, game->sides[i].read_fd, readable_cb,
                                &game->sides[i], NULL, error))
        return FALSE;
    }
  return TRUE;
}

static void
teardown_game (Game    *game,
               AioLoop *loop)
{
  guint i;

  for (i = 0; i < 2; i++)
    {
      aio_loop_remove_reader (loop, game->sides[i].read_fd);
      close (game->sides[i].read_fd);
      close (game->sides[1 - i].peer_write_fd);
    }
}

static gboolean
run_rounds (ReadinessBench  *bench,
            Game            *game,
            AioLoop         *loop,
            int             *idle_fds,
            GError         **error)
{
  BenchSample base, loaded;
  gint round;

  if (!play (game, WARMUP_HOPS, &base))
    goto failed;

  for (round = 0; round < bench->options.rounds; round++)
    {
      gboolean ok;

      if (!play (game, bench->options.count, &base))
        goto failed;

      if (!watch_idle (loop, idle_fds, bench->n_idle, error))
        return FALSE;
      ok = play (game, WARMUP_HOPS, &loaded) &&
           play (game, bench->options.count, &loaded);
      unwatch_idle (loop, idle_fds, bench->n_idle);
      if (!ok)
        goto failed;

      bench_rounds_add_sample (&bench->base, base);
      bench_rounds_add_sample (&bench->loaded, loaded);
    }
  return TRUE;

failed:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the ping-pong failed");
  return FALSE;
}

static void
main_body (AioTask  *task,
           gpointer  user_data)
{
  ReadinessBench *bench = user_data;
  AioLoop *loop = aio_loop_get_running ();
  Game game = { 0, };
  g_autofree int *idle_fds = g_new (int, MAX (bench->n_idle, 1));
  GError *error = NULL;
  gint i, opened = 0;

  for (i = 0; i < bench->n_idle; i++, opened++)
    {
      idle_fds[i] = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (idle_fds[i] < 0)
        {
          error = g_error_new (G_IO_ERROR, g_io_error_from_errno (errno),
                               "eventfd: %s", g_strerror (errno));
          goto out;
        }
    }

  if (setup_game (&game, loop, &error))
    {
      run_rounds (bench, &game, loop, idle_fds, &error);
      teardown_game (&game, loop);
    }

  if (error == NULL && idle_wakeups != 0)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                         "%" G_GINT64_FORMAT " idle descriptors woke up", idle_wakeups);

out:
  for (i = 0; i < opened; i++)
    close (idle_fds[i]);
  if (error != NULL)
    aio_task_return_error (task, error);
}

int
main (int    argc,
      char **argv)
{
  ReadinessBench bench = { .n_idle = 10000 };
  GOptionEntry entries[] = {
    { "idle", 'i', 0, G_OPTION_ARG_INT, &bench.n_idle,
      "Idle descriptors watched in the loaded rounds", "N" },
    { NULL }
  };
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *loaded_name = NULL;
  gdouble base, loaded;

  bench_init (&argc, &argv, "Pipe ping-pong through aio_loop_add_reader(), "
              "with and without idle descriptors.", 200000, 3, entries, &bench.options);
  if (bench.n_idle < 0)
    {
      g_printerr ("--idle must not be negative\n");
      return 2;
    }
  if (!bench_raise_nofile ((guint64) bench.n_idle + 64, &error))
    {
      g_printerr ("bench-readiness: %s\n", error->message);
      return 1;
    }
  bench_rounds_init (&bench.base);
  bench_rounds_init (&bench.loaded);

  main_task = aio_task_new (main_body, &bench, NULL);
  if (!aio_run (AIO_FUTURE (main_task), &error))
    {
      g_printerr ("bench-readiness: %s\n", error->message);
      return 1;
    }

  loaded_name = g_strdup_printf ("readiness_idle%d", bench.n_idle);
  base = bench_rounds_best (&bench.base);
  loaded = bench_rounds_best (&bench.loaded);
  bench_result_rounds ("readiness_idle0", "ns/hop", &bench.base);
  bench_result_rounds (loaded_name, "ns/hop", &bench.loaded);
  bench_result ("readiness_ratio", "x", loaded / base, "idle=%d", bench.n_idle);

  bench_rounds_clear (&bench.base);
  bench_rounds_clear (&bench.loaded);
  return 0;
}

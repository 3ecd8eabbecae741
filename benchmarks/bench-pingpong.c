/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <aio-glib.h>

#include "bench-common.h"

/* Ping-pong: two C coroutine tasks hand control to each other through
 * futures.  On each hop one side creates a fresh future, publishes it,
 * completes the future the other side published and awaits its own.  The
 * figure is the wall time per hop: completing a future, the loop waking
 * the awaiting task, and two stack switches.
 *
 * The published pointers are borrowed: `aio_await_int()` owns the future
 * while its task waits on it, so nothing here holds an extra reference.
 *
 * For comparison it also times a chain of `aio_loop_call_soon()`
 * callbacks, each scheduling the next: the loop's share of a hop without
 * futures, tasks or stack switches.
 *
 * Last it plays again twice, for what debug mode costs: once with debug
 * mode on for another loop but off for this one (the hooks armed, as in a
 * program where one loop is debugged), then with it on for this loop.
 * Nothing here is slow, so debug mode only times each step.
 */

#define WARMUP_HOPS 10000
#define STOP        (-1)

typedef struct
{
  AioFuture *waiting[2];   /* (unowned) (nullable) what each side awaits */
  gint64     remaining;    /* hops left in this round */
  gboolean   failed;
} PingPong;

typedef struct
{
  PingPong *game;
  guint     me;
} Side;

static void
side_body (AioTask  *task,
           gpointer  user_data)
{
  Side *side = user_data;
  PingPong *game = side->game;
  guint other = 1 - side->me;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      AioFuture *peer = g_steal_pointer (&game->waiting[other]);
      AioFuture *mine;

      if (game->remaining == 0)
        {
          if (peer != NULL)
            aio_future_set_int (peer, STOP, NULL);
          return;
        }

      mine = aio_future_new ();
      game->waiting[side->me] = mine;
      if (peer != NULL)
        {
          if (!aio_future_set_int (peer, 0, &error))
            {
              g_printerr ("Cannot complete the peer's future: %s\n", error->message);
              game->failed = TRUE;
            }
          game->remaining--;
        }

      if (aio_await_int (mine, &error) == STOP)
        return;
      if (error != NULL)
        {
          g_printerr ("Await failed: %s\n", error->message);
          game->failed = TRUE;
          return;
        }
    }
}

static gboolean
play (gint64     hops,
      gpointer   user_data,
      GError   **error)
{
  PingPong game = { { NULL, NULL }, hops, FALSE };
  Side sides[2] = { { &game, 0 }, { &game, 1 } };
  AioTask *first = aio_task_new (side_body, &sides[0], NULL);
  AioTask *second = aio_task_new (side_body, &sides[1], NULL);
  gboolean ok;

  ok = aio_await (AIO_FUTURE (first), NULL);
  ok = aio_await (AIO_FUTURE (second), NULL) && ok;
  return ok && !game.failed && game.remaining == 0;
}

typedef struct
{
  AioLoop   *loop;
  gint64     remaining;
  AioFuture *done;   /* (unowned) the awaiting task owns it */
} CallSoonChain;

static void
call_soon_hop (gpointer user_data)
{
  CallSoonChain *chain = user_data;

  if (--chain->remaining > 0)
    aio_handle_unref (aio_loop_call_soon (chain->loop, call_soon_hop, chain, NULL));
  else
    aio_future_set_boolean (chain->done, TRUE, NULL);
}

/* Returns the time per callback. */
static BenchSample
chain_call_soon (gint64 hops)
{
  CallSoonChain chain = { aio_loop_get_running (), hops, aio_future_new () };
  BenchClock clock;

  bench_clock_start (&clock);
  aio_handle_unref (aio_loop_call_soon (chain.loop, call_soon_hop, &chain, NULL));
  aio_await (chain.done, NULL);
  return bench_clock_sample (&clock, hops);
}

typedef struct
{
  BenchOptions options;
  BenchRounds  rounds;
  BenchRounds  call_soon_rounds;
  BenchRounds  armed_rounds;
  BenchRounds  debug_rounds;
} PingPongBench;

static void
main_body (AioTask  *task,
           gpointer  user_data)
{
  PingPongBench *bench = user_data;
  GError *error = NULL;
  gint round;

  if (!bench_run_rounds (&bench->options, WARMUP_HOPS, play, NULL, &bench->rounds, &error))
    {
      aio_task_return_error (task, error);
      return;
    }

  chain_call_soon (WARMUP_HOPS);
  for (round = 0; round < bench->options.rounds; round++)
    bench_rounds_add_sample (&bench->call_soon_rounds,
                             chain_call_soon (bench->options.count));

  /* Once any loop has been in debug mode, every task step checks its own
   * loop's flag: that is the cost of debug mode when off. */
  {
    g_autoptr(GMainContext) elsewhere = g_main_context_new ();

    aio_loop_set_debug (aio_loop_get_for_context (elsewhere), TRUE);
  }
  if (!bench_run_rounds (&bench->options, WARMUP_HOPS, play, NULL, &bench->armed_rounds, &error))
    {
      aio_task_return_error (task, error);
      return;
    }
  aio_loop_set_debug (aio_loop_get_running (), TRUE);
  if (!bench_run_rounds (&bench->options, WARMUP_HOPS, play, NULL, &bench->debug_rounds, &error))
    aio_task_return_error (task, error);
  aio_loop_set_debug (aio_loop_get_running (), FALSE);
}

int
main (int    argc,
      char **argv)
{
  PingPongBench bench;
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;

  bench_init (&argc, &argv, "Two C coroutine tasks hop through futures.",
              1000000, 3, NULL, &bench.options);
  bench_rounds_init (&bench.rounds);
  bench_rounds_init (&bench.call_soon_rounds);
  bench_rounds_init (&bench.armed_rounds);
  bench_rounds_init (&bench.debug_rounds);

  main_task = aio_task_new (main_body, &bench, NULL);
  if (!aio_run (AIO_FUTURE (main_task), &error))
    {
      g_printerr ("bench-pingpong: %s\n", error->message);
      return 1;
    }

  bench_result_rounds ("ping_pong", "ns/hop", &bench.rounds);
  bench_result_rounds ("call_soon_chain", "ns/callback", &bench.call_soon_rounds);
  bench_result_rounds ("ping_pong_debug_off", "ns/hop", &bench.armed_rounds);
  bench_result_rounds ("ping_pong_debug_on", "ns/hop", &bench.debug_rounds);
  bench_rounds_clear (&bench.rounds);
  bench_rounds_clear (&bench.call_soon_rounds);
  bench_rounds_clear (&bench.armed_rounds);
  bench_rounds_clear (&bench.debug_rounds);
  return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "aio-loop-private.h"
#include "aio-test-utils.h"

/* Direct hand-off: a coroutine that suspends while the only ready item is
 * another coroutine's wake-up switches straight to it.  These tests check
 * that it happens, and that what runs, and in which order, is what the
 * ready ring would have run: FIFO order with callbacks, timers and other
 * GLib sources still served, cancellation delivered, and a task that
 * finishes after a hand-off finishing as usual, and a task's first step
 * handed over to as its wake-ups are.
 */

static guint64
handoffs (void)
{
  return aio_loop_get_default ()->handoffs_total;
}

/* The order in which things ran, as one string. */
static GString *trace;

static void
note (const char *what)
{
  g_string_append (trace, what);
  g_string_append_c (trace, ' ');
}

static void
note_soon (gpointer user_data)
{
  note (user_data);
}

/* Two coroutines hopping through futures. */

typedef struct
{
  AioFuture *waiting[2];   /* (unowned) what each side awaits */
  gint       remaining;
  gint       hops[2];
  gboolean   forever;      /* until stop is set */
  gboolean   stop;
  AioCallback arm;         /* (nullable) called once, at the ARM_AT'th hop */
  AioHandle *timer;        /* (owned) (nullable) what arm set up */
} Game;

#define ARM_AT 100

typedef struct
{
  Game  *game;
  guint  me;
} Side;

static void
side_body (AioTask  *task,
           gpointer  user_data)
{
  Side *side = user_data;
  Game *game = side->game;

  for (;;)
    {
      GError *error = NULL;
      AioFuture *peer = g_steal_pointer (&game->waiting[1 - side->me]);
      AioFuture *mine;
      gint got;

      if ((!game->forever && game->remaining <= 0) || game->stop)
        {
          if (peer != NULL)
            aio_future_set_int (peer, -1, NULL);
          return;
        }
      mine = aio_future_new ();
      game->waiting[side->me] = mine;
      if (peer != NULL)
        {
          g_assert_true (aio_future_set_int (peer, 0, NULL));
          game->remaining--;
        }
      got = aio_await_int (mine, &error);
      g_assert_no_error (error);
      if (got == -1)
        return;
      game->hops[side->me]++;
      if (game->arm != NULL && game->hops[0] + game->hops[1] == ARM_AT)
        game->arm (game);
    }
}

static void
play (Game *game)
{
  Side sides[2] = { { game, 0 }, { game, 1 } };
  AioTask *a = aio_task_new (side_body, &sides[0], NULL);
  AioTask *b = aio_task_new (side_body, &sides[1], NULL);
  GError *error = NULL;

  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (a), &error));
  g_assert_no_error (error);
  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (b), &error));
  g_assert_no_error (error);
  g_object_unref (a);
  g_object_unref (b);
  aio_test_drain (NULL);
}

static void
test_handoff_ping_pong (void)
{
  Game game = { .remaining = 1000 };
  guint64 before = handoffs ();

  play (&game);
  g_assert_cmpint (game.hops[0] + game.hops[1], ==, 1000);
  g_assert_cmpint (ABS (game.hops[0] - game.hops[1]), <=, 1);
  /* Most hops went straight across; the others ended a run of them that
   * reached the budget's count (fewer items a run when they are slow, as
   * under valgrind). */
  g_assert_cmpuint (handoffs () - before, >=, 500);
}

/* A callback queued before the wake-up runs before the woken task; one
 * queued after it runs after, as without hand-offs.
 */

static void
waiter_body (AioTask  *task,
             gpointer  user_data)
{
  AioFuture *gate = user_data;
  GError *error = NULL;

  g_assert_true (aio_await (g_object_ref (gate), &error));
  g_assert_no_error (error);
  note ("woken");
}

typedef struct
{
  AioFuture *gate;
  gboolean   soon_first;
} OrderCase;

static void
waker_body (AioTask  *task,
            gpointer  user_data)
{
  OrderCase *order = user_data;
  GError *error = NULL;

  if (order->soon_first)
    aio_handle_unref (aio_loop_call_soon (aio_loop_get_default (), note_soon, (gpointer) "soon", NULL));
  aio_future_set_boolean (order->gate, TRUE, NULL);
  if (!order->soon_first)
    aio_handle_unref (aio_loop_call_soon (aio_loop_get_default (), note_soon, (gpointer) "soon", NULL));
  note ("waker-suspends");
  g_assert_true (aio_yield (&error));
  note ("waker-back");
}

static void
run_order_case (gboolean    soon_first,
                const char *expected)
{
  OrderCase order = { aio_future_new (), soon_first };
  AioTask *waiter = aio_task_new (waiter_body, order.gate, NULL);
  AioTask *waker;
  GError *error = NULL;

  trace = g_string_new (NULL);
  /* The waiter reaches its await first. */
  aio_test_drain (NULL);
  waker = aio_task_new (waker_body, &order, NULL);
  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (waker), &error));
  g_assert_no_error (error);
  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (waiter), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (trace->str, ==, expected);

  g_string_free (trace, TRUE);
  g_object_unref (waiter);
  g_object_unref (waker);
  g_object_unref (order.gate);
  aio_test_drain (NULL);
}

static void
test_handoff_fifo (void)
{
  run_order_case (TRUE, "waker-suspends soon woken waker-back ");
  run_order_case (FALSE, "waker-suspends woken soon waker-back ");
}

/* Two coroutines that hand over to each other forever do not starve the
 * loop's timers, other tasks' callbacks or the context's other sources.
 */

static void
stop_game (gpointer user_data)
{
  Game *game = user_data;

  note ("timer");
  game->stop = TRUE;
}

static gboolean
idle_ran (gpointer user_data)
{
  gboolean *ran = user_data;

  *ran = TRUE;
  return G_SOURCE_REMOVE;
}

/* Armed from inside the game, so the timer is pending while the hand-offs
 * run, however slowly the machine (or valgrind) makes the first hops. */
static void
arm_stop_timer (gpointer user_data)
{
  Game *game = user_data;

  game->timer = aio_loop_call_later (aio_loop_get_default (), 0.02, stop_game, game, NULL);
}

static void
test_handoff_budget (void)
{
  Game game = { .forever = TRUE, .arm = arm_stop_timer };
  gboolean idle = FALSE;
  gint64 start = g_get_monotonic_time ();

  trace = g_string_new (NULL);
  g_idle_add_full (G_PRIORITY_DEFAULT, idle_ran, &idle, NULL);
  play (&game);

  g_assert_cmpstr (trace->str, ==, "timer ");
  g_assert_true (idle);
  g_assert_nonnull (game.timer);
  g_assert_cmpint (game.hops[0] + game.hops[1], >, ARM_AT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  aio_handle_unref (game.timer);
  g_string_free (trace, TRUE);
}

/* A task cancelled while it waits gets its CancelledError when it is
 * handed over to.
 */

typedef struct
{
  AioTask   *victim;
  AioFuture *never;
  gboolean   victim_cancelled;
} CancelCase;

static void
victim_body (AioTask  *task,
             gpointer  user_data)
{
  CancelCase *cancel = user_data;
  GError *error = NULL;

  g_assert_false (aio_await (g_object_ref (cancel->never), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  cancel->victim_cancelled = TRUE;
  g_error_free (error);
}

static void
canceller_body (AioTask  *task,
                gpointer  user_data)
{
  CancelCase *cancel = user_data;
  GError *error = NULL;
  guint64 before = handoffs ();

  g_assert_true (aio_task_cancel (cancel->victim, "stop"));
  /* The victim's wake-up is the only ready item: this await hands over.
   * The victim handles its cancellation and returns, as in asyncio. */
  g_assert_true (aio_await (g_object_ref (AIO_FUTURE (cancel->victim)), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (handoffs (), >, before);
  g_assert_true (cancel->victim_cancelled);
}

static void
test_handoff_cancel (void)
{
  CancelCase cancel = { NULL, aio_future_new (), FALSE };
  AioTask *canceller;

  cancel.victim = aio_task_new (victim_body, &cancel, NULL);
  aio_test_drain (NULL);
  canceller = aio_test_run_task (canceller_body, &cancel);
  g_assert_true (aio_future_done (AIO_FUTURE (canceller)));
  g_assert_true (aio_future_propagate (AIO_FUTURE (canceller), NULL));
  g_assert_false (aio_future_cancelled (AIO_FUTURE (cancel.victim)));
  g_assert_true (aio_future_cancelled (cancel.never));

  g_object_unref (canceller);
  g_object_unref (cancel.victim);
  g_object_unref (cancel.never);
  aio_test_drain (NULL);
}

/* A task whose body returns after being handed over to finishes, and
 * wakes what awaits it, as a task stepped by the loop does.
 */

static void
returner_body (AioTask  *task,
               gpointer  user_data)
{
  AioFuture *gate = user_data;
  GError *error = NULL;

  g_assert_cmpint (aio_await_int (g_object_ref (gate), &error), ==, 41);
  g_assert_no_error (error);
  aio_task_return_int (task, 42);
}

static void
awaiter_body (AioTask  *task,
              gpointer  user_data)
{
  AioFuture *gate = aio_future_new ();
  AioTask *returner = aio_task_new (returner_body, gate, NULL);
  GError *error = NULL;
  guint64 before;

  g_assert_true (aio_yield (&error));   /* the returner reaches its await */
  before = handoffs ();
  aio_future_set_int (gate, 41, NULL);
  g_assert_cmpint (aio_await_int (g_object_ref (AIO_FUTURE (returner)), &error), ==, 42);
  g_assert_no_error (error);
  g_assert_cmpuint (handoffs (), >, before);
  g_assert_true (aio_future_done (AIO_FUTURE (returner)));

  g_object_unref (returner);
  g_object_unref (gate);
  aio_task_return_int (task, 1);
}

static void
test_handoff_finish (void)
{
  AioTask *task = aio_test_run_task (awaiter_body, NULL);

  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 1);
  g_object_unref (task);
  aio_test_drain (NULL);
}

/* A task's first step is handed over to as well: a parent that awaits
 * the child it just created starts the child's body straight away, in
 * the order the ready ring would have run it, and on the stack size the
 * child asked for.  A child cancelled before it started never runs.
 */

static gsize child_stack;   /* what the next child asked for */

static void
child_body (AioTask  *task,
            gpointer  user_data)
{
  volatile char frame[64 * 1024];   /* more than a page of the stack */

  g_assert_cmpuint (aio_task_get_stack_size (task), ==, child_stack);
  frame[0] = 1;
  frame[sizeof frame - 1] = 2;
  note ("child");
  aio_task_return_int (task, frame[0] + frame[sizeof frame - 1] + GPOINTER_TO_INT (user_data));
}

static void
spawner_body (AioTask  *task,
              gpointer  user_data)
{
  gboolean soon_first = GPOINTER_TO_INT (user_data);
  AioLoop *loop = aio_loop_get_default ();
  AioTask *child;
  GError *error = NULL;
  guint64 before;

  /* Alone in the ring: handed over to. */
  before = handoffs ();
  child = aio_task_new_full (NULL, "child", 256 * 1024, child_body, GINT_TO_POINTER (39), NULL);
  child_stack = aio_task_get_stack_size (child);
  g_assert_cmpuint (child_stack, ==, 256 * 1024);
  g_assert_cmpint (aio_await_int (g_object_ref (AIO_FUTURE (child)), &error), ==, 42);
  g_assert_no_error (error);
  g_assert_cmpuint (handoffs (), >, before);
  g_clear_object (&child);

  /* With a callback beside it: FIFO order, as the ring runs it. */
  if (soon_first)
    aio_handle_unref (aio_loop_call_soon (loop, note_soon, (gpointer) "soon", NULL));
  child = aio_task_new (child_body, NULL, NULL);
  child_stack = aio_task_get_stack_size (child);
  if (!soon_first)
    aio_handle_unref (aio_loop_call_soon (loop, note_soon, (gpointer) "soon", NULL));
  g_assert_cmpint (aio_await_int (g_object_ref (AIO_FUTURE (child)), &error), ==, 3);
  g_assert_no_error (error);
  g_clear_object (&child);
  g_assert_true (aio_yield (&error));   /* whatever is left runs */

  /* Cancelled before its first step: the body never starts. */
  child = aio_task_new (child_body, NULL, NULL);
  g_assert_true (aio_task_cancel (child, "not wanted"));
  g_assert_false (aio_await (g_object_ref (AIO_FUTURE (child)), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (child)));
  g_clear_object (&child);
  note ("parent-done");
}

static void
run_start_case (gboolean    soon_first,
                const char *expected)
{
  AioTask *task;

  trace = g_string_new (NULL);
  task = aio_test_run_task (spawner_body, GINT_TO_POINTER (soon_first));
  g_assert_true (aio_future_propagate (AIO_FUTURE (task), NULL));
  g_assert_cmpstr (trace->str, ==, expected);
  g_string_free (trace, TRUE);
  g_object_unref (task);
  aio_test_drain (NULL);
}

static void
test_handoff_start (void)
{
  run_start_case (TRUE, "child soon child parent-done ");
  run_start_case (FALSE, "child child soon parent-done ");
}

/* Debug mode times each ready item on its own: no hand-offs there. */
static void
test_handoff_not_in_debug_mode (void)
{
  Game game = { .remaining = 200 };
  guint64 before = handoffs ();

  aio_loop_set_debug (aio_loop_get_default (), TRUE);
  play (&game);
  aio_loop_set_debug (aio_loop_get_default (), FALSE);
  g_assert_cmpint (game.hops[0] + game.hops[1], ==, 200);
  g_assert_cmpuint (handoffs (), ==, before);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/aio/handoff/ping-pong", test_handoff_ping_pong);
  g_test_add_func ("/aio/handoff/fifo", test_handoff_fifo);
  g_test_add_func ("/aio/handoff/budget", test_handoff_budget);
  g_test_add_func ("/aio/handoff/cancel", test_handoff_cancel);
  g_test_add_func ("/aio/handoff/finish", test_handoff_finish);
  g_test_add_func ("/aio/handoff/start", test_handoff_start);
  g_test_add_func ("/aio/handoff/not-in-debug-mode", test_handoff_not_in_debug_mode);

  return g_test_run ();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "structured-test-utils.h"

/* AioTimeout: a timeout only when the scope's own deadline caused the
 * cancellation, asyncio's cancelling()/uncancel() bookkeeping, nesting,
 * rescheduling, misuse, stackless tasks and cancellation at each await.
 */

typedef struct
{
  gdouble   delay;          /* of the scope */
  gdouble   body_sleep;     /* what the body awaits */
  gboolean  swallow;        /* the body swallows a cancellation */
  gboolean  suspended;      /* the body has reached its await */
  GError   *error;          /* the scope's outcome */
  gboolean  expired;
  guint     cancelling_before;
  guint     cancelling_after;
  gboolean  later_await_ok; /* an await after the scope was not cancelled */
} ScopeCase;

static void
scope_body (AioTask  *task,
            gpointer  data)
{
  ScopeCase *sc = data;
  g_autoptr(AioTimeout) timeout = NULL;
  AioFuture *sleep = aio_sleep (sc->body_sleep);

  sc->cancelling_before = aio_task_cancelling (task);
  timeout = aio_timeout_new (sc->delay);
  sc->suspended = TRUE;
  if (!aio_await (sleep, &sc->error) && sc->swallow &&
      g_error_matches (sc->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_clear_error (&sc->error);
  aio_timeout_exit (timeout, &sc->error);
  sc->expired = aio_timeout_expired (timeout);
  sc->cancelling_after = aio_task_cancelling (task);
  sc->later_await_ok = aio_await (aio_sleep (0), NULL);
}

static void
test_timeout_expires (void)
{
  ScopeCase sc = { .delay = 0.005, .body_sleep = 10 };
  g_autoptr(AioTask) task = st_run (scope_body, &sc);

  g_assert_error (sc.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (sc.expired);
  /* The deadline's cancellation was withdrawn: the task carries on. */
  g_assert_cmpuint (sc.cancelling_after, ==, sc.cancelling_before);
  g_assert_true (sc.later_await_ok);
  g_assert_false (st_cancelled (task));
  g_clear_error (&sc.error);
}

static void
test_timeout_in_time (void)
{
  ScopeCase sc = { .delay = 5, .body_sleep = 0.001 };
  g_autoptr(AioTask) task = st_run (scope_body, &sc);

  g_assert_no_error (sc.error);
  g_assert_false (sc.expired);
  g_assert_true (sc.later_await_ok);
}

static void
test_timeout_none (void)
{
  ScopeCase sc = { .delay = AIO_TIMEOUT_NONE, .body_sleep = 0.001 };
  g_autoptr(AioTask) task = st_run (scope_body, &sc);

  g_assert_no_error (sc.error);
  g_assert_false (sc.expired);
}

static void
test_timeout_body_swallows (void)
{
  ScopeCase sc = { .delay = 0.002, .body_sleep = 10, .swallow = TRUE };
  g_autoptr(AioTask) task = st_run (scope_body, &sc);

  /* Expired, but the body ended normally: no error, as in asyncio. */
  g_assert_no_error (sc.error);
  g_assert_true (sc.expired);
  g_assert_cmpuint (sc.cancelling_after, ==, 0);
  g_assert_true (sc.later_await_ok);
}

static void
test_timeout_zero_delay (void)
{
  ScopeCase sc = { .delay = 0, .body_sleep = 10 };
  g_autoptr(AioTask) task = st_run (scope_body, &sc);

  g_assert_error (sc.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&sc.error);
}

static void
zero_delay_done_await_body (AioTask  *task,
                            gpointer  data)
{
  g_autoptr(AioTimeout) timeout = aio_timeout_new (0);
  g_autoptr(AioFuture) done = aio_future_new ();
  GError **error = data;

  /* The deadline runs on the next turn: a done await is not cut short. */
  aio_future_set_int (done, 1, NULL);
  aio_await (g_object_ref (done), error);
  aio_timeout_exit (timeout, error);
}

static void
test_timeout_zero_delay_done_await (void)
{
  GError *error = NULL;
  g_autoptr(AioTask) task = st_run (zero_delay_done_await_body, &error);

  g_assert_no_error (error);
}

/* Cancelled from outside while the scope is active: stays a cancel. */
static void
test_timeout_outer_cancel (void)
{
  ScopeCase sc = { .delay = 5, .body_sleep = 10 };
  g_autoptr(AioTask) task = aio_task_new (scope_body, &sc, NULL);

  aio_test_wait_for_flag (&sc.suspended, 5);
  aio_task_cancel (task, "outer");
  st_wait (AIO_FUTURE (task));
  st_settle ();

  g_assert_error (sc.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (sc.error->message, ==, "outer");
  g_assert_false (sc.expired);
  g_assert_cmpuint (sc.cancelling_after, ==, 1);
  g_clear_error (&sc.error);
}

static void
cancel_task_cb (gpointer data)
{
  aio_task_cancel (data, "outer");
}

/* The deadline and an outer cancellation in one turn: the cancel wins. */
static void
test_timeout_outer_cancel_and_deadline (void)
{
  ScopeCase sc = { .delay = 0.05, .body_sleep = 10 };
  g_autoptr(AioTask) task = aio_task_new (scope_body, &sc, NULL);
  g_autoptr(AioHandle) handle = NULL;

  aio_test_wait_for_flag (&sc.suspended, 5);
  /* Whichever runs first, both are due when the loop next looks. */
  handle = aio_loop_call_later (aio_loop_get_default (), 0, cancel_task_cb, task, NULL);
  g_usleep (60000);
  st_wait (AIO_FUTURE (task));
  st_settle ();

  g_assert_true (sc.expired);
  g_assert_error (sc.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sc.cancelling_after, ==, 1);
  g_clear_error (&sc.error);
}

/* asyncio 3.12: a task that was cancelled before and swallowed it still
 * gets its timeout reported, thanks to the count taken on entry.
 */
static void
earlier_cancel_body (AioTask  *task,
                     gpointer  data)
{
  ScopeCase *sc = data;
  GError *error = NULL;

  aio_task_cancel (task, NULL);
  aio_await (aio_sleep (0), &error);   /* swallowed */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (aio_task_cancelling (task), ==, 1);
  scope_body (task, sc);
}

static void
test_timeout_after_swallowed_cancel (void)
{
  ScopeCase sc = { .delay = 0.002, .body_sleep = 10 };
  g_autoptr(AioTask) task = st_run (earlier_cancel_body, &sc);

  g_assert_error (sc.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (sc.cancelling_before, ==, 1);
  g_assert_cmpuint (sc.cancelling_after, ==, 1);
  g_clear_error (&sc.error);
}

/* The deadline and the awaited future's completion in one loop turn. */
typedef struct
{
  AioFuture *awaited;
  gdouble    delay;
  gdouble    when;
  gboolean   suspended;
  gint       value;
  GError    *error;
  gboolean   expired;
} RaceCase;

static void
race_body (AioTask  *task,
           gpointer  data)
{
  RaceCase *rc = data;
  g_autoptr(AioTimeout) timeout = aio_timeout_new (rc->delay);

  rc->when = aio_timeout_get_when (timeout);
  rc->suspended = TRUE;
  rc->value = aio_await_int (g_object_ref (rc->awaited), &rc->error);
  aio_timeout_exit (timeout, &rc->error);
  rc->expired = aio_timeout_expired (timeout);
}

static void
test_timeout_race_completion_first (void)
{
  g_autoptr(AioFuture) awaited = aio_future_new ();
  RaceCase rc = { .awaited = awaited, .delay = 0.05 };
  g_autoptr(AioTask) task = aio_task_new (race_body, &rc, NULL);

  aio_test_wait_for_flag (&rc.suspended, 5);
  /* The task's wake-up is queued before the deadline comes due. */
  aio_future_set_int (awaited, 7, NULL);
  g_usleep (60000);
  st_wait (AIO_FUTURE (task));

  g_assert_no_error (rc.error);
  g_assert_cmpint (rc.value, ==, 7);
  g_assert_false (rc.expired);
}

static void
set_int_cb (gpointer data)
{
  aio_future_set_int (data, 7, NULL);
}

static void
test_timeout_race_deadline_first (void)
{
  g_autoptr(AioFuture) awaited = aio_future_new ();
  RaceCase rc = { .awaited = awaited, .delay = 0.05 };
  g_autoptr(AioTask) task = aio_task_new (race_body, &rc, NULL);
  g_autoptr(AioHandle) handle = NULL;

  aio_test_wait_for_flag (&rc.suspended, 5);
  /* Due just before the deadline, in the same turn: the deadline runs
   * before the task sees its result, and asyncio's cancellation thrown
   * into the await wins, so the scope times out.
   */
  handle = aio_loop_call_at (aio_loop_get_default (),
                             rc.when - 0.0001, set_int_cb, awaited, NULL);
  g_usleep (60000);
  st_wait (AIO_FUTURE (task));

  g_assert_error (rc.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (rc.expired);
  g_assert_true (aio_future_done (awaited));
  g_clear_error (&rc.error);
}

typedef struct
{
  gdouble  outer_delay;
  gdouble  inner_delay;
  gboolean sleep_before;   /* wait so both deadlines are due in one turn */
  GError  *inner_error;
  GError  *outer_error;
  gboolean inner_expired;
  gboolean outer_expired;
} NestedCase;

static void
nested_body (AioTask  *task,
             gpointer  data)
{
  NestedCase *nc = data;
  g_autoptr(AioTimeout) outer = aio_timeout_new (nc->outer_delay);
  g_autoptr(AioTimeout) inner = aio_timeout_new (nc->inner_delay);
  AioFuture *sleep = aio_sleep (10);

  if (nc->sleep_before)
    g_usleep (5000);   /* blocks the loop: both deadlines come due together */
  aio_await (sleep, &nc->inner_error);
  aio_timeout_exit (inner, &nc->inner_error);
  nc->inner_expired = aio_timeout_expired (inner);

  if (nc->inner_error != NULL)
    nc->outer_error = g_error_copy (nc->inner_error);
  aio_timeout_exit (outer, &nc->outer_error);
  nc->outer_expired = aio_timeout_expired (outer);
  g_assert_cmpuint (aio_task_cancelling (task), ==, 0);
}

static void
nested_case_clear (NestedCase *nc)
{
  g_clear_error (&nc->inner_error);
  g_clear_error (&nc->outer_error);
}

static void
test_timeout_nested_inner_fires (void)
{
  NestedCase nc = { .outer_delay = 5, .inner_delay = 0.002 };
  g_autoptr(AioTask) task = st_run (nested_body, &nc);

  g_assert_error (nc.inner_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (nc.inner_expired);
  /* The outer scope passes the inner timeout through. */
  g_assert_error (nc.outer_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_false (nc.outer_expired);
  nested_case_clear (&nc);
}

static void
test_timeout_nested_outer_fires (void)
{
  NestedCase nc = { .outer_delay = 0.002, .inner_delay = 5 };
  g_autoptr(AioTask) task = st_run (nested_body, &nc);

  /* The inner scope's deadline did not pass: the cancellation goes on. */
  g_assert_error (nc.inner_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (nc.inner_expired);
  g_assert_error (nc.outer_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (nc.outer_expired);
  nested_case_clear (&nc);
}

static void
test_timeout_nested_both_fire (void)
{
  NestedCase nc = { .outer_delay = 0.001, .inner_delay = 0.001, .sleep_before = TRUE };
  g_autoptr(AioTask) task = st_run (nested_body, &nc);

  /* Both expired; the inner one sees a second request and lets the
   * cancellation through, the outer one reports the timeout.
   */
  g_assert_true (nc.inner_expired);
  g_assert_true (nc.outer_expired);
  g_assert_error (nc.inner_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (nc.outer_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  nested_case_clear (&nc);
}

typedef struct
{
  GError  *error;
  gboolean expired;
  gdouble  when;
  gdouble  now;
  GError  *late_error;
} RescheduleCase;

static void
reschedule_later_body (AioTask  *task,
                       gpointer  data)
{
  RescheduleCase *rc = data;
  g_autoptr(AioTimeout) timeout = aio_timeout_new (0.002);
  AioLoop *loop = aio_future_get_loop (AIO_FUTURE (task));

  rc->now = aio_loop_time (loop);
  g_assert_true (aio_timeout_reschedule (timeout, rc->now + 10, NULL));
  rc->when = aio_timeout_get_when (timeout);
  aio_await (aio_sleep (0.01), &rc->error);
  aio_timeout_exit (timeout, &rc->error);
  rc->expired = aio_timeout_expired (timeout);
}

static void
test_timeout_reschedule_later (void)
{
  RescheduleCase rc = { 0 };
  g_autoptr(AioTask) task = st_run (reschedule_later_body, &rc);

  g_assert_no_error (rc.error);
  g_assert_false (rc.expired);
  g_assert_cmpfloat (rc.when, ==, rc.now + 10);
}

static void
reschedule_sooner_body (AioTask  *task,
                        gpointer  data)
{
  RescheduleCase *rc = data;
  g_autoptr(AioTimeout) timeout = aio_timeout_new (AIO_TIMEOUT_NONE);
  AioLoop *loop = aio_future_get_loop (AIO_FUTURE (task));

  g_assert_true (isinf (aio_timeout_get_when (timeout)));
  /* A deadline in the past expires on the next turn. */
  g_assert_true (aio_timeout_reschedule (timeout, aio_loop_time (loop) - 1, NULL));
  aio_await (aio_sleep (10), &rc->error);
  rc->expired = aio_timeout_expired (timeout);
  g_assert_false (aio_timeout_reschedule (timeout, AIO_TIMEOUT_NONE, &rc->late_error));
  aio_timeout_exit (timeout, &rc->error);
}

static void
test_timeout_reschedule_sooner (void)
{
  RescheduleCase rc = { 0 };
  g_autoptr(AioTask) task = st_run (reschedule_sooner_body, &rc);

  g_assert_error (rc.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (rc.expired);
  /* Too late to move an expired deadline, as asyncio refuses it. */
  g_assert_error (rc.late_error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&rc.error);
  g_clear_error (&rc.late_error);
}

static void
reschedule_none_body (AioTask  *task,
                      gpointer  data)
{
  RescheduleCase *rc = data;
  g_autoptr(AioTimeout) timeout = aio_timeout_new (0.001);

  g_assert_true (aio_timeout_reschedule (timeout, AIO_TIMEOUT_NONE, NULL));
  aio_await (aio_sleep (0.005), &rc->error);
  aio_timeout_exit (timeout, &rc->error);
  rc->expired = aio_timeout_expired (timeout);
}

static void
test_timeout_reschedule_none (void)
{
  RescheduleCase rc = { 0 };
  g_autoptr(AioTask) task = st_run (reschedule_none_body, &rc);

  g_assert_no_error (rc.error);
  g_assert_false (rc.expired);
}

static void
timeout_at_body (AioTask  *task,
                 gpointer  data)
{
  RescheduleCase *rc = data;
  AioLoop *loop = aio_future_get_loop (AIO_FUTURE (task));
  g_autoptr(AioTimeout) timeout = aio_timeout_new_at (aio_loop_time (loop) + 0.002);

  rc->when = aio_timeout_get_when (timeout);
  aio_await (aio_sleep (10), &rc->error);
  aio_timeout_exit (timeout, &rc->error);
  rc->now = aio_loop_time (loop);
}

static void
test_timeout_at (void)
{
  RescheduleCase rc = { 0 };
  g_autoptr(AioTask) task = st_run (timeout_at_body, &rc);

  g_assert_error (rc.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpfloat (rc.now, >=, rc.when);
  g_clear_error (&rc.error);
}

static void
test_timeout_outside_task (void)
{
  g_autoptr(AioTimeout) timeout = aio_timeout_new (0.001);
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_timeout_reschedule (timeout, 1, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_timeout_exit (timeout, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_assert_false (aio_timeout_expired (timeout));
  g_assert_false (isinf (aio_timeout_get_when (timeout)));
}

static void
exit_twice_body (AioTask  *task,
                 gpointer  data)
{
  GError **error = data;
  g_autoptr(AioTimeout) timeout = aio_timeout_new (5);
  g_autoptr(GError) body_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "body");

  g_assert_true (aio_timeout_exit (timeout, NULL));
  /* With the body's own error passed in, that error is kept. */
  g_assert_false (aio_timeout_exit (timeout, &body_error));
  g_assert_error (body_error, G_IO_ERROR, G_IO_ERROR_FAILED);
  aio_timeout_exit (timeout, error);
}

static void
test_timeout_exit_twice (void)
{
  GError *error = NULL;
  g_autoptr(AioTask) task = st_run (exit_twice_body, &error);

  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
}

typedef struct
{
  AioTimeout *timeout;
  GError     *error;
} ForeignCase;

static void
enter_body (AioTask  *task,
            gpointer  data)
{
  ForeignCase *fc = data;

  fc->timeout = aio_timeout_new (5);
}

static void
foreign_exit_body (AioTask  *task,
                   gpointer  data)
{
  ForeignCase *fc = data;

  aio_timeout_exit_full (fc->timeout, FALSE, &fc->error);
}

static void
test_timeout_exit_from_other_task (void)
{
  ForeignCase fc = { 0 };
  g_autoptr(AioTask) first = st_run (enter_body, &fc);
  g_autoptr(AioTask) second = st_run (foreign_exit_body, &fc);

  g_assert_error (fc.error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&fc.error);
  g_clear_object (&fc.timeout);
}

/* Dropping a timeout without exiting it removes its deadline. */
static void
dropped_body (AioTask  *task,
              gpointer  data)
{
  g_object_unref (aio_timeout_new (0.001));
  *(gboolean *) data = aio_await (aio_sleep (0.005), NULL);
}

static void
test_timeout_dropped (void)
{
  gboolean ok = FALSE;
  g_autoptr(AioTask) task = st_run (dropped_body, &ok);

  g_assert_true (ok);
}

/* A stackless task, as the language bindings run their coroutines. */
typedef struct
{
  AioTimeout *timeout;
  GError     *error;
  gint        steps;
} StacklessCase;

static AioFuture *
stackless_step (AioTask   *task,
                AioFuture *awaited,
                gpointer   user_data)
{
  StacklessCase *sc = user_data;

  sc->steps++;
  if (awaited == NULL)
    {
      sc->timeout = aio_timeout_new (0.002);
      return aio_sleep (10);
    }
  aio_timeout_exit_full (sc->timeout, aio_future_cancelled (awaited), &sc->error);
  return NULL;
}

static void
test_timeout_stackless (void)
{
  StacklessCase sc = { 0 };
  g_autoptr(AioTask) task = aio_task_new_stackless (NULL, NULL, stackless_step, &sc, NULL);

  st_wait (AIO_FUTURE (task));
  g_assert_error (sc.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (aio_timeout_expired (sc.timeout));
  g_assert_cmpuint (aio_task_cancelling (task), ==, 0);
  g_assert_cmpint (sc.steps, ==, 2);
  g_clear_error (&sc.error);
  g_clear_object (&sc.timeout);
}

/* On a thread-default context of its own. */
static void
test_timeout_other_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  ScopeCase sc = { .delay = 0.002, .body_sleep = 10 };
  g_autoptr(AioTask) task = NULL;
  AioLoop *loop;

  g_main_context_push_thread_default (context);
  loop = aio_loop_get_thread_default ();
  task = aio_task_new_full (loop, NULL, 0, scope_body, &sc, NULL);
  aio_loop_run_until_complete (loop, AIO_FUTURE (task), NULL);
  aio_test_drain (context);
  g_main_context_pop_thread_default (context);

  g_assert_error (sc.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&sc.error);
}

/* Cancellation at each await of a body with a scope that does not
 * expire: every outer cancellation must stay a cancellation.
 */
typedef struct
{
  guint    finished;
  GError  *error;
} TimeoutScenario;

static void
timeout_scenario (AioTask  *task,
                  gpointer  data)
{
  TimeoutScenario *ts = data;
  g_autoptr(AioTimeout) outer = aio_timeout_new (10);
  g_autoptr(AioTimeout) inner = NULL;
  GError *error = NULL;

  g_clear_error (&ts->error);
  if (st_await (aio_sleep (0), &error))
    {
      inner = aio_timeout_new (5);
      if (st_await (aio_sleep (0.001), &error))
        st_await (aio_sleep (0), &error);
      aio_timeout_exit (inner, &error);
    }
  if (error == NULL)
    st_await (aio_sleep (0.001), &error);
  aio_timeout_exit (outer, &error);
  ts->finished++;
  if (error != NULL)
    {
      ts->error = g_error_copy (error);
      aio_task_return_error (task, error);
    }
}

static void
timeout_scenario_check (AioTask  *root,
                        guint     cancel_at,
                        gpointer  data)
{
  TimeoutScenario *ts = data;

  if (cancel_at == 0)
    g_assert_no_error (ts->error);
  else
    {
      g_assert_error (ts->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_true (st_cancelled (root));
      g_assert_cmpuint (aio_task_cancelling (root), ==, 1);
    }
  g_clear_error (&ts->error);
}

static void
test_timeout_cancel_at_each_await (void)
{
  TimeoutScenario ts = { 0 };

  g_assert_cmpuint (st_cancel_at_each_await (timeout_scenario, timeout_scenario_check, &ts), ==, 4);
  g_assert_cmpuint (ts.finished, ==, 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/timeout/expires", test_timeout_expires);
  aio_test_add_func ("/aio/timeout/in-time", test_timeout_in_time);
  aio_test_add_func ("/aio/timeout/none", test_timeout_none);
  aio_test_add_func ("/aio/timeout/body-swallows", test_timeout_body_swallows);
  aio_test_add_func ("/aio/timeout/zero-delay", test_timeout_zero_delay);
  aio_test_add_func ("/aio/timeout/zero-delay-done-await", test_timeout_zero_delay_done_await);
  aio_test_add_func ("/aio/timeout/outer-cancel", test_timeout_outer_cancel);
  aio_test_add_func ("/aio/timeout/outer-cancel-and-deadline", test_timeout_outer_cancel_and_deadline);
  aio_test_add_func ("/aio/timeout/after-swallowed-cancel", test_timeout_after_swallowed_cancel);
  aio_test_add_func ("/aio/timeout/race-completion-first", test_timeout_race_completion_first);
  aio_test_add_func ("/aio/timeout/race-deadline-first", test_timeout_race_deadline_first);
  aio_test_add_func ("/aio/timeout/nested-inner-fires", test_timeout_nested_inner_fires);
  aio_test_add_func ("/aio/timeout/nested-outer-fires", test_timeout_nested_outer_fires);
  aio_test_add_func ("/aio/timeout/nested-both-fire", test_timeout_nested_both_fire);
  aio_test_add_func ("/aio/timeout/reschedule-later", test_timeout_reschedule_later);
  aio_test_add_func ("/aio/timeout/reschedule-sooner", test_timeout_reschedule_sooner);
  aio_test_add_func ("/aio/timeout/reschedule-none", test_timeout_reschedule_none);
  aio_test_add_func ("/aio/timeout/at", test_timeout_at);
  aio_test_add_func ("/aio/timeout/outside-task", test_timeout_outside_task);
  aio_test_add_func ("/aio/timeout/exit-twice", test_timeout_exit_twice);
  aio_test_add_func ("/aio/timeout/exit-from-other-task", test_timeout_exit_from_other_task);
  aio_test_add_func ("/aio/timeout/dropped", test_timeout_dropped);
  aio_test_add_func ("/aio/timeout/stackless", test_timeout_stackless);
  aio_test_add_func ("/aio/timeout/other-context", test_timeout_other_context);
  aio_test_add_func ("/aio/timeout/cancel-at-each-await", test_timeout_cancel_at_each_await);

  return g_test_run ();
}

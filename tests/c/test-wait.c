/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "structured-test-utils.h"
#include "aio-future-private.h"

/* aio_wait(), aio_wait_partition() and aio_wait_for(): every return_when,
 * timeouts, never cancelling (wait) and cancelling then waiting
 * (wait_for), timeouts racing completions, and cancellation at each await.
 */

static void
assert_partition (AioFuture * const *futures,
                  guint              n,
                  guint              n_done,
                  guint              n_pending)
{
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  guint i;

  aio_wait_partition (futures, n, &done, &pending);
  g_assert_cmpuint (done->len, ==, n_done);
  g_assert_cmpuint (pending->len, ==, n_pending);
  for (i = 0; i < done->len; i++)
    g_assert_true (aio_future_done (g_ptr_array_index (done, i)));
  for (i = 0; i < pending->len; i++)
    g_assert_false (aio_future_done (g_ptr_array_index (pending, i)));
}

static void
test_wait_all_completed (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_future_new ();
  g_autoptr(AioFuture) c = aio_future_new ();
  g_autoptr(AioFuture) wait = NULL;
  AioFuture *futures[3] = { a, b, c };

  wait = aio_wait (futures, 3, AIO_WAIT_ALL_COMPLETED, AIO_TIMEOUT_NONE);
  aio_future_take_error (b, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "b"), NULL);
  aio_future_cancel (c, NULL);
  aio_test_drain (NULL);
  g_assert_false (aio_future_done (wait));   /* a is still pending */

  aio_future_set_int (a, 1, NULL);
  st_wait (wait);
  g_assert_true (aio_future_propagate (wait, NULL));
  assert_partition (futures, 3, 3, 0);
  g_assert_false (aio_future_propagate (b, NULL));
}

static void
test_wait_first_completed (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_future_new ();
  g_autoptr(AioFuture) wait = NULL;
  AioFuture *futures[2] = { a, b };

  wait = aio_wait (futures, 2, AIO_WAIT_FIRST_COMPLETED, AIO_TIMEOUT_NONE);
  aio_future_set_int (b, 2, NULL);
  st_wait (wait);
  g_assert_true (aio_future_propagate (wait, NULL));
  assert_partition (futures, 2, 1, 1);
  /* Never cancels what is still pending. */
  g_assert_false (aio_future_done (a));
  aio_future_set_int (a, 1, NULL);
}

static void
test_wait_first_exception (void)
{
  g_autoptr(AioFuture) ok = aio_future_new ();
  g_autoptr(AioFuture) cancelled = aio_future_new ();
  g_autoptr(AioFuture) failing = aio_future_new ();
  g_autoptr(AioFuture) pending = aio_future_new ();
  g_autoptr(AioFuture) wait = NULL;
  AioFuture *futures[4] = { ok, cancelled, failing, pending };

  wait = aio_wait (futures, 4, AIO_WAIT_FIRST_EXCEPTION, AIO_TIMEOUT_NONE);
  aio_future_set_int (ok, 1, NULL);
  aio_future_cancel (cancelled, NULL);
  aio_test_drain (NULL);
  /* Neither a result nor a cancellation is an exception. */
  g_assert_false (aio_future_done (wait));

  aio_future_take_error (failing, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x"), NULL);
  st_wait (wait);
  assert_partition (futures, 4, 3, 1);
  aio_future_set_int (pending, 4, NULL);
}

static void
test_wait_first_exception_all_done (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_future_new ();
  g_autoptr(AioFuture) wait = NULL;
  AioFuture *futures[2] = { a, b };

  wait = aio_wait (futures, 2, AIO_WAIT_FIRST_EXCEPTION, AIO_TIMEOUT_NONE);
  aio_future_set_int (a, 1, NULL);
  aio_future_set_int (b, 2, NULL);
  st_wait (wait);
  assert_partition (futures, 2, 2, 0);
}

static void
test_wait_timeout (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_sleep (10);
  g_autoptr(AioFuture) wait = NULL;
  AioFuture *futures[2] = { a, b };
  gint64 start = g_get_monotonic_time ();

  wait = aio_wait (futures, 2, AIO_WAIT_ALL_COMPLETED, 0.02);
  aio_future_set_int (a, 1, NULL);
  st_wait (wait);

  /* The timeout is no error, and nothing was cancelled. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 20000);
  g_assert_true (aio_future_propagate (wait, NULL));
  assert_partition (futures, 2, 1, 1);
  g_assert_false (aio_future_done (b));
  aio_future_cancel (b, NULL);
}

static void
test_wait_zero_timeout (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) wait = NULL;

  wait = aio_wait (&a, 1, AIO_WAIT_ALL_COMPLETED, 0);
  g_assert_false (aio_future_done (wait));   /* on the next turn */
  st_wait (wait);
  g_assert_false (aio_future_done (a));
  aio_future_set_int (a, 1, NULL);
}

static void
test_wait_already_done (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) wait = NULL;

  aio_future_set_int (a, 1, NULL);
  wait = aio_wait (&a, 1, AIO_WAIT_ALL_COMPLETED, 5);
  g_assert_true (aio_future_done (wait));
  g_assert_true (aio_future_propagate (wait, NULL));
}

static void
test_wait_empty (void)
{
  g_autoptr(AioFuture) wait = aio_wait (NULL, 0, AIO_WAIT_ALL_COMPLETED, AIO_TIMEOUT_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_future_propagate (wait, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
}

static void
test_wait_cancelled (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) wait = NULL;
  g_autoptr(GError) error = NULL;

  wait = aio_wait (&a, 1, AIO_WAIT_ALL_COMPLETED, 10);
  g_assert_true (aio_future_cancel (wait, "enough"));
  g_assert_false (aio_future_propagate (wait, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Only the wait ended; its timer and waiter are gone with it. */
  g_assert_false (aio_future_done (a));
  aio_future_set_int (a, 1, NULL);
  aio_test_drain (NULL);
}

static void
test_wait_dropped (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();

  /* Dropping the wait unlinks it from @a and removes its timer. */
  g_object_unref (aio_wait (&a, 1, AIO_WAIT_ALL_COMPLETED, 0.001));
  aio_future_set_int (a, 1, NULL);
  aio_test_drain (NULL);
  g_usleep (2000);
  aio_test_drain (NULL);
}

static void
test_wait_partition_duplicates (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_future_new ();
  AioFuture *futures[4] = { a, b, a, b };
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GPtrArray) pending = NULL;

  aio_future_set_int (b, 1, NULL);
  aio_wait_partition (futures, 4, &done, &pending);
  g_assert_cmpuint (done->len, ==, 1);
  g_assert_true (g_ptr_array_index (done, 0) == b);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_true (g_ptr_array_index (pending, 0) == a);
  aio_wait_partition (futures, 4, NULL, NULL);
  aio_future_set_int (a, 1, NULL);
}

typedef struct
{
  StChild  children[2];
  gboolean any_done_at_resume;
} WaitScenario;

static void
wait_scenario (AioTask  *task,
               gpointer  data)
{
  WaitScenario *ws = data;
  AioTask *tasks[2];
  GError *error = NULL;
  guint i;

  for (i = 0; i < 2; i++)
    {
      ws->children[i].runs = ws->children[i].cleanups = 0;
      tasks[i] = st_child_task (&ws->children[i]);
    }
  ws->any_done_at_resume = FALSE;

  if (st_await (aio_wait ((AioFuture **) tasks, 2, AIO_WAIT_FIRST_COMPLETED, AIO_TIMEOUT_NONE), &error))
    {
      ws->any_done_at_resume = aio_future_done (AIO_FUTURE (tasks[0])) ||
                               aio_future_done (AIO_FUTURE (tasks[1]));
      st_await (aio_wait ((AioFuture **) tasks, 2, AIO_WAIT_ALL_COMPLETED, AIO_TIMEOUT_NONE), &error);
    }
  /* wait() never cancels: the children run on whatever happens here. */
  for (i = 0; i < 2; i++)
    g_object_unref (tasks[i]);
  if (error != NULL)
    aio_task_return_error (task, error);
}

static void
wait_scenario_check (AioTask  *root,
                     guint     cancel_at,
                     gpointer  data)
{
  WaitScenario *ws = data;
  guint i;

  for (i = 0; i < 2; i++)
    {
      g_assert_cmpuint (ws->children[i].cleanups, ==, 1);
      /* Only cancellations at the children's own awaits reach them. */
      g_assert_false (ws->children[i].was_cancelled);
    }
  if (cancel_at == 0)
    {
      g_assert_true (ws->any_done_at_resume);
      g_assert_false (st_cancelled (root));
    }
}

static void
test_wait_cancel_at_each_await (void)
{
  WaitScenario ws = {
    .children = {
      { .value = 1, .delay = 0.001, .n_awaits = 2 },
      { .value = 2, .delay = 0.003, .n_awaits = 1 },
    },
  };

  st_cancel_at_each_await (wait_scenario, wait_scenario_check, &ws);
}

/* wait_for() */

typedef struct
{
  StChild  child;
  gdouble  timeout;
  gint     value;
  GError  *error;
  guint    cleanups_at_resume;
} WaitForCase;

static void
wait_for_body (AioTask  *task,
               gpointer  data)
{
  WaitForCase *wc = data;

  wc->value = aio_await_int (aio_wait_for (AIO_FUTURE (st_child_task (&wc->child)), wc->timeout),
                             &wc->error);
  wc->cleanups_at_resume = wc->child.cleanups;
}

static void
test_wait_for_in_time (void)
{
  WaitForCase wc = { .child = { .value = 5, .delay = 0.001, .n_awaits = 1 }, .timeout = 5 };
  g_autoptr(AioTask) task = st_run (wait_for_body, &wc);

  g_assert_no_error (wc.error);
  g_assert_cmpint (wc.value, ==, 5);
}

static void
test_wait_for_timeout (void)
{
  WaitForCase wc = {
    .child = { .value = 5, .delay = 10, .n_awaits = 1, .slow_cleanup = TRUE },
    .timeout = 0.01,
  };
  g_autoptr(AioTask) task = st_run (wait_for_body, &wc);

  g_assert_error (wc.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  /* The inner task was cancelled and had finished cleaning up first. */
  g_assert_true (wc.child.was_cancelled);
  g_assert_cmpuint (wc.cleanups_at_resume, ==, 1);
  g_assert_false (st_cancelled (task));
  g_clear_error (&wc.error);
}

static void
test_wait_for_inner_swallows (void)
{
  WaitForCase wc = {
    .child = { .value = 9, .delay = 10, .n_awaits = 1, .swallow = TRUE },
    .timeout = 0.005,
  };
  g_autoptr(AioTask) task = st_run (wait_for_body, &wc);

  /* A value despite the deadline, as asyncio's wait_for() returns it. */
  g_assert_no_error (wc.error);
  g_assert_cmpint (wc.value, ==, 9);
  g_assert_true (wc.child.was_cancelled);
}

static void
test_wait_for_inner_fails_on_cancel (void)
{
  WaitForCase wc = {
    .child = { .value = 9, .delay = 10, .n_awaits = 1, .swallow = TRUE, .fail = TRUE },
    .timeout = 0.005,
  };
  g_autoptr(AioTask) task = st_run (wait_for_body, &wc);

  g_assert_error (wc.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&wc.error);
}

static void
test_wait_for_zero_timeout (void)
{
  g_autoptr(AioFuture) done = aio_future_new ();
  g_autoptr(AioFuture) pending = aio_future_new ();
  g_autoptr(AioFuture) result = NULL;
  g_autoptr(GError) error = NULL;

  aio_future_set_int (done, 3, NULL);
  result = aio_wait_for (g_object_ref (done), 0);
  g_assert_true (result == done);   /* done: returned as it is */
  g_clear_object (&result);

  result = aio_wait_for (g_object_ref (pending), 0);
  g_assert_true (aio_future_cancelled (pending));   /* cancelled at once */
  st_wait (result);
  g_assert_false (aio_future_propagate (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void
test_wait_for_no_timeout (void)
{
  AioFuture *future = aio_future_new ();
  AioFuture *result = aio_wait_for (future, AIO_TIMEOUT_NONE);

  g_assert_true (result == future);
  g_object_unref (result);
}

typedef struct
{
  StChild  child;
  gboolean started;
  GError  *error;
  guint    cleanups_at_resume;
} WaitForCancelCase;

static void
wait_for_cancel_body (AioTask  *task,
                      gpointer  data)
{
  WaitForCancelCase *wc = data;
  AioFuture *waiting = aio_wait_for (AIO_FUTURE (st_child_task (&wc->child)), 10);

  wc->started = TRUE;
  if (!aio_await (waiting, &wc->error))
    aio_task_return_error (task, g_error_copy (wc->error));
  wc->cleanups_at_resume = wc->child.cleanups;
}

static void
test_wait_for_outer_cancelled (void)
{
  WaitForCancelCase wc = { .child = { .value = 1, .delay = 10, .n_awaits = 1, .slow_cleanup = TRUE } };
  g_autoptr(AioTask) task = aio_task_new (wait_for_cancel_body, &wc, NULL);

  aio_test_wait_for_flag (&wc.started, 5);
  aio_test_drain (NULL);
  aio_task_cancel (task, "from outside");
  st_wait (AIO_FUTURE (task));

  g_assert_true (st_cancelled (task));
  g_assert_error (wc.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (wc.error->message, ==, "from outside");
  g_assert_cmpuint (wc.cleanups_at_resume, ==, 1);
  g_clear_error (&wc.error);
}

/* Stands for an operation that finishes its cancellation later. */
static gboolean
cancel_later_hook (AioFuture  *future,
                   const char *msg,
                   gpointer    data)
{
  return FALSE;
}

static void
test_wait_for_cancel_after_expiry (void)
{
  g_autoptr(AioFuture) inner = aio_future_new ();
  g_autoptr(AioFuture) outer = NULL;
  g_autoptr(GError) error = NULL;

  /* A future that ignores cancellation until told otherwise. */
  _aio_future_set_cancel_hook (inner, cancel_later_hook, NULL, NULL);
  outer = aio_wait_for (g_object_ref (inner), 0.001);
  g_usleep (2000);
  aio_test_drain (NULL);   /* the deadline passed: inner is asked to stop */
  g_assert_false (aio_future_done (outer));

  /* An outer cancellation as well: that one wins over the timeout. */
  g_assert_true (aio_future_cancel (outer, "both"));
  _aio_future_set_cancel_hook (inner, NULL, NULL, NULL);
  aio_future_cancel (inner, "now");
  st_wait (outer);
  g_assert_true (aio_future_cancelled (outer));
  g_assert_false (aio_future_propagate (outer, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
set_int_cb (gpointer data)
{
  aio_future_set_int (data, 11, NULL);
}

/* The deadline and the completion come due in one loop turn. */
static void
test_wait_for_race_completion_first (void)
{
  g_autoptr(AioFuture) inner = aio_future_new ();
  g_autoptr(AioFuture) outer = NULL;

  outer = aio_wait_for (g_object_ref (inner), 0.001);
  aio_future_set_int (inner, 11, NULL);   /* its waiter is queued first */
  g_usleep (3000);
  st_wait (outer);
  g_assert_cmpint (aio_future_get_int (outer, NULL), ==, 11);
}

static void
test_wait_for_race_deadline_first (void)
{
  g_autoptr(AioFuture) inner = aio_future_new ();
  g_autoptr(AioFuture) outer = NULL;
  g_autoptr(AioHandle) handle = NULL;
  g_autoptr(GError) error = NULL;

  /* The result is set by a timer due just before the deadline, in the
   * same turn: the deadline runs before the completion is seen, finds
   * the inner future done, and still wins, as the cancellation asyncio
   * throws into `await fut` does.
   */
  handle = aio_loop_call_later (aio_loop_get_default (), 0.001, set_int_cb, inner, NULL);
  outer = aio_wait_for (g_object_ref (inner), 0.0015);
  g_usleep (5000);
  st_wait (outer);
  g_assert_true (aio_future_done (inner));
  g_assert_false (aio_future_propagate (outer, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void
test_wait_for_pointer_result (void)
{
  g_autoptr(AioFuture) inner = aio_future_new ();
  g_autoptr(AioFuture) outer = aio_wait_for (g_object_ref (inner), 10);

  aio_future_set_pointer (inner, g_strdup ("owned"), g_free, NULL);
  st_wait (outer);
  g_clear_object (&inner);
  /* The string moved to the outer future, which frees it. */
  g_assert_cmpstr (aio_future_get_pointer (outer, NULL), ==, "owned");
}

typedef struct
{
  StChild child;
  gint    value;
} WaitForScenario;

static void
wait_for_scenario (AioTask  *task,
                   gpointer  data)
{
  WaitForScenario *ws = data;
  GError *error = NULL;

  ws->child.runs = ws->child.cleanups = 0;
  ws->value = 0;
  ws->value = aio_await_int (aio_wait_for (AIO_FUTURE (st_child_task (&ws->child)), 5), &error);
  if (error == NULL)
    st_await (aio_sleep (0), &error);
  if (error != NULL)
    aio_task_return_error (task, error);
}

static void
wait_for_scenario_check (AioTask  *root,
                         guint     cancel_at,
                         gpointer  data)
{
  WaitForScenario *ws = data;

  g_assert_cmpuint (ws->child.runs, ==, 1);
  g_assert_cmpuint (ws->child.cleanups, ==, 1);
  if (cancel_at == 0)
    g_assert_cmpint (ws->value, ==, 4);
  else
    g_assert_true (st_cancelled (root));
}

static void
test_wait_for_cancel_at_each_await (void)
{
  WaitForScenario ws = { .child = { .value = 4, .delay = 0.001, .n_awaits = 3, .slow_cleanup = TRUE } };

  g_assert_cmpuint (st_cancel_at_each_await (wait_for_scenario, wait_for_scenario_check, &ws), ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/wait/all-completed", test_wait_all_completed);
  aio_test_add_func ("/aio/wait/first-completed", test_wait_first_completed);
  aio_test_add_func ("/aio/wait/first-exception", test_wait_first_exception);
  aio_test_add_func ("/aio/wait/first-exception-all-done", test_wait_first_exception_all_done);
  aio_test_add_func ("/aio/wait/timeout", test_wait_timeout);
  aio_test_add_func ("/aio/wait/zero-timeout", test_wait_zero_timeout);
  aio_test_add_func ("/aio/wait/already-done", test_wait_already_done);
  aio_test_add_func ("/aio/wait/empty", test_wait_empty);
  aio_test_add_func ("/aio/wait/cancelled", test_wait_cancelled);
  aio_test_add_func ("/aio/wait/dropped", test_wait_dropped);
  aio_test_add_func ("/aio/wait/partition-duplicates", test_wait_partition_duplicates);
  aio_test_add_func ("/aio/wait/cancel-at-each-await", test_wait_cancel_at_each_await);
  aio_test_add_func ("/aio/wait-for/in-time", test_wait_for_in_time);
  aio_test_add_func ("/aio/wait-for/timeout", test_wait_for_timeout);
  aio_test_add_func ("/aio/wait-for/inner-swallows", test_wait_for_inner_swallows);
  aio_test_add_func ("/aio/wait-for/inner-fails-on-cancel", test_wait_for_inner_fails_on_cancel);
  aio_test_add_func ("/aio/wait-for/zero-timeout", test_wait_for_zero_timeout);
  aio_test_add_func ("/aio/wait-for/no-timeout", test_wait_for_no_timeout);
  aio_test_add_func ("/aio/wait-for/outer-cancelled", test_wait_for_outer_cancelled);
  aio_test_add_func ("/aio/wait-for/cancel-after-expiry", test_wait_for_cancel_after_expiry);
  aio_test_add_func ("/aio/wait-for/race-completion-first", test_wait_for_race_completion_first);
  aio_test_add_func ("/aio/wait-for/race-deadline-first", test_wait_for_race_deadline_first);
  aio_test_add_func ("/aio/wait-for/pointer-result", test_wait_for_pointer_result);
  aio_test_add_func ("/aio/wait-for/cancel-at-each-await", test_wait_for_cancel_at_each_await);

  return g_test_run ();
}

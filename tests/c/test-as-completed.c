/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "structured-test-utils.h"

/* AioAsCompleted: completion order, timeouts, the end of the iteration,
 * waiting calls and their cancellation, and cancellation at each await.
 */

typedef struct
{
  StChild  children[3];
  gdouble  timeout;
  gint     order[3];
  guint    n_results;
  GError  *error;
  GError  *after_error;
} OrderCase;

static void
order_body (AioTask  *task,
            gpointer  data)
{
  OrderCase *oc = data;
  g_autoptr(AioAsCompleted) iter = NULL;
  AioTask *tasks[3];
  guint i;

  for (i = 0; i < 3; i++)
    tasks[i] = st_child_task (&oc->children[i]);
  iter = aio_as_completed ((AioFuture **) tasks, 3, oc->timeout);
  for (i = 0; i < 3; i++)
    g_object_unref (tasks[i]);

  while (aio_as_completed_get_n_remaining (iter) > 0)
    {
      g_autoptr(AioFuture) done = aio_await_object (aio_as_completed_next (iter), &oc->error);

      if (done == NULL)
        break;
      g_assert_true (aio_future_done (done));
      oc->order[oc->n_results++] = aio_future_get_int (done, NULL);
    }
  if (oc->error == NULL)
    aio_await (aio_as_completed_next (iter), &oc->after_error);
}

static void
test_as_completed_order (void)
{
  OrderCase oc = {
    .children = {
      { .value = 1, .delay = 0.02, .n_awaits = 1 },
      { .value = 2, .delay = 0.001, .n_awaits = 1 },
      { .value = 3, .delay = 0.008, .n_awaits = 1 },
    },
    .timeout = AIO_TIMEOUT_NONE,
  };
  g_autoptr(AioTask) task = st_run (order_body, &oc);

  g_assert_no_error (oc.error);
  g_assert_cmpuint (oc.n_results, ==, 3);
  g_assert_cmpint (oc.order[0], ==, 2);
  g_assert_cmpint (oc.order[1], ==, 3);
  g_assert_cmpint (oc.order[2], ==, 1);
  /* asyncio's StopAsyncIteration once all were handed out. */
  g_assert_error (oc.after_error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
  g_clear_error (&oc.after_error);
}

static void
test_as_completed_timeout (void)
{
  OrderCase oc = {
    .children = {
      { .value = 1, .delay = 0.3, .n_awaits = 1 },
      { .value = 2, .delay = 0.001, .n_awaits = 1 },
      { .value = 3, .delay = 0.3, .n_awaits = 1 },
    },
    .timeout = 0.1,
  };
  g_autoptr(AioTask) task = NULL;

  task = st_run (order_body, &oc);
  /* The timeout cancelled nothing: the slow ones ran to their end. */
  g_assert_false (oc.children[0].was_cancelled || oc.children[2].was_cancelled);
  g_assert_cmpuint (oc.children[0].cleanups + oc.children[2].cleanups, ==, 2);
  g_assert_cmpuint (oc.n_results, ==, 1);
  g_assert_cmpint (oc.order[0], ==, 2);
  g_assert_error (oc.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&oc.error);
}

static void
test_as_completed_timeout_leaves_running (void)
{
  g_autoptr(AioFuture) slow = aio_future_new ();
  g_autoptr(AioAsCompleted) iter = aio_as_completed (&slow, 1, 0.002);
  g_autoptr(AioFuture) first = aio_as_completed_next (iter);
  g_autoptr(AioFuture) second = NULL;
  g_autoptr(GError) error = NULL;

  st_wait (first);
  g_assert_false (aio_future_propagate (first, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  /* Never cancels: the future goes on. */
  g_assert_false (aio_future_done (slow));
  g_assert_cmpuint (aio_as_completed_get_n_remaining (iter), ==, 0);

  second = aio_as_completed_next (iter);
  g_assert_false (aio_future_propagate (second, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
  aio_future_set_int (slow, 1, NULL);
}

static void
record_done (AioFuture *future,
             gpointer   user_data)
{
  *(AioFuture **) user_data = g_object_ref (future);
}

static void
test_as_completed_already_done (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_future_new ();
  g_autoptr(AioFuture) c = aio_future_new ();
  AioFuture *futures[4] = { a, b, c, a };
  g_autoptr(AioAsCompleted) iter = NULL;
  AioFuture *expected[3] = { a, c, b };
  guint i;

  aio_future_set_int (c, 3, NULL);
  aio_future_set_int (a, 1, NULL);
  iter = aio_as_completed (futures, 4, AIO_TIMEOUT_NONE);
  /* Duplicates count once. */
  g_assert_cmpuint (aio_as_completed_get_n_remaining (iter), ==, 3);
  aio_future_set_int (b, 2, NULL);

  for (i = 0; i < 3; i++)
    {
      g_autoptr(AioFuture) next = aio_as_completed_next (iter);

      st_wait (next);
      /* Those done at the start come first, in the order given. */
      g_assert_true (aio_future_get_object (next, NULL) == expected[i]);
    }
}

static void
test_as_completed_empty (void)
{
  g_autoptr(AioAsCompleted) iter = aio_as_completed (NULL, 0, 1);
  g_autoptr(AioFuture) next = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (aio_as_completed_get_n_remaining (iter), ==, 0);
  next = aio_as_completed_next (iter);
  g_assert_false (aio_future_propagate (next, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
}

static void
test_as_completed_waiting_calls (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_future_new ();
  AioFuture *futures[2] = { a, b };
  g_autoptr(AioAsCompleted) iter = aio_as_completed (futures, 2, AIO_TIMEOUT_NONE);
  g_autoptr(AioFuture) first = aio_as_completed_next (iter);
  g_autoptr(AioFuture) second = aio_as_completed_next (iter);

  g_assert_cmpuint (aio_as_completed_get_n_remaining (iter), ==, 0);
  aio_future_set_int (b, 2, NULL);
  st_wait (first);
  g_assert_false (aio_future_done (second));
  g_assert_true (aio_future_get_object (first, NULL) == b);
  aio_future_set_int (a, 1, NULL);
  st_wait (second);
  g_assert_true (aio_future_get_object (second, NULL) == a);
}

static void
test_as_completed_cancel_call (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioAsCompleted) iter = aio_as_completed (&a, 1, AIO_TIMEOUT_NONE);
  g_autoptr(AioFuture) first = aio_as_completed_next (iter);
  g_autoptr(AioFuture) again = NULL;

  /* Giving up a call gives its result to the next one. */
  g_assert_true (aio_future_cancel (first, NULL));
  g_assert_cmpuint (aio_as_completed_get_n_remaining (iter), ==, 1);
  aio_future_set_int (a, 1, NULL);
  aio_test_drain (NULL);
  again = aio_as_completed_next (iter);
  st_wait (again);
  g_assert_true (aio_future_get_object (again, NULL) == a);
}

/* A call that is dropped rather than cancelled still takes its result, as
 * a done callback on it must still run.
 */
static void
test_as_completed_drop_call (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioAsCompleted) iter = aio_as_completed (&a, 1, AIO_TIMEOUT_NONE);
  g_autoptr(AioFuture) seen = NULL;
  AioFuture *next = aio_as_completed_next (iter);

  aio_future_add_done_callback (next, record_done, &seen, NULL);
  g_object_unref (next);
  g_assert_cmpuint (aio_as_completed_get_n_remaining (iter), ==, 0);
  aio_future_set_int (a, 1, NULL);
  while (seen == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (aio_future_get_object (seen, NULL) == a);
}

static void
test_as_completed_drop_iterator (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();

  /* The iterator lives on until what it watches is done. */
  g_object_unref (aio_as_completed (&a, 1, 0.001));
  aio_future_set_int (a, 1, NULL);
  aio_test_drain (NULL);
}

static void
test_as_completed_different_loops (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_loop_create_future (aio_loop_get_for_context (context));
  AioFuture *futures[2] = { a, b };
  g_autoptr(AioAsCompleted) iter = aio_as_completed (futures, 2, AIO_TIMEOUT_NONE);
  g_autoptr(AioFuture) next = aio_as_completed_next (iter);
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_future_propagate (next, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
}

typedef struct
{
  StChild children[3];
  guint   n_seen;
} AsCompletedScenario;

static void
as_completed_scenario (AioTask  *task,
                       gpointer  data)
{
  AsCompletedScenario *as = data;
  g_autoptr(AioAsCompleted) iter = NULL;
  AioTask *tasks[3];
  GError *error = NULL;
  guint i;

  as->n_seen = 0;
  for (i = 0; i < 3; i++)
    {
      as->children[i].runs = as->children[i].cleanups = 0;
      tasks[i] = st_child_task (&as->children[i]);
    }
  iter = aio_as_completed ((AioFuture **) tasks, 3, 5);

  while (error == NULL && aio_as_completed_get_n_remaining (iter) > 0)
    {
      AioFuture *next = aio_as_completed_next (iter);

      if (st_await (g_object_ref (next), &error))
        {
          g_assert_true (aio_future_done (aio_future_get_object (next, NULL)));
          as->n_seen++;
          st_await (aio_sleep (0), &error);
        }
      g_object_unref (next);
    }
  if (error != NULL)
    {
      /* Unlike a task group, as_completed leaves the rest running; this
       * body cancels what it started before it goes.
       */
      for (i = 0; i < 3; i++)
        aio_task_cancel (tasks[i], NULL);
      aio_task_return_error (task, error);
    }
  for (i = 0; i < 3; i++)
    g_object_unref (tasks[i]);
}

static void
as_completed_scenario_check (AioTask  *root,
                             guint     cancel_at,
                             gpointer  data)
{
  AsCompletedScenario *as = data;
  guint i;

  if (cancel_at == 0)
    g_assert_cmpuint (as->n_seen, ==, 3);
  else
    g_assert_true (st_cancelled (root));
  for (i = 0; i < 3; i++)
    g_assert_cmpuint (as->children[i].runs, ==, as->children[i].cleanups);
}

static void
test_as_completed_cancel_at_each_await (void)
{
  AsCompletedScenario as = {
    .children = {
      { .value = 1, .delay = 0.002, .n_awaits = 1 },
      { .value = 2, .delay = 0, .n_awaits = 2 },
      { .value = 3, .delay = 0.001, .n_awaits = 1 },
    },
  };

  g_assert_cmpuint (st_cancel_at_each_await (as_completed_scenario, as_completed_scenario_check, &as),
                    ==, 4 + 3 + 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/as-completed/order", test_as_completed_order);
  aio_test_add_func ("/aio/as-completed/timeout", test_as_completed_timeout);
  aio_test_add_func ("/aio/as-completed/timeout-leaves-running", test_as_completed_timeout_leaves_running);
  aio_test_add_func ("/aio/as-completed/already-done", test_as_completed_already_done);
  aio_test_add_func ("/aio/as-completed/empty", test_as_completed_empty);
  aio_test_add_func ("/aio/as-completed/waiting-calls", test_as_completed_waiting_calls);
  aio_test_add_func ("/aio/as-completed/cancel-call", test_as_completed_cancel_call);
  aio_test_add_func ("/aio/as-completed/drop-call", test_as_completed_drop_call);
  aio_test_add_func ("/aio/as-completed/drop-iterator", test_as_completed_drop_iterator);
  aio_test_add_func ("/aio/as-completed/different-loops", test_as_completed_different_loops);
  aio_test_add_func ("/aio/as-completed/cancel-at-each-await", test_as_completed_cancel_at_each_await);

  return g_test_run ();
}

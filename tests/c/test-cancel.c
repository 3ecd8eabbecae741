/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "aio-test-utils.h"

/* Task cancellation, asyncio 3.11+ style: before the start, at an await,
 * during the cleanup that follows, counted and withdrawn, across threads
 * and through awaited tasks.
 */

typedef struct
{
  AioFuture *blocker;        /* (owned) what the body waits on first */
  AioFuture *cleanup;        /* (owned) (nullable) awaited while cleaning up */
  gboolean   waiting;        /* the body is suspended on blocker */
  gboolean   cleaning;       /* the body is suspended on cleanup */
  gboolean   ran;
  gboolean   finished_body;
  gboolean   swallow;        /* end normally after a cancellation */
  GError    *first_error;    /* (owned) what the first await reported */
  GError    *cleanup_error;  /* (owned) what the cleanup await reported */
  guint      cancelling_at_catch;
} Scenario;

static void
scenario_init (Scenario *s)
{
  memset (s, 0, sizeof *s);
  s->blocker = aio_future_new ();
}

static void
scenario_clear (Scenario *s)
{
  g_clear_object (&s->blocker);
  g_clear_object (&s->cleanup);
  g_clear_error (&s->first_error);
  g_clear_error (&s->cleanup_error);
}

/* Waits on the blocker; on cancellation, optionally awaits some cleanup,
 * then either re-raises or swallows the cancellation.
 */
static void
scenario_body (AioTask  *task,
               gpointer  user_data)
{
  Scenario *s = user_data;
  GError *error = NULL;
  gint value;

  s->ran = TRUE;
  s->waiting = TRUE;
  value = aio_await_int (g_object_ref (s->blocker), &error);
  s->waiting = FALSE;

  if (error == NULL)
    {
      s->finished_body = TRUE;
      aio_task_return_int (task, value);
      return;
    }

  s->first_error = g_error_copy (error);
  s->cancelling_at_catch = aio_task_cancelling (task);

  /* Cleanup may await, even after being cancelled. */
  if (s->cleanup != NULL)
    {
      s->cleaning = TRUE;
      if (!aio_await (g_object_ref (s->cleanup), &s->cleanup_error))
        {
          s->cleaning = FALSE;
          aio_task_return_error (task, error);
          return;
        }
      s->cleaning = FALSE;
    }
  g_assert_true (aio_await (aio_sleep (0.001), NULL));
  s->finished_body = TRUE;

  if (s->swallow)
    {
      g_error_free (error);
      aio_task_return_string (task, "swallowed");
    }
  else
    aio_task_return_error (task, error);
}

static void
count_destroy (gpointer user_data)
{
  Scenario *s = user_data;

  /* The body's data is released whether or not the body ran. */
  s->cleanup_error = g_error_new_literal (AIO_ERROR, AIO_ERROR_FAILED, "destroyed");
}

static void
test_cancel_before_start (void)
{
  Scenario s;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  scenario_init (&s);
  task = aio_task_new (scenario_body, &s, count_destroy);
  g_assert_true (aio_task_cancel (task, "too early"));
  g_assert_cmpuint (aio_task_cancelling (task), ==, 1);
  g_assert_false (aio_future_done (AIO_FUTURE (task)));

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "too early");
  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
  g_assert_false (s.ran);
  g_assert_error (s.cleanup_error, AIO_ERROR, AIO_ERROR_FAILED);

  /* Done: further requests are refused. */
  g_assert_false (aio_task_cancel (task, NULL));
  g_assert_false (aio_future_cancel (AIO_FUTURE (task), NULL));
  scenario_clear (&s);
}

static void
test_cancel_during_await (void)
{
  Scenario s;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  scenario_init (&s);
  task = aio_task_new (scenario_body, &s, NULL);
  aio_test_wait_for_flag (&s.waiting, 5);
  g_assert_false (aio_future_done (AIO_FUTURE (task)));

  g_assert_true (aio_task_cancel (task, "stop now"));
  /* The awaited future is cancelled right away; the task ends later. */
  g_assert_true (aio_future_cancelled (s.blocker));
  g_assert_false (aio_future_done (AIO_FUTURE (task)));

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "stop now");
  g_assert_error (s.first_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (s.first_error->message, ==, "stop now");
  g_assert_cmpuint (s.cancelling_at_catch, ==, 1);
  /* The body cleaned up (an await after the cancellation) and then let
   * the cancellation end it.
   */
  g_assert_true (s.finished_body);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
  scenario_clear (&s);
}

static void
test_cancel_swallowed (void)
{
  Scenario s;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  scenario_init (&s);
  s.swallow = TRUE;
  task = aio_task_new (scenario_body, &s, NULL);
  aio_test_wait_for_flag (&s.waiting, 5);
  g_assert_true (aio_task_cancel (task, NULL));

  /* A body that swallows the cancellation finishes normally. */
  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_state (AIO_FUTURE (task)), ==, AIO_FUTURE_FINISHED);
  g_assert_cmpstr (aio_future_get_string (AIO_FUTURE (task), NULL), ==, "swallowed");
  /* The request is still counted until someone withdraws it. */
  g_assert_cmpuint (aio_task_cancelling (task), ==, 1);
  scenario_clear (&s);
}

static void
test_cancel_during_cleanup (void)
{
  Scenario s;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  scenario_init (&s);
  s.cleanup = aio_future_new ();
  task = aio_task_new (scenario_body, &s, NULL);
  aio_test_wait_for_flag (&s.waiting, 5);
  g_assert_true (aio_task_cancel (task, "first"));
  aio_test_wait_for_flag (&s.cleaning, 5);

  /* A second request reaches the await inside the cleanup. */
  g_assert_true (aio_task_cancel (task, "second"));
  g_assert_true (aio_future_cancelled (s.cleanup));
  g_assert_cmpuint (aio_task_cancelling (task), ==, 2);

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (s.first_error->message, ==, "first");
  g_assert_error (s.cleanup_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (s.cleanup_error->message, ==, "second");
  g_assert_false (s.finished_body);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
  scenario_clear (&s);
}

static void
test_cancel_awaited_already_done (void)
{
  Scenario s;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  scenario_init (&s);
  task = aio_task_new (scenario_body, &s, NULL);
  aio_test_wait_for_flag (&s.waiting, 5);

  /* The awaited future finishes, and before the task gets to run again
   * it is cancelled: the await still fails, as in asyncio.
   */
  g_assert_true (aio_future_set_int (s.blocker, 5, NULL));
  g_assert_true (aio_task_cancel (task, "raced"));

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (s.first_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (s.first_error->message, ==, "raced");
  /* The future itself keeps its result. */
  g_assert_cmpint (aio_future_get_int (s.blocker, NULL), ==, 5);
  scenario_clear (&s);
}

/* cancelling() and uncancel(). */

typedef struct
{
  AioFuture *blocker;
  gboolean   waiting;
  guint      counts[4];
  gboolean   second_await_ok;
} Counting;

static void
counting_body (AioTask  *task,
               gpointer  user_data)
{
  Counting *c = user_data;
  GError *error = NULL;

  c->waiting = TRUE;
  g_assert_false (aio_await (g_object_ref (c->blocker), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Three requests arrived while one wake-up was pending: one delivery,
   * three counted.  Withdrawing them all lets the next await through.
   */
  c->counts[0] = aio_task_cancelling (task);
  c->counts[1] = aio_task_uncancel (task);
  c->counts[2] = aio_task_uncancel (task);
  c->counts[3] = aio_task_uncancel (task);
  g_assert_cmpuint (aio_task_uncancel (task), ==, 0);

  c->second_await_ok = aio_await (aio_sleep (0.001), &error);
  g_assert_no_error (error);
  aio_task_return_boolean (task, TRUE);
}

static void
test_cancel_uncancel_counts (void)
{
  g_autoptr(AioFuture) blocker = aio_future_new ();
  Counting c = { blocker, FALSE, { 0, }, FALSE };
  g_autoptr(AioTask) task = aio_task_new (counting_body, &c, NULL);
  g_autoptr(GError) error = NULL;

  aio_test_wait_for_flag (&c.waiting, 5);
  g_assert_true (aio_task_cancel (task, "one"));
  g_assert_true (aio_task_cancel (task, "two"));
  g_assert_true (aio_task_cancel (task, "three"));
  g_assert_cmpuint (aio_task_cancelling (task), ==, 3);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.counts[0], ==, 3);
  g_assert_cmpuint (c.counts[1], ==, 2);
  g_assert_cmpuint (c.counts[2], ==, 1);
  g_assert_cmpuint (c.counts[3], ==, 0);
  g_assert_true (c.second_await_ok);
  g_assert_cmpint (aio_future_get_state (AIO_FUTURE (task)), ==, AIO_FUTURE_FINISHED);
}

static void
test_cancel_uncancel_before_start (void)
{
  Scenario s;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  scenario_init (&s);
  g_assert_true (aio_future_set_int (s.blocker, 11, NULL));
  task = aio_task_new (scenario_body, &s, NULL);

  /* Withdrawn before it was delivered: the body runs after all. */
  g_assert_true (aio_task_cancel (task, NULL));
  g_assert_cmpuint (aio_task_uncancel (task), ==, 0);
  g_assert_cmpuint (aio_task_cancelling (task), ==, 0);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_true (s.ran);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 11);
  scenario_clear (&s);
}

static void
test_cancel_partial_uncancel (void)
{
  Scenario s;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  scenario_init (&s);
  task = aio_task_new (scenario_body, &s, NULL);

  /* Two requests, one withdrawn: one is still pending and delivered. */
  g_assert_true (aio_task_cancel (task, "a"));
  g_assert_true (aio_task_cancel (task, "b"));
  g_assert_cmpuint (aio_task_uncancel (task), ==, 1);

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (s.ran);
  scenario_clear (&s);
}

/* A body cancelling itself is told at its next await that suspends. */

static void
self_cancel_body (AioTask  *task,
                  gpointer  user_data)
{
  g_autoptr(AioFuture) done = aio_future_new ();
  GError *error = NULL;

  g_assert_true (aio_task_cancel (task, "by myself"));
  g_assert_cmpuint (aio_task_cancelling (task), ==, 1);

  /* A future that is already done does not suspend, so the request is
   * not delivered there...
   */
  g_assert_true (aio_future_set_int (done, 1, NULL));
  g_assert_cmpint (aio_await_int (g_object_ref (done), &error), ==, 1);
  g_assert_no_error (error);

  /* ...but at the first real suspension. */
  g_assert_false (aio_await (aio_sleep (3600), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "by myself");
  aio_task_return_error (task, error);
}

static void
test_cancel_self (void)
{
  g_autoptr(AioTask) task = aio_task_new (self_cancel_body, NULL, NULL);
  gdouble start = aio_loop_time (aio_loop_get_default ());

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
  /* The hour-long sleep was cancelled, not waited for. */
  g_assert_cmpfloat (aio_loop_time (aio_loop_get_default ()) - start, <, 60);
}

static void
self_uncancel_body (AioTask  *task,
                    gpointer  user_data)
{
  GError *error = NULL;

  /* Requested while running, so pending for the next await; withdrawn
   * to zero before that await, so never delivered.
   */
  g_assert_true (aio_task_cancel (task, NULL));
  g_assert_true (aio_task_cancel (task, NULL));
  g_assert_cmpuint (aio_task_uncancel (task), ==, 1);
  g_assert_cmpuint (aio_task_uncancel (task), ==, 0);
  g_assert_true (aio_await (aio_sleep (0.001), &error));
  g_assert_no_error (error);

  /* A request that stays is delivered. */
  g_assert_true (aio_task_cancel (task, "kept"));
  g_assert_false (aio_yield (&error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  aio_task_return_int (task, 1);
}

static void
test_cancel_self_uncancel (void)
{
  g_autoptr(AioTask) task = aio_task_new (self_uncancel_body, NULL, NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 1);
  g_assert_cmpuint (aio_task_cancelling (task), ==, 1);
}

static void
raise_cancelled_body (AioTask  *task,
                      gpointer  user_data)
{
  aio_task_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "own"));
}

static void
test_cancel_body_raises (void)
{
  g_autoptr(AioTask) task = aio_task_new (raise_cancelled_body, NULL, NULL);
  g_autoptr(GError) error = NULL;

  /* A cancellation error ending the body ends the task cancelled, with
   * no request made.
   */
  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "own");
  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
  g_assert_cmpuint (aio_task_cancelling (task), ==, 0);
}

/* Cancelling from another thread. */

static gpointer
cancel_thread (gpointer data)
{
  g_assert_true (aio_task_cancel (data, "from afar"));
  return NULL;
}

static void
test_cancel_from_thread (void)
{
  Scenario s;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread;

  scenario_init (&s);
  task = aio_task_new (scenario_body, &s, NULL);
  aio_test_wait_for_flag (&s.waiting, 5);

  thread = g_thread_new ("canceller", cancel_thread, task);
  g_thread_join (thread);
  /* Handed to the loop's thread: nothing happened here yet. */
  g_assert_false (aio_future_done (s.blocker));

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "from afar");
  g_assert_true (aio_future_cancelled (s.blocker));
  g_assert_cmpuint (aio_task_cancelling (task), ==, 1);
  scenario_clear (&s);
}

typedef struct
{
  AioTask *task;
  GMutex   lock;
  GCond    cond;
  gboolean go;
} Racer;

static gpointer
cancel_when_told (gpointer data)
{
  Racer *racer = data;

  g_mutex_lock (&racer->lock);
  while (!racer->go)
    g_cond_wait (&racer->cond, &racer->lock);
  g_mutex_unlock (&racer->lock);
  aio_task_cancel (racer->task, "racing");
  return NULL;
}

static void
busy_until_cancelled (AioTask  *task,
                      gpointer  user_data)
{
  Racer *racer = user_data;
  GError *error = NULL;

  g_mutex_lock (&racer->lock);
  racer->go = TRUE;
  g_cond_signal (&racer->cond);
  g_mutex_unlock (&racer->lock);

  /* The request arrives whenever it arrives; each await may get it. */
  while (aio_yield (&error))
    ;
  aio_task_return_error (task, error);
}

static void
test_cancel_from_thread_while_running (void)
{
  Racer racer = { NULL, };
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_mutex_init (&racer.lock);
  g_cond_init (&racer.cond);
  task = aio_task_new (busy_until_cancelled, &racer, NULL);
  racer.task = task;
  thread = g_thread_new ("racer", cancel_when_told, &racer);

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "racing");
  g_thread_join (thread);
  g_mutex_clear (&racer.lock);
  g_cond_clear (&racer.cond);
}

/* Cancelling a task that awaits a task cancels the inner one too. */

typedef struct
{
  Scenario  inner_scenario;
  AioTask  *inner;
  GError   *outer_error;
} Chain;

static void
outer_body (AioTask  *task,
            gpointer  user_data)
{
  Chain *chain = user_data;
  GError *error = NULL;
  char *result;

  chain->inner = aio_task_new_full (NULL, "inner", 0, scenario_body, &chain->inner_scenario, NULL);
  result = aio_await_string (g_object_ref (AIO_FUTURE (chain->inner)), &error);
  if (error != NULL)
    {
      chain->outer_error = g_error_copy (error);
      aio_task_return_error (task, error);
      return;
    }
  aio_task_return_string (task, result);
  g_free (result);
}

static void
test_cancel_propagates_inner (void)
{
  Chain chain;
  g_autoptr(AioTask) outer = NULL;
  g_autoptr(GError) error = NULL;

  memset (&chain, 0, sizeof chain);
  scenario_init (&chain.inner_scenario);
  outer = aio_task_new_full (NULL, "outer", 0, outer_body, &chain, NULL);
  aio_test_wait_for_flag (&chain.inner_scenario.waiting, 5);

  g_assert_true (aio_task_cancel (outer, "from the top"));
  /* The request went down to the inner task, and on to its await. */
  g_assert_cmpuint (aio_task_cancelling (chain.inner), ==, 1);
  g_assert_true (aio_future_cancelled (chain.inner_scenario.blocker));

  g_assert_false (aio_test_run_future (AIO_FUTURE (outer), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "from the top");
  g_assert_true (aio_future_cancelled (AIO_FUTURE (chain.inner)));
  g_assert_true (chain.inner_scenario.finished_body);
  g_assert_error (chain.outer_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (outer)));

  g_object_unref (chain.inner);
  g_clear_error (&chain.outer_error);
  scenario_clear (&chain.inner_scenario);
}

static void
test_cancel_inner_swallows (void)
{
  Chain chain;
  g_autoptr(AioTask) outer = NULL;
  g_autoptr(GError) error = NULL;

  memset (&chain, 0, sizeof chain);
  scenario_init (&chain.inner_scenario);
  chain.inner_scenario.swallow = TRUE;
  outer = aio_task_new_full (NULL, "outer", 0, outer_body, &chain, NULL);
  aio_test_wait_for_flag (&chain.inner_scenario.waiting, 5);

  /* The request went to the awaited task, which refused it: as in
   * asyncio, the outer await then simply returns the inner result, and
   * the request stays counted on the outer task.
   */
  g_assert_true (aio_task_cancel (outer, "stop"));
  g_assert_true (aio_test_run_future (AIO_FUTURE (outer), &error));
  g_assert_no_error (error);
  g_assert_null (chain.outer_error);
  g_assert_cmpstr (aio_future_get_string (AIO_FUTURE (outer), NULL), ==, "swallowed");
  g_assert_cmpuint (aio_task_cancelling (outer), ==, 1);
  g_assert_cmpint (aio_future_get_state (AIO_FUTURE (chain.inner)), ==, AIO_FUTURE_FINISHED);
  g_assert_cmpuint (aio_task_cancelling (chain.inner), ==, 1);

  g_object_unref (chain.inner);
  g_clear_error (&chain.outer_error);
  scenario_clear (&chain.inner_scenario);
}

static void
test_cancel_done_task (void)
{
  Scenario s;
  g_autoptr(AioTask) task = NULL;

  scenario_init (&s);
  g_assert_true (aio_future_set_int (s.blocker, 1, NULL));
  task = aio_task_new (scenario_body, &s, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));

  g_assert_false (aio_task_cancel (task, NULL));
  g_assert_cmpuint (aio_task_cancelling (task), ==, 0);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 1);
  scenario_clear (&s);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/cancel/before-start", test_cancel_before_start);
  aio_test_add_func ("/aio/cancel/during-await", test_cancel_during_await);
  aio_test_add_func ("/aio/cancel/swallowed", test_cancel_swallowed);
  aio_test_add_func ("/aio/cancel/during-cleanup", test_cancel_during_cleanup);
  aio_test_add_func ("/aio/cancel/awaited-already-done", test_cancel_awaited_already_done);
  aio_test_add_func ("/aio/cancel/uncancel/counts", test_cancel_uncancel_counts);
  aio_test_add_func ("/aio/cancel/uncancel/before-start", test_cancel_uncancel_before_start);
  aio_test_add_func ("/aio/cancel/uncancel/partial", test_cancel_partial_uncancel);
  aio_test_add_func ("/aio/cancel/self", test_cancel_self);
  aio_test_add_func ("/aio/cancel/uncancel/running", test_cancel_self_uncancel);
  aio_test_add_func ("/aio/cancel/body-raises", test_cancel_body_raises);
  aio_test_add_func ("/aio/cancel/thread/waiting", test_cancel_from_thread);
  aio_test_add_func ("/aio/cancel/thread/running", test_cancel_from_thread_while_running);
  aio_test_add_func ("/aio/cancel/propagates-inner", test_cancel_propagates_inner);
  aio_test_add_func ("/aio/cancel/inner-swallows", test_cancel_inner_swallows);
  aio_test_add_func ("/aio/cancel/done-task", test_cancel_done_task);

  return g_test_run ();
}

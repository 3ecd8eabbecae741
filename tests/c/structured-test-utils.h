/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers shared by the structured concurrency tests: running a scenario
 * with a cancellation at each of its awaits in turn, and checking that
 * every object it made was freed.
 *
 * A scenario is a C coroutine body (the root task) that awaits through
 * st_await().  st_cancel_at_each_await() runs it once undisturbed to count
 * its awaits (those of the tasks it starts included), then once more for
 * each of them, cancelling the root task as the k-th await begins: the
 * request is made from the loop right after the awaiting task suspends,
 * so it arrives during that await (or, when the awaited future was
 * already done, at the next one).
 */

#include "config.h"

#if HAVE_VALGRIND
# include <valgrind/valgrind.h>
#endif

#include "aio-test-utils.h"
#include "aio-loop-private.h"

/* How many tasks the "many tasks" tests run at once: 10,000, but 1,000
 * under valgrind, whose list of registered stacks is searched linearly on
 * every stack switch, which makes such a run quadratic in the number of
 * live coroutines.  The native and sanitizer runs cover the full count.
 */
G_GNUC_UNUSED static guint
st_many_tasks (void)
{
#if HAVE_VALGRIND
  if (RUNNING_ON_VALGRIND)
    return 1000;
#endif
  return 10000;
}

typedef struct
{
  AioTask *root;          /* (unowned) the running scenario, or NULL */
  guint    n_awaits;      /* awaits made so far in this run */
  guint    cancel_at;     /* the await to cancel at; 0 for none */
  gboolean cancel_sent;
  gint     n_tracked;     /* tracked objects not finalized yet */
  gboolean variable;      /* the number of awaits depends on timing */
  guint    n_cancelled_runs;
} StPlan;

static StPlan st_plan;

static void
st_cancel_root (gpointer data)
{
  if (st_plan.root != NULL)
    aio_task_cancel (st_plan.root, "st-cancel-point");
}

/* aio_await() that counts, and cancels the root at the planned await. */
G_GNUC_UNUSED static gboolean
st_await (AioFuture  *future,
          GError    **error)
{
  if (++st_plan.n_awaits == st_plan.cancel_at && st_plan.root != NULL)
    {
      AioHandle *handle = aio_loop_call_soon (aio_future_get_loop (future),
                                              st_cancel_root, NULL, NULL);

      aio_handle_unref (handle);
      st_plan.cancel_sent = TRUE;
    }
  return aio_await (future, error);
}

static void
st_tracked_finalized (gpointer  data,
                      GObject  *where_the_object_was)
{
  st_plan.n_tracked--;
}

/* Counts @object as live until it is finalized; returns it. */
G_GNUC_UNUSED static gpointer
st_track (gpointer object)
{
  st_plan.n_tracked++;
  g_object_weak_ref (object, st_tracked_finalized, NULL);
  return object;
}

static gboolean
st_settle_timeout (gpointer data)
{
  g_error ("The loop still had %u tasks after 30 seconds", aio_loop_get_default ()->n_tasks);
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until no task is pending and nothing is
 * ready, so everything that was scheduled has run and let go.
 */
G_GNUC_UNUSED static void
st_settle (void)
{
  AioLoop *loop = aio_loop_get_default ();
  guint id = g_timeout_add_seconds (30, st_settle_timeout, NULL);

  while (loop->n_tasks > 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  aio_test_drain (NULL);
}

/* Checks the outcome of one run; @cancel_at is 0 for the undisturbed run. */
typedef void (*StCheckFunc) (AioTask  *root,
                             guint     cancel_at,
                             gpointer  data);

static void
st_run_once (AioTaskFunc  scenario,
             guint        cancel_at,
             StCheckFunc  check,
             gpointer     data)
{
  AioTask *root;

  st_plan.n_awaits = 0;
  st_plan.cancel_at = cancel_at;
  st_plan.cancel_sent = FALSE;
  st_plan.n_tracked = 0;

  root = aio_task_new_full (aio_loop_get_default (), "st-root", 0, scenario, data, NULL);
  st_plan.root = root;
  aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (root), NULL);
  st_settle ();
  st_plan.root = NULL;

  g_assert_true (aio_future_done (AIO_FUTURE (root)));
  /* A scenario whose awaits depend on timing may end before the k-th:
   * then nothing was cancelled and the run counts as undisturbed.
   */
  if (cancel_at > 0 && !st_plan.cancel_sent)
    {
      g_assert_true (st_plan.variable);
      cancel_at = 0;
    }
  if (cancel_at > 0)
    st_plan.n_cancelled_runs++;
  check (root, cancel_at, data);
  aio_future_propagate (AIO_FUTURE (root), NULL);   /* its error was looked at */
  g_object_unref (root);
  aio_test_drain (NULL);

  if (st_plan.n_tracked != 0)
    g_error ("Cancelling at await %u leaked %d tracked objects", cancel_at, st_plan.n_tracked);
  aio_test_assert_no_tasks (NULL);
}

/* Runs @scenario undisturbed, then cancelled at each of its awaits in
 * turn; returns how many awaits the undisturbed run made.  Set
 * st_plan.variable first for a scenario whose awaits depend on timing.
 */
G_GNUC_UNUSED static guint
st_cancel_at_each_await (AioTaskFunc  scenario,
                         StCheckFunc  check,
                         gpointer     data)
{
  guint n_awaits, k;

  st_plan.n_cancelled_runs = 0;
  st_run_once (scenario, 0, check, data);
  n_awaits = st_plan.n_awaits;
  g_assert_cmpuint (n_awaits, >, 0);

  for (k = 1; k <= n_awaits; k++)
    st_run_once (scenario, k, check, data);
  return n_awaits;
}

/* A root-task outcome: TRUE if it ended cancelled. */
G_GNUC_UNUSED static gboolean
st_cancelled (AioTask *task)
{
  return aio_future_cancelled (AIO_FUTURE (task));
}

/* Runs @func as a task on the default loop to completion and settles. */
G_GNUC_UNUSED static AioTask *
st_run (AioTaskFunc func,
        gpointer    data)
{
  AioTask *task = aio_task_new_full (aio_loop_get_default (), NULL, 0, func, data, NULL);

  aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), NULL);
  st_settle ();
  return task;
}

/* Iterates the default context until @future is done. */
G_GNUC_UNUSED static void
st_wait (AioFuture *future)
{
  aio_loop_run_until_complete (aio_future_get_loop (future), future, NULL);
}

/* A configurable child task body. */
typedef struct
{
  gint     value;          /* the result */
  gdouble  delay;          /* seconds of each await */
  guint    n_awaits;
  gboolean fail;           /* end with G_IO_ERROR_FAILED instead */
  gboolean swallow;        /* finish normally after a cancellation */
  gboolean slow_cleanup;   /* await once more when cancelled */
  guint    runs;           /* bodies started */
  guint    cleanups;       /* bodies that reached their end */
  gboolean was_cancelled;
} StChild;

static void
st_child_body (AioTask  *task,
               gpointer  data)
{
  StChild *child = data;
  GError *error = NULL;
  guint i;

  child->runs++;
  for (i = 0; i < child->n_awaits && error == NULL; i++)
    st_await (aio_sleep (child->delay), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      child->was_cancelled = TRUE;
      if (child->slow_cleanup)
        {
          GError *cleanup_error = NULL;

          /* Cleaning up takes a while; the waiter must wait for it. */
          aio_await (aio_sleep (0.002), &cleanup_error);
          g_clear_error (&cleanup_error);
        }
      if (child->swallow)
        g_clear_error (&error);
    }

  child->cleanups++;
  if (error != NULL)
    aio_task_return_error (task, error);
  else if (child->fail)
    aio_task_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                              "child %d failed", child->value));
  else
    aio_task_return_int (task, child->value);
}

/* A tracked task running st_child_body() on the default loop. */
G_GNUC_UNUSED static AioTask *
st_child_task (StChild *child)
{
  g_autofree char *name = g_strdup_printf ("child-%d", child->value);

  return st_track (aio_task_new_full (aio_loop_get_default (), name, 0,
                                      st_child_body, child, NULL));
}

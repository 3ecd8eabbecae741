/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

/* AioLock: fairness, cancellation at every await point, guards, many
 * waiters, other threads and other contexts.
 */

static void
test_lock_basic (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  g_autoptr(AioFuture) first = NULL;
  g_autoptr(AioFuture) second = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_lock_locked (lock));
  first = aio_lock_acquire (lock);
  g_assert_true (aio_future_done (first));
  g_assert_true (aio_future_get_boolean (first, NULL));
  g_assert_true (aio_lock_locked (lock));

  second = aio_lock_acquire (lock);
  g_assert_false (aio_future_done (second));

  g_assert_true (aio_lock_release (lock, &error));
  g_assert_no_error (error);
  /* Handed straight over: still locked, for the waiter. */
  g_assert_true (aio_future_done (second));
  g_assert_true (aio_lock_locked (lock));

  g_assert_true (aio_lock_release (lock, &error));
  g_assert_false (aio_lock_locked (lock));

  g_assert_false (aio_lock_release (lock, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  aio_test_drain (NULL);
}

/* Tasks taking turns in the order they asked. */

typedef struct
{
  AioLock *lock;
  GArray  *order;
  guint    id;
} Contender;

static void
contender_body (AioTask  *task,
                gpointer  user_data)
{
  Contender *c = user_data;
  GError *error = NULL;

  if (!aio_await (aio_lock_acquire (c->lock), &error))
    {
      aio_task_return_error (task, error);
      return;
    }
  g_array_append_val (c->order, c->id);
  /* Hold the lock across suspensions so the others really queue up. */
  g_assert_true (aio_yield (&error));
  g_assert_true (aio_yield (&error));
  g_assert_true (aio_lock_release (c->lock, &error));
  g_assert_no_error (error);
}

static void
test_lock_fifo (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  Contender contenders[8];
  AioTask *tasks[8];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      contenders[i] = (Contender) { lock, order, i };
      tasks[i] = aio_task_new (contender_body, &contenders[i], NULL);
    }
  for (i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_assert_true (aio_test_run_future (AIO_FUTURE (tasks[i]), NULL));
      g_object_unref (tasks[i]);
    }

  g_assert_cmpuint (order->len, ==, G_N_ELEMENTS (tasks));
  for (i = 0; i < order->len; i++)
    g_assert_cmpuint (g_array_index (order, guint, i), ==, i);
  g_assert_false (aio_lock_locked (lock));
}

/* Cancellation while waiting: the waiter leaves, the lock is not
 * stranded, and the task may clean up and go on.
 */

static void
cancelled_waiter_body (AioTask  *task,
                       gpointer  user_data)
{
  AioLock *lock = user_data;
  GError *error = NULL;

  g_assert_false (aio_await (aio_lock_acquire (lock), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  aio_task_return_error (task, error);
}

static void
test_lock_cancel_waiting (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  g_autoptr(AioFuture) held = aio_lock_acquire (lock);
  g_autoptr(AioTask) waiter = aio_task_new (cancelled_waiter_body, lock, NULL);
  g_autoptr(AioFuture) later = NULL;
  g_autoptr(GError) error = NULL;

  /* Let the waiter queue up, then cancel it while it waits. */
  aio_test_drain (NULL);
  g_assert_false (aio_future_done (AIO_FUTURE (waiter)));
  g_assert_true (aio_task_cancel (waiter, "stop waiting"));
  g_assert_false (aio_test_run_future (AIO_FUTURE (waiter), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (waiter)));

  /* The release finds nobody waiting: the lock is free again. */
  g_assert_true (aio_lock_release (lock, NULL));
  g_assert_false (aio_lock_locked (lock));
  later = aio_lock_acquire (lock);
  g_assert_true (aio_future_done (later));
  g_assert_true (aio_lock_release (lock, NULL));
}

/* Cancellation requested before the task reaches the await: it arrives
 * at the acquire, whichever state the lock is in; and a task cancelled
 * before it starts never asks at all.
 */

static void
cancel_self_then_acquire (AioTask  *task,
                          gpointer  user_data)
{
  AioLock *lock = user_data;
  GError *error = NULL;

  aio_task_cancel (task, NULL);
  if (!aio_await (aio_lock_acquire (lock), &error))
    {
      aio_task_return_error (task, error);
      return;
    }
  /* The lock was free: a done future does not suspend, so asyncio
   * delivers the cancellation at the next real await, and so do we.
   */
  g_assert_true (aio_lock_release (lock, NULL));
  g_assert_false (aio_yield (&error));
  aio_task_return_error (task, error);
}

static void
never_runs (AioTask  *task,
            gpointer  user_data)
{
  g_assert_not_reached ();
}

static void
test_lock_cancel_before (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  g_autoptr(AioTask) free_case = aio_task_new (cancel_self_then_acquire, lock, NULL);
  g_autoptr(AioTask) held_case = NULL;
  g_autoptr(AioTask) unstarted = NULL;
  g_autoptr(AioFuture) held = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_test_run_future (AIO_FUTURE (free_case), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (aio_lock_locked (lock));

  held = aio_lock_acquire (lock);
  held_case = aio_task_new (cancel_self_then_acquire, lock, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (held_case), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  unstarted = aio_task_new (never_runs, lock, NULL);
  aio_task_cancel (unstarted, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (unstarted), &error));
  g_assert_true (aio_future_cancelled (AIO_FUTURE (unstarted)));

  g_assert_true (aio_lock_release (lock, NULL));
  g_assert_false (aio_lock_locked (lock));
}

/* Cancelled after the lock was handed over but before the waiter
 * resumed: its await fails, and the lock goes on to the next waiter.
 */

typedef struct
{
  AioLock *lock;
  AioTask *victim;
  GArray  *order;
} HandOff;

static void
recording_waiter (AioTask  *task,
                  gpointer  user_data)
{
  HandOff *h = user_data;
  GError *error = NULL;
  guint me = aio_task_get_name (task)[0] == 'v' ? 1 : 2;

  if (!aio_await (aio_lock_acquire (h->lock), &error))
    {
      g_array_append_val (h->order, me);   /* recorded as a failure below */
      aio_task_return_error (task, error);
      return;
    }
  me += 10;
  g_array_append_val (h->order, me);
  g_assert_true (aio_lock_release (h->lock, &error));
}

static void
release_and_cancel (AioTask  *task,
                    gpointer  user_data)
{
  HandOff *h = user_data;
  GError *error = NULL;

  /* Both waiters are queued, the victim first. */
  g_assert_true (aio_yield (&error));
  g_assert_true (aio_lock_release (h->lock, &error));
  g_assert_true (aio_lock_locked (h->lock));
  aio_task_cancel (h->victim, "too late");
}

static void
test_lock_cancel_after_grant (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(AioFuture) held = aio_lock_acquire (lock);
  HandOff h = { lock, NULL, order };
  g_autoptr(AioTask) victim = aio_task_new_full (NULL, "victim", 0, recording_waiter, &h, NULL);
  g_autoptr(AioTask) next = aio_task_new_full (NULL, "next", 0, recording_waiter, &h, NULL);
  g_autoptr(AioTask) releaser = NULL;
  g_autoptr(GError) error = NULL;

  h.victim = victim;
  aio_test_drain (NULL);
  releaser = aio_task_new (release_and_cancel, &h, NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (releaser), NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (next), NULL));
  g_assert_false (aio_test_run_future (AIO_FUTURE (victim), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The victim failed; the next waiter got the lock and released it. */
  g_assert_cmpuint (order->len, ==, 2);
  g_assert_cmpuint (g_array_index (order, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (order, guint, 1), ==, 12);
  g_assert_false (aio_lock_locked (lock));
}

/* The same from a stackless task, the form language bindings use. */

typedef struct
{
  AioLock *lock;
  guint    steps;
  gboolean got_lock;
  gboolean cancelled;
} StacklessState;

static AioFuture *
stackless_acquire_step (AioTask   *task,
                        AioFuture *awaited,
                        gpointer   user_data)
{
  StacklessState *s = user_data;

  s->steps++;
  if (awaited == NULL)
    return aio_lock_acquire (s->lock);
  if (aio_future_cancelled (awaited))
    {
      s->cancelled = TRUE;
      aio_task_return_error (task, aio_future_dup_error (awaited));
      return NULL;
    }
  s->got_lock = TRUE;
  g_assert_true (aio_lock_release (s->lock, NULL));
  return NULL;
}

static void
test_lock_stackless (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  g_autoptr(AioFuture) held = aio_lock_acquire (lock);
  StacklessState victim_state = { lock, 0, FALSE, FALSE };
  StacklessState next_state = { lock, 0, FALSE, FALSE };
  g_autoptr(AioTask) victim = aio_task_new_stackless (NULL, NULL, stackless_acquire_step,
                                                      &victim_state, NULL);
  g_autoptr(AioTask) next = aio_task_new_stackless (NULL, NULL, stackless_acquire_step,
                                                    &next_state, NULL);
  g_autoptr(GError) error = NULL;

  aio_test_drain (NULL);
  g_assert_cmpuint (victim_state.steps, ==, 1);

  /* Granted, then cancelled before the step runs. */
  g_assert_true (aio_lock_release (lock, NULL));
  aio_task_cancel (victim, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (victim), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (aio_test_run_future (AIO_FUTURE (next), NULL));

  g_assert_true (victim_state.cancelled);
  g_assert_false (victim_state.got_lock);
  g_assert_true (next_state.got_lock);
  g_assert_false (aio_lock_locked (lock));
}

/* A stackless task cancelled during its own step, returning an acquire
 * that succeeded at once: the core delivers the cancellation in place of
 * that future, so the lock must come back.
 */

static AioFuture *
cancelled_in_step (AioTask   *task,
                   AioFuture *awaited,
                   gpointer   user_data)
{
  StacklessState *s = user_data;

  s->steps++;
  if (awaited == NULL)
    {
      aio_task_cancel (task, NULL);
      return aio_lock_acquire (s->lock);
    }
  s->cancelled = aio_future_cancelled (awaited);
  aio_task_return_error (task, aio_future_dup_error (awaited));
  return NULL;
}

static void
test_lock_stackless_cancelled_at_done (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  StacklessState state = { lock, 0, FALSE, FALSE };
  g_autoptr(AioTask) task = aio_task_new_stackless (NULL, NULL, cancelled_in_step, &state, NULL);

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_cmpuint (state.steps, ==, 2);
  g_assert_true (state.cancelled);
  g_assert_false (aio_lock_locked (lock));
}

/* The scoped form. */

static void
guarded_body (AioTask  *task,
              gpointer  user_data)
{
  AioLock *lock = user_data;
  GError *error = NULL;

  {
    g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (lock, &error);

    g_assert_no_error (error);
    g_assert_nonnull (guard);
    g_assert_true (aio_lock_locked (lock));
    g_assert_true (aio_yield (&error));
  }
  g_assert_false (aio_lock_locked (lock));

  {
    g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (lock, &error);

    aio_lock_guard_release (g_steal_pointer (&guard));
    g_assert_false (aio_lock_locked (lock));
  }
  aio_task_return_boolean (task, TRUE);
}

static void
guard_cancelled_body (AioTask  *task,
                      gpointer  user_data)
{
  AioLock *lock = user_data;
  GError *error = NULL;
  g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (lock, &error);

  g_assert_null (guard);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  aio_task_return_error (task, error);
}

static void
test_lock_guard (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  g_autoptr(AioTask) task = aio_task_new (guarded_body, lock, NULL);
  g_autoptr(AioTask) cancelled = NULL;
  g_autoptr(AioFuture) held = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);

  held = aio_lock_acquire (lock);
  cancelled = aio_task_new (guard_cancelled_body, lock, NULL);
  aio_test_drain (NULL);
  aio_task_cancel (cancelled, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (cancelled), &error));
  g_assert_true (aio_lock_release (lock, NULL));
  g_assert_false (aio_lock_locked (lock));

  /* Outside a coroutine there is nothing to wait in: nothing is taken. */
  g_clear_error (&error);
  g_assert_null (aio_lock_acquire_guard (lock, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_NOT_IN_COROUTINE);
  g_assert_false (aio_lock_locked (lock));
}

/* Ten thousand waiters, some cancelled, some dropped, served in order. */

typedef struct
{
  GArray *order;
  guint   index;
} Record;

static void
record_done (AioFuture *future,
             gpointer   user_data)
{
  Record *r = user_data;

  if (!aio_future_cancelled (future))
    g_array_append_val (r->order, r->index);
}

#define MANY 10000

static void
test_lock_many_waiters (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(AioFuture) first = aio_lock_acquire (lock);
  AioFuture **futures = g_new0 (AioFuture *, MANY);
  Record *records = g_new (Record, MANY);
  guint i, expected = 0, served = 0;

  for (i = 0; i < MANY; i++)
    {
      records[i] = (Record) { order, i };
      futures[i] = aio_lock_acquire (lock);
      aio_future_add_done_callback (futures[i], record_done, &records[i], NULL);
    }
  for (i = 0; i < MANY; i += 3)
    g_assert_true (aio_future_cancel (futures[i], NULL));
  /* Nobody can ever see these: they must not get the lock. */
  for (i = 1; i < MANY; i += 7)
    if (i % 3 != 0)
      {
        aio_future_remove_done_callback (futures[i], record_done, &records[i]);
        g_clear_object (&futures[i]);
      }

  while (aio_lock_locked (lock))
    {
      g_assert_true (aio_lock_release (lock, NULL));
      served++;
    }
  aio_test_drain (NULL);

  for (i = 0; i < MANY; i++)
    if (i % 3 != 0 && futures[i] != NULL)
      {
        g_assert_cmpuint (g_array_index (order, guint, expected), ==, i);
        expected++;
      }
  g_assert_cmpuint (order->len, ==, expected);
  g_assert_cmpuint (served, ==, expected + 1);

  for (i = 0; i < MANY; i++)
    g_clear_object (&futures[i]);
  g_free (futures);
  g_free (records);
}

/* Loop-bound: another thread gets AIO_ERROR_WRONG_THREAD. */

static gpointer
wrong_thread_func (gpointer data)
{
  AioLock *lock = data;
  GError *error = NULL;
  AioFuture *future;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  future = aio_lock_acquire (lock);
  aio_loop_run_until_complete (aio_future_get_loop (future), future, NULL);
  g_assert_false (aio_future_propagate (future, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_clear_error (&error);
  g_object_unref (future);

  g_assert_false (aio_lock_release (lock, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_clear_error (&error);

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static void
test_lock_wrong_thread (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  g_autoptr(AioFuture) held = aio_lock_acquire (lock);
  GThread *thread = g_thread_new ("wrong", wrong_thread_func, lock);

  g_thread_join (thread);
  g_assert_true (aio_lock_locked (lock));
  g_assert_true (aio_lock_release (lock, NULL));
}

/* A lock first used in a non-default context belongs to that loop. */

static void
test_lock_other_context (void)
{
  GMainContext *context = g_main_context_new ();
  AioLock *lock = aio_lock_new ();
  HandOff h;
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));
  AioFuture *held;
  AioTask *a, *b;

  g_main_context_push_thread_default (context);
  held = aio_lock_acquire (lock);
  h = (HandOff) { lock, NULL, order };
  a = aio_task_new_full (NULL, "a", 0, recording_waiter, &h, NULL);
  b = aio_task_new_full (NULL, "b", 0, recording_waiter, &h, NULL);
  g_assert_true (aio_future_get_loop (AIO_FUTURE (a)) == aio_loop_get_for_context (context));
  aio_test_drain (context);
  g_assert_true (aio_lock_release (lock, NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (b), NULL));
  g_assert_cmpuint (order->len, ==, 2);
  g_assert_false (aio_lock_locked (lock));
  g_main_context_pop_thread_default (context);

  g_object_unref (a);
  g_object_unref (b);
  g_object_unref (held);
  g_object_unref (lock);
  g_array_unref (order);
  aio_test_drain (context);
  g_main_context_unref (context);
}

static void
use_foreign_lock (AioTask  *task,
                  gpointer  user_data)
{
  AioLock *lock = user_data;
  GError *error = NULL;

  g_assert_false (aio_await (aio_lock_acquire (lock), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_clear_error (&error);
  g_assert_false (aio_lock_release (lock, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_clear_error (&error);
}

static void
test_lock_wrong_loop (void)
{
  GMainContext *context = g_main_context_new ();
  AioLock *lock = aio_lock_new ();
  AioFuture *held;
  AioTask *task;

  /* Bound to the loop of another context... */
  g_main_context_push_thread_default (context);
  held = aio_lock_acquire (lock);
  g_main_context_pop_thread_default (context);

  /* ...so a task of the default loop may not use it. */
  task = aio_task_new (use_foreign_lock, lock, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));

  g_main_context_push_thread_default (context);
  g_assert_true (aio_lock_release (lock, NULL));
  g_main_context_pop_thread_default (context);

  g_object_unref (task);
  g_object_unref (held);
  g_object_unref (lock);
  aio_test_drain (context);
  g_main_context_unref (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/lock/basic", test_lock_basic);
  aio_test_add_func ("/aio/lock/fifo", test_lock_fifo);
  aio_test_add_func ("/aio/lock/cancel-waiting", test_lock_cancel_waiting);
  aio_test_add_func ("/aio/lock/cancel-before", test_lock_cancel_before);
  aio_test_add_func ("/aio/lock/cancel-after-grant", test_lock_cancel_after_grant);
  aio_test_add_func ("/aio/lock/stackless", test_lock_stackless);
  aio_test_add_func ("/aio/lock/stackless-cancelled-at-done", test_lock_stackless_cancelled_at_done);
  aio_test_add_func ("/aio/lock/guard", test_lock_guard);
  aio_test_add_func ("/aio/lock/many-waiters", test_lock_many_waiters);
  aio_test_add_func ("/aio/lock/wrong-thread", test_lock_wrong_thread);
  aio_test_add_func ("/aio/lock/other-context", test_lock_other_context);
  aio_test_add_func ("/aio/lock/wrong-loop", test_lock_wrong_loop);

  return g_test_run ();
}

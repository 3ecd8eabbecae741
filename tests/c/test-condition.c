/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

/* AioCondition: notification order, wait_for(), the lock being held
 * again after a cancelled wait, notifications passed on.
 */

typedef struct
{
  AioCondition *cond;
  GArray       *order;
  guint         id;
  gboolean      held_after_failure;
} Waiter;

static void
wait_body (AioTask  *task,
           gpointer  user_data)
{
  Waiter *w = user_data;
  GError *error = NULL;
  g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (aio_condition_get_lock (w->cond),
                                                          &error);

  g_assert_no_error (error);
  if (!aio_await (aio_condition_wait (w->cond), &error))
    {
      /* Even a failed wait ends with the lock held. */
      w->held_after_failure = aio_condition_locked (w->cond);
      aio_task_return_error (task, error);
      return;
    }
  g_assert_true (aio_condition_locked (w->cond));
  g_array_append_val (w->order, w->id);
}

typedef struct
{
  AioCondition *cond;
  guint         n;   /* G_MAXUINT: notify_all */
} Notifier;

static void
notify_body (AioTask  *task,
             gpointer  user_data)
{
  Notifier *n = user_data;
  GError *error = NULL;
  g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (aio_condition_get_lock (n->cond),
                                                          &error);

  g_assert_no_error (error);
  if (n->n == G_MAXUINT)
    g_assert_true (aio_condition_notify_all (n->cond, &error));
  else
    g_assert_true (aio_condition_notify (n->cond, n->n, &error));
  g_assert_no_error (error);
}

static void
test_condition_notify (void)
{
  g_autoptr(AioCondition) cond = aio_condition_new (NULL);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  Waiter waiters[5];
  AioTask *tasks[5];
  Notifier two = { cond, 2 }, all = { cond, G_MAXUINT };
  g_autoptr(AioTask) n1 = NULL;
  g_autoptr(AioTask) n2 = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      waiters[i] = (Waiter) { cond, order, i, FALSE };
      tasks[i] = aio_task_new (wait_body, &waiters[i], NULL);
    }
  aio_test_drain (NULL);
  g_assert_false (aio_condition_locked (cond));

  n1 = aio_task_new (notify_body, &two, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (n1), NULL));
  g_assert_cmpuint (order->len, ==, 2);

  n2 = aio_task_new (notify_body, &all, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (n2), NULL));
  for (i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_assert_true (aio_test_run_future (AIO_FUTURE (tasks[i]), NULL));
      g_object_unref (tasks[i]);
    }
  g_assert_cmpuint (order->len, ==, 5);
  for (i = 0; i < order->len; i++)
    g_assert_cmpuint (g_array_index (order, guint, i), ==, i);
  g_assert_false (aio_condition_locked (cond));
}

static void
test_condition_not_locked (void)
{
  g_autoptr(AioLock) lock = aio_lock_new ();
  g_autoptr(AioCondition) cond = aio_condition_new (lock);
  g_autoptr(AioFuture) wait = NULL;
  g_autoptr(GError) error = NULL;
  AioLock *from_property = NULL;

  g_object_get (cond, "lock", &from_property, NULL);
  g_assert_true (from_property == lock);
  g_object_unref (from_property);

  wait = aio_condition_wait (cond);
  g_assert_true (aio_future_done (wait));
  g_assert_false (aio_future_propagate (wait, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  g_assert_false (aio_condition_notify (cond, 1, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_condition_notify_all (cond, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_condition_release (cond, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  aio_test_drain (NULL);
}

/* Cancelled while waiting for the notification: the wait still takes the
 * lock back before it fails; and while the lock is held by someone else,
 * it waits for it.
 */

static void
hold_lock_while_cancelling (AioTask  *task,
                            gpointer  user_data)
{
  Waiter *victim = user_data;
  AioTask *victim_task = g_object_get_data (G_OBJECT (task), "victim");
  GError *error = NULL;
  g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (aio_condition_get_lock (victim->cond),
                                                          &error);

  aio_task_cancel (victim_task, NULL);
  /* The victim cannot finish while we hold the lock. */
  g_assert_true (aio_yield (&error));
  g_assert_true (aio_yield (&error));
  g_assert_false (aio_future_done (AIO_FUTURE (victim_task)));
}

static void
test_condition_cancel_waiting (void)
{
  g_autoptr(AioCondition) cond = aio_condition_new (NULL);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  Waiter victim = { cond, order, 0, FALSE };
  g_autoptr(AioTask) victim_task = aio_task_new (wait_body, &victim, NULL);
  g_autoptr(AioTask) holder = NULL;
  g_autoptr(GError) error = NULL;

  aio_test_drain (NULL);
  holder = aio_task_new (hold_lock_while_cancelling, &victim, NULL);
  g_object_set_data (G_OBJECT (holder), "victim", victim_task);
  g_assert_true (aio_test_run_future (AIO_FUTURE (holder), NULL));
  g_assert_false (aio_test_run_future (AIO_FUTURE (victim_task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (victim.held_after_failure);
  /* The guard released it when the victim returned. */
  g_assert_false (aio_condition_locked (cond));
  g_assert_cmpuint (order->len, ==, 0);
}

static void
cancel_self_then_wait (AioTask  *task,
                       gpointer  user_data)
{
  aio_task_cancel (task, NULL);
  wait_body (task, user_data);
}

static void
test_condition_cancel_before (void)
{
  g_autoptr(AioCondition) cond = aio_condition_new (NULL);
  Waiter w = { cond, NULL, 0, FALSE };
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  /* The guard's acquire does not suspend, so the request reaches the
   * wait, which still ends with the lock held.
   */
  task = aio_task_new (cancel_self_then_wait, &w, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (w.held_after_failure);
  g_assert_false (aio_condition_locked (cond));
}

/* Notified, then cancelled before resuming: the notification goes to the
 * next waiter, so nobody is left waiting for one that was sent.
 */

static void
notify_one_and_cancel (AioTask  *task,
                       gpointer  user_data)
{
  AioCondition *cond = user_data;
  AioTask *victim = g_object_get_data (G_OBJECT (task), "victim");
  GError *error = NULL;
  g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (aio_condition_get_lock (cond), &error);

  g_assert_true (aio_condition_notify (cond, 1, &error));
  aio_task_cancel (victim, NULL);
}

static void
test_condition_cancel_after_notify (void)
{
  g_autoptr(AioCondition) cond = aio_condition_new (NULL);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  Waiter first = { cond, order, 1, FALSE };
  Waiter second = { cond, order, 2, FALSE };
  g_autoptr(AioTask) first_task = aio_task_new (wait_body, &first, NULL);
  g_autoptr(AioTask) second_task = aio_task_new (wait_body, &second, NULL);
  g_autoptr(AioTask) notifier = NULL;
  g_autoptr(GError) error = NULL;

  aio_test_drain (NULL);
  notifier = aio_task_new (notify_one_and_cancel, cond, NULL);
  g_object_set_data (G_OBJECT (notifier), "victim", first_task);
  g_assert_true (aio_test_run_future (AIO_FUTURE (notifier), NULL));
  g_assert_false (aio_test_run_future (AIO_FUTURE (first_task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (first.held_after_failure);
  g_assert_true (aio_test_run_future (AIO_FUTURE (second_task), NULL));
  g_assert_cmpuint (order->len, ==, 1);
  g_assert_cmpuint (g_array_index (order, guint, 0), ==, 2);
  g_assert_false (aio_condition_locked (cond));
}

/* The same, cancelled after the lock was taken back for the waiter but
 * before it resumed, which is what cancelling its done future means: the
 * waiter keeps the lock, and the notification moves on.
 */

static void
test_condition_cancel_after_reacquire (void)
{
  g_autoptr(AioCondition) cond = aio_condition_new (NULL);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  Waiter second = { cond, order, 2, FALSE };
  g_autoptr(AioFuture) held = aio_condition_acquire (cond);
  g_autoptr(AioFuture) first = NULL;
  g_autoptr(AioTask) second_task = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_future_done (held));
  first = aio_condition_wait (cond);
  g_assert_false (aio_condition_locked (cond));
  second_task = aio_task_new (wait_body, &second, NULL);
  aio_test_drain (NULL);

  g_clear_object (&held);
  held = aio_condition_acquire (cond);
  g_assert_true (aio_condition_notify (cond, 1, &error));
  g_assert_true (aio_condition_release (cond, &error));
  aio_test_drain (NULL);
  /* The first waiter's future is done, but nobody has read it: its task
   * is cancelled before it resumes.
   */
  g_assert_cmpint (aio_future_get_state (first), ==, AIO_FUTURE_FINISHED);
  g_assert_true (aio_condition_locked (cond));
  g_assert_false (aio_future_done (AIO_FUTURE (second_task)));

  /* Cancelling a done future only reports failure... */
  g_assert_false (aio_future_cancel (first, NULL));
  /* ...but the second waiter now has the notification, and gets the lock
   * once the first one lets go of it.
   */
  g_assert_true (aio_condition_release (cond, &error));
  g_assert_true (aio_test_run_future (AIO_FUTURE (second_task), NULL));
  g_assert_cmpuint (order->len, ==, 1);
  g_assert_cmpuint (g_array_index (order, guint, 0), ==, 2);
  g_assert_false (aio_condition_locked (cond));
}

/* wait_for(): a counter that a producer bumps. */

typedef struct
{
  AioCondition *cond;
  guint         value;
  guint         checks;
} Counter;

static gboolean
reached_three (gpointer user_data)
{
  Counter *c = user_data;

  g_assert_true (aio_condition_locked (c->cond));
  c->checks++;
  return c->value >= 3;
}

static void
wait_for_body (AioTask  *task,
               gpointer  user_data)
{
  Counter *c = user_data;
  GError *error = NULL;
  g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (aio_condition_get_lock (c->cond), &error);

  if (!aio_await (aio_condition_wait_for (c->cond, reached_three, c, NULL), &error))
    {
      g_assert_true (aio_condition_locked (c->cond));
      aio_task_return_error (task, error);
      return;
    }
  g_assert_cmpuint (c->value, >=, 3);
  aio_task_return_int (task, (gint) c->value);
}

static void
bump_body (AioTask  *task,
           gpointer  user_data)
{
  Counter *c = user_data;
  GError *error = NULL;
  guint i;

  for (i = 0; i < 5; i++)
    {
      g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (aio_condition_get_lock (c->cond),
                                                              &error);

      c->value++;
      g_assert_true (aio_condition_notify_all (c->cond, &error));
    }
}

static void
test_condition_wait_for (void)
{
  g_autoptr(AioCondition) cond = aio_condition_new (NULL);
  Counter c = { cond, 0, 0 };
  g_autoptr(AioTask) waiter = aio_task_new (wait_for_body, &c, NULL);
  g_autoptr(AioTask) bumper = NULL;
  g_autoptr(AioFuture) already = NULL;

  aio_test_drain (NULL);
  g_assert_cmpuint (c.checks, ==, 1);
  bumper = aio_task_new (bump_body, &c, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (waiter), NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (bumper), NULL));
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (waiter), NULL), >=, 3);
  g_assert_cmpuint (c.checks, >=, 2);

  /* True at once: no waiting, and the lock stays with the caller. */
  already = aio_condition_acquire (cond);
  g_clear_object (&already);
  already = aio_condition_wait_for (cond, reached_three, &c, NULL);
  g_assert_true (aio_future_done (already));
  g_assert_true (aio_condition_locked (cond));
  g_assert_true (aio_condition_release (cond, NULL));
  aio_test_drain (NULL);
}

static gboolean
never (gpointer user_data)
{
  return FALSE;
}

static void
count_destroy (gpointer data)
{
  (*(guint *) data)++;
}

static void
wait_for_never (AioTask  *task,
                gpointer  user_data)
{
  AioCondition *cond = user_data;
  guint *destroyed = g_object_get_data (G_OBJECT (task), "destroyed");
  GError *error = NULL;
  g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (aio_condition_get_lock (cond), &error);

  g_assert_false (aio_await (aio_condition_wait_for (cond, never, destroyed, count_destroy),
                             &error));
  g_assert_true (aio_condition_locked (cond));
  aio_task_return_error (task, error);
}

static void
test_condition_wait_for_cancel (void)
{
  g_autoptr(AioCondition) cond = aio_condition_new (NULL);
  g_autoptr(AioTask) task = aio_task_new (wait_for_never, cond, NULL);
  g_autoptr(AioTask) notifier = NULL;
  g_autoptr(GError) error = NULL;
  Notifier all = { cond, G_MAXUINT };
  guint destroyed = 0;

  g_object_set_data (G_OBJECT (task), "destroyed", &destroyed);
  aio_test_drain (NULL);
  /* A notification makes it check again and wait again. */
  notifier = aio_task_new (notify_body, &all, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (notifier), NULL));
  g_assert_false (aio_future_done (AIO_FUTURE (task)));

  aio_task_cancel (task, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (destroyed, ==, 1);
  g_assert_false (aio_condition_locked (cond));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/condition/notify", test_condition_notify);
  aio_test_add_func ("/aio/condition/not-locked", test_condition_not_locked);
  aio_test_add_func ("/aio/condition/cancel-waiting", test_condition_cancel_waiting);
  aio_test_add_func ("/aio/condition/cancel-before", test_condition_cancel_before);
  aio_test_add_func ("/aio/condition/cancel-after-notify", test_condition_cancel_after_notify);
  aio_test_add_func ("/aio/condition/cancel-after-reacquire", test_condition_cancel_after_reacquire);
  aio_test_add_func ("/aio/condition/wait-for", test_condition_wait_for);
  aio_test_add_func ("/aio/condition/wait-for-cancel", test_condition_wait_for_cancel);

  return g_test_run ();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

/* AioSemaphore and AioBoundedSemaphore: counting, fairness, cancellation
 * at every await point, guards, many waiters.
 */

static void
test_semaphore_counting (void)
{
  g_autoptr(AioSemaphore) sem = aio_semaphore_new (2);
  g_autoptr(AioFuture) a = NULL;
  g_autoptr(AioFuture) b = NULL;
  g_autoptr(AioFuture) c = NULL;
  g_autoptr(GError) error = NULL;
  guint value = 0;

  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 2);
  g_assert_false (aio_semaphore_locked (sem));
  a = aio_semaphore_acquire (sem);
  b = aio_semaphore_acquire (sem);
  g_assert_true (aio_future_done (a) && aio_future_done (b));
  g_assert_true (aio_future_get_boolean (b, NULL));
  g_assert_true (aio_semaphore_locked (sem));
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 0);

  c = aio_semaphore_acquire (sem);
  g_assert_false (aio_future_done (c));
  g_assert_true (aio_semaphore_release (sem, &error));
  g_assert_true (aio_future_done (c));
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 0);

  g_assert_true (aio_semaphore_release (sem, &error));
  g_assert_true (aio_semaphore_release (sem, &error));
  /* A plain semaphore may go above its initial value. */
  g_assert_true (aio_semaphore_release (sem, &error));
  g_assert_no_error (error);
  g_object_get (sem, "value", &value, NULL);
  g_assert_cmpuint (value, ==, 3);
  aio_test_drain (NULL);
}

static void
test_semaphore_bounded (void)
{
  g_autoptr(AioBoundedSemaphore) bounded = aio_bounded_semaphore_new (2);
  AioSemaphore *sem = AIO_SEMAPHORE (bounded);
  g_autoptr(AioFuture) a = aio_semaphore_acquire (sem);
  g_autoptr(AioBoundedSemaphore) built = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (AIO_IS_SEMAPHORE (bounded));
  g_assert_cmpuint (aio_bounded_semaphore_get_bound (bounded), ==, 2);
  g_assert_true (aio_semaphore_release (sem, &error));
  g_assert_no_error (error);
  g_assert_false (aio_semaphore_release (sem, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TOO_MANY_RELEASES);
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 2);

  /* What a binding does: construct through the property. */
  built = g_object_new (AIO_TYPE_BOUNDED_SEMAPHORE, "value", 3, NULL);
  g_assert_cmpuint (aio_bounded_semaphore_get_bound (built), ==, 3);
  g_clear_error (&error);
  g_assert_false (aio_semaphore_release (AIO_SEMAPHORE (built), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TOO_MANY_RELEASES);

  /* A zero bound refuses every release. */
  {
    g_autoptr(AioBoundedSemaphore) zero = aio_bounded_semaphore_new (0);

    g_clear_error (&error);
    g_assert_false (aio_semaphore_release (AIO_SEMAPHORE (zero), &error));
    g_assert_error (error, AIO_ERROR, AIO_ERROR_TOO_MANY_RELEASES);
  }
  aio_test_drain (NULL);
}

/* Six tasks through two permits: they start in the order they asked. */

typedef struct
{
  AioSemaphore *sem;
  GArray       *order;
  guint         id;
  guint        *inside;
  guint        *max_inside;
} Worker;

static void
worker_body (AioTask  *task,
             gpointer  user_data)
{
  Worker *w = user_data;
  GError *error = NULL;
  g_autoptr(AioSemaphoreGuard) permit = aio_semaphore_acquire_guard (w->sem, &error);

  g_assert_no_error (error);
  g_array_append_val (w->order, w->id);
  (*w->inside)++;
  *w->max_inside = MAX (*w->max_inside, *w->inside);
  g_assert_true (aio_yield (&error));
  g_assert_true (aio_yield (&error));
  (*w->inside)--;
}

static void
test_semaphore_fifo (void)
{
  g_autoptr(AioSemaphore) sem = aio_semaphore_new (2);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  guint inside = 0, max_inside = 0, i;
  Worker workers[6];
  AioTask *tasks[6];

  for (i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      workers[i] = (Worker) { sem, order, i, &inside, &max_inside };
      tasks[i] = aio_task_new (worker_body, &workers[i], NULL);
    }
  for (i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_assert_true (aio_test_run_future (AIO_FUTURE (tasks[i]), NULL));
      g_object_unref (tasks[i]);
    }

  g_assert_cmpuint (max_inside, ==, 2);
  for (i = 0; i < order->len; i++)
    g_assert_cmpuint (g_array_index (order, guint, i), ==, i);
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 2);
}

/* Cancellation: while waiting, before the await, after the grant. */

static void
acquire_body (AioTask  *task,
              gpointer  user_data)
{
  AioSemaphore *sem = user_data;
  GError *error = NULL;

  if (!aio_await (aio_semaphore_acquire (sem), &error))
    {
      aio_task_return_error (task, error);
      return;
    }
  g_assert_true (aio_semaphore_release (sem, &error));
  aio_task_return_boolean (task, TRUE);
}

static void
test_semaphore_cancel_waiting (void)
{
  g_autoptr(AioBoundedSemaphore) bounded = aio_bounded_semaphore_new (1);
  AioSemaphore *sem = AIO_SEMAPHORE (bounded);
  g_autoptr(AioFuture) held = aio_semaphore_acquire (sem);
  g_autoptr(AioTask) victim = aio_task_new (acquire_body, sem, NULL);
  g_autoptr(AioTask) other = aio_task_new (acquire_body, sem, NULL);
  g_autoptr(GError) error = NULL;

  aio_test_drain (NULL);
  aio_task_cancel (victim, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (victim), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_true (aio_semaphore_release (sem, NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (other), NULL));
  /* Every permit is back, and not one more. */
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 1);
  g_clear_error (&error);
  g_assert_false (aio_semaphore_release (sem, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TOO_MANY_RELEASES);
}

static void
cancel_self_then_acquire (AioTask  *task,
                          gpointer  user_data)
{
  aio_task_cancel (task, NULL);
  acquire_body (task, user_data);
}

static void
test_semaphore_cancel_before (void)
{
  g_autoptr(AioSemaphore) sem = aio_semaphore_new (0);
  g_autoptr(AioTask) unstarted = aio_task_new (acquire_body, sem, NULL);
  g_autoptr(AioTask) requested = NULL;
  g_autoptr(GError) error = NULL;

  aio_task_cancel (unstarted, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (unstarted), &error));
  g_assert_true (aio_future_cancelled (AIO_FUTURE (unstarted)));

  /* Requested before the await: it fails there and leaves no waiter. */
  requested = aio_task_new (cancel_self_then_acquire, sem, NULL);
  g_clear_error (&error);
  g_assert_false (aio_test_run_future (AIO_FUTURE (requested), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 0);

  g_assert_true (aio_semaphore_release (sem, NULL));
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 1);
}

static void
test_semaphore_cancel_after_grant (void)
{
  g_autoptr(AioBoundedSemaphore) bounded = aio_bounded_semaphore_new (1);
  AioSemaphore *sem = AIO_SEMAPHORE (bounded);
  g_autoptr(AioFuture) held = aio_semaphore_acquire (sem);
  g_autoptr(AioTask) victim = aio_task_new (acquire_body, sem, NULL);
  g_autoptr(AioTask) other = aio_task_new (acquire_body, sem, NULL);
  g_autoptr(GError) error = NULL;

  aio_test_drain (NULL);
  /* The permit goes to the victim, which is cancelled before it resumes:
   * it must pass the permit on to the other waiter.
   */
  g_assert_true (aio_semaphore_release (sem, NULL));
  aio_task_cancel (victim, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (victim), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (aio_test_run_future (AIO_FUTURE (other), NULL));
  g_assert_true (aio_future_get_boolean (AIO_FUTURE (other), NULL));
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 1);

  /* With nobody else waiting, the permit returns to the count. */
  g_clear_pointer (&held, g_object_unref);
  held = aio_semaphore_acquire (sem);
  g_clear_object (&victim);
  victim = aio_task_new (acquire_body, sem, NULL);
  aio_test_drain (NULL);
  g_assert_true (aio_semaphore_release (sem, NULL));
  aio_task_cancel (victim, NULL);
  g_clear_error (&error);
  g_assert_false (aio_test_run_future (AIO_FUTURE (victim), &error));
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 1);
}

static void
guard_outside_body (void)
{
  g_autoptr(AioSemaphore) sem = aio_semaphore_new (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(AioSemaphoreGuard) guard = aio_semaphore_acquire_guard (sem, &error);

  g_assert_null (guard);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_NOT_IN_COROUTINE);
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, 1);
}

static void
test_semaphore_guard (void)
{
  guard_outside_body ();
}

#define MANY 10000

static void
count_granted (AioFuture *future,
               gpointer   user_data)
{
  guint *granted = user_data;

  if (!aio_future_cancelled (future))
    (*granted)++;
}

static void
test_semaphore_many_waiters (void)
{
  g_autoptr(AioSemaphore) sem = aio_semaphore_new (0);
  AioFuture **futures = g_new0 (AioFuture *, MANY);
  guint granted = 0, i;

  for (i = 0; i < MANY; i++)
    {
      futures[i] = aio_semaphore_acquire (sem);
      aio_future_add_done_callback (futures[i], count_granted, &granted, NULL);
    }
  for (i = 0; i < MANY; i += 2)
    aio_future_cancel (futures[i], NULL);

  /* Release in bursts; each permit goes to the oldest live waiter. */
  for (i = 0; i < MANY; i++)
    {
      g_assert_true (aio_semaphore_release (sem, NULL));
      if (i < MANY / 2)
        {
          g_assert_true (aio_future_done (futures[2 * i + 1]));
          if (i + 1 < MANY / 2)
            g_assert_false (aio_future_done (futures[2 * i + 3]));
        }
    }
  aio_test_drain (NULL);
  g_assert_cmpuint (granted, ==, MANY / 2);
  g_assert_cmpuint (aio_semaphore_get_value (sem), ==, MANY / 2);

  for (i = 0; i < MANY; i++)
    g_object_unref (futures[i]);
  g_free (futures);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/semaphore/counting", test_semaphore_counting);
  aio_test_add_func ("/aio/semaphore/bounded", test_semaphore_bounded);
  aio_test_add_func ("/aio/semaphore/fifo", test_semaphore_fifo);
  aio_test_add_func ("/aio/semaphore/cancel-waiting", test_semaphore_cancel_waiting);
  aio_test_add_func ("/aio/semaphore/cancel-before", test_semaphore_cancel_before);
  aio_test_add_func ("/aio/semaphore/cancel-after-grant", test_semaphore_cancel_after_grant);
  aio_test_add_func ("/aio/semaphore/guard", test_semaphore_guard);
  aio_test_add_func ("/aio/semaphore/many-waiters", test_semaphore_many_waiters);

  return g_test_run ();
}

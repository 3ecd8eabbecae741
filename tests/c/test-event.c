/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

/* AioEvent: set, clear, many waiters, cancellation, other threads. */

static void
waiter_body (AioTask  *task,
             gpointer  user_data)
{
  AioEvent *event = user_data;
  GError *error = NULL;

  if (!aio_await (aio_event_wait (event), &error))
    {
      aio_task_return_error (task, error);
      return;
    }
  g_assert_true (aio_event_is_set (event));
  aio_task_return_boolean (task, TRUE);
}

static void
setter_body (AioTask  *task,
             gpointer  user_data)
{
  GError *error = NULL;

  g_assert_true (aio_yield (&error));
  aio_event_set (user_data);
}

static void
test_event_set_clear (void)
{
  g_autoptr(AioEvent) event = aio_event_new ();
  g_autoptr(AioTask) a = aio_task_new (waiter_body, event, NULL);
  g_autoptr(AioTask) b = aio_task_new (waiter_body, event, NULL);
  g_autoptr(AioTask) setter = aio_task_new (setter_body, event, NULL);
  g_autoptr(AioFuture) immediate = NULL;
  g_autoptr(AioFuture) again = NULL;

  g_assert_false (aio_event_is_set (event));
  g_assert_true (aio_test_run_future (AIO_FUTURE (a), NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (b), NULL));
  g_assert_true (aio_future_done (AIO_FUTURE (setter)));
  g_assert_true (aio_event_is_set (event));

  immediate = aio_event_wait (event);
  g_assert_true (aio_future_done (immediate));
  g_assert_true (aio_future_get_boolean (immediate, NULL));

  aio_event_set (event);   /* setting twice changes nothing */
  aio_event_clear (event);
  g_assert_false (aio_event_is_set (event));
  again = aio_event_wait (event);
  g_assert_false (aio_future_done (again));
  aio_event_set (event);
  g_assert_true (aio_future_done (again));
  aio_test_drain (NULL);
}

static void
cancel_self_then_wait (AioTask  *task,
                       gpointer  user_data)
{
  aio_task_cancel (task, NULL);
  waiter_body (task, user_data);
}

static void
test_event_cancel (void)
{
  g_autoptr(AioEvent) event = aio_event_new ();
  g_autoptr(AioTask) during = aio_task_new (waiter_body, event, NULL);
  g_autoptr(AioTask) before = aio_task_new (cancel_self_then_wait, event, NULL);
  g_autoptr(AioTask) unstarted = aio_task_new (waiter_body, event, NULL);
  g_autoptr(AioTask) survivor = aio_task_new (waiter_body, event, NULL);
  g_autoptr(GError) error = NULL;

  aio_task_cancel (unstarted, NULL);
  aio_test_drain (NULL);
  aio_task_cancel (during, "bye");
  g_assert_false (aio_test_run_future (AIO_FUTURE (during), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "bye");
  g_assert_true (aio_future_cancelled (AIO_FUTURE (before)));
  g_assert_true (aio_future_cancelled (AIO_FUTURE (unstarted)));

  aio_event_set (event);
  g_assert_true (aio_test_run_future (AIO_FUTURE (survivor), NULL));

  /* Cancelled after the event woke it, before it resumed: its await
   * fails, which takes nothing from anyone.
   */
  {
    g_autoptr(AioTask) late = NULL;

    aio_event_clear (event);
    late = aio_task_new (waiter_body, event, NULL);
    aio_test_drain (NULL);
    aio_event_set (event);
    aio_task_cancel (late, NULL);
    g_clear_error (&error);
    g_assert_false (aio_test_run_future (AIO_FUTURE (late), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_true (aio_event_is_set (event));
  }
}

#define MANY 10000

static void
count_woken (AioFuture *future,
             gpointer   user_data)
{
  guint *woken = user_data;

  if (aio_future_get_boolean (future, NULL))
    (*woken)++;
}

static void
test_event_many_waiters (void)
{
  g_autoptr(AioEvent) event = aio_event_new ();
  AioFuture **futures = g_new (AioFuture *, MANY);
  guint woken = 0, i;

  for (i = 0; i < MANY; i++)
    {
      futures[i] = aio_event_wait (event);
      aio_future_add_done_callback (futures[i], count_woken, &woken, NULL);
    }
  for (i = 0; i < MANY; i += 4)
    aio_future_cancel (futures[i], NULL);
  aio_event_set (event);
  for (i = 0; i < MANY; i++)
    g_assert_true (aio_future_done (futures[i]));
  aio_test_drain (NULL);
  g_assert_cmpuint (woken, ==, MANY - MANY / 4);

  for (i = 0; i < MANY; i++)
    g_object_unref (futures[i]);
  g_free (futures);
}

static gpointer
wrong_thread_func (gpointer data)
{
  AioEvent *event = data;
  GMainContext *context = g_main_context_new ();
  AioFuture *future;
  GError *error = NULL;

  g_main_context_push_thread_default (context);
  aio_event_set (event);
  aio_event_clear (event);
  future = aio_event_wait (event);
  aio_loop_run_until_complete (aio_future_get_loop (future), future, NULL);
  g_assert_false (aio_future_propagate (future, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_error_free (error);
  g_object_unref (future);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static void
test_event_wrong_thread (void)
{
  g_autoptr(AioEvent) event = aio_event_new ();
  g_autoptr(AioFuture) bound = aio_event_wait (event);

  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "aio_event_set(): *another thread*");
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "aio_event_clear(): *another thread*");
  g_thread_join (g_thread_new ("wrong", wrong_thread_func, event));
  g_test_assert_expected_messages ();

  g_assert_false (aio_event_is_set (event));
  g_assert_false (aio_future_done (bound));
  aio_event_set (event);
  g_assert_true (aio_future_done (bound));
  aio_test_drain (NULL);
}

/* A waiter in a non-default context, set by a task of that context. */

static void
test_event_other_context (void)
{
  GMainContext *context = g_main_context_new ();
  AioEvent *event = aio_event_new ();
  AioTask *waiter, *setter;

  g_main_context_push_thread_default (context);
  waiter = aio_task_new (waiter_body, event, NULL);
  setter = aio_task_new (setter_body, event, NULL);
  g_assert_true (aio_loop_run_until_complete (aio_loop_get_for_context (context),
                                              AIO_FUTURE (waiter), NULL));
  g_assert_true (aio_future_done (AIO_FUTURE (setter)));
  aio_test_drain (context);
  g_main_context_pop_thread_default (context);

  g_object_unref (waiter);
  g_object_unref (setter);
  g_object_unref (event);
  g_main_context_unref (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/event/set-clear", test_event_set_clear);
  aio_test_add_func ("/aio/event/cancel", test_event_cancel);
  aio_test_add_func ("/aio/event/many-waiters", test_event_many_waiters);
  aio_test_add_func ("/aio/event/wrong-thread", test_event_wrong_thread);
  aio_test_add_func ("/aio/event/other-context", test_event_other_context);

  return g_test_run ();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

/* AioBarrier: rounds, party indexes, abort, reset, cancellation. */

static void
party_body (AioTask  *task,
            gpointer  user_data)
{
  AioBarrier *barrier = user_data;
  GError *error = NULL;
  gint index = aio_await_int (aio_barrier_wait (barrier), &error);

  if (error != NULL)
    aio_task_return_error (task, error);
  else
    aio_task_return_int (task, index);
}

static void
test_barrier_rounds (void)
{
  g_autoptr(AioBarrier) barrier = aio_barrier_new (3);
  guint round;

  g_assert_cmpuint (aio_barrier_get_parties (barrier), ==, 3);
  for (round = 0; round < 3; round++)
    {
      AioTask *tasks[3];
      gboolean seen[3] = { FALSE, FALSE, FALSE };
      guint i;

      for (i = 0; i < 3; i++)
        {
          tasks[i] = aio_task_new (party_body, barrier, NULL);
          aio_test_drain (NULL);
          if (i < 2)
            {
              g_assert_cmpuint (aio_barrier_get_n_waiting (barrier), ==, i + 1);
              g_assert_false (aio_future_done (AIO_FUTURE (tasks[i])));
            }
        }
      g_assert_cmpuint (aio_barrier_get_n_waiting (barrier), ==, 0);
      for (i = 0; i < 3; i++)
        {
          gint index;

          g_assert_true (aio_test_run_future (AIO_FUTURE (tasks[i]), NULL));
          index = aio_future_get_int (AIO_FUTURE (tasks[i]), NULL);
          g_assert_cmpint (index, >=, 0);
          g_assert_cmpint (index, <, 3);
          g_assert_false (seen[index]);
          seen[index] = TRUE;
          g_object_unref (tasks[i]);
        }
    }
  g_assert_false (aio_barrier_get_broken (barrier));
}

static void
test_barrier_one_party (void)
{
  g_autoptr(AioBarrier) barrier = g_object_new (AIO_TYPE_BARRIER, "parties", 1, NULL);
  g_autoptr(AioFuture) wait = aio_barrier_wait (barrier);

  g_assert_true (aio_future_done (wait));
  g_assert_cmpint (aio_future_get_int (wait, NULL), ==, 0);
  aio_test_drain (NULL);
}

static void
test_barrier_abort_reset (void)
{
  g_autoptr(AioBarrier) barrier = aio_barrier_new (3);
  g_autoptr(AioTask) a = aio_task_new (party_body, barrier, NULL);
  g_autoptr(AioTask) b = aio_task_new (party_body, barrier, NULL);
  g_autoptr(AioFuture) late = NULL;
  g_autoptr(GError) error = NULL;
  gboolean broken = FALSE;

  aio_test_drain (NULL);
  g_assert_cmpuint (aio_barrier_get_n_waiting (barrier), ==, 2);
  aio_barrier_abort (barrier);
  g_object_get (barrier, "broken", &broken, NULL);
  g_assert_true (broken);
  g_assert_false (aio_test_run_future (AIO_FUTURE (a), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_BROKEN_BARRIER);
  g_clear_error (&error);
  g_assert_false (aio_test_run_future (AIO_FUTURE (b), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_BROKEN_BARRIER);
  g_clear_error (&error);

  /* Broken for every later wait, until reset. */
  late = aio_barrier_wait (barrier);
  g_assert_false (aio_future_propagate (late, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_BROKEN_BARRIER);
  g_clear_error (&error);
  g_clear_object (&late);

  aio_barrier_reset (barrier);
  g_assert_false (aio_barrier_get_broken (barrier));

  /* A reset also fails the current round's waiters. */
  g_clear_object (&a);
  a = aio_task_new (party_body, barrier, NULL);
  aio_test_drain (NULL);
  aio_barrier_reset (barrier);
  g_assert_false (aio_test_run_future (AIO_FUTURE (a), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_BROKEN_BARRIER);
  g_assert_cmpuint (aio_barrier_get_n_waiting (barrier), ==, 0);
  g_assert_false (aio_barrier_get_broken (barrier));
}

/* A party cancelled while it waits leaves the round; the barrier is not
 * broken and needs another party.
 */

static void
cancel_self_then_wait (AioTask  *task,
                       gpointer  user_data)
{
  aio_task_cancel (task, NULL);
  party_body (task, user_data);
}

static void
test_barrier_cancel (void)
{
  g_autoptr(AioBarrier) barrier = aio_barrier_new (2);
  g_autoptr(AioTask) victim = aio_task_new (party_body, barrier, NULL);
  g_autoptr(AioTask) before = NULL;
  g_autoptr(AioTask) a = NULL;
  g_autoptr(AioTask) b = NULL;
  g_autoptr(GError) error = NULL;

  aio_test_drain (NULL);
  g_assert_cmpuint (aio_barrier_get_n_waiting (barrier), ==, 1);
  aio_task_cancel (victim, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (victim), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (aio_barrier_get_n_waiting (barrier), ==, 0);
  g_assert_false (aio_barrier_get_broken (barrier));

  before = aio_task_new (cancel_self_then_wait, barrier, NULL);
  g_clear_error (&error);
  g_assert_false (aio_test_run_future (AIO_FUTURE (before), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (aio_barrier_get_n_waiting (barrier), ==, 0);

  a = aio_task_new (party_body, barrier, NULL);
  b = aio_task_new (party_body, barrier, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (a), NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (b), NULL));
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (a), NULL), ==, 0);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (b), NULL), ==, 1);
}

#define MANY 10000

static void
test_barrier_many_parties (void)
{
  g_autoptr(AioBarrier) barrier = aio_barrier_new (MANY);
  AioFuture **futures = g_new (AioFuture *, MANY);
  gboolean *seen = g_new0 (gboolean, MANY);
  guint i;

  for (i = 0; i < MANY; i++)
    futures[i] = aio_barrier_wait (barrier);
  for (i = 0; i < MANY; i++)
    {
      gint index = aio_future_get_int (futures[i], NULL);

      g_assert_cmpint (index, ==, (gint) i);
      g_assert_false (seen[index]);
      seen[index] = TRUE;
      g_object_unref (futures[i]);
    }
  aio_test_drain (NULL);
  g_free (futures);
  g_free (seen);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/barrier/rounds", test_barrier_rounds);
  aio_test_add_func ("/aio/barrier/one-party", test_barrier_one_party);
  aio_test_add_func ("/aio/barrier/abort-reset", test_barrier_abort_reset);
  aio_test_add_func ("/aio/barrier/cancel", test_barrier_cancel);
  aio_test_add_func ("/aio/barrier/many-parties", test_barrier_many_parties);

  return g_test_run ();
}

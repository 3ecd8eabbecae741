/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

/* AioAsyncGenerator: lazy production, the end of iteration, errors,
 * early close with cleanup, cancellation of the consumer, dropped
 * generators, stackless bodies.
 */

typedef struct
{
  gint      limit;       /* values 0 .. limit-1 */
  gint      produced;    /* how far the body got */
  gboolean  cleaned_up;
  gboolean  fail_at_end;
  gboolean  await_between;
  gboolean  ignore_close;
  AioEvent *gate;        /* (nullable) awaited before each value */
  GError   *yield_error; /* (owned) what the last yield failed with */
  guint     destroyed;
  AioTask  *body_task;   /* (unowned) the task the body runs in */
} Counter;

static void
counter_destroy (gpointer data)
{
  ((Counter *) data)->destroyed++;
}

static void
count_body (AioAsyncGenerator *gen,
            gpointer           user_data)
{
  Counter *c = user_data;
  GError *error = NULL;
  gint i;

  c->body_task = aio_current_task ();
  for (i = 0; i < c->limit; i++)
    {
      if (c->await_between && !aio_yield (&error))
        break;
      if (c->gate != NULL && !aio_await (aio_event_wait (c->gate), &error))
        break;
      c->produced = i + 1;
      if (!aio_async_generator_yield_int (gen, i, &error))
        {
          if (c->ignore_close)
            {
              g_clear_error (&error);
              continue;
            }
          break;
        }
    }
  c->cleaned_up = TRUE;
  if (error != NULL)
    {
      c->yield_error = g_error_copy (error);
      /* Let the cancellation end the body, as an uncaught exception. */
      aio_async_generator_return_error (gen, error);
      return;
    }
  if (c->fail_at_end)
    aio_async_generator_return_error (gen, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                                                "no more"));
}

typedef struct
{
  AioAsyncGenerator *gen;
  GArray            *values;
  GError            *error;   /* (owned) */
  gint               stop_after;   /* -1: all */
} Consumer;

static void
consume_body (AioTask  *task,
              gpointer  user_data)
{
  Consumer *c = user_data;
  GValue value = G_VALUE_INIT;

  while (aio_async_generator_iterate (c->gen, &value, &c->error))
    {
      gint v = g_value_get_int (&value);

      g_value_unset (&value);
      g_array_append_val (c->values, v);
      if (c->stop_after >= 0 && (gint) c->values->len >= c->stop_after)
        {
          g_assert_true (aio_await (aio_async_generator_aclose (c->gen), &c->error));
          break;
        }
    }
}

static void
test_generator_iterate (void)
{
  Counter counter = { .limit = 5, .await_between = TRUE };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter,
                                                              counter_destroy);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint));
  Consumer consumer = { gen, values, NULL, -1 };
  g_autoptr(AioTask) task = NULL;
  g_autoptr(AioFuture) after = NULL;
  g_autoptr(GError) error = NULL;
  gint i;

  /* Nothing runs before the first anext(). */
  aio_test_drain (NULL);
  g_assert_cmpint (counter.produced, ==, 0);

  task = aio_task_new (consume_body, &consumer, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_no_error (consumer.error);
  g_assert_cmpuint (values->len, ==, 5);
  for (i = 0; i < 5; i++)
    g_assert_cmpint (g_array_index (values, gint, i), ==, i);
  g_assert_true (counter.cleaned_up);
  g_assert_cmpuint (counter.destroyed, ==, 1);

  after = aio_async_generator_anext (gen);
  g_assert_false (aio_future_propagate (after, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
}

/* Lazy: one value per anext(), the body suspended in between. */

static void
test_generator_lazy (void)
{
  Counter counter = { .limit = 100 };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter, NULL);
  g_autoptr(AioFuture) first = aio_async_generator_anext (gen);
  g_autoptr(AioFuture) busy = aio_async_generator_anext (gen);
  g_autoptr(AioFuture) busy_close = aio_async_generator_aclose (gen);
  g_autoptr(AioFuture) second = NULL;
  g_autoptr(AioFuture) close = NULL;
  g_autoptr(GError) error = NULL;

  /* Still running toward its first yield. */
  g_assert_false (aio_future_propagate (busy, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_future_propagate (busy_close, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  g_assert_true (aio_test_run_future (first, NULL));
  g_assert_cmpint (aio_future_get_int (first, NULL), ==, 0);
  aio_test_drain (NULL);
  g_assert_cmpint (counter.produced, ==, 1);

  second = aio_async_generator_anext (gen);
  g_assert_true (aio_test_run_future (second, NULL));
  g_assert_cmpint (aio_future_get_int (second, NULL), ==, 1);
  g_assert_cmpint (counter.produced, ==, 2);

  close = aio_async_generator_aclose (gen);
  g_assert_true (aio_test_run_future (close, &error));
  g_assert_no_error (error);
  g_assert_true (counter.cleaned_up);
  g_assert_cmpint (counter.produced, ==, 2);
  g_assert_error (counter.yield_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&counter.yield_error);
}

/* An error raised by the body reaches the consumer; then it is over. */

static void
test_generator_error (void)
{
  Counter counter = { .limit = 2, .fail_at_end = TRUE };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter, NULL);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint));
  Consumer consumer = { gen, values, NULL, -1 };
  g_autoptr(AioTask) task = aio_task_new (consume_body, &consumer, NULL);
  g_autoptr(AioFuture) after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_cmpuint (values->len, ==, 2);
  g_assert_error (consumer.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&consumer.error);

  after = aio_async_generator_anext (gen);
  g_assert_false (aio_future_propagate (after, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
}

/* Early close from the consumer: the body's cleanup runs. */

static void
test_generator_early_close (void)
{
  Counter counter = { .limit = 1000, .await_between = TRUE };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter,
                                                              counter_destroy);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint));
  Consumer consumer = { gen, values, NULL, 3 };
  g_autoptr(AioTask) task = aio_task_new (consume_body, &consumer, NULL);
  g_autoptr(AioFuture) after = NULL;
  g_autoptr(AioFuture) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_no_error (consumer.error);
  g_assert_cmpuint (values->len, ==, 3);
  g_assert_cmpint (counter.produced, ==, 3);
  g_assert_true (counter.cleaned_up);
  g_assert_cmpuint (counter.destroyed, ==, 1);
  g_clear_error (&counter.yield_error);

  after = aio_async_generator_anext (gen);
  g_assert_false (aio_future_propagate (after, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
  again = aio_async_generator_aclose (gen);
  g_assert_true (aio_future_done (again));
  g_assert_true (aio_future_propagate (again, NULL));
}

static void
test_generator_close_unstarted (void)
{
  Counter counter = { .limit = 3 };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter,
                                                              counter_destroy);
  g_autoptr(AioFuture) close = aio_async_generator_aclose (gen);
  g_autoptr(AioFuture) next = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_future_propagate (close, NULL));
  g_assert_cmpuint (counter.destroyed, ==, 1);
  next = aio_async_generator_anext (gen);
  g_assert_false (aio_future_propagate (next, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
  aio_test_drain (NULL);
  g_assert_cmpint (counter.produced, ==, 0);
}

/* A body that keeps yielding after it was closed: aclose() says so. */

static void
test_generator_ignores_close (void)
{
  Counter counter = { .limit = 4, .ignore_close = TRUE };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter, NULL);
  g_autoptr(AioFuture) first = aio_async_generator_anext (gen);
  g_autoptr(AioFuture) close = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_test_run_future (first, NULL));
  close = aio_async_generator_aclose (gen);
  g_assert_false (aio_test_run_future (close, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_assert_true (counter.cleaned_up);
}

/* The consumer is cancelled while it waits: the body is cancelled at its
 * current await, and the cancellation reaches the consumer.
 */

static void
test_generator_cancel_consumer (void)
{
  g_autoptr(AioEvent) gate = aio_event_new ();
  Counter counter = { .limit = 10, .gate = gate };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter, NULL);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint));
  Consumer consumer = { gen, values, NULL, -1 };
  g_autoptr(AioTask) task = aio_task_new (consume_body, &consumer, NULL);
  g_autoptr(AioFuture) after = NULL;
  g_autoptr(GError) error = NULL;

  /* The consumer waits for the first value, the body at the gate. */
  aio_test_drain (NULL);
  g_assert_false (aio_future_done (AIO_FUTURE (task)));
  aio_task_cancel (task, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_error (consumer.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&consumer.error);
  g_assert_true (counter.cleaned_up);
  g_assert_cmpint (counter.produced, ==, 0);
  g_assert_cmpuint (values->len, ==, 0);
  g_clear_error (&counter.yield_error);

  after = aio_async_generator_anext (gen);
  g_assert_false (aio_future_propagate (after, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
}

/* The consumer is cancelled before it even awaits: the body never runs. */

static void
cancel_self_then_consume (AioTask  *task,
                          gpointer  user_data)
{
  aio_task_cancel (task, NULL);
  consume_body (task, user_data);
}

static void
test_generator_cancel_before (void)
{
  Counter counter = { .limit = 3 };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter,
                                                              counter_destroy);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint));
  Consumer consumer = { gen, values, NULL, -1 };
  g_autoptr(AioTask) task = aio_task_new (cancel_self_then_consume, &consumer, NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_error (consumer.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&consumer.error);
  g_assert_cmpint (counter.produced, ==, 0);
  g_assert_false (counter.cleaned_up);
  g_assert_cmpuint (counter.destroyed, ==, 1);
}

/* The caller of aclose() is cancelled while the body's cleanup awaits:
 * the cleanup is cancelled too, and so is the aclose().
 */

static void
slow_cleanup_body (AioAsyncGenerator *gen,
                   gpointer           user_data)
{
  Counter *c = user_data;
  GError *error = NULL;

  if (aio_async_generator_yield_int (gen, 1, &error))
    return;
  g_clear_error (&error);
  /* Cleanup that waits for something that never comes. */
  if (!aio_await (aio_event_wait (c->gate), &error))
    {
      c->cleaned_up = TRUE;
      aio_async_generator_return_error (gen, error);
    }
}

static void
close_body (AioTask  *task,
            gpointer  user_data)
{
  GError *error = NULL;

  if (!aio_await (aio_async_generator_aclose (user_data), &error))
    aio_task_return_error (task, error);
}

static void
test_generator_cancel_aclose (void)
{
  g_autoptr(AioEvent) gate = aio_event_new ();
  Counter counter = { .gate = gate };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (slow_cleanup_body, &counter, NULL);
  g_autoptr(AioFuture) first = aio_async_generator_anext (gen);
  g_autoptr(AioTask) closer = NULL;
  g_autoptr(AioFuture) after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_test_run_future (first, NULL));
  closer = aio_task_new (close_body, gen, NULL);
  aio_test_drain (NULL);
  g_assert_false (aio_future_done (AIO_FUTURE (closer)));
  aio_task_cancel (closer, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (closer), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (counter.cleaned_up);
  g_clear_error (&error);

  after = aio_async_generator_anext (gen);
  g_assert_false (aio_future_propagate (after, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
}

/* A value handed to a consumer cancelled before it resumed is not lost:
 * the next anext() gets it.
 */

static void
test_generator_value_kept (void)
{
  Counter counter = { .limit = 3 };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter, NULL);
  g_autoptr(AioFuture) first = aio_async_generator_anext (gen);
  g_autoptr(AioFuture) again = NULL;
  g_autoptr(AioFuture) second = NULL;

  /* Nobody reads the delivered value: its consumer is cancelled first. */
  while (!aio_future_done (first))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (aio_future_cancel (first, NULL));
  g_clear_object (&first);

  again = aio_async_generator_anext (gen);
  g_assert_true (aio_future_done (again));
  g_assert_cmpint (aio_future_get_int (again, NULL), ==, 0);
  g_assert_cmpint (counter.produced, ==, 1);

  second = aio_async_generator_anext (gen);
  g_assert_true (aio_test_run_future (second, NULL));
  g_assert_cmpint (aio_future_get_int (second, NULL), ==, 1);
  /* A delivered value's future keeps the generator until it goes. */
  g_clear_object (&again);
  g_clear_object (&second);
  g_clear_object (&gen);
  aio_test_drain (NULL);
  g_assert_true (counter.cleaned_up);
  g_clear_error (&counter.yield_error);
}

/* Dropped while suspended at a yield: closed, and the cleanup runs. */

static void
test_generator_dropped (void)
{
  Counter counter = { .limit = 10, .await_between = TRUE };
  AioAsyncGenerator *gen = aio_async_generator_new (count_body, &counter, counter_destroy);
  GWeakRef weak;
  AioFuture *first = aio_async_generator_anext (gen);

  g_weak_ref_init (&weak, gen);
  g_assert_true (aio_test_run_future (first, NULL));
  g_object_unref (first);
  g_object_unref (gen);
  g_assert_false (counter.cleaned_up);
  aio_test_drain (NULL);
  g_assert_true (counter.cleaned_up);
  g_assert_error (counter.yield_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&counter.yield_error);
  g_assert_cmpuint (counter.destroyed, ==, 1);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

/* Dropped at the yield itself: the consumer let go of both the future
 * and the generator before the value came.  The yield fails at once and
 * the cleanup runs.
 */

static void
test_generator_dropped_at_yield (void)
{
  Counter counter = { .limit = 10 };
  AioAsyncGenerator *gen = aio_async_generator_new (count_body, &counter, counter_destroy);

  g_object_unref (aio_async_generator_anext (gen));
  g_object_unref (gen);
  aio_test_drain (NULL);
  g_assert_cmpint (counter.produced, ==, 1);
  g_assert_true (counter.cleaned_up);
  g_assert_error (counter.yield_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&counter.yield_error);
  g_assert_cmpuint (counter.destroyed, ==, 1);
}

/* The body's task is cancelled by someone else while it waits at a yield:
 * the yield fails with the cancellation, the cleanup runs, and the
 * generator is over.
 */

static void
test_generator_body_cancelled (void)
{
  Counter counter = { .limit = 10 };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter, NULL);
  g_autoptr(AioFuture) first = aio_async_generator_anext (gen);
  g_autoptr(AioFuture) during = NULL;
  g_autoptr(AioFuture) after = NULL;
  GError *error = NULL;

  g_assert_true (aio_test_run_future (first, NULL));
  g_assert_cmpint (aio_future_get_int (first, NULL), ==, 0);
  g_assert_nonnull (counter.body_task);
  g_assert_true (aio_task_cancel (counter.body_task, "from outside"));

  /* The body runs its cleanup: not a time to ask for values. */
  during = aio_async_generator_anext (gen);
  g_assert_false (aio_future_propagate (during, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  aio_test_drain (NULL);
  g_assert_true (counter.cleaned_up);
  g_assert_error (counter.yield_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (counter.yield_error->message, ==, "from outside");
  g_clear_error (&counter.yield_error);
  g_assert_cmpint (counter.produced, ==, 1);

  after = aio_async_generator_anext (gen);
  g_assert_false (aio_future_propagate (after, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
  g_clear_error (&error);
}

/* Dropped by its consumer while a value is on the way. */

static void
test_generator_dropped_running (void)
{
  Counter counter = { .limit = 10, .await_between = TRUE };
  AioAsyncGenerator *gen = aio_async_generator_new (count_body, &counter, NULL);
  AioFuture *first = aio_async_generator_anext (gen);

  g_object_unref (gen);
  g_assert_true (aio_test_run_future (first, NULL));
  g_assert_cmpint (aio_future_get_int (first, NULL), ==, 0);
  g_object_unref (first);
  aio_test_drain (NULL);
  g_assert_true (counter.cleaned_up);
  g_clear_error (&counter.yield_error);
}

/* A stackless body: a state machine yielding strings. */

typedef struct
{
  guint    state;
  gboolean closed;
} Words;

static AioFuture *
yield_word (AioAsyncGenerator *gen,
            const char        *word)
{
  GValue value = G_VALUE_INIT;
  AioFuture *next;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, word);
  next = aio_async_generator_yield_value (gen, &value);
  g_value_unset (&value);
  return next;
}

/* Yields "one", awaits something else, then yields "two" and "three". */
static AioFuture *
words_step (AioAsyncGenerator *gen,
            AioFuture         *awaited,
            gpointer           user_data)
{
  Words *w = user_data;

  if (awaited != NULL && !aio_future_propagate (awaited, NULL))
    {
      w->closed = TRUE;
      return NULL;
    }
  switch (w->state++)
    {
    case 0:
      return yield_word (gen, "one");
    case 1:
      return aio_sleep (0);
    case 2:
      return yield_word (gen, "two");
    case 3:
      return yield_word (gen, "three");
    default:
      return NULL;
    }
}

static void
test_generator_stackless (void)
{
  Words words = { 0, FALSE };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new_stackless (words_step, &words, NULL);
  const char *expected[] = { "one", "two", "three" };
  g_autoptr(GError) error = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(AioFuture) next = aio_async_generator_anext (gen);

      g_assert_true (aio_test_run_future (next, NULL));
      g_assert_cmpstr (aio_future_get_string (next, NULL), ==, expected[i]);
    }
  {
    g_autoptr(AioFuture) end = aio_async_generator_anext (gen);

    g_assert_false (aio_test_run_future (end, &error));
    g_assert_error (error, AIO_ERROR, AIO_ERROR_STOP_ITERATION);
  }
  g_assert_false (words.closed);

  /* And closed early. */
  {
    Words early = { 0, FALSE };
    g_autoptr(AioAsyncGenerator) gen2 = aio_async_generator_new_stackless (words_step, &early, NULL);
    g_autoptr(AioFuture) first = aio_async_generator_anext (gen2);
    g_autoptr(AioFuture) close = NULL;

    g_assert_true (aio_test_run_future (first, NULL));
    close = aio_async_generator_aclose (gen2);
    g_assert_true (aio_test_run_future (close, NULL));
    g_assert_true (early.closed);
  }
}

/* Yielding from outside the body is refused. */

static void
test_generator_yield_outside (void)
{
  Counter counter = { .limit = 1 };
  g_autoptr(AioAsyncGenerator) gen = aio_async_generator_new (count_body, &counter, NULL);
  g_autoptr(AioFuture) stray = NULL;
  GValue value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  g_value_init (&value, G_TYPE_INT);
  stray = aio_async_generator_yield_value (gen, &value);
  g_assert_false (aio_future_propagate (stray, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_value_unset (&value);
  aio_test_drain (NULL);
}

/* A stackless body that calls the C coroutine form of yield by mistake
 * gets an error from it (it has no stack to wait on), not an abort.
 */

static AioFuture *
misplaced_yield_step (AioAsyncGenerator *gen,
                      AioFuture         *awaited,
                      gpointer           user_data)
{
  GError **error = user_data;

  g_assert_false (aio_async_generator_yield_int (gen, 7, error));
  return NULL;
}

static void
test_generator_stackless_misplaced_yield (void)
{
  GError *body_error = NULL;
  g_autoptr(AioAsyncGenerator) gen =
    aio_async_generator_new_stackless (misplaced_yield_step, &body_error, NULL);
  g_autoptr(AioFuture) first = aio_async_generator_anext (gen);

  g_assert_true (aio_test_run_future (first, NULL));
  g_assert_error (body_error, AIO_ERROR, AIO_ERROR_NOT_IN_COROUTINE);
  g_clear_error (&body_error);
  aio_test_drain (NULL);
}

/* On a non-default context the body runs on that context's loop. */

static void
test_generator_other_context (void)
{
  GMainContext *context = g_main_context_new ();
  AioLoop *loop;
  Counter counter = { .limit = 3, .await_between = TRUE };
  AioAsyncGenerator *gen = aio_async_generator_new (count_body, &counter, NULL);
  GArray *values = g_array_new (FALSE, FALSE, sizeof (gint));
  Consumer consumer = { gen, values, NULL, -1 };
  AioTask *task;

  g_main_context_push_thread_default (context);
  loop = aio_loop_get_for_context (context);
  task = aio_task_new (consume_body, &consumer, NULL);
  g_assert_true (aio_future_get_loop (AIO_FUTURE (task)) == loop);
  g_assert_true (aio_loop_run_until_complete (loop, AIO_FUTURE (task), NULL));
  g_assert_no_error (consumer.error);
  g_assert_cmpuint (values->len, ==, 3);
  g_assert_true (counter.cleaned_up);
  aio_test_drain (context);
  g_main_context_pop_thread_default (context);

  g_object_unref (task);
  g_object_unref (gen);
  g_array_unref (values);
  aio_test_drain (context);
  g_main_context_unref (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/async-generator/iterate", test_generator_iterate);
  aio_test_add_func ("/aio/async-generator/lazy", test_generator_lazy);
  aio_test_add_func ("/aio/async-generator/error", test_generator_error);
  aio_test_add_func ("/aio/async-generator/early-close", test_generator_early_close);
  aio_test_add_func ("/aio/async-generator/close-unstarted", test_generator_close_unstarted);
  aio_test_add_func ("/aio/async-generator/ignores-close", test_generator_ignores_close);
  aio_test_add_func ("/aio/async-generator/cancel-consumer", test_generator_cancel_consumer);
  aio_test_add_func ("/aio/async-generator/cancel-before", test_generator_cancel_before);
  aio_test_add_func ("/aio/async-generator/cancel-aclose", test_generator_cancel_aclose);
  aio_test_add_func ("/aio/async-generator/value-kept", test_generator_value_kept);
  aio_test_add_func ("/aio/async-generator/dropped", test_generator_dropped);
  aio_test_add_func ("/aio/async-generator/dropped-running", test_generator_dropped_running);
  aio_test_add_func ("/aio/async-generator/dropped-at-yield", test_generator_dropped_at_yield);
  aio_test_add_func ("/aio/async-generator/body-cancelled", test_generator_body_cancelled);
  aio_test_add_func ("/aio/async-generator/stackless", test_generator_stackless);
  aio_test_add_func ("/aio/async-generator/yield-outside", test_generator_yield_outside);
  aio_test_add_func ("/aio/async-generator/stackless-misplaced-yield",
                     test_generator_stackless_misplaced_yield);
  aio_test_add_func ("/aio/async-generator/other-context", test_generator_other_context);

  return g_test_run ();
}

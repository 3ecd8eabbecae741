/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "aio-test-utils.h"

/* Stackless tasks: the step-function bodies the language bindings use. */

static void
set_later_cb (gpointer user_data)
{
  g_assert_true (aio_future_set_int (user_data, 10, NULL));
}

static void
child_five (AioTask  *task,
            gpointer  user_data)
{
  GError *error = NULL;

  g_assert_true (aio_yield (&error));
  aio_task_return_int (task, 5);
}

typedef struct
{
  guint      steps;
  AioFuture *returned[4];   /* (unowned) what each step returned */
  gint       sum;
  gboolean   destroyed;
} Sequence;

static AioFuture *
sequence_step (AioTask   *task,
               AioFuture *awaited,
               gpointer   user_data)
{
  Sequence *seq = user_data;
  AioFuture *next = NULL;
  GError *error = NULL;
  guint step = seq->steps++;

  g_assert_true (aio_current_task () == task);
  g_assert_true (aio_loop_get_running () == aio_loop_get_default ());
  g_assert_false (seq->destroyed);

  /* Each step is handed the future the previous one returned, done. */
  if (step == 0)
    g_assert_null (awaited);
  else
    {
      g_assert_true (awaited == seq->returned[step - 1]);
      g_assert_true (aio_future_done (awaited));
    }

  switch (step)
    {
    case 0:
      next = aio_future_new ();
      aio_handle_unref (aio_loop_call_soon (aio_loop_get_running (), set_later_cb, next, NULL));
      break;
    case 1:
      seq->sum += aio_future_get_int (awaited, &error);
      g_assert_no_error (error);
      next = aio_sleep (0.001);
      break;
    case 2:
      g_assert_true (aio_future_propagate (awaited, &error));
      next = AIO_FUTURE (aio_task_new (child_five, NULL, NULL));
      break;
    case 3:
      seq->sum += aio_future_get_int (awaited, &error);
      g_assert_no_error (error);
      aio_task_return_int (task, seq->sum);
      return NULL;
    default:
      g_assert_not_reached ();
    }

  g_assert_false (aio_future_done (next));
  seq->returned[step] = next;
  return next;
}

static void
sequence_destroy (gpointer user_data)
{
  Sequence *seq = user_data;

  g_assert_false (seq->destroyed);
  seq->destroyed = TRUE;
}

static void
test_stackless_sequence (void)
{
  Sequence seq;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  memset (&seq, 0, sizeof seq);
  task = aio_task_new_stackless (NULL, "steps", sequence_step, &seq, sequence_destroy);
  g_assert_cmpstr (aio_task_get_name (task), ==, "steps");
  g_assert_true (aio_task_is_stackless (task));
  /* Started on the loop's next turn, not from the constructor. */
  g_assert_cmpuint (seq.steps, ==, 0);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seq.steps, ==, 4);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 15);
  g_assert_true (seq.destroyed);
}

/* A coroutine awaiting a stackless task, and the reverse. */

static AioFuture *
stackless_awaits_coroutine (AioTask   *task,
                            AioFuture *awaited,
                            gpointer   user_data)
{
  if (awaited == NULL)
    return AIO_FUTURE (aio_task_new (child_five, NULL, NULL));
  aio_task_return_int (task, aio_future_get_int (awaited, NULL) * 2);
  return NULL;
}

static void
coroutine_awaits_stackless (AioTask  *task,
                            gpointer  user_data)
{
  GError *error = NULL;
  AioTask *inner = aio_task_new_stackless (NULL, NULL, stackless_awaits_coroutine, NULL, NULL);
  gint value = aio_await_int (AIO_FUTURE (inner), &error);

  g_assert_no_error (error);
  aio_task_return_int (task, value + 1);
}

static void
test_stackless_mixed (void)
{
  g_autoptr(AioTask) task = aio_task_new (coroutine_awaits_stackless, NULL, NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 11);
}

/* Cancellation arrives as a cancelled awaited future. */

typedef struct
{
  AioFuture *blocker;       /* (owned) */
  AioFuture *cleanup;       /* (owned) (nullable) returned after the cancellation */
  gboolean   swallow;
  gboolean   cancel_self;   /* request a cancellation from inside the first step */
  guint      steps;
  gboolean   waiting;
  gboolean   first_awaited_cancelled;
  gboolean   saw_blocker;
  char      *message;       /* (owned) of the cancellation seen */
} Cancelling;

static AioFuture *
cancelling_step (AioTask   *task,
                 AioFuture *awaited,
                 gpointer   user_data)
{
  Cancelling *c = user_data;
  guint step = c->steps++;
  GError *error = NULL;

  if (step == 0 && awaited == NULL)
    {
      if (c->cancel_self)
        g_assert_true (aio_task_cancel (task, "self"));
      c->waiting = TRUE;
      return g_object_ref (c->blocker);
    }

  c->waiting = FALSE;
  if (step == 0 || c->message == NULL)
    {
      /* The first delivery of the cancellation. */
      g_assert_nonnull (awaited);
      c->first_awaited_cancelled = aio_future_cancelled (awaited);
      c->saw_blocker = awaited == c->blocker;
      g_assert_false (aio_future_propagate (awaited, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      c->message = g_strdup (error->message);

      if (c->cleanup != NULL)
        {
          g_clear_error (&error);
          return g_object_ref (c->cleanup);
        }
    }
  else
    {
      /* Back from the cleanup await. */
      g_assert_true (awaited == c->cleanup);
      g_assert_true (aio_future_propagate (awaited, NULL));
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, c->message);
    }

  if (c->swallow)
    {
      g_clear_error (&error);
      aio_task_return_string (task, "survived");
    }
  else
    aio_task_return_error (task, error);
  return NULL;
}

static void
cancelling_init (Cancelling *c)
{
  memset (c, 0, sizeof *c);
  c->blocker = aio_future_new ();
}

static void
cancelling_clear (Cancelling *c)
{
  g_clear_object (&c->blocker);
  g_clear_object (&c->cleanup);
  g_clear_pointer (&c->message, g_free);
}

static void
test_stackless_cancel_waiting (void)
{
  Cancelling c;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  cancelling_init (&c);
  task = aio_task_new_stackless (NULL, NULL, cancelling_step, &c, NULL);
  aio_test_wait_for_flag (&c.waiting, 5);

  g_assert_true (aio_task_cancel (task, "halt"));
  g_assert_true (aio_future_cancelled (c.blocker));
  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "halt");

  /* The step saw the very future it returned, now cancelled. */
  g_assert_true (c.saw_blocker);
  g_assert_true (c.first_awaited_cancelled);
  g_assert_cmpstr (c.message, ==, "halt");
  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
  cancelling_clear (&c);
}

static void
test_stackless_cancel_cleanup_swallow (void)
{
  Cancelling c;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  cancelling_init (&c);
  c.cleanup = aio_sleep (0.001);
  c.swallow = TRUE;
  task = aio_task_new_stackless (NULL, NULL, cancelling_step, &c, NULL);
  aio_test_wait_for_flag (&c.waiting, 5);

  /* After the cancellation the body awaits its cleanup, then ends
   * normally.
   */
  g_assert_true (aio_task_cancel (task, NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.steps, ==, 3);
  g_assert_cmpstr (aio_future_get_string (AIO_FUTURE (task), NULL), ==, "survived");
  cancelling_clear (&c);
}

static void
test_stackless_cancel_before_start (void)
{
  Cancelling c;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  cancelling_init (&c);
  task = aio_task_new_stackless (NULL, NULL, cancelling_step, &c, NULL);
  g_assert_true (aio_task_cancel (task, "early"));

  /* The first step already gets a cancelled future instead of NULL, so a
   * binding can throw the cancellation into its coroutine.
   */
  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (c.steps, ==, 1);
  g_assert_true (c.first_awaited_cancelled);
  g_assert_false (c.saw_blocker);
  g_assert_cmpstr (c.message, ==, "early");
  cancelling_clear (&c);
}

static void
test_stackless_cancel_self (void)
{
  Cancelling c;
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  cancelling_init (&c);
  c.cancel_self = TRUE;
  task = aio_task_new_stackless (NULL, NULL, cancelling_step, &c, NULL);

  /* Requested while the step ran: the future it returns is cancelled. */
  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (c.saw_blocker);
  g_assert_true (aio_future_cancelled (c.blocker));
  g_assert_cmpstr (c.message, ==, "self");
  cancelling_clear (&c);
}

static AioFuture *
return_self_step (AioTask   *task,
                  AioFuture *awaited,
                  gpointer   user_data)
{
  guint *steps = user_data;

  (*steps)++;
  return g_object_ref (AIO_FUTURE (task));
}

static void
test_stackless_await_self (void)
{
  guint steps = 0;
  g_autoptr(AioTask) task = aio_task_new_stackless (NULL, "ouroboros", return_self_step, &steps,
                                                    NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_AWAIT_SELF);
  g_assert_nonnull (strstr (error->message, "ouroboros"));
  g_assert_cmpuint (steps, ==, 1);
  g_assert_cmpint (aio_future_get_state (AIO_FUTURE (task)), ==, AIO_FUTURE_FINISHED);
}

/* Futures that are already done do not cost a turn of the loop. */

typedef struct
{
  guint    steps;
  gboolean marker_ran;
  gboolean marker_seen_early;
} Eager;

static void
marker_cb (gpointer user_data)
{
  Eager *eager = user_data;

  eager->marker_ran = TRUE;
}

static AioFuture *
eager_step (AioTask   *task,
            AioFuture *awaited,
            gpointer   user_data)
{
  Eager *eager = user_data;
  AioFuture *next;

  if (eager->steps == 0)
    aio_handle_unref (aio_loop_call_soon (aio_loop_get_running (), marker_cb, eager, NULL));
  else
    g_assert_cmpint (aio_future_get_int (awaited, NULL), ==, (gint) eager->steps - 1);
  if (eager->marker_ran)
    eager->marker_seen_early = TRUE;

  if (eager->steps == 1000)
    {
      aio_task_return_uint64 (task, eager->steps);
      return NULL;
    }

  next = aio_future_new ();
  g_assert_true (aio_future_set_int (next, (gint) eager->steps, NULL));
  eager->steps++;
  return next;
}

static void
test_stackless_done_futures (void)
{
  Eager eager = { 0, FALSE, FALSE };
  g_autoptr(AioTask) task = aio_task_new_stackless (NULL, NULL, eager_step, &eager, NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_cmpuint (aio_future_get_uint64 (AIO_FUTURE (task), NULL), ==, 1000);
  /* All thousand steps ran before a callback scheduled at the first. */
  g_assert_false (eager.marker_seen_early);
  g_assert_true (eager.marker_ran);
}

/* A step awaiting a future another thread completes. */

static gpointer
complete_in_thread (gpointer data)
{
  g_assert_true (aio_future_set_string (data, "threaded", NULL));
  return NULL;
}

typedef struct
{
  AioFuture *future;
  GThread   *thread;
} Threaded;

static AioFuture *
threaded_step (AioTask   *task,
               AioFuture *awaited,
               gpointer   user_data)
{
  Threaded *threaded = user_data;

  if (awaited == NULL)
    {
      threaded->thread = g_thread_new ("completer", complete_in_thread, threaded->future);
      return g_object_ref (threaded->future);
    }
  aio_task_return_string (task, aio_future_get_string (awaited, NULL));
  return NULL;
}

static void
test_stackless_thread (void)
{
  Threaded threaded = { aio_future_new (), NULL };
  g_autoptr(AioTask) task = aio_task_new_stackless (NULL, NULL, threaded_step, &threaded, NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_cmpstr (aio_future_get_string (AIO_FUTURE (task), NULL), ==, "threaded");
  g_thread_join (threaded.thread);
  g_object_unref (threaded.future);
}

/* A stackless task on a loop of its own context. */

static AioFuture *
sleep_once_step (AioTask   *task,
                 AioFuture *awaited,
                 gpointer   user_data)
{
  AioLoop *loop = user_data;

  g_assert_true (aio_loop_get_running () == loop);
  if (awaited == NULL)
    return aio_sleep (0.001);
  g_assert_true (aio_future_get_loop (awaited) == loop);
  aio_task_return_boolean (task, TRUE);
  return NULL;
}

static void
test_stackless_other_context (void)
{
  GMainContext *context = g_main_context_new ();
  AioLoop *loop = aio_loop_get_for_context (context);
  AioTask *task = aio_task_new_stackless (loop, NULL, sleep_once_step, loop, NULL);

  g_assert_true (aio_future_get_loop (AIO_FUTURE (task)) == loop);
  g_assert_true (aio_loop_run_until_complete (loop, AIO_FUTURE (task), NULL));
  g_assert_true (aio_future_get_boolean (AIO_FUTURE (task), NULL));
  g_object_unref (task);
  aio_test_drain (context);
  aio_test_assert_no_tasks (loop);
  g_main_context_unref (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/stackless/sequence", test_stackless_sequence);
  aio_test_add_func ("/aio/stackless/mixed", test_stackless_mixed);
  aio_test_add_func ("/aio/stackless/cancel/waiting", test_stackless_cancel_waiting);
  aio_test_add_func ("/aio/stackless/cancel/cleanup-swallow",
                     test_stackless_cancel_cleanup_swallow);
  aio_test_add_func ("/aio/stackless/cancel/before-start", test_stackless_cancel_before_start);
  aio_test_add_func ("/aio/stackless/cancel/self", test_stackless_cancel_self);
  aio_test_add_func ("/aio/stackless/await-self", test_stackless_await_self);
  aio_test_add_func ("/aio/stackless/done-futures", test_stackless_done_futures);
  aio_test_add_func ("/aio/stackless/thread", test_stackless_thread);
  aio_test_add_func ("/aio/stackless/other-context", test_stackless_other_context);

  return g_test_run ();
}

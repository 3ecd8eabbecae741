/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "aio-test-utils.h"

/* Blocking work on worker threads (aio_to_thread, run_in_executor,
 * AioExecutor), and crossing threads with coroutines
 * (aio_run_coroutine_threadsafe, aio_future_wait_sync).
 */

static gint results_freed;
static gint data_freed;

static void
count_result_free (gpointer p)
{
  g_atomic_int_inc (&results_freed);
  g_free (p);
}

static void
count_data_free (gpointer p)
{
  g_atomic_int_inc (&data_freed);
}

static void
reset_counts (void)
{
  g_atomic_int_set (&results_freed, 0);
  g_atomic_int_set (&data_freed, 0);
}

/* Returns the name of the thread it ran on. */
static gpointer
thread_name_func (GCancellable *cancellable,
                  gpointer      user_data,
                  GError      **error)
{
  g_assert_true (g_main_context_get_thread_default () == NULL);
  return g_strdup_printf ("%p", (gpointer) g_thread_self ());
}

static void
to_thread_body (AioTask  *task,
                gpointer  user_data)
{
  GError *error = NULL;
  char *here = g_strdup_printf ("%p", (gpointer) g_thread_self ());
  char *there = aio_await_pointer (aio_to_thread (thread_name_func, NULL, count_result_free,
                                                  count_data_free), &error);

  g_assert_no_error (error);
  g_assert_nonnull (there);
  g_assert_cmpstr (here, !=, there);
  g_free (there);   /* ours now: the future no longer frees it */
  g_free (here);
}

static void
test_to_thread_result (void)
{
  reset_counts ();
  g_object_unref (aio_test_run_task (to_thread_body, NULL));
  g_assert_cmpint (g_atomic_int_get (&data_freed), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&results_freed), ==, 0);
}

/* A result left in a future that is freed goes with it. */
static void
test_result_freed_with_future (void)
{
  AioFuture *future;
  GError *error = NULL;

  reset_counts ();
  future = aio_to_thread (thread_name_func, NULL, count_result_free, NULL);
  g_assert_true (aio_test_run_future (future, &error));
  g_assert_no_error (error);
  g_assert_nonnull (aio_future_get_pointer (future, NULL));
  g_object_unref (future);
  g_assert_cmpint (g_atomic_int_get (&results_freed), ==, 1);
}

static gpointer
failing_func (GCancellable *cancellable,
              gpointer      user_data,
              GError      **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "no: %s", (char *) user_data);
  return NULL;
}

static void
test_error (void)
{
  AioFuture *future = aio_to_thread (failing_func, g_strdup ("blocked"), g_free, g_free);
  GError *error = NULL;

  g_assert_false (aio_test_run_future (future, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_cmpstr (error->message, ==, "no: blocked");
  g_clear_error (&error);
  g_object_unref (future);
}

/* A gate a worker blocks on until the test opens it. */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean open;
  gboolean entered;
  gboolean saw_cancel;
  gint     calls;     /* (atomic) */
} Gate;

static void
gate_init (Gate *gate)
{
  memset (gate, 0, sizeof *gate);
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
}

static void
gate_clear (Gate *gate)
{
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
}

static void
gate_open (Gate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->open = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

static void
gate_wait_entered (Gate *gate)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_mutex_lock (&gate->lock);
  while (!gate->entered)
    g_assert_true (g_cond_wait_until (&gate->cond, &gate->lock, end));
  g_mutex_unlock (&gate->lock);
}

static gpointer
gated_func (GCancellable *cancellable,
            gpointer      user_data,
            GError      **error)
{
  Gate *gate = user_data;

  g_atomic_int_inc (&gate->calls);
  g_mutex_lock (&gate->lock);
  gate->entered = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->lock);
  gate->saw_cancel = g_cancellable_is_cancelled (cancellable);
  g_mutex_unlock (&gate->lock);
  return g_strdup ("late");
}

/* Cancelling the future of a running job: done at once, the result is
 * abandoned and freed with its destroy notify once the job ends.
 */
static void
test_cancel_running (void)
{
  AioExecutor *executor = aio_executor_new (1);
  AioLoop *loop = aio_loop_get_default ();
  AioFuture *future;
  Gate gate;
  GError *error = NULL;

  reset_counts ();
  gate_init (&gate);
  future = aio_loop_run_in_executor (loop, executor, gated_func, &gate, count_result_free,
                                     count_data_free);
  gate_wait_entered (&gate);
  g_assert_true (aio_future_cancel (future, "give up"));
  g_assert_true (aio_future_cancelled (future));
  g_assert_false (aio_future_propagate (future, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  gate_open (&gate);
  aio_executor_shutdown (executor, TRUE, FALSE);
  aio_test_drain (NULL);
  g_assert_true (gate.saw_cancel);
  g_assert_cmpint (g_atomic_int_get (&results_freed), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&data_freed), ==, 1);
  g_object_unref (future);
  g_object_unref (executor);
  gate_clear (&gate);
}

/* A job cancelled before a worker took it never runs. */
static void
test_cancel_queued (void)
{
  AioExecutor *executor = aio_executor_new (1);
  AioFuture *first, *second;
  Gate gate;

  reset_counts ();
  gate_init (&gate);
  first = aio_executor_submit (executor, gated_func, &gate, count_result_free, NULL);
  gate_wait_entered (&gate);
  second = aio_executor_submit (executor, gated_func, &gate, count_result_free, count_data_free);
  aio_future_cancel (second, NULL);
  gate_open (&gate);
  g_assert_true (aio_test_run_future (first, NULL));
  aio_executor_shutdown (executor, TRUE, FALSE);
  aio_test_drain (NULL);
  g_assert_cmpint (g_atomic_int_get (&gate.calls), ==, 1);
  g_assert_true (aio_future_cancelled (second));
  g_assert_cmpint (g_atomic_int_get (&data_freed), ==, 1);
  g_object_unref (first);
  g_object_unref (second);
  g_assert_cmpint (g_atomic_int_get (&results_freed), ==, 1);
  g_object_unref (executor);
  gate_clear (&gate);
}

/* Cancelling a task that awaits the job, at its await point. */
static void
cancelled_awaiter_body (AioTask  *task,
                        gpointer  user_data)
{
  GError *error = NULL;

  g_assert_null (aio_await_pointer (aio_to_thread (gated_func, user_data, count_result_free,
                                                   NULL), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
}

static gboolean
cancel_later (gpointer data)
{
  aio_task_cancel (data, NULL);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_awaiting_task (void)
{
  AioTask *task;
  Gate gate;

  reset_counts ();
  gate_init (&gate);
  task = aio_task_new (cancelled_awaiter_body, &gate, NULL);
  g_timeout_add (20, cancel_later, task);
  aio_test_run_future (AIO_FUTURE (task), NULL);
  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_true (gate.entered);
  gate_open (&gate);
  aio_executor_shutdown (aio_loop_get_default_executor (aio_loop_get_default ()), TRUE, FALSE);
  aio_test_drain (NULL);
  g_assert_cmpint (g_atomic_int_get (&results_freed), ==, 1);
  aio_loop_set_default_executor (aio_loop_get_default (), NULL);
  g_object_unref (task);
  gate_clear (&gate);
}

typedef struct
{
  gint running;   /* (atomic) */
  gint peak;      /* (atomic) */
} Occupancy;

static gpointer
occupy_func (GCancellable *cancellable,
             gpointer      user_data,
             GError      **error)
{
  Occupancy *occupancy = user_data;
  gint now = g_atomic_int_add (&occupancy->running, 1) + 1;
  gint peak;

  while ((peak = g_atomic_int_get (&occupancy->peak)) < now &&
         !g_atomic_int_compare_and_exchange (&occupancy->peak, peak, now))
    ;
  g_usleep (20 * 1000);
  g_atomic_int_add (&occupancy->running, -1);
  return NULL;
}

/* Runs @n occupy_func jobs on @executor and returns the peak concurrency. */
static gint
occupancy_peak (AioExecutor *executor,
                guint        n)
{
  GPtrArray *futures = g_ptr_array_new ();   /* taken by the gather */
  Occupancy occupancy = { 0, 0 };
  AioFuture *all;
  guint i;

  for (i = 0; i < n; i++)
    g_ptr_array_add (futures, aio_executor_submit (executor, occupy_func, &occupancy, NULL, NULL));
  all = aio_gather_array (futures, FALSE);
  g_assert_true (aio_test_run_future (all, NULL));
  g_object_unref (all);
  g_assert_cmpint (g_atomic_int_get (&occupancy.running), ==, 0);
  return g_atomic_int_get (&occupancy.peak);
}

/* No more jobs run at once than the executor has workers. */
static void
test_bounded (void)
{
  AioExecutor *executor = aio_executor_new (2);
  gint peak;

  g_assert_cmpuint (aio_executor_get_max_workers (executor), ==, 2);
  g_assert_cmpint (occupancy_peak (executor, 8), ==, 2);

  /* Raised at run time, the limit lets more in. */
  aio_executor_set_max_workers (executor, 4);
  g_assert_cmpuint (aio_executor_get_max_workers (executor), ==, 4);
  peak = occupancy_peak (executor, 8);
  g_assert_cmpint (peak, >, 2);
  g_assert_cmpint (peak, <=, 4);
  g_object_unref (executor);
}

static void
test_default_executor (void)
{
  AioLoop *loop = aio_loop_get_default ();
  AioExecutor *custom = aio_executor_new (3);
  AioExecutor *first = aio_loop_get_default_executor (loop);
  AioFuture *future;
  guint expected = MIN (32, g_get_num_processors () + 4);

  g_assert_cmpuint (aio_executor_get_default_size (), ==, expected);
  g_assert_cmpuint (aio_executor_get_max_workers (first), ==, expected);
  g_assert_true (aio_loop_get_default_executor (loop) == first);
  aio_loop_set_default_executor (loop, custom);
  g_assert_true (aio_loop_get_default_executor (loop) == custom);

  /* to_thread goes to the loop's default, now shut down. */
  aio_executor_shutdown (custom, TRUE, FALSE);
  g_assert_true (aio_executor_is_shutdown (custom));
  future = aio_to_thread (thread_name_func, NULL, g_free, NULL);
  g_assert_true (aio_future_done (future));
  g_assert_false (aio_future_propagate (future, NULL));
  g_object_unref (future);
  future = aio_loop_run_in_executor (loop, NULL, thread_name_func, NULL, g_free, NULL);
  {
    GError *error = NULL;

    g_assert_false (aio_future_propagate (future, &error));
    g_assert_error (error, AIO_ERROR, AIO_ERROR_CLOSED);
    g_clear_error (&error);
  }
  g_object_unref (future);

  aio_loop_set_default_executor (loop, NULL);
  g_assert_true (aio_loop_get_default_executor (loop) != custom);
  g_assert_false (aio_executor_is_shutdown (aio_loop_get_default_executor (loop)));
  g_object_unref (custom);
}

/* Shutting down with cancel_futures skips the jobs still queued. */
static void
test_shutdown_cancel_futures (void)
{
  AioExecutor *executor = aio_executor_new (1);
  AioFuture *first, *queued;
  Gate gate;
  GError *error = NULL;

  reset_counts ();
  gate_init (&gate);
  first = aio_executor_submit (executor, gated_func, &gate, g_free, NULL);
  gate_wait_entered (&gate);
  queued = aio_executor_submit (executor, gated_func, &gate, g_free, count_data_free);
  aio_executor_shutdown (executor, FALSE, TRUE);   /* while the first still runs */
  g_assert_true (aio_executor_is_shutdown (executor));
  gate_open (&gate);
  g_assert_true (aio_test_run_future (first, NULL));
  g_assert_false (aio_test_run_future (queued, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (aio_future_cancelled (queued));
  g_assert_cmpint (g_atomic_int_get (&gate.calls), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&data_freed), ==, 1);
  g_object_unref (queued);
  queued = aio_executor_submit (executor, gated_func, &gate, g_free, count_data_free);
  g_assert_false (aio_future_propagate (queued, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_CLOSED);
  g_assert_cmpint (g_atomic_int_get (&data_freed), ==, 2);
  g_clear_error (&error);
  g_object_unref (queued);
  g_object_unref (first);
  g_object_unref (executor);
  gate_clear (&gate);
}

static void
shutdown_default_body (AioTask  *task,
                       gpointer  user_data)
{
  Occupancy occupancy = { 0, 0 };
  AioFuture *job = aio_to_thread (occupy_func, &occupancy, NULL, NULL);
  GError *error = NULL;

  g_assert_true (aio_await_boolean (aio_loop_shutdown_default_executor (aio_loop_get_running ()),
                                    &error));
  g_assert_no_error (error);
  /* The job ran to its end before the shutdown finished. */
  g_assert_cmpint (g_atomic_int_get (&occupancy.peak), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&occupancy.running), ==, 0);
  g_assert_true (aio_await (job, &error));
  g_assert_no_error (error);
}

static void
test_shutdown_default (void)
{
  g_object_unref (aio_test_run_task (shutdown_default_body, NULL));
  aio_loop_set_default_executor (aio_loop_get_default (), NULL);
}

static gpointer
sleep_func (GCancellable *cancellable,
            gpointer      user_data,
            GError      **error)
{
  g_usleep (300 * 1000);
  return NULL;
}

/* Blocking work does not hold the loop: a timer fires meanwhile. */
static void
loop_free_body (AioTask  *task,
                gpointer  user_data)
{
  AioFuture *jobs[4];
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (jobs); i++)
    jobs[i] = aio_to_thread (sleep_func, NULL, NULL, NULL);
  g_assert_true (aio_await (aio_sleep (0.02), &error));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 200 * 1000);
  for (i = 0; i < G_N_ELEMENTS (jobs); i++)
    g_assert_true (aio_await (jobs[i], &error));
  g_assert_no_error (error);
}

static void
test_loop_not_blocked (void)
{
  g_object_unref (aio_test_run_task (loop_free_body, NULL));
}

/* Thousands of jobs: each completes its future from a worker thread. */
static gpointer
square_func (GCancellable *cancellable,
             gpointer      user_data,
             GError      **error)
{
  return GSIZE_TO_POINTER (GPOINTER_TO_SIZE (user_data) * GPOINTER_TO_SIZE (user_data));
}

static void
test_many_jobs (void)
{
  enum { N = 20000 };
  AioFuture **futures = g_new (AioFuture *, N);
  AioFuture *all;
  gsize i;

  for (i = 0; i < N; i++)
    futures[i] = aio_to_thread (square_func, GSIZE_TO_POINTER (i), NULL, NULL);
  all = aio_gatherv (futures, N, FALSE);
  g_assert_true (aio_test_run_future (all, NULL));
  for (i = 0; i < N; i++)
    {
      g_assert_cmpuint (GPOINTER_TO_SIZE (aio_future_get_pointer (futures[i], NULL)), ==, i * i);
      g_object_unref (futures[i]);
    }
  g_object_unref (all);
  g_free (futures);
}

/* Futures completed from several plain threads at once all wake the loop. */
typedef struct
{
  AioFuture **futures;
  guint       first;
  guint       count;
} Completer;

static gpointer
complete_futures_thread (gpointer data)
{
  Completer *completer = data;
  guint i;

  for (i = completer->first; i < completer->first + completer->count; i++)
    {
      aio_future_set_int (completer->futures[i], (gint) i, NULL);
      if (i % 1000 == 0)
        g_thread_yield ();
    }
  return NULL;
}

static void
test_cross_thread_completion_load (void)
{
  enum { THREADS = 8, PER_THREAD = 5000, N = THREADS * PER_THREAD };
  AioFuture **futures = g_new0 (AioFuture *, N);
  Completer completers[THREADS];
  GThread *threads[THREADS];
  AioFuture *all;
  guint i;

  for (i = 0; i < N; i++)
    futures[i] = aio_future_new ();
  all = aio_gatherv (futures, N, FALSE);
  for (i = 0; i < THREADS; i++)
    {
      completers[i] = (Completer) { futures, i * PER_THREAD, PER_THREAD };
      threads[i] = g_thread_new ("completer", complete_futures_thread, &completers[i]);
    }
  g_assert_true (aio_test_run_future (all, NULL));
  for (i = 0; i < THREADS; i++)
    g_thread_join (threads[i]);
  for (i = 0; i < N; i++)
    {
      g_assert_cmpint (aio_future_get_int (futures[i], NULL), ==, (gint) i);
      g_object_unref (futures[i]);
    }
  g_object_unref (all);
  g_free (futures);
}

/* aio_run_coroutine_threadsafe() from a plain thread onto the default
 * loop, blocking on the result with aio_future_wait_sync().
 */
static void
add_one_body (AioTask  *task,
              gpointer  user_data)
{
  GError *error = NULL;
  int n = GPOINTER_TO_INT (user_data);

  g_assert_true (aio_await (aio_sleep (0.005), &error));
  if (n < 0)
    aio_task_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                      "negative"));
  else
    aio_task_return_int (task, n + 1);
}

static void
forever_body (AioTask  *task,
              gpointer  user_data)
{
  GError *error = NULL;

  g_assert_false (aio_await (aio_sleep (3600), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_atomic_int_set ((gint *) user_data, TRUE);
  aio_task_return_error (task, error);
}

typedef struct
{
  AioLoop *loop;
  gint     forever_cancelled;   /* (atomic) */
  gboolean done;                /* (atomic) */
} PlainThread;

static gpointer
plain_thread (gpointer data)
{
  PlainThread *plain = data;
  AioFuture *future;
  GError *error = NULL;

  future = aio_run_coroutine_threadsafe (plain->loop, add_one_body, GINT_TO_POINTER (41), NULL);
  g_assert_true (aio_future_get_loop (future) == plain->loop);
  g_assert_true (aio_future_wait_sync (future, 5, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_int (future, NULL), ==, 42);
  g_object_unref (future);

  future = aio_run_coroutine_threadsafe (plain->loop, add_one_body, GINT_TO_POINTER (-1), NULL);
  g_assert_false (aio_future_wait_sync (future, -1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_object_unref (future);

  /* A timeout leaves the task running; cancelling the future cancels it. */
  future = aio_run_coroutine_threadsafe (plain->loop, forever_body,
                                         &plain->forever_cancelled, NULL);
  g_assert_false (aio_future_wait_sync (future, 0.05, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  g_assert_false (aio_future_done (future));
  aio_future_cancel (future, NULL);
  g_assert_false (aio_future_wait_sync (future, 5, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_object_unref (future);

  g_atomic_int_set (&plain->done, TRUE);
  g_main_context_wakeup (aio_loop_get_context (plain->loop));
  return NULL;
}

static void
test_threadsafe_from_plain_thread (void)
{
  PlainThread plain = { aio_loop_get_default (), FALSE, FALSE };
  GThread *thread = g_thread_new ("plain", plain_thread, &plain);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!g_atomic_int_get (&plain.done))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_thread_join (thread);
  aio_test_drain (NULL);
  g_assert_true (g_atomic_int_get (&plain.forever_cancelled));
}

/* From a coroutine on the default loop onto a worker thread's loop. */
typedef struct
{
  GMainContext *context;
  AioLoop      *loop;
  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  gint          quit;   /* (atomic) */
} LoopThread;

static gpointer
loop_thread (gpointer data)
{
  LoopThread *lt = data;

  g_main_context_push_thread_default (lt->context);
  g_mutex_lock (&lt->lock);
  lt->loop = aio_loop_get_thread_default ();
  lt->ready = TRUE;
  g_cond_signal (&lt->cond);
  g_mutex_unlock (&lt->lock);
  while (!g_atomic_int_get (&lt->quit))
    g_main_context_iteration (lt->context, TRUE);
  g_main_context_pop_thread_default (lt->context);
  return NULL;
}

static void
other_loop_body (AioTask  *task,
                 gpointer  user_data)
{
  LoopThread *lt = user_data;
  AioFuture *future;
  gint cancelled = FALSE;
  GError *error = NULL;

  future = aio_run_coroutine_threadsafe (lt->loop, add_one_body, GINT_TO_POINTER (1), NULL);
  g_assert_true (aio_future_get_loop (future) == aio_loop_get_running ());
  g_assert_cmpint (aio_await_int (future, &error), ==, 2);
  g_assert_no_error (error);

  /* wait_sync on its own loop's thread would deadlock: refused. */
  future = aio_run_coroutine_threadsafe (lt->loop, forever_body, &cancelled, NULL);
  g_assert_false (aio_future_wait_sync (future, 1, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_clear_error (&error);

  /* Cancelling the outer future cancels the task on the other loop. */
  g_assert_true (aio_await (aio_sleep (0.01), &error));
  aio_future_cancel (future, NULL);
  g_assert_false (aio_await (future, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  while (!g_atomic_int_get (&cancelled))
    g_assert_true (aio_await (aio_sleep (0.001), NULL));
}

static void
test_threadsafe_between_loops (void)
{
  LoopThread lt;
  GThread *thread;

  memset (&lt, 0, sizeof lt);
  lt.context = g_main_context_new ();
  g_mutex_init (&lt.lock);
  g_cond_init (&lt.cond);
  thread = g_thread_new ("loop", loop_thread, &lt);
  g_mutex_lock (&lt.lock);
  while (!lt.ready)
    g_cond_wait (&lt.cond, &lt.lock);
  g_mutex_unlock (&lt.lock);

  g_object_unref (aio_test_run_task (other_loop_body, &lt));

  g_atomic_int_set (&lt.quit, TRUE);
  g_main_context_wakeup (lt.context);
  g_thread_join (thread);
  g_main_context_unref (lt.context);
  g_mutex_clear (&lt.lock);
  g_cond_clear (&lt.cond);
}

static void
test_wait_sync_done (void)
{
  AioFuture *future = aio_future_new ();
  GError *error = NULL;

  aio_future_set_int (future, 7, NULL);
  g_assert_true (aio_future_wait_sync (future, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_int (future, NULL), ==, 7);
  g_object_unref (future);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  aio_test_add_func ("/executor/to-thread", test_to_thread_result);
  aio_test_add_func ("/executor/result-freed-with-future", test_result_freed_with_future);
  aio_test_add_func ("/executor/error", test_error);
  aio_test_add_func ("/executor/cancel-running", test_cancel_running);
  aio_test_add_func ("/executor/cancel-queued", test_cancel_queued);
  aio_test_add_func ("/executor/cancel-awaiting-task", test_cancel_awaiting_task);
  aio_test_add_func ("/executor/bounded", test_bounded);
  aio_test_add_func ("/executor/default", test_default_executor);
  aio_test_add_func ("/executor/shutdown-cancel-futures", test_shutdown_cancel_futures);
  aio_test_add_func ("/executor/shutdown-default", test_shutdown_default);
  aio_test_add_func ("/executor/loop-not-blocked", test_loop_not_blocked);
  aio_test_add_func ("/executor/many-jobs", test_many_jobs);
  aio_test_add_func ("/threadsafe/completion-under-load", test_cross_thread_completion_load);
  aio_test_add_func ("/threadsafe/from-plain-thread", test_threadsafe_from_plain_thread);
  aio_test_add_func ("/threadsafe/between-loops", test_threadsafe_between_loops);
  aio_test_add_func ("/threadsafe/wait-sync-done", test_wait_sync_done);

  return g_test_run ();
}

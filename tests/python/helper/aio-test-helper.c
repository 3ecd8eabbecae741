/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-helper.h"

/* C coroutine tasks for the Python tests, built as a separate library so
 * that no test code ships in libaio-glib.
 */

typedef struct
{
  AioFuture         *awaited;     /* (owned) (nullable) */
  AioAsyncGenerator *generator;   /* (owned) (nullable) */
  gint64             number;
  gdouble            seconds;
  char              *text;        /* (owned) (nullable) */
} Job;

static Job *
job_new (void)
{
  return g_new0 (Job, 1);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_object (&job->awaited);
  g_clear_object (&job->generator);
  g_free (job->text);
  g_free (job);
}

static AioTask *
spawn (const char  *name,
       AioTaskFunc  body,
       Job         *job)
{
  return aio_task_new_full (NULL, name, 0, body, job, job_free);
}

static void
add_body (AioTask  *task,
          gpointer  user_data)
{
  Job *job = user_data;
  GError *error = NULL;
  gint64 value = aio_await_int64 (g_steal_pointer (&job->awaited), &error);

  if (error != NULL)
    aio_task_return_error (task, error);
  else
    aio_task_return_int64 (task, value + job->number);
}

/**
 * aio_test_spawn_add:
 * @awaited: the future to await; its result must be a #gint64
 * @addend: what to add to it
 *
 * Starts a C coroutine task that awaits @awaited and returns its result
 * plus @addend.  It fails with the error of @awaited, and ends cancelled
 * if @awaited was cancelled or the task is.
 *
 * Returns: (transfer full): the task
 */
AioTask *
aio_test_spawn_add (AioFuture *awaited,
                    gint64     addend)
{
  Job *job = job_new ();

  g_return_val_if_fail (AIO_IS_FUTURE (awaited), NULL);

  job->awaited = g_object_ref (awaited);
  job->number = addend;
  return spawn ("c-add", add_body, job);
}

static void
sleep_value_body (AioTask  *task,
                  gpointer  user_data)
{
  Job *job = user_data;
  GError *error = NULL;

  aio_await (aio_sleep (job->seconds), &error);   /* takes the future */
  if (error != NULL)
    aio_task_return_error (task, error);
  else
    aio_task_return_int64 (task, job->number);
}

/**
 * aio_test_spawn_sleep_value:
 * @seconds: how long to sleep
 * @value: what to return then
 *
 * Starts a C coroutine task that sleeps, then returns @value.
 *
 * Returns: (transfer full): the task
 */
AioTask *
aio_test_spawn_sleep_value (gdouble seconds,
                            gint64  value)
{
  Job *job = job_new ();

  job->seconds = seconds;
  job->number = value;
  return spawn ("c-sleep", sleep_value_body, job);
}

static void
fail_body (AioTask  *task,
           gpointer  user_data)
{
  Job *job = user_data;
  GError *error = NULL;

  if (!aio_yield (&error))
    {
      aio_task_return_error (task, error);
      return;
    }
  aio_task_return_error (task, g_error_new_literal (AIO_ERROR, AIO_ERROR_FAILED, job->text));
}

/**
 * aio_test_spawn_fail:
 * @message: the error message
 *
 * Starts a C coroutine task that yields once, then fails with
 * %AIO_ERROR_FAILED and @message.
 *
 * Returns: (transfer full): the task
 */
AioTask *
aio_test_spawn_fail (const char *message)
{
  Job *job = job_new ();

  job->text = g_strdup (message);
  return spawn ("c-fail", fail_body, job);
}

static void
cancel_body (AioTask  *task,
             gpointer  user_data)
{
  Job *job = user_data;
  GError *error = NULL;

  aio_await (aio_sleep (job->seconds), &error);   /* takes the future */
  if (error != NULL)
    {
      aio_task_return_error (task, error);
      return;
    }
  aio_task_return_boolean (task, aio_task_cancel (AIO_TASK (job->awaited), job->text));
}

/**
 * aio_test_spawn_cancel:
 * @victim: the task to cancel
 * @delay: seconds to wait first
 * @message: (nullable): the cancellation message
 *
 * Starts a C coroutine task that cancels @victim after @delay seconds and
 * returns what aio_task_cancel() returned.
 *
 * Returns: (transfer full): the task
 */
AioTask *
aio_test_spawn_cancel (AioTask    *victim,
                       gdouble     delay,
                       const char *message)
{
  Job *job = job_new ();

  g_return_val_if_fail (AIO_IS_TASK (victim), NULL);

  job->awaited = g_object_ref (AIO_FUTURE (victim));
  job->seconds = delay;
  job->text = g_strdup (message);
  return spawn ("c-cancel", cancel_body, job);
}

static void
absorb_cancel_body (AioTask  *task,
                    gpointer  user_data)
{
  Job *job = user_data;
  GError *error = NULL;

  aio_await (aio_sleep (job->seconds), &error);   /* takes the future */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Handled like asyncio code that catches CancelledError. */
      g_clear_error (&error);
      aio_task_uncancel (task);
      aio_task_return_int64 (task, 1);
      return;
    }
  if (error != NULL)
    aio_task_return_error (task, error);
  else
    aio_task_return_int64 (task, 0);
}

/**
 * aio_test_spawn_absorb_cancel:
 * @seconds: how long to sleep
 *
 * Starts a C coroutine task that sleeps; if cancelled meanwhile it
 * uncancels itself and returns 1, otherwise it returns 0.
 *
 * Returns: (transfer full): the task
 */
AioTask *
aio_test_spawn_absorb_cancel (gdouble seconds)
{
  Job *job = job_new ();

  job->seconds = seconds;
  return spawn ("c-absorb", absorb_cancel_body, job);
}

static void
concat_body (AioTask  *task,
             gpointer  user_data)
{
  Job *job = user_data;
  GError *error = NULL;
  char *text = aio_await_string (g_steal_pointer (&job->awaited), &error);
  char *joined;

  if (error != NULL)
    {
      aio_task_return_error (task, error);
      return;
    }
  joined = g_strconcat (text, job->text, NULL);
  aio_task_return_string (task, joined);
  g_free (joined);
  g_free (text);
}

/**
 * aio_test_spawn_concat:
 * @awaited: the future to await; its result must be a string
 * @suffix: what to append
 *
 * Starts a C coroutine task returning the string result of @awaited
 * followed by @suffix.
 *
 * Returns: (transfer full): the task
 */
AioTask *
aio_test_spawn_concat (AioFuture  *awaited,
                       const char *suffix)
{
  Job *job = job_new ();

  g_return_val_if_fail (AIO_IS_FUTURE (awaited), NULL);

  job->awaited = g_object_ref (awaited);
  job->text = g_strdup (suffix);
  return spawn ("c-concat", concat_body, job);
}

static void
sum_body (AioTask  *task,
          gpointer  user_data)
{
  Job *job = user_data;
  AioAsyncGenerator *generator = job->generator;
  GValue value = G_VALUE_INIT;
  GError *error = NULL;
  gint64 total = 0;

  while (aio_async_generator_iterate (generator, &value, &error))
    {
      if (G_VALUE_HOLDS_INT64 (&value))
        total += g_value_get_int64 (&value);
      g_value_unset (&value);
    }
  if (error != NULL)
    aio_task_return_error (task, error);
  else
    aio_task_return_int64 (task, total);
}

/**
 * aio_test_spawn_sum:
 * @generator: an async generator of #gint64 values
 *
 * Starts a C coroutine task that iterates @generator to its end and
 * returns the sum of its values, or fails with the generator's error.
 *
 * Returns: (transfer full): the task
 */
AioTask *
aio_test_spawn_sum (AioAsyncGenerator *generator)
{
  Job *job = job_new ();

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (generator), NULL);

  job->generator = g_object_ref (generator);
  return spawn ("c-sum", sum_body, job);
}

static void
count_body (AioAsyncGenerator *generator,
            gpointer           user_data)
{
  Job *job = user_data;
  gint64 i;

  for (i = 1; i <= job->number; i++)
    if (!aio_async_generator_yield_int64 (generator, i, NULL))
      return;   /* closed early */
}

/**
 * aio_test_count_to:
 * @last: the last value
 *
 * Creates a C async generator yielding the #gint64 values 1 to @last.
 *
 * Returns: (transfer full): the generator
 */
AioAsyncGenerator *
aio_test_count_to (gint64 last)
{
  Job *job = job_new ();

  job->number = last;
  return aio_async_generator_new (count_body, job, job_free);
}

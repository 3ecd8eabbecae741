/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-error.h"
#include "aio-executor-private.h"
#include "aio-future-private.h"
#include "aio-loop-private.h"

/* A bounded pool of worker threads for blocking work, as asyncio's
 * ThreadPoolExecutor behind loop.run_in_executor() and asyncio.to_thread().
 *
 * Each submission is a job: the worker runs the function and hands the job
 * back to the loop's thread with one post on the loop's thread-safe queue,
 * where the future gets the result.  A future cancelled meanwhile is
 * already done by then, so the late result is freed there with its destroy
 * notify: the result is abandoned, as asyncio abandons it.  The job is
 * referenced by the worker's side (until the post has run) and by the
 * future's cancel hook (until the future is done).
 */

struct _AioExecutor
{
  GObject      parent_instance;

  GMutex       lock;
  GThreadPool *pool;            /* (owned) (nullable): NULL once shut down; guarded by lock */
  guint        max_workers;     /* guarded by lock */
  gint         cancel_queued;   /* (atomic) jobs not started yet are cancelled */
};

G_DEFINE_FINAL_TYPE (AioExecutor, aio_executor, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_MAX_WORKERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  gint            ref_count;          /* (atomic) */
  AioExecutor    *executor;           /* (owned) */
  AioLoop        *loop;               /* (owned) */
  AioFuture      *future;             /* (owned) */
  GCancellable   *cancellable;        /* (owned) */
  AioThreadFunc   func;
  AioWorkFunc     work;               /* instead of func: a GValue result */
  GValue          value;              /* what work gave, like result */
  char           *cancel_msg;         /* (owned) (nullable) work jobs only */
  gpointer        user_data;          /* (owned) by destroy */
  GDestroyNotify  destroy;  /* (nullable) */
  GDestroyNotify  result_free;     /* (nullable) */
  gpointer        result;             /* written by the worker before the post */
  GError         *error;              /* (owned) (nullable) likewise */
  gint            abandoned;          /* (atomic) the future was cancelled */
  gboolean        skipped;            /* the worker did not run func */
} Job;

static void
job_unref (gpointer data)
{
  Job *job = data;

  if (!g_atomic_int_dec_and_test (&job->ref_count))
    return;
  if (job->destroy != NULL)
    job->destroy (job->user_data);
  if (job->result != NULL && job->result_free != NULL)
    job->result_free (job->result);
  g_clear_error (&job->error);
  if (G_IS_VALUE (&job->value))
    g_value_unset (&job->value);
  g_free (job->cancel_msg);
  g_object_unref (job->cancellable);
  g_object_unref (job->future);
  g_object_unref (job->loop);
  g_object_unref (job->executor);
  g_free (job);
}

/* Runs on the loop's thread when the future is cancelled. */
static gboolean
job_cancel_hook (AioFuture  *future,
                 const char *msg,
                 gpointer    data)
{
  Job *job = data;

  g_atomic_int_set (&job->abandoned, TRUE);
  g_cancellable_cancel (job->cancellable);
  if (job->work == NULL)
    return TRUE;
  /* A work job ends cancelled only once the worker has stopped, so what
   * it was doing (a temporary file, a half-made copy) is cleaned up by
   * the time the awaiting task resumes. */
  g_free (job->cancel_msg);
  job->cancel_msg = g_strdup (msg);
  return FALSE;
}

/* Back on the loop's thread: the worker is done with the job. */
static void
job_finish_on_loop (gpointer data)
{
  Job *job = data;
  AioFuture *future = job->future;

  if (!_aio_future_is_done (future))
    {
      _aio_future_set_cancel_hook (future, NULL, NULL, NULL);
      if (job->work != NULL && g_atomic_int_get (&job->abandoned))
        _aio_future_cancel_now (future, job->cancel_msg);
      else if (job->skipped)
        _aio_future_cancel_now (future, "The executor was shut down before the job started");
      else if (job->error != NULL)
        _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL,
                              g_steal_pointer (&job->error), NULL);
      else if (job->work != NULL)
        _aio_future_complete (future, AIO_FUTURE_FINISHED, &job->value, NULL, NULL);
      else
        aio_future_set_pointer (future, g_steal_pointer (&job->result),
                                job->result_free, NULL);
    }
  job_unref (job);
}

/* The loop's context is gone: nobody can run the future's loop again, so
 * break the future's hold on the job from here.
 */
static void
job_drop (gpointer data)
{
  Job *job = data;

  if (!_aio_future_is_done (job->future))
    _aio_future_set_cancel_hook (job->future, NULL, NULL, NULL);
  job_unref (job);
}

static const AioReadyOps job_finish_ops = { job_finish_on_loop, job_drop };

static void
job_run (gpointer data,
         gpointer pool_data)
{
  Job *job = data;
  AioExecutor *executor = pool_data;

  if (g_atomic_int_get (&job->abandoned) || g_atomic_int_get (&executor->cancel_queued))
    job->skipped = TRUE;
  else if (job->work != NULL)
    {
      if (!job->work (job->cancellable, job->user_data, &job->value, &job->error) &&
          job->error == NULL)
        job->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                          "The operation failed without saying why");
    }
  else
    {
      job->result = job->func (job->cancellable, job->user_data, &job->error);
      if (job->result != NULL && job->error != NULL)
        {
          g_critical ("An AioThreadFunc returned a result and set an error; the result is dropped");
          if (job->result_free != NULL)
            job->result_free (job->result);
          job->result = NULL;
        }
    }
  /* After the post the job belongs to the loop's thread. */
  _aio_loop_post_threadsafe (job->loop, &job_finish_ops, job);
}

static void
aio_executor_finalize (GObject *object)
{
  AioExecutor *self = AIO_EXECUTOR (object);

  /* Every job holds a reference, so no job is left: free without waiting. */
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, FALSE);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (aio_executor_parent_class)->finalize (object);
}

static void
aio_executor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AioExecutor *self = AIO_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_MAX_WORKERS:
      g_value_set_uint (value, aio_executor_get_max_workers (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_executor_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  AioExecutor *self = AIO_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_MAX_WORKERS:
      aio_executor_set_max_workers (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_executor_class_init (AioExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_executor_finalize;
  object_class->get_property = aio_executor_get_property;
  object_class->set_property = aio_executor_set_property;

  /**
   * AioExecutor:max-workers:
   *
   * How many jobs run at once; 0 when constructed means
   * [func@Aio.Executor.get_default_size].
   *
   * Since: 1.0
   */
  properties[PROP_MAX_WORKERS] =
    g_param_spec_uint ("max-workers", NULL, NULL, 0, G_MAXINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aio_executor_init (AioExecutor *self)
{
  g_mutex_init (&self->lock);
  self->max_workers = aio_executor_get_default_size ();
  /* Non-exclusive: idle threads are shared with GLib's other pools. */
  self->pool = g_thread_pool_new (job_run, self, (gint) self->max_workers, FALSE, NULL);
}

/**
 * AioExecutor:
 *
 * A bounded pool of worker threads that runs blocking functions and hands
 * their results to futures, like asyncio's `ThreadPoolExecutor` as used by
 * `loop.run_in_executor()`.
 *
 * It sits on a [struct@GLib.ThreadPool].  [method@Aio.Executor.submit]
 * returns a future on the calling thread's loop; the function runs on a
 * worker thread and its result completes the future on the loop's thread,
 * so the loop is never blocked.  Cancelling the future abandons the
 * result: the function, if it has started, runs to its end (its
 * cancellable is cancelled, so it may stop early) and its result is freed
 * with its destroy notify.
 *
 * Every loop has a default executor ([method@Aio.Loop.get_default_executor]),
 * used by [func@Aio.to_thread].
 *
 * ## Thread safety
 *
 * All methods may be called from any thread.  [method@Aio.Executor.submit]
 * creates its future on the calling thread's loop and must be called from
 * the thread that runs that loop.
 *
 * Since: 1.0
 */

/**
 * aio_executor_get_default_size:
 *
 * The size of a default executor: as asyncio's, min(32, cores + 4), with
 * the cores counted by [func@GLib.get_num_processors].
 *
 * Returns: the number of workers of a default executor
 *
 * Since: 1.0
 */
guint
aio_executor_get_default_size (void)
{
  return MIN (32, g_get_num_processors () + 4);
}

/**
 * aio_executor_new:
 * @max_workers: the most jobs that run at once, or 0 for
 *   [func@Aio.Executor.get_default_size]
 *
 * Creates an executor with up to @max_workers worker threads.  Threads
 * are started as jobs arrive and shared with GLib's other non-exclusive
 * thread pools while idle.
 *
 * Returns: (transfer full): a new [class@Aio.Executor]
 *
 * Since: 1.0
 */
AioExecutor *
aio_executor_new (guint max_workers)
{
  g_return_val_if_fail (max_workers <= G_MAXINT, NULL);

  return g_object_new (AIO_TYPE_EXECUTOR, "max-workers", max_workers, NULL);
}

/**
 * aio_executor_get_max_workers:
 * @self: an [class@Aio.Executor]
 *
 * Gets how many jobs @self runs at once, its
 * [property@Aio.Executor:max-workers].
 *
 * Returns: the most jobs @self runs at once
 *
 * Since: 1.0
 */
guint
aio_executor_get_max_workers (AioExecutor *self)
{
  guint max_workers;

  g_return_val_if_fail (AIO_IS_EXECUTOR (self), 0);

  g_mutex_lock (&self->lock);
  max_workers = self->max_workers;
  g_mutex_unlock (&self->lock);
  return max_workers;
}

/**
 * aio_executor_set_max_workers:
 * @self: an [class@Aio.Executor]
 * @max_workers: the most jobs that run at once, or 0 for
 *   [func@Aio.Executor.get_default_size]
 *
 * Changes how many jobs run at once.  Jobs already running go on; a
 * smaller limit takes effect as they finish.
 *
 * Since: 1.0
 */
void
aio_executor_set_max_workers (AioExecutor *self,
                              guint        max_workers)
{
  gboolean changed;

  g_return_if_fail (AIO_IS_EXECUTOR (self));
  g_return_if_fail (max_workers <= G_MAXINT);

  if (max_workers == 0)
    max_workers = aio_executor_get_default_size ();
  g_mutex_lock (&self->lock);
  changed = self->max_workers != max_workers;
  self->max_workers = max_workers;
  if (changed && self->pool != NULL)
    g_thread_pool_set_max_threads (self->pool, (gint) max_workers, NULL);
  g_mutex_unlock (&self->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_WORKERS]);
}

static AioFuture *
submit_job (AioExecutor    *self,
            AioLoop        *loop,
            AioThreadFunc   func,
            AioWorkFunc     work,
            gpointer        user_data,
            GDestroyNotify  result_free,
            GDestroyNotify  destroy)
{
  Job *job = g_new0 (Job, 1);
  AioFuture *future;
  gboolean pushed = FALSE;

  job->ref_count = 2;   /* the worker's side and the cancel hook */
  job->executor = g_object_ref (self);
  job->loop = g_object_ref (loop);
  job->future = _aio_future_new_for_loop (loop);
  job->cancellable = g_cancellable_new ();
  job->func = func;
  job->work = work;
  job->user_data = user_data;
  job->destroy = destroy;
  job->result_free = result_free;
  future = g_object_ref (job->future);
  _aio_future_set_cancel_hook (future, job_cancel_hook, job, job_unref);

  g_mutex_lock (&self->lock);
  if (self->pool != NULL)
    pushed = g_thread_pool_push (self->pool, job, NULL);
  g_mutex_unlock (&self->lock);

  if (!pushed)
    {
      _aio_future_set_cancel_hook (future, NULL, NULL, NULL);
      _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL,
                            g_error_new_literal (AIO_ERROR, AIO_ERROR_CLOSED,
                                                 "The executor is shut down: it takes no new jobs"),
                            NULL);
      job_unref (job);
    }
  return future;
}

static AioFuture *
submit_on_loop (AioExecutor    *self,
                AioLoop        *loop,
                AioThreadFunc   func,
                gpointer        user_data,
                GDestroyNotify  result_free,
                GDestroyNotify  destroy)
{
  return submit_job (self, loop, func, NULL, user_data, result_free, destroy);
}

AioFuture *
_aio_run_work (AioWorkFunc    work,
               gpointer       user_data,
               GDestroyNotify destroy)
{
  AioLoop *loop = _aio_loop_get_current ();

  return submit_job (aio_loop_get_default_executor (loop), loop, NULL, work,
                     user_data, NULL, destroy);
}

/**
 * aio_executor_submit:
 * @self: an [class@Aio.Executor]
 * @func: (scope notified) (closure user_data) (destroy destroy):
 *   the blocking function to run on a worker thread
 * @user_data: data for @func
 * @result_free: (nullable): frees the result of @func when nobody takes
 *   it: the future was cancelled, or the future is freed with it
 * @destroy: (nullable): frees @user_data on the loop's thread
 *   once @func has run (or will never run)
 *
 * Runs @func on one of the executor's threads, like asyncio's
 * `executor.submit()` wrapped by `loop.run_in_executor()`.
 *
 * The future belongs to the running loop (or the thread-default loop) and
 * must be created on that loop's thread.  It finishes with the pointer
 * @func returned (read it with [method@Aio.Future.get_pointer] or
 * [func@Aio.await_pointer]; the future owns it and frees it with
 * @result_free), or fails with the error @func set.  Cancelling the
 * future cancels it at once and abandons the job: a job that has not
 * started is skipped, a running one has its cancellable cancelled and its
 * result is freed with @result_free.  After
 * [method@Aio.Executor.shutdown] the future fails with %AIO_ERROR_CLOSED.
 *
 * Returns: (transfer full): a future for the result of @func
 *
 * Since: 1.0
 */
AioFuture *
aio_executor_submit (AioExecutor    *self,
                     AioThreadFunc   func,
                     gpointer        user_data,
                     GDestroyNotify  result_free,
                     GDestroyNotify  destroy)
{
  g_return_val_if_fail (AIO_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return submit_on_loop (self, _aio_loop_get_current (), func, user_data,
                         result_free, destroy);
}

/**
 * aio_executor_shutdown:
 * @self: an [class@Aio.Executor]
 * @wait: whether to block until every job already running or queued has
 *   finished
 * @cancel_futures: whether jobs that have not started are skipped, their
 *   futures cancelled
 *
 * Stops @self taking jobs, like asyncio's `executor.shutdown()`: later
 * submissions fail with %AIO_ERROR_CLOSED.  Calling it again does
 * nothing.
 *
 * With @wait, the calling thread blocks until the jobs are done; do not
 * wait from a loop's thread on jobs that themselves wait for that loop.
 * The futures of the jobs complete when their loops run next.
 *
 * Since: 1.0
 */
void
aio_executor_shutdown (AioExecutor *self,
                       gboolean     wait,
                       gboolean     cancel_futures)
{
  GThreadPool *pool;

  g_return_if_fail (AIO_IS_EXECUTOR (self));

  if (cancel_futures)
    g_atomic_int_set (&self->cancel_queued, TRUE);
  g_mutex_lock (&self->lock);
  pool = g_steal_pointer (&self->pool);
  g_mutex_unlock (&self->lock);
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, wait);
}

/**
 * aio_executor_is_shutdown:
 * @self: an [class@Aio.Executor]
 *
 * Tells whether @self still takes jobs.
 *
 * Returns: %TRUE once [method@Aio.Executor.shutdown] was called
 *
 * Since: 1.0
 */
gboolean
aio_executor_is_shutdown (AioExecutor *self)
{
  gboolean shut_down;

  g_return_val_if_fail (AIO_IS_EXECUTOR (self), TRUE);

  g_mutex_lock (&self->lock);
  shut_down = self->pool == NULL;
  g_mutex_unlock (&self->lock);
  return shut_down;
}

/* The loop's default executor, kept on the loop as object data so the
 * core loop does not depend on this layer.
 */
static GQuark
default_executor_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("aio-default-executor");
  return quark;
}

G_LOCK_DEFINE_STATIC (default_executor);

/**
 * aio_loop_get_default_executor:
 * @self: an [class@Aio.Loop]
 *
 * The executor [method@Aio.Loop.run_in_executor] uses when given none,
 * and [func@Aio.to_thread] always: one of
 * [func@Aio.Executor.get_default_size] workers, created the first time it
 * is asked for, unless [method@Aio.Loop.set_default_executor] set another.
 * May be called from any thread.
 *
 * Returns: (transfer none): the loop's default executor
 *
 * Since: 1.0
 */
AioExecutor *
aio_loop_get_default_executor (AioLoop *self)
{
  AioExecutor *executor;

  g_return_val_if_fail (AIO_IS_LOOP (self), NULL);

  G_LOCK (default_executor);
  executor = g_object_get_qdata (G_OBJECT (self), default_executor_quark ());
  if (executor == NULL)
    {
      executor = aio_executor_new (0);
      g_object_set_qdata_full (G_OBJECT (self), default_executor_quark (),
                               executor, g_object_unref);
    }
  G_UNLOCK (default_executor);
  return executor;
}

/**
 * aio_loop_set_default_executor:
 * @self: an [class@Aio.Loop]
 * @executor: (nullable): the new default executor, or %NULL to go back to
 *   one made on demand
 *
 * Sets the executor used by [func@Aio.to_thread] and by
 * [method@Aio.Loop.run_in_executor] when given none, like asyncio's
 * `loop.set_default_executor()`.  The executor it replaces is not shut
 * down: its jobs finish as before.
 *
 * Since: 1.0
 */
void
aio_loop_set_default_executor (AioLoop     *self,
                               AioExecutor *executor)
{
  g_return_if_fail (AIO_IS_LOOP (self));
  g_return_if_fail (executor == NULL || AIO_IS_EXECUTOR (executor));

  G_LOCK (default_executor);
  g_object_set_qdata_full (G_OBJECT (self), default_executor_quark (),
                           executor != NULL ? g_object_ref (executor) : NULL,
                           g_object_unref);
  G_UNLOCK (default_executor);
}

/**
 * aio_loop_run_in_executor:
 * @self: an [class@Aio.Loop]
 * @executor: (nullable): where to run @func, or %NULL for the loop's
 *   default executor
 * @func: (scope notified) (closure user_data) (destroy destroy):
 *   the blocking function to run on a worker thread
 * @user_data: data for @func
 * @result_free: (nullable): frees the result of @func when nobody takes
 *   it
 * @destroy: (nullable): frees @user_data once @func has run
 *
 * Runs @func on a worker thread and returns a future on @self for its
 * result, like asyncio's `loop.run_in_executor()`.  Cancelling the future
 * abandons the result, which is freed with @result_free.  See
 * [method@Aio.Executor.submit].  Call it from the thread running @self.
 *
 * Returns: (transfer full): a future for the result of @func
 *
 * Since: 1.0
 */
AioFuture *
aio_loop_run_in_executor (AioLoop        *self,
                          AioExecutor    *executor,
                          AioThreadFunc   func,
                          gpointer        user_data,
                          GDestroyNotify  result_free,
                          GDestroyNotify  destroy)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), NULL);
  g_return_val_if_fail (executor == NULL || AIO_IS_EXECUTOR (executor), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  if (executor == NULL)
    executor = aio_loop_get_default_executor (self);
  return submit_on_loop (executor, self, func, user_data, result_free,
                         destroy);
}

/**
 * aio_to_thread:
 * @func: (scope notified) (closure user_data) (destroy destroy):
 *   the blocking function to run on a worker thread
 * @user_data: data for @func
 * @result_free: (nullable): frees the result of @func when nobody takes
 *   it
 * @destroy: (nullable): frees @user_data once @func has run
 *
 * Runs @func on the running loop's default executor, like asyncio's
 * `asyncio.to_thread()`: blocking work leaves the loop free.  Outside a
 * running loop the thread-default loop is used.
 *
 * |[<!-- language="C" -->
 * static gpointer
 * checksum_thread (GCancellable *cancellable, gpointer path, GError **error)
 * {
 *   g_autofree char *contents = NULL;
 *   gsize length;
 *
 *   if (!g_file_get_contents (path, &contents, &length, error))
 *     return NULL;
 *   return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
 *                                       (const guchar *) contents, length);
 * }
 *
 * // in a coroutine:
 * g_autofree char *digest =
 *   aio_await_pointer (aio_to_thread (checksum_thread, g_strdup (path),
 *                                     g_free, g_free), &error);
 * ]|
 *
 * Returns: (transfer full): a future for the result of @func
 *
 * Since: 1.0
 */
AioFuture *
aio_to_thread (AioThreadFunc  func,
               gpointer       user_data,
               GDestroyNotify result_free,
               GDestroyNotify destroy)
{
  AioLoop *loop;

  g_return_val_if_fail (func != NULL, NULL);

  loop = _aio_loop_get_current ();
  return submit_on_loop (aio_loop_get_default_executor (loop), loop, func,
                         user_data, result_free, destroy);
}

typedef struct
{
  AioExecutor *executor;  /* (owned) */
  AioFuture   *future;    /* (owned) */
} Shutdown;

static void
shutdown_done_on_loop (gpointer data)
{
  Shutdown *shutdown = data;

  if (!aio_future_done (shutdown->future))
    aio_future_set_boolean (shutdown->future, TRUE, NULL);
}

static void
shutdown_free (gpointer data)
{
  Shutdown *shutdown = data;

  g_object_unref (shutdown->executor);
  g_object_unref (shutdown->future);
  g_free (shutdown);
}

static gpointer
shutdown_thread (gpointer data)
{
  Shutdown *shutdown = data;
  AioLoop *loop = aio_future_get_loop (shutdown->future);

  aio_executor_shutdown (shutdown->executor, TRUE, FALSE);
  aio_handle_unref (aio_loop_call_soon_threadsafe (loop, shutdown_done_on_loop,
                                                   shutdown, shutdown_free));
  return NULL;
}

/**
 * aio_loop_shutdown_default_executor:
 * @self: an [class@Aio.Loop]
 *
 * Shuts the loop's default executor down and waits for its jobs without
 * blocking the loop, like asyncio's `loop.shutdown_default_executor()`:
 * the waiting happens on a thread of its own.  Later calls of
 * [func@Aio.to_thread] on @self fail with %AIO_ERROR_CLOSED until
 * another default executor is set.  Call it from the thread running
 * @self.
 *
 * Returns: (transfer full): a future that finishes with %TRUE once every
 *   job of the default executor is done
 *
 * Since: 1.0
 */
AioFuture *
aio_loop_shutdown_default_executor (AioLoop *self)
{
  Shutdown *shutdown;
  AioFuture *future;

  g_return_val_if_fail (AIO_IS_LOOP (self), NULL);

  shutdown = g_new0 (Shutdown, 1);
  shutdown->executor = g_object_ref (aio_loop_get_default_executor (self));
  shutdown->future = _aio_future_new_for_loop (self);
  future = g_object_ref (shutdown->future);
  g_thread_unref (g_thread_new ("aio-executor-shutdown", shutdown_thread, shutdown));
  return future;
}

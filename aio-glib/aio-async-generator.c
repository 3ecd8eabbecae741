/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "aio-async-generator.h"
#include "aio-await.h"
#include "aio-sync-private.h"
#include "aio-task-private.h"

/**
 * AioAsyncGenerator:
 *
 * A producer of values that runs only when asked for the next one, like a
 * Python async generator (an `async def` with `yield`).
 *
 * The producer is a body given at construction: a C coroutine
 * ([callback@Aio.AsyncGeneratorFunc]) or a stackless step function
 * ([callback@Aio.AsyncGeneratorStepFunc]).  It starts with the first
 * [method@Aio.AsyncGenerator.anext], runs as a task of its own until it
 * hands out a value with `aio_async_generator_yield()` (or returns the
 * future of [method@Aio.AsyncGenerator.yield_value] from a step), and
 * stays suspended there until the consumer asks for the next value.
 *
 * [method@Aio.AsyncGenerator.anext] returns a future of the next value.
 * Once the body has returned, it fails with %AIO_ERROR_STOP_ITERATION,
 * Python's `StopAsyncIteration`: a language binding turns that into the
 * end of its `async for` (Python) or `for await` (JavaScript) loop.  An
 * error the body ends with (see [method@Aio.AsyncGenerator.return_error])
 * fails the pending `anext()` with that error, and the generator is then
 * exhausted.  In a C coroutine, the loop reads:
 *
 * ```c
 * g_auto(GValue) value = G_VALUE_INIT;
 *
 * while (aio_async_generator_iterate (gen, &value, &error))
 *   {
 *     use (&value);
 *     g_value_unset (&value);
 *   }
 * if (error != NULL)
 *   ...   // the body failed, or the consumer was cancelled
 * ```
 *
 * and the body:
 *
 * ```c
 * static void
 * count_to_ten (AioAsyncGenerator *gen,
 *               gpointer           user_data)
 * {
 *   for (int i = 1; i <= 10; i++)
 *     if (!aio_async_generator_yield_int (gen, i, NULL))
 *       break;   // closed early: clean up and return
 * }
 * ```
 *
 * ## Closing
 *
 * [method@Aio.AsyncGenerator.aclose] closes the generator early, like
 * Python's `aclose()`: the yield the body is suspended at fails with
 * `G_IO_ERROR_CANCELLED` (Python's `GeneratorExit`), the body runs its
 * cleanup, which may await, and the future of `aclose()` finishes once
 * the body has returned.  If the body yields again instead, that yield
 * fails at once and `aclose()` fails with %AIO_ERROR_INVALID_STATE.  A
 * generator that is dropped while its body is suspended is closed the
 * same way, as Python closes async generators when they are collected
 * (a future of `anext()` that delivered a value keeps the generator alive
 * until it is released).
 * Calling `anext()` or `aclose()` while a previous `anext()` is pending
 * fails with %AIO_ERROR_INVALID_STATE, as Python's "already running".
 *
 * ## Cancellation
 *
 * The body runs on behalf of whoever awaits the pending `anext()`: if
 * that future is cancelled (its awaiting task is), the body is cancelled
 * at its current await, as Python throws `CancelledError` into the
 * generator; the `anext()` future then gets whatever the body does next
 * (usually the cancellation).  A value handed to a consumer that is
 * cancelled before it resumes is not lost: the next `anext()` returns it.
 *
 * ## Thread safety
 *
 * A generator belongs to the loop of its first `anext()`, where its body
 * runs.  Use it only from that loop's thread: from another thread (or
 * while another loop is dispatching), the functions returning a future
 * return one that fails with %AIO_ERROR_WRONG_THREAD.
 *
 * Since: 1.0
 */

typedef enum
{
  GEN_INITIAL,     /* the body has not started */
  GEN_RUNNING,     /* an anext() is pending: the body runs to its next yield */
  GEN_SUSPENDED,   /* the body waits at a yield for the next anext() */
  GEN_CLOSING,     /* the body runs its cleanup */
  GEN_FINISHED,
} GenState;

struct _AioAsyncGenerator
{
  GObject                    parent_instance;

  AioLoop                   *loop;             /* (owned) (nullable) bound on first use */
  AioAsyncGeneratorFunc      func;
  AioAsyncGeneratorStepFunc  step;
  gpointer                   user_data;
  GDestroyNotify             destroy;          /* frees user_data once the body is over */

  AioTask                   *producer;         /* (owned) (nullable) the running body */
  AioWaiter                  producer_waiter;  /* linked into producer while it runs */
  AioFuture                 *next;             /* (owned) (nullable) the pending anext() */
  AioFuture                 *resume;           /* (owned) (nullable) awaited at a yield_value() */
  GError                    *resume_error;     /* (owned) (nullable) for a body parked at a yield */
  AioFuture                 *closing;          /* (owned) (nullable) the pending aclose() */
  GValue                     stash;            /* a value whose consumer gave up before resuming */
  GError                    *pending_error;    /* (owned) (nullable) for the next anext() */

  GenState                   state;
  guint                      cancel_requested : 1;
  guint                      yielded_after_close : 1;
  guint                      self_ref : 1;     /* alive while the body may run */
};

G_DEFINE_FINAL_TYPE (AioAsyncGenerator, aio_async_generator, G_TYPE_OBJECT)

#define TYPE_NAME "AioAsyncGenerator"

static void
release_body (AioAsyncGenerator *self)
{
  GDestroyNotify destroy = self->destroy;
  gpointer user_data = self->user_data;

  self->func = NULL;
  self->step = NULL;
  self->destroy = NULL;
  self->user_data = NULL;
  if (destroy != NULL)
    destroy (user_data);
}

/* The body may run while the state is RUNNING or CLOSING: it reaches the
 * generator through a plain pointer, so the generator holds itself.
 */
static void
hold (AioAsyncGenerator *self)
{
  if (!self->self_ref)
    {
      self->self_ref = TRUE;
      _aio_ref (self);
    }
}

static void
unhold (AioAsyncGenerator *self)
{
  if (self->self_ref)
    {
      self->self_ref = FALSE;
      _aio_sync_unref (self);
    }
}

static GError *
closed_error_new (void)
{
  return _aio_cancelled_error_new ("The async generator was closed");
}

/* Lets the body go on from the yield it waits at, or makes that yield
 * fail with @error (owned).  A C coroutine body waits parked, with no
 * future (see yield_and_wait()); a stackless one awaits self->resume.
 */
static void
resume_body (AioAsyncGenerator *self,
             GError            *error)
{
  AioFuture *resume = g_steal_pointer (&self->resume);

  if (resume == NULL)
    {
      g_clear_error (&self->resume_error);
      self->resume_error = error;
      /* Not parked yet when the last reference went at the yield itself:
       * the yield sees the error before it parks. */
      if (self->producer->parked)
        _aio_task_unpark (self->producer);
      return;
    }
  if (error == NULL)
    _aio_sync_future_set_boolean (resume, TRUE);
  else if (!_aio_future_is_done (resume))
    _aio_sync_future_fail (resume, error);
  else
    g_error_free (error);
  _aio_release (resume);
}

/* Ends the yield the body waits at with cancellation. */
static void
close_suspended (AioAsyncGenerator *self)
{
  self->state = GEN_CLOSING;
  hold (self);
  _aio_value_clear (&self->stash);
  resume_body (self, closed_error_new ());
}

static void
aio_async_generator_dispose (GObject *object)
{
  AioAsyncGenerator *self = AIO_ASYNC_GENERATOR (object);

  /* Dropped while the body waits at a yield: close it, as Python does
   * for a collected async generator.  Holding a reference again keeps the
   * generator alive until the body has cleaned up.
   */
  if (self->state == GEN_SUSPENDED)
    close_suspended (self);

  G_OBJECT_CLASS (aio_async_generator_parent_class)->dispose (object);
}

static void
aio_async_generator_finalize (GObject *object)
{
  AioAsyncGenerator *self = AIO_ASYNC_GENERATOR (object);

  g_assert (self->producer == NULL && self->next == NULL && self->closing == NULL);

  release_body (self);
  _aio_value_clear (&self->stash);
  g_clear_error (&self->pending_error);
  g_clear_error (&self->resume_error);
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_async_generator_parent_class)->finalize (object);
}

static void
aio_async_generator_class_init (AioAsyncGeneratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aio_async_generator_dispose;
  object_class->finalize = aio_async_generator_finalize;
}

static void
aio_async_generator_init (AioAsyncGenerator *self)
{
}

/**
 * aio_async_generator_new: (skip)
 * @func: the body, run as a C coroutine
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the body is over, or with
 *   the generator if it never started
 *
 * Creates an async generator whose body is a C coroutine.  The body
 * starts with the first [method@Aio.AsyncGenerator.anext], on that call's
 * loop.
 *
 * Returns: (transfer full): a new [class@Aio.AsyncGenerator]
 *
 * Since: 1.0
 */
AioAsyncGenerator *
aio_async_generator_new (AioAsyncGeneratorFunc func,
                         gpointer              user_data,
                         GDestroyNotify        destroy)
{
  AioAsyncGenerator *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (AIO_TYPE_ASYNC_GENERATOR, NULL);
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  return self;
}

/**
 * aio_async_generator_new_stackless:
 * @step: (scope notified) (closure user_data) (destroy destroy): the body,
 *   called to start and after each future it returns is done
 * @user_data: data for @step
 * @destroy: (nullable): frees @user_data once the body is over, or with
 *   the generator if it never started
 *
 * Creates an async generator whose body is a step function, the form a
 * language binding or a C state machine uses; see
 * [callback@Aio.AsyncGeneratorStepFunc].
 *
 * Returns: (transfer full): a new [class@Aio.AsyncGenerator]
 *
 * Since: 1.0
 */
AioAsyncGenerator *
aio_async_generator_new_stackless (AioAsyncGeneratorStepFunc step,
                                   gpointer                  user_data,
                                   GDestroyNotify            destroy)
{
  AioAsyncGenerator *self;

  g_return_val_if_fail (step != NULL, NULL);

  self = g_object_new (AIO_TYPE_ASYNC_GENERATOR, NULL);
  self->step = step;
  self->user_data = user_data;
  self->destroy = destroy;
  return self;
}

static void
producer_body (AioTask  *task,
               gpointer  data)
{
  AioAsyncGenerator *self = data;

  self->func (self, self->user_data);
}

static AioFuture *
producer_step (AioTask   *task,
               AioFuture *awaited,
               gpointer   data)
{
  AioAsyncGenerator *self = data;

  return self->step (self, awaited, self->user_data);
}

/* The body has returned or failed. */
static void
producer_finished (AioWaiter *link,
                   AioFuture *future)
{
  AioAsyncGenerator *self = (AioAsyncGenerator *)
    ((char *) link - G_STRUCT_OFFSET (AioAsyncGenerator, producer_waiter));
  GError *error = NULL;
  gboolean cancelled;

  _aio_future_propagate (AIO_FUTURE (self->producer), &error);
  cancelled = error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  _aio_release (AIO_FUTURE (g_steal_pointer (&self->producer)));
  release_body (self);
  /* A body that ended without awaiting its yield_value() future. */
  if (self->resume != NULL)
    _aio_release (g_steal_pointer (&self->resume));

  if (self->next != NULL)
    {
      if (error == NULL && self->cancel_requested)
        error = _aio_cancelled_error_new ("The async generator's consumer was cancelled");
      else if (error == NULL)
        error = g_error_new_literal (AIO_ERROR, AIO_ERROR_STOP_ITERATION,
                                     "The async generator is exhausted");
      _aio_sync_future_fail (self->next, g_steal_pointer (&error));
      _aio_release (g_steal_pointer (&self->next));
    }
  else if (self->closing != NULL)
    {
      if (error != NULL && (!cancelled || self->cancel_requested))
        _aio_sync_future_fail (self->closing, g_steal_pointer (&error));
      else if (self->yielded_after_close)
        _aio_sync_future_fail (self->closing,
                               g_error_new_literal (AIO_ERROR, AIO_ERROR_INVALID_STATE,
                                                    "The async generator yielded a value after it was closed"));
      else
        _aio_future_complete (self->closing, AIO_FUTURE_FINISHED, NULL, NULL, NULL);
      _aio_release (g_steal_pointer (&self->closing));
    }
  else if (error != NULL && !cancelled)
    {
      g_clear_error (&self->pending_error);
      self->pending_error = g_steal_pointer (&error);
    }
  g_clear_error (&error);

  self->state = GEN_FINISHED;
  self->cancel_requested = FALSE;
  unhold (self);
}

static void
start_producer (AioAsyncGenerator *self)
{
  if (self->func != NULL)
    self->producer = aio_task_new_full (self->loop, NULL, 0, producer_body, self, NULL);
  else
    self->producer = aio_task_new_stackless (self->loop, NULL, producer_step, self, NULL);
  self->producer_waiter.func = producer_finished;
  _aio_future_add_waiter (AIO_FUTURE (self->producer), &self->producer_waiter);
}

/* The consumer of the pending anext() gave up: so does the body, at its
 * current await.  The future ends with what the body does next.
 */
static gboolean
next_cancelled (AioFuture  *future,
                const char *msg,
                gpointer    data)
{
  AioAsyncGenerator *self = data;

  self->cancel_requested = TRUE;
  if (self->producer != NULL)
    aio_task_cancel (self->producer, msg);
  return FALSE;
}

static gboolean
closing_cancelled (AioFuture  *future,
                   const char *msg,
                   gpointer    data)
{
  return next_cancelled (future, msg, data);
}

/* The body was cancelled while it waited at a yield, by someone else than
 * the generator: it runs its cleanup, as after aclose().
 */
static gboolean
resume_cancelled (AioFuture  *future,
                  const char *msg,
                  gpointer    data)
{
  AioAsyncGenerator *self = data;

  self->state = GEN_CLOSING;
  hold (self);
  _aio_release (g_steal_pointer (&self->resume));
  return TRUE;
}

/* The same, for a body parked at a yield. */
static gboolean
parked_body_cancelled (gpointer    data,
                       const char *msg)
{
  AioAsyncGenerator *self = data;

  self->state = GEN_CLOSING;
  hold (self);
  return TRUE;
}

/* A value was handed over, but its consumer was cancelled before it
 * resumed: the next anext() gets it.
 */
static gboolean
value_dropped (AioFuture  *future,
               const char *msg,
               gpointer    data)
{
  AioAsyncGenerator *self = data;
  AioFuturePrivate *priv = _aio_future_priv (future);

  if (priv->error != NULL || priv->value.g_type == G_TYPE_INVALID ||
      self->state != GEN_SUSPENDED || self->stash.g_type != G_TYPE_INVALID)
    return FALSE;
  self->stash = priv->value;
  memset (&priv->value, 0, sizeof priv->value);
  return FALSE;
}

/**
 * aio_async_generator_anext:
 * @self: an [class@Aio.AsyncGenerator]
 *
 * Asks for the next value, like Python's `anext()`: starts the body, or
 * lets it go on from the yield it waits at.
 *
 * Returns: (transfer full): a future whose result is the next value, or
 *   that fails with %AIO_ERROR_STOP_ITERATION once the body has returned,
 *   with the error the body ended with, with %AIO_ERROR_INVALID_STATE if
 *   another `anext()` or an `aclose()` is in progress, or with
 *   %AIO_ERROR_WRONG_THREAD
 *
 * Since: 1.0
 */
AioFuture *
aio_async_generator_anext (AioAsyncGenerator *self)
{
  GError *error = NULL;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), NULL);

  if (G_UNLIKELY (!_aio_sync_check_loop (&self->loop, TYPE_NAME, &error)))
    return _aio_sync_future_new_failed (self->loop, error);

  switch (self->state)
    {
    case GEN_INITIAL:
    case GEN_SUSPENDED:
      break;

    case GEN_RUNNING:
    case GEN_CLOSING:
      return _aio_sync_future_new_failed (self->loop,
        g_error_new_literal (AIO_ERROR, AIO_ERROR_INVALID_STATE,
                             "The async generator is already running; await the previous "
                             "anext() or aclose() first"));

    case GEN_FINISHED:
    default:
      if (self->pending_error != NULL)
        return _aio_sync_future_new_failed (self->loop, g_steal_pointer (&self->pending_error));
      return _aio_sync_future_new_failed (self->loop,
        g_error_new_literal (AIO_ERROR, AIO_ERROR_STOP_ITERATION,
                             "The async generator is exhausted"));
    }

  if (G_UNLIKELY (self->stash.g_type != G_TYPE_INVALID))
    {
      GValue value = self->stash;
      AioFuture *future;

      memset (&self->stash, 0, sizeof self->stash);
      future = _aio_sync_future_new_done (self->loop, &value);
      _aio_future_set_cancel_hook (future, value_dropped, _aio_ref (self),
                                   _aio_sync_unref);
      return future;
    }

  self->next = _aio_future_new_for_loop (self->loop);
  _aio_future_set_cancel_hook (self->next, next_cancelled, self, NULL);
  self->cancel_requested = FALSE;
  hold (self);

  if (self->state == GEN_INITIAL)
    {
      self->state = GEN_RUNNING;
      start_producer (self);
    }
  else
    {
      self->state = GEN_RUNNING;
      resume_body (self, NULL);
    }
  return _aio_ref (self->next);
}

/**
 * aio_async_generator_aclose:
 * @self: an [class@Aio.AsyncGenerator]
 *
 * Closes @self early, like Python's `aclose()`: the yield the body waits
 * at fails with `G_IO_ERROR_CANCELLED`, and the returned future finishes
 * once the body has run its cleanup and returned.  A generator that never
 * started, or is exhausted, is just marked closed.  Later
 * [method@Aio.AsyncGenerator.anext] calls fail with
 * %AIO_ERROR_STOP_ITERATION.
 *
 * Returns: (transfer full): a future that finishes with no value, or
 *   fails with the error the body's cleanup ended with, with
 *   %AIO_ERROR_INVALID_STATE if an `anext()` is pending or the body kept
 *   yielding, or with %AIO_ERROR_WRONG_THREAD
 *
 * Since: 1.0
 */
AioFuture *
aio_async_generator_aclose (AioAsyncGenerator *self)
{
  GError *error = NULL;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), NULL);

  if (!_aio_sync_check_loop (&self->loop, TYPE_NAME, &error))
    return _aio_sync_future_new_failed (self->loop, error);

  switch (self->state)
    {
    case GEN_INITIAL:
      self->state = GEN_FINISHED;
      release_body (self);
      return _aio_sync_future_new_done (self->loop, NULL);

    case GEN_FINISHED:
      _aio_value_clear (&self->stash);
      g_clear_error (&self->pending_error);
      return _aio_sync_future_new_done (self->loop, NULL);

    case GEN_RUNNING:
      return _aio_sync_future_new_failed (self->loop,
        g_error_new_literal (AIO_ERROR, AIO_ERROR_INVALID_STATE,
                             "The async generator is running; await its anext() before closing it"));

    case GEN_CLOSING:
      if (self->closing != NULL)
        return _aio_sync_future_new_failed (self->loop,
          g_error_new_literal (AIO_ERROR, AIO_ERROR_INVALID_STATE,
                               "The async generator is already being closed"));
      break;

    case GEN_SUSPENDED:
    default:
      close_suspended (self);
      break;
    }

  self->closing = _aio_future_new_for_loop (self->loop);
  _aio_future_set_cancel_hook (self->closing, closing_cancelled, self, NULL);
  self->cancel_requested = FALSE;
  return _aio_ref (self->closing);
}

/* Hands @value (moved) to the pending anext(): the common part of the
 * yields.  On success the body is to wait at its yield (state SUSPENDED)
 * and the caller lets go of the future with let_go_of_next().
 */
static gboolean
hand_value (AioAsyncGenerator  *self,
            GValue             *value,
            GError            **error)
{
  if (!_aio_sync_check_loop (&self->loop, TYPE_NAME, error))
    ;
  else if (self->producer == NULL || _aio_ts.current_task != self->producer)
    g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                         "Only the body of an async generator may yield its values");
  else if (self->state == GEN_CLOSING)
    {
      self->yielded_after_close = TRUE;
      g_propagate_error (error, closed_error_new ());
    }
  else if (self->state != GEN_RUNNING || self->next == NULL)
    g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                         "Nobody asked the async generator for a value");
  else
    {
      _aio_future_complete (self->next, AIO_FUTURE_FINISHED, value, NULL, NULL);
      /* The generator's hold on itself, taken by anext(), becomes the
       * reference of the future's hook: a delivered value keeps the
       * generator alive until it is released.
       */
      if (!self->self_ref)
        _aio_ref (self);
      self->self_ref = FALSE;
      _aio_future_set_cancel_hook (self->next, value_dropped, self, _aio_sync_unref);
      self->state = GEN_SUSPENDED;
      self->cancel_requested = FALSE;
      return TRUE;
    }

  _aio_value_clear (value);
  return FALSE;
}

/* The generator's reference to the future it delivered a value in.  When
 * the consumer has let go already, that was the last reference to the
 * generator too, which closes it: the yield then fails.
 */
static void
let_go_of_next (AioAsyncGenerator *self)
{
  _aio_release (g_steal_pointer (&self->next));
}

/* yield_value(): the body waits at its yield for self->resume. */
static AioFuture *
yield_take (AioAsyncGenerator *self,
            GValue            *value)
{
  GError *error = NULL;
  AioFuture *resume;

  if (G_UNLIKELY (!hand_value (self, value, &error)))
    return _aio_sync_future_new_failed (self->loop, error);

  resume = self->resume = _aio_future_new_for_loop (self->loop);
  _aio_future_set_cancel_hook (resume, resume_cancelled, self, NULL);
  _aio_ref (resume);
  let_go_of_next (self);
  return resume;
}

/**
 * aio_async_generator_yield_value:
 * @self: the [class@Aio.AsyncGenerator] whose body is running
 * @value: the value, copied
 *
 * Hands @value to the consumer waiting in
 * [method@Aio.AsyncGenerator.anext]; for the body only.  The returned
 * future finishes when the consumer asks for the next value: a stackless
 * body returns it from its step, a C coroutine awaits it (which
 * `aio_async_generator_yield()` does).  It fails with
 * `G_IO_ERROR_CANCELLED` if the generator is closed instead, and with
 * %AIO_ERROR_INVALID_STATE when called from anywhere but the body.
 *
 * Returns: (transfer full): the future to wait for
 *
 * Since: 1.0
 */
AioFuture *
aio_async_generator_yield_value (AioAsyncGenerator *self,
                                 const GValue      *value)
{
  GValue copy = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), NULL);
  g_return_val_if_fail (G_IS_VALUE (value), NULL);

  _aio_value_copy (value, &copy);
  return yield_take (self, &copy);
}

/* A C coroutine body's yield: it waits parked, with no future, until
 * resume_body() (the next anext(), or the close) wakes it.
 */
static gboolean
yield_and_wait (AioAsyncGenerator  *self,
                GValue             *value,
                GError            **error)
{
  AioTask *producer = self->producer;

  /* Anywhere but a C coroutine body (a stackless body calling it, say),
   * the await reports what is wrong. */
  if (G_UNLIKELY (producer == NULL || _aio_task_current_coroutine () != producer))
    return aio_await (yield_take (self, value), error);

  if (G_UNLIKELY (!hand_value (self, value, error)))
    return FALSE;

  /* A close from there leaves its error for the check below. */
  let_go_of_next (self);
  if (self->resume_error == NULL &&
      !_aio_task_park (producer, parked_body_cancelled, self, error))
    {
      g_clear_error (&self->resume_error);
      return FALSE;
    }
  if (G_UNLIKELY (self->resume_error != NULL))
    {
      g_propagate_error (error, g_steal_pointer (&self->resume_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * aio_async_generator_yield: (skip)
 * @self: the [class@Aio.AsyncGenerator] whose body is running
 * @value: the value, copied
 * @error: return location for an error
 *
 * Hands @value to the consumer and suspends the body until the consumer
 * asks for the next value: the C coroutine form of Python's `yield`
 * inside an `async def`.  Fails with `G_IO_ERROR_CANCELLED` when the
 * generator is closed (or the body cancelled) instead; the body should
 * then clean up and return.
 *
 * Returns: %TRUE when the next value is wanted
 *
 * Since: 1.0
 */
gboolean
aio_async_generator_yield (AioAsyncGenerator  *self,
                           const GValue       *value,
                           GError            **error)
{
  GValue copy = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _aio_value_copy (value, &copy);
  return yield_and_wait (self, &copy, error);
}

/**
 * aio_async_generator_yield_int: (skip)
 * @self: the [class@Aio.AsyncGenerator] whose body is running
 * @value: the value
 * @error: return location for an error
 *
 * Yields an integer, see `aio_async_generator_yield()`.
 *
 * Returns: %TRUE when the next value is wanted
 *
 * Since: 1.0
 */
gboolean
aio_async_generator_yield_int (AioAsyncGenerator  *self,
                               gint                value,
                               GError            **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _aio_value_set_int (&v, value);
  return yield_and_wait (self, &v, error);
}

/**
 * aio_async_generator_yield_int64: (skip)
 * @self: the [class@Aio.AsyncGenerator] whose body is running
 * @value: the value
 * @error: return location for an error
 *
 * Yields a 64-bit integer, see `aio_async_generator_yield()`.
 *
 * Returns: %TRUE when the next value is wanted
 *
 * Since: 1.0
 */
gboolean
aio_async_generator_yield_int64 (AioAsyncGenerator  *self,
                                 gint64              value,
                                 GError            **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _aio_value_set_int64 (&v, value);
  return yield_and_wait (self, &v, error);
}

/**
 * aio_async_generator_yield_double: (skip)
 * @self: the [class@Aio.AsyncGenerator] whose body is running
 * @value: the value
 * @error: return location for an error
 *
 * Yields a floating point number, see `aio_async_generator_yield()`.
 *
 * Returns: %TRUE when the next value is wanted
 *
 * Since: 1.0
 */
gboolean
aio_async_generator_yield_double (AioAsyncGenerator  *self,
                                  gdouble             value,
                                  GError            **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _aio_value_set_double (&v, value);
  return yield_and_wait (self, &v, error);
}

/**
 * aio_async_generator_yield_string: (skip)
 * @self: the [class@Aio.AsyncGenerator] whose body is running
 * @value: (nullable): the value, copied
 * @error: return location for an error
 *
 * Yields a string, see `aio_async_generator_yield()`.
 *
 * Returns: %TRUE when the next value is wanted
 *
 * Since: 1.0
 */
gboolean
aio_async_generator_yield_string (AioAsyncGenerator  *self,
                                  const char         *value,
                                  GError            **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, value);
  return yield_and_wait (self, &v, error);
}

/**
 * aio_async_generator_yield_object: (skip)
 * @self: the [class@Aio.AsyncGenerator] whose body is running
 * @value: (type GObject) (nullable): the value; a reference is taken
 * @error: return location for an error
 *
 * Yields an object, see `aio_async_generator_yield()`.
 *
 * Returns: %TRUE when the next value is wanted
 *
 * Since: 1.0
 */
gboolean
aio_async_generator_yield_object (AioAsyncGenerator  *self,
                                  gpointer            value,
                                  GError            **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), FALSE);
  g_return_val_if_fail (value == NULL || G_IS_OBJECT (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_value_init (&v, value != NULL ? G_OBJECT_TYPE (value) : G_TYPE_OBJECT);
  g_value_set_object (&v, value);
  return yield_and_wait (self, &v, error);
}

/**
 * aio_async_generator_yield_pointer: (skip)
 * @self: the [class@Aio.AsyncGenerator] whose body is running
 * @value: (nullable): the value; nobody frees it
 * @error: return location for an error
 *
 * Yields a plain pointer, see `aio_async_generator_yield()`.
 *
 * Returns: %TRUE when the next value is wanted
 *
 * Since: 1.0
 */
gboolean
aio_async_generator_yield_pointer (AioAsyncGenerator  *self,
                                   gpointer            value,
                                   GError            **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _aio_value_set_pointer (&v, value);
  return yield_and_wait (self, &v, error);
}

/**
 * aio_async_generator_return_error:
 * @self: the [class@Aio.AsyncGenerator] whose body is running
 * @error: (transfer full): the error the body ends with
 *
 * Makes the body fail with @error when it returns, as an exception
 * raised in a Python async generator: the pending
 * [method@Aio.AsyncGenerator.anext] (or [method@Aio.AsyncGenerator.aclose])
 * fails with it.  For the body only; call it at most once.
 *
 * Since: 1.0
 */
void
aio_async_generator_return_error (AioAsyncGenerator *self,
                                  GError            *error)
{
  g_return_if_fail (AIO_IS_ASYNC_GENERATOR (self));
  g_return_if_fail (error != NULL);

  if (self->producer == NULL || _aio_ts.current_task != self->producer)
    {
      g_critical ("aio_async_generator_return_error() may only be called "
                  "from the body of the generator");
      g_error_free (error);
      return;
    }
  aio_task_return_error (self->producer, error);
}

/**
 * aio_async_generator_iterate: (skip)
 * @self: an [class@Aio.AsyncGenerator]
 * @value: (out caller-allocates): an unset [struct@GObject.Value] for the
 *   next value
 * @error: return location for an error
 *
 * The C coroutine form of `async for`: awaits the next value of @self
 * and stores it in @value.  At the end returns %FALSE without an error;
 * if the body failed or the caller was cancelled, returns %FALSE with
 * @error set.
 *
 * Returns: %TRUE if @value holds the next value
 *
 * Since: 1.0
 */
gboolean
aio_async_generator_iterate (AioAsyncGenerator  *self,
                             GValue             *value,
                             GError            **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (AIO_IS_ASYNC_GENERATOR (self), FALSE);
  g_return_val_if_fail (value != NULL && !G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (aio_await_value (aio_async_generator_anext (self), value, &local_error))
    return TRUE;
  if (g_error_matches (local_error, AIO_ERROR, AIO_ERROR_STOP_ITERATION))
    {
      g_error_free (local_error);
      return FALSE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

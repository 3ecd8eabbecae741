/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-call-graph-private.h"
#include "aio-error.h"
#include "aio-gather.h"
#include "aio-structured-private.h"

/* The gathering future, asyncio's `_GatheringFuture`: a future of its own
 * type because cancelling it cancels the children instead, and reports
 * whether any of them could be cancelled.  The type is private; callers
 * see an [class@Aio.Future].
 */
typedef struct _AioGatherFuture AioGatherFuture;
typedef struct
{
  AioFutureClass parent_class;
} AioGatherFutureClass;

/* One child's waiter.  The gather holds a reference to itself while any
 * slot is linked or queued on the ready ring, so a slot never outlives it.
 */
typedef struct
{
  AioWaiter        waiter;
  AioGatherFuture *gather;   /* (unowned) */
  AioFuture       *child;    /* (unowned) held by gather->children */
  gboolean         linked;   /* FALSE for a child found done at the start */
} GatherSlot;

struct _AioGatherFuture
{
  AioFuture   parent_instance;

  GPtrArray  *children;          /* (owned) (element-type AioFuture): each (owned) */
  GatherSlot *slots;             /* (owned) one per child */
  guint       n_finished;
  guint       return_errors : 1;
  guint       cancel_requested : 1;
};

static GType aio_gather_future_get_type (void);
G_DEFINE_FINAL_TYPE (AioGatherFuture, aio_gather_future, AIO_TYPE_FUTURE)

static void
aio_gather_future_finalize (GObject *object)
{
  AioGatherFuture *self = (AioGatherFuture *) object;

  g_clear_pointer (&self->children, g_ptr_array_unref);
  g_clear_pointer (&self->slots, g_free);

  G_OBJECT_CLASS (aio_gather_future_parent_class)->finalize (object);
}

static gboolean
aio_gather_future_cancel (AioFuture  *future,
                          const char *msg)
{
  AioGatherFuture *self = (AioGatherFuture *) future;
  gboolean any = FALSE;
  guint i;

  if (_aio_future_is_done (future))
    return FALSE;
  if (!_aio_loop_is_owner (_aio_future_priv (future)->loop))
    return _aio_future_post_cancel (future, msg);

  /* Children end the gather when they are done; a child that is already
   * done (its waiter still queued) cannot be cancelled, and when none can,
   * neither can the gather, as in asyncio.
   */
  for (i = 0; i < self->children->len; i++)
    if (aio_future_cancel (g_ptr_array_index (self->children, i), msg))
      any = TRUE;
  if (any)
    self->cancel_requested = TRUE;
  return any;
}

static void
aio_gather_future_class_init (AioGatherFutureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AioFutureClass *future_class = AIO_FUTURE_CLASS (klass);

  object_class->finalize = aio_gather_future_finalize;
  future_class->cancel = aio_gather_future_cancel;
}

static void
aio_gather_future_init (AioGatherFuture *self)
{
}

static void
release_child (gpointer child)
{
  _aio_release (child);
}

/* Unlike asyncio, where a gather that ends because of a cancellation is a
 * finished future holding a CancelledError, it ends cancelled here: in
 * aio-glib a cancellation error and the cancelled state are one thing, as
 * for a task whose body fails with one.  Awaiting it fails the same way.
 */
static void
gather_fail (AioGatherFuture *self,
             AioFuture       *child)
{
  AioFuturePrivate *child_priv = _aio_future_priv (child);
  gboolean cancelled = g_atomic_int_get (&child_priv->state) == AIO_FUTURE_CANCELLED;

  child_priv->error_retrieved = TRUE;
  _aio_future_complete (AIO_FUTURE (self),
                        cancelled ? AIO_FUTURE_CANCELLED : AIO_FUTURE_FINISHED,
                        NULL, g_error_copy (child_priv->error), NULL);
}

static void
gather_finish (AioGatherFuture *self,
               AioFuture       *last_child)
{
  GValue value = G_VALUE_INIT;

  /* A cancelled gather ends cancelled whatever return_errors says, with the
   * message of the last child when it was cancelled with one.
   */
  if (self->cancel_requested)
    {
      AioFuturePrivate *last_priv = _aio_future_priv (last_child);
      const char *msg = NULL;

      if (g_atomic_int_get (&last_priv->state) == AIO_FUTURE_CANCELLED)
        msg = last_priv->error->message;
      _aio_future_complete (AIO_FUTURE (self), AIO_FUTURE_CANCELLED, NULL,
                            _aio_cancelled_error_new (msg), NULL);
      return;
    }

  g_value_init (&value, G_TYPE_PTR_ARRAY);
  g_value_set_boxed (&value, self->children);
  _aio_future_complete (AIO_FUTURE (self), AIO_FUTURE_FINISHED, &value, NULL, NULL);
}

static void
gather_child_done (AioGatherFuture *self,
                   AioFuture       *child)
{
  AioFuturePrivate *child_priv = _aio_future_priv (child);

  /* Whatever happens next, the gather accounts for this outcome, as
   * asyncio's callback retrieves every child's exception.
   */
  child_priv->error_retrieved = TRUE;
  self->n_finished++;

  if (_aio_future_is_done (AIO_FUTURE (self)))
    ;
  else if (!self->return_errors && child_priv->error != NULL)
    gather_fail (self, child);
  else if (self->n_finished == self->children->len)
    gather_finish (self, child);

  if (self->n_finished == self->children->len)
    g_object_unref (self);   /* the reference the linked slots held */
}

static void
slot_ready (gpointer data)
{
  GatherSlot *slot = data;

  gather_child_done (slot->gather, slot->child);
}

/* Its loop's context is gone: the gather will never finish, but the slot
 * still gives back the reference it holds on the gather.
 */
static void
slot_drop (gpointer data)
{
  GatherSlot *slot = data;
  AioGatherFuture *self = slot->gather;

  if (++self->n_finished == self->children->len)
    g_object_unref (self);
}

static const AioReadyOps slot_ready_ops = { slot_ready, slot_drop };

static void
slot_wakeup (AioWaiter *waiter,
             AioFuture *future)
{
  slot_ready (waiter);
}

const char *
_aio_gather_future_kind (AioFuture *future)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (future, aio_gather_future_get_type ()) ? "gather" : NULL;
}

gboolean
_aio_gather_waiter_owner (AioWaiter   *waiter,
                          AioFuture  **owner,
                          const char **via)
{
  if (waiter->func != slot_wakeup)
    return FALSE;
  *owner = AIO_FUTURE (((GatherSlot *) waiter)->gather);
  *via = "gather";
  return TRUE;
}

static AioFuture *
empty_gather (GPtrArray *children)
{
  AioFuture *empty = _aio_future_new_for_loop (_aio_loop_get_current ());
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_PTR_ARRAY);
  g_value_take_boxed (&value, children);
  _aio_future_complete (empty, AIO_FUTURE_FINISHED, &value, NULL, NULL);
  return empty;
}

/* Unlinks the slots linked so far, after a bad child at @n_linked. */
static void
gather_unwind (AioGatherFuture *self,
               guint            n_linked)
{
  guint i;

  for (i = 0; i < n_linked; i++)
    if (self->slots[i].linked)
      _aio_future_remove_waiter (self->slots[i].child, &self->slots[i].waiter);
}

/* Something that is not a future was given: a programming error.  The
 * references in @children are left alone, as releasing them would treat
 * the culprit as a future.
 */
static AioFuture *
gather_reject (GPtrArray *children)
{
  g_ptr_array_set_free_func (children, NULL);
  g_ptr_array_unref (children);
  g_return_val_if_fail (!"aio_gather(): every element must be an AioFuture", NULL);
  return NULL;
}

/* Starts a gather over @children (taken, with their references).  One
 * pass links every child, as the children of a large gather are cold in
 * the cache by now; those already done are counted after it, so a bad
 * child found on the way only has links to undo.
 */
static AioFuture *
gather_start (GPtrArray *children,
              gboolean   return_errors,
              gboolean   check_types)
{
  AioGatherFuture *self;
  AioLoop *loop;
  GError *error = NULL;
  guint n = children->len, n_done = 0, i;

  if (n == 0)
    return empty_gather (children);
  if (check_types && !AIO_IS_FUTURE (children->pdata[0]))
    return gather_reject (children);

  loop = _aio_future_priv (children->pdata[0])->loop;
  if (!_aio_loop_is_owner (loop))
    {
      g_set_error_literal (&error, AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                           "aio_gather() must be called from the thread that runs the futures' loop");
      g_ptr_array_unref (children);
      return _aio_future_new_failed (loop, error);
    }

  self = _aio_future_construct (aio_gather_future_get_type (), loop);
  self->return_errors = return_errors != FALSE;
  self->children = children;
  self->slots = g_new0 (GatherSlot, n);

  for (i = 0; i < n; i++)
    {
      AioFuture *child = children->pdata[i];
      GatherSlot *slot = &self->slots[i];

      if (G_UNLIKELY (check_types && !AIO_IS_FUTURE (child)))
        {
          gather_unwind (self, i);
          self->children = NULL;
          g_object_unref (self);
          return gather_reject (children);
        }
      if (G_UNLIKELY (_aio_future_priv (child)->loop != loop))
        {
          gather_unwind (self, i);
          g_object_unref (self);
          error = g_error_new_literal (AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT,
                                       "aio_gather(): the futures belong to different loops; "
                                       "all must belong to one loop");
          return _aio_future_new_failed (loop, error);
        }

      slot->waiter.func = slot_wakeup;
      /* The gather holds the child and itself until the slot has run, so
       * a lone slot may be woken straight from the ready ring.
       */
      slot->waiter.ready_ops = &slot_ready_ops;
      slot->waiter.ready_data = slot;
      slot->gather = self;
      slot->child = child;
      slot->linked = _aio_future_add_waiter (child, &slot->waiter);
      if (!slot->linked)
        n_done++;
    }

  g_object_ref (self);   /* dropped when the last child is done */
  for (i = 0; n_done > 0 && i < n; i++)
    if (!self->slots[i].linked)
      {
        n_done--;
        gather_child_done (self, self->slots[i].child);
      }
  return AIO_FUTURE (self);
}

/**
 * aio_gatherv: (rename-to aio_gather)
 * @futures: (array length=n_futures) (transfer none): the futures or tasks
 *   to wait for, all of one loop
 * @n_futures: the number of @futures
 * @return_errors: %FALSE to fail as soon as one of @futures fails; %TRUE
 *   to wait for all of them, whatever their outcome
 *
 * Waits for all of @futures, like asyncio's `gather()`.
 *
 * The returned future finishes once every one of @futures is done.  Its
 * result is a [struct@GLib.PtrArray] holding @futures in the order given
 * (duplicates included), so each slot holds a value or an error: read it
 * with the getters of [class@Aio.Future].  From a C coroutine:
 *
 * ```c
 * g_autoptr(GPtrArray) done = aio_await_boxed (aio_gatherv (futures, 2, FALSE),
 *                                              &error);
 * if (done != NULL)
 *   total = aio_future_get_int (g_ptr_array_index (done, 0), NULL) +
 *           aio_future_get_int (g_ptr_array_index (done, 1), NULL);
 * ```
 *
 * Language bindings hold @futures already and read the values from them.
 *
 * Unless @return_errors is %TRUE, the first of @futures to fail (or to be
 * cancelled) makes the gather fail at once with a copy of its error; the
 * others keep running.  With @return_errors, the gather waits for all of
 * them and each failure stays in its slot.
 *
 * Cancelling the returned future cancels every one of @futures that is
 * still pending; the gather then ends cancelled once all are done, even
 * with @return_errors.  If none of them can be cancelled any more,
 * [method@Aio.Future.cancel] returns %FALSE and the gather finishes
 * normally.  A child cancelled on its own counts as a failure with
 * `G_IO_ERROR_CANCELLED`, so it does not cancel its siblings.
 *
 * Unlike asyncio, a gather ended by a cancellation is in the
 * %AIO_FUTURE_CANCELLED state rather than finished with a cancellation
 * error: in aio-glib the two are the same outcome.
 *
 * With no futures, the result is an empty array at once.  Futures of
 * different loops, or a call from a thread other than the loop's, give a
 * future that has failed with %AIO_ERROR_INVALID_ARGUMENT or
 * %AIO_ERROR_WRONG_THREAD.
 *
 * Returns: (transfer full): a future whose result is the array of
 *   @futures
 *
 * Since: 1.0
 */
AioFuture *
aio_gatherv (AioFuture * const *futures,
             guint              n_futures,
             gboolean           return_errors)
{
  GPtrArray *children;
  guint i;

  g_return_val_if_fail (futures != NULL || n_futures == 0, NULL);

  children = g_ptr_array_new_full (n_futures, release_child);
  for (i = 0; i < n_futures; i++)
    {
      if (!AIO_IS_FUTURE (futures[i]))
        {
          g_ptr_array_unref (children);
          g_return_val_if_fail (AIO_IS_FUTURE (futures[i]), NULL);
        }
      g_ptr_array_add (children, _aio_ref (futures[i]));
    }
  return gather_start (children, return_errors, FALSE);
}

/**
 * aio_gather_array:
 * @futures: (transfer full) (element-type AioFuture): the futures or tasks
 *   to wait for, all of one loop; the array and its references are taken
 * @return_errors: see [func@Aio.gatherv]
 *
 * Like [func@Aio.gatherv], taking over an array built for it: the array
 * becomes the result, without a copy or new references, which matters
 * when it holds many tasks.  Its free function is replaced.
 *
 * ```c
 * GPtrArray *tasks = g_ptr_array_new ();
 *
 * for (i = 0; i < n; i++)
 *   g_ptr_array_add (tasks, aio_task_new (fetch, urls[i], NULL));
 * done = aio_await_boxed (aio_gather_array (tasks, FALSE), &error);
 * ```
 *
 * Returns: (transfer full): a future whose result is @futures
 *
 * Since: 1.0
 */
AioFuture *
aio_gather_array (GPtrArray *futures,
                  gboolean   return_errors)
{
  g_return_val_if_fail (futures != NULL, NULL);

  g_ptr_array_set_free_func (futures, release_child);
  return gather_start (futures, return_errors, TRUE);
}

/**
 * aio_gather_valist: (skip)
 * @return_errors: see [func@Aio.gatherv]
 * @first_future: (transfer full) (nullable): the first future, or %NULL
 *   for none
 * @args: the other futures (each transfer full), then %NULL
 *
 * The `va_list` form of `aio_gather()`, with the choice of
 * @return_errors.
 *
 * Returns: (transfer full): a future whose result is the array of the
 *   futures
 *
 * Since: 1.0
 */
AioFuture *
aio_gather_valist (gboolean    return_errors,
                   AioFuture  *first_future,
                   va_list     args)
{
  GPtrArray *futures = g_ptr_array_new_with_free_func (release_child);
  AioFuture *future;

  for (future = first_future; future != NULL; future = va_arg (args, AioFuture *))
    {
      if (!AIO_IS_FUTURE (future))
        {
          g_critical ("aio_gather(): argument %u is not an AioFuture", futures->len + 1);
          g_ptr_array_unref (futures);
          return NULL;
        }
      g_ptr_array_add (futures, future);
    }

  return gather_start (futures, return_errors, FALSE);
}

/**
 * aio_gather: (skip)
 * @first_future: (transfer full) (nullable): the first future or task, or
 *   %NULL for none
 * @...: more futures (each transfer full), then %NULL
 *
 * Waits for all the given futures, like asyncio's `gather(*aws)`: see
 * [func@Aio.gatherv] (`Aio.gather()` in the bindings) for the details.
 * This form takes ownership of each future, so tasks can be created in
 * the call:
 *
 * ```c
 * g_autoptr(GPtrArray) results =
 *   aio_await_boxed (aio_gather (AIO_FUTURE (aio_task_new (fetch, "a", NULL)),
 *                                AIO_FUTURE (aio_task_new (fetch, "b", NULL)),
 *                                NULL),
 *                    &error);
 * ```
 *
 * Returns: (transfer full): a future whose result is the array of the
 *   futures
 *
 * Since: 1.0
 */
AioFuture *
aio_gather (AioFuture *first_future,
            ...)
{
  AioFuture *gather;
  va_list args;

  va_start (args, first_future);
  gather = aio_gather_valist (FALSE, first_future, args);
  va_end (args);
  return gather;
}

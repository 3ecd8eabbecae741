/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string.h>

#include "aio-future.h"
#include "aio-gobject-private.h"
#include "aio-list-private.h"
#include "aio-loop-private.h"

G_BEGIN_DECLS

/* Something waiting for a future: a task, a done callback, a combinator.
 * Waiters are linked into the future's list and called, in the order they
 * were added, from one ready-ring item after the future is done.  A waiter
 * is unlinked before it is called, so it may free itself.  Whoever owns a
 * waiter must keep it alive until it is called or removed.
 */
typedef struct _AioWaiter AioWaiter;
typedef void (*AioWaiterFunc) (AioWaiter *waiter,
                               AioFuture *future);

/* When a loop's context is destroyed with a future's waiters still queued,
 * no user code may run any more, but the library's own bookkeeping must
 * still let go of what it holds.  So a waiter whose func is bookkeeping
 * (a combinator's, a primitive's) leaves @drop NULL and is called as
 * usual: the future is done, so that is the right notification, and what
 * it completes in turn is dropped the same way.  A waiter that would run
 * user code (a done callback, a task's step) sets @drop, which releases
 * the waiter instead.
 */
typedef void (*AioWaiterDropFunc) (AioWaiter *waiter);

struct _AioWaiter
{
  AioLink            link;         /* in the future's waiters */
  AioWaiterFunc      func;
  AioWaiterDropFunc  drop;         /* (nullable) see above */
  /* Optional: when this is the future's only waiter, the future puts
   * (ready_ops, ready_data) on the ready ring instead of calling func from
   * a batch.  Only for waiters that keep the future alive themselves.
   */
  const AioReadyOps *ready_ops;
  gpointer           ready_data;
};

#define _aio_waiter_from_link(l) _aio_list_entry (l, AioWaiter, link)

/* Asks the owner of an operation behind a future to stop it.  Returns TRUE
 * if the future should end cancelled right away, FALSE if the operation
 * will complete the future itself (the GIO bridge waits for GIO to call
 * back, so no buffer is still in use when the awaiting task resumes).
 *
 * Completing a future clears its hook.  A hook set on a future that is
 * already done is called once, on the loop thread, if someone cancels the
 * done future (its return value is ignored): the awaiter of a lock grant
 * or a queue item was cancelled before it resumed, so the grant or the
 * item must go back (asyncio's "cancelled after being woken up").  Once
 * someone has read the outcome, the grant was taken: reading it disarms
 * the hook (see _aio_future_consumed()), so a later cancel cannot give
 * back, say, a queue item twice.
 */
typedef gboolean (*AioCancelHook) (AioFuture  *future,
                                   const char *msg,
                                   gpointer    data);

typedef struct
{
  AioLoop        *loop;                 /* (owned) */
  gint            state;                /* (atomic) AioFutureState; written by the loop thread only */
  GValue          value;                /* the result once FINISHED without error */
  GDestroyNotify  pointer_destroy;      /* frees a G_TYPE_POINTER result */
  GError         *error;                /* (owned) (nullable) failure or cancellation */
  AioList         waiters;              /* of AioWaiter; loop thread only */
  AioCancelHook   cancel_hook;          /* loop thread only */
  gpointer        cancel_hook_data;
  GDestroyNotify  cancel_hook_destroy;
  AioFuture      *pool_next;            /* link in the recycling pool */
  guint           error_retrieved : 1;
  guint           is_task : 1;
} AioFuturePrivate;

/* How the future layer names an instance of a subclass in its reports,
 * without calling into the subclass: the subclass's class_init sets it in
 * the first private slot of AioFutureClass (class structs are copied to
 * subclasses, so it is inherited).  The task keeps its name until the
 * future's own cleanup has run.
 */
typedef const char *(*AioFutureNameFunc) (AioFuture *future);

static inline void
_aio_future_class_set_name_func (AioFutureClass   *klass,
                                 AioFutureNameFunc func)
{
  klass->_reserved[0] = (gpointer) func;
}

static inline AioFutureNameFunc
_aio_future_class_get_name_func (AioFutureClass *klass)
{
  return (AioFutureNameFunc) klass->_reserved[0];
}

/* Where an instance was created, for the same reports: a new string, or
 * NULL when unknown.  The second private slot of AioFutureClass.
 */
typedef char *(*AioFutureOriginFunc) (AioFuture *future);

static inline void
_aio_future_class_set_origin_func (AioFutureClass      *klass,
                                   AioFutureOriginFunc  func)
{
  klass->_reserved[1] = (gpointer) func;
}

static inline AioFutureOriginFunc
_aio_future_class_get_origin_func (AioFutureClass *klass)
{
  return (AioFutureOriginFunc) klass->_reserved[1];
}

extern gint _aio_future_private_offset G_GNUC_INTERNAL;
extern GType _aio_future_type G_GNUC_INTERNAL;     /* AIO_TYPE_FUTURE, without a call */
extern GType _aio_task_type G_GNUC_INTERNAL;       /* AIO_TYPE_TASK, without a call */
extern gboolean _aio_recycling G_GNUC_INTERNAL;    /* FALSE under AIO_DEBUG=no-recycle */

/* AIO_IS_FUTURE() for the checks on the await paths: a plain future or
 * a task is told by its class alone, where the macro calls into GType
 * for every subclass (a task is one).
 */
static inline gboolean
_aio_is_future (gconstpointer instance)
{
  const GTypeInstance *object = instance;
  GType type;

  if (object == NULL || object->g_class == NULL)
    return FALSE;
  type = object->g_class->g_type;
  return type == _aio_future_type || type == _aio_task_type ||
         g_type_is_a (type, _aio_future_type);
}

static inline AioFuturePrivate *
_aio_future_priv (AioFuture *future)
{
  return (AioFuturePrivate *) G_STRUCT_MEMBER_P (future, _aio_future_private_offset);
}

static inline gboolean
_aio_future_is_done (AioFuture *future)
{
  gint state = g_atomic_int_get (&_aio_future_priv (future)->state);

  return state == AIO_FUTURE_FINISHED || state == AIO_FUTURE_CANCELLED;
}

/* aio_future_propagate() without the argument checks; the error path is
 * out of line.
 */
gboolean   _aio_future_propagate_slow (AioFuture     *future,
                                       GError       **error) G_GNUC_INTERNAL;

void       _aio_future_disarm        (AioFuture     *future) G_GNUC_INTERNAL;

/* Records that the outcome of a done future was read. */
static inline void
_aio_future_consumed (AioFuture        *future,
                      AioFuturePrivate *priv)
{
  priv->error_retrieved = TRUE;
  if (G_UNLIKELY (priv->cancel_hook != NULL))
    _aio_future_disarm (future);
}

static inline gboolean
_aio_future_propagate (AioFuture  *future,
                       GError    **error)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  if (G_LIKELY (g_atomic_int_get (&priv->state) == AIO_FUTURE_FINISHED &&
                priv->error == NULL))
    {
      if (G_UNLIKELY (priv->cancel_hook != NULL))
        _aio_future_disarm (future);
      return TRUE;
    }
  return _aio_future_propagate_slow (future, error);
}

AioFuture *_aio_future_new_for_loop  (AioLoop        *loop) G_GNUC_INTERNAL;

/* g_object_new() for @type (AioFuture or a subclass) attached to @loop. */
gpointer   _aio_future_construct     (GType           type,
                                      AioLoop        *loop) G_GNUC_INTERNAL;
void       _aio_future_set_loop      (AioFuture      *future,
                                      AioLoop        *loop) G_GNUC_INTERNAL;

/* Puts a done future back to the pending state for reuse.  The usual
 * future has nothing left to free, so that case stays inline.
 */
void       _aio_future_reset_slow    (AioFuture      *future) G_GNUC_INTERNAL;

static inline void
_aio_future_reset (AioFuture *future)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  if (G_UNLIKELY (priv->error != NULL || !_aio_list_is_empty (&priv->waiters) ||
                  priv->cancel_hook != NULL || priv->pointer_destroy != NULL ||
                  !_aio_value_is_scalar (&priv->value)))
    {
      _aio_future_reset_slow (future);
      return;
    }
  memset (&priv->value, 0, sizeof priv->value);
  priv->error_retrieved = FALSE;
  priv->state = AIO_FUTURE_PENDING;
}

/* _aio_future_release() or _aio_task_release(), by type. */
void       _aio_release              (AioFuture      *future) G_GNUC_INTERNAL;

/* Drops a reference.  When it is the last one and nobody else can have
 * seen the object (no qdata, so no weak or toggle references and no
 * binding wrapper), the instance is reset and kept for reuse on this
 * thread instead of going through g_object_unref().
 */
void       _aio_future_release       (AioFuture      *future) G_GNUC_INTERNAL;

/* Arranges for this thread's pools of futures and tasks to be emptied
 * when it exits; called once the first one is pooled.
 */
void       _aio_thread_hook_pools    (AioThreadState *ts)
  G_GNUC_INTERNAL G_GNUC_NO_INLINE __attribute__ ((cold));

/* Loop thread only.  Returns FALSE, without linking, if already done. */
gboolean   _aio_future_add_waiter    (AioFuture      *future,
                                      AioWaiter      *waiter) G_GNUC_INTERNAL;
void       _aio_future_remove_waiter (AioFuture      *future,
                                      AioWaiter      *waiter) G_GNUC_INTERNAL;

/* Completes @future, taking @value (moved out, may be NULL) or @failure.
 * @state is AIO_FUTURE_FINISHED or AIO_FUTURE_CANCELLED.
 */
gboolean   _aio_future_complete      (AioFuture      *future,
                                      AioFutureState  state,
                                      GValue         *value,
                                      GError         *failure,
                                      GError        **error) G_GNUC_INTERNAL;
/* Hands an outcome to the loop's thread from another one; takes @value
 * and @failure.  The loop completes the future if it is still pending.
 */
void       _aio_future_post_completion (AioFuture      *future,
                                        AioFutureState  state,
                                        GValue         *value,
                                        GDestroyNotify  pointer_destroy,
                                        GError         *failure) G_GNUC_INTERNAL;
gboolean   _aio_future_cancel_now    (AioFuture      *future,
                                      const char     *msg) G_GNUC_INTERNAL;

/* Hands aio_future_cancel (@future, @msg) to the future's loop thread, for
 * a cancel requested from another thread.  Returns TRUE, as a cancel that
 * will be delivered does.
 */
gboolean   _aio_future_post_cancel   (AioFuture      *future,
                                      const char     *msg) G_GNUC_INTERNAL;

static inline gboolean
_aio_future_has_waiters (AioFuture *future)
{
  return !_aio_list_is_empty (&_aio_future_priv (future)->waiters);
}

void       _aio_future_set_cancel_hook (AioFuture    *future,
                                        AioCancelHook hook,
                                        gpointer      data,
                                        GDestroyNotify destroy) G_GNUC_INTERNAL;

/* Moves the result into @value (copies it when others hold references).
 * The future must be FINISHED without error.
 */
void       _aio_future_take_value    (AioFuture      *future,
                                      GValue         *value) G_GNUC_INTERNAL;

void       _aio_future_mark_task     (AioFuture      *future) G_GNUC_INTERNAL;

GError    *_aio_cancelled_error_new  (const char     *msg) G_GNUC_INTERNAL;


G_END_DECLS

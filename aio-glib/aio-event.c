/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-event.h"
#include "aio-sync-private.h"

/**
 * AioEvent:
 *
 * A flag tasks can wait for, like asyncio's `Event`.
 *
 * An event starts unset.  [method@Aio.Event.wait] returns a future that
 * finishes (with %TRUE) once the event is set: at once if it already is.
 * [method@Aio.Event.set] wakes every waiter; [method@Aio.Event.clear]
 * makes later waiters wait again.  A waiter cancelled while it waits just
 * leaves; setting the event later does not involve it.
 *
 * ## Thread safety
 *
 * An event belongs to the loop it is first used on.  Use it only from
 * that loop's thread: from another thread (or while another loop is
 * dispatching), [method@Aio.Event.wait] returns a future that fails with
 * %AIO_ERROR_WRONG_THREAD, and [method@Aio.Event.set] and
 * [method@Aio.Event.clear] do nothing but log a critical warning.  To set
 * an event from a worker thread, hand the call to the loop with
 * [method@Aio.Loop.call_soon_threadsafe].  [method@Aio.Event.is_set] may
 * be read from any thread, as a snapshot.
 *
 * Since: 1.0
 */

struct _AioEvent
{
  GObject      parent_instance;

  AioLoop     *loop;      /* (owned) (nullable) bound on first use */
  AioWaitList  waiters;
  gboolean     value;
};

G_DEFINE_FINAL_TYPE (AioEvent, aio_event, G_TYPE_OBJECT)

static void
aio_event_finalize (GObject *object)
{
  AioEvent *self = AIO_EVENT (object);

  g_assert (_aio_wait_list_is_empty (&self->waiters));
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_event_parent_class)->finalize (object);
}

static void
aio_event_class_init (AioEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_event_finalize;
}

static void
aio_event_init (AioEvent *self)
{
}

/**
 * aio_event_new:
 *
 * Creates an event that is not set.  It binds to a loop the first time it
 * is used.
 *
 * Returns: (transfer full): a new [class@Aio.Event]
 *
 * Since: 1.0
 */
AioEvent *
aio_event_new (void)
{
  return g_object_new (AIO_TYPE_EVENT, NULL);
}

/**
 * aio_event_set:
 * @self: an [class@Aio.Event]
 *
 * Sets @self, like asyncio's `Event.set()`: every waiter is woken, and
 * [method@Aio.Event.wait] no longer waits until [method@Aio.Event.clear].
 *
 * Since: 1.0
 */
void
aio_event_set (AioEvent *self)
{
  g_return_if_fail (AIO_IS_EVENT (self));

  if (!_aio_sync_check_loop_or_warn (&self->loop, "AioEvent", "aio_event_set"))
    return;

  if (self->value)
    return;
  self->value = TRUE;
  _aio_wait_list_complete_all (&self->waiters, NULL);
}

/**
 * aio_event_clear:
 * @self: an [class@Aio.Event]
 *
 * Unsets @self, like asyncio's `Event.clear()`: later calls to
 * [method@Aio.Event.wait] wait until it is set again.
 *
 * Since: 1.0
 */
void
aio_event_clear (AioEvent *self)
{
  g_return_if_fail (AIO_IS_EVENT (self));

  if (!_aio_sync_check_loop_or_warn (&self->loop, "AioEvent", "aio_event_clear"))
    return;

  self->value = FALSE;
}

/**
 * aio_event_is_set:
 * @self: an [class@Aio.Event]
 *
 * Whether @self is set, like asyncio's `Event.is_set()`.
 *
 * Returns: %TRUE if the event is set
 *
 * Since: 1.0
 */
gboolean
aio_event_is_set (AioEvent *self)
{
  g_return_val_if_fail (AIO_IS_EVENT (self), FALSE);

  return self->value;
}

/**
 * aio_event_wait:
 * @self: an [class@Aio.Event]
 *
 * Waits for @self to be set, like asyncio's `Event.wait()`.
 *
 * Returns: (transfer full): a future that finishes with %TRUE once the
 *   event is set, or fails with %AIO_ERROR_WRONG_THREAD
 *
 * Since: 1.0
 */
AioFuture *
aio_event_wait (AioEvent *self)
{
  GError *error = NULL;
  AioSyncWaiter *waiter;

  g_return_val_if_fail (AIO_IS_EVENT (self), NULL);

  if (!_aio_sync_check_loop (&self->loop, "AioEvent", &error))
    return _aio_sync_future_new_failed (self->loop, error);

  if (self->value)
    return _aio_sync_future_new_boolean (self->loop, TRUE);

  waiter = _aio_sync_waiter_new (sizeof (AioSyncWaiter), self, self->loop,
                                 _aio_sync_waiter_cancelled);
  _aio_wait_list_push (&self->waiters, waiter);
  return _aio_ref (waiter->future);
}

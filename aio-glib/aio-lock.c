/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-await.h"
#include "aio-lock.h"
#include "aio-sync-private.h"

/**
 * AioLock:
 *
 * A mutual exclusion lock for tasks, like asyncio's `Lock`.
 *
 * [method@Aio.Lock.acquire] returns a future that finishes (with %TRUE)
 * once the caller holds the lock; [method@Aio.Lock.release] lets the next
 * waiter in.  Waiters get the lock in the order they asked for it: a
 * release hands the lock straight to the oldest waiter, so nobody can
 * overtake it in between.  Like asyncio's, the lock is not owned by a
 * task: any code may release it.
 *
 * In a C coroutine the whole `async with lock:` block is one line:
 *
 * ```c
 * g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (lock, &error);
 *
 * if (guard == NULL)
 *   return;   // cancelled while waiting: the lock is not held
 * // ... the lock is released when guard goes out of scope
 * ```
 *
 * ## Cancellation
 *
 * A waiter cancelled while it waits leaves the queue and never gets the
 * lock.  A waiter cancelled after the lock was handed to it but before it
 * could resume (its await fails with `G_IO_ERROR_CANCELLED`, as in
 * asyncio) gives the lock back at once, to the next waiter if there is
 * one: cancelling the done acquire future of a grant that is still held
 * does that, which is what a cancelled task or a timeout does.  Dropping
 * the future of a pending acquisition without awaiting it withdraws the
 * request too.
 *
 * ## Thread safety
 *
 * A lock belongs to the loop it is first used on, as asyncio's bind to the
 * running loop.  Use it only from that loop's thread, in its tasks and
 * callbacks: from another thread (or while another loop is dispatching),
 * [method@Aio.Lock.acquire] returns a future that fails with
 * %AIO_ERROR_WRONG_THREAD and [method@Aio.Lock.release] fails with that
 * error.  [method@Aio.Lock.locked] may be read from any thread, as a
 * snapshot.
 *
 * Since: 1.0
 */

struct _AioLock
{
  GObject      parent_instance;

  AioLoop     *loop;      /* (owned) (nullable) bound on first use */
  AioWaitList  waiters;   /* pending acquisitions, oldest first */
  /* The future the lock was last handed to while it may still come back:
   * compared, never dereferenced.
   */
  AioFuture   *grantee;
  gboolean     locked;
};

G_DEFINE_FINAL_TYPE (AioLock, aio_lock, G_TYPE_OBJECT)

static void
aio_lock_finalize (GObject *object)
{
  AioLock *self = AIO_LOCK (object);

  /* Every waiter holds a reference, so none is left. */
  g_assert (_aio_wait_list_is_empty (&self->waiters));
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_lock_parent_class)->finalize (object);
}

static void
aio_lock_class_init (AioLockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_lock_finalize;
}

static void
aio_lock_init (AioLock *self)
{
}

/**
 * aio_lock_new:
 *
 * Creates an unlocked lock.  It binds to a loop the first time it is used.
 *
 * Returns: (transfer full): a new [class@Aio.Lock]
 *
 * Since: 1.0
 */
AioLock *
aio_lock_new (void)
{
  return g_object_new (AIO_TYPE_LOCK, NULL);
}

static void hand_over (AioLock *self);

/* The awaiter of a grant was cancelled before it resumed. */
static gboolean
grant_revoked (AioFuture  *future,
               const char *msg,
               gpointer    data)
{
  AioLock *self = data;

  if (self->locked && self->grantee == future)
    hand_over (self);
  return FALSE;
}

/* The lock now belongs to the done @future, until it is released or the
 * future's awaiter gives up before resuming.
 */
static void
grant (AioLock   *self,
       AioFuture *future)
{
  self->grantee = future;
  _aio_future_set_cancel_hook (future, grant_revoked, _aio_ref (self),
                               _aio_sync_unref);
}

/* The lock is free: the oldest waiter gets it, or it becomes unlocked. */
static void
hand_over (AioLock *self)
{
  AioSyncWaiter *waiter = _aio_wait_list_pop (&self->waiters, TRUE);

  self->grantee = NULL;
  if (waiter == NULL)
    {
      self->locked = FALSE;
      return;
    }

  _aio_sync_future_set_boolean (waiter->future, TRUE);
  grant (self, waiter->future);
  _aio_sync_waiter_free (waiter);
}

/**
 * aio_lock_acquire:
 * @self: an [class@Aio.Lock]
 *
 * Acquires @self, like asyncio's `Lock.acquire()`: the returned future
 * finishes with %TRUE once the lock is held, at once if it is free.  Await
 * it, then call [method@Aio.Lock.release] when done.
 *
 * Returns: (transfer full): a future with a boolean result, or failed
 *   with %AIO_ERROR_WRONG_THREAD
 *
 * Since: 1.0
 */
AioFuture *
aio_lock_acquire (AioLock *self)
{
  GError *error = NULL;
  AioSyncWaiter *waiter;

  g_return_val_if_fail (AIO_IS_LOCK (self), NULL);

  if (!_aio_sync_check_loop (&self->loop, "AioLock", &error))
    return _aio_sync_future_new_failed (self->loop, error);

  if (!self->locked)
    {
      AioFuture *future = _aio_sync_future_new_boolean (self->loop, TRUE);

      self->locked = TRUE;
      grant (self, future);
      return future;
    }

  waiter = _aio_sync_waiter_new (sizeof (AioSyncWaiter), self, self->loop,
                                 _aio_sync_waiter_cancelled);
  _aio_wait_list_push (&self->waiters, waiter);
  return _aio_ref (waiter->future);
}

/**
 * aio_lock_release:
 * @self: an [class@Aio.Lock]
 * @error: return location for an error
 *
 * Releases @self, like asyncio's `Lock.release()`: the oldest waiter, if
 * any, gets the lock now.  Releasing an unlocked lock fails with
 * %AIO_ERROR_INVALID_STATE.
 *
 * Returns: %TRUE if the lock was released
 *
 * Since: 1.0
 */
gboolean
aio_lock_release (AioLock  *self,
                  GError  **error)
{
  g_return_val_if_fail (AIO_IS_LOCK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_aio_sync_check_loop (&self->loop, "AioLock", error))
    return FALSE;

  if (!self->locked)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                           "The lock is not acquired; release it only after acquiring it");
      return FALSE;
    }

  hand_over (self);
  return TRUE;
}

/**
 * aio_lock_locked:
 * @self: an [class@Aio.Lock]
 *
 * Whether @self is held, like asyncio's `Lock.locked()`.  A lock being
 * handed over to a waiter counts as held.
 *
 * Returns: %TRUE if the lock is held
 *
 * Since: 1.0
 */
gboolean
aio_lock_locked (AioLock *self)
{
  g_return_val_if_fail (AIO_IS_LOCK (self), FALSE);

  return self->locked;
}

/**
 * aio_lock_acquire_guard: (skip)
 * @self: an [class@Aio.Lock]
 * @error: return location for an error
 *
 * Acquires @self from a C coroutine, waiting as long as needed, and
 * returns a guard that releases it when freed: with
 * `g_autoptr(AioLockGuard)`, at the end of the scope.  The guard keeps a
 * reference to @self.
 *
 * Fails like `aio_await()`: with `G_IO_ERROR_CANCELLED` if the task is
 * cancelled while it waits (the lock is then not held), or with
 * %AIO_ERROR_NOT_IN_COROUTINE outside a C coroutine.
 *
 * Returns: (transfer full) (nullable): the guard, or %NULL with @error set
 *
 * Since: 1.0
 */
AioLockGuard *
aio_lock_acquire_guard (AioLock  *self,
                        GError  **error)
{
  g_return_val_if_fail (AIO_IS_LOCK (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _aio_sync_guard_acquire (self, (AioSyncAcquireFunc) aio_lock_acquire,
                                  "aio_lock_acquire", error);
}

/**
 * aio_lock_guard_release: (skip)
 * @guard: (transfer full): a guard from `aio_lock_acquire_guard()`
 *
 * Releases the lock held by @guard and frees the guard.
 *
 * Since: 1.0
 */
void
aio_lock_guard_release (AioLockGuard *guard)
{
  g_return_if_fail (AIO_IS_LOCK (guard));

  _aio_sync_guard_release (guard, (AioSyncReleaseFunc) aio_lock_release,
                           "aio_lock_guard_release");
}

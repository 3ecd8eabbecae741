/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-condition.h"
#include "aio-sync-private.h"

/**
 * AioCondition:
 *
 * A condition variable for tasks, like asyncio's `Condition`.
 *
 * A condition pairs an [class@Aio.Lock] with a queue of waiters.  With
 * the lock held, [method@Aio.Condition.wait] releases it and returns a
 * future that finishes once another task has called
 * [method@Aio.Condition.notify] or [method@Aio.Condition.notify_all] and
 * the lock has been acquired again for the waiter.
 * [method@Aio.Condition.wait_for] keeps waiting until a predicate holds.
 * Waiters are notified in the order they started waiting.
 *
 * ```c
 * g_autoptr(AioLockGuard) guard = aio_lock_acquire_guard (aio_condition_get_lock (cond), &error);
 *
 * while (guard != NULL && queue_is_empty (state))
 *   if (!aio_await (aio_condition_wait (cond), &error))
 *     break;   // the lock is held again even when this fails
 * ```
 *
 * ## Cancellation
 *
 * As in asyncio, a wait that is cancelled still acquires the lock again
 * before its future fails with `G_IO_ERROR_CANCELLED`, so the caller
 * always holds the lock when the wait ends.  A waiter cancelled after it
 * was notified passes the notification on to the next waiter, so none is
 * lost.
 *
 * ## Thread safety
 *
 * A condition belongs to the loop it is first used on, and so does its
 * lock.  Use it only from that loop's thread: from another thread (or
 * while another loop is dispatching), the functions returning a future
 * return one that fails with %AIO_ERROR_WRONG_THREAD, and the others fail
 * with that error.
 *
 * Since: 1.0
 */

struct _AioCondition
{
  GObject      parent_instance;

  AioLoop     *loop;      /* (owned) (nullable) bound on first use */
  AioLock     *lock;      /* (owned) */
  AioWaitList  waiters;   /* waits not notified yet, oldest first */
};

G_DEFINE_FINAL_TYPE (AioCondition, aio_condition, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOCK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One wait(): waits for a notification, then for the lock. */
typedef struct
{
  AioSyncWaiter  base;             /* base.future: the wait's future */
  AioFuture     *reacquire;        /* (owned) (nullable) acquisition of the lock */
  AioWaiter      reacquire_waiter; /* linked into reacquire while it is pending */
  char          *cancel_msg;       /* (owned) (nullable) */
  guint          notified : 1;
  guint          cancelled : 1;
} CondWaiter;

/* One wait_for(): waits until the predicate holds. */
typedef struct
{
  AioCondition          *cond;         /* (owned) */
  AioFuture             *outer;        /* (owned) the future wait_for() returned */
  AioFuture             *inner;        /* (owned) (nullable) the current wait() */
  AioWaiter              inner_waiter; /* linked into inner while it is pending */
  AioConditionPredicate  predicate;
  gpointer               user_data;
  GDestroyNotify         destroy;
  char                  *cancel_msg;   /* (owned) (nullable) */
  gboolean               cancel_requested;
} WaitFor;

static void
aio_condition_finalize (GObject *object)
{
  AioCondition *self = AIO_CONDITION (object);

  g_assert (_aio_wait_list_is_empty (&self->waiters));
  g_clear_object (&self->lock);
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_condition_parent_class)->finalize (object);
}

static void
aio_condition_constructed (GObject *object)
{
  AioCondition *self = AIO_CONDITION (object);

  G_OBJECT_CLASS (aio_condition_parent_class)->constructed (object);

  if (self->lock == NULL)
    self->lock = aio_lock_new ();
}

static void
aio_condition_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AioCondition *self = AIO_CONDITION (object);

  switch (prop_id)
    {
    case PROP_LOCK:
      g_value_set_object (value, self->lock);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_condition_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AioCondition *self = AIO_CONDITION (object);

  switch (prop_id)
    {
    case PROP_LOCK:
      g_set_object (&self->lock, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_condition_class_init (AioConditionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_condition_finalize;
  object_class->constructed = aio_condition_constructed;
  object_class->get_property = aio_condition_get_property;
  object_class->set_property = aio_condition_set_property;

  /**
   * AioCondition:lock:
   *
   * The lock waiters release while they wait.  A new one is made when
   * none is given at construction.
   *
   * Since: 1.0
   */
  properties[PROP_LOCK] =
    g_param_spec_object ("lock", NULL, NULL,
                         AIO_TYPE_LOCK,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aio_condition_init (AioCondition *self)
{
}

/**
 * aio_condition_new:
 * @lock: (nullable): the lock to use, or %NULL for a new one
 *
 * Creates a condition variable, like asyncio's `Condition(lock)`.  It
 * binds to a loop the first time it is used.
 *
 * Returns: (transfer full): a new [class@Aio.Condition]
 *
 * Since: 1.0
 */
AioCondition *
aio_condition_new (AioLock *lock)
{
  g_return_val_if_fail (lock == NULL || AIO_IS_LOCK (lock), NULL);

  return g_object_new (AIO_TYPE_CONDITION, "lock", lock, NULL);
}

/**
 * aio_condition_get_lock:
 * @self: an [class@Aio.Condition]
 *
 * Gets the lock of @self; hold it around [method@Aio.Condition.wait] and
 * [method@Aio.Condition.notify], for instance with
 * `aio_lock_acquire_guard()`.
 *
 * Returns: (transfer none): the lock
 *
 * Since: 1.0
 */
AioLock *
aio_condition_get_lock (AioCondition *self)
{
  g_return_val_if_fail (AIO_IS_CONDITION (self), NULL);

  return self->lock;
}

/**
 * aio_condition_acquire:
 * @self: an [class@Aio.Condition]
 *
 * Acquires the lock of @self, as [method@Aio.Lock.acquire] does.
 *
 * Returns: (transfer full): a future with a boolean result
 *
 * Since: 1.0
 */
AioFuture *
aio_condition_acquire (AioCondition *self)
{
  g_return_val_if_fail (AIO_IS_CONDITION (self), NULL);

  return aio_lock_acquire (self->lock);
}

/**
 * aio_condition_release:
 * @self: an [class@Aio.Condition]
 * @error: return location for an error
 *
 * Releases the lock of @self, as [method@Aio.Lock.release] does.
 *
 * Returns: %TRUE if the lock was released
 *
 * Since: 1.0
 */
gboolean
aio_condition_release (AioCondition  *self,
                       GError       **error)
{
  g_return_val_if_fail (AIO_IS_CONDITION (self), FALSE);

  return aio_lock_release (self->lock, error);
}

/**
 * aio_condition_locked:
 * @self: an [class@Aio.Condition]
 *
 * Whether the lock of @self is held, as [method@Aio.Lock.locked] tells.
 *
 * Returns: %TRUE if the lock is held
 *
 * Since: 1.0
 */
gboolean
aio_condition_locked (AioCondition *self)
{
  g_return_val_if_fail (AIO_IS_CONDITION (self), FALSE);

  return aio_lock_locked (self->lock);
}

static gboolean
check_locked (AioCondition  *self,
              const char    *what,
              GError       **error)
{
  if (aio_lock_locked (self->lock))
    return TRUE;
  g_set_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
               "Cannot %s a condition without holding its lock", what);
  return FALSE;
}

static void notify_waiters (AioCondition *self,
                            guint         n);

static void
cond_waiter_clear (AioSyncWaiter *base)
{
  CondWaiter *waiter = (CondWaiter *) base;

  if (waiter->reacquire != NULL)
    {
      _aio_future_remove_waiter (waiter->reacquire, &waiter->reacquire_waiter);
      _aio_release (g_steal_pointer (&waiter->reacquire));
    }
  g_clear_pointer (&waiter->cancel_msg, g_free);
}

/* The waiter of a done wait() was cancelled before it resumed: it holds
 * the lock but will not act on the notification, so someone else must.
 */
static gboolean
notification_dropped (AioFuture  *future,
                      const char *msg,
                      gpointer    data)
{
  notify_waiters (data, 1);
  return FALSE;
}

/* The lock is held again for @waiter: its wait is over. */
static void
reacquired (CondWaiter *waiter)
{
  AioCondition *self = waiter->base.owner;
  AioFuture *future = waiter->base.future;
  GError *error = NULL;

  if (!_aio_future_propagate (waiter->reacquire, &error))
    {
      _aio_sync_future_fail (future, error);
      if (waiter->notified)
        notify_waiters (self, 1);
    }
  else if (waiter->cancelled)
    {
      _aio_sync_future_fail (future, _aio_cancelled_error_new (waiter->cancel_msg));
      if (waiter->notified)
        notify_waiters (self, 1);
    }
  else
    {
      _aio_sync_future_set_boolean (future, TRUE);
      _aio_future_set_cancel_hook (future, notification_dropped,
                                   _aio_ref (self), _aio_sync_unref);
    }
  _aio_sync_waiter_free (&waiter->base);
}

static void
reacquire_done (AioWaiter *link,
                AioFuture *future)
{
  reacquired ((CondWaiter *) ((char *) link - G_STRUCT_OFFSET (CondWaiter, reacquire_waiter)));
}

static void
start_reacquire (AioCondition *self,
                 CondWaiter   *waiter)
{
  waiter->reacquire = aio_lock_acquire (self->lock);
  waiter->reacquire_waiter.func = reacquire_done;
  if (!_aio_future_add_waiter (waiter->reacquire, &waiter->reacquire_waiter))
    reacquired (waiter);
}

static void
notify_waiters (AioCondition *self,
                guint         n)
{
  guint i;

  g_object_ref (self);
  for (i = 0; i < n; i++)
    {
      CondWaiter *waiter = (CondWaiter *) _aio_wait_list_pop (&self->waiters, TRUE);

      if (waiter == NULL)
        break;
      waiter->notified = TRUE;
      start_reacquire (self, waiter);
    }
  g_object_unref (self);
}

/* Cancelled while pending: the wait ends once the lock is held again. */
static gboolean
wait_cancelled (AioFuture  *future,
                const char *msg,
                gpointer    data)
{
  CondWaiter *waiter = data;

  if (waiter->cancelled)
    return FALSE;
  waiter->cancelled = TRUE;
  waiter->cancel_msg = g_strdup (msg);
  if (waiter->base.list != NULL)
    {
      AioCondition *self = waiter->base.owner;

      _aio_wait_list_remove (&self->waiters, &waiter->base);
      start_reacquire (self, waiter);
    }
  return FALSE;
}

/**
 * aio_condition_wait:
 * @self: an [class@Aio.Condition]
 *
 * Releases the lock of @self and waits to be notified, like asyncio's
 * `Condition.wait()`; the lock must be held.  The returned future
 * finishes with %TRUE once the waiter was notified and the lock is held
 * again.  If the wait is cancelled, the future fails with
 * `G_IO_ERROR_CANCELLED` only once the lock is held again.
 *
 * Without the lock held, the future fails with %AIO_ERROR_INVALID_STATE
 * and nothing changes.
 *
 * Returns: (transfer full): a future with a boolean result
 *
 * Since: 1.0
 */
AioFuture *
aio_condition_wait (AioCondition *self)
{
  GError *error = NULL;
  CondWaiter *waiter;

  g_return_val_if_fail (AIO_IS_CONDITION (self), NULL);

  if (!_aio_sync_check_loop (&self->loop, "AioCondition", &error) ||
      !check_locked (self, "wait on", &error) ||
      !aio_lock_release (self->lock, &error))
    return _aio_sync_future_new_failed (self->loop, error);

  waiter = _aio_sync_waiter_new (sizeof (CondWaiter), self, self->loop, wait_cancelled);
  waiter->base.clear = cond_waiter_clear;
  _aio_wait_list_push (&self->waiters, &waiter->base);
  return _aio_ref (waiter->base.future);
}

static void wait_for_next (WaitFor *wait_for);

static void
wait_for_finish (WaitFor *wait_for,
                 GError  *error)
{
  if (error != NULL)
    _aio_sync_future_fail (wait_for->outer, error);
  else
    _aio_sync_future_set_boolean (wait_for->outer, TRUE);

  if (wait_for->destroy != NULL)
    wait_for->destroy (wait_for->user_data);
  if (wait_for->inner != NULL)
    _aio_release (wait_for->inner);
  _aio_release (wait_for->outer);
  g_object_unref (wait_for->cond);
  g_free (wait_for->cancel_msg);
  g_free (wait_for);
}

static void
wait_for_step (WaitFor *wait_for)
{
  GError *error = NULL;

  if (!_aio_future_propagate (wait_for->inner, &error))
    wait_for_finish (wait_for, error);
  else if (wait_for->cancel_requested)
    {
      /* Notified, but the caller gave up. */
      notify_waiters (wait_for->cond, 1);
      wait_for_finish (wait_for, _aio_cancelled_error_new (wait_for->cancel_msg));
    }
  else if (wait_for->predicate (wait_for->user_data))
    wait_for_finish (wait_for, NULL);
  else
    {
      _aio_release (g_steal_pointer (&wait_for->inner));
      wait_for_next (wait_for);
    }
}

static void
wait_for_inner_done (AioWaiter *link,
                     AioFuture *future)
{
  wait_for_step ((WaitFor *) ((char *) link - G_STRUCT_OFFSET (WaitFor, inner_waiter)));
}

static void
wait_for_next (WaitFor *wait_for)
{
  wait_for->inner = aio_condition_wait (wait_for->cond);
  wait_for->inner_waiter.func = wait_for_inner_done;
  if (!_aio_future_add_waiter (wait_for->inner, &wait_for->inner_waiter))
    wait_for_step (wait_for);
}

static gboolean
wait_for_cancelled (AioFuture  *future,
                    const char *msg,
                    gpointer    data)
{
  WaitFor *wait_for = data;

  if (wait_for->cancel_requested)
    return FALSE;
  wait_for->cancel_requested = TRUE;
  wait_for->cancel_msg = g_strdup (msg);
  /* The inner wait fails once the lock is held again, and that ends this
   * one; a done inner wait is already on its way to wait_for_step().
   */
  if (wait_for->inner != NULL && !_aio_future_is_done (wait_for->inner))
    aio_future_cancel (wait_for->inner, msg);
  return FALSE;
}

/**
 * aio_condition_wait_for:
 * @self: an [class@Aio.Condition]
 * @predicate: (scope notified) (closure user_data) (destroy destroy): what
 *   to wait for; called with the lock held
 * @user_data: data for @predicate
 * @destroy: (nullable): frees @user_data once the wait is over
 *
 * Waits until @predicate returns %TRUE, like asyncio's
 * `Condition.wait_for()`: checks it now, then after each notification,
 * with the lock held; the lock must be held to begin with.  The returned
 * future finishes with %TRUE with the lock held, and a cancelled wait
 * also ends with the lock held, as for [method@Aio.Condition.wait].
 *
 * Returns: (transfer full): a future with a boolean result
 *
 * Since: 1.0
 */
AioFuture *
aio_condition_wait_for (AioCondition          *self,
                        AioConditionPredicate  predicate,
                        gpointer               user_data,
                        GDestroyNotify         destroy)
{
  GError *error = NULL;
  WaitFor *wait_for;

  g_return_val_if_fail (AIO_IS_CONDITION (self), NULL);
  g_return_val_if_fail (predicate != NULL, NULL);

  if (!_aio_sync_check_loop (&self->loop, "AioCondition", &error) ||
      !check_locked (self, "wait on", &error))
    {
      if (destroy != NULL)
        destroy (user_data);
      return _aio_sync_future_new_failed (self->loop, error);
    }

  if (predicate (user_data))
    {
      if (destroy != NULL)
        destroy (user_data);
      return _aio_sync_future_new_boolean (self->loop, TRUE);
    }

  wait_for = g_new0 (WaitFor, 1);
  wait_for->cond = g_object_ref (self);
  wait_for->outer = _aio_future_new_for_loop (self->loop);
  wait_for->predicate = predicate;
  wait_for->user_data = user_data;
  wait_for->destroy = destroy;
  _aio_future_set_cancel_hook (wait_for->outer, wait_for_cancelled, wait_for, NULL);

  _aio_ref (wait_for->outer);
  wait_for_next (wait_for);
  return wait_for->outer;
}

/**
 * aio_condition_notify:
 * @self: an [class@Aio.Condition]
 * @n: how many waiters to wake
 * @error: return location for an error
 *
 * Wakes the @n oldest waiters, or all if fewer wait, like asyncio's
 * `Condition.notify(n)`.  The lock must be held, and the woken waiters
 * only resume once it is released.  Without the lock held, fails with
 * %AIO_ERROR_INVALID_STATE.
 *
 * Returns: %TRUE if the waiters were notified
 *
 * Since: 1.0
 */
gboolean
aio_condition_notify (AioCondition  *self,
                      guint          n,
                      GError       **error)
{
  g_return_val_if_fail (AIO_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_aio_sync_check_loop (&self->loop, "AioCondition", error) ||
      !check_locked (self, "notify", error))
    return FALSE;

  notify_waiters (self, n);
  return TRUE;
}

/**
 * aio_condition_notify_all:
 * @self: an [class@Aio.Condition]
 * @error: return location for an error
 *
 * Wakes every waiter, like asyncio's `Condition.notify_all()`; see
 * [method@Aio.Condition.notify].
 *
 * Returns: %TRUE if the waiters were notified
 *
 * Since: 1.0
 */
gboolean
aio_condition_notify_all (AioCondition  *self,
                          GError       **error)
{
  g_return_val_if_fail (AIO_IS_CONDITION (self), FALSE);

  return aio_condition_notify (self, G_MAXUINT, error);
}

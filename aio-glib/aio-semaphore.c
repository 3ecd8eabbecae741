/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-await.h"
#include "aio-semaphore.h"
#include "aio-sync-private.h"

/**
 * AioSemaphore:
 *
 * A counter of permits, like asyncio's `Semaphore`.
 *
 * [method@Aio.Semaphore.acquire] takes a permit, waiting while there is
 * none; [method@Aio.Semaphore.release] gives one back.  Waiters get
 * permits in the order they asked: a release hands its permit straight to
 * the oldest waiter, and nobody takes a free permit while others wait.
 *
 * In a C coroutine, `async with semaphore:` is one line:
 *
 * ```c
 * g_autoptr(AioSemaphoreGuard) permit = aio_semaphore_acquire_guard (sem, &error);
 * ```
 *
 * ## Cancellation
 *
 * A waiter cancelled while it waits leaves the queue; a waiter cancelled
 * after a permit was handed to it but before it resumed gives the permit
 * back at once (cancelling its done acquire future does that, once), as
 * asyncio's semaphore does.  No permit is ever stranded.  Dropping the
 * future of a pending acquisition without awaiting it withdraws it.
 *
 * ## Thread safety
 *
 * A semaphore belongs to the loop it is first used on.  Use it only from
 * that loop's thread: from another thread (or while another loop is
 * dispatching), [method@Aio.Semaphore.acquire] returns a future that fails
 * with %AIO_ERROR_WRONG_THREAD and [method@Aio.Semaphore.release] fails
 * with that error.  [method@Aio.Semaphore.locked] and
 * [method@Aio.Semaphore.get_value] may be read from any thread, as a
 * snapshot.
 *
 * Since: 1.0
 */

/**
 * AioBoundedSemaphore:
 *
 * A semaphore that refuses to be released more often than it was
 * acquired, like asyncio's `BoundedSemaphore`: a release that would take
 * the count above its initial value fails with
 * %AIO_ERROR_TOO_MANY_RELEASES.  Everything else is
 * [class@Aio.Semaphore]'s.
 *
 * Since: 1.0
 */

typedef struct
{
  AioLoop     *loop;      /* (owned) (nullable) bound on first use */
  AioWaitList  waiters;
  guint        value;     /* free permits; 0 whenever someone waits */
  guint        bound;     /* the initial value, for a bounded semaphore */
  gboolean     bounded;
} AioSemaphorePrivate;

struct _AioBoundedSemaphore
{
  AioSemaphore parent_instance;
};

G_DEFINE_TYPE_WITH_PRIVATE (AioSemaphore, aio_semaphore, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (AioBoundedSemaphore, aio_bounded_semaphore, AIO_TYPE_SEMAPHORE)

enum {
  PROP_0,
  PROP_VALUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define PRIV(self) ((AioSemaphorePrivate *) aio_semaphore_get_instance_private (self))

static void
aio_semaphore_finalize (GObject *object)
{
  AioSemaphorePrivate *priv = PRIV (AIO_SEMAPHORE (object));

  g_assert (_aio_wait_list_is_empty (&priv->waiters));
  g_clear_object (&priv->loop);

  G_OBJECT_CLASS (aio_semaphore_parent_class)->finalize (object);
}

static void
aio_semaphore_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AioSemaphore *self = AIO_SEMAPHORE (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_uint (value, PRIV (self)->value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_semaphore_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AioSemaphorePrivate *priv = PRIV (AIO_SEMAPHORE (object));

  switch (prop_id)
    {
    case PROP_VALUE:
      priv->value = g_value_get_uint (value);
      priv->bound = priv->value;
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_semaphore_class_init (AioSemaphoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_semaphore_finalize;
  object_class->get_property = aio_semaphore_get_property;
  object_class->set_property = aio_semaphore_set_property;

  /**
   * AioSemaphore:value:
   *
   * The number of free permits.  Set at construction (the initial count,
   * and the bound of an [class@Aio.BoundedSemaphore]); reading it later
   * gives the current count, whose changes are not notified.
   *
   * Since: 1.0
   */
  properties[PROP_VALUE] =
    g_param_spec_uint ("value", NULL, NULL,
                       0, G_MAXUINT, 1,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aio_semaphore_init (AioSemaphore *self)
{
  PRIV (self)->value = 1;
  PRIV (self)->bound = 1;
}

static void
aio_bounded_semaphore_class_init (AioBoundedSemaphoreClass *klass)
{
}

static void
aio_bounded_semaphore_init (AioBoundedSemaphore *self)
{
  PRIV (AIO_SEMAPHORE (self))->bounded = TRUE;
}

/**
 * aio_semaphore_new:
 * @value: the number of permits
 *
 * Creates a semaphore with @value permits, like asyncio's
 * `Semaphore(value)`.  It binds to a loop the first time it is used.
 *
 * Returns: (transfer full): a new [class@Aio.Semaphore]
 *
 * Since: 1.0
 */
AioSemaphore *
aio_semaphore_new (guint value)
{
  return g_object_new (AIO_TYPE_SEMAPHORE, "value", value, NULL);
}

/**
 * aio_bounded_semaphore_new:
 * @value: the number of permits, which is also the bound
 *
 * Creates a bounded semaphore with @value permits, like asyncio's
 * `BoundedSemaphore(value)`.
 *
 * Returns: (transfer full): a new [class@Aio.BoundedSemaphore]
 *
 * Since: 1.0
 */
AioBoundedSemaphore *
aio_bounded_semaphore_new (guint value)
{
  return g_object_new (AIO_TYPE_BOUNDED_SEMAPHORE, "value", value, NULL);
}

/**
 * aio_bounded_semaphore_get_bound:
 * @self: an [class@Aio.BoundedSemaphore]
 *
 * Gets the bound of @self: its initial number of permits.
 *
 * Returns: the bound
 *
 * Since: 1.0
 */
guint
aio_bounded_semaphore_get_bound (AioBoundedSemaphore *self)
{
  g_return_val_if_fail (AIO_IS_BOUNDED_SEMAPHORE (self), 0);

  return PRIV (AIO_SEMAPHORE (self))->bound;
}

static void hand_over (AioSemaphore *self);

/* The awaiter of a permit was cancelled before it resumed. */
static gboolean
permit_revoked (AioFuture  *future,
                const char *msg,
                gpointer    data)
{
  hand_over (data);
  return FALSE;
}

/* The done @future carries a permit, which comes back if its awaiter
 * gives up before resuming.
 */
static void
grant (AioSemaphore *self,
       AioFuture    *future)
{
  _aio_future_set_cancel_hook (future, permit_revoked, _aio_ref (self),
                               _aio_sync_unref);
}

/* A permit is free: the oldest waiter gets it, or the count goes up. */
static void
hand_over (AioSemaphore *self)
{
  AioSemaphorePrivate *priv = PRIV (self);
  AioSyncWaiter *waiter = _aio_wait_list_pop (&priv->waiters, TRUE);
  AioFuture *future;

  if (waiter == NULL)
    {
      priv->value++;
      return;
    }

  future = waiter->future;
  _aio_sync_future_set_boolean (future, TRUE);
  grant (self, future);
  _aio_sync_waiter_free (waiter);
}

/**
 * aio_semaphore_acquire:
 * @self: an [class@Aio.Semaphore]
 *
 * Takes a permit, like asyncio's `Semaphore.acquire()`: the returned
 * future finishes with %TRUE once the caller has it, at once if one is
 * free and nobody is waiting.  Give it back with
 * [method@Aio.Semaphore.release].
 *
 * Returns: (transfer full): a future with a boolean result, or failed
 *   with %AIO_ERROR_WRONG_THREAD
 *
 * Since: 1.0
 */
AioFuture *
aio_semaphore_acquire (AioSemaphore *self)
{
  AioSemaphorePrivate *priv;
  GError *error = NULL;
  AioSyncWaiter *waiter;

  g_return_val_if_fail (AIO_IS_SEMAPHORE (self), NULL);

  priv = PRIV (self);
  if (!_aio_sync_check_loop (&priv->loop, G_OBJECT_TYPE_NAME (self), &error))
    return _aio_sync_future_new_failed (priv->loop, error);

  if (priv->value > 0)
    {
      AioFuture *future = _aio_sync_future_new_boolean (priv->loop, TRUE);

      priv->value--;
      grant (self, future);
      return future;
    }

  waiter = _aio_sync_waiter_new (sizeof (AioSyncWaiter), self, priv->loop,
                                 _aio_sync_waiter_cancelled);
  _aio_wait_list_push (&priv->waiters, waiter);
  return _aio_ref (waiter->future);
}

/**
 * aio_semaphore_release:
 * @self: an [class@Aio.Semaphore]
 * @error: return location for an error
 *
 * Gives a permit back, like asyncio's `Semaphore.release()`: the oldest
 * waiter, if any, gets it now.  On an [class@Aio.BoundedSemaphore], a
 * release that would take the count above its bound fails with
 * %AIO_ERROR_TOO_MANY_RELEASES and changes nothing.
 *
 * Returns: %TRUE if the permit was given back
 *
 * Since: 1.0
 */
gboolean
aio_semaphore_release (AioSemaphore  *self,
                       GError       **error)
{
  AioSemaphorePrivate *priv;

  g_return_val_if_fail (AIO_IS_SEMAPHORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  priv = PRIV (self);
  if (!_aio_sync_check_loop (&priv->loop, G_OBJECT_TYPE_NAME (self), error))
    return FALSE;

  if (priv->bounded && priv->value >= priv->bound)
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_TOO_MANY_RELEASES,
                   "The bounded semaphore was released more often than it was acquired "
                   "(bound %u)", priv->bound);
      return FALSE;
    }
  if (G_UNLIKELY (priv->value == G_MAXUINT))
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_TOO_MANY_RELEASES,
                           "The semaphore's count would overflow");
      return FALSE;
    }

  hand_over (self);
  return TRUE;
}

/**
 * aio_semaphore_locked:
 * @self: an [class@Aio.Semaphore]
 *
 * Whether [method@Aio.Semaphore.acquire] would wait, like asyncio's
 * `Semaphore.locked()`.
 *
 * Returns: %TRUE if no permit is free
 *
 * Since: 1.0
 */
gboolean
aio_semaphore_locked (AioSemaphore *self)
{
  g_return_val_if_fail (AIO_IS_SEMAPHORE (self), FALSE);

  return PRIV (self)->value == 0;
}

/**
 * aio_semaphore_get_value:
 * @self: an [class@Aio.Semaphore]
 *
 * Gets the number of free permits.
 *
 * Returns: the number of permits [method@Aio.Semaphore.acquire] could take
 *   without waiting
 *
 * Since: 1.0
 */
guint
aio_semaphore_get_value (AioSemaphore *self)
{
  g_return_val_if_fail (AIO_IS_SEMAPHORE (self), 0);

  return PRIV (self)->value;
}

/**
 * aio_semaphore_acquire_guard: (skip)
 * @self: an [class@Aio.Semaphore]
 * @error: return location for an error
 *
 * Takes a permit from a C coroutine, waiting as long as needed, and
 * returns a guard that gives it back when freed: with
 * `g_autoptr(AioSemaphoreGuard)`, at the end of the scope.  The guard
 * keeps a reference to @self.
 *
 * Fails like `aio_await()`: with `G_IO_ERROR_CANCELLED` if the task is
 * cancelled while it waits (no permit is then held), or with
 * %AIO_ERROR_NOT_IN_COROUTINE outside a C coroutine.
 *
 * Returns: (transfer full) (nullable): the guard, or %NULL with @error set
 *
 * Since: 1.0
 */
AioSemaphoreGuard *
aio_semaphore_acquire_guard (AioSemaphore  *self,
                             GError       **error)
{
  g_return_val_if_fail (AIO_IS_SEMAPHORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _aio_sync_guard_acquire (self, (AioSyncAcquireFunc) aio_semaphore_acquire,
                                  "aio_semaphore_acquire", error);
}

/**
 * aio_semaphore_guard_release: (skip)
 * @guard: (transfer full): a guard from `aio_semaphore_acquire_guard()`
 *
 * Gives back the permit held by @guard and frees the guard.
 *
 * Since: 1.0
 */
void
aio_semaphore_guard_release (AioSemaphoreGuard *guard)
{
  g_return_if_fail (AIO_IS_SEMAPHORE (guard));

  _aio_sync_guard_release (guard, (AioSyncReleaseFunc) aio_semaphore_release,
                           "aio_semaphore_guard_release");
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-barrier.h"
#include "aio-sync-private.h"

/**
 * AioBarrier:
 *
 * A meeting point for a fixed number of tasks, like asyncio's `Barrier`.
 *
 * Each party calls [method@Aio.Barrier.wait]; the returned futures all
 * finish once [property@Aio.Barrier:parties] of them wait, each with a
 * different party index from 0 to `parties - 1` (the last to arrive gets
 * `parties - 1`).  The barrier then starts over for the next round.
 *
 * [method@Aio.Barrier.abort] breaks the barrier: the waiters, and every
 * later wait, fail with %AIO_ERROR_BROKEN_BARRIER until
 * [method@Aio.Barrier.reset], which also fails the current waiters with
 * that error and makes the barrier usable again.  Unlike asyncio's, both
 * are plain functions: nothing in them needs to wait.
 *
 * A waiter cancelled while it waits leaves the round without breaking the
 * barrier, as in asyncio; the round then needs another party.
 *
 * ## Thread safety
 *
 * A barrier belongs to the loop it is first used on.  Use it only from
 * that loop's thread: from another thread (or while another loop is
 * dispatching), [method@Aio.Barrier.wait] returns a future that fails with
 * %AIO_ERROR_WRONG_THREAD, and [method@Aio.Barrier.reset] and
 * [method@Aio.Barrier.abort] do nothing but log a critical warning.  The
 * getters may be read from any thread, as a snapshot.
 *
 * Since: 1.0
 */

struct _AioBarrier
{
  GObject      parent_instance;

  AioLoop     *loop;      /* (owned) (nullable) bound on first use */
  AioWaitList  waiters;   /* this round's parties, in order of arrival */
  guint        parties;
  gboolean     broken;
};

G_DEFINE_FINAL_TYPE (AioBarrier, aio_barrier, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PARTIES,
  PROP_N_WAITING,
  PROP_BROKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
aio_barrier_finalize (GObject *object)
{
  AioBarrier *self = AIO_BARRIER (object);

  g_assert (_aio_wait_list_is_empty (&self->waiters));
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_barrier_parent_class)->finalize (object);
}

static void
aio_barrier_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AioBarrier *self = AIO_BARRIER (object);

  switch (prop_id)
    {
    case PROP_PARTIES:
      g_value_set_uint (value, self->parties);
      break;

    case PROP_N_WAITING:
      g_value_set_uint (value, self->waiters.length);
      break;

    case PROP_BROKEN:
      g_value_set_boolean (value, self->broken);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_barrier_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  AioBarrier *self = AIO_BARRIER (object);

  switch (prop_id)
    {
    case PROP_PARTIES:
      self->parties = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_barrier_class_init (AioBarrierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_barrier_finalize;
  object_class->get_property = aio_barrier_get_property;
  object_class->set_property = aio_barrier_set_property;

  /**
   * AioBarrier:parties:
   *
   * How many tasks must wait for the barrier to let them all through.
   *
   * Since: 1.0
   */
  properties[PROP_PARTIES] =
    g_param_spec_uint ("parties", NULL, NULL,
                       1, G_MAXINT, 1,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * AioBarrier:n-waiting:
   *
   * How many tasks wait in the current round.  Its changes are not
   * notified.
   *
   * Since: 1.0
   */
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * AioBarrier:broken:
   *
   * Whether the barrier was aborted and not reset since.
   *
   * Since: 1.0
   */
  properties[PROP_BROKEN] =
    g_param_spec_boolean ("broken", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aio_barrier_init (AioBarrier *self)
{
  self->parties = 1;
}

/**
 * aio_barrier_new:
 * @parties: how many tasks the barrier waits for, at least 1
 *
 * Creates a barrier for @parties tasks, like asyncio's `Barrier(parties)`.
 * It binds to a loop the first time it is used.
 *
 * Returns: (transfer full): a new [class@Aio.Barrier]
 *
 * Since: 1.0
 */
AioBarrier *
aio_barrier_new (guint parties)
{
  g_return_val_if_fail (parties >= 1 && parties <= G_MAXINT, NULL);

  return g_object_new (AIO_TYPE_BARRIER, "parties", parties, NULL);
}

static GError *
broken_error_new (void)
{
  return g_error_new_literal (AIO_ERROR, AIO_ERROR_BROKEN_BARRIER,
                              "The barrier was aborted or reset");
}

static void
set_broken (AioBarrier *self,
            gboolean    broken)
{
  if (self->broken == broken)
    return;
  self->broken = broken;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROKEN]);
}

/* Fails the parties of this round. */
static void
fail_waiters (AioBarrier *self)
{
  GError *error;

  if (_aio_wait_list_is_empty (&self->waiters))
    return;
  error = broken_error_new ();
  _aio_wait_list_complete_all (&self->waiters, error);
  g_error_free (error);
}

/**
 * aio_barrier_wait:
 * @self: an [class@Aio.Barrier]
 *
 * Waits until [property@Aio.Barrier:parties] tasks wait, like asyncio's
 * `Barrier.wait()`.
 *
 * Returns: (transfer full): a future with the party index (an integer from
 *   0 to `parties - 1`), or failed with %AIO_ERROR_BROKEN_BARRIER if the
 *   barrier is or gets broken or reset, or with %AIO_ERROR_WRONG_THREAD
 *
 * Since: 1.0
 */
AioFuture *
aio_barrier_wait (AioBarrier *self)
{
  GError *error = NULL;
  AioSyncWaiter *waiter;
  gint index = 0;
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_BARRIER (self), NULL);

  if (!_aio_sync_check_loop (&self->loop, "AioBarrier", &error))
    return _aio_sync_future_new_failed (self->loop, error);

  if (self->broken)
    return _aio_sync_future_new_failed (self->loop, broken_error_new ());

  if (self->waiters.length + 1 < self->parties)
    {
      waiter = _aio_sync_waiter_new (sizeof (AioSyncWaiter), self, self->loop,
                                     _aio_sync_waiter_cancelled);
      _aio_wait_list_push (&self->waiters, waiter);
      return _aio_ref (waiter->future);
    }

  /* The last party: indexes follow the order of arrival of those still
   * waiting, so they are all different even after cancellations.
   */
  while ((waiter = _aio_wait_list_pop (&self->waiters, FALSE)) != NULL)
    {
      _aio_value_set_int (&v, index++);
      _aio_future_complete (waiter->future, AIO_FUTURE_FINISHED, &v, NULL, NULL);
      _aio_sync_waiter_free (waiter);
    }
  _aio_value_set_int (&v, index);
  return _aio_sync_future_new_done (self->loop, &v);
}

/**
 * aio_barrier_reset:
 * @self: an [class@Aio.Barrier]
 *
 * Returns @self to its empty, unbroken state, like asyncio's
 * `Barrier.reset()`: the tasks waiting in the current round fail with
 * %AIO_ERROR_BROKEN_BARRIER.
 *
 * Since: 1.0
 */
void
aio_barrier_reset (AioBarrier *self)
{
  g_return_if_fail (AIO_IS_BARRIER (self));

  if (!_aio_sync_check_loop_or_warn (&self->loop, "AioBarrier", "aio_barrier_reset"))
    return;

  g_object_ref (self);
  fail_waiters (self);
  set_broken (self, FALSE);
  g_object_unref (self);
}

/**
 * aio_barrier_abort:
 * @self: an [class@Aio.Barrier]
 *
 * Breaks @self, like asyncio's `Barrier.abort()`: the tasks waiting now,
 * and every later [method@Aio.Barrier.wait] until
 * [method@Aio.Barrier.reset], fail with %AIO_ERROR_BROKEN_BARRIER.
 *
 * Since: 1.0
 */
void
aio_barrier_abort (AioBarrier *self)
{
  g_return_if_fail (AIO_IS_BARRIER (self));

  if (!_aio_sync_check_loop_or_warn (&self->loop, "AioBarrier", "aio_barrier_abort"))
    return;

  set_broken (self, TRUE);
  fail_waiters (self);
}

/**
 * aio_barrier_get_parties:
 * @self: an [class@Aio.Barrier]
 *
 * Gets [property@Aio.Barrier:parties].
 *
 * Returns: how many tasks the barrier waits for
 *
 * Since: 1.0
 */
guint
aio_barrier_get_parties (AioBarrier *self)
{
  g_return_val_if_fail (AIO_IS_BARRIER (self), 0);

  return self->parties;
}

/**
 * aio_barrier_get_n_waiting:
 * @self: an [class@Aio.Barrier]
 *
 * Gets [property@Aio.Barrier:n-waiting], asyncio's `Barrier.n_waiting`.
 *
 * Returns: how many tasks wait in the current round
 *
 * Since: 1.0
 */
guint
aio_barrier_get_n_waiting (AioBarrier *self)
{
  g_return_val_if_fail (AIO_IS_BARRIER (self), 0);

  return self->waiters.length;
}

/**
 * aio_barrier_get_broken:
 * @self: an [class@Aio.Barrier]
 *
 * Gets [property@Aio.Barrier:broken], asyncio's `Barrier.broken`.
 *
 * Returns: %TRUE if the barrier is broken
 *
 * Since: 1.0
 */
gboolean
aio_barrier_get_broken (AioBarrier *self)
{
  g_return_val_if_fail (AIO_IS_BARRIER (self), FALSE);

  return self->broken;
}

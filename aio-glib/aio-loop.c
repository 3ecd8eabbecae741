/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>

#include "aio-coroutine-private.h"
#include "aio-error.h"
#include "aio-future-private.h"
#include "aio-handle-private.h"
#include "aio-loop-private.h"
#include "aio-task-private.h"

/**
 * AioLoop:
 *
 * The event loop of one [struct@GLib.MainContext], like asyncio's event
 * loop.
 *
 * There is one `AioLoop` per main context, created the first time it is
 * asked for; the loop of the global default context needs no set-up.  All
 * of its work (ready callbacks, resumed coroutines, timers and file
 * descriptor readiness) runs from one [struct@GLib.Source] attached to the
 * context.  Whoever iterates the context runs the loop: a
 * [struct@GLib.MainLoop], `g_application_run()` in a GTK application, or
 * [method@Aio.Loop.run_until_complete].
 *
 * Ready work runs in one dispatch, in order, until none is left or the
 * dispatch has run for two milliseconds; then the loop lets the context run
 * one iteration without it, so lower-priority sources such as GTK's frame
 * clock are never starved.  Timers sit in one heap and file descriptors in
 * one epoll set, so the cost of a loop turn does not grow with the number
 * of idle timers, tasks or descriptors.
 *
 * ## Thread safety
 *
 * A loop belongs to the thread that runs its context.  From that thread
 * every method may be called.  From any other thread,
 * [method@Aio.Loop.call_soon_threadsafe] is the way in; completing a
 * [class@Aio.Future] from another thread is also safe and wakes the loop.
 * [method@Aio.Loop.call_soon], [method@Aio.Loop.call_later] and
 * [method@Aio.Loop.call_at] called from another thread are forwarded to the
 * loop's thread the same way.  File descriptor watches can only be changed
 * from the loop's thread; elsewhere they fail with
 * %AIO_ERROR_WRONG_THREAD.
 *
 * Since: 1.0
 */

#define DISPATCH_BUDGET_US  2000
#define CHECK_EVERY         128

struct _AioLoopSource
{
  GSource  source;
  AioLoop *loop;           /* (owned) */
  gboolean yield_turn;     /* sit out one iteration after a full budget */
  gboolean skipping;       /* this iteration is being sat out */
  gboolean io_parked;      /* epoll descriptor not polled during a nested iteration */
};

/* A nested iteration of the context (a modal dialog's main loop run from a
 * callback, say) must not run the loop from inside its own dispatch.
 * GLib's guard for that, can_recurse FALSE, removes and re-adds the
 * source's descriptors around every dispatch, and each change writes to
 * the context's wake-up descriptor: three system calls per turn of an I/O
 * workload.  So the source allows recursion and sits nested iterations out
 * itself, parking its epoll descriptor only when nesting really happens.
 */
static void
park_io (AioLoopSource *ls)
{
  if (!ls->io_parked && ls->loop->epfd_tag != NULL)
    {
      g_source_modify_unix_fd ((GSource *) ls, ls->loop->epfd_tag, 0);
      ls->io_parked = TRUE;
    }
}

static void
unpark_io (AioLoopSource *ls)
{
  if (ls->io_parked)
    {
      if (ls->loop->epfd_tag != NULL)
        g_source_modify_unix_fd ((GSource *) ls, ls->loop->epfd_tag, G_IO_IN);
      ls->io_parked = FALSE;
    }
}

G_DEFINE_FINAL_TYPE (AioLoop, aio_loop, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GMutex      loops_lock;
static GHashTable *loops;   /* GMainContext* -> AioLoop* (unowned); guarded by loops_lock */

static void
aio_loop_finalize (GObject *object)
{
  AioLoop *self = AIO_LOOP (object);

  g_clear_object (&self->debug_task);
  g_clear_pointer (&self->ring, g_free);
  g_clear_pointer (&self->ts_items, g_free);
  g_clear_pointer (&self->timers, g_free);
  g_mutex_clear (&self->ts_lock);

  G_OBJECT_CLASS (aio_loop_parent_class)->finalize (object);
}

static void
aio_loop_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  AioLoop *self = AIO_LOOP (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_boxed (value, self->source != NULL ? self->context : NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_loop_class_init (AioLoopClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_loop_finalize;
  object_class->get_property = aio_loop_get_property;

  /**
   * AioLoop:context:
   *
   * The main context this loop runs on, or %NULL once that context has
   * been destroyed.
   *
   * Since: 1.0
   */
  properties[PROP_CONTEXT] =
    g_param_spec_boxed ("context", NULL, NULL,
                        G_TYPE_MAIN_CONTEXT,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aio_loop_init (AioLoop *self)
{
  self->ring_mask = 63;
  self->ring = g_new (AioReadyItem, self->ring_mask + 1);
  self->epfd = -1;
  g_mutex_init (&self->ts_lock);
}

void
_aio_loop_ring_grow (AioLoop *loop)
{
  guint old_size = loop->ring_mask + 1;
  guint new_size = old_size * 2;
  AioReadyItem *ring = g_new (AioReadyItem, new_size);
  guint i;

  for (i = 0; i < loop->ring_count; i++)
    ring[i] = loop->ring[(loop->ring_head + i) & loop->ring_mask];
  g_free (loop->ring);
  loop->ring = ring;
  loop->ring_head = 0;
  loop->ring_mask = new_size - 1;
}

static void
drain_threadsafe (AioLoop *loop)
{
  AioReadyItem *items;
  guint len, i;

  g_mutex_lock (&loop->ts_lock);
  items = g_steal_pointer (&loop->ts_items);
  len = loop->ts_len;
  loop->ts_len = 0;
  loop->ts_alloc = 0;
  g_atomic_int_set (&loop->ts_pending, 0);
  g_mutex_unlock (&loop->ts_lock);

  for (i = 0; i < len; i++)
    _aio_loop_push_ready (loop, items[i].ops, items[i].data);
  g_free (items);
}

void
_aio_loop_post_threadsafe (AioLoop           *loop,
                           const AioReadyOps *ops,
                           gpointer           data)
{
  gboolean wake;
  AioReadyItem dropped = { ops, data };

  g_mutex_lock (&loop->ts_lock);
  if (G_UNLIKELY (loop->source == NULL))
    {
      /* The loop's context is gone: this would never run. */
      g_mutex_unlock (&loop->ts_lock);
      _aio_ready_item_drop (&dropped);
      return;
    }
  if (loop->ts_len == loop->ts_alloc)
    {
      loop->ts_alloc = MAX (16, loop->ts_alloc * 2);
      loop->ts_items = g_renew (AioReadyItem, loop->ts_items, loop->ts_alloc);
    }
  loop->ts_items[loop->ts_len].ops = ops;
  loop->ts_items[loop->ts_len].data = data;
  wake = loop->ts_len++ == 0;
  g_atomic_int_set (&loop->ts_pending, 1);
  /* The context outlives the source, and the source clears loop->source
   * under this lock, so the context is still there to wake.
   */
  if (wake && loop->source != NULL)
    g_main_context_wakeup (loop->context);
  g_mutex_unlock (&loop->ts_lock);
}

void
_aio_loop_post (AioLoop           *loop,
                const AioReadyOps *ops,
                gpointer           data)
{
  if (_aio_loop_is_owner (loop))
    _aio_loop_push_ready (loop, ops, data);
  else
    _aio_loop_post_threadsafe (loop, ops, data);
}

gint64
_aio_loop_now_us (AioLoop *loop)
{
  return g_get_monotonic_time ();
}

/* Runs everything that is ready, within the budget.  Returns TRUE when the
 * budget ran out with work left.
 */
static gboolean
loop_run_ready (AioLoop *loop,
                gboolean io_ready)
{
  gint64 start = g_get_monotonic_time ();
  guint n = 0;
  guint next_check = loop->check_interval;

  loop->dispatch_start = start;
  loop->dispatch_deadline = start + DISPATCH_BUDGET_US;
  loop->handoffs = 0;
  if (g_atomic_int_get (&loop->ts_pending))
    drain_threadsafe (loop);
  if (io_ready)
    _aio_loop_poll_io (loop);
  if (loop->n_timers > 0)
    _aio_loop_run_timers (loop, start);

  while (loop->ring_count > 0)
    {
      AioReadyItem item = _aio_loop_pop_ready (loop);

      if (G_UNLIKELY (loop->debug))
        _aio_loop_run_item_timed (loop, &item);
      else
        item.ops->run (item.data);

      if (G_UNLIKELY (loop->stopping | loop->budget_spent))
        {
          if (loop->budget_spent)
            {
              loop->budget_spent = FALSE;
              return loop->ring_count > 0;
            }
          break;
        }

      /* A task that handed over straight to the next one ran that one's
       * item too (see _aio_task_wait()): both count against the budget. */
      n += 1 + loop->handoffs;
      loop->handoffs = 0;
      if (G_UNLIKELY (n >= next_check))
        {
          gint64 now = g_get_monotonic_time ();
          gint64 per_item = (now - start) / n;

          /* The clock is read every CHECK_EVERY items while they are
           * quick; items of hundreds of microseconds (a chunk hashed, a
           * page parsed) get it read more often, so the budget holds. */
          loop->check_interval = (guint) CLAMP (DISPATCH_BUDGET_US / 4 / MAX (per_item, 1), 1, CHECK_EVERY);
          next_check = n + loop->check_interval;
          if (now - start >= DISPATCH_BUDGET_US)
            return loop->ring_count > 0;
          if (loop->n_timers > 0)
            _aio_loop_run_timers (loop, now);
          if (g_atomic_int_get (&loop->ts_pending))
            drain_threadsafe (loop);
        }
    }
  return FALSE;
}

static gboolean
loop_source_prepare (GSource *source,
                     gint    *timeout)
{
  AioLoopSource *ls = (AioLoopSource *) source;
  AioLoop *loop = ls->loop;
  gint64 deadline;

  if (G_UNLIKELY (loop->dispatching))
    {
      park_io (ls);
      *timeout = -1;
      return FALSE;
    }

  if (ls->yield_turn)
    {
      /* Let lower-priority sources have this iteration. */
      ls->yield_turn = FALSE;
      ls->skipping = TRUE;
      *timeout = 0;
      return FALSE;
    }

  if (loop->ring_count > 0 || g_atomic_int_get (&loop->ts_pending))
    {
      *timeout = 0;
      return TRUE;
    }

  deadline = _aio_loop_next_deadline (loop);
  if (deadline < 0)
    *timeout = -1;
  else
    {
      gint64 now = g_source_get_time (source);

      if (deadline <= now)
        {
          *timeout = 0;
          return TRUE;
        }
      *timeout = (gint) MIN ((deadline - now + 999) / 1000, G_MAXINT);
    }
  return FALSE;
}

static gboolean
loop_source_check (GSource *source)
{
  AioLoopSource *ls = (AioLoopSource *) source;
  AioLoop *loop = ls->loop;
  gint64 deadline;

  if (G_UNLIKELY (loop->dispatching))
    return FALSE;

  if (ls->skipping)
    {
      ls->skipping = FALSE;
      return FALSE;
    }
  if (loop->ring_count > 0 || g_atomic_int_get (&loop->ts_pending))
    return TRUE;
  if (_aio_loop_io_ready (loop))
    return TRUE;
  deadline = _aio_loop_next_deadline (loop);
  return deadline >= 0 && deadline <= g_source_get_time (source);
}

static gboolean
loop_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  AioLoopSource *ls = (AioLoopSource *) source;
  AioLoop *loop = ls->loop;
  AioThreadState *ts = &_aio_ts;
  AioLoop *outer = ts->running_loop;
  GMainContext *thread_default;
  gboolean pushed = FALSE;

  if (G_UNLIKELY (loop->dispatching))
    return G_SOURCE_CONTINUE;   /* nested: prepare and check said not ready */

  g_object_ref (loop);

  g_atomic_pointer_set (&loop->owner, _aio_thread_id ());
  ts->running_loop = loop;
  loop->dispatching = TRUE;

  /* GIO calls made by tasks call back on the thread-default context. */
  thread_default = g_main_context_get_thread_default ();
  if (thread_default == NULL)
    thread_default = g_main_context_default ();
  if (thread_default != loop->context)
    {
      g_main_context_push_thread_default (loop->context);
      pushed = TRUE;
    }

  ls->yield_turn = loop_run_ready (loop, _aio_loop_io_ready (loop));

  if (pushed)
    g_main_context_pop_thread_default (loop->context);
  loop->dispatching = FALSE;
  unpark_io (ls);
  ts->running_loop = outer;
  g_object_unref (loop);

  return G_SOURCE_CONTINUE;
}

static void
loop_source_finalize (GSource *source)
{
  AioLoopSource *ls = (AioLoopSource *) source;
  AioLoop *loop = ls->loop;

  g_mutex_lock (&loops_lock);
  if (loops != NULL && g_hash_table_lookup (loops, loop->context) == loop)
    g_hash_table_remove (loops, loop->context);
  g_mutex_unlock (&loops_lock);

  g_mutex_lock (&loop->ts_lock);
  loop->source = NULL;
  g_mutex_unlock (&loop->ts_lock);
  /* Debug mode's hold on the last task stepped goes before the tasks do. */
  _aio_loop_debug_finalize (loop);

  if (loop->ring_count > 0 || loop->n_tasks > 0)
    g_debug ("aio: the context of a loop with %u pending callbacks and %u pending tasks was destroyed",
             loop->ring_count, loop->n_tasks);

  /* Nothing will run this work any more: release what it holds, as
   * asyncio's loop.close() drops its ready queue.  Pending tasks end
   * cancelled without running again; what that completes in turn is
   * queued, and dropped on the next round.
   */
  do
    {
      drain_threadsafe (loop);
      while (loop->ring_count > 0)
        {
          AioReadyItem item = _aio_loop_pop_ready (loop);

          _aio_ready_item_drop (&item);
        }
      if (!_aio_list_is_empty (&loop->tasks))
        {
          AioTask *task = _aio_task_from_all_link (_aio_list_pop_head (&loop->tasks));

          loop->n_tasks--;
          _aio_task_abandon (task);
          g_object_unref (task);
        }
    }
  while (loop->ring_count > 0 || !_aio_list_is_empty (&loop->tasks) ||
         g_atomic_int_get (&loop->ts_pending));

  _aio_loop_signals_finalize (loop);
  _aio_loop_io_finalize (loop);
  while (loop->n_timers > 0)
    _aio_loop_remove_timer (loop, loop->timers[0]);

  g_clear_object (&ls->loop);
}

static GSourceFuncs loop_source_funcs = {
  loop_source_prepare,
  loop_source_check,
  loop_source_dispatch,
  loop_source_finalize,
  NULL,
  NULL,
};

static AioLoop *
loop_new (GMainContext *context)
{
  AioLoop *loop = g_object_new (AIO_TYPE_LOOP, NULL);
  AioLoopSource *source;

  loop->context = context;
  loop->owner = _aio_thread_id ();
  loop->check_interval = CHECK_EVERY;
  _aio_loop_debug_init (loop);

  source = (AioLoopSource *) g_source_new (&loop_source_funcs, sizeof (AioLoopSource));
  source->loop = loop;   /* the source owns the loop's reference */
  g_source_set_name ((GSource *) source, "AioLoop");
  g_source_set_priority ((GSource *) source, G_PRIORITY_DEFAULT);
  g_source_set_can_recurse ((GSource *) source, TRUE);   /* see park_io() */
  loop->source = source;
  g_source_attach ((GSource *) source, context);
  g_source_unref ((GSource *) source);

  return loop;
}

/**
 * aio_loop_get_for_context:
 * @context: (nullable): a [struct@GLib.MainContext], or %NULL for the
 *   global default context
 *
 * Gets the loop of @context, creating it the first time.
 *
 * The loop lives as long as @context; it does not keep @context alive.
 *
 * Returns: (transfer none): the loop of @context
 *
 * Since: 1.0
 */
AioLoop *
aio_loop_get_for_context (GMainContext *context)
{
  AioLoop *loop;

  if (context == NULL)
    context = g_main_context_default ();

  g_mutex_lock (&loops_lock);
  if (loops == NULL)
    loops = g_hash_table_new (NULL, NULL);
  loop = g_hash_table_lookup (loops, context);
  if (loop == NULL)
    {
      loop = loop_new (context);
      g_hash_table_insert (loops, context, loop);
    }
  g_mutex_unlock (&loops_lock);

  return loop;
}

/**
 * aio_loop_get_default:
 *
 * Gets the loop of the global default main context, the one a GTK
 * application's main loop runs.
 *
 * Returns: (transfer none): the default loop
 *
 * Since: 1.0
 */
AioLoop *
aio_loop_get_default (void)
{
  return aio_loop_get_for_context (NULL);
}

/**
 * aio_loop_get_thread_default:
 *
 * Gets the loop of the calling thread's thread-default main context (see
 * [method@GLib.MainContext.push_thread_default]), or the default loop if
 * the thread has none.
 *
 * Returns: (transfer none): the loop of the thread-default context
 *
 * Since: 1.0
 */
AioLoop *
aio_loop_get_thread_default (void)
{
  return aio_loop_get_for_context (g_main_context_get_thread_default ());
}

/**
 * aio_loop_get_running:
 *
 * Gets the loop that is running the calling code, like asyncio's
 * `get_running_loop()`: set while a task body, a ready callback or a done
 * callback runs, and inside [method@Aio.Loop.run_until_complete].
 *
 * Returns: (transfer none) (nullable): the running loop, or %NULL
 *
 * Since: 1.0
 */
AioLoop *
aio_loop_get_running (void)
{
  return _aio_ts.running_loop;
}

AioLoop *
_aio_loop_get_current (void)
{
  AioLoop *loop = _aio_ts.running_loop;

  if (G_LIKELY (loop != NULL))
    return loop;
  return aio_loop_get_thread_default ();
}

/**
 * aio_loop_get_context:
 * @self: an [class@Aio.Loop]
 *
 * Gets the main context that runs @self.
 *
 * Returns: (transfer none) (nullable): the context, or %NULL once it has
 *   been destroyed
 *
 * Since: 1.0
 */
GMainContext *
aio_loop_get_context (AioLoop *self)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), NULL);

  return self->source != NULL ? self->context : NULL;
}

/**
 * aio_loop_time:
 * @self: an [class@Aio.Loop]
 *
 * Gets the loop's clock, in seconds, as asyncio's `loop.time()`: a
 * monotonic clock ([func@GLib.get_monotonic_time]) with an arbitrary
 * origin.  [method@Aio.Loop.call_at] takes times on this clock.
 *
 * Returns: the current time in seconds
 *
 * Since: 1.0
 */
gdouble
aio_loop_time (AioLoop *self)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), 0.0);

  return (gdouble) g_get_monotonic_time () / G_USEC_PER_SEC;
}

/**
 * aio_loop_is_running:
 * @self: an [class@Aio.Loop]
 *
 * Whether @self is inside [method@Aio.Loop.run_until_complete] or is
 * dispatching its work right now.
 *
 * Returns: %TRUE if the loop is running
 *
 * Since: 1.0
 */
gboolean
aio_loop_is_running (AioLoop *self)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), FALSE);

  return self->running || self->dispatching;
}

/**
 * aio_loop_call_soon:
 * @self: an [class@Aio.Loop]
 * @callback: (scope notified) (closure user_data) (destroy destroy): the
 *   function to call
 * @user_data: data for @callback
 * @destroy: (nullable): frees @user_data once @callback has run or the
 *   handle was cancelled
 *
 * Schedules @callback to run on the next turn of the loop, after what is
 * already scheduled, like asyncio's `loop.call_soon()`.
 *
 * Called from another thread, this behaves as
 * [method@Aio.Loop.call_soon_threadsafe].
 *
 * Returns: (transfer full): a handle to cancel the call
 *
 * Since: 1.0
 */
AioHandle *
aio_loop_call_soon (AioLoop        *self,
                    AioCallback     callback,
                    gpointer        user_data,
                    GDestroyNotify  destroy)
{
  AioHandle *handle;

  g_return_val_if_fail (AIO_IS_LOOP (self), NULL);
  g_return_val_if_fail (callback != NULL, NULL);

  handle = _aio_handle_new (self, AIO_HANDLE_SOON, callback, user_data, destroy);
  _aio_loop_post (self, &_aio_handle_run_once_ops, aio_handle_ref (handle));
  return handle;
}

/**
 * aio_loop_call_soon_threadsafe:
 * @self: an [class@Aio.Loop]
 * @callback: (scope notified) (closure user_data) (destroy destroy): the
 *   function to call
 * @user_data: data for @callback
 * @destroy: (nullable): frees @user_data, on the loop's thread, once
 *   @callback has run or the handle was cancelled
 *
 * Schedules @callback on @self from any thread and wakes the loop, like
 * asyncio's `loop.call_soon_threadsafe()`.
 *
 * Returns: (transfer full): a handle to cancel the call; it can be
 *   cancelled from any thread
 *
 * Since: 1.0
 */
AioHandle *
aio_loop_call_soon_threadsafe (AioLoop        *self,
                               AioCallback     callback,
                               gpointer        user_data,
                               GDestroyNotify  destroy)
{
  AioHandle *handle;

  g_return_val_if_fail (AIO_IS_LOOP (self), NULL);
  g_return_val_if_fail (callback != NULL, NULL);

  handle = _aio_handle_new (self, AIO_HANDLE_SOON, callback, user_data, destroy);
  _aio_loop_post_threadsafe (self, &_aio_handle_run_once_ops, aio_handle_ref (handle));
  return handle;
}

static gint64
seconds_to_us (gdouble seconds)
{
  if (seconds >= (gdouble) (G_MAXINT64 / 2) / G_USEC_PER_SEC)
    return G_MAXINT64 / 2;
  if (seconds <= -(gdouble) (G_MAXINT64 / 2) / G_USEC_PER_SEC)
    return -(G_MAXINT64 / 2);
  /* Nearest, not truncated: a time given in seconds converts back to the
   * same seconds (aio_handle_when()) instead of a microsecond early.
   */
  return (gint64) (seconds * G_USEC_PER_SEC + (seconds >= 0 ? 0.5 : -0.5));
}

/**
 * aio_loop_call_at:
 * @self: an [class@Aio.Loop]
 * @when: the time to call @callback, on the clock of [method@Aio.Loop.time]
 * @callback: (scope notified) (closure user_data) (destroy destroy): the
 *   function to call
 * @user_data: data for @callback
 * @destroy: (nullable): frees @user_data once @callback has run or the
 *   handle was cancelled
 *
 * Schedules @callback at the loop time @when, like asyncio's
 * `loop.call_at()`.  Calls due at the same time run in the order they were
 * scheduled.  A time in the past runs on the next turn.
 *
 * Returns: (transfer full): a handle to cancel the call
 *
 * Since: 1.0
 */
AioHandle *
aio_loop_call_at (AioLoop        *self,
                  gdouble         when,
                  AioCallback     callback,
                  gpointer        user_data,
                  GDestroyNotify  destroy)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), NULL);
  g_return_val_if_fail (callback != NULL, NULL);
  g_return_val_if_fail (!isnan (when), NULL);

  return _aio_loop_add_timer (self, seconds_to_us (when), callback, user_data, destroy);
}

/**
 * aio_loop_call_later:
 * @self: an [class@Aio.Loop]
 * @delay: seconds from now
 * @callback: (scope notified) (closure user_data) (destroy destroy): the
 *   function to call
 * @user_data: data for @callback
 * @destroy: (nullable): frees @user_data once @callback has run or the
 *   handle was cancelled
 *
 * Schedules @callback after @delay seconds, like asyncio's
 * `loop.call_later()`.
 *
 * Returns: (transfer full): a handle to cancel the call
 *
 * Since: 1.0
 */
AioHandle *
aio_loop_call_later (AioLoop        *self,
                     gdouble         delay,
                     AioCallback     callback,
                     gpointer        user_data,
                     GDestroyNotify  destroy)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), NULL);
  g_return_val_if_fail (callback != NULL, NULL);
  g_return_val_if_fail (!isnan (delay), NULL);

  return _aio_loop_add_timer (self, g_get_monotonic_time () + seconds_to_us (delay),
                              callback, user_data, destroy);
}

/**
 * aio_loop_create_future:
 * @self: an [class@Aio.Loop]
 *
 * Creates a pending future attached to @self, like asyncio's
 * `loop.create_future()`.
 *
 * Returns: (transfer full): a new [class@Aio.Future]
 *
 * Since: 1.0
 */
AioFuture *
aio_loop_create_future (AioLoop *self)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), NULL);

  return _aio_future_new_for_loop (self);
}

typedef struct
{
  AioWaiter waiter;
  AioLoop  *loop;
  gboolean  called;
} RunState;

static void
run_until_complete_done (AioWaiter *waiter,
                         AioFuture *future)
{
  RunState *state = (RunState *) waiter;

  state->called = TRUE;
  state->loop->stopping = TRUE;
}

/**
 * aio_loop_run_until_complete:
 * @self: an [class@Aio.Loop]
 * @future: the [class@Aio.Future] (or [class@Aio.Task]) to wait for
 * @error: return location for the error @future failed with
 *
 * Iterates the loop's main context until @future is done, like asyncio's
 * `loop.run_until_complete()`, then reports its outcome.
 *
 * @future must belong to @self.  The loop must not be running already:
 * calling this from a task or a callback of the same loop fails with
 * %AIO_ERROR_LOOP_RUNNING; await the future there instead.
 *
 * Returns: %TRUE if @future finished with a result (read it from @future),
 *   %FALSE with @error set if it failed, was cancelled
 *   (%G_IO_ERROR_CANCELLED) or could not be run
 *
 * Since: 1.0
 */
gboolean
aio_loop_run_until_complete (AioLoop    *self,
                             AioFuture  *future,
                             GError    **error)
{
  RunState state = { .loop = self, .called = FALSE };
  gboolean ok;

  g_return_val_if_fail (AIO_IS_LOOP (self), FALSE);
  g_return_val_if_fail (AIO_IS_FUTURE (future), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->source == NULL)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_CLOSED,
                           "The loop's main context has been destroyed");
      return FALSE;
    }
  if (self->running || self->dispatching || _aio_coroutine_self () != NULL)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_LOOP_RUNNING,
                           "The loop is already running; from inside it, await the future instead");
      return FALSE;
    }
  if (aio_future_get_loop (future) != self)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT,
                           "The future belongs to another loop");
      return FALSE;
    }

  g_object_ref (future);
  g_atomic_pointer_set (&self->owner, _aio_thread_id ());
  self->running = TRUE;
  self->stopping = FALSE;

  state.waiter.func = run_until_complete_done;
  if (_aio_future_add_waiter (future, &state.waiter))
    {
      while (!aio_future_done (future))
        {
          g_main_context_iteration (self->context, TRUE);
          if (self->source == NULL)
            break;
        }
      if (!state.called)
        _aio_future_remove_waiter (future, &state.waiter);
    }
  else if (self->ring_count > 0)
    {
      /* Already done: still one turn, as asyncio runs one iteration, so
       * callbacks that are due (such as the future's own) run.
       */
      g_main_context_iteration (self->context, FALSE);
    }

  self->running = FALSE;
  self->stopping = FALSE;

  if (!aio_future_done (future))
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_CLOSED,
                           "The loop's main context was destroyed while running");
      ok = FALSE;
    }
  else
    ok = aio_future_propagate (future, error);
  g_object_unref (future);
  return ok;
}

void
_aio_loop_register_task (AioLoop *loop,
                         AioTask *task)
{
  _aio_list_prepend (&loop->tasks, &((AioTask *) _aio_ref (task))->all_link);
  loop->n_tasks++;
}

void
_aio_loop_unregister_task (AioLoop *loop,
                           AioTask *task)
{
  _aio_list_remove (&loop->tasks, &task->all_link);
  loop->n_tasks--;
  _aio_task_release (task);
}

/**
 * aio_all_tasks:
 * @loop: (nullable): an [class@Aio.Loop], or %NULL for the running loop
 *   (or, outside one, the thread-default loop)
 *
 * Lists the tasks of @loop that are not done yet, oldest first, like
 * asyncio's `all_tasks()`.
 *
 * Returns: (transfer full) (element-type AioTask): the pending tasks
 *
 * Since: 1.0
 */
GList *
aio_all_tasks (AioLoop *loop)
{
  GList *list = NULL;
  AioLink *link;

  g_return_val_if_fail (loop == NULL || AIO_IS_LOOP (loop), NULL);

  if (loop == NULL)
    loop = _aio_loop_get_current ();
  if (!_aio_loop_is_owner (loop))
    {
      g_critical ("aio_all_tasks() must be called from the thread that runs the loop");
      return NULL;
    }

  for (link = loop->tasks.head; link != NULL; link = link->next)
    list = g_list_prepend (list, g_object_ref (_aio_task_from_all_link (link)));
  return list;
}

/**
 * aio_current_task:
 *
 * Gets the task whose body is running, like asyncio's `current_task()`.
 *
 * Returns: (transfer none) (nullable): the running task, or %NULL outside
 *   of a task
 *
 * Since: 1.0
 */
AioTask *
aio_current_task (void)
{
  return _aio_ts.current_task;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "aio-enums.h"
#include "aio-heap-private.h"
#include "aio-queue.h"
#include "aio-sync-private.h"

/**
 * AioQueue:
 *
 * A queue of values for producer and consumer tasks, like asyncio's
 * `Queue`, `LifoQueue` and `PriorityQueue` in one type: see
 * [enum@Aio.QueueKind].
 *
 * Items are [struct@GObject.Value]s: numbers, strings, objects, boxed
 * values or plain pointers (which the queue never frees).
 * [method@Aio.Queue.put] returns a future that finishes once the item is
 * in the queue, waiting while the queue holds
 * [property@Aio.Queue:maxsize] items (0 means no limit);
 * [method@Aio.Queue.get] returns a future whose result is the next item,
 * waiting while the queue is empty.  The `_nowait()` forms never wait:
 * they fail with %AIO_ERROR_QUEUE_FULL or %AIO_ERROR_QUEUE_EMPTY instead.
 * Waiting getters and putters are served in the order they came, and an
 * item put while a getter waits goes straight to that getter.
 *
 * ```c
 * while (TRUE)
 *   {
 *     g_autoptr(GError) error = NULL;
 *     gint job = aio_await_int (aio_queue_get (queue), &error);
 *
 *     if (error != NULL)
 *       break;   // cancelled, or the queue was shut down
 *     process (job);
 *     aio_queue_task_done (queue, NULL);
 *   }
 * ```
 *
 * [method@Aio.Queue.task_done] and [method@Aio.Queue.join] count the items
 * that were put but not yet processed; [method@Aio.Queue.shutdown] makes
 * later puts, and gets once the queue is empty, fail with
 * %AIO_ERROR_QUEUE_SHUT_DOWN, as in Python 3.13.
 *
 * A priority queue orders items with the function given to
 * [ctor@Aio.Queue.new_priority].  Without one, numbers of any fundamental
 * type compare by value, strings byte by byte, and numbers come before
 * strings; other items are refused with %AIO_ERROR_INVALID_ARGUMENT.
 *
 * ## Cancellation
 *
 * A cancelled get never loses an item: a getter cancelled while it waits
 * takes nothing, and one cancelled after an item was handed to it but
 * before it resumed gives the item back, to the next getter or to the
 * front of the queue (cancelling a done get future whose item was not
 * taken out of it does that).  A put cancelled while it waits for room
 * never inserts its item; one cancelled after its item went in but before
 * it resumed takes the item out again if no getter has taken it yet.
 * Dropping the future of a waiting get or put withdraws it.
 *
 * ## Thread safety
 *
 * A queue belongs to the loop it is first used on.  Use it only from that
 * loop's thread: from another thread (or while another loop is
 * dispatching), the functions returning a future return one that fails
 * with %AIO_ERROR_WRONG_THREAD, the `_nowait()` functions and
 * [method@Aio.Queue.task_done] fail with that error, and
 * [method@Aio.Queue.shutdown] does nothing but log a critical warning.
 * To feed a queue from a worker thread, hand the put to the loop with
 * [method@Aio.Loop.call_soon_threadsafe].  The size getters may be read
 * from any thread, as a snapshot.
 *
 * Since: 1.0
 */

typedef struct
{
  GValue  value;
  guint64 seq;      /* order of insertion: FIFO among equal priorities */
} Slot;

struct _AioQueue
{
  GObject              parent_instance;

  AioLoop             *loop;              /* (owned) (nullable) bound on first use */
  AioQueueKind         kind;
  gint                 maxsize;           /* <= 0: unbounded */

  /* A ring for FIFO and LIFO, a binary heap from slots[0] for PRIORITY. */
  Slot                *slots;             /* (owned) */
  guint                head;
  guint                len;
  guint                cap;               /* a power of two, or 0 */
  guint64              next_seq;

  AioQueueCompareFunc  compare;           /* (nullable) NULL: default order */
  gpointer             compare_data;
  GDestroyNotify       compare_destroy;

  AioWaitList          getters;           /* only while the queue is empty */
  AioWaitList          putters;           /* Putter records, only while full */
  AioWaitList          joiners;
  /* (owned) (nullable) what a put that did not wait returns: a done
   * future without a value is the same for everyone, so it is shared
   * instead of made per item.
   */
  AioFuture           *put_done;
  guint                unfinished;        /* items put and not task_done() */

  guint                is_shutdown : 1;
  guint                shutdown_immediate : 1;
};

/* A put waiting for room, with its item. */
typedef struct
{
  AioSyncWaiter base;
  GValue        item;
} Putter;

/* What a done get or put future needs to undo its hand-over. */
typedef struct
{
  AioQueue *queue;   /* (owned) */
  guint64   seq;
} Grant;

G_DEFINE_FINAL_TYPE (AioQueue, aio_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAXSIZE,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
aio_queue_finalize (GObject *object)
{
  AioQueue *self = AIO_QUEUE (object);
  guint i;

  g_assert (_aio_wait_list_is_empty (&self->getters) &&
            _aio_wait_list_is_empty (&self->putters) &&
            _aio_wait_list_is_empty (&self->joiners));

  for (i = 0; i < self->len; i++)
    _aio_value_clear (&self->slots[(self->head + i) & (self->cap - 1)].value);
  g_free (self->slots);
  if (self->put_done != NULL)
    _aio_release (self->put_done);
  if (self->compare_destroy != NULL)
    self->compare_destroy (self->compare_data);
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_queue_parent_class)->finalize (object);
}

static void
aio_queue_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  AioQueue *self = AIO_QUEUE (object);

  switch (prop_id)
    {
    case PROP_MAXSIZE:
      g_value_set_int (value, self->maxsize);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_queue_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  AioQueue *self = AIO_QUEUE (object);

  switch (prop_id)
    {
    case PROP_MAXSIZE:
      self->maxsize = g_value_get_int (value);
      break;

    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_queue_class_init (AioQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_queue_finalize;
  object_class->get_property = aio_queue_get_property;
  object_class->set_property = aio_queue_set_property;

  /**
   * AioQueue:maxsize:
   *
   * How many items the queue holds before [method@Aio.Queue.put] waits;
   * 0 or less means no limit, as in asyncio.
   *
   * Since: 1.0
   */
  properties[PROP_MAXSIZE] =
    g_param_spec_int ("maxsize", NULL, NULL,
                      G_MININT, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * AioQueue:kind:
   *
   * The order in which items come out.  A priority queue built from this
   * property alone uses the default order; see
   * [ctor@Aio.Queue.new_priority].
   *
   * Since: 1.0
   */
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       AIO_TYPE_QUEUE_KIND, AIO_QUEUE_FIFO,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aio_queue_init (AioQueue *self)
{
  self->next_seq = 1;
}

/**
 * aio_queue_new:
 * @maxsize: the most items the queue holds, or 0 for no limit
 *
 * Creates a first-in, first-out queue, like asyncio's `Queue(maxsize)`.
 * It binds to a loop the first time it is used.
 *
 * Returns: (transfer full): a new [class@Aio.Queue]
 *
 * Since: 1.0
 */
AioQueue *
aio_queue_new (gint maxsize)
{
  return g_object_new (AIO_TYPE_QUEUE, "maxsize", maxsize, NULL);
}

/**
 * aio_queue_new_lifo:
 * @maxsize: the most items the queue holds, or 0 for no limit
 *
 * Creates a last-in, first-out queue, like asyncio's
 * `LifoQueue(maxsize)`.
 *
 * Returns: (transfer full): a new [class@Aio.Queue]
 *
 * Since: 1.0
 */
AioQueue *
aio_queue_new_lifo (gint maxsize)
{
  return g_object_new (AIO_TYPE_QUEUE, "maxsize", maxsize,
                       "kind", AIO_QUEUE_LIFO, NULL);
}

/**
 * aio_queue_new_priority:
 * @maxsize: the most items the queue holds, or 0 for no limit
 * @compare: (nullable) (scope notified) (closure user_data) (destroy destroy):
 *   orders the items, or %NULL for the default order of numbers and
 *   strings
 * @user_data: data for @compare
 * @destroy: (nullable): frees @user_data with the queue
 *
 * Creates a queue that hands out its smallest item first, like asyncio's
 * `PriorityQueue(maxsize)`.  Items that compare equal come out in the
 * order they were put.
 *
 * Returns: (transfer full): a new [class@Aio.Queue]
 *
 * Since: 1.0
 */
AioQueue *
aio_queue_new_priority (gint                 maxsize,
                        AioQueueCompareFunc  compare,
                        gpointer             user_data,
                        GDestroyNotify       destroy)
{
  AioQueue *self = g_object_new (AIO_TYPE_QUEUE, "maxsize", maxsize,
                                 "kind", AIO_QUEUE_PRIORITY, NULL);

  self->compare = compare;
  self->compare_data = user_data;
  self->compare_destroy = compare != NULL ? destroy : NULL;
  return self;
}

/* The default priority order. */

typedef enum
{
  ORDER_SIGNED,
  ORDER_UNSIGNED,
  ORDER_FLOAT,
  ORDER_STRING,
  ORDER_NONE,
} OrderClass;

typedef struct
{
  OrderClass klass;
  gint64     s;
  guint64    u;
  gdouble    d;
} OrderKey;

static void
order_key (const GValue *value,
           OrderKey     *key)
{
  key->klass = ORDER_SIGNED;
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_CHAR:
      key->s = g_value_get_schar (value);
      break;
    case G_TYPE_BOOLEAN:
      key->s = g_value_get_boolean (value) ? 1 : 0;
      break;
    case G_TYPE_INT:
      key->s = g_value_get_int (value);
      break;
    case G_TYPE_LONG:
      key->s = g_value_get_long (value);
      break;
    case G_TYPE_INT64:
      key->s = g_value_get_int64 (value);
      break;
    case G_TYPE_ENUM:
      key->s = g_value_get_enum (value);
      break;
    case G_TYPE_UCHAR:
      key->klass = ORDER_UNSIGNED;
      key->u = g_value_get_uchar (value);
      break;
    case G_TYPE_UINT:
      key->klass = ORDER_UNSIGNED;
      key->u = g_value_get_uint (value);
      break;
    case G_TYPE_ULONG:
      key->klass = ORDER_UNSIGNED;
      key->u = g_value_get_ulong (value);
      break;
    case G_TYPE_UINT64:
      key->klass = ORDER_UNSIGNED;
      key->u = g_value_get_uint64 (value);
      break;
    case G_TYPE_FLAGS:
      key->klass = ORDER_UNSIGNED;
      key->u = g_value_get_flags (value);
      break;
    case G_TYPE_FLOAT:
      key->klass = ORDER_FLOAT;
      key->d = g_value_get_float (value);
      break;
    case G_TYPE_DOUBLE:
      key->klass = ORDER_FLOAT;
      key->d = g_value_get_double (value);
      break;
    case G_TYPE_STRING:
      key->klass = ORDER_STRING;
      break;
    default:
      key->klass = ORDER_NONE;
      break;
    }
}

static gdouble
key_as_double (const OrderKey *key)
{
  switch (key->klass)
    {
    case ORDER_SIGNED:
      return (gdouble) key->s;
    case ORDER_UNSIGNED:
      return (gdouble) key->u;
    case ORDER_FLOAT:
    case ORDER_STRING:
    case ORDER_NONE:
    default:
      return key->d;
    }
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static gint
default_compare (const GValue *a,
                 const GValue *b)
{
  OrderKey ka, kb;
  gboolean a_number, b_number;

  order_key (a, &ka);
  order_key (b, &kb);
  a_number = ka.klass <= ORDER_FLOAT;
  b_number = kb.klass <= ORDER_FLOAT;

  if (a_number && b_number)
    {
      if (ka.klass == ORDER_FLOAT || kb.klass == ORDER_FLOAT)
        return CMP (key_as_double (&ka), key_as_double (&kb));
      if (ka.klass == ORDER_SIGNED && kb.klass == ORDER_SIGNED)
        return CMP (ka.s, kb.s);
      if (ka.klass == ORDER_UNSIGNED && kb.klass == ORDER_UNSIGNED)
        return CMP (ka.u, kb.u);
      if (ka.klass == ORDER_SIGNED)
        return ka.s < 0 ? -1 : CMP ((guint64) ka.s, kb.u);
      return kb.s < 0 ? 1 : CMP (ka.u, (guint64) kb.s);
    }
  if (ka.klass == ORDER_STRING && kb.klass == ORDER_STRING)
    {
      gint r = g_strcmp0 (g_value_get_string (a), g_value_get_string (b));

      return CMP (r, 0);
    }
  /* Numbers, then strings, then anything else. */
  return CMP (a_number ? 0 : ka.klass, b_number ? 0 : kb.klass);
}

static inline gint
slot_compare (AioQueue   *self,
              const Slot *a,
              const Slot *b)
{
  gint r;

  if (self->compare != NULL)
    r = self->compare (&a->value, &b->value, self->compare_data);
  else
    r = default_compare (&a->value, &b->value);
  if (r != 0)
    return r;
  return CMP (a->seq, b->seq);
}

#undef CMP

/* Item storage. */

static inline Slot *
slot_at (AioQueue *self,
         guint     i)
{
  return &self->slots[(self->head + i) & (self->cap - 1)];
}

static void
grow (AioQueue *self)
{
  guint cap = self->cap != 0 ? self->cap * 2 : 16;
  Slot *slots = g_new (Slot, cap);
  guint i;

  for (i = 0; i < self->len; i++)
    slots[i] = *slot_at (self, i);
  g_free (self->slots);
  self->slots = slots;
  self->head = 0;
  self->cap = cap;
}

static gboolean
slot_before (gconstpointer a,
             gconstpointer b,
             gpointer      queue)
{
  return slot_compare (queue, a, b) < 0;
}

/* The priority kind keeps a binary heap from slots[0]. */
static const AioHeapOps slot_heap_ops = { sizeof (Slot), slot_before, NULL };

/* Moves @value into the queue at its place. */
static void
store (AioQueue *self,
       GValue   *value,
       guint64   seq)
{
  Slot *slot;

  if (G_UNLIKELY (self->len == self->cap))
    grow (self);
  slot = slot_at (self, self->len);
  slot->value = *value;
  slot->seq = seq;
  memset (value, 0, sizeof *value);
  self->len++;
  if (self->kind == AIO_QUEUE_PRIORITY)
    _aio_heap_push (&slot_heap_ops, self->slots, self->len, self);
}

/* Moves @value back to where the next get finds it first. */
static void
store_front (AioQueue *self,
             GValue   *value,
             guint64   seq)
{
  Slot *slot;

  if (self->kind != AIO_QUEUE_FIFO)
    {
      store (self, value, seq);
      return;
    }
  if (G_UNLIKELY (self->len == self->cap))
    grow (self);
  self->head = (self->head - 1) & (self->cap - 1);
  slot = &self->slots[self->head];
  slot->value = *value;
  slot->seq = seq;
  memset (value, 0, sizeof *value);
  self->len++;
}

/* Moves the next item into the unset @value. */
static void
take (AioQueue *self,
      GValue   *value,
      guint64  *seq)
{
  Slot *slot;

  switch (self->kind)
    {
    case AIO_QUEUE_LIFO:
      slot = slot_at (self, self->len - 1);
      *value = slot->value;
      *seq = slot->seq;
      self->len--;
      break;

    case AIO_QUEUE_PRIORITY:
      {
        Slot top;

        _aio_heap_remove_at (&slot_heap_ops, self->slots, &self->len, 0, &top, self);
        *value = top.value;
        *seq = top.seq;
      }
      break;

    case AIO_QUEUE_FIFO:
    default:
      slot = &self->slots[self->head];
      *value = slot->value;
      *seq = slot->seq;
      self->head = (self->head + 1) & (self->cap - 1);
      self->len--;
      break;
    }
}

/* Takes the item put as @seq out of the queue, if it is still there. */
static gboolean
take_seq (AioQueue *self,
          guint64   seq,
          GValue   *value)
{
  guint i;

  for (i = 0; i < self->len; i++)
    if (slot_at (self, i)->seq == seq)
      break;
  if (i == self->len)
    return FALSE;

  *value = slot_at (self, i)->value;
  if (self->kind == AIO_QUEUE_PRIORITY)
    {
      _aio_heap_remove_at (&slot_heap_ops, self->slots, &self->len, i, NULL, self);
      return TRUE;
    }

  for (; i + 1 < self->len; i++)
    *slot_at (self, i) = *slot_at (self, i + 1);
  self->len--;
  return TRUE;
}

static inline gboolean
is_full (AioQueue *self)
{
  return self->maxsize > 0 && self->len >= (guint) self->maxsize;
}

static gboolean
check_orderable (AioQueue      *self,
                 const GValue  *item,
                 GError       **error)
{
  OrderKey key;

  if (self->kind != AIO_QUEUE_PRIORITY || self->compare != NULL)
    return TRUE;
  order_key (item, &key);
  if (key.klass != ORDER_NONE)
    return TRUE;
  g_set_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT,
               "A priority queue without a compare function cannot order items of type %s; "
               "create it with aio_queue_new_priority() and a compare function",
               G_VALUE_TYPE_NAME (item));
  return FALSE;
}

static GError *
shut_down_error_new (void)
{
  return g_error_new_literal (AIO_ERROR, AIO_ERROR_QUEUE_SHUT_DOWN,
                              "The queue was shut down");
}

static void
release_joiners (AioQueue *self)
{
  AioSyncWaiter *waiter;

  while ((waiter = _aio_wait_list_pop (&self->joiners, FALSE)) != NULL)
    {
      _aio_future_complete (waiter->future, AIO_FUTURE_FINISHED, NULL, NULL, NULL);
      _aio_sync_waiter_free (waiter);
    }
}

static void
one_task_done (AioQueue *self)
{
  if (self->unfinished > 0 && --self->unfinished == 0)
    release_joiners (self);
}

static gboolean get_revoked (AioFuture  *future,
                             const char *msg,
                             gpointer    data);
static gboolean put_revoked (AioFuture  *future,
                             const char *msg,
                             gpointer    data);

static void
grant_free (gpointer data)
{
  Grant *grant = data;

  _aio_sync_unref (grant->queue);
  g_free (grant);
}

/* Lets the done put @future take its item, put as @seq, out again. */
static void
set_put_grant (AioQueue  *self,
               AioFuture *future,
               guint64    seq)
{
  Grant *grant = g_new (Grant, 1);

  grant->queue = _aio_ref (self);
  grant->seq = seq;
  _aio_future_set_cancel_hook (future, put_revoked, grant, grant_free);
}

/* Lets the done get @future give its item back. */
static inline void
set_get_grant (AioQueue  *self,
               AioFuture *future)
{
  _aio_future_set_cancel_hook (future, get_revoked, _aio_ref (self), _aio_sync_unref);
}

static void
hand_to_getter (AioQueue      *self,
                AioSyncWaiter *getter,
                GValue        *item)
{
  _aio_future_complete (getter->future, AIO_FUTURE_FINISHED, item, NULL, NULL);
  set_get_grant (self, getter->future);
  _aio_sync_waiter_free (getter);
}

/* Gives @item (moved) to the oldest getter, or stores it. */
static void
deliver (AioQueue *self,
         GValue   *item,
         guint64   seq)
{
  AioSyncWaiter *getter = NULL;

  if (!_aio_wait_list_is_empty (&self->getters))
    getter = _aio_wait_list_pop (&self->getters, TRUE);
  if (getter != NULL)
    hand_to_getter (self, getter, item);
  else
    store (self, item, seq);
}

/* Lets waiting putters in while there is room. */
static void
admit_putters (AioQueue *self)
{
  while (!_aio_wait_list_is_empty (&self->putters) && !is_full (self))
    {
      Putter *putter = (Putter *) _aio_wait_list_pop (&self->putters, TRUE);
      guint64 seq;

      if (putter == NULL)
        break;
      seq = self->next_seq++;
      self->unfinished++;
      deliver (self, &putter->item, seq);
      _aio_future_complete (putter->base.future, AIO_FUTURE_FINISHED, NULL, NULL, NULL);
      set_put_grant (self, putter->base.future, seq);
      _aio_sync_waiter_free (&putter->base);
    }
}

/* The awaiter of a get was cancelled after the item was handed to it. */
static gboolean
get_revoked (AioFuture  *future,
             const char *msg,
             gpointer    data)
{
  AioQueue *self = data;
  AioFuturePrivate *priv = _aio_future_priv (future);
  GValue item;

  /* Only an item nobody has taken out of the future can go back. */
  if (priv->error != NULL || priv->value.g_type == G_TYPE_INVALID)
    return FALSE;
  item = priv->value;
  memset (&priv->value, 0, sizeof priv->value);

  if (self->shutdown_immediate)
    {
      /* Discarded like the items the shutdown found. */
      _aio_value_clear (&item);
      one_task_done (self);
      return FALSE;
    }

  if (!_aio_wait_list_is_empty (&self->getters))
    {
      AioSyncWaiter *getter = _aio_wait_list_pop (&self->getters, TRUE);

      if (getter != NULL)
        {
          hand_to_getter (self, getter, &item);
          return FALSE;
        }
    }
  /* It came out first, so it goes before every equal item still in:
   * seq 0, which no put uses.
   */
  store_front (self, &item, 0);
  return FALSE;
}

/* The awaiter of a put was cancelled after its item went in. */
static gboolean
put_revoked (AioFuture  *future,
             const char *msg,
             gpointer    data)
{
  Grant *grant = data;
  AioQueue *self = grant->queue;
  GValue item = G_VALUE_INIT;

  if (!take_seq (self, grant->seq, &item))
    return FALSE;   /* a getter has it already: the put happened */
  _aio_value_clear (&item);
  g_object_ref (self);
  one_task_done (self);
  admit_putters (self);
  g_object_unref (self);
  return FALSE;
}

static void
putter_clear (AioSyncWaiter *base)
{
  _aio_value_clear (&((Putter *) base)->item);
}

/* Puts @item (moved): the common part of every put. */
static AioFuture *
put_take (AioQueue *self,
          GValue   *item)
{
  GError *error = NULL;
  Putter *putter;

  if (G_UNLIKELY (!_aio_sync_check_loop (&self->loop, "AioQueue", &error) ||
                  self->is_shutdown ||
                  !check_orderable (self, item, &error)))
    {
      if (error == NULL)
        error = shut_down_error_new ();
      _aio_value_clear (item);
      return _aio_sync_future_new_failed (self->loop, error);
    }

  if (!is_full (self))
    {
      self->unfinished++;
      deliver (self, item, self->next_seq++);
      if (G_UNLIKELY (self->put_done == NULL))
        self->put_done = _aio_sync_future_new_done (self->loop, NULL);
      return _aio_ref (self->put_done);
    }

  putter = _aio_sync_waiter_new (sizeof (Putter), self, self->loop,
                                 _aio_sync_waiter_cancelled);
  putter->base.clear = putter_clear;
  putter->item = *item;
  memset (item, 0, sizeof *item);
  _aio_wait_list_push (&self->putters, &putter->base);
  return _aio_ref (putter->base.future);
}

/**
 * aio_queue_put:
 * @self: an [class@Aio.Queue]
 * @item: the item, copied
 *
 * Puts @item into @self, like asyncio's `Queue.put()`: the returned
 * future finishes (with no value) once the item is in, waiting while the
 * queue is full.  A put that did not have to wait returns a done future
 * that the queue may give to other such puts too.
 *
 * Returns: (transfer full): a future that fails with
 *   %AIO_ERROR_QUEUE_SHUT_DOWN if the queue is or gets shut down (the item
 *   is then not put), %AIO_ERROR_INVALID_ARGUMENT if a priority queue
 *   cannot order the item, or %AIO_ERROR_WRONG_THREAD
 *
 * Since: 1.0
 */
AioFuture *
aio_queue_put (AioQueue     *self,
               const GValue *item)
{
  GValue copy = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_QUEUE (self), NULL);
  g_return_val_if_fail (G_IS_VALUE (item), NULL);

  _aio_value_copy (item, &copy);
  return put_take (self, &copy);
}

/**
 * aio_queue_put_int:
 * @self: an [class@Aio.Queue]
 * @item: the item
 *
 * Puts an integer, see [method@Aio.Queue.put].
 *
 * Returns: (transfer full): a future, as [method@Aio.Queue.put] returns
 *
 * Since: 1.0
 */
AioFuture *
aio_queue_put_int (AioQueue *self,
                   gint      item)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_QUEUE (self), NULL);

  _aio_value_set_int (&v, item);
  return put_take (self, &v);
}

/**
 * aio_queue_put_int64:
 * @self: an [class@Aio.Queue]
 * @item: the item
 *
 * Puts a 64-bit integer, see [method@Aio.Queue.put].
 *
 * Returns: (transfer full): a future, as [method@Aio.Queue.put] returns
 *
 * Since: 1.0
 */
AioFuture *
aio_queue_put_int64 (AioQueue *self,
                     gint64    item)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_QUEUE (self), NULL);

  _aio_value_set_int64 (&v, item);
  return put_take (self, &v);
}

/**
 * aio_queue_put_double:
 * @self: an [class@Aio.Queue]
 * @item: the item
 *
 * Puts a floating point number, see [method@Aio.Queue.put].
 *
 * Returns: (transfer full): a future, as [method@Aio.Queue.put] returns
 *
 * Since: 1.0
 */
AioFuture *
aio_queue_put_double (AioQueue *self,
                      gdouble   item)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_QUEUE (self), NULL);

  _aio_value_set_double (&v, item);
  return put_take (self, &v);
}

/**
 * aio_queue_put_string:
 * @self: an [class@Aio.Queue]
 * @item: (nullable): the item, copied
 *
 * Puts a string, see [method@Aio.Queue.put].
 *
 * Returns: (transfer full): a future, as [method@Aio.Queue.put] returns
 *
 * Since: 1.0
 */
AioFuture *
aio_queue_put_string (AioQueue   *self,
                      const char *item)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_QUEUE (self), NULL);

  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, item);
  return put_take (self, &v);
}

/**
 * aio_queue_put_object:
 * @self: an [class@Aio.Queue]
 * @item: (type GObject) (nullable): the item; the queue takes a reference
 *
 * Puts an object, see [method@Aio.Queue.put].
 *
 * Returns: (transfer full): a future, as [method@Aio.Queue.put] returns
 *
 * Since: 1.0
 */
AioFuture *
aio_queue_put_object (AioQueue *self,
                      gpointer  item)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_QUEUE (self), NULL);
  g_return_val_if_fail (item == NULL || G_IS_OBJECT (item), NULL);

  g_value_init (&v, item != NULL ? G_OBJECT_TYPE (item) : G_TYPE_OBJECT);
  g_value_set_object (&v, item);
  return put_take (self, &v);
}

/**
 * aio_queue_put_pointer:
 * @self: an [class@Aio.Queue]
 * @item: (nullable): the item; the queue never frees it
 *
 * Puts a plain pointer, see [method@Aio.Queue.put].
 *
 * Returns: (transfer full): a future, as [method@Aio.Queue.put] returns
 *
 * Since: 1.0
 */
AioFuture *
aio_queue_put_pointer (AioQueue *self,
                       gpointer  item)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_QUEUE (self), NULL);

  _aio_value_set_pointer (&v, item);
  return put_take (self, &v);
}

/**
 * aio_queue_put_nowait:
 * @self: an [class@Aio.Queue]
 * @item: the item, copied
 * @error: return location for an error
 *
 * Puts @item into @self without waiting, like asyncio's
 * `Queue.put_nowait()`.  Fails with %AIO_ERROR_QUEUE_FULL if there is no
 * room, %AIO_ERROR_QUEUE_SHUT_DOWN after [method@Aio.Queue.shutdown], or
 * %AIO_ERROR_INVALID_ARGUMENT if a priority queue cannot order the item.
 *
 * Returns: %TRUE if the item was put
 *
 * Since: 1.0
 */
gboolean
aio_queue_put_nowait (AioQueue      *self,
                      const GValue  *item,
                      GError       **error)
{
  GValue copy = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_aio_sync_check_loop (&self->loop, "AioQueue", error))
    return FALSE;
  if (self->is_shutdown)
    {
      g_propagate_error (error, shut_down_error_new ());
      return FALSE;
    }
  if (is_full (self))
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_QUEUE_FULL,
                   "The queue is full (maxsize %d)", self->maxsize);
      return FALSE;
    }
  if (!check_orderable (self, item, error))
    return FALSE;

  _aio_value_copy (item, &copy);
  self->unfinished++;
  deliver (self, &copy, self->next_seq++);
  return TRUE;
}

/**
 * aio_queue_get:
 * @self: an [class@Aio.Queue]
 *
 * Takes the next item out of @self, like asyncio's `Queue.get()`,
 * waiting while the queue is empty.  Read the item with `aio_await_int()`
 * and its siblings, or [method@Aio.Future.get_value].
 *
 * Returns: (transfer full): a future whose result is the item, or that
 *   fails with %AIO_ERROR_QUEUE_SHUT_DOWN once the queue is shut down and
 *   empty, or with %AIO_ERROR_WRONG_THREAD
 *
 * Since: 1.0
 */
AioFuture *
aio_queue_get (AioQueue *self)
{
  GError *error = NULL;
  AioSyncWaiter *getter;

  g_return_val_if_fail (AIO_IS_QUEUE (self), NULL);

  if (G_UNLIKELY (!_aio_sync_check_loop (&self->loop, "AioQueue", &error)))
    return _aio_sync_future_new_failed (self->loop, error);

  if (G_LIKELY (self->len > 0))
    {
      GValue item;
      guint64 seq;
      AioFuture *future;

      take (self, &item, &seq);
      future = _aio_sync_future_new_done (self->loop, &item);
      set_get_grant (self, future);
      if (!_aio_wait_list_is_empty (&self->putters))
        admit_putters (self);
      return future;
    }

  if (self->is_shutdown)
    return _aio_sync_future_new_failed (self->loop, shut_down_error_new ());

  getter = _aio_sync_waiter_new (sizeof (AioSyncWaiter), self, self->loop,
                                 _aio_sync_waiter_cancelled);
  _aio_wait_list_push (&self->getters, getter);
  return _aio_ref (getter->future);
}

/**
 * aio_queue_get_nowait:
 * @self: an [class@Aio.Queue]
 * @item: (out caller-allocates): an unset [struct@GObject.Value] for the
 *   item
 * @error: return location for an error
 *
 * Takes the next item out of @self without waiting, like asyncio's
 * `Queue.get_nowait()`.  Fails with %AIO_ERROR_QUEUE_EMPTY if there is
 * none, or %AIO_ERROR_QUEUE_SHUT_DOWN if there is none and the queue was
 * shut down.
 *
 * Returns: (skip): %TRUE if @item was filled in
 *
 * Since: 1.0
 */
gboolean
aio_queue_get_nowait (AioQueue  *self,
                      GValue    *item,
                      GError   **error)
{
  guint64 seq;

  g_return_val_if_fail (AIO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (item != NULL && !G_IS_VALUE (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_aio_sync_check_loop (&self->loop, "AioQueue", error))
    return FALSE;

  if (self->len == 0)
    {
      if (self->is_shutdown)
        g_propagate_error (error, shut_down_error_new ());
      else
        g_set_error_literal (error, AIO_ERROR, AIO_ERROR_QUEUE_EMPTY,
                             "The queue is empty");
      return FALSE;
    }

  take (self, item, &seq);
  if (!_aio_wait_list_is_empty (&self->putters))
    admit_putters (self);
  return TRUE;
}

/**
 * aio_queue_task_done:
 * @self: an [class@Aio.Queue]
 * @error: return location for an error
 *
 * Tells @self that an item taken out of it has been processed, like
 * asyncio's `Queue.task_done()`.  When every item put has been processed,
 * [method@Aio.Queue.join] finishes.  Calling it more often than items
 * were put fails with %AIO_ERROR_INVALID_STATE.
 *
 * Returns: %TRUE if the count went down
 *
 * Since: 1.0
 */
gboolean
aio_queue_task_done (AioQueue  *self,
                     GError   **error)
{
  g_return_val_if_fail (AIO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_aio_sync_check_loop (&self->loop, "AioQueue", error))
    return FALSE;

  if (self->unfinished == 0)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                           "task_done() was called more times than items were put");
      return FALSE;
    }
  one_task_done (self);
  return TRUE;
}

/**
 * aio_queue_join:
 * @self: an [class@Aio.Queue]
 *
 * Waits until every item put into @self has been processed, like
 * asyncio's `Queue.join()`: until [method@Aio.Queue.task_done] has been
 * called once for each of them.
 *
 * Returns: (transfer full): a future that finishes, with no value, once
 *   no item is unfinished, or that fails with %AIO_ERROR_WRONG_THREAD
 *
 * Since: 1.0
 */
AioFuture *
aio_queue_join (AioQueue *self)
{
  GError *error = NULL;
  AioSyncWaiter *joiner;

  g_return_val_if_fail (AIO_IS_QUEUE (self), NULL);

  if (!_aio_sync_check_loop (&self->loop, "AioQueue", &error))
    return _aio_sync_future_new_failed (self->loop, error);

  if (self->unfinished == 0)
    return _aio_sync_future_new_done (self->loop, NULL);

  joiner = _aio_sync_waiter_new (sizeof (AioSyncWaiter), self, self->loop,
                                 _aio_sync_waiter_cancelled);
  _aio_wait_list_push (&self->joiners, joiner);
  return _aio_ref (joiner->future);
}

/**
 * aio_queue_shutdown:
 * @self: an [class@Aio.Queue]
 * @immediate: whether to drop the items left in the queue
 *
 * Shuts @self down, like Python 3.13's `Queue.shutdown()`: waiting
 * putters, and every later put, fail with %AIO_ERROR_QUEUE_SHUT_DOWN
 * (their items are not put); waiting getters fail with that error too, and
 * later gets once the queue is empty.  With @immediate, the items still
 * in the queue are dropped and each counts as processed for
 * [method@Aio.Queue.join], so gets fail at once.
 *
 * Since: 1.0
 */
void
aio_queue_shutdown (AioQueue *self,
                    gboolean  immediate)
{
  GError *error;

  g_return_if_fail (AIO_IS_QUEUE (self));

  if (!_aio_sync_check_loop_or_warn (&self->loop, "AioQueue", "aio_queue_shutdown"))
    return;

  g_object_ref (self);
  self->is_shutdown = TRUE;
  if (immediate)
    {
      self->shutdown_immediate = TRUE;
      while (self->len > 0)
        {
          GValue item;
          guint64 seq;

          take (self, &item, &seq);
          _aio_value_clear (&item);
          if (self->unfinished > 0)
            self->unfinished--;
        }
      if (self->unfinished == 0)
        release_joiners (self);
    }

  error = shut_down_error_new ();
  _aio_wait_list_complete_all (&self->getters, error);
  _aio_wait_list_complete_all (&self->putters, error);
  g_error_free (error);
  g_object_unref (self);
}

/**
 * aio_queue_qsize:
 * @self: an [class@Aio.Queue]
 *
 * Counts the items in @self, like asyncio's `Queue.qsize()`.
 *
 * Returns: the number of items in the queue
 *
 * Since: 1.0
 */
guint
aio_queue_qsize (AioQueue *self)
{
  g_return_val_if_fail (AIO_IS_QUEUE (self), 0);

  return self->len;
}

/**
 * aio_queue_get_maxsize:
 * @self: an [class@Aio.Queue]
 *
 * Gets [property@Aio.Queue:maxsize], asyncio's `Queue.maxsize`.
 *
 * Returns: the most items the queue holds, or 0 or less for no limit
 *
 * Since: 1.0
 */
gint
aio_queue_get_maxsize (AioQueue *self)
{
  g_return_val_if_fail (AIO_IS_QUEUE (self), 0);

  return self->maxsize;
}

/**
 * aio_queue_get_kind:
 * @self: an [class@Aio.Queue]
 *
 * Gets [property@Aio.Queue:kind].
 *
 * Returns: the order in which items come out
 *
 * Since: 1.0
 */
AioQueueKind
aio_queue_get_kind (AioQueue *self)
{
  g_return_val_if_fail (AIO_IS_QUEUE (self), AIO_QUEUE_FIFO);

  return self->kind;
}

/**
 * aio_queue_empty:
 * @self: an [class@Aio.Queue]
 *
 * Whether @self holds no item, like asyncio's `Queue.empty()`.
 *
 * Returns: %TRUE if the queue is empty
 *
 * Since: 1.0
 */
gboolean
aio_queue_empty (AioQueue *self)
{
  g_return_val_if_fail (AIO_IS_QUEUE (self), FALSE);

  return self->len == 0;
}

/**
 * aio_queue_full:
 * @self: an [class@Aio.Queue]
 *
 * Whether @self holds [property@Aio.Queue:maxsize] items, like asyncio's
 * `Queue.full()`.  An unbounded queue is never full.
 *
 * Returns: %TRUE if a put would wait
 *
 * Since: 1.0
 */
gboolean
aio_queue_full (AioQueue *self)
{
  g_return_val_if_fail (AIO_IS_QUEUE (self), FALSE);

  return is_full (self);
}

/**
 * aio_queue_is_shut_down:
 * @self: an [class@Aio.Queue]
 *
 * Whether [method@Aio.Queue.shutdown] was called.
 *
 * Returns: %TRUE if the queue was shut down
 *
 * Since: 1.0
 */
gboolean
aio_queue_is_shut_down (AioQueue *self)
{
  g_return_val_if_fail (AIO_IS_QUEUE (self), FALSE);

  return self->is_shutdown;
}

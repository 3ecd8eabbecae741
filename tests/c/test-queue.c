/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

/* AioQueue: the three orders, backpressure, task_done()/join(),
 * shutdown, items of every kind, and cancellation of gets and puts at
 * every await point without losing or inventing an item.
 */

static gint
get_int_nowait (AioQueue *queue)
{
  GValue value = G_VALUE_INIT;
  GError *error = NULL;
  gint result;

  g_assert_true (aio_queue_get_nowait (queue, &value, &error));
  g_assert_no_error (error);
  g_assert_true (G_VALUE_HOLDS_INT (&value));
  result = g_value_get_int (&value);
  g_value_unset (&value);
  return result;
}

static void
put_int_nowait (AioQueue *queue,
                gint      item)
{
  GValue value = G_VALUE_INIT;
  GError *error = NULL;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, item);
  g_assert_true (aio_queue_put_nowait (queue, &value, &error));
  g_assert_no_error (error);
}

static void
test_queue_orders (void)
{
  const gint items[] = { 5, 1, 4, 1, 3 };
  const gint fifo[] = { 5, 1, 4, 1, 3 };
  const gint lifo[] = { 3, 1, 4, 1, 5 };
  const gint prio[] = { 1, 1, 3, 4, 5 };
  const gint *expected[] = { fifo, lifo, prio };
  AioQueue *queues[3];
  guint q, i;

  queues[0] = aio_queue_new (0);
  queues[1] = aio_queue_new_lifo (0);
  queues[2] = aio_queue_new_priority (0, NULL, NULL, NULL);
  g_assert_cmpint (aio_queue_get_kind (queues[1]), ==, AIO_QUEUE_LIFO);
  g_assert_cmpint (aio_queue_get_kind (queues[2]), ==, AIO_QUEUE_PRIORITY);

  for (q = 0; q < 3; q++)
    {
      g_assert_true (aio_queue_empty (queues[q]));
      for (i = 0; i < G_N_ELEMENTS (items); i++)
        put_int_nowait (queues[q], items[i]);
      g_assert_cmpuint (aio_queue_qsize (queues[q]), ==, G_N_ELEMENTS (items));
      g_assert_false (aio_queue_full (queues[q]));
      for (i = 0; i < G_N_ELEMENTS (items); i++)
        g_assert_cmpint (get_int_nowait (queues[q]), ==, expected[q][i]);
      g_assert_true (aio_queue_empty (queues[q]));
      g_object_unref (queues[q]);
    }
}

/* Many random priorities come out in order: the shared heap keeps its
 * invariant through every push and pop.
 */
static void
test_queue_priority_many (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new_priority (0, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (42);
  gint previous = G_MININT;
  guint i;

  for (i = 0; i < 2000; i++)
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, g_rand_int_range (rand, -500, 500));
      g_assert_true (aio_queue_put_nowait (queue, &value, &error));
      g_assert_no_error (error);
      g_value_unset (&value);

      /* Pop now and then, so pushes and pops interleave. */
      if (i % 3 == 2)
        {
          g_assert_true (aio_queue_get_nowait (queue, &value, &error));
          g_value_unset (&value);
        }
    }
  while (aio_queue_qsize (queue) > 0)
    {
      GValue value = G_VALUE_INIT;

      g_assert_true (aio_queue_get_nowait (queue, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_value_get_int (&value), >=, previous);
      previous = g_value_get_int (&value);
      g_value_unset (&value);
    }
  g_rand_free (rand);
}

/* The default priority order across number types, then strings. */

static void
test_queue_priority_default (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new_priority (0, NULL, NULL, NULL);
  GValue value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(AioFuture) refused = NULL;
  const char *expected[] = { "-3", "0.5", "2", "7", "18446744073709551615", "apple", "pear" };
  guint i;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, "pear");
  g_assert_true (aio_queue_put_nowait (queue, &value, &error));
  g_value_set_string (&value, "apple");
  g_assert_true (aio_queue_put_nowait (queue, &value, &error));
  g_value_unset (&value);
  g_value_init (&value, G_TYPE_UINT64);
  g_value_set_uint64 (&value, G_MAXUINT64);
  g_assert_true (aio_queue_put_nowait (queue, &value, &error));
  g_value_unset (&value);
  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, -3);
  g_assert_true (aio_queue_put_nowait (queue, &value, &error));
  g_value_unset (&value);
  g_value_init (&value, G_TYPE_DOUBLE);
  g_value_set_double (&value, 0.5);
  g_assert_true (aio_queue_put_nowait (queue, &value, &error));
  g_value_unset (&value);
  g_value_init (&value, G_TYPE_UINT);
  g_value_set_uint (&value, 7);
  g_assert_true (aio_queue_put_nowait (queue, &value, &error));
  g_value_unset (&value);
  put_int_nowait (queue, 2);
  g_assert_no_error (error);

  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GValue out = G_VALUE_INIT;
      GValue as_string = G_VALUE_INIT;

      g_assert_true (aio_queue_get_nowait (queue, &out, &error));
      g_value_init (&as_string, G_TYPE_STRING);
      if (G_VALUE_HOLDS_DOUBLE (&out))
        g_value_take_string (&as_string, g_strdup_printf ("%g", g_value_get_double (&out)));
      else
        g_assert_true (g_value_transform (&out, &as_string));
      g_assert_cmpstr (g_value_get_string (&as_string), ==, expected[i]);
      g_value_unset (&as_string);
      g_value_unset (&out);
    }

  /* Objects have no default order. */
  g_value_init (&value, G_TYPE_OBJECT);
  g_value_set_object (&value, object);
  g_assert_false (aio_queue_put_nowait (queue, &value, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  g_value_unset (&value);
  g_clear_error (&error);
  refused = aio_queue_put_object (queue, object);
  g_assert_false (aio_future_propagate (refused, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (object->ref_count, ==, 1);
  g_assert_cmpuint (aio_queue_qsize (queue), ==, 0);
  aio_test_drain (NULL);
}

/* A custom order, stable among equals: objects by a "rank" key. */

static gint
by_rank (const GValue *a,
         const GValue *b,
         gpointer      user_data)
{
  guint *calls = user_data;
  gint ra = GPOINTER_TO_INT (g_object_get_data (g_value_get_object (a), "rank"));
  gint rb = GPOINTER_TO_INT (g_object_get_data (g_value_get_object (b), "rank"));

  (*calls)++;
  return ra - rb;
}

static void
count_destroy (gpointer data)
{
  *(guint *) data += 1000;
}

static void
test_queue_priority_custom (void)
{
  guint calls = 0;
  AioQueue *queue = aio_queue_new_priority (0, by_rank, &calls, count_destroy);
  const gint ranks[] = { 3, 1, 2, 1, 3, 2 };
  GObject *objects[6];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ranks); i++)
    {
      AioFuture *put;

      objects[i] = g_object_new (G_TYPE_OBJECT, NULL);
      g_object_set_data (objects[i], "rank", GINT_TO_POINTER (ranks[i]));
      put = aio_queue_put_object (queue, objects[i]);
      g_assert_true (aio_future_propagate (put, NULL));
      g_object_unref (put);
    }
  /* Equal ranks keep the order they were put in. */
  {
    const guint expected[] = { 1, 3, 2, 5, 0, 4 };

    for (i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        GValue out = G_VALUE_INIT;

        g_assert_true (aio_queue_get_nowait (queue, &out, NULL));
        g_assert_true (g_value_get_object (&out) == objects[expected[i]]);
        g_value_unset (&out);
      }
  }
  g_assert_cmpuint (calls, >, 0);
  g_object_unref (queue);
  aio_test_drain (NULL);
  g_assert_cmpuint (calls, >=, 1000);
  for (i = 0; i < G_N_ELEMENTS (objects); i++)
    {
      g_assert_cmpuint (G_OBJECT (objects[i])->ref_count, ==, 1);
      g_object_unref (objects[i]);
    }
}

static void
test_queue_nowait_errors (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (2);
  GValue value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (aio_queue_get_maxsize (queue), ==, 2);
  g_assert_false (aio_queue_get_nowait (queue, &value, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_QUEUE_EMPTY);
  g_assert_false (G_IS_VALUE (&value));
  g_clear_error (&error);

  put_int_nowait (queue, 1);
  put_int_nowait (queue, 2);
  g_assert_true (aio_queue_full (queue));
  g_value_init (&value, G_TYPE_INT);
  g_assert_false (aio_queue_put_nowait (queue, &value, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_QUEUE_FULL);
  g_value_unset (&value);
  g_assert_cmpuint (aio_queue_qsize (queue), ==, 2);
}

/* Items of every kind go through unchanged, and the queue frees what it
 * owns.
 */

static void
test_queue_item_types (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (0);
  g_autoptr(GObject) object = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("abc", 3);
  int marker;
  GValue boxed = G_VALUE_INIT;
  AioFuture *puts[6];
  g_autoptr(GError) error = NULL;
  g_autoptr(AioFuture) get = NULL;
  char *string;
  gpointer got;
  guint i;

  g_value_init (&boxed, G_TYPE_BYTES);
  g_value_set_boxed (&boxed, bytes);
  puts[0] = aio_queue_put_int64 (queue, G_MININT64);
  puts[1] = aio_queue_put_double (queue, -2.5);
  puts[2] = aio_queue_put_string (queue, "text");
  puts[3] = aio_queue_put_object (queue, object);
  puts[4] = aio_queue_put_pointer (queue, &marker);
  puts[5] = aio_queue_put (queue, &boxed);
  g_value_unset (&boxed);
  for (i = 0; i < G_N_ELEMENTS (puts); i++)
    {
      g_assert_true (aio_future_propagate (puts[i], NULL));
      g_object_unref (puts[i]);
    }

  get = aio_queue_get (queue);
  g_assert_cmpint (aio_future_get_int64 (get, NULL), ==, G_MININT64);
  g_clear_object (&get);
  get = aio_queue_get (queue);
  g_assert_cmpfloat (aio_future_get_double (get, NULL), ==, -2.5);
  g_clear_object (&get);
  get = aio_queue_get (queue);
  string = aio_future_dup_string (get, &error);
  g_assert_cmpstr (string, ==, "text");
  g_free (string);
  g_clear_object (&get);
  get = aio_queue_get (queue);
  g_assert_true (aio_future_get_object (get, NULL) == object);
  g_clear_object (&get);
  get = aio_queue_get (queue);
  got = aio_future_get_pointer (get, NULL);
  g_assert_true (got == &marker);
  g_clear_object (&get);
  get = aio_queue_get (queue);
  g_assert_true (g_bytes_equal (aio_future_get_boxed (get, NULL), bytes));
  g_clear_object (&get);

  /* Left in a queue that goes away: freed with it. */
  get = aio_queue_put_object (queue, object);
  g_clear_object (&get);
  g_assert_cmpuint (object->ref_count, ==, 2);
  g_clear_object (&queue);
  g_assert_cmpuint (object->ref_count, ==, 1);
  aio_test_drain (NULL);
}

/* One producer and one consumer through a small queue: every item
 * arrives, in order, and the producer waits when the queue is full.
 */

typedef struct
{
  AioQueue *queue;
  gint      count;
  guint     max_size_seen;
  guint     waits;
} Pipe;

static void
producer_body (AioTask  *task,
               gpointer  user_data)
{
  Pipe *p = user_data;
  GError *error = NULL;
  gint i;

  for (i = 0; i < p->count; i++)
    {
      AioFuture *put = aio_queue_put_int (p->queue, i);

      if (!aio_future_done (put))
        p->waits++;
      g_assert_true (aio_await (put, &error));
      p->max_size_seen = MAX (p->max_size_seen, aio_queue_qsize (p->queue));
    }
}

static void
consumer_body (AioTask  *task,
               gpointer  user_data)
{
  Pipe *p = user_data;
  GError *error = NULL;
  gint i;

  for (i = 0; i < p->count; i++)
    {
      gint item = aio_await_int (aio_queue_get (p->queue), &error);

      g_assert_no_error (error);
      g_assert_cmpint (item, ==, i);
      g_assert_true (aio_queue_task_done (p->queue, &error));
    }
}

static void
test_queue_backpressure (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (4);
  Pipe p = { queue, 1000, 0, 0 };
  g_autoptr(AioTask) consumer = aio_task_new (consumer_body, &p, NULL);
  g_autoptr(AioTask) producer = aio_task_new (producer_body, &p, NULL);
  g_autoptr(AioFuture) join = NULL;

  g_assert_true (aio_test_run_future (AIO_FUTURE (producer), NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (consumer), NULL));
  g_assert_cmpuint (p.max_size_seen, <=, 4);
  g_assert_cmpuint (p.waits, >, 0);
  join = aio_queue_join (queue);
  g_assert_true (aio_future_done (join));
}

/* task_done() and join(). */

static void
joiner_body (AioTask  *task,
             gpointer  user_data)
{
  GError *error = NULL;

  if (!aio_await (aio_queue_join (user_data), &error))
    aio_task_return_error (task, error);
}

static void
test_queue_join (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (0);
  g_autoptr(AioTask) joiner = NULL;
  g_autoptr(AioTask) cancelled_joiner = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_queue_task_done (queue, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  put_int_nowait (queue, 1);
  put_int_nowait (queue, 2);
  joiner = aio_task_new (joiner_body, queue, NULL);
  cancelled_joiner = aio_task_new (joiner_body, queue, NULL);
  aio_test_drain (NULL);
  aio_task_cancel (cancelled_joiner, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (cancelled_joiner), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  get_int_nowait (queue);
  get_int_nowait (queue);
  g_assert_true (aio_queue_task_done (queue, NULL));
  aio_test_drain (NULL);
  g_assert_false (aio_future_done (AIO_FUTURE (joiner)));
  g_assert_true (aio_queue_task_done (queue, NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (joiner), NULL));
  g_assert_cmpint (aio_future_get_value_type (AIO_FUTURE (joiner)), ==, G_TYPE_INVALID);
}

/* Cancelling a get: while it waits, before it waits, after an item was
 * handed to it.  Nothing is lost.
 */

static void
getter_body (AioTask  *task,
             gpointer  user_data)
{
  GError *error = NULL;
  gint item = aio_await_int (aio_queue_get (user_data), &error);

  if (error != NULL)
    aio_task_return_error (task, error);
  else
    aio_task_return_int (task, item);
}

static void
cancel_self_then_get (AioTask  *task,
                      gpointer  user_data)
{
  aio_task_cancel (task, NULL);
  getter_body (task, user_data);
}

static void
test_queue_cancel_get (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (0);
  g_autoptr(AioTask) waiting = aio_task_new (getter_body, queue, NULL);
  g_autoptr(AioTask) before = aio_task_new (cancel_self_then_get, queue, NULL);
  g_autoptr(AioTask) survivor = aio_task_new (getter_body, queue, NULL);
  g_autoptr(GError) error = NULL;

  aio_test_drain (NULL);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (before)));
  aio_task_cancel (waiting, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (waiting), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The only getter left gets the item. */
  put_int_nowait (queue, 42);
  g_assert_true (aio_test_run_future (AIO_FUTURE (survivor), NULL));
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (survivor), NULL), ==, 42);
  g_assert_true (aio_queue_empty (queue));
}

static void
put_then_cancel (AioTask  *task,
                 gpointer  user_data)
{
  AioQueue *queue = user_data;
  AioTask *victim = g_object_get_data (G_OBJECT (task), "victim");
  GError *error = NULL;

  /* Handed straight to the waiting victim... */
  g_assert_true (aio_await (aio_queue_put_int (queue, 7), &error));
  g_assert_true (aio_queue_empty (queue));
  /* ...which is cancelled before it can resume. */
  aio_task_cancel (victim, NULL);
}

static void
test_queue_cancel_get_after_handoff (void)
{
  AioQueueKind kinds[] = { AIO_QUEUE_FIFO, AIO_QUEUE_LIFO, AIO_QUEUE_PRIORITY };
  guint k;

  for (k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(AioQueue) queue = g_object_new (AIO_TYPE_QUEUE, "kind", kinds[k], NULL);
      g_autoptr(AioTask) victim = aio_task_new (getter_body, queue, NULL);
      g_autoptr(AioTask) putter = NULL;
      g_autoptr(AioTask) next = NULL;
      g_autoptr(GError) error = NULL;

      aio_test_drain (NULL);
      putter = aio_task_new (put_then_cancel, queue, NULL);
      g_object_set_data (G_OBJECT (putter), "victim", victim);
      g_assert_true (aio_test_run_future (AIO_FUTURE (putter), NULL));
      g_assert_false (aio_test_run_future (AIO_FUTURE (victim), &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      /* The item is back, ahead of anything put later. */
      g_assert_cmpuint (aio_queue_qsize (queue), ==, 1);
      if (kinds[k] == AIO_QUEUE_FIFO)
        put_int_nowait (queue, 8);
      next = aio_task_new (getter_body, queue, NULL);
      g_assert_true (aio_test_run_future (AIO_FUTURE (next), NULL));
      g_assert_cmpint (aio_future_get_int (AIO_FUTURE (next), NULL), ==, 7);
      if (kinds[k] == AIO_QUEUE_FIFO)
        g_assert_cmpint (get_int_nowait (queue), ==, 8);
      g_assert_true (aio_queue_empty (queue));
    }
}

/* Handed over, then given back while another getter waits: it goes to
 * that getter.
 */
static void
test_queue_cancel_get_passes_on (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (0);
  g_autoptr(AioFuture) first = aio_queue_get (queue);
  g_autoptr(AioFuture) second = aio_queue_get (queue);

  put_int_nowait (queue, 5);
  g_assert_true (aio_future_done (first));
  g_assert_false (aio_future_done (second));
  g_assert_false (aio_future_cancel (first, NULL));
  g_assert_true (aio_future_done (second));
  g_assert_cmpint (aio_future_get_int (second, NULL), ==, 5);
  /* Given back once: the emptied future has nothing more to give. */
  g_assert_false (aio_future_cancel (first, NULL));
  g_assert_true (aio_queue_empty (queue));
  aio_test_drain (NULL);
}

/* A stackless task cancelled in its own step, whose get succeeded at
 * once: the core hands it a cancellation instead, so the item must stay
 * in the queue.
 */

static AioFuture *
get_cancelled_in_step (AioTask   *task,
                       AioFuture *awaited,
                       gpointer   user_data)
{
  if (awaited == NULL)
    {
      aio_task_cancel (task, NULL);
      return aio_queue_get (user_data);
    }
  aio_task_return_error (task, aio_future_dup_error (awaited));
  return NULL;
}

static void
test_queue_stackless_cancelled_at_done (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new_priority (0, NULL, NULL, NULL);
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  put_int_nowait (queue, 2);
  put_int_nowait (queue, 1);
  put_int_nowait (queue, 1);
  task = aio_task_new_stackless (NULL, NULL, get_cancelled_in_step, queue, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (aio_queue_qsize (queue), ==, 3);
  g_assert_cmpint (get_int_nowait (queue), ==, 1);
  g_assert_cmpint (get_int_nowait (queue), ==, 1);
  g_assert_cmpint (get_int_nowait (queue), ==, 2);
}

/* Cancelling a put: while it waits for room, its item never goes in;
 * after it went in, it comes out again unless a getter has it already.
 */

static void
putter_body (AioTask  *task,
             gpointer  user_data)
{
  AioQueue *queue = user_data;
  gint item = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "item"));
  GError *error = NULL;

  if (!aio_await (aio_queue_put_int (queue, item), &error))
    aio_task_return_error (task, error);
}

static void
cancel_self_then_put (AioTask  *task,
                      gpointer  user_data)
{
  aio_task_cancel (task, NULL);
  putter_body (task, user_data);
}

static void
test_queue_cancel_put (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (1);
  g_autoptr(AioTask) waiting = NULL;
  g_autoptr(AioTask) next = NULL;
  g_autoptr(GError) error = NULL;

  put_int_nowait (queue, 1);
  waiting = aio_task_new (putter_body, queue, NULL);
  g_object_set_data (G_OBJECT (waiting), "item", GINT_TO_POINTER (2));
  next = aio_task_new (putter_body, queue, NULL);
  g_object_set_data (G_OBJECT (next), "item", GINT_TO_POINTER (3));
  aio_test_drain (NULL);

  aio_task_cancel (waiting, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (waiting), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Cancelled before it awaits its put: nothing goes in either. */
  {
    g_autoptr(AioTask) before = aio_task_new (cancel_self_then_put, queue, NULL);

    g_object_set_data (G_OBJECT (before), "item", GINT_TO_POINTER (4));
    g_assert_false (aio_test_run_future (AIO_FUTURE (before), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  g_assert_cmpint (get_int_nowait (queue), ==, 1);
  g_assert_true (aio_test_run_future (AIO_FUTURE (next), NULL));
  g_assert_cmpint (get_int_nowait (queue), ==, 3);
  g_assert_true (aio_queue_empty (queue));
  /* Two items were really put. */
  g_assert_true (aio_queue_task_done (queue, NULL));
  g_assert_true (aio_queue_task_done (queue, NULL));
  g_assert_false (aio_queue_task_done (queue, NULL));
}

static void
get_then_cancel (AioTask  *task,
                 gpointer  user_data)
{
  AioQueue *queue = user_data;
  AioTask *victim = g_object_get_data (G_OBJECT (task), "victim");
  GError *error = NULL;

  /* Makes room: the victim's item goes in... */
  g_assert_cmpint (aio_await_int (aio_queue_get (queue), &error), ==, 1);
  g_assert_cmpuint (aio_queue_qsize (queue), ==, 1);
  /* ...and the victim is cancelled before it resumes. */
  aio_task_cancel (victim, NULL);
}

static void
test_queue_cancel_put_after_admit (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (1);
  g_autoptr(AioTask) victim = NULL;
  g_autoptr(AioTask) other = NULL;
  g_autoptr(AioTask) getter = NULL;
  g_autoptr(GError) error = NULL;

  put_int_nowait (queue, 1);
  victim = aio_task_new (putter_body, queue, NULL);
  g_object_set_data (G_OBJECT (victim), "item", GINT_TO_POINTER (2));
  other = aio_task_new (putter_body, queue, NULL);
  g_object_set_data (G_OBJECT (other), "item", GINT_TO_POINTER (3));
  aio_test_drain (NULL);

  getter = aio_task_new (get_then_cancel, queue, NULL);
  g_object_set_data (G_OBJECT (getter), "victim", victim);
  g_assert_true (aio_test_run_future (AIO_FUTURE (getter), NULL));
  g_assert_false (aio_test_run_future (AIO_FUTURE (victim), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The victim's item came out again and the other putter took the
   * room.
   */
  g_assert_true (aio_test_run_future (AIO_FUTURE (other), NULL));
  g_assert_cmpuint (aio_queue_qsize (queue), ==, 1);
  g_assert_cmpint (get_int_nowait (queue), ==, 3);
  g_assert_true (aio_queue_task_done (queue, NULL));
  g_assert_true (aio_queue_task_done (queue, NULL));
  g_assert_false (aio_queue_task_done (queue, NULL));
}

/* In a priority queue the cancelled putter's item sits inside the heap
 * (not at its top nor at its end) when it is taken out again.
 */

static void
get_smallest_then_cancel (AioTask  *task,
                          gpointer  user_data)
{
  AioQueue *queue = user_data;
  AioTask *victim = g_object_get_data (G_OBJECT (task), "victim");
  GError *error = NULL;

  g_assert_cmpint (aio_await_int (aio_queue_get (queue), &error), ==, 10);
  aio_task_cancel (victim, NULL);
}

static void
test_queue_priority_cancel_put_after_admit (void)
{
  static const gint expected[] = { 20, 30, 35, 40, 50, 60, 70 };
  g_autoptr(AioQueue) queue = aio_queue_new_priority (7, NULL, NULL, NULL);
  g_autoptr(AioTask) victim = NULL;
  g_autoptr(AioTask) other = NULL;
  g_autoptr(AioTask) getter = NULL;
  g_autoptr(GError) error = NULL;
  gint item;
  guint i;

  for (item = 10; item <= 70; item += 10)
    put_int_nowait (queue, item);
  victim = aio_task_new (putter_body, queue, NULL);
  g_object_set_data (G_OBJECT (victim), "item", GINT_TO_POINTER (25));
  other = aio_task_new (putter_body, queue, NULL);
  g_object_set_data (G_OBJECT (other), "item", GINT_TO_POINTER (35));
  aio_test_drain (NULL);

  getter = aio_task_new (get_smallest_then_cancel, queue, NULL);
  g_object_set_data (G_OBJECT (getter), "victim", victim);
  g_assert_true (aio_test_run_future (AIO_FUTURE (getter), NULL));
  g_assert_false (aio_test_run_future (AIO_FUTURE (victim), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (aio_test_run_future (AIO_FUTURE (other), NULL));

  g_assert_cmpuint (aio_queue_qsize (queue), ==, G_N_ELEMENTS (expected));
  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (get_int_nowait (queue), ==, expected[i]);
}

/* Shutdown with blocked getters and putters. */

static void
test_queue_shutdown (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (1);
  g_autoptr(AioQueue) empty = aio_queue_new (0);
  g_autoptr(AioTask) blocked_put = NULL;
  g_autoptr(AioTask) blocked_get = aio_task_new (getter_body, empty, NULL);
  g_autoptr(AioTask) joiner = NULL;
  g_autoptr(AioFuture) late = NULL;
  GValue value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  put_int_nowait (queue, 1);
  blocked_put = aio_task_new (putter_body, queue, NULL);
  g_object_set_data (G_OBJECT (blocked_put), "item", GINT_TO_POINTER (2));
  aio_test_drain (NULL);

  aio_queue_shutdown (queue, FALSE);
  aio_queue_shutdown (empty, FALSE);
  g_assert_true (aio_queue_is_shut_down (queue));
  g_assert_false (aio_test_run_future (AIO_FUTURE (blocked_put), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_QUEUE_SHUT_DOWN);
  g_clear_error (&error);
  g_assert_false (aio_test_run_future (AIO_FUTURE (blocked_get), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_QUEUE_SHUT_DOWN);
  g_clear_error (&error);

  /* Puts fail; the item already in can still be taken, then gets fail. */
  late = aio_queue_put_int (queue, 3);
  g_assert_false (aio_future_propagate (late, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_QUEUE_SHUT_DOWN);
  g_clear_error (&error);
  g_value_init (&value, G_TYPE_INT);
  g_assert_false (aio_queue_put_nowait (queue, &value, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_QUEUE_SHUT_DOWN);
  g_clear_error (&error);
  g_value_unset (&value);
  g_assert_cmpint (get_int_nowait (queue), ==, 1);
  g_assert_false (aio_queue_get_nowait (queue, &value, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_QUEUE_SHUT_DOWN);
  g_clear_error (&error);
  g_clear_object (&late);
  late = aio_queue_get (queue);
  g_assert_false (aio_future_propagate (late, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_QUEUE_SHUT_DOWN);
  g_clear_error (&error);

  /* join() still waits for the item taken out. */
  joiner = aio_task_new (joiner_body, queue, NULL);
  aio_test_drain (NULL);
  g_assert_false (aio_future_done (AIO_FUTURE (joiner)));
  g_assert_true (aio_queue_task_done (queue, NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (joiner), NULL));
}

static void
test_queue_shutdown_immediate (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (2);
  g_autoptr(GObject) object = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(AioTask) blocked_put = NULL;
  g_autoptr(AioTask) joiner = NULL;
  g_autoptr(AioFuture) put = NULL;
  GValue value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  put = aio_queue_put_object (queue, object);
  g_clear_object (&put);
  put_int_nowait (queue, 2);
  blocked_put = aio_task_new (putter_body, queue, NULL);
  joiner = aio_task_new (joiner_body, queue, NULL);
  aio_test_drain (NULL);
  g_assert_cmpuint (object->ref_count, ==, 2);

  aio_queue_shutdown (queue, TRUE);
  /* The items are dropped and count as done, which releases join(). */
  g_assert_cmpuint (object->ref_count, ==, 1);
  g_assert_true (aio_queue_empty (queue));
  g_assert_true (aio_test_run_future (AIO_FUTURE (joiner), NULL));
  g_assert_false (aio_test_run_future (AIO_FUTURE (blocked_put), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_QUEUE_SHUT_DOWN);
  g_clear_error (&error);
  g_assert_false (aio_queue_get_nowait (queue, &value, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_QUEUE_SHUT_DOWN);
  g_assert_false (aio_queue_task_done (queue, NULL));
}

/* Ten thousand getters, some cancelled, served in order. */

#define MANY 10000

typedef struct
{
  GArray *order;
  guint   index;
} Record;

static void
record_item (AioFuture *future,
             gpointer   user_data)
{
  Record *r = user_data;
  gint item;

  if (aio_future_cancelled (future))
    return;
  item = aio_future_get_int (future, NULL);
  g_assert_cmpint (item, ==, (gint) r->index);
  g_array_append_val (r->order, r->index);
}

static void
test_queue_many_getters (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (0);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  AioFuture **futures = g_new (AioFuture *, MANY);
  Record *records = g_new (Record, MANY);
  guint i, live = 0;

  for (i = 0; i < MANY; i++)
    {
      records[i] = (Record) { order, i };
      futures[i] = aio_queue_get (queue);
      aio_future_add_done_callback (futures[i], record_item, &records[i], NULL);
    }
  for (i = 0; i < MANY; i += 5)
    aio_future_cancel (futures[i], NULL);
  /* The items carry the index of the getter that should get them. */
  for (i = 0; i < MANY; i++)
    if (i % 5 != 0)
      {
        put_int_nowait (queue, (gint) i);
        live++;
      }
  aio_test_drain (NULL);
  g_assert_cmpuint (order->len, ==, live);
  g_assert_true (aio_queue_empty (queue));

  for (i = 0; i < MANY; i++)
    g_object_unref (futures[i]);
  g_free (futures);
  g_free (records);
}

/* A queue used on a non-default context. */

static void
test_queue_other_context (void)
{
  GMainContext *context = g_main_context_new ();
  AioQueue *queue = aio_queue_new (2);
  Pipe p = { queue, 50, 0, 0 };
  AioTask *consumer, *producer;

  g_main_context_push_thread_default (context);
  consumer = aio_task_new (consumer_body, &p, NULL);
  producer = aio_task_new (producer_body, &p, NULL);
  g_assert_true (aio_loop_run_until_complete (aio_loop_get_for_context (context),
                                              AIO_FUTURE (consumer), NULL));
  g_assert_true (aio_future_done (AIO_FUTURE (producer)));
  g_assert_cmpuint (p.waits, >, 0);
  aio_test_drain (context);
  g_main_context_pop_thread_default (context);

  g_object_unref (consumer);
  g_object_unref (producer);
  g_object_unref (queue);
  aio_test_drain (context);
  g_main_context_unref (context);
}

/* Another thread gets AIO_ERROR_WRONG_THREAD. */

static gpointer
wrong_thread_func (gpointer data)
{
  AioQueue *queue = data;
  GValue value = G_VALUE_INIT;
  GError *error = NULL;

  g_value_init (&value, G_TYPE_INT);
  g_assert_false (aio_queue_put_nowait (queue, &value, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_clear_error (&error);
  g_value_unset (&value);
  g_assert_false (aio_queue_get_nowait (queue, &value, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_clear_error (&error);
  g_assert_false (aio_queue_task_done (queue, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_clear_error (&error);
  return NULL;
}

static void
test_queue_wrong_thread (void)
{
  g_autoptr(AioQueue) queue = aio_queue_new (0);

  put_int_nowait (queue, 1);
  g_thread_join (g_thread_new ("wrong", wrong_thread_func, queue));
  g_assert_cmpint (get_int_nowait (queue), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/queue/orders", test_queue_orders);
  aio_test_add_func ("/aio/queue/priority-default", test_queue_priority_default);
  aio_test_add_func ("/aio/queue/priority-many", test_queue_priority_many);
  aio_test_add_func ("/aio/queue/priority-custom", test_queue_priority_custom);
  aio_test_add_func ("/aio/queue/nowait-errors", test_queue_nowait_errors);
  aio_test_add_func ("/aio/queue/item-types", test_queue_item_types);
  aio_test_add_func ("/aio/queue/backpressure", test_queue_backpressure);
  aio_test_add_func ("/aio/queue/join", test_queue_join);
  aio_test_add_func ("/aio/queue/cancel-get", test_queue_cancel_get);
  aio_test_add_func ("/aio/queue/cancel-get-after-handoff", test_queue_cancel_get_after_handoff);
  aio_test_add_func ("/aio/queue/cancel-get-passes-on", test_queue_cancel_get_passes_on);
  aio_test_add_func ("/aio/queue/stackless-cancelled-at-done", test_queue_stackless_cancelled_at_done);
  aio_test_add_func ("/aio/queue/cancel-put", test_queue_cancel_put);
  aio_test_add_func ("/aio/queue/cancel-put-after-admit", test_queue_cancel_put_after_admit);
  aio_test_add_func ("/aio/queue/priority-cancel-put-after-admit",
                     test_queue_priority_cancel_put_after_admit);
  aio_test_add_func ("/aio/queue/shutdown", test_queue_shutdown);
  aio_test_add_func ("/aio/queue/shutdown-immediate", test_queue_shutdown_immediate);
  aio_test_add_func ("/aio/queue/many-getters", test_queue_many_getters);
  aio_test_add_func ("/aio/queue/other-context", test_queue_other_context);
  aio_test_add_func ("/aio/queue/wrong-thread", test_queue_wrong_thread);

  return g_test_run ();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pins the GObject and GValue shortcuts of aio-gobject-private.h to the
 * GLib behaviour they rely on: a weak reference, a toggle reference, qdata
 * or a binding's wrapper (toggle reference plus qdata) on a future or a
 * task must be seen by the direct reference counting and keep the object
 * out of the recycling pools.
 */
#include "config.h"

#include "aio-future-private.h"
#include "aio-task-private.h"
#include "aio-test-utils.h"

typedef struct
{
  guint to_last;       /* toggle notifications: the toggle ref is the last one */
  guint from_last;     /* ... it no longer is */
  guint finalized;
  guint data_freed;
} Watch;

static void
toggled (gpointer  data,
         GObject  *object,
         gboolean  is_last_ref)
{
  Watch *watch = data;

  if (is_last_ref)
    watch->to_last++;
  else
    watch->from_last++;
}

static void
finalized (gpointer  data,
           GObject  *where_the_object_was)
{
  ((Watch *) data)->finalized++;
}

static void
data_freed (gpointer data)
{
  ((Watch *) data)->data_freed++;
}

static gint
ref_count (gpointer object)
{
  return g_atomic_int_get (&((GObject *) object)->ref_count);
}

static void
test_ref_with_toggle (void)
{
  Watch watch = { 0, };
  AioFuture *future = aio_future_new ();

  g_object_add_toggle_ref (G_OBJECT (future), toggled, &watch);
  g_object_weak_ref (G_OBJECT (future), finalized, &watch);
  g_object_unref (future);   /* only the toggle reference is left */
  g_assert_cmpint (ref_count (future), ==, 1);
  watch.to_last = 0;

  /* The library's own references tell the toggle reference, as
   * g_object_ref() and g_object_unref() do.
   */
  _aio_ref (future);
  g_assert_cmpuint (watch.from_last, ==, 1);
  _aio_unref_not_last (future);
  g_assert_cmpuint (watch.to_last, ==, 1);
  g_assert_cmpint (ref_count (future), ==, 1);

  g_object_remove_toggle_ref (G_OBJECT (future), toggled, &watch);
  g_assert_cmpuint (watch.finalized, ==, 1);
}

static void
count_callback (AioFuture *future,
                gpointer   data)
{
  (*(guint *) data)++;
}

static void
test_completion_with_toggle (void)
{
  Watch watch = { 0, };
  AioFuture *future = aio_future_new ();
  guint called = 0;

  g_object_add_toggle_ref (G_OBJECT (future), toggled, &watch);
  g_object_weak_ref (G_OBJECT (future), finalized, &watch);
  g_object_unref (future);
  watch.to_last = 0;

  /* Completing with a waiter takes a reference for the batch of
   * callbacks, and the batch drops it: both are seen.
   */
  aio_future_add_done_callback (future, count_callback, &called, NULL);
  g_assert_true (aio_future_set_int (future, 7, NULL));
  aio_test_drain (NULL);
  g_assert_cmpuint (called, ==, 1);
  g_assert_cmpuint (watch.from_last, >=, 1);
  g_assert_cmpuint (watch.from_last, ==, watch.to_last);
  g_assert_cmpint (ref_count (future), ==, 1);
  g_assert_cmpuint (watch.finalized, ==, 0);
  g_assert_cmpint (aio_future_get_int (future, NULL), ==, 7);

  g_object_remove_toggle_ref (G_OBJECT (future), toggled, &watch);
  g_assert_cmpuint (watch.finalized, ==, 1);
}

static void
test_weak_ref_not_recycled (void)
{
  Watch watch = { 0, };
  AioFuture *future = aio_future_new ();
  AioFuture *next;

  g_object_weak_ref (G_OBJECT (future), finalized, &watch);
  g_assert_true (aio_future_set_int (future, 1, NULL));

  /* The library dropping the last reference of an observed future
   * finalizes it: the weak reference hears of it, and the instance is not
   * handed out again with the reference still on it.
   */
  _aio_release (future);
  g_assert_cmpuint (watch.finalized, ==, 1);

  next = aio_future_new ();
  g_assert_true (_aio_object_is_unobserved (next));
  g_assert_cmpint (aio_future_get_state (next), ==, AIO_FUTURE_PENDING);
  g_object_unref (next);
}

static void
test_qdata_not_recycled (void)
{
  Watch watch = { 0, };
  AioFuture *future = aio_future_new ();

  g_object_set_data_full (G_OBJECT (future), "test-data", &watch, data_freed);
  g_assert_true (aio_future_set_int (future, 1, NULL));
  _aio_release (future);
  g_assert_cmpuint (watch.data_freed, ==, 1);
}

static void
test_gweakref_blocks_move (void)
{
  AioFuture *future = aio_future_new ();
  GValue value = G_VALUE_INIT;
  GWeakRef weak;
  AioFuture *again;

  g_assert_true (aio_future_set_string (future, "kept", NULL));
  g_weak_ref_init (&weak, future);

  /* One reference, but a weak reference can make another reader: the
   * value is copied out, not moved.
   */
  _aio_future_take_value (future, &value);
  g_assert_cmpstr (g_value_get_string (&value), ==, "kept");
  again = g_weak_ref_get (&weak);
  g_assert_true (again == future);
  g_assert_cmpstr (aio_future_get_string (again, NULL), ==, "kept");
  g_object_unref (again);

  g_value_unset (&value);
  g_weak_ref_clear (&weak);
  g_object_unref (future);
}

static void
return_42 (AioTask  *task,
           gpointer  data)
{
  aio_task_return_int (task, 42);
}

static void
test_task_with_wrapper (void)
{
  Watch watch = { 0, };
  AioTask *task = aio_task_new (return_42, NULL, NULL);

  /* What PyGObject and GJS leave on an object they wrap: a toggle
   * reference and qdata pointing back at the wrapper.
   */
  g_object_set_data_full (G_OBJECT (task), "test-wrapper", &watch, data_freed);
  g_object_add_toggle_ref (G_OBJECT (task), toggled, &watch);
  g_object_weak_ref (G_OBJECT (task), finalized, &watch);
  aio_task_set_name (task, "wrapped");
  g_object_unref (task);
  watch.to_last = watch.from_last = 0;

  /* The loop holds the task while it runs, and lets go when it is done:
   * the wrapper hears it is the last holder, and the task is not reset.
   */
  while (!aio_future_done (AIO_FUTURE (task)))
    g_main_context_iteration (NULL, TRUE);
  aio_test_drain (NULL);
  g_assert_cmpuint (watch.to_last, >=, 1);
  g_assert_cmpuint (watch.to_last, ==, watch.from_last + 1);
  g_assert_cmpint (ref_count (task), ==, 1);
  g_assert_cmpuint (watch.finalized, ==, 0);
  g_assert_cmpuint (watch.data_freed, ==, 0);
  g_assert_cmpstr (aio_task_get_name (task), ==, "wrapped");
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 42);

  g_object_remove_toggle_ref (G_OBJECT (task), toggled, &watch);
  g_assert_cmpuint (watch.finalized, ==, 1);
  g_assert_cmpuint (watch.data_freed, ==, 1);
}

static void
test_recycled_future_is_fresh (void)
{
  AioFuture *future = aio_future_new ();
  AioFuture *next;

  g_assert_true (aio_future_set_string (future, "old", NULL));
  _aio_release (future);

  next = aio_future_new ();
  /* With recycling on (not under AIO_DEBUG=no-recycle), the pool hands
   * the same instance back, reset.
   */
  if (_aio_recycling)
    g_assert_true (next == future);
  g_assert_cmpint (ref_count (next), ==, 1);
  g_assert_true (_aio_object_is_unobserved (next));
  g_assert_cmpint (aio_future_get_state (next), ==, AIO_FUTURE_PENDING);
  g_assert_cmpint (aio_future_get_value_type (next), ==, G_TYPE_INVALID);
  g_object_unref (next);
}

static void
test_value_shortcuts (void)
{
  GValue fast = G_VALUE_INIT, slow = G_VALUE_INIT, copy = G_VALUE_INIT;

  /* Each setter leaves the value g_value_init() and the setter would. */
#define CHECK_SETTER(name, gtype, v)                            \
  G_STMT_START {                                                \
    _aio_value_set_##name (&fast, v);                           \
    g_value_init (&slow, gtype);                                \
    g_value_set_##name (&slow, v);                              \
    g_assert_true (_aio_value_is_scalar (&fast));               \
    g_assert_cmpmem (&fast, sizeof fast, &slow, sizeof slow);   \
    _aio_value_copy (&fast, &copy);                             \
    g_assert_cmpmem (&copy, sizeof copy, &slow, sizeof slow);   \
    _aio_value_clear (&fast);                                   \
    _aio_value_clear (&copy);                                   \
    g_value_unset (&slow);                                      \
    g_assert_cmpint (G_VALUE_TYPE (&fast), ==, G_TYPE_INVALID); \
  } G_STMT_END
  CHECK_SETTER (boolean, G_TYPE_BOOLEAN, TRUE);
  CHECK_SETTER (int, G_TYPE_INT, -5);
  CHECK_SETTER (int64, G_TYPE_INT64, G_MININT64);
  CHECK_SETTER (uint64, G_TYPE_UINT64, G_MAXUINT64);
  CHECK_SETTER (double, G_TYPE_DOUBLE, 2.5);
  CHECK_SETTER (pointer, G_TYPE_POINTER, &fast);
#undef CHECK_SETTER

  /* Other types go through their value tables. */
  g_value_init (&slow, G_TYPE_STRING);
  g_value_set_string (&slow, "text");
  g_assert_false (_aio_value_is_scalar (&slow));
  _aio_value_copy (&slow, &copy);
  g_assert_cmpstr (g_value_get_string (&copy), ==, "text");
  g_assert_true (g_value_get_string (&copy) != g_value_get_string (&slow));
  _aio_value_clear (&copy);
  g_assert_cmpint (G_VALUE_TYPE (&copy), ==, G_TYPE_INVALID);
  g_value_unset (&slow);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/gobject/ref-with-toggle", test_ref_with_toggle);
  aio_test_add_func ("/aio/gobject/completion-with-toggle", test_completion_with_toggle);
  aio_test_add_func ("/aio/gobject/weak-ref-not-recycled", test_weak_ref_not_recycled);
  aio_test_add_func ("/aio/gobject/qdata-not-recycled", test_qdata_not_recycled);
  aio_test_add_func ("/aio/gobject/gweakref-blocks-move", test_gweakref_blocks_move);
  aio_test_add_func ("/aio/gobject/task-with-wrapper", test_task_with_wrapper);
  aio_test_add_func ("/aio/gobject/recycled-future-is-fresh", test_recycled_future_is_fresh);
  aio_test_add_func ("/aio/gobject/value-shortcuts", test_value_shortcuts);

  return g_test_run ();
}

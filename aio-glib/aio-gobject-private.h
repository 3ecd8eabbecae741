/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string.h>

#include <glib-object.h>

G_BEGIN_DECLS

/* Every place where aio-glib goes past GObject's and GValue's API for
 * speed, with the GLib behaviour each one relies on.  Checked against
 * GLib 2.74 (Debian 12) by reading gobject/gobject.c and gvaluetypes.c,
 * and pinned by tests/c/test-gobject-shortcuts.c, which fails if a weak
 * reference, a toggle reference, qdata or a binding's wrapper on a future
 * or a task is mishandled by the code below or by the recycling pools.
 *
 * What they all rest on: in GLib 2.74 everything that can observe an
 * instance from outside lives in its qdata list.  Weak references
 * (g_object_weak_ref(), GWeakRef), toggle references (a qdata entry plus
 * the OBJECT_HAS_TOGGLE_REF flag in the list pointer's low bits), the
 * wrappers of PyGObject and GJS (toggle references and qdata) and
 * g_object_set_data() all make object->qdata non-NULL, and nothing clears
 * it before finalization.  So an instance whose qdata is NULL has no
 * toggle reference to notify and nobody but its reference holders can
 * know about it.  Signal handlers are not in qdata: the pools clear them
 * (tasks), or the type has none that can fire (plain futures).
 */

/* Whether nothing outside its reference holders can observe @object. */
static inline gboolean
_aio_object_is_unobserved (gconstpointer object)
{
  return ((const GObject *) object)->qdata == NULL;
}

/* Whether the caller's reference is the only way to reach @object: its
 * count is one and nothing observes it.  A recycling pool may then reset
 * the instance and hand it out again instead of finalizing it.
 */
static inline gboolean
_aio_object_is_sole_reference (gconstpointer object)
{
  const GObject *o = object;

  return g_atomic_int_get (&o->ref_count) == 1 && o->qdata == NULL;
}

/* g_object_ref() for the library's own bookkeeping.  g_object_ref() only
 * does more than an atomic increment when a toggle reference is there to
 * be told the count left 1 (and, under G_ENABLE_DEBUG, for tracing), and
 * a toggle reference means qdata.  Drop it with _aio_unref_not_last(), or
 * with the releases of the pools (_aio_release()).
 */
static inline gpointer
_aio_ref (gpointer instance)
{
  GObject *object = instance;

  if (G_LIKELY (_aio_object_is_unobserved (object)))
    g_atomic_int_inc (&object->ref_count);
  else
    g_object_ref (object);
  return instance;
}

/* g_object_unref(), short-cut when the reference is not the last one and
 * nothing observes the instance: then g_object_unref() only decrements
 * (it notifies a toggle reference when the count reaches 1, and disposes
 * when it reaches 0).  The compare-and-exchange keeps a racing last
 * unref on another thread on the slow, complete path.
 */
static inline void
_aio_unref_not_last (gpointer instance)
{
  GObject *object = instance;
  gint count = g_atomic_int_get (&object->ref_count);

  if (G_LIKELY (_aio_object_is_unobserved (object) && count > 1 &&
                g_atomic_int_compare_and_exchange (&object->ref_count, count, count - 1)))
    return;
  g_object_unref (object);
}

/* GValue shortcuts for the fundamental scalar types.  Their value tables
 * (gvaluetypes.c) store the value in data[0] and have no free function,
 * so a value of these types is its g_type and data[0], and clearing it is
 * zero-filling it: the hot paths skip the type table lookups of
 * g_value_init(), g_value_unset() and g_value_copy().  @value must be
 * zero-filled (G_VALUE_INIT) before a setter.
 */
#define AIO_VALUE_SETTER(name, gtype, field, ctype)                      \
  static inline void                                                    \
  _aio_value_set_##name (GValue *value, ctype v)                        \
  {                                                                     \
    value->g_type = gtype;                                              \
    value->data[0].field = v;                                           \
  }
AIO_VALUE_SETTER (boolean, G_TYPE_BOOLEAN, v_int, gboolean)
AIO_VALUE_SETTER (int, G_TYPE_INT, v_int, gint)
AIO_VALUE_SETTER (int64, G_TYPE_INT64, v_int64, gint64)
AIO_VALUE_SETTER (uint64, G_TYPE_UINT64, v_uint64, guint64)
AIO_VALUE_SETTER (double, G_TYPE_DOUBLE, v_double, gdouble)
AIO_VALUE_SETTER (pointer, G_TYPE_POINTER, v_pointer, gpointer)
#undef AIO_VALUE_SETTER

/* Whether @value is unset or of one of the types above. */
static inline gboolean
_aio_value_is_scalar (const GValue *value)
{
  switch (value->g_type)
    {
    case G_TYPE_INVALID:
    case G_TYPE_BOOLEAN:
    case G_TYPE_INT:
    case G_TYPE_INT64:
    case G_TYPE_UINT64:
    case G_TYPE_DOUBLE:
    case G_TYPE_POINTER:
      return TRUE;
    default:
      return FALSE;
    }
}

static inline void
_aio_value_clear (GValue *value)
{
  if (_aio_value_is_scalar (value))
    memset (value, 0, sizeof *value);
  else
    g_value_unset (value);
}

/* Copies @src into the unset @dest. */
static inline void
_aio_value_copy (const GValue *src,
                 GValue       *dest)
{
  if (_aio_value_is_scalar (src))
    *dest = *src;
  else
    {
      g_value_init (dest, G_VALUE_TYPE (src));
      g_value_copy (src, dest);
    }
}

/* Boxed values.  Every boxed type shares G_TYPE_BOXED's value table
 * (gboxed.c): the pointer in data[0], and G_VALUE_NOCOPY_CONTENTS in
 * data[1] when the value does not own it.  Moving the pointer in or out
 * skips the copy, the free and the type checks of g_value_take_boxed(),
 * g_value_dup_boxed() and g_value_unset() on each message a stream hands
 * over.
 */

/* Sets the zero-filled @value to @boxed of the boxed @type, taking it. */
static inline void
_aio_value_take_boxed (GValue   *value,
                       GType     type,
                       gpointer  boxed)
{
  value->g_type = type;
  value->data[0].v_pointer = boxed;
  value->data[1].v_uint = 0;
}

/* The boxed pointer of @value (of a boxed type), for the caller to own;
 * @value is left zero-filled.
 */
static inline gpointer
_aio_value_steal_boxed (GValue *value)
{
  gpointer boxed;

  if (value->data[1].v_uint & G_VALUE_NOCOPY_CONTENTS)
    {
      boxed = g_value_dup_boxed (value);
      g_value_unset (value);
      return boxed;
    }
  boxed = value->data[0].v_pointer;
  memset (value, 0, sizeof *value);
  return boxed;
}

G_END_DECLS

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-await.h"
#include "aio-error.h"
#include "aio-sleep.h"
#include "aio-task-private.h"

/* The C side of `await`.  These suspend the calling C coroutine, so they
 * are not for language bindings, which await futures with their own
 * syntax: every function here is (skip) in the GIR.
 */

/**
 * aio_in_coroutine: (skip)
 *
 * Whether the caller runs inside the body of a C coroutine task, where
 * `aio_await()` may suspend.
 *
 * Returns: %TRUE inside a C coroutine
 *
 * Since: 1.0
 */
gboolean
aio_in_coroutine (void)
{
  return _aio_task_current_coroutine () != NULL;
}

/* Waits for @future and checks its outcome; keeps the caller's reference. */
static gboolean
await_outcome (AioFuture  *future,
               GError    **error)
{
  if (!_aio_task_wait (future, error))
    return FALSE;
  return _aio_future_propagate (future, error);
}

static void
set_mismatch (AioFuture  *future,
              GType       type,
              GError    **error)
{
  GType actual = aio_future_get_value_type (future);

  g_set_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH,
               "The awaited result is %s, not %s",
               actual != G_TYPE_INVALID ? g_type_name (actual) : "empty",
               g_type_name (type));
}

/* Waits, then moves a result of @type out of @future into @value. */
static gboolean
await_typed (AioFuture  *future,
             GType       type,
             GValue     *value,
             GError    **error)
{
  GType actual;

  if (!await_outcome (future, error))
    return FALSE;

  /* Most results are of the very type asked for, or of a type derived
   * from the fundamental one asked for (GBytes for G_TYPE_BOXED): those
   * need no walk up the hierarchy. */
  actual = aio_future_get_value_type (future);
  if (actual == G_TYPE_INVALID ||
      (actual != type && G_TYPE_FUNDAMENTAL (actual) != type && !g_type_is_a (actual, type)))
    {
      set_mismatch (future, type, error);
      return FALSE;
    }

  _aio_future_take_value (future, value);
  return TRUE;
}

/**
 * aio_await: (skip)
 * @future: (transfer full): the future or task to wait for
 * @error: return location for the error @future failed with
 *
 * Suspends the calling C coroutine until @future is done, letting the loop
 * run other work, like `await future` in asyncio; then reports its outcome.
 * Works at any depth of the coroutine's C call stack.  A future that is
 * already done does not suspend.
 *
 * If the task is cancelled while it waits, @future is cancelled and this
 * fails with `G_IO_ERROR_CANCELLED`.  Called outside a C coroutine, it
 * fails at once with %AIO_ERROR_NOT_IN_COROUTINE; a task awaiting itself
 * fails with %AIO_ERROR_AWAIT_SELF.
 *
 * Use the typed variants, such as `aio_await_int()`, to get the result, or
 * keep a reference to @future and read it after.
 *
 * Returns: %TRUE if @future finished with a result
 *
 * Since: 1.0
 */
gboolean
aio_await (AioFuture  *future,
           GError    **error)
{
  gboolean ok;

  g_return_val_if_fail (_aio_is_future (future), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = await_outcome (future, error);
  _aio_release (future);
  return ok;
}

/**
 * aio_await_value: (skip)
 * @future: (transfer full): the future to wait for
 * @value: (out caller-allocates): an unset [struct@GObject.Value] for the
 *   result; left unset for a result with no value
 * @error: return location for an error
 *
 * Like `aio_await()`, and stores the result in @value.
 *
 * Returns: %TRUE if @future finished with a result
 *
 * Since: 1.0
 */
gboolean
aio_await_value (AioFuture  *future,
                 GValue     *value,
                 GError    **error)
{
  gboolean ok;

  g_return_val_if_fail (_aio_is_future (future), FALSE);
  g_return_val_if_fail (value != NULL && !G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = await_outcome (future, error);
  if (ok)
    _aio_future_take_value (future, value);
  _aio_release (future);
  return ok;
}

/* Scalars are read in place; anything with a value table is moved out. */
#define AWAIT_SCALAR(ctype, gtype, field, failed)                         \
  ctype result = failed;                                                  \
                                                                          \
  g_return_val_if_fail (_aio_is_future (future), failed);                  \
  g_return_val_if_fail (error == NULL || *error == NULL, failed);         \
                                                                          \
  if (await_outcome (future, error))                                      \
    {                                                                     \
      const GValue *v = &_aio_future_priv (future)->value;                \
                                                                          \
      if (G_LIKELY (G_VALUE_TYPE (v) == gtype))                           \
        result = v->data[0].field;                                        \
      else                                                                \
        set_mismatch (future, gtype, error);                              \
    }                                                                     \
  _aio_release (future);                                                  \
  return result

#define AWAIT_TYPED(ctype, gtype, getter, failed)                         \
  GValue value = G_VALUE_INIT;                                            \
  ctype result = failed;                                                  \
                                                                          \
  g_return_val_if_fail (_aio_is_future (future), failed);                  \
  g_return_val_if_fail (error == NULL || *error == NULL, failed);         \
                                                                          \
  if (await_typed (future, gtype, &value, error))                         \
    {                                                                     \
      result = getter (&value);                                           \
      g_value_unset (&value);                                             \
    }                                                                     \
  _aio_release (future);                                                  \
  return result

/**
 * aio_await_boolean: (skip)
 * @future: (transfer full): a future with a boolean result
 * @error: return location for an error
 *
 * Like `aio_await()`, returning the boolean result.  A result of another
 * type fails with %AIO_ERROR_TYPE_MISMATCH.
 *
 * Returns: the result, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
aio_await_boolean (AioFuture  *future,
                   GError    **error)
{
  AWAIT_SCALAR (gboolean, G_TYPE_BOOLEAN, v_int, FALSE);
}

/**
 * aio_await_int: (skip)
 * @future: (transfer full): a future with an integer result
 * @error: return location for an error
 *
 * Like `aio_await()`, returning the integer result.
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
gint
aio_await_int (AioFuture  *future,
               GError    **error)
{
  AWAIT_SCALAR (gint, G_TYPE_INT, v_int, 0);
}

/**
 * aio_await_int64: (skip)
 * @future: (transfer full): a future with a 64-bit integer result
 * @error: return location for an error
 *
 * Like `aio_await()`, returning the 64-bit integer result.
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
gint64
aio_await_int64 (AioFuture  *future,
                 GError    **error)
{
  AWAIT_SCALAR (gint64, G_TYPE_INT64, v_int64, 0);
}

/**
 * aio_await_uint64: (skip)
 * @future: (transfer full): a future with an unsigned 64-bit result
 * @error: return location for an error
 *
 * Like `aio_await()`, returning the unsigned 64-bit result.
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
guint64
aio_await_uint64 (AioFuture  *future,
                  GError    **error)
{
  AWAIT_SCALAR (guint64, G_TYPE_UINT64, v_uint64, 0);
}

/**
 * aio_await_double: (skip)
 * @future: (transfer full): a future with a floating point result
 * @error: return location for an error
 *
 * Like `aio_await()`, returning the floating point result.
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
gdouble
aio_await_double (AioFuture  *future,
                  GError    **error)
{
  AWAIT_SCALAR (gdouble, G_TYPE_DOUBLE, v_double, 0.0);
}

/**
 * aio_await_string: (skip)
 * @future: (transfer full): a future with a string result
 * @error: return location for an error
 *
 * Like `aio_await()`, returning the string result.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 *
 * Since: 1.0
 */
char *
aio_await_string (AioFuture  *future,
                  GError    **error)
{
  AWAIT_TYPED (char *, G_TYPE_STRING, g_value_dup_string, NULL);
}

/**
 * aio_await_object: (skip)
 * @future: (transfer full): a future with an object result
 * @error: return location for an error
 *
 * Like `aio_await()`, returning the object result.
 *
 * Returns: (transfer full) (type GObject) (nullable): the result, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
gpointer
aio_await_object (AioFuture  *future,
                  GError    **error)
{
  AWAIT_TYPED (gpointer, G_TYPE_OBJECT, g_value_dup_object, NULL);
}

/**
 * aio_await_boxed: (skip)
 * @future: (transfer full): a future with a boxed result
 * @error: return location for an error
 *
 * Like `aio_await()`, returning the boxed result.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 *
 * Since: 1.0
 */
gpointer
aio_await_boxed (AioFuture  *future,
                 GError    **error)
{
  GValue value = G_VALUE_INIT;
  gpointer result = NULL;

  g_return_val_if_fail (_aio_is_future (future), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (await_typed (future, G_TYPE_BOXED, &value, error))
    result = _aio_value_steal_boxed (&value);
  _aio_release (future);
  return result;
}

/**
 * aio_await_pointer: (skip)
 * @future: (transfer full): a future with a pointer result
 * @error: return location for an error
 *
 * Like `aio_await()`, returning the pointer result.  If the result was set
 * with a destroy notify, the caller now owns the pointer and the future
 * will not free it.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 *
 * Since: 1.0
 */
gpointer
aio_await_pointer (AioFuture  *future,
                   GError    **error)
{
  gpointer result = NULL;

  g_return_val_if_fail (_aio_is_future (future), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (await_outcome (future, error))
    {
      result = aio_future_get_pointer (future, error);
      if (result != NULL)
        _aio_future_priv (future)->pointer_destroy = NULL;
    }
  _aio_release (future);
  return result;
}

/**
 * aio_yield: (skip)
 * @error: return location for an error
 *
 * Lets every other ready task and callback run once, then continues:
 * `aio_await (aio_sleep (0), error)`, asyncio's `await asyncio.sleep(0)`.
 *
 * Returns: %TRUE, or %FALSE with `G_IO_ERROR_CANCELLED` if the task was
 *   cancelled meanwhile
 *
 * Since: 1.0
 */
gboolean
aio_yield (GError **error)
{
  return aio_await (aio_sleep (0), error);
}

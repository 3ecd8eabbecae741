/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "aio-error.h"
#include "aio-future-private.h"

/* Reading the outcome of a future: the typed getters and the error.
 * aio-future.c has the state machine and the setters.
 */

static const GValue *
checked_value (AioFuture   *self,
               GType        type,
               GError     **error)
{
  AioFuturePrivate *priv = _aio_future_priv (self);

  if (!_aio_future_propagate (self, error))
    return NULL;
  if (!G_VALUE_HOLDS (&priv->value, type))
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH,
                   "The result is %s, not %s",
                   G_IS_VALUE (&priv->value) ? G_VALUE_TYPE_NAME (&priv->value) : "empty",
                   g_type_name (type));
      return NULL;
    }
  return &priv->value;
}

/**
 * aio_future_get_value_type:
 * @self: an [class@Aio.Future]
 *
 * Gets the type of the result of @self.
 *
 * Returns: the type of the result, or %G_TYPE_INVALID if @self is not
 *   finished or has no value
 *
 * Since: 1.0
 */
GType
aio_future_get_value_type (AioFuture *self)
{
  AioFuturePrivate *priv;

  g_return_val_if_fail (AIO_IS_FUTURE (self), G_TYPE_INVALID);

  priv = _aio_future_priv (self);
  if (g_atomic_int_get (&priv->state) != AIO_FUTURE_FINISHED || !G_IS_VALUE (&priv->value))
    return G_TYPE_INVALID;
  return G_VALUE_TYPE (&priv->value);
}

/**
 * aio_future_get_value:
 * @self: an [class@Aio.Future]
 * @value: (out caller-allocates): an unset [struct@GObject.Value] to fill
 *   with a copy of the result; left unset for a result with no value
 * @error: return location for the error @self failed with
 *
 * Gets the result of @self, like asyncio's `Future.result()`.
 *
 * Returns: %TRUE if @self finished with a result
 *
 * Since: 1.0
 */
gboolean
aio_future_get_value (AioFuture  *self,
                      GValue     *value,
                      GError    **error)
{
  AioFuturePrivate *priv;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (value != NULL && !G_IS_VALUE (value), FALSE);

  if (!_aio_future_propagate (self, error))
    return FALSE;
  priv = _aio_future_priv (self);
  if (G_IS_VALUE (&priv->value))
    {
      g_value_init (value, G_VALUE_TYPE (&priv->value));
      g_value_copy (&priv->value, value);
    }
  return TRUE;
}

void
_aio_future_take_value (AioFuture *future,
                        GValue    *value)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  _aio_future_consumed (future, priv);
  if (priv->value.g_type == G_TYPE_INVALID)
    return;
  /* Nobody else can read the value (a weak reference could make a new
   * reader, hence the qdata check too), so it can be moved out.
   */
  if (_aio_object_is_sole_reference (future) &&
      priv->value.g_type != G_TYPE_POINTER)
    {
      *value = priv->value;
      memset (&priv->value, 0, sizeof priv->value);
      return;
    }
  g_value_init (value, G_VALUE_TYPE (&priv->value));
  g_value_copy (&priv->value, value);
}

/**
 * aio_future_get_boolean:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a boolean result.  Fails with the future's own error, with
 * %AIO_ERROR_INVALID_STATE if it is pending, or with
 * %AIO_ERROR_TYPE_MISMATCH if the result is of another type.
 *
 * Returns: the result, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
aio_future_get_boolean (AioFuture  *self,
                        GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  v = checked_value (self, G_TYPE_BOOLEAN, error);
  return v != NULL ? v->data[0].v_int : FALSE;
}

/**
 * aio_future_get_int:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets an integer result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
gint
aio_future_get_int (AioFuture  *self,
                    GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), 0);

  v = checked_value (self, G_TYPE_INT, error);
  return v != NULL ? v->data[0].v_int : 0;
}

/**
 * aio_future_get_int64:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a 64-bit integer result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
gint64
aio_future_get_int64 (AioFuture  *self,
                      GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), 0);

  v = checked_value (self, G_TYPE_INT64, error);
  return v != NULL ? v->data[0].v_int64 : 0;
}

/**
 * aio_future_get_uint64:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets an unsigned 64-bit integer result; fails like
 * [method@Aio.Future.get_boolean].
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
guint64
aio_future_get_uint64 (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), 0);

  v = checked_value (self, G_TYPE_UINT64, error);
  return v != NULL ? v->data[0].v_uint64 : 0;
}

/**
 * aio_future_get_double:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a floating point result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
gdouble
aio_future_get_double (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), 0.0);

  v = checked_value (self, G_TYPE_DOUBLE, error);
  return v != NULL ? v->data[0].v_double : 0.0;
}

/**
 * aio_future_get_string:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a string result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer none) (nullable): the result, valid as long as @self,
 *   or %NULL with @error set
 *
 * Since: 1.0
 */
const char *
aio_future_get_string (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_STRING, error);
  return v != NULL ? g_value_get_string (v) : NULL;
}

/**
 * aio_future_dup_string:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a copy of a string result; fails like
 * [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 *
 * Since: 1.0
 */
char *
aio_future_dup_string (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_STRING, error);
  return v != NULL ? g_value_dup_string (v) : NULL;
}

/**
 * aio_future_get_object:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets an object result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer none) (type GObject) (nullable): the result, valid as
 *   long as @self, or %NULL with @error set
 *
 * Since: 1.0
 */
gpointer
aio_future_get_object (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_OBJECT, error);
  return v != NULL ? g_value_get_object (v) : NULL;
}

/**
 * aio_future_dup_object:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a new reference to an object result; fails like
 * [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer full) (type GObject) (nullable): the result, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
gpointer
aio_future_dup_object (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_OBJECT, error);
  return v != NULL ? g_value_dup_object (v) : NULL;
}

/**
 * aio_future_get_boxed:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a boxed result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer none) (nullable): the result, valid as long as @self,
 *   or %NULL with @error set
 *
 * Since: 1.0
 */
gconstpointer
aio_future_get_boxed (AioFuture  *self,
                      GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_BOXED, error);
  return v != NULL ? g_value_get_boxed (v) : NULL;
}

/**
 * aio_future_dup_boxed:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a copy of a boxed result; fails like
 * [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 *
 * Since: 1.0
 */
gpointer
aio_future_dup_boxed (AioFuture  *self,
                      GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_BOXED, error);
  return v != NULL ? g_value_dup_boxed (v) : NULL;
}

/**
 * aio_future_get_pointer:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a pointer result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer none) (nullable): the result, or %NULL with @error set
 *
 * Since: 1.0
 */
gpointer
aio_future_get_pointer (AioFuture  *self,
                        GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_POINTER, error);
  return v != NULL ? v->data[0].v_pointer : NULL;
}

/**
 * aio_future_dup_error:
 * @self: an [class@Aio.Future]
 *
 * Gets the error @self failed with, like asyncio's `Future.exception()`:
 * `G_IO_ERROR_CANCELLED` if it was cancelled.
 *
 * Returns: (transfer full) (nullable): a copy of the error, or %NULL if
 *   @self is pending or finished with a result
 *
 * Since: 1.0
 */
GError *
aio_future_dup_error (AioFuture *self)
{
  AioFuturePrivate *priv;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  priv = _aio_future_priv (self);
  if (!_aio_future_is_done (self) || priv->error == NULL)
    return NULL;
  _aio_future_consumed (self, priv);
  return g_error_copy (priv->error);
}


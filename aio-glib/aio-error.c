/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-error.h"
#include "aio-error-private.h"

/* What a stream error carries besides its message, as asyncio's
 * IncompleteReadError and LimitOverrunError do.  GLib keeps it in front
 * of each GError of the domain and copies and frees it with the error.
 */
typedef struct
{
  GBytes *partial;    /* (owned) (nullable) */
  gssize  expected;
  gsize   consumed;
} AioErrorPrivate;

static void
aio_error_private_init (GError *error);
static void
aio_error_private_copy (const GError *src,
                        GError       *dest);
static void
aio_error_private_clear (GError *error);

/**
 * aio_error_quark:
 *
 * The error domain of [error@Aio.Error], also available as %AIO_ERROR.
 *
 * Returns: the quark
 *
 * Since: 1.0
 */
GQuark
aio_error_quark (void)
{
  static GQuark quark;
  static gsize initialized = 0;

  /* By hand rather than G_DEFINE_EXTENDED_ERROR, which would rename the
   * domain; its string is part of the API (bindings match on it).
   */
  if (g_once_init_enter (&initialized))
    {
      quark = g_error_domain_register_static ("aio-error-quark",
                                              sizeof (AioErrorPrivate),
                                              aio_error_private_init,
                                              aio_error_private_copy,
                                              aio_error_private_clear);
      g_once_init_leave (&initialized, 1);
    }
  return quark;
}

static AioErrorPrivate *
get_private (const GError *error)
{
  /* GLib puts the private data just before the GError, rounded up to
   * twice the size of a pointer (gerror.c's STRUCT_ALIGNMENT).
   */
  const gsize align = 2 * sizeof (gsize);
  const gsize size = (sizeof (AioErrorPrivate) + (align - 1)) & -align;

  return (AioErrorPrivate *) (((guint8 *) error) - size);
}

static void
aio_error_private_init (GError *error)
{
  AioErrorPrivate *priv = get_private (error);

  priv->partial = NULL;
  priv->expected = -1;
  priv->consumed = 0;
}

static void
aio_error_private_copy (const GError *src,
                        GError       *dest)
{
  const AioErrorPrivate *from = get_private (src);
  AioErrorPrivate *to = get_private (dest);

  to->partial = from->partial != NULL ? g_bytes_ref (from->partial) : NULL;
  to->expected = from->expected;
  to->consumed = from->consumed;
}

static void
aio_error_private_clear (GError *error)
{
  g_clear_pointer (&get_private (error)->partial, g_bytes_unref);
}

GError *
_aio_error_new_incomplete_read (GBytes *partial,
                                gssize  expected)
{
  GError *error;
  AioErrorPrivate *priv;

  if (expected < 0)
    error = g_error_new (AIO_ERROR, AIO_ERROR_INCOMPLETE_READ,
                         "%" G_GSIZE_FORMAT " bytes read on a total of undefined expected bytes",
                         g_bytes_get_size (partial));
  else
    error = g_error_new (AIO_ERROR, AIO_ERROR_INCOMPLETE_READ,
                         "%" G_GSIZE_FORMAT " bytes read on a total of %" G_GSSIZE_FORMAT " expected bytes",
                         g_bytes_get_size (partial), expected);
  priv = get_private (error);
  priv->partial = partial;
  priv->expected = expected;
  return error;
}

GError *
_aio_error_new_limit_overrun (const char *message,
                              gsize       consumed)
{
  GError *error = g_error_new_literal (AIO_ERROR, AIO_ERROR_LIMIT_OVERRUN, message);

  get_private (error)->consumed = consumed;
  return error;
}

/**
 * aio_error_get_partial:
 * @error: a #GError
 *
 * The bytes read before the stream ended, for an
 * %AIO_ERROR_INCOMPLETE_READ error (asyncio's
 * `IncompleteReadError.partial`).
 *
 * Returns: (transfer none) (nullable): the partial data, or %NULL when
 *   @error is not an incomplete read
 *
 * Since: 1.0
 */
GBytes *
aio_error_get_partial (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != AIO_ERROR)
    return NULL;
  return get_private (error)->partial;
}

/**
 * aio_error_get_expected:
 * @error: a #GError
 *
 * How many bytes were asked for, for an %AIO_ERROR_INCOMPLETE_READ error
 * (asyncio's `IncompleteReadError.expected`); -1 when the read was for a
 * separator, which has no expected length.
 *
 * Returns: the expected count, or -1
 *
 * Since: 1.0
 */
gssize
aio_error_get_expected (const GError *error)
{
  g_return_val_if_fail (error != NULL, -1);

  if (error->domain != AIO_ERROR)
    return -1;
  return get_private (error)->expected;
}

/**
 * aio_error_get_consumed:
 * @error: a #GError
 *
 * For an %AIO_ERROR_LIMIT_OVERRUN error, how many bytes of the reader's
 * buffer to read to get past the point the search reached (asyncio's
 * `LimitOverrunError.consumed`).
 *
 * Returns: the byte count, or 0
 *
 * Since: 1.0
 */
gsize
aio_error_get_consumed (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != AIO_ERROR)
    return 0;
  return get_private (error)->consumed;
}

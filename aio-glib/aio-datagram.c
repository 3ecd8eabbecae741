/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-await.h"
#include "aio-datagram.h"
#include "aio-error.h"
#include "aio-future.h"

/**
 * AioDatagram:
 *
 * One datagram received by an [class@Aio.DatagramEndpoint]: its bytes and
 * the address it came from, what asyncio's `datagram_received (data, addr)`
 * is given.  It cannot be changed once made.
 *
 * Since: 1.0
 */
struct _AioDatagram
{
  gint            ref_count;
  GBytes         *data;     /* (owned) */
  GSocketAddress *address;  /* (owned) (nullable) */
};

G_DEFINE_BOXED_TYPE (AioDatagram, aio_datagram, aio_datagram_ref, aio_datagram_unref)

/**
 * aio_datagram_new:
 * @data: the datagram's bytes
 * @address: (nullable): where it came from
 *
 * Makes a datagram.
 *
 * Returns: (transfer full): a new [struct@Aio.Datagram]
 *
 * Since: 1.0
 */
AioDatagram *
aio_datagram_new (GBytes         *data,
                  GSocketAddress *address)
{
  AioDatagram *self;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (address == NULL || G_IS_SOCKET_ADDRESS (address), NULL);

  self = g_new (AioDatagram, 1);
  self->ref_count = 1;
  self->data = g_bytes_ref (data);
  self->address = address != NULL ? g_object_ref (address) : NULL;
  return self;
}

/**
 * aio_datagram_ref:
 * @self: an [struct@Aio.Datagram]
 *
 * Takes a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
AioDatagram *
aio_datagram_ref (AioDatagram *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * aio_datagram_unref:
 * @self: (transfer full): an [struct@Aio.Datagram]
 *
 * Drops a reference on @self.
 *
 * Since: 1.0
 */
void
aio_datagram_unref (AioDatagram *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_bytes_unref (self->data);
  g_clear_object (&self->address);
  g_free (self);
}

/**
 * aio_datagram_get_data:
 * @self: an [struct@Aio.Datagram]
 *
 * The datagram's bytes.
 *
 * Returns: (transfer none): the bytes
 *
 * Since: 1.0
 */
GBytes *
aio_datagram_get_data (AioDatagram *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data;
}

/**
 * aio_datagram_get_address:
 * @self: an [struct@Aio.Datagram]
 *
 * The address the datagram came from: a [class@Gio.InetSocketAddress] for
 * UDP.
 *
 * Returns: (transfer none) (nullable): the sender's address, or %NULL if
 *   the system gave none
 *
 * Since: 1.0
 */
GSocketAddress *
aio_datagram_get_address (AioDatagram *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->address;
}

/**
 * aio_await_datagram: (skip)
 * @future: (transfer full): a future for an [struct@Aio.Datagram], as
 *   [method@Aio.DatagramEndpoint.recvfrom] returns
 * @address: (out) (transfer full) (optional) (nullable): the sender's
 *   address
 * @error: return location for an error
 *
 * Awaits @future from a C coroutine and splits the datagram, as asyncio's
 * `data, addr = await ...`.  A future with some other result fails with
 * %AIO_ERROR_TYPE_MISMATCH.
 *
 * Returns: (transfer full) (nullable): the datagram's bytes, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
GBytes *
aio_await_datagram (AioFuture       *future,
                    GSocketAddress **address,
                    GError         **error)
{
  GValue value = G_VALUE_INIT;
  AioDatagram *datagram;
  GBytes *data;

  g_return_val_if_fail (AIO_IS_FUTURE (future), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (address != NULL)
    *address = NULL;
  if (!aio_await_value (future, &value, error))
    return NULL;
  if (!G_IS_VALUE (&value) || !G_VALUE_HOLDS (&value, AIO_TYPE_DATAGRAM) ||
      g_value_get_boxed (&value) == NULL)
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH,
                   "The future's result is %s, not an AioDatagram",
                   G_IS_VALUE (&value) ? G_VALUE_TYPE_NAME (&value) : "empty");
      if (G_IS_VALUE (&value))
        g_value_unset (&value);
      return NULL;
    }
  datagram = g_value_get_boxed (&value);
  data = g_bytes_ref (datagram->data);
  if (address != NULL && datagram->address != NULL)
    *address = g_object_ref (datagram->address);
  g_value_unset (&value);
  return data;
}

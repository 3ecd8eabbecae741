/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-dns.h"
#include "aio-future-private.h"

/* Name lookups through GResolver (the system resolver, in GIO's worker
 * threads), as asyncio's loop.getaddrinfo() and getnameinfo() run
 * getaddrinfo(3) in its executor.
 */

typedef struct
{
  AioFuture    *future;       /* (owned) */
  GCancellable *cancellable;  /* (owned) */
  guint16       port;
} Lookup;

static gboolean
lookup_cancel (AioFuture  *future,
               const char *msg,
               gpointer    data)
{
  Lookup *lookup = data;

  g_cancellable_cancel (lookup->cancellable);
  return TRUE;
}

static Lookup *
lookup_new (guint16 port)
{
  Lookup *lookup = g_new0 (Lookup, 1);

  lookup->future = _aio_future_new_for_loop (_aio_loop_get_current ());
  lookup->cancellable = g_cancellable_new ();
  lookup->port = port;
  _aio_future_set_cancel_hook (lookup->future, lookup_cancel, lookup, NULL);
  return lookup;
}

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->future);
  g_object_unref (lookup->cancellable);
  g_free (lookup);
}

static void
resolved_names (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Lookup *lookup = user_data;
  GError *error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (!_aio_future_is_done (lookup->future))
    {
      if (addresses != NULL)
        {
          GPtrArray *array = g_ptr_array_new_with_free_func (g_object_unref);
          GValue value = G_VALUE_INIT;
          GList *l;

          for (l = addresses; l != NULL; l = l->next)
            g_ptr_array_add (array, g_inet_socket_address_new (l->data, lookup->port));
          g_value_init (&value, G_TYPE_PTR_ARRAY);
          g_value_take_boxed (&value, array);
          _aio_future_complete (lookup->future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
        }
      else
        _aio_future_complete (lookup->future, AIO_FUTURE_FINISHED, NULL, error, NULL);
    }
  else
    g_clear_error (&error);
  g_resolver_free_addresses (addresses);
  lookup_free (lookup);
}

/**
 * aio_getaddrinfo:
 * @host: a host name or an address literal
 * @port: the port to put in each address
 *
 * Resolves @host, as asyncio's `loop.getaddrinfo()`, through the default
 * [class@Gio.Resolver].  Cancelling the future cancels the lookup.  A
 * name that does not exist fails with a [error@Gio.ResolverError].
 *
 * Returns: (transfer full): a future for a [struct@GLib.PtrArray] of
 *   [class@Gio.InetSocketAddress], IPv6 and IPv4 in the order the
 *   resolver prefers
 *
 * Since: 1.0
 */
AioFuture *
aio_getaddrinfo (const char *host,
                 guint16     port)
{
  g_autoptr(GResolver) resolver = NULL;
  Lookup *lookup;
  AioFuture *future;

  g_return_val_if_fail (host != NULL, NULL);

  resolver = g_resolver_get_default ();
  lookup = lookup_new (port);
  future = g_object_ref (lookup->future);
  g_resolver_lookup_by_name_async (resolver, host, lookup->cancellable, resolved_names, lookup);
  return future;
}

static void
resolved_address (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Lookup *lookup = user_data;
  GError *error = NULL;
  char *name = g_resolver_lookup_by_address_finish (G_RESOLVER (source), result, &error);

  if (!_aio_future_is_done (lookup->future))
    {
      if (name != NULL)
        {
          GValue value = G_VALUE_INIT;

          g_value_init (&value, G_TYPE_STRING);
          g_value_take_string (&value, g_steal_pointer (&name));
          _aio_future_complete (lookup->future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
        }
      else
        _aio_future_complete (lookup->future, AIO_FUTURE_FINISHED, NULL, error, NULL);
    }
  else
    g_clear_error (&error);
  g_free (name);
  lookup_free (lookup);
}

/**
 * aio_getnameinfo:
 * @address: a [class@Gio.InetSocketAddress]
 *
 * Finds the host name of @address, as asyncio's `loop.getnameinfo()`
 * (the host part), through the default [class@Gio.Resolver].
 *
 * Returns: (transfer full): a future for the name, a string
 *
 * Since: 1.0
 */
AioFuture *
aio_getnameinfo (GSocketAddress *address)
{
  g_autoptr(GResolver) resolver = NULL;
  Lookup *lookup;
  AioFuture *future;

  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), NULL);

  resolver = g_resolver_get_default ();
  lookup = lookup_new (0);
  future = g_object_ref (lookup->future);
  g_resolver_lookup_by_address_async (resolver,
                                      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)),
                                      lookup->cancellable, resolved_address, lookup);
  return future;
}

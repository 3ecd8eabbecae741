/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <sys/socket.h>

#include "aio-datagram-endpoint.h"
#include "aio-io-call-private.h"
#include "aio-loop-private.h"
#include "aio-socket-private.h"

/* aio_create_datagram_endpoint(): resolves the local and remote hosts (at
 * once for address literals, through GResolver for names), then makes the
 * socket for the first remote address that works.
 */
typedef struct
{
  AioIoCall         call;
  AioLoop          *loop;          /* (owned) */
  guint16           local_port;
  guint16           remote_port;
  AioDatagramFlags  flags;
  gboolean          has_local;
  gboolean          has_remote;
  GList            *local;         /* (owned) GInetAddress */
  GList            *remote;        /* (owned) GInetAddress */
  guint             pending;       /* lookups under way */
  GError           *error;         /* the first lookup's failure */
} Create;

static void
create_free (Create *create)
{
  g_resolver_free_addresses (create->local);
  g_resolver_free_addresses (create->remote);
  g_clear_error (&create->error);
  g_object_unref (create->loop);
  _aio_io_call_free (create);
}

static GSocket *
open_socket (Create        *create,
             GInetAddress  *local,
             GInetAddress  *remote,
             GError       **error)
{
  GSocketFamily family = g_inet_address_get_family (remote != NULL ? remote : local);
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;
  if ((create->flags & AIO_DATAGRAM_REUSE_PORT) &&
      !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, error))
    return NULL;
  if (create->flags & AIO_DATAGRAM_ALLOW_BROADCAST)
    g_socket_set_broadcast (socket, TRUE);
  /* Without a local address, connect() picks one (and a port). */
  if (local != NULL || remote == NULL || create->local_port != 0)
    {
      g_autoptr(GInetAddress) any = NULL;
      g_autoptr(GSocketAddress) address = NULL;

      if (local == NULL)
        local = any = g_inet_address_new_any (family);
      address = g_inet_socket_address_new (local, create->local_port);
      if (!_aio_socket_bind (socket, address, error))
        return NULL;
    }
  if (remote != NULL)
    {
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (remote, create->remote_port);

      if (!g_socket_connect (socket, address, NULL, error))
        return NULL;
    }
  return g_steal_pointer (&socket);
}

static GInetAddress *
local_for (Create        *create,
           GSocketFamily  family)
{
  GList *l;

  for (l = create->local; l != NULL; l = l->next)
    if (g_inet_address_get_family (l->data) == family)
      return l->data;
  return NULL;
}

static GSocket *
open_any (Create  *create,
          GError **error)
{
  GError *first_error = NULL;
  GList *l;

  if (!create->has_remote)
    {
      if (create->local == NULL)
        create->local = g_list_append (NULL, g_inet_address_new_any (G_SOCKET_FAMILY_IPV4));
      return open_socket (create, create->local->data, NULL, error);
    }

  /* Like asyncio: each remote address in turn, with a local address of
   * its family when one was asked for.
   */
  for (l = create->remote; l != NULL; l = l->next)
    {
      GInetAddress *local = NULL;
      GError *local_error = NULL;
      GSocket *socket;

      if (create->has_local)
        {
          local = local_for (create, g_inet_address_get_family (l->data));
          if (local == NULL)
            {
              if (first_error == NULL)
                first_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                   "The local and remote addresses have no address family in common");
              continue;
            }
        }
      socket = open_socket (create, local, l->data, &local_error);
      if (socket != NULL)
        {
          g_clear_error (&first_error);
          return socket;
        }
      if (first_error == NULL)
        first_error = local_error;
      else
        g_error_free (local_error);
    }
  if (first_error == NULL)
    first_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                       "The remote host has no address");
  g_propagate_error (error, first_error);
  return NULL;
}

static void
finish (Create *create)
{
  g_autoptr(GSocket) socket = NULL;
  AioDatagramEndpoint *endpoint = NULL;
  GError *error = g_steal_pointer (&create->error);

  if (error == NULL && _aio_io_call_pending (create))
    {
      socket = open_any (create, &error);
      if (socket != NULL)
        endpoint = aio_datagram_endpoint_new_for_socket (socket, create->loop, &error);
    }
  if (endpoint != NULL)
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, AIO_TYPE_DATAGRAM_ENDPOINT);
      g_value_take_object (&value, endpoint);
      _aio_io_call_finish (create, &value, NULL);
    }
  else
    _aio_io_call_finish (create, NULL, error);
  create_free (create);
}

static void
resolved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data,
          GList       **addresses)
{
  Create *create = user_data;
  GError *error = NULL;

  *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (error != NULL && create->error == NULL)
    create->error = error;
  else
    g_clear_error (&error);
  if (--create->pending == 0)
    finish (create);
}

static void
resolved_local (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  resolved (source, result, user_data, &((Create *) user_data)->local);
}

static void
resolved_remote (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  resolved (source, result, user_data, &((Create *) user_data)->remote);
}

/* An address literal needs no lookup; a name starts one. */
static void
resolve (Create              *create,
         const char          *host,
         GList              **addresses,
         GAsyncReadyCallback  callback)
{
  GInetAddress *literal = g_inet_address_new_from_string (host);

  if (literal != NULL)
    {
      *addresses = g_list_append (NULL, literal);
      return;
    }
  {
    g_autoptr(GResolver) resolver = g_resolver_get_default ();

    create->pending++;
    g_resolver_lookup_by_name_async (resolver, host, create->call.cancellable, callback, create);
  }
}

/**
 * aio_create_datagram_endpoint:
 * @local_host: (nullable): the address or host name to bind to; %NULL or
 *   `""` for any address (of the remote address's family, or IPv4)
 * @local_port: the local UDP port; 0 lets the system pick one
 * @remote_host: (nullable): the address or host name to connect to, for
 *   an endpoint that talks to one peer; %NULL for one that sends anywhere
 * @remote_port: the remote UDP port
 * @flags: options
 *
 * Makes a UDP endpoint, as asyncio's `loop.create_datagram_endpoint()`.
 * Host names are resolved with [class@Gio.Resolver]; address literals
 * (`"127.0.0.1"`, `"::1"`) are used at once.  With a remote host, each of
 * its addresses is tried in turn, the first that works wins, and the
 * endpoint is connected: see [class@Aio.DatagramEndpoint].  Cancelling
 * the future cancels the lookups.
 *
 * Returns: (transfer full): a future for the [class@Aio.DatagramEndpoint],
 *   or failing with GIO's error: a [error@Gio.ResolverError] for a name
 *   that does not resolve, %G_IO_ERROR_ADDRESS_IN_USE for a taken port
 *
 * Since: 1.0
 */
AioFuture *
aio_create_datagram_endpoint (const char       *local_host,
                              guint16           local_port,
                              const char       *remote_host,
                              guint16           remote_port,
                              AioDatagramFlags  flags)
{
  AioLoop *loop = _aio_loop_get_current ();
  Create *create = _aio_io_call_new (loop, sizeof (Create));
  AioFuture *future = g_object_ref (create->call.future);

  create->loop = g_object_ref (loop);
  create->local_port = local_port;
  create->remote_port = remote_port;
  create->flags = flags;
  create->has_local = local_host != NULL && *local_host != '\0';
  create->has_remote = remote_host != NULL && *remote_host != '\0';
  /* One count for this function, so an early lookup cannot finish. */
  create->pending = 1;
  if (create->has_local)
    resolve (create, local_host, &create->local, resolved_local);
  if (create->has_remote)
    resolve (create, remote_host, &create->remote, resolved_remote);
  if (--create->pending == 0)
    finish (create);
  return future;
}

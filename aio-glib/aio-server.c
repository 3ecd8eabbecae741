/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE  /* accept4() */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>

#include "aio-enums.h"
#include "aio-error.h"
#include "aio-future-private.h"
#include "aio-await.h"
#include "aio-closure-private.h"
#include "aio-gio.h"
#include "aio-tls-private.h"
#include "aio-server.h"
#include "aio-socket-private.h"
#include "aio-stream-private.h"
#include "aio-task.h"

/**
 * AioServer:
 *
 * A listening server whose clients each run in their own task, as
 * asyncio's `Server`: made by [func@Aio.start_server] or
 * [func@Aio.start_unix_server].
 *
 * The server accepts from its first loop turn on.
 * [method@Aio.Server.close] stops accepting;
 * [method@Aio.Server.wait_closed] then waits for the client tasks to end.
 * [method@Aio.Server.close_clients] closes every client connection (the
 * handlers read the end of the stream), and
 * [method@Aio.Server.abort_clients] drops them at once and cancels their
 * tasks, as asyncio 3.13's methods of the same names.
 *
 * Since: 1.0
 */

#define DEFAULT_BACKLOG 100
/* After EMFILE and the like, accepting pauses this long (asyncio's
 * ACCEPT_RETRY_DELAY), instead of spinning on a readable listener.
 */
#define ACCEPT_RETRY_MS 1000
/* Connections taken from the listen queue per readiness, and clients
 * started per loop turn.
 */
#define ACCEPT_BURST 1024
#define START_BURST  64

typedef struct
{
  AioServer *server;      /* (unowned) the server outlives its listeners */
  GSocket   *socket;      /* (owned) */
  guint      retry_id;
} Listener;

struct _AioServer
{
  GObject         parent_instance;

  AioLoop        *loop;          /* (owned) */
  AioClientFunc   func;          /* a coroutine handler, or */
  AioClientStartFunc start;      /* a stackless one */
  gpointer        user_data;
  GDestroyNotify  destroy;
  GPtrArray      *listeners;     /* (element-type Listener) (owned) */
  GPtrArray      *addresses;     /* (element-type GSocketAddress) (owned) */
  GHashTable     *clients;       /* (owned) AioTask -> (owned) AioStreamWriter */
  GPtrArray      *closed_waiters;  /* (element-type AioFuture) (owned) */
  GPtrArray      *forever_waiters; /* (element-type AioFuture) (owned) */
  GArray         *pending;       /* (element-type int) accepted, not yet started */
  AioTlsContext  *tls;           /* (owned) (nullable) */
  char           *unix_path;     /* (owned) (nullable) removed on close */
  guint           serving : 1;
  guint           start_scheduled : 1;  /* start_pending() is queued */
};

G_DEFINE_FINAL_TYPE (AioServer, aio_server, G_TYPE_OBJECT)

static void
check_closed (AioServer *self)
{
  if (!self->serving && g_hash_table_size (self->clients) == 0)
    _aio_stream_waiters_complete (self->closed_waiters, NULL);
}

/* -- clients -------------------------------------------------------------- */

typedef enum
{
  CLIENT_STARTING,
  CLIENT_HANDSHAKING,
  CLIENT_SERVING,
} ClientStage;

typedef struct
{
  AioServer       *server;   /* (owned) */
  AioStreamWriter *writer;   /* (owned) */
  ClientStage      stage;    /* of a stackless handler */
} Client;

static void
client_free (gpointer data)
{
  Client *client = data;

  g_object_unref (client->writer);
  g_object_unref (client->server);
  g_free (client);
}

/* A client of a TLS server first shakes hands; NULL for a plain one. */
static AioFuture *
client_handshake (Client *client)
{
  GObject *tls = aio_stream_writer_get_extra_info (client->writer, "tls");

  if (tls == NULL)
    return NULL;
  return _aio_tls_handshake (G_TLS_CONNECTION (tls),
                             aio_tls_context_get_handshake_timeout (client->server->tls),
                             client->server->loop);
}

/* As asyncio does, a client that fails the handshake is dropped before
 * the handler sees it; a cancellation is the task's own outcome.
 */
static gboolean
client_shook_hands (Client   *client,
                    AioTask  *task,
                    GError   *error)
{
  if (error == NULL)
    return TRUE;
  g_debug ("TLS handshake with a client failed: %s", error->message);
  aio_stream_writer_abort (client->writer);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    aio_task_return_error (task, error);
  else
    g_error_free (error);
  return FALSE;
}

static void
client_body (AioTask  *task,
             gpointer  data)
{
  Client *client = data;
  AioFuture *handshake = client_handshake (client);
  GError *error = NULL;

  if (handshake != NULL && !client_shook_hands (client, task,
                                                aio_await (handshake, &error) ? NULL : error))
    return;
  client->server->func (aio_stream_writer_get_reader (client->writer),
                        client->writer, client->server->user_data);
}

/* The stackless form: the handshake, then the future the handler
 * returned, each awaited by returning it.
 */
static AioFuture *
client_step (AioTask   *task,
             AioFuture *awaited,
             gpointer   data)
{
  Client *client = data;
  GError *error = NULL;

  switch (client->stage)
    {
    case CLIENT_STARTING:
      if (awaited != NULL)
        {
          /* Cancelled before it started. */
          aio_future_propagate (awaited, &error);
          aio_task_return_error (task, error);
          return NULL;
        }
      client->stage = CLIENT_HANDSHAKING;
      awaited = client_handshake (client);
      if (awaited != NULL)
        return awaited;
      G_GNUC_FALLTHROUGH;

    case CLIENT_HANDSHAKING:
      if (awaited != NULL &&
          !client_shook_hands (client, task, aio_future_propagate (awaited, &error) ? NULL : error))
        return NULL;
      client->stage = CLIENT_SERVING;
      return client->server->start (aio_stream_writer_get_reader (client->writer),
                                    client->writer, client->server->user_data);

    case CLIENT_SERVING:
    default:
      /* The handler's outcome is the client task's. */
      if (!aio_future_propagate (awaited, &error))
        aio_task_return_error (task, error);
      return NULL;
    }
}

static void
client_done (AioFuture *future,
             gpointer   data)
{
  AioServer *self = data;
  AioStreamWriter *writer = g_hash_table_lookup (self->clients, future);

  if (aio_future_get_state (future) == AIO_FUTURE_FINISHED)
    {
      g_autoptr(GError) error = aio_future_dup_error (future);

      if (error != NULL)
        g_warning ("Unhandled error in the client handler of %s: %s",
                   aio_task_get_name (AIO_TASK (future)), error->message);
    }
  if (writer != NULL)
    aio_stream_writer_close (writer);
  g_hash_table_remove (self->clients, future);
  check_closed (self);
}

static void
start_client (AioServer *self,
              GSocket   *socket)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GTlsConnection) tls = NULL;
  g_autoptr(GError) error = NULL;
  AioStreamWriter *writer;
  Client *client;
  AioTask *task;

  connection = g_socket_connection_factory_create_connection (socket);
  _aio_socket_connection_set_nodelay (connection);
  if (self->tls != NULL)
    {
      tls = _aio_tls_context_wrap (self->tls, G_IO_STREAM (connection), NULL, &error);
      writer = tls != NULL ? _aio_stream_pair_new (self->loop, G_IO_STREAM (tls), &error) : NULL;
    }
  else
    writer = _aio_stream_pair_new (self->loop, G_IO_STREAM (connection), &error);
  if (writer == NULL)
    {
      g_warning ("Could not serve a client: %s", error->message);
      return;
    }

  client = g_new0 (Client, 1);
  client->server = g_object_ref (self);
  client->writer = g_object_ref (writer);
  if (self->func != NULL)
    task = aio_task_new_full (self->loop, "client", 0, client_body, client, client_free);
  else
    task = aio_task_new_stackless (self->loop, "client", client_step, client, client_free);
  g_hash_table_insert (self->clients, task, writer);
  aio_future_add_done_callback (AIO_FUTURE (task), client_done, g_object_ref (self),
                                g_object_unref);
}

/* -- accepting -------------------------------------------------------------- */

static void on_acceptable (gpointer data);

static gboolean
resume_accepting (gpointer data)
{
  Listener *listener = data;

  listener->retry_id = 0;
  if (listener->server->serving)
    aio_loop_add_reader (listener->server->loop, g_socket_get_fd (listener->socket),
                         on_acceptable, listener, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
pause_accepting (Listener *listener,
                 int       errsv)
{
  AioServer *self = listener->server;
  GSource *source;

  g_warning ("Error accepting a connection, pausing for %d ms: %s",
             ACCEPT_RETRY_MS, g_strerror (errsv));
  aio_loop_remove_reader (self->loop, g_socket_get_fd (listener->socket));
  source = g_timeout_source_new (ACCEPT_RETRY_MS);
  g_source_set_callback (source, resume_accepting, listener, NULL);
  listener->retry_id = g_source_attach (source, aio_loop_get_context (self->loop));
  g_source_unref (source);
}

static void
drop_pending (AioServer *self)
{
  guint i;

  for (i = 0; i < self->pending->len; i++)
    close (g_array_index (self->pending, int, i));
  g_array_set_size (self->pending, 0);
}

static void start_pending (gpointer data);

/* Starts clients from the accepted connections, a burst at a time, so a
 * flood of new connections does not starve the clients already served.
 */
static void
start_some_pending (AioServer *self)
{
  guint n = MIN (self->pending->len, START_BURST);
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      int fd = g_array_index (self->pending, int, i);
      g_autoptr(GSocket) socket = g_socket_new_from_fd (fd, &error);

      if (socket == NULL)
        {
          g_warning ("Could not serve a client: %s", error->message);
          close (fd);
          continue;
        }
      start_client (self, socket);
    }
  g_array_remove_range (self->pending, 0, n);
  if (self->pending->len > 0 && !self->start_scheduled)
    {
      self->start_scheduled = TRUE;
      aio_handle_unref (aio_loop_call_soon (self->loop, start_pending, g_object_ref (self),
                                            g_object_unref));
    }
}

static void
start_pending (gpointer data)
{
  AioServer *self = data;

  self->start_scheduled = FALSE;
  if (self->serving)
    start_some_pending (self);
}

static void
on_acceptable (gpointer data)
{
  Listener *listener = data;
  AioServer *self = listener->server;
  int listen_fd = g_socket_get_fd (listener->socket);
  guint i;

  /* The listen queue is emptied at once, with plain accept4() calls of a
   * microsecond or two each, so a burst of connections larger than the
   * backlog is not dropped by the kernel while the clients are set up
   * (a task, a stack and the streams each); the clients start in bursts.
   */
  for (i = 0; i < ACCEPT_BURST && self->serving; i++)
    {
      int fd = accept4 (listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      int errsv = errno;

      if (fd >= 0)
        {
          g_array_append_val (self->pending, fd);
          continue;
        }
      if (errsv == EAGAIN || errsv == EWOULDBLOCK)
        break;
      /* A client that left before it was accepted, or a network error
       * accept() reports for the new connection: try the next one.
       */
      if (errsv == EINTR || errsv == ECONNABORTED || errsv == EPROTO || errsv == EPERM ||
          errsv == ENETDOWN || errsv == ENOPROTOOPT || errsv == EHOSTDOWN ||
          errsv == EHOSTUNREACH || errsv == ENETUNREACH || errsv == EOPNOTSUPP)
        continue;
      /* Out of descriptors or memory: a pause instead of a spin. */
      pause_accepting (listener, errsv);
      break;
    }
  if (self->serving && !self->start_scheduled)
    start_some_pending (self);
}

static void
listener_free (gpointer data)
{
  Listener *listener = data;

  if (listener->retry_id != 0)
    {
      GSource *source = g_main_context_find_source_by_id (aio_loop_get_context (listener->server->loop),
                                                          listener->retry_id);

      if (source != NULL)
        g_source_destroy (source);
    }
  aio_loop_remove_reader (listener->server->loop, g_socket_get_fd (listener->socket));
  g_socket_close (listener->socket, NULL);
  g_object_unref (listener->socket);
  g_free (listener);
}

/* g_socket_bind() clears SO_REUSEPORT on stream sockets, so the bind is
 * done here, after the options are set.
 */
static gboolean
bind_socket (GSocket         *socket,
             GSocketAddress  *address,
             GError         **error)
{
  if (g_socket_address_get_family (address) != G_SOCKET_FAMILY_UNIX &&
      !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, error))
    return FALSE;
  return _aio_socket_bind (socket, address, error);
}

static gboolean
listen_on (AioServer       *self,
           GSocketAddress  *address,
           int              backlog,
           AioServerFlags   flags,
           gboolean         v6_only,
           GError         **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  GSocketFamily family = g_socket_address_get_family (address);
  GSocketProtocol protocol = family == G_SOCKET_FAMILY_UNIX ? G_SOCKET_PROTOCOL_DEFAULT
                                                            : G_SOCKET_PROTOCOL_TCP;
  Listener *listener;

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, protocol, error);
  if (socket == NULL)
    return FALSE;
  if ((flags & AIO_SERVER_REUSE_PORT) &&
      !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, error))
    return FALSE;
  if (v6_only && !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, error))
    return FALSE;
  if (!bind_socket (socket, address, error))
    return FALSE;
  g_socket_set_listen_backlog (socket, backlog);
  if (!g_socket_listen (socket, error))
    return FALSE;
  g_socket_set_blocking (socket, FALSE);
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;

  listener = g_new0 (Listener, 1);
  listener->server = self;
  listener->socket = g_steal_pointer (&socket);
  g_ptr_array_add (self->listeners, listener);
  g_ptr_array_add (self->addresses, g_steal_pointer (&bound));
  return aio_loop_add_reader (self->loop, g_socket_get_fd (listener->socket),
                              on_acceptable, listener, NULL, error);
}

/* -- the object ------------------------------------------------------------ */

static void
aio_server_dispose (GObject *object)
{
  AioServer *self = AIO_SERVER (object);

  aio_server_close (self);
  G_OBJECT_CLASS (aio_server_parent_class)->dispose (object);
}

static void
aio_server_finalize (GObject *object)
{
  AioServer *self = AIO_SERVER (object);

  g_ptr_array_unref (self->listeners);
  g_ptr_array_unref (self->addresses);
  g_hash_table_unref (self->clients);
  g_ptr_array_unref (self->closed_waiters);
  g_ptr_array_unref (self->forever_waiters);
  drop_pending (self);
  g_array_unref (self->pending);
  g_free (self->unix_path);
  g_clear_object (&self->tls);
  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_server_parent_class)->finalize (object);
}

static void
aio_server_class_init (AioServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aio_server_dispose;
  object_class->finalize = aio_server_finalize;
}

static void
aio_server_init (AioServer *self)
{
  self->listeners = g_ptr_array_new_with_free_func (listener_free);
  self->addresses = g_ptr_array_new_with_free_func (g_object_unref);
  self->clients = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->closed_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->forever_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending = g_array_new (FALSE, FALSE, sizeof (int));
  self->serving = TRUE;
}

static AioServer *
server_new (AioClientFunc       func,
            AioClientStartFunc  start,
            gpointer            user_data,
            GDestroyNotify      destroy)
{
  AioServer *self = g_object_new (AIO_TYPE_SERVER, NULL);

  self->loop = g_object_ref (_aio_loop_get_current ());
  self->func = func;
  self->start = start;
  self->user_data = user_data;
  self->destroy = destroy;
  return self;
}

static AioFuture *
server_future (AioServer *self,
               GError    *error)
{
  AioFuture *future = _aio_future_new_for_loop (self->loop);

  if (error != NULL)
    {
      /* Nothing listens: the server goes, with the caller's data. */
      g_ptr_array_set_size (self->listeners, 0);
      self->serving = FALSE;
      _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL, error, NULL);
      g_object_unref (self);
    }
  else
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, AIO_TYPE_SERVER);
      g_value_take_object (&value, self);
      _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
    }
  return future;
}

static GInetSocketAddress *
with_port (GInetAddress *address,
           guint16       port)
{
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, port));
}

/* Binds every address; with port 0, the first one picks the port and the
 * others take the same.
 */
static gboolean
listen_on_all (AioServer      *self,
               GList          *inet_addresses,
               guint16         port,
               int             backlog,
               AioServerFlags  flags,
               GError        **error)
{
  gboolean has_v4 = FALSE;
  GError *first_error = NULL;
  GList *l;

  for (l = inet_addresses; l != NULL; l = l->next)
    if (g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV4)
      has_v4 = TRUE;

  for (l = inet_addresses; l != NULL; l = l->next)
    {
      g_autoptr(GInetSocketAddress) address = with_port (l->data, port);
      GError *local = NULL;
      gboolean v6_only = has_v4 && g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV6;

      if (listen_on (self, G_SOCKET_ADDRESS (address), backlog, flags, v6_only, &local))
        {
          if (port == 0)
            port = aio_server_get_port (self);
          continue;
        }
      /* An "any" address of a family the host lacks is no failure while
       * another family listens.
       */
      if (first_error == NULL)
        first_error = local;
      else
        g_error_free (local);
    }

  if (self->listeners->len == 0)
    {
      if (first_error == NULL)
        first_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                           "No address to listen on");
      g_propagate_error (error, first_error);
      return FALSE;
    }
  g_clear_error (&first_error);
  return TRUE;
}

typedef struct
{
  AioServer      *server;   /* (owned) */
  AioFuture      *future;   /* (owned) */
  guint16         port;
  int             backlog;
  AioServerFlags  flags;
} Resolve;

static void
resolved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Resolve *resolve = user_data;
  GError *error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (addresses != NULL)
    listen_on_all (resolve->server, addresses, resolve->port, resolve->backlog,
                   resolve->flags, &error);
  g_resolver_free_addresses (addresses);

  if (!_aio_future_is_done (resolve->future))
    {
      if (error != NULL)
        {
          aio_server_close (resolve->server);
          _aio_future_complete (resolve->future, AIO_FUTURE_FINISHED, NULL, error, NULL);
        }
      else
        aio_future_set_object (resolve->future, resolve->server, NULL);
    }
  else
    {
      aio_server_close (resolve->server);
      g_clear_error (&error);
    }
  g_object_unref (resolve->server);
  g_object_unref (resolve->future);
  g_free (resolve);
}

/* Listens on every address of @host for @self, whichever its handler. */
static AioFuture *
start_tcp_server (AioServer      *self,
                  const char     *host,
                  guint16         port,
                  int             backlog,
                  AioServerFlags  flags,
                  AioTlsContext  *tls)
{
  GError *error = NULL;
  g_autoptr(GInetAddress) literal = NULL;

  if (tls != NULL)
    self->tls = g_object_ref (tls);
  if (backlog <= 0)
    backlog = DEFAULT_BACKLOG;

  if (host == NULL || *host == '\0')
    {
      GList *any = NULL;

      any = g_list_append (any, g_inet_address_new_any (G_SOCKET_FAMILY_IPV6));
      any = g_list_append (any, g_inet_address_new_any (G_SOCKET_FAMILY_IPV4));
      listen_on_all (self, any, port, backlog, flags, &error);
      g_list_free_full (any, g_object_unref);
      return server_future (self, error);
    }

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    {
      GList one = { literal, NULL, NULL };

      listen_on_all (self, &one, port, backlog, flags, &error);
      return server_future (self, error);
    }

  {
    g_autoptr(GResolver) resolver = g_resolver_get_default ();
    Resolve *resolve = g_new0 (Resolve, 1);
    AioFuture *future = _aio_future_new_for_loop (self->loop);

    resolve->server = self;
    resolve->future = g_object_ref (future);
    resolve->port = port;
    resolve->backlog = backlog;
    resolve->flags = flags;
    g_resolver_lookup_by_name_async (resolver, host, NULL, resolved, resolve);
    return future;
  }
}

/**
 * aio_start_server_full: (skip)
 * @func: (scope notified) (closure user_data) (destroy destroy): serves
 *   each client, in a task of its own
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the server is finalized
 * @host: (nullable): the address or host name to listen on; %NULL or `""`
 *   for every interface, IPv4 and IPv6
 * @port: the TCP port; 0 picks a free one (see [method@Aio.Server.get_port])
 * @backlog: the listen queue length; 0 or less for asyncio's 100
 * @flags: options
 * @tls: (nullable): a server [class@Aio.TlsContext] to serve TLS; each
 *   client's handshake is done (within the context's timeout) before
 *   @func sees it, and a client that fails it is dropped
 *
 * Starts a TCP server, as asyncio's `start_server()`: listens on every
 * address of @host, and runs @func in a new task for each connection.
 * A host name is resolved with [class@Gio.Resolver] first; an address
 * (or %NULL) listens at once.  Fails with GIO's error, such as
 * %G_IO_ERROR_ADDRESS_IN_USE.
 *
 * Returns: (transfer full): a future for the [class@Aio.Server]
 *
 * Since: 1.0
 */
AioFuture *
aio_start_server_full (AioClientFunc   func,
                       gpointer        user_data,
                       GDestroyNotify  destroy,
                       const char     *host,
                       guint16         port,
                       int             backlog,
                       AioServerFlags  flags,
                       AioTlsContext  *tls)
{
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (tls == NULL || AIO_IS_TLS_CONTEXT (tls), NULL);
  g_return_val_if_fail (tls == NULL || aio_tls_context_is_server (tls), NULL);

  return start_tcp_server (server_new (func, NULL, user_data, destroy),
                           host, port, backlog, flags, tls);
}

/**
 * aio_start_server_stackless:
 * @start: (scope notified) (closure user_data) (destroy destroy): starts
 *   serving each client and returns what to wait for
 * @user_data: data for @start
 * @destroy: (nullable): frees @user_data when the server is finalized
 * @host: (nullable): the address or host name to listen on; %NULL or `""`
 *   for every interface, IPv4 and IPv6
 * @port: the TCP port; 0 picks a free one (see [method@Aio.Server.get_port])
 * @backlog: the listen queue length; 0 or less for asyncio's 100
 * @flags: options
 * @tls: (nullable): a server [class@Aio.TlsContext] to serve TLS, as for
 *   [func@Aio.start_server_full]
 *
 * Starts a TCP server as [func@Aio.start_server_full] does, with a handler
 * that does not need a C coroutine: each client still runs in a task of
 * its own, a stackless one, which calls @start once the client is
 * connected (and its handshake done) and then waits for the future @start
 * returned.  That future's outcome is the client task's; see
 * [callback@Aio.ClientStartFunc].
 *
 * Returns: (transfer full): a future for the [class@Aio.Server]
 *
 * Since: 1.0
 */
AioFuture *
aio_start_server_stackless (AioClientStartFunc  start,
                            gpointer            user_data,
                            GDestroyNotify      destroy,
                            const char         *host,
                            guint16             port,
                            int                 backlog,
                            AioServerFlags      flags,
                            AioTlsContext      *tls)
{
  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (tls == NULL || AIO_IS_TLS_CONTEXT (tls), NULL);
  g_return_val_if_fail (tls == NULL || aio_tls_context_is_server (tls), NULL);

  return start_tcp_server (server_new (NULL, start, user_data, destroy),
                           host, port, backlog, flags, tls);
}

/**
 * aio_start_server: (skip)
 * @func: (scope notified) (closure user_data) (destroy destroy): serves
 *   each client, in a task of its own
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the server is finalized
 * @host: (nullable): the address or host name to listen on; %NULL for
 *   every interface
 * @port: the TCP port; 0 picks a free one
 *
 * Starts a TCP server, as [func@Aio.start_server_full] with the default
 * backlog and no flags.
 *
 * Returns: (transfer full): a future for the [class@Aio.Server]
 *
 * Since: 1.0
 */
AioFuture *
aio_start_server (AioClientFunc   func,
                  gpointer        user_data,
                  GDestroyNotify  destroy,
                  const char     *host,
                  guint16         port)
{
  return aio_start_server_full (func, user_data, destroy, host, port, 0, AIO_SERVER_NONE, NULL);
}

static AioFuture *
start_unix_server (AioServer  *self,
                   const char *path)
{
  g_autoptr(GSocketAddress) address = NULL;
  GError *error = NULL;
  struct stat st;

  if (stat (path, &st) == 0 && S_ISSOCK (st.st_mode))
    unlink (path);
  address = g_unix_socket_address_new (path);
  if (listen_on (self, address, DEFAULT_BACKLOG, AIO_SERVER_NONE, FALSE, &error))
    self->unix_path = g_strdup (path);
  return server_future (self, error);
}

/**
 * aio_start_unix_server: (skip)
 * @func: (scope notified) (closure user_data) (destroy destroy): serves
 *   each client, in a task of its own
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the server is finalized
 * @path: the socket's path; a stale socket there is replaced, and the
 *   path is removed when the server closes
 *
 * Starts a Unix domain socket server, as asyncio's `start_unix_server()`.
 *
 * Returns: (transfer full): a future for the [class@Aio.Server]
 *
 * Since: 1.0
 */
AioFuture *
aio_start_unix_server (AioClientFunc   func,
                       gpointer        user_data,
                       GDestroyNotify  destroy,
                       const char     *path)
{
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  return start_unix_server (server_new (func, NULL, user_data, destroy), path);
}

/**
 * aio_start_unix_server_stackless:
 * @start: (scope notified) (closure user_data) (destroy destroy): starts
 *   serving each client and returns what to wait for
 * @user_data: data for @start
 * @destroy: (nullable): frees @user_data when the server is finalized
 * @path: the socket's path, as for [func@Aio.start_unix_server]
 *
 * Starts a Unix domain socket server whose handler does not need a C
 * coroutine, as [func@Aio.start_server_stackless] does for TCP.
 *
 * Returns: (transfer full): a future for the [class@Aio.Server]
 *
 * Since: 1.0
 */
AioFuture *
aio_start_unix_server_stackless (AioClientStartFunc  start,
                                 gpointer            user_data,
                                 GDestroyNotify      destroy,
                                 const char         *path)
{
  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  return start_unix_server (server_new (NULL, start, user_data, destroy), path);
}

static AioFuture *
invoke_client_closure (AioStreamReader *reader,
                       AioStreamWriter *writer,
                       gpointer         user_data)
{
  GClosure *closure = user_data;
  GValue params[2] = { G_VALUE_INIT, G_VALUE_INIT };
  GValue next = G_VALUE_INIT;
  AioFuture *future;

  g_value_init (&params[0], AIO_TYPE_STREAM_READER);
  g_value_set_object (&params[0], reader);
  g_value_init (&params[1], AIO_TYPE_STREAM_WRITER);
  g_value_set_object (&params[1], writer);
  g_value_init (&next, AIO_TYPE_FUTURE);

  g_closure_invoke (closure, &next, G_N_ELEMENTS (params), params, NULL);

  future = g_value_dup_object (&next);
  g_value_unset (&next);
  g_value_unset (&params[1]);
  g_value_unset (&params[0]);
  return future;
}

/**
 * aio_start_server_closure: (rename-to aio_start_server)
 * @handler: (transfer none): called with each client's
 *   [class@Aio.StreamReader] and [class@Aio.StreamWriter]; returns the
 *   [class@Aio.Future] (a task running the binding's coroutine, say) that
 *   serves the client, or %NULL when it is done already
 * @host: (nullable): the address or host name to listen on; %NULL or `""`
 *   for every interface, IPv4 and IPv6
 * @port: the TCP port; 0 picks a free one (see [method@Aio.Server.get_port])
 * @backlog: the listen queue length; 0 or less for asyncio's 100
 * @flags: options
 * @tls: (nullable): a server [class@Aio.TlsContext] to serve TLS
 *
 * Like [func@Aio.start_server_stackless], with the handler as a
 * [struct@GObject.Closure]: the form language bindings use, where it is
 * called `start_server`.  The closure is referenced (and sunk) until the
 * server is finalized.
 *
 * Returns: (transfer full): a future for the [class@Aio.Server]
 *
 * Since: 1.0
 */
AioFuture *
aio_start_server_closure (GClosure       *handler,
                          const char     *host,
                          guint16         port,
                          int             backlog,
                          AioServerFlags  flags,
                          AioTlsContext  *tls)
{
  g_return_val_if_fail (handler != NULL, NULL);

  return aio_start_server_stackless (invoke_client_closure, _aio_closure_take (handler),
                                     (GDestroyNotify) g_closure_unref,
                                     host, port, backlog, flags, tls);
}

/**
 * aio_start_unix_server_closure: (rename-to aio_start_unix_server)
 * @handler: (transfer none): called with each client's reader and writer,
 *   as for [func@Aio.start_server_closure]
 * @path: the socket's path, as for [func@Aio.start_unix_server_stackless]
 *
 * Like [func@Aio.start_unix_server_stackless], with the handler as a
 * [struct@GObject.Closure]: the form language bindings use, where it is
 * called `start_unix_server`.
 *
 * Returns: (transfer full): a future for the [class@Aio.Server]
 *
 * Since: 1.0
 */
AioFuture *
aio_start_unix_server_closure (GClosure   *handler,
                               const char *path)
{
  g_return_val_if_fail (handler != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  return aio_start_unix_server_stackless (invoke_client_closure, _aio_closure_take (handler),
                                          (GDestroyNotify) g_closure_unref, path);
}

/**
 * aio_server_close:
 * @self: an [class@Aio.Server]
 *
 * Stops listening, as asyncio's `Server.close()`; the clients being
 * served go on.  Ends [method@Aio.Server.serve_forever].
 *
 * Since: 1.0
 */
void
aio_server_close (AioServer *self)
{
  g_return_if_fail (AIO_IS_SERVER (self));

  if (!self->serving)
    return;
  self->serving = FALSE;
  g_ptr_array_set_size (self->listeners, 0);
  /* Accepted but not yet started: closed, as the kernel resets what is
   * still in a closed listener's queue.
   */
  drop_pending (self);
  if (self->unix_path != NULL)
    unlink (self->unix_path);
  _aio_stream_waiters_complete (self->forever_waiters, NULL);
  check_closed (self);
}

static GPtrArray *
client_writers (AioServer *self)
{
  GPtrArray *writers = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer writer;

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, &writer))
    g_ptr_array_add (writers, g_object_ref (writer));
  return writers;
}

/**
 * aio_server_close_clients:
 * @self: an [class@Aio.Server]
 *
 * Closes every client connection (after its buffered data), as asyncio
 * 3.13's `Server.close_clients()`: the handlers read the end of the
 * stream.
 *
 * Since: 1.0
 */
void
aio_server_close_clients (AioServer *self)
{
  g_autoptr(GPtrArray) writers = NULL;
  guint i;

  g_return_if_fail (AIO_IS_SERVER (self));

  writers = client_writers (self);
  for (i = 0; i < writers->len; i++)
    aio_stream_writer_close (writers->pdata[i]);
}

/**
 * aio_server_abort_clients:
 * @self: an [class@Aio.Server]
 *
 * Drops every client connection at once, as asyncio 3.13's
 * `Server.abort_clients()`, and cancels the client tasks, so
 * [method@Aio.Server.wait_closed] does not wait on a handler that is
 * awaiting something else.
 *
 * Since: 1.0
 */
void
aio_server_abort_clients (AioServer *self)
{
  g_autoptr(GPtrArray) writers = NULL;
  g_autoptr(GList) tasks = NULL;
  GList *l;
  guint i;

  g_return_if_fail (AIO_IS_SERVER (self));

  writers = client_writers (self);
  for (i = 0; i < writers->len; i++)
    aio_stream_writer_abort (writers->pdata[i]);
  tasks = g_hash_table_get_keys (self->clients);
  for (l = tasks; l != NULL; l = l->next)
    aio_task_cancel (l->data, "the server aborted its clients");
}

/**
 * aio_server_is_serving:
 * @self: an [class@Aio.Server]
 *
 * Whether the server still accepts connections.
 *
 * Returns: %TRUE until [method@Aio.Server.close]
 *
 * Since: 1.0
 */
gboolean
aio_server_is_serving (AioServer *self)
{
  g_return_val_if_fail (AIO_IS_SERVER (self), FALSE);

  return self->serving;
}

/**
 * aio_server_wait_closed:
 * @self: an [class@Aio.Server]
 *
 * Waits until the server is closed and every client task has ended, as
 * asyncio's `Server.wait_closed()`.
 *
 * Returns: (transfer full): a future for %TRUE
 *
 * Since: 1.0
 */
AioFuture *
aio_server_wait_closed (AioServer *self)
{
  AioFuture *future;

  g_return_val_if_fail (AIO_IS_SERVER (self), NULL);

  future = _aio_stream_waiters_add (self->closed_waiters, self->loop);
  check_closed (self);
  return future;
}

static gboolean
forever_cancelled (AioFuture  *future,
                   const char *msg,
                   gpointer    data)
{
  AioServer *self = data;

  g_ptr_array_remove_fast (self->forever_waiters, future);
  /* As asyncio's: cancelling serve_forever() closes the server. */
  aio_server_close (self);
  return TRUE;
}

/**
 * aio_server_serve_forever:
 * @self: an [class@Aio.Server]
 *
 * Waits until the server is closed, as asyncio's
 * `Server.serve_forever()`.  The server accepts connections whether or not
 * this is awaited; cancelling the wait closes the server.
 *
 * Returns: (transfer full): a future for %TRUE, once closed
 *
 * Since: 1.0
 */
AioFuture *
aio_server_serve_forever (AioServer *self)
{
  AioFuture *future;
  GValue value = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_SERVER (self), NULL);

  future = _aio_future_new_for_loop (self->loop);
  if (!self->serving)
    {
      g_value_init (&value, G_TYPE_BOOLEAN);
      g_value_set_boolean (&value, TRUE);
      _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
      return future;
    }
  g_ptr_array_add (self->forever_waiters, g_object_ref (future));
  _aio_future_set_cancel_hook (future, forever_cancelled, self, NULL);
  return future;
}

/**
 * aio_server_get_addresses:
 * @self: an [class@Aio.Server]
 *
 * The addresses the server listens on (asyncio's `Server.sockets`
 * addresses), with the port each was given.
 *
 * Returns: (transfer none) (element-type GSocketAddress): the addresses
 *
 * Since: 1.0
 */
GPtrArray *
aio_server_get_addresses (AioServer *self)
{
  g_return_val_if_fail (AIO_IS_SERVER (self), NULL);

  return self->addresses;
}

/**
 * aio_server_get_port:
 * @self: an [class@Aio.Server]
 *
 * The TCP port of the first address the server listens on, the one it
 * picked when started with port 0.
 *
 * Returns: the port, or 0 for a Unix socket server
 *
 * Since: 1.0
 */
guint16
aio_server_get_port (AioServer *self)
{
  g_return_val_if_fail (AIO_IS_SERVER (self), 0);

  if (self->addresses->len == 0 || !G_IS_INET_SOCKET_ADDRESS (self->addresses->pdata[0]))
    return 0;
  return g_inet_socket_address_get_port (self->addresses->pdata[0]);
}

/**
 * aio_server_get_n_clients:
 * @self: an [class@Aio.Server]
 *
 * How many client tasks are running.
 *
 * Returns: the count
 *
 * Since: 1.0
 */
guint
aio_server_get_n_clients (AioServer *self)
{
  g_return_val_if_fail (AIO_IS_SERVER (self), 0);

  return g_hash_table_size (self->clients);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UDP endpoints: both modes, addresses, ICMP refusals, broadcast, queued
 * sends and their flushing on close, cancellation, bad input, and
 * cancellation at each await of a request/reply exchange.
 */
#include "config.h"

#include <sys/socket.h>

#include "aio-glib.h"
#include "aio-test-utils.h"
#include "structured-test-utils.h"

static AioDatagramEndpoint *
create (const char       *local_host,
        guint16           local_port,
        const char       *remote_host,
        guint16           remote_port,
        AioDatagramFlags  flags)
{
  g_autoptr(GError) error = NULL;
  AioDatagramEndpoint *endpoint =
    aio_await_object (aio_create_datagram_endpoint (local_host, local_port,
                                                    remote_host, remote_port, flags),
                      &error);

  g_assert_no_error (error);
  g_assert_true (AIO_IS_DATAGRAM_ENDPOINT (endpoint));
  return endpoint;
}

static guint16
local_port (AioDatagramEndpoint *endpoint)
{
  GSocketAddress *address = aio_datagram_endpoint_get_local_address (endpoint);

  g_assert_true (G_IS_INET_SOCKET_ADDRESS (address));
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

/* The host @endpoint is bound to, as a literal ("::1" or "127.0.0.1"). */
static char *
local_host (AioDatagramEndpoint *endpoint)
{
  GSocketAddress *address = aio_datagram_endpoint_get_local_address (endpoint);

  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static void
send_text (AioDatagramEndpoint *endpoint,
           const char          *text,
           GSocketAddress      *address)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_datagram_endpoint_sendto (endpoint, bytes, address, &error));
  g_assert_no_error (error);
}

/* Receives one datagram and checks its text; returns the sender. */
static GSocketAddress *
receive_text (AioDatagramEndpoint *endpoint,
              const char          *expected)
{
  g_autoptr(GError) error = NULL;
  GSocketAddress *sender = NULL;
  g_autoptr(GBytes) data = aio_await_datagram (aio_datagram_endpoint_recvfrom (endpoint),
                                               &sender, &error);

  g_assert_no_error (error);
  g_assert_nonnull (data);
  g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                   expected, strlen (expected));
  return sender;
}

static void
close_and_wait (AioDatagramEndpoint *endpoint)
{
  g_autoptr(GError) error = NULL;

  aio_datagram_endpoint_close (endpoint);
  g_assert_true (aio_datagram_endpoint_is_closing (endpoint));
  g_assert_true (aio_await (aio_datagram_endpoint_wait_closed (endpoint), &error));
  g_assert_no_error (error);
}

static gboolean
same_port (GSocketAddress *address,
           guint16         port)
{
  return G_IS_INET_SOCKET_ADDRESS (address) &&
         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)) == port;
}

static void
roundtrip_body (AioTask  *task,
                gpointer  data)
{
  const char *host = data;
  g_autoptr(AioDatagramEndpoint) server = create (host, 0, NULL, 0, AIO_DATAGRAM_NONE);
  guint16 port = local_port (server);
  g_autoptr(AioDatagramEndpoint) client = create (NULL, 0, host, port, AIO_DATAGRAM_NONE);
  g_autoptr(GSocketAddress) from_client = NULL;
  g_autoptr(GSocketAddress) from_server = NULL;

  g_assert_null (aio_datagram_endpoint_get_remote_address (server));
  g_assert_true (same_port (aio_datagram_endpoint_get_remote_address (client), port));
  g_assert_true (aio_datagram_endpoint_get_extra_info (client, "peername") ==
                 G_OBJECT (aio_datagram_endpoint_get_remote_address (client)));
  g_assert_true (aio_datagram_endpoint_get_extra_info (server, "socket") ==
                 G_OBJECT (aio_datagram_endpoint_get_socket (server)));
  g_assert_null (aio_datagram_endpoint_get_extra_info (server, "peername"));
  g_assert_null (aio_datagram_endpoint_get_extra_info (server, "no-such-thing"));

  send_text (client, "ping", NULL);
  from_client = receive_text (server, "ping");
  /* The sender is the client's own address, reply and all. */
  g_assert_true (same_port (from_client, local_port (client)));
  send_text (server, "pong", from_client);
  from_server = receive_text (client, "pong");
  g_assert_true (same_port (from_server, port));

  /* A connected endpoint also takes its peer's address spelled out. */
  send_text (client, "again", from_server);
  g_clear_object (&from_client);
  from_client = receive_text (server, "again");

  /* The empty datagram is a datagram too. */
  send_text (client, "", NULL);
  g_clear_object (&from_client);
  from_client = receive_text (server, "");

  close_and_wait (client);
  close_and_wait (server);
}

static void
test_roundtrip_ipv4 (void)
{
  guint fds = aio_test_count_fds ();
  g_autoptr(AioTask) task = aio_test_run_task (roundtrip_body, (gpointer) "127.0.0.1");

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

static gboolean
have_ipv6_loopback (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  return socket != NULL && g_socket_bind (socket, address, FALSE, NULL);
}

static void
test_roundtrip_ipv6 (void)
{
  g_autoptr(AioTask) task = NULL;

  if (!have_ipv6_loopback ())
    {
      g_test_skip ("No IPv6 loopback here");
      return;
    }
  task = aio_test_run_task (roundtrip_body, (gpointer) "::1");
  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

static void
unconnected_body (AioTask  *task,
                  gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) a = create ("127.0.0.1", 0, NULL, 0, AIO_DATAGRAM_NONE);
  g_autoptr(AioDatagramEndpoint) b = create ("127.0.0.1", 0, NULL, 0, AIO_DATAGRAM_NONE);
  g_autoptr(AioDatagramEndpoint) c = create (NULL, 0, NULL, 0, AIO_DATAGRAM_NONE);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) to_a = g_inet_socket_address_new (loopback, local_port (a));
  g_autoptr(GSocketAddress) to_b = g_inet_socket_address_new (loopback, local_port (b));
  g_autoptr(GSocketAddress) s1 = NULL;
  g_autoptr(GSocketAddress) s2 = NULL;
  g_autoptr(GSocketAddress) s3 = NULL;

  /* One endpoint talks to several peers, and hears from several. */
  send_text (c, "to a", to_a);
  send_text (c, "to b", to_b);
  send_text (b, "b to a", to_a);
  s1 = receive_text (a, "to a");
  g_assert_true (same_port (s1, local_port (c)));
  s2 = receive_text (b, "to b");
  g_assert_true (same_port (s2, local_port (c)));
  s3 = receive_text (a, "b to a");
  g_assert_true (same_port (s3, local_port (b)));

  aio_datagram_endpoint_abort (a);
  aio_datagram_endpoint_abort (b);
  close_and_wait (c);
}

static void
test_unconnected (void)
{
  guint fds = aio_test_count_fds ();
  g_autoptr(AioTask) task = aio_test_run_task (unconnected_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

/* A port nobody listens on: bound, read, and let go. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
refused_body (AioTask  *task,
              gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) client = create (NULL, 0, "127.0.0.1", closed_port (),
                                                  AIO_DATAGRAM_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) nothing = NULL;
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello", 5);

  /* The ICMP "port unreachable" answer reaches the waiting receiver. */
  send_text (client, "anyone?", NULL);
  nothing = aio_await_datagram (aio_datagram_endpoint_recvfrom (client), NULL, &error);
  g_assert_null (nothing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  /* The endpoint stays usable: the next datagram is refused again, and
   * the refusal is reported once.
   */
  g_assert_false (aio_datagram_endpoint_is_closing (client));
  g_assert_true (aio_datagram_endpoint_sendto (client, hello, NULL, &error));
  g_assert_no_error (error);
  nothing = aio_await_datagram (aio_datagram_endpoint_recvfrom (client), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  close_and_wait (client);
}

static void
test_refused (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (refused_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

static void
broadcast_body (AioTask  *task,
                gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) listener = create ("0.0.0.0", 0, NULL, 0, AIO_DATAGRAM_NONE);
  g_autoptr(AioDatagramEndpoint) plain = create (NULL, 0, NULL, 0, AIO_DATAGRAM_NONE);
  g_autoptr(AioDatagramEndpoint) caster = create (NULL, 0, NULL, 0, AIO_DATAGRAM_ALLOW_BROADCAST);
  g_autoptr(GInetAddress) everyone = g_inet_address_new_from_string ("127.255.255.255");
  g_autoptr(GSocketAddress) to_all = g_inet_socket_address_new (everyone, local_port (listener));
  g_autoptr(GBytes) bytes = g_bytes_new_static ("hear ye", 7);
  g_autoptr(GSocketAddress) sender = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (g_socket_get_broadcast (aio_datagram_endpoint_get_socket (plain)));
  g_assert_true (g_socket_get_broadcast (aio_datagram_endpoint_get_socket (caster)));

  /* Without the option the system refuses a broadcast address. */
  g_assert_false (aio_datagram_endpoint_sendto (plain, bytes, to_all, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_assert_true (aio_datagram_endpoint_sendto (caster, bytes, to_all, &error));
  g_assert_no_error (error);
  sender = receive_text (listener, "hear ye");
  g_assert_true (same_port (sender, local_port (caster)));
}

static void
test_broadcast (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (broadcast_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

static void
reuse_port_body (AioTask  *task,
                 gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) first = create ("127.0.0.1", 0, NULL, 0, AIO_DATAGRAM_REUSE_PORT);
  guint16 port = local_port (first);
  g_autoptr(AioDatagramEndpoint) second = create ("127.0.0.1", port, NULL, 0, AIO_DATAGRAM_REUSE_PORT);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (local_port (second), ==, port);
  /* Without the option the port is taken. */
  g_assert_null (aio_await_object (aio_create_datagram_endpoint ("127.0.0.1", port, NULL, 0,
                                                                 AIO_DATAGRAM_NONE), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
}

static void
test_reuse_port (void)
{
  guint fds = aio_test_count_fds ();
  g_autoptr(AioTask) task = aio_test_run_task (reuse_port_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

/* A Unix datagram pair: the kernel makes the sender wait when the
 * receiver's queue is full, which UDP on loopback never does.
 */
static void
unix_pair (AioDatagramEndpoint **a,
           AioDatagramEndpoint **b)
{
  g_autoptr(GError) error = NULL;
  int fds[2];
  GSocket *sockets[2];
  int i;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  for (i = 0; i < 2; i++)
    {
      sockets[i] = g_socket_new_from_fd (fds[i], &error);
      g_assert_no_error (error);
    }
  *a = aio_datagram_endpoint_new_for_socket (sockets[0], NULL, &error);
  g_assert_no_error (error);
  *b = aio_datagram_endpoint_new_for_socket (sockets[1], NULL, &error);
  g_assert_no_error (error);
  g_object_unref (sockets[0]);
  g_object_unref (sockets[1]);
}

#define N_QUEUED 200
#define QUEUED_SIZE 1000

static void
queued_body (AioTask  *task,
             gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) sender = NULL;
  g_autoptr(AioDatagramEndpoint) receiver = NULL;
  g_autoptr(GError) error = NULL;
  guint8 payload[QUEUED_SIZE];
  gsize most_queued = 0;
  g_autoptr(GBytes) late = g_bytes_new_static ("x", 1);
  int i;

  unix_pair (&sender, &receiver);
  for (i = 0; i < N_QUEUED; i++)
    {
      g_autoptr(GBytes) bytes = NULL;

      memset (payload, i & 0xff, sizeof payload);
      bytes = g_bytes_new (payload, sizeof payload);
      g_assert_true (aio_datagram_endpoint_sendto (sender, bytes, NULL, &error));
      g_assert_no_error (error);
      most_queued = MAX (most_queued, aio_datagram_endpoint_get_write_buffer_size (sender));
    }
  /* The kernel took some; the rest wait in order. */
  g_assert_cmpuint (most_queued, >, 0);
  g_assert_cmpuint (most_queued, <, N_QUEUED * QUEUED_SIZE);

  /* close() sends what is queued before the socket goes. */
  aio_datagram_endpoint_close (sender);
  g_assert_false (aio_datagram_endpoint_sendto (sender, late, NULL, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_CLOSED);
  g_clear_error (&error);

  for (i = 0; i < N_QUEUED; i++)
    {
      g_autoptr(GBytes) got = aio_await_datagram (aio_datagram_endpoint_recvfrom (receiver),
                                                  NULL, &error);
      const guint8 *bytes;

      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (got), ==, QUEUED_SIZE);
      bytes = g_bytes_get_data (got, NULL);
      g_assert_cmpuint (bytes[0], ==, i & 0xff);
      g_assert_cmpuint (bytes[QUEUED_SIZE - 1], ==, i & 0xff);
    }
  g_assert_true (aio_await (aio_datagram_endpoint_wait_closed (sender), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aio_datagram_endpoint_get_write_buffer_size (sender), ==, 0);
}

static void
test_queued_sends (void)
{
  guint fds = aio_test_count_fds ();
  g_autoptr(AioTask) task = aio_test_run_task (queued_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

static void
abort_drops_body (AioTask  *task,
                  gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) sender = NULL;
  g_autoptr(AioDatagramEndpoint) receiver = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_malloc0 (QUEUED_SIZE), QUEUED_SIZE);
  g_autoptr(GError) error = NULL;

  unix_pair (&sender, &receiver);
  while (aio_datagram_endpoint_get_write_buffer_size (sender) == 0)
    g_assert_true (aio_datagram_endpoint_sendto (sender, bytes, NULL, &error));
  aio_datagram_endpoint_abort (sender);
  g_assert_cmpuint (aio_datagram_endpoint_get_write_buffer_size (sender), ==, 0);
  g_assert_true (aio_await (aio_datagram_endpoint_wait_closed (sender), &error));
  g_assert_no_error (error);
}

static void
test_abort_drops (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (abort_drops_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

static void
receivers_body (AioTask  *task,
                gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) server = create ("127.0.0.1", 0, NULL, 0, AIO_DATAGRAM_NONE);
  g_autoptr(AioDatagramEndpoint) client = create (NULL, 0, "127.0.0.1", local_port (server),
                                                  AIO_DATAGRAM_NONE);
  g_autoptr(AioFuture) cancelled = aio_datagram_endpoint_recvfrom (server);
  g_autoptr(AioFuture) first = aio_datagram_endpoint_recvfrom (server);
  g_autoptr(AioFuture) second = aio_datagram_endpoint_recvfrom (server);
  g_autoptr(AioFuture) closed = NULL;
  g_autoptr(GSocketAddress) sender = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;

  /* A cancelled receive takes nothing: the datagrams go, in order, to
   * the receivers still waiting.
   */
  g_assert_true (aio_future_cancel (cancelled, NULL));
  send_text (client, "one", NULL);
  send_text (client, "two", NULL);
  got = aio_await_datagram (g_steal_pointer (&second), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "two", 3);
  g_clear_pointer (&got, g_bytes_unref);
  got = aio_await_datagram (g_steal_pointer (&first), NULL, &error);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "one", 3);
  g_assert_true (aio_future_cancelled (cancelled));

  /* Cancelling a task blocked in recvfrom() loses nothing either. */
  {
    g_assert_false (aio_await (aio_wait_for (aio_datagram_endpoint_recvfrom (server), 0.05),
                               &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_clear_error (&error);
    send_text (client, "three", NULL);
    sender = receive_text (server, "three");
  }

  /* Closing fails the waiting receivers, and later ones at once. */
  closed = aio_datagram_endpoint_recvfrom (server);
  aio_datagram_endpoint_close (server);
  g_assert_false (aio_await (g_object_ref (closed), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (aio_await (aio_datagram_endpoint_recvfrom (server), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_CLOSED);
}

static void
test_receivers (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (receivers_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

static void
bad_input_body (AioTask  *task,
                gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) server = create ("127.0.0.1", 0, NULL, 0, AIO_DATAGRAM_NONE);
  g_autoptr(AioDatagramEndpoint) client = create ("127.0.0.1", 0, "127.0.0.1", local_port (server),
                                                  AIO_DATAGRAM_NONE);
  g_autoptr(GBytes) small = g_bytes_new_static ("x", 1);
  g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (70000), 70000);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) elsewhere = g_inet_socket_address_new (loopback, 9);
  g_autoptr(GSocket) stream = NULL;
  g_autoptr(GError) error = NULL;

  /* No destination, or another than the peer. */
  g_assert_false (aio_datagram_endpoint_sendto (server, small, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (aio_datagram_endpoint_sendto (client, small, elsewhere, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Larger than any UDP datagram. */
  g_assert_false (aio_datagram_endpoint_sendto (client, huge, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_clear_error (&error);

  /* Names that do not resolve, ports that are taken, families that do
   * not meet, sockets that are not datagram sockets.
   */
  g_assert_null (aio_await_object (aio_create_datagram_endpoint (NULL, 0, "no-such-host.invalid", 1,
                                                                 AIO_DATAGRAM_NONE), &error));
  g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (aio_await_object (aio_create_datagram_endpoint ("127.0.0.1", local_port (server),
                                                                 NULL, 0, AIO_DATAGRAM_NONE), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_clear_error (&error);
  g_assert_null (aio_await_object (aio_create_datagram_endpoint ("::1", 0, "127.0.0.1", 9,
                                                                 AIO_DATAGRAM_NONE), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  stream = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_null (aio_datagram_endpoint_new_for_socket (stream, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A socket the loop already watches. */
  g_assert_null (aio_datagram_endpoint_new_for_socket (aio_datagram_endpoint_get_socket (server),
                                                       NULL, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  /* A future with something else than a datagram. */
  {
    AioFuture *not_a_datagram = aio_future_new ();

    g_assert_true (aio_future_set_boolean (not_a_datagram, TRUE, NULL));
    g_assert_null (aio_await_datagram (not_a_datagram, NULL, &error));
    g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
    g_clear_error (&error);
  }
}

static void
test_bad_input (void)
{
  guint fds = aio_test_count_fds ();
  g_autoptr(AioTask) task = aio_test_run_task (bad_input_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

static gpointer
other_thread (gpointer data)
{
  AioDatagramEndpoint *endpoint = data;
  g_autoptr(GBytes) small = g_bytes_new_static ("x", 1);
  GError *error = NULL;

  g_assert_false (aio_datagram_endpoint_sendto (endpoint, small, NULL, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_clear_error (&error);
  /* The failure reaches the future through its loop. */
  return aio_datagram_endpoint_recvfrom (endpoint);
}

static void
wrong_thread_body (AioTask  *task,
                   gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) endpoint = create (NULL, 0, "127.0.0.1", 9, AIO_DATAGRAM_NONE);
  AioFuture *future = g_thread_join (g_thread_new ("other", other_thread, endpoint));
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_await (future, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
}

static void
test_wrong_thread (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (wrong_thread_body, NULL);

  g_assert_true (aio_future_done (AIO_FUTURE (task)));
}

/* A request and its reply, every await counted for the cancellation
 * helper; each run must free both endpoints, and their descriptors.
 */
static void
exchange_scenario (AioTask  *task,
                   gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) server = NULL;
  g_autoptr(AioDatagramEndpoint) client = NULL;
  g_autoptr(AioDatagram) request = NULL;
  g_autoptr(AioDatagram) reply = NULL;
  g_autoptr(GBytes) question = g_bytes_new_static ("question", 8);
  g_autoptr(GBytes) answer = g_bytes_new_static ("answer", 6);
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  AioFuture *future;

  future = aio_create_datagram_endpoint ("localhost", 0, NULL, 0, AIO_DATAGRAM_NONE);
  if (!st_await (g_object_ref (future), &error))
    goto out;
  server = st_track (g_object_ref (aio_future_get_object (future, NULL)));
  g_object_unref (future);

  /* "localhost" may have been bound as ::1 or as 127.0.0.1. */
  host = local_host (server);
  future = aio_create_datagram_endpoint (NULL, 0, host, local_port (server), AIO_DATAGRAM_NONE);
  if (!st_await (g_object_ref (future), &error))
    goto out;
  client = st_track (g_object_ref (aio_future_get_object (future, NULL)));
  g_object_unref (future);

  /* Each receive is asked for before its datagram is sent, so that its
   * await suspends until the loop sees the socket readable.
   */
  future = aio_datagram_endpoint_recvfrom (server);
  g_assert_true (aio_datagram_endpoint_sendto (client, question, NULL, &error));
  if (!st_await (g_object_ref (future), &error))
    goto out;
  request = aio_datagram_ref ((AioDatagram *) aio_future_get_boxed (future, NULL));
  g_object_unref (future);
  future = aio_datagram_endpoint_recvfrom (client);
  g_assert_true (aio_datagram_endpoint_sendto (server, answer,
                                               aio_datagram_get_address (request), &error));
  if (!st_await (g_object_ref (future), &error))
    goto out;
  reply = aio_datagram_ref ((AioDatagram *) aio_future_get_boxed (future, NULL));
  g_object_unref (future);
  g_assert_true (g_bytes_equal (aio_datagram_get_data (reply), answer));

  aio_datagram_endpoint_close (client);
  future = aio_datagram_endpoint_wait_closed (client);
  if (!st_await (g_object_ref (future), &error))
    goto out;
  g_object_unref (future);
  aio_datagram_endpoint_close (server);
  future = aio_datagram_endpoint_wait_closed (server);
  if (!st_await (g_object_ref (future), &error))
    goto out;
  g_object_unref (future);
  return;

out:
  g_object_unref (future);
  aio_task_return_error (task, g_steal_pointer (&error));
}

static void
exchange_check (AioTask  *root,
                guint     cancel_at,
                gpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("cancelled at await %u: %s", cancel_at,
                  st_cancelled (root) ? "cancelled" : "finished");
  if (cancel_at == 0 || !st_cancelled (root))
    {
      /* Only a cancellation that reached an await already done can be
       * outrun by the scenario's end: the last wait_closed, or the one
       * before it followed by another done at once.
       */
      g_assert_true (cancel_at == 0 || cancel_at >= 5);
      g_assert_true (aio_future_propagate (AIO_FUTURE (root), &error));
      g_assert_no_error (error);
    }
}

static void
test_cancel_at_each_await (void)
{
  guint fds = aio_test_count_fds ();

  g_assert_cmpuint (st_cancel_at_each_await (exchange_scenario, exchange_check, NULL), ==, 6);
  g_assert_cmpuint (st_plan.n_cancelled_runs, ==, 6);
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

static void
warm_up_body (AioTask  *task,
              gpointer  data)
{
  g_autoptr(AioDatagramEndpoint) endpoint = create ("localhost", 0, NULL, 0, AIO_DATAGRAM_NONE);

  close_and_wait (endpoint);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* What the first endpoint sets up for good (the loop's epoll
   * descriptor, GIO's resolver and its threads) is not a test's to count.
   */
  g_object_unref (aio_test_run_task (warm_up_body, NULL));
  aio_test_add_func ("/aio/datagram/roundtrip-ipv4", test_roundtrip_ipv4);
  aio_test_add_func ("/aio/datagram/roundtrip-ipv6", test_roundtrip_ipv6);
  aio_test_add_func ("/aio/datagram/unconnected", test_unconnected);
  aio_test_add_func ("/aio/datagram/refused", test_refused);
  aio_test_add_func ("/aio/datagram/broadcast", test_broadcast);
  aio_test_add_func ("/aio/datagram/reuse-port", test_reuse_port);
  aio_test_add_func ("/aio/datagram/queued-sends", test_queued_sends);
  aio_test_add_func ("/aio/datagram/abort-drops", test_abort_drops);
  aio_test_add_func ("/aio/datagram/receivers", test_receivers);
  aio_test_add_func ("/aio/datagram/bad-input", test_bad_input);
  aio_test_add_func ("/aio/datagram/wrong-thread", test_wrong_thread);
  aio_test_add_func ("/aio/datagram/cancel-at-each-await", test_cancel_at_each_await);
  return g_test_run ();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* bind(2) as is: g_socket_bind() resets SO_REUSEADDR, and SO_REUSEPORT of
 * a datagram socket, to its own choice.  The error names the address.
 */
gboolean _aio_socket_bind (GSocket         *socket,
                           GSocketAddress  *address,
                           GError         **error) G_GNUC_INTERNAL;

/* Sets TCP_NODELAY on a TCP @connection (anything else is left alone),
 * as asyncio does for its transports: a reply written in two pieces
 * must not wait for the peer's delayed ACK.
 */
void     _aio_socket_connection_set_nodelay (GSocketConnection *connection) G_GNUC_INTERNAL;

G_END_DECLS

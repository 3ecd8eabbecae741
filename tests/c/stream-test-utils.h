/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers shared by the stream and server tests: awaiting and checking
 * bytes, and an echo conversation from the client's side.
 */

#include <string.h>

#include "aio-glib.h"
#include "aio-test-utils.h"

G_GNUC_UNUSED static GBytes *
await_bytes (AioFuture  *future,
             GError    **error)
{
  return aio_await_boxed (future, error);
}

/* Checks that @bytes (taken) hold @expected. */
G_GNUC_UNUSED static void
assert_bytes (GBytes     *bytes,
              const char *expected)
{
  gsize len;
  const char *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (data, len, expected, strlen (expected));
  g_bytes_unref (bytes);
}

/* Connects with @connect, sends @lines lines to an echo server and checks
 * each answer, then closes.
 */
G_GNUC_UNUSED static void
echo_round_trip (AioFuture *connect,
                 guint      lines)
{
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  GError *error = NULL;
  guint i;

  g_assert_true (aio_await_streams (connect, &reader, &writer, &error));
  g_assert_no_error (error);
  for (i = 0; i < lines; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u\n", i);

      g_assert_true (aio_stream_writer_write (writer, (const guint8 *) line, strlen (line), NULL));
      assert_bytes (await_bytes (aio_stream_reader_readline (reader), NULL), line);
    }
  aio_stream_writer_close (writer);
  g_assert_true (aio_await (aio_stream_writer_wait_closed (writer), NULL));
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AioStreamReader against a reference model, for libFuzzer (and for the
 * replay program that runs the same check on generated inputs).
 *
 * An input is a script: the reader's limit, a list of operations (read,
 * read to the end, readline, readexactly, readuntil with one separator or
 * two, an operation cancelled as soon as it is started, at_eof), a list of
 * chunk sizes and the payload.  A feeder task writes the payload into a
 * socket in those chunks, yielding to the loop after each, then shuts its
 * side down; a reader task runs the operations on the other end.  Every
 * result is checked against a model that knows the whole payload:
 *
 * - read(n) gives a non-empty prefix of the rest, at most n bytes, or
 *   nothing at the end; read(-1) gives the whole rest;
 * - readexactly(n) gives n bytes, or fails with INCOMPLETE_READ carrying
 *   the whole rest when fewer remain;
 * - readuntil gives the rest up to the earliest-ending separator, fails
 *   with LIMIT_OVERRUN and consumes nothing when that separator starts
 *   past the limit (or when none comes and the rest exceeds it), and with
 *   INCOMPLETE_READ carrying the rest when none comes before the end;
 *   readline is readuntil "\n" that returns the rest at the end instead,
 *   and drops an overlong line (how much depends on timing, so the model
 *   stops comparing bytes after one);
 * - a cancelled operation consumes nothing;
 * - at_eof is true only when nothing remains.
 */
#define _GNU_SOURCE  /* memmem() */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "aio-glib.h"
#include "reader-model.h"

#define MAX_OPS 24
#define MAX_CHUNKS 16

static const char *const separators[] = { "\n", "ab", "aba", "\r\n" };

typedef struct
{
  guint8 kind;
  guint8 param;
} Op;

typedef struct
{
  gsize         limit;
  Op            ops[MAX_OPS];
  guint         n_ops;
  guint8        chunks[MAX_CHUNKS];
  guint         n_chunks;
  const guint8 *payload;
  gsize         payload_len;

  /* The model: what the reader has not given out yet starts here. */
  gsize         pos;
  gboolean      desynced;   /* after a dropped overlong line */

  int           peer;       /* the feeder's end */
  AioStreamReader *reader;
} Script;

/* -- the model ------------------------------------------------------------- */

static gsize
remaining (Script *script)
{
  return script->payload_len - script->pos;
}

static const guint8 *
rest (Script *script)
{
  return script->payload + script->pos;
}

/* Takes @got (owned) as the next bytes of the stream. */
static void
expect_prefix (Script *script,
               GBytes *got)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (got, &len);

  if (!script->desynced)
    {
      g_assert_cmpuint (len, <=, remaining (script));
      g_assert_true (len == 0 || memcmp (data, rest (script), len) == 0);
      script->pos += len;
    }
  g_bytes_unref (got);
}

/* Where the earliest-ending of @seps ends in the rest, and where it
 * starts; FALSE when none is there.
 */
static gboolean
model_find (Script      *script,
            const char **seps,
            guint        n_seps,
            gsize       *start,
            gsize       *end)
{
  gboolean found = FALSE;
  guint i;

  for (i = 0; i < n_seps; i++)
    {
      gsize sep_len = strlen (seps[i]);
      const guint8 *hit = remaining (script) >= sep_len
                          ? memmem (rest (script), remaining (script), seps[i], sep_len) : NULL;

      if (hit != NULL && (!found || (gsize) (hit - rest (script)) + sep_len < *end))
        {
          *start = hit - rest (script);
          *end = *start + sep_len;
          found = TRUE;
        }
    }
  return found;
}

static gsize
longest (const char **seps,
         guint        n_seps)
{
  gsize most = 0;
  guint i;

  for (i = 0; i < n_seps; i++)
    most = MAX (most, strlen (seps[i]));
  return most;
}

/* -- checking one operation ------------------------------------------------ */

static void
check_readuntil (Script      *script,
                 AioFuture   *future,
                 const char **seps,
                 guint        n_seps,
                 gboolean     is_line)
{
  g_autoptr(GError) error = NULL;
  GBytes *got = aio_await_boxed (future, &error);
  gsize start = 0, end = 0;
  gboolean found;

  if (script->desynced)
    {
      g_clear_pointer (&got, g_bytes_unref);
      return;
    }
  found = model_find (script, seps, n_seps, &start, &end);

  if (found && start <= script->limit)
    {
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (got), ==, end);
      expect_prefix (script, got);
      return;
    }
  if (found || remaining (script) + 1 > longest (seps, n_seps) + script->limit)
    {
      g_assert_null (got);
      g_assert_error (error, AIO_ERROR, AIO_ERROR_LIMIT_OVERRUN);
      /* readline drops the line, by an amount that depends on timing. */
      if (is_line)
        script->desynced = TRUE;
      return;
    }
  if (is_line)
    {
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (got), ==, remaining (script));
      expect_prefix (script, got);
      return;
    }
  g_assert_null (got);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INCOMPLETE_READ);
  g_assert_cmpint (aio_error_get_expected (error), ==, -1);
  g_assert_cmpuint (g_bytes_get_size (aio_error_get_partial (error)), ==, remaining (script));
  expect_prefix (script, g_bytes_ref (aio_error_get_partial (error)));
}

static void
check_readexactly (Script    *script,
                   AioFuture *future,
                   gsize      n)
{
  g_autoptr(GError) error = NULL;
  GBytes *got = aio_await_boxed (future, &error);

  if (script->desynced)
    {
      g_clear_pointer (&got, g_bytes_unref);
      return;
    }
  if (remaining (script) >= n)
    {
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (got), ==, n);
      expect_prefix (script, got);
      return;
    }
  g_assert_null (got);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INCOMPLETE_READ);
  g_assert_cmpint (aio_error_get_expected (error), ==, (gssize) n);
  g_assert_cmpuint (g_bytes_get_size (aio_error_get_partial (error)), ==, remaining (script));
  expect_prefix (script, g_bytes_ref (aio_error_get_partial (error)));
}

static void
check_read (Script    *script,
            AioFuture *future,
            gssize     n)
{
  g_autoptr(GError) error = NULL;
  GBytes *got = aio_await_boxed (future, &error);
  gsize len;

  g_assert_no_error (error);
  len = g_bytes_get_size (got);
  if (!script->desynced)
    {
      if (n < 0 || remaining (script) == 0)
        g_assert_cmpuint (len, ==, remaining (script));
      else
        g_assert_true (len >= 1 && len <= (gsize) n);
    }
  expect_prefix (script, got);
}

/* Starts the operation @op describes; its separators in *@seps. */
static AioFuture *
start_op (Script      *script,
          guint        kind,
          guint8       param,
          const char **seps,
          guint       *n_seps)
{
  AioStreamReader *reader = script->reader;

  switch (kind)
    {
    case 0:
      return aio_stream_reader_read (reader, 1 + param % 32);
    case 1:
      return aio_stream_reader_read (reader, -1);
    case 2:
      seps[0] = "\n";
      *n_seps = 1;
      return aio_stream_reader_readline (reader);
    case 3:
      return aio_stream_reader_readexactly (reader, param % 40);
    case 4:
      seps[0] = separators[param % G_N_ELEMENTS (separators)];
      *n_seps = 1;
      return aio_stream_reader_readuntil (reader, (const guint8 *) seps[0], strlen (seps[0]));
    default:
      {
        GBytes *both[2];
        AioFuture *future;

        seps[0] = separators[param % G_N_ELEMENTS (separators)];
        seps[1] = separators[(param / 4) % G_N_ELEMENTS (separators)];
        *n_seps = 2;
        both[0] = g_bytes_new_static (seps[0], strlen (seps[0]));
        both[1] = g_bytes_new_static (seps[1], strlen (seps[1]));
        future = aio_stream_reader_readuntil_any (reader, both, 2);
        g_bytes_unref (both[0]);
        g_bytes_unref (both[1]);
        return future;
      }
    }
}

static void
check_op (Script    *script,
          guint      kind,
          guint8     param,
          AioFuture *future,
          const char **seps,
          guint      n_seps)
{
  switch (kind)
    {
    case 0:
      check_read (script, future, 1 + param % 32);
      break;
    case 1:
      check_read (script, future, -1);
      break;
    case 2:
      check_readuntil (script, future, seps, n_seps, TRUE);
      break;
    case 3:
      check_readexactly (script, future, param % 40);
      break;
    default:
      check_readuntil (script, future, seps, n_seps, FALSE);
      break;
    }
}

static void
run_op (Script *script,
        Op     *op)
{
  const char *seps[2] = { NULL, NULL };
  guint n_seps = 0;
  guint kind = op->kind % 9;
  AioFuture *future;

  if (kind == 8)
    {
      if (aio_stream_reader_at_eof (script->reader) && !script->desynced)
        g_assert_cmpuint (remaining (script), ==, 0);
      return;
    }
  if (kind >= 6)
    {
      /* Started and at once cancelled: if it could not complete from
       * what was buffered, nothing may be lost.
       */
      guint inner = op->param % 6;

      future = start_op (script, inner, op->param / 6, seps, &n_seps);
      if (!aio_future_done (future))
        {
          g_assert_true (aio_future_cancel (future, NULL));
          g_assert_true (aio_future_cancelled (future));
          g_object_unref (future);
          return;
        }
      check_op (script, inner, op->param / 6, future, seps, n_seps);
      return;
    }
  future = start_op (script, kind, op->param, seps, &n_seps);
  check_op (script, kind, op->param, future, seps, n_seps);
}

/* -- the two tasks --------------------------------------------------------- */

static void
feeder_body (AioTask  *task,
             gpointer  data)
{
  Script *script = data;
  gsize sent = 0;
  guint i = 0;

  while (sent < script->payload_len)
    {
      gsize chunk = script->chunks[i++ % script->n_chunks];
      gsize size = MIN (chunk, script->payload_len - sent);
      gssize n = write (script->peer, script->payload + sent, size);

      /* The peer is non-blocking: a full socket (many tiny writes fill
       * it fast) waits for the reader instead of blocking the loop.
       */
      if (n < 0 && errno == EAGAIN)
        {
          i--;
          g_assert_true (aio_await (aio_sleep (0.001), NULL));
          continue;
        }
      g_assert_cmpint (n, >, 0);
      sent += n;
      g_assert_true (aio_await (aio_sleep (0), NULL));
    }
  g_assert_cmpint (shutdown (script->peer, SHUT_WR), ==, 0);
}

static void
reader_body (AioTask  *task,
             gpointer  data)
{
  Script *script = data;
  guint i;

  for (i = 0; i < script->n_ops; i++)
    run_op (script, &script->ops[i]);
  /* Whatever the script left is still there, in order. */
  {
    g_autoptr(GBytes) tail = aio_await_boxed (aio_stream_reader_read (script->reader, -1), NULL);

    g_assert_nonnull (tail);
    if (!script->desynced)
      {
        g_assert_cmpuint (g_bytes_get_size (tail), ==, remaining (script));
        expect_prefix (script, g_steal_pointer (&tail));
      }
  }
  g_assert_true (aio_stream_reader_at_eof (script->reader));
}

/* -- decoding and running an input ---------------------------------------- */

static gboolean
decode (Script       *script,
        const guint8 *data,
        gsize         size)
{
  gsize at = 0;
  guint i;

  if (size < 3)
    return FALSE;
  script->limit = data[at] < 200 ? 1 + data[at] % 48 : AIO_STREAM_READER_DEFAULT_LIMIT;
  at++;
  script->n_ops = 1 + data[at++] % MAX_OPS;
  for (i = 0; i < script->n_ops; i++)
    {
      script->ops[i].kind = at < size ? data[at++] : 0;
      script->ops[i].param = at < size ? data[at++] : 0;
    }
  script->n_chunks = 1 + (at < size ? data[at++] : 0) % MAX_CHUNKS;
  for (i = 0; i < script->n_chunks; i++)
    script->chunks[i] = 1 + (at < size ? data[at++] : 0) % 64;
  script->payload = data + MIN (at, size);
  script->payload_len = size - MIN (at, size);
  return TRUE;
}

int
aio_reader_model_run (const guint8 *data,
                      gsize         size)
{
  Script script = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(AioStreamWriter) writer = NULL;
  g_autoptr(AioTask) feeder = NULL;
  g_autoptr(AioTask) reader = NULL;
  AioLoop *loop = aio_loop_get_default ();
  int fds[2];

  if (!decode (&script, data, size))
    return 0;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds), ==, 0);
  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);
  writer = aio_stream_writer_new_for_connection (G_IO_STREAM (connection), loop, &error);
  g_assert_no_error (error);
  script.reader = aio_stream_writer_get_reader (writer);
  aio_stream_reader_set_limit (script.reader, script.limit);
  script.peer = fds[1];

  feeder = aio_task_new_full (loop, "feeder", 0, feeder_body, &script, NULL);
  reader = aio_task_new_full (loop, "reader", 0, reader_body, &script, NULL);
  aio_loop_run_until_complete (loop, AIO_FUTURE (reader), NULL);
  aio_loop_run_until_complete (loop, AIO_FUTURE (feeder), NULL);
  g_assert_true (aio_future_propagate (AIO_FUTURE (reader), NULL));
  g_assert_true (aio_future_propagate (AIO_FUTURE (feeder), NULL));

  aio_stream_writer_abort (writer);
  close (script.peer);
  return 0;
}

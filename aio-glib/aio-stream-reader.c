/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE  /* memmem() */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <gio/gfiledescriptorbased.h>
#include <gio/gunixinputstream.h>

#include "aio-error-private.h"
#include "aio-future-private.h"
#include "aio-gobject-private.h"
#include "aio-stream-private.h"

/**
 * AioStreamReader:
 *
 * Reads a byte stream, as asyncio's `StreamReader`: whole lines, exact
 * counts, up to a separator, or whatever has arrived.
 *
 * A reader comes from [func@Aio.open_connection], from a server's client
 * handler, or from [ctor@Aio.StreamReader.new_for_stream] over any
 * [class@Gio.InputStream].  Each method returns a future to await; one
 * task at a time may wait on a reader.
 *
 * On a plain socket, a read is a non-blocking `recv()`; the task waits on
 * the loop's epoll only when the socket has nothing to give.  Other
 * streams are read without blocking when they are pollable (TLS
 * connections, pipes), and with GIO's `_async` calls otherwise.  A
 * local file's data that is in the page cache is read straight away, with
 * a non-blocking `preadv2()`; only a read that would wait on the disk goes
 * to GIO's worker thread.
 *
 * Cancelling the task that awaits a read loses no bytes: what arrived
 * stays in the reader's buffer for the next read.  Once the stream has
 * failed (a reset connection), every read fails with that error, as in
 * asyncio.
 *
 * Since: 1.0
 */

#define CHUNK_SIZE (64 * 1024)
/* Reads in one go before giving the loop its turn back. */
#define FILLS_PER_TURN 16

typedef enum
{
  OP_NONE,
  OP_READ,
  OP_READ_ALL,
  OP_READEXACTLY,
  OP_READUNTIL,
  OP_READLINE,
} OpKind;

typedef enum
{
  FILL_DATA,
  FILL_EOF,
  FILL_WAIT,
  FILL_ERROR,
} FillResult;

struct _AioStreamReader
{
  GObject            parent_instance;

  AioLoop           *loop;        /* (owned) */
  AioStreamChannel  *channel;     /* (owned) (nullable) */
  GInputStream      *input;       /* (owned) (nullable) when not the fd */
  GSource           *wait_source; /* (owned) (nullable) pollable wait */
  guint8            *chunk;       /* (owned) (nullable) async read in flight */
  guint              pollable : 1;
  guint              eof : 1;
  guint              repoke_queued : 1;
  guint              behind : 1;  /* the last recv() filled all the room it had */
  guint              large : 1;   /* the last recv() brought more than SMALL_READ */
  guint              nowait : 1;  /* file_fd takes RWF_NOWAIT reads */
  int                file_fd;     /* a regular file's descriptor, the input's; or -1 */

  guint8            *buf;         /* (owned) (nullable) */
  gsize              start;
  gsize              end;
  gsize              alloc;
  gsize              limit;
  GError            *exception;   /* (owned) (nullable) */

  struct
  {
    OpKind      kind;
    gsize       n;
    GBytes    **separators;       /* (owned) (nullable) */
    guint       n_separators;
    gsize       offset;           /* where the separator search resumes */
    AioFuture  *future;           /* (owned) (nullable) */
  } op;
};

G_DEFINE_FINAL_TYPE (AioStreamReader, aio_stream_reader, G_TYPE_OBJECT)

static void progress (AioStreamReader *self);

static inline gsize
buffered (AioStreamReader *self)
{
  return self->end - self->start;
}

static void
disarm (AioStreamReader *self)
{
  if (self->wait_source != NULL)
    {
      g_source_destroy (self->wait_source);
      g_clear_pointer (&self->wait_source, g_source_unref);
    }
}

static void
clear_op (AioStreamReader *self)
{
  guint i;

  for (i = 0; i < self->op.n_separators; i++)
    g_bytes_unref (self->op.separators[i]);
  g_clear_pointer (&self->op.separators, g_free);
  self->op.n_separators = 0;
  self->op.kind = OP_NONE;
  self->op.offset = 0;
  disarm (self);
}

/* Ends the pending operation; takes @bytes or @failure. */
static void
finish (AioStreamReader *self,
        GBytes          *bytes,
        GError          *failure)
{
  AioFuture *future = g_steal_pointer (&self->op.future);

  clear_op (self);
  if (failure != NULL)
    _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL, failure, NULL);
  else
    {
      GValue value = G_VALUE_INIT;

      _aio_value_take_boxed (&value, G_TYPE_BYTES, bytes);
      _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
    }
  _aio_release (future);
}

/* Takes the first @n buffered bytes.  When they are the whole buffer, the
 * buffer itself becomes the result, so a read of what arrived copies
 * nothing and an idle reader holds no memory.
 */
static GBytes *
take (AioStreamReader *self,
      gsize            n)
{
  GBytes *bytes;

  g_assert (n <= buffered (self));

  if (n == 0)
    return g_bytes_new_static ("", 0);
  /* The whole buffer becomes the bytes, unless most of it would be
   * wasted (shrinking a large block may cost a copy and an munmap()).
   */
  if (self->start == 0 && n == self->end && n >= self->alloc / 2)
    {
      guint8 *data = g_steal_pointer (&self->buf);

      if (n < self->alloc)
        data = g_realloc (data, n);
      self->start = self->end = self->alloc = 0;
      return g_bytes_new_take (data, n);
    }
  bytes = g_bytes_new (self->buf + self->start, n);
  self->start += n;
  if (self->start == self->end)
    {
      g_clear_pointer (&self->buf, g_free);
      self->start = self->end = self->alloc = 0;
    }
  return bytes;
}

static void
discard (AioStreamReader *self,
         gsize            n)
{
  g_bytes_unref (take (self, MIN (n, buffered (self))));
}

static void
append (AioStreamReader *self,
        const guint8    *data,
        gsize            n);

/* Makes room for at least @space more bytes at the end. */
static void
reserve (AioStreamReader *self,
         gsize            space)
{
  if (self->alloc - self->end >= space)
    return;
  if (self->start > 0)
    {
      memmove (self->buf, self->buf + self->start, buffered (self));
      self->end -= self->start;
      self->start = 0;
      if (self->alloc - self->end >= space)
        return;
    }
  self->alloc = MAX (self->end + space, self->alloc * 2);
  self->buf = g_realloc (self->buf, self->alloc);
}

static void
append (AioStreamReader *self,
        const guint8    *data,
        gsize            n)
{
  reserve (self, n);
  memcpy (self->buf + self->end, data, n);
  self->end += n;
}

static void
set_exception (AioStreamReader *self,
               GError          *error)
{
  if (self->exception == NULL)
    self->exception = error;
  else
    g_error_free (error);
}

static void
async_read_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AioStreamReader *self = user_data;
  g_autofree guint8 *chunk = g_steal_pointer (&self->chunk);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n > 0)
    append (self, chunk, n);
  else if (n == 0)
    self->eof = TRUE;
  else
    set_exception (self, error);
  progress (self);
  g_object_unref (self);
}

static gboolean
pollable_ready (GObject  *stream,
                gpointer  user_data)
{
  AioStreamReader *self = user_data;

  g_clear_pointer (&self->wait_source, g_source_unref);
  progress (self);
  return G_SOURCE_REMOVE;
}

/* Room to read into: what a read (n) asks for, up to a chunk, so a bulk
 * reader takes whole chunks per system call; four times that once a
 * recv() has found more than it had room for, so a reader that fell
 * behind catches up with one system call (and no wait on the loop) for
 * several reads.
 */
static gsize
fill_size (AioStreamReader *self)
{
  if (self->op.kind == OP_READ)
    return CLAMP (self->behind ? self->op.n * 4 : self->op.n, CHUNK_SIZE / 4,
                  self->behind ? 4 * CHUNK_SIZE : CHUNK_SIZE);
  return CHUNK_SIZE / 4;
}

/* What a read of @n >= 0 bytes into the buffer's end gave. */
static FillResult
filled (AioStreamReader *self,
        gsize            n)
{
  if (n == 0)
    {
      self->eof = TRUE;
      return FILL_EOF;
    }
  self->end += n;
  return FILL_DATA;
}

/* A read that failed with @saved_errno: the reader's exception from now on. */
static FillResult
fill_failed (AioStreamReader *self,
             int              saved_errno,
             const char      *what)
{
  set_exception (self, g_error_new (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                    "%s: %s", what, g_strerror (saved_errno)));
  return FILL_ERROR;
}

/* Where an empty reader receives while messages come small: one chunk
 * per thread, so a reader that takes small messages as they come neither
 * allocates nor frees a whole chunk for each (the buffer it would have
 * filled goes with the bytes taken), and the memory the kernel copies
 * into stays in the cache.  Large reads go straight to the buffer, which
 * becomes the bytes taken: copying them out of the scratch chunk would
 * cost a bulk transfer a tenth of its speed.
 */
#define SMALL_READ 4096

static GPrivate scratch_key = G_PRIVATE_INIT (g_free);

static guint8 *
thread_scratch (void)
{
  guint8 *scratch = g_private_get (&scratch_key);

  if (G_UNLIKELY (scratch == NULL))
    {
      scratch = g_malloc (CHUNK_SIZE);
      g_private_set (&scratch_key, scratch);
    }
  return scratch;
}

static FillResult
fill_from_fd (AioStreamReader *self,
              int              fd)
{
  gsize room = fill_size (self);
  gboolean via_scratch;
  guint8 *into;
  gssize n;

  if (!self->channel->readable)
    return FILL_WAIT;
  via_scratch = self->buf == NULL && room <= CHUNK_SIZE && !self->large;
  if (via_scratch)
    into = thread_scratch ();
  else
    {
      reserve (self, room);
      into = self->buf + self->end;
      room = self->alloc - self->end;
    }
  do
    n = recv (fd, into, room, 0);
  while (n < 0 && errno == EINTR);

  if (n > 0)
    {
      /* A short read emptied the socket: anything that arrives after it
       * raises a new edge, so the EAGAIN a second recv() would return is
       * not needed to know it.  Not so for an end of stream that came
       * before this read: its edge is spent, and only the next recv()
       * tells it.
       */
      self->behind = (gsize) n == room;
      self->large = n > SMALL_READ;
      if (!self->behind && !self->channel->peer_closed)
        self->channel->readable = FALSE;
      if (via_scratch)
        {
          append (self, into, (gsize) n);
          return FILL_DATA;
        }
    }
  if (n >= 0)
    return filled (self, (gsize) n);
  if (errno == EAGAIN || errno == EWOULDBLOCK)
    {
      self->channel->readable = FALSE;
      return FILL_WAIT;
    }
  return fill_failed (self, errno, "Error receiving data");
}

/* A file in the page cache is read on the loop thread, as much as the
 * read asks for in one call (up to FILE_FILL_MAX), as cat would: a thread
 * hop per chunk would cost more than the copy.  FILL_WAIT means the data
 * is not cached (or the kernel cannot tell): the caller reads through
 * GIO's worker thread instead.
 */
#define FILE_FILL_MAX (1024 * 1024)

static FillResult
fill_from_file (AioStreamReader *self)
{
#ifdef RWF_NOWAIT
  struct iovec iov;
  gssize n;

  if (g_input_stream_is_closed (self->input))
    {
      /* Its descriptor may be another file's by now. */
      set_exception (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                                "Stream is already closed"));
      return FILL_ERROR;
    }
  reserve (self, self->op.kind == OP_READ
                 ? CLAMP (self->op.n, CHUNK_SIZE, FILE_FILL_MAX)
                 : self->op.kind == OP_READ_ALL ? FILE_FILL_MAX : CHUNK_SIZE);
  iov.iov_base = self->buf + self->end;
  iov.iov_len = self->alloc - self->end;
  do
    n = preadv2 (self->file_fd, &iov, 1, -1, RWF_NOWAIT);
  while (n < 0 && errno == EINTR);

  if (n >= 0)
    return filled (self, (gsize) n);
  if (errno != EAGAIN)
    {
      int saved = errno;

      if (saved != EOPNOTSUPP && saved != EINVAL && saved != ENOSYS)
        return fill_failed (self, saved, "Error reading file");
      self->nowait = FALSE;   /* this file system cannot say; GIO's way from now on */
    }
#else
  self->nowait = FALSE;
#endif
  return FILL_WAIT;
}

static FillResult
fill_from_stream (AioStreamReader *self)
{
  GError *error = NULL;
  gssize n;

  if (self->chunk != NULL || self->wait_source != NULL)
    return FILL_WAIT;   /* already waiting for the stream */

  if (self->nowait)
    {
      FillResult result = fill_from_file (self);

      if (result != FILL_WAIT)
        return result;
    }

  if (self->pollable)
    {
      reserve (self, fill_size (self));
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->input),
                                                    self->buf + self->end,
                                                    self->alloc - self->end,
                                                    NULL, &error);
      if (n >= 0)
        return filled (self, (gsize) n);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_error_free (error);
          self->wait_source =
            g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->input), NULL);
          g_source_set_callback (self->wait_source, G_SOURCE_FUNC (pollable_ready), self, NULL);
          g_source_attach (self->wait_source, aio_loop_get_context (self->loop));
          return FILL_WAIT;
        }
      set_exception (self, error);
      return FILL_ERROR;
    }

  /* The chunk is the reader's, not the buffer's, so a cancelled read
   * leaves GIO writing into memory nobody moves; what it reads still
   * lands in the buffer.
   */
  self->chunk = g_malloc (CHUNK_SIZE);
  g_input_stream_read_async (self->input, self->chunk, CHUNK_SIZE, G_PRIORITY_DEFAULT,
                             NULL, async_read_done, g_object_ref (self));
  return FILL_WAIT;
}

static FillResult
fill (AioStreamReader *self)
{
  if (self->eof)
    return FILL_EOF;
  if (self->exception != NULL)
    return FILL_ERROR;
  if (self->channel != NULL && self->channel->closed)
    {
      self->eof = TRUE;
      return FILL_EOF;
    }
  if (self->channel != NULL && self->channel->fd >= 0)
    return fill_from_fd (self, self->channel->fd);
  return fill_from_stream (self);
}

/* Where the earliest-ending separator ends in the buffer, from
 * op.offset on; returns FALSE if none is there yet.
 */
static gboolean
find_separator (AioStreamReader *self,
                gsize           *match_start,
                gsize           *match_end)
{
  gsize len = buffered (self);
  const guint8 *data;
  gboolean found = FALSE;
  guint i;

  if (len == 0)
    return FALSE;   /* and the buffer may not be allocated yet */
  data = self->buf + self->start;

  for (i = 0; i < self->op.n_separators; i++)
    {
      gsize sep_len;
      const guint8 *sep = g_bytes_get_data (self->op.separators[i], &sep_len);
      const guint8 *hit;

      if (self->op.offset + sep_len > len)
        continue;
      hit = memmem (data + self->op.offset, len - self->op.offset, sep, sep_len);
      if (hit != NULL && (!found || (gsize) (hit - data) + sep_len < *match_end))
        {
          *match_start = hit - data;
          *match_end = *match_start + sep_len;
          found = TRUE;
        }
    }
  return found;
}

static gsize
longest_separator (AioStreamReader *self)
{
  gsize longest = 0;
  guint i;

  for (i = 0; i < self->op.n_separators; i++)
    longest = MAX (longest, g_bytes_get_size (self->op.separators[i]));
  return longest;
}

static gboolean
try_readuntil (AioStreamReader *self)
{
  gsize match_start = 0, match_end = 0;
  gboolean is_line = self->op.kind == OP_READLINE;

  if (find_separator (self, &match_start, &match_end))
    {
      if (match_start > self->limit)
        {
          if (is_line)
            discard (self, match_end);
          finish (self, NULL,
                  _aio_error_new_limit_overrun ("Separator is found, but chunk is longer than limit",
                                                match_start));
          return TRUE;
        }
      finish (self, take (self, match_end), NULL);
      return TRUE;
    }

  /* Nothing yet: the next search starts where a separator cut by the
   * end of the buffer could begin.
   */
  if (buffered (self) + 1 > longest_separator (self))
    self->op.offset = buffered (self) + 1 - longest_separator (self);
  if (self->op.offset > self->limit)
    {
      gsize consumed = self->op.offset;

      if (is_line)
        discard (self, buffered (self));
      finish (self, NULL,
              _aio_error_new_limit_overrun ("Separator is not found, and chunk exceed the limit",
                                            consumed));
      return TRUE;
    }
  if (self->eof)
    {
      GBytes *partial = take (self, buffered (self));

      if (is_line)
        finish (self, partial, NULL);
      else
        finish (self, NULL, _aio_error_new_incomplete_read (partial, -1));
      return TRUE;
    }
  return FALSE;
}

/* Completes the pending operation if the buffer (or its end) allows. */
static gboolean
try_complete (AioStreamReader *self)
{
  if (self->exception != NULL)
    {
      finish (self, NULL, g_error_copy (self->exception));
      return TRUE;
    }

  switch (self->op.kind)
    {
    case OP_READ:
      if (buffered (self) == 0 && !self->eof)
        return FALSE;
      finish (self, take (self, MIN (self->op.n, buffered (self))), NULL);
      return TRUE;

    case OP_READ_ALL:
      if (!self->eof)
        return FALSE;
      finish (self, take (self, buffered (self)), NULL);
      return TRUE;

    case OP_READEXACTLY:
      if (buffered (self) >= self->op.n)
        {
          finish (self, take (self, self->op.n), NULL);
          return TRUE;
        }
      if (!self->eof)
        return FALSE;
      finish (self, NULL,
              _aio_error_new_incomplete_read (take (self, buffered (self)), self->op.n));
      return TRUE;

    case OP_READUNTIL:
    case OP_READLINE:
      return try_readuntil (self);

    case OP_NONE:
    default:
      g_assert_not_reached ();
    }
}

static void
repoke (gpointer data)
{
  AioStreamReader *self = data;

  self->repoke_queued = FALSE;
  progress (self);
}

static void
progress (AioStreamReader *self)
{
  guint fills = 0;

  while (self->op.kind != OP_NONE)
    {
      if (try_complete (self))
        return;
      if (fills++ == FILLS_PER_TURN)
        {
          /* Still data to read, but the loop gets its turn: no edge will
           * come for data that is already there, so come back soon.
           */
          if (!self->repoke_queued)
            {
              self->repoke_queued = TRUE;
              aio_handle_unref (aio_loop_call_soon (self->loop, repoke,
                                                    g_object_ref (self), g_object_unref));
            }
          return;
        }
      if (fill (self) == FILL_WAIT)
        return;
    }
}

void
_aio_stream_reader_poke (AioStreamReader *self)
{
  if (self->op.kind != OP_NONE)
    progress (self);
}

void
_aio_stream_reader_channel_closed (AioStreamReader *self)
{
  disarm (self);
  if (self->op.kind != OP_NONE)
    progress (self);
}

static gboolean
op_cancelled (AioFuture  *future,
              const char *msg,
              gpointer    data)
{
  AioStreamReader *self = data;

  /* What arrived stays buffered for the next read. */
  if (self->op.future == future)
    {
      clear_op (self);
      _aio_release (g_steal_pointer (&self->op.future));
    }
  return TRUE;
}

static AioFuture *
fail_now (AioStreamReader *self,
          GError          *error)
{
  AioFuture *future = _aio_future_new_for_loop (self->loop);

  _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL, error, NULL);
  return future;
}

static AioFuture *
start (AioStreamReader *self,
       OpKind           kind,
       const char      *what,
       gsize            n)
{
  AioFuture *future;

  if (!_aio_loop_is_owner (self->loop) &&
      !_aio_loop_debug_wrong_thread (self->loop, "AioStreamReader"))
    return fail_now (self, g_error_new (AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                                        "AioStreamReader.%s() called from a thread that does not run its loop",
                                        what));
  if (self->op.kind != OP_NONE)
    return fail_now (self, g_error_new (AIO_ERROR, AIO_ERROR_INVALID_STATE,
                                        "AioStreamReader.%s() called while another task is already waiting for incoming data",
                                        what));

  future = _aio_future_new_for_loop (self->loop);
  self->op.kind = kind;
  self->op.n = n;
  self->op.offset = 0;
  self->op.future = _aio_ref (future);
  return future;
}

/* Runs a started operation as far as it goes without waiting. */
static AioFuture *
run (AioStreamReader *self,
     AioFuture       *future)
{
  progress (self);
  if (self->op.future == future)
    _aio_future_set_cancel_hook (future, op_cancelled, self, NULL);
  return future;
}

static void
aio_stream_reader_dispose (GObject *object)
{
  AioStreamReader *self = AIO_STREAM_READER (object);

  if (self->op.kind != OP_NONE)
    finish (self, NULL, g_error_new_literal (AIO_ERROR, AIO_ERROR_CLOSED,
                                             "The stream reader was destroyed"));
  disarm (self);
  G_OBJECT_CLASS (aio_stream_reader_parent_class)->dispose (object);
}

static void
aio_stream_reader_finalize (GObject *object)
{
  AioStreamReader *self = AIO_STREAM_READER (object);

  if (self->channel != NULL)
    {
      self->channel->reader = NULL;
      _aio_stream_channel_unref (self->channel);
    }
  g_clear_object (&self->input);
  g_free (self->buf);
  g_clear_error (&self->exception);
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_stream_reader_parent_class)->finalize (object);
}

static void
aio_stream_reader_class_init (AioStreamReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aio_stream_reader_dispose;
  object_class->finalize = aio_stream_reader_finalize;
}

static void
aio_stream_reader_init (AioStreamReader *self)
{
  self->limit = AIO_STREAM_READER_DEFAULT_LIMIT;
  self->file_fd = -1;
}

static void
use_input (AioStreamReader *self,
           GInputStream    *input)
{
  self->input = g_object_ref (input);
  self->pollable = G_IS_POLLABLE_INPUT_STREAM (input) &&
                   g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (input));
  self->file_fd = -1;
  self->nowait = FALSE;
  /* A stream that is a descriptor and nothing more (GLocalFileInputStream,
   * GUnixInputStream: no buffer of their own), over a regular file. */
  if (!self->pollable && G_IS_FILE_DESCRIPTOR_BASED (input) &&
      (G_TYPE_FROM_INSTANCE (input) == G_TYPE_UNIX_INPUT_STREAM ||
       G_IS_FILE_INPUT_STREAM (input)))
    {
      int fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (input));
      struct stat st;

      if (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
        {
          self->file_fd = fd;
          self->nowait = TRUE;
        }
    }
}

void
_aio_stream_reader_use_channel_stream (AioStreamReader *self)
{
  g_return_if_fail (self->chunk == NULL);

  disarm (self);
  g_clear_object (&self->input);
  use_input (self, g_io_stream_get_input_stream (self->channel->io_stream));
  /* A read waiting on the descriptor now waits on the new stream. */
  _aio_stream_reader_poke (self);
}

gboolean
_aio_stream_reader_is_reading (AioStreamReader *self)
{
  return self->chunk != NULL;
}

AioStreamReader *
_aio_stream_reader_new_for_channel (AioStreamChannel *channel)
{
  AioStreamReader *self = g_object_new (AIO_TYPE_STREAM_READER, NULL);

  self->loop = g_object_ref (channel->loop);
  self->channel = _aio_stream_channel_ref (channel);
  channel->reader = self;
  if (channel->fd < 0 && channel->io_stream != NULL)
    use_input (self, g_io_stream_get_input_stream (channel->io_stream));
  return self;
}

/**
 * aio_stream_reader_new_for_stream:
 * @stream: the stream to read
 * @loop: (nullable): the loop the reader's operations run on; %NULL for
 *   the calling thread's loop
 *
 * Creates a reader over any [class@Gio.InputStream], such as a pipe or a
 * file.  A pollable stream is read without blocking; any other with GIO's
 * `_async` calls.  The reader keeps a reference to @stream and does not
 * close it.
 *
 * Returns: (transfer full): the new reader
 *
 * Since: 1.0
 */
AioStreamReader *
aio_stream_reader_new_for_stream (GInputStream *stream,
                                  AioLoop      *loop)
{
  AioStreamReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (loop == NULL || AIO_IS_LOOP (loop), NULL);

  self = g_object_new (AIO_TYPE_STREAM_READER, NULL);
  self->loop = g_object_ref (loop != NULL ? loop : _aio_loop_get_current ());
  use_input (self, stream);
  return self;
}

/**
 * aio_stream_reader_read:
 * @self: an [class@Aio.StreamReader]
 * @n: the most bytes to read, or -1 to read to the end of the stream
 *
 * Reads up to @n bytes, as asyncio's `StreamReader.read()`: waits until
 * at least one byte has arrived (or the stream ended), then returns what
 * is there, at most @n bytes.  With @n = -1, reads until the end of the
 * stream and returns everything.  At the end of the stream, and for
 * @n = 0, the result is empty.
 *
 * Returns: (transfer full): a future for the [struct@GLib.Bytes] read
 *
 * Since: 1.0
 */
AioFuture *
aio_stream_reader_read (AioStreamReader *self,
                        gssize           n)
{
  AioFuture *future;

  g_return_val_if_fail (AIO_IS_STREAM_READER (self), NULL);
  g_return_val_if_fail (n >= -1, NULL);

  future = start (self, n < 0 ? OP_READ_ALL : OP_READ, "read", MAX (n, 0));
  if (self->op.future != future)
    return future;
  if (n == 0 && self->exception == NULL)
    {
      finish (self, g_bytes_new_static ("", 0), NULL);
      return future;
    }
  return run (self, future);
}

/**
 * aio_stream_reader_readexactly:
 * @self: an [class@Aio.StreamReader]
 * @n: how many bytes to read
 *
 * Reads exactly @n bytes, as asyncio's `StreamReader.readexactly()`.  If
 * the stream ends first, the future fails with
 * %AIO_ERROR_INCOMPLETE_READ, whose [func@Aio.Error.get_partial] holds
 * the bytes that did arrive (they are no longer in the reader).
 *
 * Returns: (transfer full): a future for the [struct@GLib.Bytes] read
 *
 * Since: 1.0
 */
AioFuture *
aio_stream_reader_readexactly (AioStreamReader *self,
                               gsize            n)
{
  AioFuture *future;

  g_return_val_if_fail (AIO_IS_STREAM_READER (self), NULL);

  future = start (self, OP_READEXACTLY, "readexactly", n);
  if (self->op.future != future)
    return future;
  return run (self, future);
}

static AioFuture *
start_readuntil (AioStreamReader  *self,
                 OpKind            kind,
                 const char       *what,
                 GBytes          **separators,
                 guint             n_separators)
{
  AioFuture *future;
  guint i;

  for (i = 0; i < n_separators; i++)
    if (g_bytes_get_size (separators[i]) == 0)
      {
        for (i = 0; i < n_separators; i++)
          g_bytes_unref (separators[i]);
        g_free (separators);
        return fail_now (self, g_error_new (AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT,
                                            "AioStreamReader.%s(): a separator must be at least one byte",
                                            what));
      }

  future = start (self, kind, what, 0);
  if (self->op.future != future)
    {
      for (i = 0; i < n_separators; i++)
        g_bytes_unref (separators[i]);
      g_free (separators);
      return future;
    }
  self->op.separators = separators;
  self->op.n_separators = n_separators;
  return run (self, future);
}

/**
 * aio_stream_reader_readline:
 * @self: an [class@Aio.StreamReader]
 *
 * Reads one line, ending with `\n`, as asyncio's
 * `StreamReader.readline()`.  At the end of the stream, returns the
 * last, unterminated line (empty once nothing is left).  A line longer
 * than the reader's limit fails with %AIO_ERROR_LIMIT_OVERRUN and is
 * dropped from the buffer (up to its `\n`, when it has arrived).
 *
 * Returns: (transfer full): a future for the line, a [struct@GLib.Bytes]
 *   with its `\n`
 *
 * Since: 1.0
 */
AioFuture *
aio_stream_reader_readline (AioStreamReader *self)
{
  GBytes **separators;

  g_return_val_if_fail (AIO_IS_STREAM_READER (self), NULL);

  separators = g_new (GBytes *, 1);
  separators[0] = g_bytes_new_static ("\n", 1);
  return start_readuntil (self, OP_READLINE, "readline", separators, 1);
}

/**
 * aio_stream_reader_readuntil:
 * @self: an [class@Aio.StreamReader]
 * @separator: (array length=separator_len): the bytes that end the data
 * @separator_len: the length of @separator, at least 1
 *
 * Reads up to and including @separator, as asyncio's
 * `StreamReader.readuntil()`.
 *
 * If the stream ends first, the future fails with
 * %AIO_ERROR_INCOMPLETE_READ (the rest of the stream is in
 * [func@Aio.Error.get_partial]).  If the separator is not within the
 * reader's limit, it fails with %AIO_ERROR_LIMIT_OVERRUN and the data
 * stays in the buffer, to read with [method@Aio.StreamReader.read].
 *
 * Returns: (transfer full): a future for the [struct@GLib.Bytes] read,
 *   ending with @separator
 *
 * Since: 1.0
 */
AioFuture *
aio_stream_reader_readuntil (AioStreamReader *self,
                             const guint8    *separator,
                             gsize            separator_len)
{
  GBytes **separators;

  g_return_val_if_fail (AIO_IS_STREAM_READER (self), NULL);
  g_return_val_if_fail (separator != NULL || separator_len == 0, NULL);

  separators = g_new (GBytes *, 1);
  separators[0] = g_bytes_new (separator, separator_len);
  return start_readuntil (self, OP_READUNTIL, "readuntil", separators, 1);
}

/**
 * aio_stream_reader_readuntil_any:
 * @self: an [class@Aio.StreamReader]
 * @separators: (array length=n_separators): the separators
 * @n_separators: how many, at least one
 *
 * Reads up to any of @separators, as asyncio 3.13's `readuntil()` with a
 * tuple: the result is the shortest data that ends with one of them.
 * Fails as [method@Aio.StreamReader.readuntil] does.
 *
 * Returns: (transfer full): a future for the [struct@GLib.Bytes] read
 *
 * Since: 1.0
 */
AioFuture *
aio_stream_reader_readuntil_any (AioStreamReader  *self,
                                 GBytes          **separators,
                                 guint             n_separators)
{
  GBytes **copy;
  guint i;

  g_return_val_if_fail (AIO_IS_STREAM_READER (self), NULL);
  g_return_val_if_fail (separators != NULL, NULL);
  g_return_val_if_fail (n_separators > 0, NULL);

  copy = g_new (GBytes *, n_separators);
  for (i = 0; i < n_separators; i++)
    copy[i] = g_bytes_ref (separators[i]);
  return start_readuntil (self, OP_READUNTIL, "readuntil", copy, n_separators);
}

/**
 * aio_stream_reader_at_eof:
 * @self: an [class@Aio.StreamReader]
 *
 * Whether the stream has ended and the buffer is empty, as asyncio's
 * `StreamReader.at_eof()`.
 *
 * Returns: %TRUE at the end of the data
 *
 * Since: 1.0
 */
gboolean
aio_stream_reader_at_eof (AioStreamReader *self)
{
  g_return_val_if_fail (AIO_IS_STREAM_READER (self), FALSE);

  return self->eof && buffered (self) == 0;
}

/**
 * aio_stream_reader_get_limit:
 * @self: an [class@Aio.StreamReader]
 *
 * The buffer limit that [method@Aio.StreamReader.readuntil] and
 * [method@Aio.StreamReader.readline] search within.
 *
 * Returns: the limit in bytes
 *
 * Since: 1.0
 */
gsize
aio_stream_reader_get_limit (AioStreamReader *self)
{
  g_return_val_if_fail (AIO_IS_STREAM_READER (self), 0);

  return self->limit;
}

/**
 * aio_stream_reader_set_limit:
 * @self: an [class@Aio.StreamReader]
 * @limit: the new limit, at least 1
 *
 * Sets the buffer limit, by default %AIO_STREAM_READER_DEFAULT_LIMIT.
 *
 * Since: 1.0
 */
void
aio_stream_reader_set_limit (AioStreamReader *self,
                             gsize            limit)
{
  g_return_if_fail (AIO_IS_STREAM_READER (self));
  g_return_if_fail (limit > 0);

  self->limit = limit;
}

/**
 * aio_stream_reader_get_buffered:
 * @self: an [class@Aio.StreamReader]
 *
 * How many bytes have arrived and not been read yet.
 *
 * Returns: the buffered byte count
 *
 * Since: 1.0
 */
gsize
aio_stream_reader_get_buffered (AioStreamReader *self)
{
  g_return_val_if_fail (AIO_IS_STREAM_READER (self), 0);

  return buffered (self);
}

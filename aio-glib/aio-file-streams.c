/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-await.h"
#include "aio-executor-private.h"
#include "aio-file.h"
#include "aio-loop-private.h"
#include "aio-stream-reader.h"
#include "aio-stream-writer.h"

/* Files as stream readers and writers, and the two generators built on
 * them: a file's lines and a directory's entries.
 */

/* Lines have no length limit, as in Python's file iteration; the reader's
 * limit only guards a readline() of a socket. */
#define LINE_LIMIT ((gsize) G_MAXSSIZE)

typedef struct
{
  GFile           *file;
  AioLoop         *loop;
  AioFileWriteMode mode;
  GFileCreateFlags flags;
} OpenStream;

static OpenStream *
open_stream_new (GFile *file)
{
  OpenStream *open = g_new0 (OpenStream, 1);

  open->file = g_object_ref (file);
  open->loop = g_object_ref (_aio_loop_get_current ());
  return open;
}

static void
open_stream_free (gpointer data)
{
  OpenStream *open = data;

  g_object_unref (open->file);
  g_object_unref (open->loop);
  g_free (open);
}

static gboolean
open_reader_work (GCancellable  *cancellable,
                  gpointer       data,
                  GValue        *result,
                  GError       **error)
{
  OpenStream *open = data;
  g_autoptr(GFileInputStream) input = NULL;

  input = g_file_read (open->file, cancellable, error);
  if (input == NULL)
    return FALSE;
  g_value_init (result, AIO_TYPE_STREAM_READER);
  g_value_take_object (result, aio_stream_reader_new_for_stream (G_INPUT_STREAM (input),
                                                                 open->loop));
  return TRUE;
}

/**
 * aio_file_open_reader:
 * @file: the file to read
 *
 * Opens @file for reading, as [method@Gio.File.read] does, on a worker
 * thread, and gives it as an [class@Aio.StreamReader] on the running
 * loop: `read()`, `readline()`, `readexactly()` and `readuntil()` work as
 * on a socket.  Errors are GIO's (`G_IO_ERROR_NOT_FOUND`,
 * `G_IO_ERROR_IS_DIRECTORY`, `G_IO_ERROR_PERMISSION_DENIED`).
 *
 * Returns: (transfer full): a future for the [class@Aio.StreamReader]
 *
 * Since: 1.0
 */
AioFuture *
aio_file_open_reader (GFile *file)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return _aio_run_work (open_reader_work, open_stream_new (file), open_stream_free);
}

static gboolean
open_writer_work (GCancellable  *cancellable,
                  gpointer       data,
                  GValue        *result,
                  GError       **error)
{
  OpenStream *open = data;
  g_autoptr(GFileOutputStream) output = NULL;

  switch (open->mode)
    {
    case AIO_FILE_WRITE_APPEND:
      output = g_file_append_to (open->file, open->flags, cancellable, error);
      break;
    case AIO_FILE_WRITE_CREATE:
      output = g_file_create (open->file, open->flags, cancellable, error);
      break;
    case AIO_FILE_WRITE_REPLACE:
    default:
      output = g_file_replace (open->file, NULL, FALSE, open->flags, cancellable, error);
      break;
    }
  if (output == NULL)
    return FALSE;
  g_value_init (result, AIO_TYPE_STREAM_WRITER);
  g_value_take_object (result, aio_stream_writer_new_for_stream (G_OUTPUT_STREAM (output),
                                                                 open->loop));
  return TRUE;
}

/**
 * aio_file_open_writer:
 * @file: the file to write
 * @mode: replace, append to or create the file
 * @flags: [flags@Gio.FileCreateFlags], such as %G_FILE_CREATE_PRIVATE
 *
 * Opens @file for writing, on a worker thread, and gives it as an
 * [class@Aio.StreamWriter] on the running loop: `write()`, `drain()`,
 * `close()` and `wait_closed()` work as on a socket.  Write what you need,
 * then close the writer and await [method@Aio.StreamWriter.wait_closed]:
 * with %AIO_FILE_WRITE_REPLACE the new file takes the old one's place at
 * that point, as with [method@Gio.File.replace].
 *
 * %AIO_FILE_WRITE_CREATE fails with `G_IO_ERROR_EXISTS` for an existing
 * file; every mode fails with `G_IO_ERROR_NOT_FOUND` when the directory
 * does not exist.
 *
 * Returns: (transfer full): a future for the [class@Aio.StreamWriter]
 *
 * Since: 1.0
 */
AioFuture *
aio_file_open_writer (GFile            *file,
                      AioFileWriteMode  mode,
                      GFileCreateFlags  flags)
{
  OpenStream *open;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (mode <= AIO_FILE_WRITE_CREATE, NULL);

  open = open_stream_new (file);
  open->mode = mode;
  open->flags = flags;
  return _aio_run_work (open_writer_work, open, open_stream_free);
}

/* -- lines -------------------------------------------------------------- */

static void
lines_body (AioAsyncGenerator *generator,
            gpointer           data)
{
  GFile *file = data;
  g_autoptr(AioStreamReader) reader = NULL;
  GError *error = NULL;

  reader = aio_await_object (aio_file_open_reader (file), &error);
  if (reader == NULL)
    {
      aio_async_generator_return_error (generator, error);
      return;
    }
  aio_stream_reader_set_limit (reader, LINE_LIMIT);

  for (;;)
    {
      g_autoptr(GBytes) line = aio_await_boxed (aio_stream_reader_readline (reader), &error);
      g_autofree char *text = NULL;
      gsize length;
      const char *bytes;

      if (line == NULL)
        {
          aio_async_generator_return_error (generator, error);
          return;
        }
      bytes = g_bytes_get_data (line, &length);
      if (length == 0)
        return;   /* the end of the file */
      text = g_strndup (bytes, length);
      if (!aio_async_generator_yield_string (generator, text, &error))
        {
          /* Closed by the consumer: nothing to report. */
          g_clear_error (&error);
          return;
        }
    }
}

/**
 * aio_file_lines:
 * @file: the text file to read
 *
 * An async generator of @file's lines, as `async for line in file` in
 * Python: each value is a string that keeps its `"\n"` (the last line has
 * none if the file does not end with one).  The file is opened with the
 * first [method@Aio.AsyncGenerator.anext] and read as the values are
 * asked for; closing the generator early closes the file.  An error
 * opening or reading the file is raised by the `anext()` that met it.
 *
 * The bytes are passed on as they are, without a UTF-8 check; read binary
 * data with [func@Aio.file_open_reader] instead.
 *
 * Returns: (transfer full): the generator of strings
 *
 * Since: 1.0
 */
AioAsyncGenerator *
aio_file_lines (GFile *file)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return aio_async_generator_new (lines_body, g_object_ref (file), g_object_unref);
}

/* -- enumerate ---------------------------------------------------------- */

typedef struct
{
  GFile              *directory;
  char               *attributes;
  GFileQueryInfoFlags flags;
  guint               batch_size;
  GFileEnumerator    *enumerator;   /* used by one worker at a time */
} Enumerate;

static void
enumerate_free (gpointer data)
{
  Enumerate *e = data;

  g_clear_object (&e->enumerator);
  g_object_unref (e->directory);
  g_free (e->attributes);
  g_free (e);
}

static gboolean
enumerate_open_work (GCancellable  *cancellable,
                     gpointer       data,
                     GValue        *result,
                     GError       **error)
{
  Enumerate *e = data;

  e->enumerator = g_file_enumerate_children (e->directory, e->attributes, e->flags,
                                             cancellable, error);
  if (e->enumerator == NULL)
    return FALSE;
  g_value_init (result, G_TYPE_BOOLEAN);
  g_value_set_boolean (result, TRUE);
  return TRUE;
}

static gboolean
enumerate_next_work (GCancellable  *cancellable,
                     gpointer       data,
                     GValue        *result,
                     GError       **error)
{
  Enumerate *e = data;
  GPtrArray *batch = g_ptr_array_new_with_free_func (g_object_unref);
  GError *local_error = NULL;

  while (batch->len < e->batch_size)
    {
      GFileInfo *info = g_file_enumerator_next_file (e->enumerator, cancellable, &local_error);

      if (info == NULL)
        break;
      g_ptr_array_add (batch, info);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      g_ptr_array_unref (batch);
      return FALSE;
    }
  g_value_init (result, G_TYPE_PTR_ARRAY);
  g_value_take_boxed (result, batch);
  return TRUE;
}

static gboolean
enumerate_close_work (GCancellable  *cancellable,
                      gpointer       data,
                      GValue        *result,
                      GError       **error)
{
  Enumerate *e = data;

  g_file_enumerator_close (e->enumerator, NULL, NULL);
  g_clear_object (&e->enumerator);
  g_value_init (result, G_TYPE_BOOLEAN);
  g_value_set_boolean (result, TRUE);
  return TRUE;
}

/* The work jobs share @e with the body, which outlives each of them: the
 * body awaits every job it starts. */
static void
no_free (gpointer data)
{
}

static void
enumerate_body (AioAsyncGenerator *generator,
                gpointer           data)
{
  Enumerate *e = data;
  GError *error = NULL;

  if (!aio_await (_aio_run_work (enumerate_open_work, e, no_free), &error))
    {
      aio_async_generator_return_error (generator, error);
      return;
    }

  for (;;)
    {
      g_autoptr(GPtrArray) batch = NULL;

      batch = aio_await_boxed (_aio_run_work (enumerate_next_work, e, no_free), &error);
      if (batch == NULL)
        break;
      if (batch->len == 0)
        break;
      for (guint i = 0; i < batch->len; i++)
        if (!aio_async_generator_yield_object (generator, batch->pdata[i], &error))
          break;
      if (error != NULL)
        break;
    }

  {
    /* Closed even when the consumer gave up or the body was cancelled:
     * a job of its own, awaited without being cancelled again. */
    g_autoptr(AioFuture) closing = _aio_run_work (enumerate_close_work, e, no_free);

    while (!aio_future_done (closing))
      {
        GError *ignored = NULL;

        if (!aio_await (g_object_ref (closing), &ignored))
          g_clear_error (&ignored);
      }
  }

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    aio_async_generator_return_error (generator, error);
  else
    g_clear_error (&error);
}

/**
 * aio_file_enumerate:
 * @directory: the directory to list
 * @attributes: the attributes each entry gets, as for
 *   [method@Gio.File.enumerate_children] (`"standard::name,standard::type"`)
 * @flags: %G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS to describe links themselves
 * @batch_size: how many entries a worker reads at a time, or 0 for 100
 *
 * An async generator of the entries of @directory, each a
 * [class@Gio.FileInfo] with @attributes, in the order the file system gives
 * them.  The entries are read on a worker thread @batch_size at a time, so
 * the loop is not held by a large directory.  Closing the generator early
 * closes the directory.  A missing directory fails with
 * `G_IO_ERROR_NOT_FOUND` and a file with `G_IO_ERROR_NOT_DIRECTORY`, both
 * raised by the first `anext()`.
 *
 * Returns: (transfer full): the generator of [class@Gio.FileInfo]
 *
 * Since: 1.0
 */
AioAsyncGenerator *
aio_file_enumerate (GFile               *directory,
                    const char          *attributes,
                    GFileQueryInfoFlags  flags,
                    guint                batch_size)
{
  Enumerate *e;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);
  g_return_val_if_fail (attributes != NULL, NULL);

  e = g_new0 (Enumerate, 1);
  e->directory = g_object_ref (directory);
  e->attributes = g_strdup (attributes);
  e->flags = flags;
  e->batch_size = batch_size > 0 ? batch_size : 100;
  return aio_async_generator_new (enumerate_body, e, enumerate_free);
}

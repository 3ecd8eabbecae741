/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "aio-executor-private.h"
#include "aio-file-private.h"
#include "aio-file.h"

/* Whole-file reads and writes, on the loop's default executor.  Native
 * files take a plain read(2)/write(2) path; anything else goes through
 * GIO's own blocking calls (which is what GIO's _async file calls run on
 * its worker threads anyway).
 */

/* Large reads are cut in slices so that a cancellation is seen soon. */
#define READ_SLICE (8 * 1024 * 1024)

void
_aio_file_set_errno_error (GError     **error,
                           int          saved_errno,
                           const char  *what,
                           const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s “%s”: %s", what, display, g_strerror (saved_errno));
}

/* -- reading ------------------------------------------------------------ */

/* Files from this size on are read into memory backed by transparent huge
 * pages: first touches of fresh memory are what a whole-file read costs
 * (on this project's test machine a 4 KiB page fault costs ~40 µs, which
 * made a 64 MiB read_all() twenty times slower than cat), and a 2 MiB
 * page needs one fault where small pages need 512. */
#define HUGE_BUFFER_MIN (4 * 1024 * 1024)
#define HUGE_PAGE (2 * 1024 * 1024)

/* Fresh memory is what costs, so the last large buffer freed is kept for
 * the next large read (one of them, of at most SPARE_MAX bytes), with
 * MADV_FREE: the kernel takes its pages back if memory runs short, and
 * until then a program reading one big file after another writes into
 * pages that are already there. */
#define SPARE_MAX (128 * 1024 * 1024)

typedef struct
{
  gpointer base;
  gsize    length;
  guint8  *aligned;
  gsize    capacity;   /* usable bytes from aligned on */
} Mapping;

G_LOCK_DEFINE_STATIC (spare);
static Mapping *spare;

static void
mapping_unmap (Mapping *mapping)
{
  munmap (mapping->base, mapping->length);
  g_free (mapping);
}

static void
mapping_free (gpointer data)
{
  Mapping *mapping = data, *old = NULL;

#ifdef MADV_FREE
  if (mapping->length <= SPARE_MAX &&
      madvise (mapping->aligned, mapping->capacity, MADV_FREE) == 0)
    {
      G_LOCK (spare);
      old = spare;
      spare = g_steal_pointer (&mapping);
      G_UNLOCK (spare);
    }
#endif
  if (old != NULL)
    mapping_unmap (old);
  if (mapping != NULL)
    mapping_unmap (mapping);
}

/* The spare buffer, when it holds @size bytes without wasting more than
 * half of itself. */
static Mapping *
spare_take (gsize size)
{
  Mapping *mapping = NULL;

  G_LOCK (spare);
  if (spare != NULL && spare->capacity >= size && spare->capacity / 2 <= size)
    mapping = g_steal_pointer (&spare);
  G_UNLOCK (spare);
  return mapping;
}

/* A buffer of @size bytes aligned to a huge page, or NULL. */
static guint8 *
huge_buffer_new (gsize     size,
                 Mapping **mapping_out)
{
  gsize length = size + HUGE_PAGE;
  guint8 *base;
  Mapping *mapping;

  mapping = spare_take (size);
  if (mapping != NULL)
    {
      *mapping_out = mapping;
      return mapping->aligned;
    }

  base = mmap (NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    return NULL;
  mapping = g_new (Mapping, 1);
  mapping->base = base;
  mapping->length = length;
  mapping->aligned = (guint8 *) (((guintptr) base + HUGE_PAGE - 1) & ~((guintptr) HUGE_PAGE - 1));
  mapping->capacity = length - (gsize) (mapping->aligned - (guint8 *) base);
#ifdef MADV_HUGEPAGE
  (void) madvise (mapping->aligned, mapping->capacity, MADV_HUGEPAGE);
#endif
  *mapping_out = mapping;
  return mapping->aligned;
}

/* Reads @fd to its end, in slices.  @size is what fstat() said, or 0 when
 * it cannot tell (files in /proc, pipes): one buffer of the size plus one
 * byte sees the end without a second allocation, and a file that grows
 * meanwhile is followed in doubling steps. */
static GBytes *
read_fd (int            fd,
         gsize          size,
         const char    *path,
         GCancellable  *cancellable,
         GError       **error)
{
  Mapping *mapping = NULL;
  gsize capacity = size > 0 ? size + 1 : 16 * 1024, length = 0;
  guint8 *data = NULL;

  if (capacity >= HUGE_BUFFER_MIN)
    data = huge_buffer_new (capacity, &mapping);
  if (data == NULL)
    data = g_try_malloc (capacity);
  if (data == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "Not enough memory to read a file of %" G_GSIZE_FORMAT " bytes", size);
      return NULL;
    }

  for (;;)
    {
      ssize_t got;

      if (length == capacity)
        {
          /* The file grew while we read it: go on to its new end (a
           * heap buffer grows in place when it can; a mapping is copied
           * out). */
          if (mapping != NULL)
            {
              guint8 *bigger = g_malloc (capacity * 2);

              memcpy (bigger, data, length);
              g_clear_pointer (&mapping, mapping_free);
              data = bigger;
            }
          else
            data = g_realloc (data, capacity * 2);
          capacity *= 2;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto failed;
      got = read (fd, data + length, MIN (capacity - length, READ_SLICE));
      if (got < 0)
        {
          if (errno == EINTR)
            continue;
          _aio_file_set_errno_error (error, errno, "Cannot read", path);
          goto failed;
        }
      if (got == 0)
        break;
      length += (gsize) got;
    }
  data[length] = '\0';   /* the loop ends with room to spare */
  if (mapping != NULL)
    return g_bytes_new_with_free_func (data, length, mapping_free, mapping);
  return g_bytes_new_take (data, length);

failed:
  if (mapping != NULL)
    mapping_free (mapping);
  else
    g_free (data);
  return NULL;
}

static GBytes *
read_native (const char    *path,
             GCancellable  *cancellable,
             GError       **error)
{
  struct stat st;
  GBytes *bytes;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      _aio_file_set_errno_error (error, errno, "Cannot open", path);
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      _aio_file_set_errno_error (error, errno, "Cannot stat", path);
      g_close (fd, NULL);
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      _aio_file_set_errno_error (error, EISDIR, "Cannot read", path);
      g_close (fd, NULL);
      return NULL;
    }

  bytes = read_fd (fd, S_ISREG (st.st_mode) ? (gsize) st.st_size : 0, path,
                   cancellable, error);
  g_close (fd, NULL);
  return bytes;
}

static gboolean
read_all_work (GCancellable  *cancellable,
               gpointer       data,
               GValue        *result,
               GError       **error)
{
  GFile *file = data;
  g_autofree char *path = g_file_get_path (file);
  GBytes *bytes;

  if (path != NULL)
    bytes = read_native (path, cancellable, error);
  else
    {
      char *contents;
      gsize length;

      if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, error))
        return FALSE;
      bytes = g_bytes_new_take (contents, length);
    }
  if (bytes == NULL)
    return FALSE;
  g_value_init (result, G_TYPE_BYTES);
  g_value_take_boxed (result, bytes);
  return TRUE;
}

/**
 * aio_file_read_all:
 * @file: the file to read
 *
 * Reads the whole of @file on a worker thread of the running loop's
 * default executor (see [method@Aio.Loop.get_default_executor]), as
 * [method@Gio.File.load_contents] does.  A local file is read with plain
 * read(2) calls into one buffer of its size, which becomes the result
 * without a copy.  As with [method@Gio.File.load_contents], the data is
 * followed by a NUL byte that the size does not count.
 *
 * Errors are GIO's: `G_IO_ERROR_NOT_FOUND`, `G_IO_ERROR_PERMISSION_DENIED`,
 * `G_IO_ERROR_IS_DIRECTORY` and so on.  Cancelling the future stops the
 * read; the future ends cancelled once the worker has let go of the file.
 *
 * Returns: (transfer full): a future for the contents, a [struct@GLib.Bytes]
 *
 * Since: 1.0
 */
AioFuture *
aio_file_read_all (GFile *file)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return _aio_run_work (read_all_work, g_object_ref (file), g_object_unref);
}

/**
 * aio_path_read_all:
 * @path: (type filename): the name of the file to read
 *
 * [func@Aio.file_read_all] for a file name.
 *
 * Returns: (transfer full): a future for the contents, a [struct@GLib.Bytes]
 *
 * Since: 1.0
 */
AioFuture *
aio_path_read_all (const char *path)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  return aio_file_read_all (file);
}

/* -- writing ------------------------------------------------------------ */

typedef struct
{
  GFile           *file;
  GBytes          *contents;
  char            *etag;
  gboolean         make_backup;
  GFileCreateFlags flags;
} WriteAll;

static void
write_all_free (gpointer data)
{
  WriteAll *w = data;

  g_object_unref (w->file);
  g_bytes_unref (w->contents);
  g_free (w->etag);
  g_free (w);
}

static gboolean
write_fd_all (int            fd,
              const guint8  *data,
              gsize          length,
              GCancellable  *cancellable,
              const char    *path,
              GError       **error)
{
  while (length > 0)
    {
      ssize_t done;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      done = write (fd, data, MIN (length, READ_SLICE));
      if (done < 0)
        {
          if (errno == EINTR)
            continue;
          _aio_file_set_errno_error (error, errno, "Cannot write", path);
          return FALSE;
        }
      data += done;
      length -= (gsize) done;
    }
  return TRUE;
}

/* The new contents go to a temporary file beside @path, which is renamed
 * over @path only once it is complete: a reader sees the old file or the
 * new one, and a failure or a cancellation removes the temporary file.
 * An existing file keeps its permissions and is synced before the rename,
 * as GIO's replace does.  (A symbolic link is left to GIO, which writes
 * through it.)
 */
static gboolean
replace_native (const char        *path,
                GBytes            *contents,
                GFileCreateFlags   flags,
                GCancellable      *cancellable,
                GError           **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  struct stat st;
  gboolean existed;
  gsize length;
  const guint8 *data = g_bytes_get_data (contents, &length);
  int fd;

  existed = g_stat (path, &st) == 0;
  if (existed && S_ISDIR (st.st_mode))
    {
      _aio_file_set_errno_error (error, EISDIR, "Cannot replace", path);
      return FALSE;
    }

  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC,
                       (flags & G_FILE_CREATE_PRIVATE) ? 0600 : 0666);
  if (fd < 0)
    {
      _aio_file_set_errno_error (error, errno, "Cannot create a temporary file for", path);
      return FALSE;
    }
  if (existed && !(flags & G_FILE_CREATE_PRIVATE) && fchmod (fd, st.st_mode & 07777) != 0)
    {
      _aio_file_set_errno_error (error, errno, "Cannot keep the permissions of", path);
      goto failed;
    }

  if (!write_fd_all (fd, data, length, cancellable, path, error))
    goto failed;
  if (existed && fsync (fd) != 0)
    {
      _aio_file_set_errno_error (error, errno, "Cannot sync", path);
      goto failed;
    }
  if (!g_close (fd, error))
    {
      fd = -1;
      goto failed;
    }
  fd = -1;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto failed;
  if (g_rename (tmp, path) != 0)
    {
      _aio_file_set_errno_error (error, errno, "Cannot replace", path);
      goto failed;
    }
  return TRUE;

failed:
  if (fd >= 0)
    g_close (fd, NULL);
  g_unlink (tmp);
  return FALSE;
}

/* Through GIO for what the native path does not do (an etag to check, a
 * backup, a non-local file).  GIO writes a file that did not exist in
 * place, so on failure that file is removed again.
 */
static gboolean
replace_gio (WriteAll      *w,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFileOutputStream) out = NULL;
  gboolean existed = g_file_query_exists (w->file, cancellable);
  gsize length;
  const guint8 *data = g_bytes_get_data (w->contents, &length);

  out = g_file_replace (w->file, w->etag, w->make_backup, w->flags, cancellable, error);
  if (out == NULL)
    return FALSE;
  if (g_output_stream_write_all (G_OUTPUT_STREAM (out), data, length, NULL, cancellable, error) &&
      g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error))
    return TRUE;

  {
    /* A close that is already cancelled abandons GIO's temporary file. */
    g_autoptr(GCancellable) abandon = g_cancellable_new ();

    g_cancellable_cancel (abandon);
    g_output_stream_close (G_OUTPUT_STREAM (out), abandon, NULL);
  }
  if (!existed)
    g_file_delete (w->file, NULL, NULL);
  return FALSE;
}

static gboolean
write_all_work (GCancellable  *cancellable,
                gpointer       data,
                GValue        *result,
                GError       **error)
{
  WriteAll *w = data;
  g_autofree char *path = g_file_get_path (w->file);
  g_autoptr(GFileInfo) info = NULL;

  if (path != NULL && w->etag == NULL && !w->make_backup &&
      ((w->flags & G_FILE_CREATE_REPLACE_DESTINATION) || !g_file_test (path, G_FILE_TEST_IS_SYMLINK)))
    {
      if (!replace_native (path, w->contents, w->flags, cancellable, error))
        return FALSE;
    }
  else if (!replace_gio (w, cancellable, error))
    return FALSE;

  g_value_init (result, G_TYPE_STRING);
  info = g_file_query_info (w->file, G_FILE_ATTRIBUTE_ETAG_VALUE,
                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL)
    g_value_set_string (result, g_file_info_get_etag (info));
  return TRUE;
}

/**
 * aio_file_write_all:
 * @file: the file to write
 * @contents: the new contents
 * @etag: (nullable): the entity tag the current file must still have (from
 *   [method@Gio.FileInfo.get_etag] or an earlier write), or %NULL
 * @make_backup: whether to keep the old file as `name~`
 * @flags: [flags@Gio.FileCreateFlags] such as %G_FILE_CREATE_PRIVATE
 *
 * Replaces the contents of @file atomically, as
 * [method@Gio.File.replace_contents] does, on a worker thread of the
 * running loop's default executor.  The new contents are written to a
 * temporary file that takes @file's place only once it is complete, so
 * other readers see the old file or the new one.  If the write fails or
 * the future is cancelled, @file is left as it was and no temporary file
 * remains (the future ends cancelled only after that clean-up).
 *
 * A changed @etag fails with `G_IO_ERROR_WRONG_ETAG`; a directory in the
 * way with `G_IO_ERROR_IS_DIRECTORY`; a missing parent directory with
 * `G_IO_ERROR_NOT_FOUND`.
 *
 * Returns: (transfer full): a future for the file's new entity tag, a
 *   string (%NULL if the file system gives none)
 *
 * Since: 1.0
 */
AioFuture *
aio_file_write_all (GFile            *file,
                    GBytes           *contents,
                    const char       *etag,
                    gboolean          make_backup,
                    GFileCreateFlags  flags)
{
  WriteAll *w;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (contents != NULL, NULL);

  w = g_new0 (WriteAll, 1);
  w->file = g_object_ref (file);
  w->contents = g_bytes_ref (contents);
  w->etag = g_strdup (etag);
  w->make_backup = make_backup;
  w->flags = flags;
  return _aio_run_work (write_all_work, w, write_all_free);
}

/**
 * aio_path_write_all:
 * @path: (type filename): the name of the file to write
 * @contents: the new contents
 *
 * [func@Aio.file_write_all] for a file name, with no etag, no backup and
 * no flags.
 *
 * Returns: (transfer full): a future for the file's new entity tag
 *
 * Since: 1.0
 */
AioFuture *
aio_path_write_all (const char *path,
                    GBytes     *contents)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (contents != NULL, NULL);

  file = g_file_new_for_path (path);
  return aio_file_write_all (file, contents, NULL, FALSE, G_FILE_CREATE_NONE);
}

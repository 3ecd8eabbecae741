/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-executor-private.h"
#include "aio-file.h"
#include "aio-loop-private.h"

/* Single GFile operations on the loop's default executor: GIO's blocking
 * calls with the job's cancellable, so cancelling the future cancels the
 * operation and the future ends once GIO has stopped.
 */

typedef struct
{
  GFile               *file;
  GFile               *other;
  char                *attributes;
  GFileQueryInfoFlags  query_flags;
  GFileCopyFlags       copy_flags;
  gboolean             with_parents;
} FileOp;

static FileOp *
file_op_new (GFile *file,
             GFile *other)
{
  FileOp *op = g_new0 (FileOp, 1);

  op->file = g_object_ref (file);
  op->other = other != NULL ? g_object_ref (other) : NULL;
  return op;
}

static void
file_op_free (gpointer data)
{
  FileOp *op = data;

  g_object_unref (op->file);
  g_clear_object (&op->other);
  g_free (op->attributes);
  g_free (op);
}

static gboolean
set_done (GValue *result)
{
  g_value_init (result, G_TYPE_BOOLEAN);
  g_value_set_boolean (result, TRUE);
  return TRUE;
}

/* -- query_info --------------------------------------------------------- */

static gboolean
query_info_work (GCancellable  *cancellable,
                 gpointer       data,
                 GValue        *result,
                 GError       **error)
{
  FileOp *op = data;
  GFileInfo *info;

  info = g_file_query_info (op->file, op->attributes, op->query_flags, cancellable, error);
  if (info == NULL)
    return FALSE;
  g_value_init (result, G_TYPE_FILE_INFO);
  g_value_take_object (result, info);
  return TRUE;
}

/**
 * aio_file_query_info:
 * @file: the file to ask about
 * @attributes: the attributes to get, as for [method@Gio.File.query_info]
 *   (`"standard::*"`, `"standard::size,time::modified"`)
 * @flags: %G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS to ask about a symbolic link
 *   itself
 *
 * Gets information about @file, as [method@Gio.File.query_info] does, on a
 * worker thread.  A missing file fails with `G_IO_ERROR_NOT_FOUND`.
 *
 * Returns: (transfer full): a future for the [class@Gio.FileInfo]
 *
 * Since: 1.0
 */
AioFuture *
aio_file_query_info (GFile               *file,
                     const char          *attributes,
                     GFileQueryInfoFlags  flags)
{
  FileOp *op;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (attributes != NULL, NULL);

  op = file_op_new (file, NULL);
  op->attributes = g_strdup (attributes);
  op->query_flags = flags;
  return _aio_run_work (query_info_work, op, file_op_free);
}

/* -- copy, with progress on the loop's thread --------------------------- */

typedef struct
{
  gint                  ref_count;   /* (atomic) */
  FileOp               *op;
  AioLoop              *loop;        /* (owned) */
  GFileProgressCallback progress;
  gpointer              user_data;
  GDestroyNotify        destroy;
  GMutex                lock;
  goffset               current;     /* guarded by lock */
  goffset               total;       /* guarded by lock */
  gboolean              posted;      /* guarded by lock: a report is queued */
} Copy;

static Copy *
copy_ref (Copy *copy)
{
  g_atomic_int_inc (&copy->ref_count);
  return copy;
}

static void
copy_unref (gpointer data)
{
  Copy *copy = data;

  if (!g_atomic_int_dec_and_test (&copy->ref_count))
    return;
  if (copy->destroy != NULL)
    copy->destroy (copy->user_data);
  file_op_free (copy->op);
  g_object_unref (copy->loop);
  g_mutex_clear (&copy->lock);
  g_free (copy);
}

static void
report_on_loop (gpointer data)
{
  Copy *copy = data;
  goffset current, total;

  g_mutex_lock (&copy->lock);
  current = copy->current;
  total = copy->total;
  copy->posted = FALSE;
  g_mutex_unlock (&copy->lock);
  copy->progress (current, total, copy->user_data);
  copy_unref (copy);
}

static const AioReadyOps report_ops = { report_on_loop, copy_unref };

/* On the worker: keep the latest figures, and queue one report at a time,
 * so a fast copy does not flood the loop. */
static void
copy_progress (goffset  current,
               goffset  total,
               gpointer data)
{
  Copy *copy = data;
  gboolean post;

  g_mutex_lock (&copy->lock);
  copy->current = current;
  copy->total = total;
  post = !copy->posted;
  copy->posted = TRUE;
  g_mutex_unlock (&copy->lock);
  if (post)
    _aio_loop_post_threadsafe (copy->loop, &report_ops, copy_ref (copy));
}

static gboolean
copy_work (GCancellable  *cancellable,
           gpointer       data,
           GValue        *result,
           GError       **error)
{
  Copy *copy = data;
  FileOp *op = copy->op;
  gboolean existed = g_file_query_exists (op->other, NULL);

  if (!g_file_copy (op->file, op->other, op->copy_flags, cancellable,
                    copy->progress != NULL ? copy_progress : NULL, copy, error))
    {
      /* What a failed copy made of a new destination is removed. */
      if (!existed && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        g_file_delete (op->other, NULL, NULL);
      return FALSE;
    }
  return set_done (result);
}

/**
 * aio_file_copy:
 * @source: the file to copy
 * @destination: where to copy it
 * @flags: [flags@Gio.FileCopyFlags], such as %G_FILE_COPY_OVERWRITE
 * @progress: (nullable) (scope notified) (closure user_data) (destroy destroy):
 *   called on the loop's thread as the copy goes
 * @user_data: data for @progress
 * @destroy: (nullable): frees @user_data once the copy is over
 *
 * Copies @source to @destination, as [method@Gio.File.copy] does, on a
 * worker thread.  @progress is called on the thread of the running loop
 * with the bytes copied so far and the total; reports that come faster
 * than the loop takes them are merged into the latest one.
 *
 * An existing destination fails with `G_IO_ERROR_EXISTS` unless
 * %G_FILE_COPY_OVERWRITE is given; a directory as @source with
 * `G_IO_ERROR_WOULD_RECURSE`.  If the copy fails or is cancelled, a
 * destination that did not exist before is removed again.
 *
 * Returns: (transfer full): a future for %TRUE once the copy is done
 *
 * Since: 1.0
 */
AioFuture *
aio_file_copy (GFile                 *source,
               GFile                 *destination,
               GFileCopyFlags         flags,
               GFileProgressCallback  progress,
               gpointer               user_data,
               GDestroyNotify         destroy)
{
  Copy *copy;

  g_return_val_if_fail (G_IS_FILE (source), NULL);
  g_return_val_if_fail (G_IS_FILE (destination), NULL);

  copy = g_new0 (Copy, 1);
  copy->ref_count = 1;
  copy->op = file_op_new (source, destination);
  copy->op->copy_flags = flags;
  copy->loop = g_object_ref (_aio_loop_get_current ());
  copy->progress = progress;
  copy->user_data = user_data;
  copy->destroy = destroy;
  g_mutex_init (&copy->lock);
  return _aio_run_work (copy_work, copy, copy_unref);
}

/* -- move, delete, make_directory -------------------------------------- */

static gboolean
move_work (GCancellable  *cancellable,
           gpointer       data,
           GValue        *result,
           GError       **error)
{
  FileOp *op = data;

  if (!g_file_move (op->file, op->other, op->copy_flags, cancellable, NULL, NULL, error))
    return FALSE;
  return set_done (result);
}

/**
 * aio_file_move:
 * @source: the file to move
 * @destination: its new name
 * @flags: [flags@Gio.FileCopyFlags], such as %G_FILE_COPY_OVERWRITE
 *
 * Moves @source to @destination, as [method@Gio.File.move] does (a rename
 * when both are on one file system, a copy and a delete otherwise), on a
 * worker thread.
 *
 * Returns: (transfer full): a future for %TRUE once the move is done
 *
 * Since: 1.0
 */
AioFuture *
aio_file_move (GFile          *source,
               GFile          *destination,
               GFileCopyFlags  flags)
{
  FileOp *op;

  g_return_val_if_fail (G_IS_FILE (source), NULL);
  g_return_val_if_fail (G_IS_FILE (destination), NULL);

  op = file_op_new (source, destination);
  op->copy_flags = flags;
  return _aio_run_work (move_work, op, file_op_free);
}

static gboolean
delete_work (GCancellable  *cancellable,
             gpointer       data,
             GValue        *result,
             GError       **error)
{
  FileOp *op = data;

  if (!g_file_delete (op->file, cancellable, error))
    return FALSE;
  return set_done (result);
}

/**
 * aio_file_delete:
 * @file: the file, or empty directory, to delete
 *
 * Deletes @file, as [method@Gio.File.delete] does, on a worker thread.
 * A missing file fails with `G_IO_ERROR_NOT_FOUND`, a directory that is
 * not empty with `G_IO_ERROR_NOT_EMPTY`.
 *
 * Returns: (transfer full): a future for %TRUE once the file is gone
 *
 * Since: 1.0
 */
AioFuture *
aio_file_delete (GFile *file)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return _aio_run_work (delete_work, file_op_new (file, NULL), file_op_free);
}

static gboolean
make_directory_work (GCancellable  *cancellable,
                     gpointer       data,
                     GValue        *result,
                     GError       **error)
{
  FileOp *op = data;
  gboolean made;

  if (op->with_parents)
    made = g_file_make_directory_with_parents (op->file, cancellable, error);
  else
    made = g_file_make_directory (op->file, cancellable, error);
  if (!made)
    return FALSE;
  return set_done (result);
}

/**
 * aio_file_make_directory:
 * @directory: the directory to create
 * @with_parents: whether to create missing parent directories too
 *
 * Creates @directory, as [method@Gio.File.make_directory] (or, with
 * @with_parents, [method@Gio.File.make_directory_with_parents]) does, on a
 * worker thread.  An existing directory fails with `G_IO_ERROR_EXISTS`; a
 * missing parent without @with_parents with `G_IO_ERROR_NOT_FOUND`.
 *
 * Returns: (transfer full): a future for %TRUE once the directory exists
 *
 * Since: 1.0
 */
AioFuture *
aio_file_make_directory (GFile    *directory,
                         gboolean  with_parents)
{
  FileOp *op;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  op = file_op_new (directory, NULL);
  op->with_parents = with_parents;
  return _aio_run_work (make_directory_work, op, file_op_free);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-error.h"
#include "aio-future-private.h"
#include "aio-run.h"
#include "aio-task-private.h"

#define DRAIN_ROUNDS 1000

/* Runs the loop's remaining ready work, so done callbacks of finished
 * futures run and release what they hold.
 */
static void
drain_ready (AioLoop *loop)
{
  guint rounds;

  for (rounds = 0; rounds < DRAIN_ROUNDS && loop->ring_count > 0; rounds++)
    g_main_context_iteration (loop->context, FALSE);
}

/**
 * aio_run:
 * @main_future: the main [class@Aio.Task] (or any [class@Aio.Future]) to
 *   run to completion
 * @error: return location for the error @main_future failed with
 *
 * Runs a program's main task, like asyncio's `run()`: iterates the loop of
 * @main_future until it is done, then cancels every task of that loop that
 * is still pending and waits for them to finish, reports (as warnings) any
 * of them that failed with an error other than cancellation, and runs the
 * remaining done callbacks.  Finally reports the outcome of @main_future.
 *
 * ```c
 * int
 * main (void)
 * {
 *   g_autoptr(AioTask) task = aio_task_new (main_body, NULL, NULL);
 *   g_autoptr(GError) error = NULL;
 *
 *   if (!aio_run (AIO_FUTURE (task), &error))
 *     g_printerr ("%s\n", error->message);
 *   return error != NULL;
 * }
 * ```
 *
 * Fails with %AIO_ERROR_LOOP_RUNNING if the loop is already running.
 *
 * Returns: %TRUE if @main_future finished with a result
 *
 * Since: 1.0
 */
gboolean
aio_run (AioFuture  *main_future,
         GError    **error)
{
  AioLoop *loop;
  GError *local_error = NULL;
  gboolean ok;
  GList *leftovers, *l;

  g_return_val_if_fail (AIO_IS_FUTURE (main_future), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  loop = aio_future_get_loop (main_future);
  ok = aio_loop_run_until_complete (loop, main_future, &local_error);
  if (!ok && g_error_matches (local_error, AIO_ERROR, AIO_ERROR_LOOP_RUNNING))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  leftovers = aio_all_tasks (loop);
  for (l = leftovers; l != NULL; l = l->next)
    aio_task_cancel (l->data, "aio_run() is finishing");

  while (loop->n_tasks > 0 && loop->source != NULL)
    g_main_context_iteration (loop->context, TRUE);

  for (l = leftovers; l != NULL; l = l->next)
    {
      AioTask *task = l->data;
      GError *task_error = aio_future_dup_error (AIO_FUTURE (task));

      if (task_error != NULL &&
          !g_error_matches (task_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("aio_run(): task '%s' failed while the program was finishing: %s",
                   aio_task_get_name (task), task_error->message);
      g_clear_error (&task_error);
    }
  g_list_free_full (leftovers, g_object_unref);

  drain_ready (loop);

  if (!ok)
    g_propagate_error (error, local_error);
  return ok;
}

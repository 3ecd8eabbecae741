/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE  /* gettid() */
#include "config.h"

#include <signal.h>
#include <unistd.h>

#include "aio-coroutine-private.h"

#include "aio-error.h"
#include "aio-future-private.h"
#include "aio-run.h"
#include "aio-task-private.h"

#define DRAIN_ROUNDS 1000

/* SIGINT while aio_run() runs the main task, as asyncio.run() handles it:
 * the first one cancels the main task; the handler then goes, so GLib puts
 * SIGINT back to its default and a second one ends the process at once,
 * even if the loop is stuck.
 */
typedef struct
{
  AioLoop   *loop;
  AioFuture *main_future;
  AioHandle *handle;        /* (unowned) (nullable): our SIGINT handler */
  gboolean   interrupted;
} Interrupt;

static void
on_sigint (gpointer data)
{
  Interrupt *interrupt = data;

  if (aio_future_done (interrupt->main_future))
    return;
  interrupt->interrupted = TRUE;
  _aio_loop_remove_signal_handle (interrupt->loop, SIGINT, interrupt->handle);
  interrupt->handle = NULL;
  if (AIO_IS_TASK (interrupt->main_future))
    aio_task_cancel (AIO_TASK (interrupt->main_future), "Interrupted by SIGINT");
  else
    aio_future_cancel (interrupt->main_future, "Interrupted by SIGINT");
}

/* Only where asyncio.run() does it: on the main thread, and only if
 * nobody else (the program, a library, a shell that ignores SIGINT for
 * background jobs, a loop's own handler) has claimed SIGINT.
 */
static void
interrupt_begin (Interrupt *interrupt)
{
  struct sigaction current;

  if (getpid () != gettid ())
    return;
  if (aio_loop_is_running (interrupt->loop) || _aio_coroutine_self () != NULL ||
      !_aio_loop_is_owner (interrupt->loop))
    return;
  if (sigaction (SIGINT, NULL, &current) != 0 ||
      (current.sa_flags & SA_SIGINFO) != 0 || current.sa_handler != SIG_DFL)
    return;
  interrupt->handle = _aio_loop_add_signal_handle (interrupt->loop, SIGINT, on_sigint,
                                                   interrupt, NULL, NULL);
}

/* Leaves a handler the program put in place of ours alone. */
static void
interrupt_end (Interrupt *interrupt)
{
  if (interrupt->handle != NULL)
    _aio_loop_remove_signal_handle (interrupt->loop, SIGINT, interrupt->handle);
  interrupt->handle = NULL;
}

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
 * ## SIGINT
 *
 * Like `asyncio.run()` (Python 3.11 and later), when called on the main
 * thread while `SIGINT` has its default disposition, `aio_run()` handles
 * `SIGINT` while @main_future runs.  The first `SIGINT` cancels
 * @main_future (its current await fails with `G_IO_ERROR_CANCELLED`, so it
 * can clean up); from then on `SIGINT` has its default disposition again,
 * so a second one ends the process by the signal, as a second Ctrl-C ends
 * a Python program.  If the cancellation ends @main_future, `aio_run()`
 * fails with %AIO_ERROR_INTERRUPTED (asyncio's `KeyboardInterrupt`); a
 * main task that catches it and returns normally makes `aio_run()`
 * succeed.  A program that wants to end as interrupted, as Python does,
 * can then restore `SIG_DFL` and `raise (SIGINT)`.  A `SIGINT` handler the
 * program, a library or the shell set up beforehand (including `SIG_IGN`
 * and [method@Aio.Loop.add_signal_handler]) is left alone, and a handler
 * added while @main_future runs replaces that of `aio_run()`.  `SIGINT` is
 * back to its default disposition when `aio_run()` returns.
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
  Interrupt interrupt = { NULL, };

  g_return_val_if_fail (AIO_IS_FUTURE (main_future), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  loop = aio_future_get_loop (main_future);
  interrupt.loop = loop;
  interrupt.main_future = main_future;
  interrupt_begin (&interrupt);
  ok = aio_loop_run_until_complete (loop, main_future, &local_error);
  interrupt_end (&interrupt);
  if (interrupt.interrupted && !ok &&
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      (!AIO_IS_TASK (main_future) || aio_task_uncancel (AIO_TASK (main_future)) == 0))
    {
      /* Only our cancellation ended it: the program was interrupted. */
      g_clear_error (&local_error);
      g_set_error_literal (&local_error, AIO_ERROR, AIO_ERROR_INTERRUPTED,
                           "Interrupted by SIGINT");
    }
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

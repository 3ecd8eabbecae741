/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Debug mode: reports a callback or task step that held the loop longer
 * than the loop's slow-callback duration, as asyncio's debug mode does.
 * Off, it costs the dispatch loop one predictable branch per item.
 */

#define _GNU_SOURCE
#include "config.h"

#include <dlfcn.h>
#include <signal.h>

#include <glib-unix.h>

#include "aio-handle-private.h"
#include "aio-loop-private.h"
#include "aio-task-private.h"

#define DEFAULT_SLOW_CALLBACK_US (100 * 1000)

gboolean _aio_loop_debug_used;
AioLoopPrintTasksFunc _aio_loop_debug_print_tasks;

enum
{
  DEBUG_MODE = 1 << 0,     /* "debug" */
  DEBUG_SIGUSR1 = 1 << 1,  /* "sigusr1" */
};

/* AIO_DEBUG holds comma- or space-separated words: "debug" turns debug
 * mode on for every loop, "sigusr1" makes SIGUSR1 print each loop's tasks.
 */
static guint
debug_from_environment (void)
{
  static gsize done;
  static guint flags;

  if (g_once_init_enter (&done))
    {
      const char *value = g_getenv ("AIO_DEBUG");

      if (value != NULL)
        {
          g_auto(GStrv) words = g_strsplit_set (value, ", ", -1);

          if (g_strv_contains ((const char * const *) words, "debug"))
            flags |= DEBUG_MODE;
          if (g_strv_contains ((const char * const *) words, "sigusr1"))
            flags |= DEBUG_SIGUSR1;
        }
      g_once_init_leave (&done, 1);
    }
  return flags;
}

/* Runs on the loop's thread, from its context, so the task lists are safe
 * to read: the signal itself only wakes GLib's signal source.
 */
static gboolean
print_tasks_on_sigusr1 (gpointer data)
{
  AioLoop *loop = data;
  g_autoptr(GError) error = NULL;

  if (_aio_loop_debug_print_tasks != NULL &&
      !_aio_loop_debug_print_tasks (loop, NULL, &error))
    g_warning ("Could not print the tasks of a loop: %s", error->message);
  return G_SOURCE_CONTINUE;
}

void
_aio_loop_debug_init (AioLoop *loop)
{
  guint flags = debug_from_environment ();

  loop->slow_callback_us = DEFAULT_SLOW_CALLBACK_US;
  aio_loop_set_debug (loop, (flags & DEBUG_MODE) != 0);
  if (flags & DEBUG_SIGUSR1)
    {
      /* The loop's own source holds the loop; this one does not, and goes
       * with it (see _aio_loop_debug_finalize()).
       */
      loop->sigusr1_source = g_unix_signal_source_new (SIGUSR1);
      g_source_set_callback (loop->sigusr1_source, print_tasks_on_sigusr1, loop, NULL);
      g_source_set_name (loop->sigusr1_source, "AioLoop SIGUSR1 task dump");
      g_source_attach (loop->sigusr1_source, loop->context);
    }
}

void
_aio_loop_debug_finalize (AioLoop *loop)
{
  g_clear_object (&loop->debug_task);
  if (loop->sigusr1_source != NULL)
    {
      g_source_destroy (loop->sigusr1_source);
      g_clear_pointer (&loop->sigusr1_source, g_source_unref);
    }
}

char *
_aio_debug_describe_function (gpointer function)
{
  Dl_info info;

  if (dladdr (function, &info) != 0)
    {
      if (info.dli_sname != NULL)
        return g_strdup (info.dli_sname);
      if (info.dli_fname != NULL)
        return g_strdup_printf ("%p in %s", function, info.dli_fname);
    }
  return g_strdup_printf ("%p", function);
}

/* What a slow item was: the task it stepped, the handle's callback, or
 * the loop's own work. */
static char *
describe_item (AioLoop            *loop,
               const AioReadyItem *item,
               AioCallback         callback)
{
  g_autofree char *body = NULL;

  if (loop->debug_task != NULL)
    {
      body = _aio_debug_describe_function (loop->debug_body);
      return g_strdup_printf ("a step of task '%s' (body %s)",
                              aio_task_get_name (loop->debug_task), body);
    }
  if (callback != NULL)
    {
      body = _aio_debug_describe_function ((gpointer) callback);
      return g_strdup_printf ("callback %s", body);
    }
  body = _aio_debug_describe_function ((gpointer) item->ops->run);
  return g_strdup_printf ("loop work %s", body);
}

void
_aio_loop_debug_note_step (AioLoop  *loop,
                           AioTask  *task,
                           gpointer  body)
{
  g_set_object (&loop->debug_task, task);
  loop->debug_body = body;
}

void
_aio_loop_run_item_timed (AioLoop            *loop,
                          const AioReadyItem *item)
{
  AioCallback callback = NULL;
  gint64 start, took;

  g_clear_object (&loop->debug_task);
  /* Running a handle's item may free the handle. */
  if (item->ops == &_aio_handle_run_once_ops)
    callback = ((AioHandle *) item->data)->callback;

  start = g_get_monotonic_time ();
  item->ops->run (item->data);
  took = g_get_monotonic_time () - start;

  if (took > loop->slow_callback_us)
    {
      g_autofree char *what = describe_item (loop, item, callback);

      g_warning ("Executing %s took %.3f seconds", what, took / (double) G_USEC_PER_SEC);
    }
  g_clear_object (&loop->debug_task);
}

gboolean
_aio_loop_debug_wrong_thread (AioLoop    *loop,
                              const char *what)
{
  AioTask *caller = aio_current_task ();
  g_autofree char *origin = NULL;

  if (loop == NULL || !loop->debug)
    return FALSE;
  if (caller != NULL)
    origin = _aio_task_describe_origin (caller);
  g_warning ("%s used from the wrong thread: its loop %p runs on another thread "
             "(or another loop is running here)%s%s%s%s%s",
             what, (gpointer) loop,
             caller != NULL ? "; the caller is task '" : "",
             caller != NULL ? aio_task_get_name (caller) : "",
             caller != NULL ? "'" : "",
             origin != NULL ? ", " : "", origin != NULL ? origin : "");
  return FALSE;
}

/**
 * aio_loop_get_debug:
 * @self: an [class@Aio.Loop]
 *
 * Whether @self is in debug mode, as asyncio's `loop.get_debug()`.
 *
 * Returns: %TRUE in debug mode
 *
 * Since: 1.0
 */
gboolean
aio_loop_get_debug (AioLoop *self)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), FALSE);

  return self->debug;
}

/**
 * aio_loop_set_debug:
 * @self: an [class@Aio.Loop]
 * @enabled: whether to turn debug mode on
 *
 * Turns debug mode on or off for @self, as asyncio's `loop.set_debug()`.
 * Every loop starts in debug mode when the `AIO_DEBUG` environment
 * variable contains `debug`.
 *
 * In debug mode, a callback or a task step that keeps the loop busy for
 * longer than [method@Aio.Loop.get_slow_callback_duration] is reported
 * with `g_warning()` in the `Aio` log domain, naming the task and its body
 * function, or the callback. Off, debug mode costs nothing measurable.
 *
 * Call it from the loop's thread, or before the loop runs.
 *
 * Since: 1.0
 */
void
aio_loop_set_debug (AioLoop  *self,
                    gboolean  enabled)
{
  g_return_if_fail (AIO_IS_LOOP (self));

  self->debug = enabled != FALSE;
  if (enabled)
    _aio_loop_debug_used = TRUE;
}

/**
 * aio_loop_get_slow_callback_duration:
 * @self: an [class@Aio.Loop]
 *
 * How long, in seconds, a callback or task step may hold @self in debug
 * mode before it is reported; asyncio's `loop.slow_callback_duration`.
 *
 * Returns: the duration in seconds, 0.1 unless set
 *
 * Since: 1.0
 */
gdouble
aio_loop_get_slow_callback_duration (AioLoop *self)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), 0.0);

  return self->slow_callback_us / (gdouble) G_USEC_PER_SEC;
}

/**
 * aio_loop_set_slow_callback_duration:
 * @self: an [class@Aio.Loop]
 * @seconds: the duration, at least 0
 *
 * Sets how long a callback or task step may hold @self before debug mode
 * reports it. See [method@Aio.Loop.set_debug].
 *
 * Since: 1.0
 */
void
aio_loop_set_slow_callback_duration (AioLoop *self,
                                     gdouble  seconds)
{
  g_return_if_fail (AIO_IS_LOOP (self));
  g_return_if_fail (seconds >= 0 && seconds < 1e9);

  self->slow_callback_us = (gint64) (seconds * G_USEC_PER_SEC);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>

#include <glib-unix.h>
#include <gio/gio.h>

#include "aio-error.h"
#include "aio-handle-private.h"
#include "aio-loop-private.h"

/* Unix signal handlers, as asyncio's add_signal_handler(): one GLib unix
 * signal source per handled signal, attached to the loop's context.  The
 * source only queues the handler's handle on the ready ring, so the
 * callback runs in order with the loop's other work, with the loop
 * running, as asyncio runs a signal handler through call_soon.
 */

struct _AioSignalWatch
{
  AioSignalWatch *next;
  int             signum;
  GSource        *source;   /* (owned): attached to the loop's context */
  AioHandle      *handle;   /* (owned) */
};

/* What g_unix_signal_source_new() accepts. */
static gboolean
signal_is_supported (int signum)
{
  switch (signum)
    {
    case SIGHUP:
    case SIGINT:
    case SIGTERM:
    case SIGUSR1:
    case SIGUSR2:
    case SIGWINCH:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
run_signal (gpointer data)
{
  AioHandle *handle = data;

  _aio_handle_run (handle);
  aio_handle_unref (handle);
}

/* The handler stays after it runs: only the ring's reference goes. */
static const AioReadyOps run_signal_ops = {
  run_signal, (void (*) (gpointer)) aio_handle_unref,
};

static gboolean
on_signal (gpointer data)
{
  AioSignalWatch *watch = data;
  AioHandle *handle = watch->handle;

  _aio_loop_post (handle->loop, &run_signal_ops, aio_handle_ref (handle));
  return G_SOURCE_CONTINUE;
}

/* Destroying the source before letting go of it makes sure it never
 * dispatches again; GLib puts the signal back to its default disposition
 * once the last source for it is gone.
 */
static void
watch_free (AioSignalWatch *watch)
{
  g_source_destroy (watch->source);
  g_source_unref (watch->source);
  g_atomic_int_set (&watch->handle->cancelled, TRUE);
  _aio_handle_release_data (watch->handle);
  aio_handle_unref (watch->handle);
  g_free (watch);
}

static AioSignalWatch **
find_watch (AioLoop *loop,
            int      signum)
{
  AioSignalWatch **link;

  for (link = &loop->signal_watches; *link != NULL; link = &(*link)->next)
    if ((*link)->signum == signum)
      return link;
  return NULL;
}

AioHandle *
_aio_loop_add_signal_handle (AioLoop         *loop,
                             int              signum,
                             AioCallback      callback,
                             gpointer         user_data,
                             GDestroyNotify   destroy,
                             GError         **error)
{
  AioSignalWatch *watch, **link;

  if (signum <= 0 || signum >= NSIG)
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT,
                   "Invalid signal number %d", signum);
      goto fail;
    }
  if (!signal_is_supported (signum))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Signal %d (%s) cannot be handled by the loop; SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2 and SIGWINCH can",
                   signum, g_strsignal (signum));
      goto fail;
    }
  if (!_aio_loop_is_owner (loop))
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                   "Signal handlers can only be added from the thread that runs the loop");
      goto fail;
    }
  if (loop->source == NULL)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_CLOSED,
                           "The loop's main context has been destroyed");
      goto fail;
    }

  watch = g_new0 (AioSignalWatch, 1);
  watch->signum = signum;
  watch->handle = _aio_handle_new (loop, AIO_HANDLE_SIGNAL, callback, user_data, destroy);
  /* The new source comes before the old one goes, so the signal never
   * falls back to its default disposition in between.
   */
  watch->source = g_unix_signal_source_new (signum);
  g_source_set_name (watch->source, "AioLoop signal handler");
  g_source_set_callback (watch->source, on_signal, watch, NULL);
  g_source_attach (watch->source, loop->context);

  link = find_watch (loop, signum);
  if (link != NULL)
    {
      AioSignalWatch *previous = *link;

      watch->next = previous->next;
      *link = watch;
      watch_free (previous);
    }
  else
    {
      watch->next = loop->signal_watches;
      loop->signal_watches = watch;
    }
  return watch->handle;

fail:
  if (destroy != NULL)
    destroy (user_data);
  return NULL;
}

gboolean
_aio_loop_remove_signal_handle (AioLoop   *loop,
                                int        signum,
                                AioHandle *handle)
{
  AioSignalWatch **link, *watch;

  link = find_watch (loop, signum);
  if (link == NULL || (handle != NULL && (*link)->handle != handle))
    return FALSE;
  watch = *link;
  *link = watch->next;
  watch_free (watch);
  return TRUE;
}

void
_aio_loop_signals_finalize (AioLoop *loop)
{
  while (loop->signal_watches != NULL)
    {
      AioSignalWatch *watch = loop->signal_watches;

      loop->signal_watches = watch->next;
      watch_free (watch);
    }
}

/**
 * aio_loop_add_signal_handler:
 * @self: an [class@Aio.Loop]
 * @signum: the signal: `SIGHUP`, `SIGINT`, `SIGTERM`, `SIGUSR1`,
 *   `SIGUSR2` or `SIGWINCH`
 * @callback: (scope notified) (closure user_data) (destroy destroy): called
 *   on the loop's thread each time @signum arrives
 * @user_data: data for @callback
 * @destroy: (nullable): frees @user_data when the handler is removed or
 *   replaced, or the loop's context is destroyed
 * @error: return location for an error
 *
 * Handles @signum on @self, like asyncio's `loop.add_signal_handler()`,
 * through a GLib unix signal source ([func@GLib.unix_signal_source_new])
 * attached to the loop's main context.
 *
 * A signal has at most one handler per loop: adding another replaces the
 * first, whose @destroy runs.  @callback runs on the loop's thread as a
 * ready callback of the loop, never inside the signal handler itself, so
 * it may do anything a loop callback may (complete futures, cancel tasks,
 * close servers).  Signals that arrive before the loop runs its callback
 * again are delivered once.  The handler lasts until
 * [method@Aio.Loop.remove_signal_handler] or the destruction of the loop's
 * context.
 *
 * Must be called from the loop's thread.  A number that is not a signal
 * fails with %AIO_ERROR_INVALID_ARGUMENT (asyncio's `ValueError`); a
 * signal GLib cannot watch, such as `SIGKILL` or `SIGCHLD`, fails with
 * %G_IO_ERROR_NOT_SUPPORTED (asyncio's `RuntimeError`); another thread
 * gets %AIO_ERROR_WRONG_THREAD, a loop whose context is gone
 * %AIO_ERROR_CLOSED.  On failure @destroy is called at once.
 *
 * Returns: %TRUE if @callback now handles @signum
 *
 * Since: 1.0
 */
gboolean
aio_loop_add_signal_handler (AioLoop         *self,
                             int              signum,
                             AioCallback      callback,
                             gpointer         user_data,
                             GDestroyNotify   destroy,
                             GError         **error)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), FALSE);
  g_return_val_if_fail (callback != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _aio_loop_add_signal_handle (self, signum, callback, user_data,
                                      destroy, error) != NULL;
}

/**
 * aio_loop_remove_signal_handler:
 * @self: an [class@Aio.Loop]
 * @signum: a signal number
 *
 * Removes the handler of @signum, like asyncio's
 * `loop.remove_signal_handler()`; its destroy notify runs.  Once no
 * handler of any loop (nor any other GLib signal source) is left for
 * @signum, the signal gets its default disposition back: `SIGINT` and
 * `SIGTERM` end the process again.  Must be called from the loop's
 * thread.
 *
 * Returns: %TRUE if a handler was removed, %FALSE if @signum had none
 *
 * Since: 1.0
 */
gboolean
aio_loop_remove_signal_handler (AioLoop *self,
                                int      signum)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), FALSE);

  if (!_aio_loop_is_owner (self))
    {
      g_critical ("Signal handlers can only be removed from the thread that runs the loop");
      return FALSE;
    }
  return _aio_loop_remove_signal_handle (self, signum, NULL);
}

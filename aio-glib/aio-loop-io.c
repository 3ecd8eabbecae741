/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "aio-error.h"
#include "aio-handle-private.h"
#include "aio-loop-private.h"

/* File descriptor readiness, as asyncio's add_reader()/add_writer(): one
 * level-triggered epoll descriptor per loop, watched by the loop's source,
 * so a turn costs the same with ten or ten thousand idle descriptors.
 */

struct _AioFdWatch
{
  AioHandle *reader;   /* (owned) (nullable) */
  AioHandle *writer;   /* (owned) (nullable) */
  guint32    events;   /* what epoll has registered for this fd */
  /* An edge-triggered watch (streams) instead of the two handles. */
  AioFdEdgeFunc edge_func;
  gpointer      edge_data;
};

#define MAX_EVENTS 128
#define MAX_ROUNDS 8

gboolean
_aio_loop_io_ready (AioLoop *loop)
{
  return loop->epfd_tag != NULL && loop->source != NULL &&
         (g_source_query_unix_fd ((GSource *) loop->source, loop->epfd_tag) & G_IO_IN) != 0;
}

static void
run_io (gpointer data)
{
  AioHandle *handle = data;

  _aio_handle_run (handle);
  aio_handle_unref (handle);
}

/* A reader or writer stays watched after it runs, so only the reference
 * the ring holds goes.
 */
static const AioReadyOps run_io_ops = {
  run_io, (void (*) (gpointer)) aio_handle_unref,
};

void
_aio_loop_poll_io (AioLoop *loop)
{
  struct epoll_event events[MAX_EVENTS];
  guint round;

  if (loop->epfd < 0)
    return;

  for (round = 0; round < MAX_ROUNDS; round++)
    {
      int n = epoll_wait (loop->epfd, events, MAX_EVENTS, 0);
      int i;

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;

      for (i = 0; i < n; i++)
        {
          int fd = events[i].data.fd;
          guint32 ev = events[i].events;
          AioFdWatch *watch;

          if (fd < 0 || (guint) fd >= loop->n_fds)
            continue;
          watch = &loop->fds[fd];
          if (watch->edge_func != NULL)
            {
              watch->edge_func (watch->edge_data, ev);
              continue;
            }
          if (watch->reader != NULL && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
            _aio_loop_push_ready (loop, &run_io_ops, aio_handle_ref (watch->reader));
          if (watch->writer != NULL && (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
            _aio_loop_push_ready (loop, &run_io_ops, aio_handle_ref (watch->writer));
        }
      if (n < MAX_EVENTS)
        break;
    }
}

static gboolean
ensure_epoll (AioLoop  *loop,
              GError  **error)
{
  if (loop->epfd >= 0)
    return TRUE;
  if (loop->source == NULL)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_CLOSED,
                           "The loop's main context has been destroyed");
      return FALSE;
    }

  loop->epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (loop->epfd < 0)
    {
      int saved = errno;

      g_set_error (error, AIO_ERROR, AIO_ERROR_FAILED,
                   "Could not create an epoll descriptor: %s", g_strerror (saved));
      return FALSE;
    }
  loop->epfd_tag = g_source_add_unix_fd ((GSource *) loop->source, loop->epfd, G_IO_IN);
  return TRUE;
}

/* Tells epoll what the watch now wants; the fd may have been closed and
 * reopened behind our back, which epoll reports as ENOENT or EEXIST.
 */
static int
sync_epoll (AioLoop    *loop,
            int         fd,
            AioFdWatch *watch)
{
  struct epoll_event ev = { 0, };
  guint32 wanted = 0;
  int op, rc;

  if (watch->reader != NULL)
    wanted |= EPOLLIN;
  if (watch->writer != NULL)
    wanted |= EPOLLOUT;

  ev.events = wanted;
  ev.data.fd = fd;

  if (wanted == 0)
    op = EPOLL_CTL_DEL;
  else if (watch->events == 0)
    op = EPOLL_CTL_ADD;
  else
    op = EPOLL_CTL_MOD;

  rc = epoll_ctl (loop->epfd, op, fd, &ev);
  if (rc < 0 && op == EPOLL_CTL_MOD && errno == ENOENT)
    rc = epoll_ctl (loop->epfd, EPOLL_CTL_ADD, fd, &ev);
  else if (rc < 0 && op == EPOLL_CTL_ADD && errno == EEXIST)
    rc = epoll_ctl (loop->epfd, EPOLL_CTL_MOD, fd, &ev);
  else if (rc < 0 && op == EPOLL_CTL_DEL && (errno == ENOENT || errno == EBADF))
    rc = 0;   /* already gone with the closed fd */

  if (rc == 0)
    {
      if (watch->events == 0 && wanted != 0)
        loop->n_watched++;
      else if (watch->events != 0 && wanted == 0)
        loop->n_watched--;
      watch->events = wanted;
    }
  return rc < 0 ? errno : 0;
}

/* The loop's entry for @fd, made on first use; checks the thread and
 * that the loop can watch at all.
 */
static AioFdWatch *
watch_slot (AioLoop  *loop,
            int       fd,
            GError  **error)
{
  if (!_aio_loop_is_owner (loop))
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                   "File descriptor %d can only be watched from the thread that runs the loop",
                   fd);
      return NULL;
    }
  if (!ensure_epoll (loop, error))
    return NULL;
  if ((guint) fd >= loop->n_fds)
    {
      guint n = MAX (64, loop->n_fds);

      while (n <= (guint) fd)
        n *= 2;
      loop->fds = g_renew (AioFdWatch, loop->fds, n);
      memset (loop->fds + loop->n_fds, 0, (n - loop->n_fds) * sizeof (AioFdWatch));
      loop->n_fds = n;
    }
  return &loop->fds[fd];
}

static void
drop_handle (AioHandle **slot)
{
  AioHandle *handle = g_steal_pointer (slot);

  if (handle == NULL)
    return;
  g_atomic_int_set (&handle->cancelled, TRUE);
  _aio_handle_release_data (handle);
  aio_handle_unref (handle);
}

static gboolean
add_watch (AioLoop        *loop,
           int             fd,
           AioHandleKind   kind,
           AioCallback     callback,
           gpointer        user_data,
           GDestroyNotify  destroy,
           GError        **error)
{
  AioFdWatch *watch;
  AioHandle **slot;
  AioHandle *previous;
  int rc;

  watch = watch_slot (loop, fd, error);
  if (watch == NULL)
    goto fail;
  if (watch->edge_func != NULL)
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                   "File descriptor %d belongs to a stream of this loop", fd);
      goto fail;
    }
  slot = kind == AIO_HANDLE_READER ? &watch->reader : &watch->writer;
  previous = *slot;
  *slot = _aio_handle_new (loop, kind, callback, user_data, destroy);
  (*slot)->fd = fd;

  rc = sync_epoll (loop, fd, watch);
  if (rc != 0)
    {
      AioHandle *failed = g_steal_pointer (slot);

      *slot = previous;
      g_set_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT,
                   "Cannot watch file descriptor %d: %s%s", fd, g_strerror (rc),
                   rc == EPERM ? " (regular files and directories are always ready; read them directly)" : "");
      /* As documented, and as on the other failure paths: the watch
       * never existed, so its destroy notify runs now (from the unref).
       */
      aio_handle_unref (failed);
      return FALSE;
    }

  drop_handle (&previous);
  return TRUE;

fail:
  if (destroy != NULL)
    destroy (user_data);
  return FALSE;
}

static gboolean
remove_watch (AioLoop       *loop,
              int            fd,
              AioHandleKind  kind)
{
  AioFdWatch *watch;
  AioHandle **slot;

  if (!_aio_loop_is_owner (loop))
    {
      g_critical ("File descriptor watches can only be removed from the thread that runs the loop");
      return FALSE;
    }
  if (fd < 0 || (guint) fd >= loop->n_fds || loop->epfd < 0)
    return FALSE;

  watch = &loop->fds[fd];
  slot = kind == AIO_HANDLE_READER ? &watch->reader : &watch->writer;
  if (*slot == NULL)
    return FALSE;

  drop_handle (slot);
  sync_epoll (loop, fd, watch);
  return TRUE;
}

/**
 * aio_loop_add_reader:
 * @self: an [class@Aio.Loop]
 * @fd: a file descriptor that can be polled (socket, pipe, eventfd, tty...)
 * @callback: (scope notified) (closure user_data) (destroy destroy): called
 *   while @fd is readable
 * @user_data: data for @callback
 * @destroy: (nullable): frees @user_data when the watch is removed or
 *   replaced
 * @error: return location for an error
 *
 * Watches @fd for reading, like asyncio's `loop.add_reader()`.  A second
 * reader for the same @fd replaces the first.
 *
 * The watch is level-triggered: @callback runs on every loop turn while
 * @fd stays readable, so it should read until the data is consumed, or
 * remove the watch.  Must be called from the loop's thread.  A descriptor
 * epoll cannot watch (a regular file, a closed fd) fails with
 * %AIO_ERROR_INVALID_ARGUMENT, and @destroy is called at once.
 *
 * Returns: %TRUE if @fd is now watched
 *
 * Since: 1.0
 */
gboolean
aio_loop_add_reader (AioLoop         *self,
                     int              fd,
                     AioCallback      callback,
                     gpointer         user_data,
                     GDestroyNotify   destroy,
                     GError         **error)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (callback != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return add_watch (self, fd, AIO_HANDLE_READER, callback, user_data, destroy, error);
}

/**
 * aio_loop_add_writer:
 * @self: an [class@Aio.Loop]
 * @fd: a file descriptor that can be polled
 * @callback: (scope notified) (closure user_data) (destroy destroy): called
 *   while @fd is writable
 * @user_data: data for @callback
 * @destroy: (nullable): frees @user_data when the watch is removed or
 *   replaced
 * @error: return location for an error
 *
 * Watches @fd for writing, like asyncio's `loop.add_writer()`.  Like
 * [method@Aio.Loop.add_reader], level-triggered.
 *
 * Returns: %TRUE if @fd is now watched
 *
 * Since: 1.0
 */
gboolean
aio_loop_add_writer (AioLoop         *self,
                     int              fd,
                     AioCallback      callback,
                     gpointer         user_data,
                     GDestroyNotify   destroy,
                     GError         **error)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (callback != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return add_watch (self, fd, AIO_HANDLE_WRITER, callback, user_data, destroy, error);
}

/**
 * aio_loop_remove_reader:
 * @self: an [class@Aio.Loop]
 * @fd: a watched file descriptor
 *
 * Stops watching @fd for reading, like asyncio's `loop.remove_reader()`.
 * Call it before closing @fd.
 *
 * Returns: %TRUE if there was a reader to remove
 *
 * Since: 1.0
 */
gboolean
aio_loop_remove_reader (AioLoop *self,
                        int      fd)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), FALSE);

  return remove_watch (self, fd, AIO_HANDLE_READER);
}

/**
 * aio_loop_remove_writer:
 * @self: an [class@Aio.Loop]
 * @fd: a watched file descriptor
 *
 * Stops watching @fd for writing, like asyncio's `loop.remove_writer()`.
 *
 * Returns: %TRUE if there was a writer to remove
 *
 * Since: 1.0
 */
gboolean
aio_loop_remove_writer (AioLoop *self,
                        int      fd)
{
  g_return_val_if_fail (AIO_IS_LOOP (self), FALSE);

  return remove_watch (self, fd, AIO_HANDLE_WRITER);
}

/* Edge-triggered watches, for the streams: registered once for reading
 * and writing, so an operation that would block costs no epoll_ctl() and
 * a stream that never blocks costs nothing at all.  The owner keeps its
 * own "ready" state, cleared when a non-blocking call says EAGAIN; epoll
 * reports the next edge after that.
 */
gboolean
_aio_loop_watch_edges (AioLoop        *loop,
                       int             fd,
                       AioFdEdgeFunc   func,
                       gpointer        data,
                       GError        **error)
{
  struct epoll_event ev = { 0, };
  AioFdWatch *watch;

  g_assert (fd >= 0);

  watch = watch_slot (loop, fd, error);
  if (watch == NULL)
    return FALSE;
  if (watch->events != 0)
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                   "File descriptor %d is already watched by this loop", fd);
      return FALSE;
    }

  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  ev.data.fd = fd;
  if (epoll_ctl (loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
    {
      int saved = errno;

      g_set_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT,
                   "Cannot watch file descriptor %d: %s", fd, g_strerror (saved));
      return FALSE;
    }
  watch->events = ev.events;
  watch->edge_func = func;
  watch->edge_data = data;
  loop->n_watched++;
  return TRUE;
}

/* Writability is watched only while a write waits: otherwise every ACK
 * of sent data would be an edge, doubling the events of a busy socket.
 * Adding EPOLLOUT reports it at once if the socket has room already.
 */
void
_aio_loop_watch_edges_out (AioLoop  *loop,
                           int       fd,
                           gboolean  want)
{
  struct epoll_event ev = { 0, };

  if (fd < 0 || (guint) fd >= loop->n_fds || loop->epfd < 0 ||
      loop->fds[fd].edge_func == NULL)
    return;
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (want ? EPOLLOUT : 0);
  ev.data.fd = fd;
  if (epoll_ctl (loop->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
    loop->fds[fd].events = ev.events;
}

void
_aio_loop_unwatch_edges (AioLoop *loop,
                         int      fd)
{
  AioFdWatch *watch;

  if (fd < 0 || (guint) fd >= loop->n_fds || loop->epfd < 0)
    return;   /* the context is gone, and the watches with it */
  watch = &loop->fds[fd];
  if (watch->edge_func == NULL)
    return;
  if (epoll_ctl (loop->epfd, EPOLL_CTL_DEL, fd, NULL) < 0)
    g_assert (errno == ENOENT || errno == EBADF);
  watch->edge_func = NULL;
  watch->edge_data = NULL;
  watch->events = 0;
  loop->n_watched--;
}

void
_aio_loop_cancel_watch (AioLoop   *loop,
                        AioHandle *handle)
{
  AioFdWatch *watch;

  if (handle->fd < 0 || (guint) handle->fd >= loop->n_fds)
    return;
  watch = &loop->fds[handle->fd];
  if (watch->reader == handle)
    remove_watch (loop, handle->fd, AIO_HANDLE_READER);
  else if (watch->writer == handle)
    remove_watch (loop, handle->fd, AIO_HANDLE_WRITER);
}

void
_aio_loop_io_finalize (AioLoop *loop)
{
  guint i;

  for (i = 0; i < loop->n_fds; i++)
    {
      drop_handle (&loop->fds[i].reader);
      drop_handle (&loop->fds[i].writer);
    }
  g_clear_pointer (&loop->fds, g_free);
  loop->n_fds = 0;
  loop->n_watched = 0;
  if (loop->epfd >= 0)
    {
      close (loop->epfd);
      loop->epfd = -1;
    }
  loop->epfd_tag = NULL;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-await.h"
#include "aio-future-private.h"
#include "aio-handle.h"
#include "aio-loop-private.h"
#include "aio-stream-private.h"
#include "aio-task.h"
#include "aio-threaded-server.h"

/**
 * AioThreadedServer:
 *
 * One TCP server spread over several threads, each with its own
 * [class@Aio.Loop] and its own listening socket on the same port
 * (`SO_REUSEPORT`): the kernel hands each new connection to one of them,
 * so a C server uses every core.  Made by [func@Aio.start_threaded_server].
 *
 * The object itself lives on the loop that started it (the caller's):
 * its methods are called there and its futures complete there, while
 * each worker thread runs an [class@Aio.Server] whose client tasks run on
 * that thread's loop.  [method@Aio.ThreadedServer.close] stops every
 * worker accepting; [method@Aio.ThreadedServer.wait_closed] completes
 * once every worker's clients have ended and its thread has exited.  The
 * caller's loop must keep running until then, since the workers report
 * to it.
 *
 * Since: 1.0
 */

typedef struct
{
  AioThreadedServer *server;    /* (unowned) each thread holds a reference */
  guint              index;
  GThread           *thread;    /* (owned) (nullable) joined when it reports its end */
  GMainContext      *context;   /* (owned) (nullable) the thread's, kept until finalize */
  AioLoop           *loop;      /* (owned) (nullable) the thread's loop, set before it reports */
  AioServer         *inner;     /* (owned) (nullable) the worker's thread only */
  GPtrArray         *addresses; /* (owned) (nullable) copied for the caller's thread */
  guint16            port;
  GError            *error;     /* (owned) (nullable) why the worker did not start */
  gboolean           listening; /* the caller's thread only: reported, not yet ended */
} Worker;

struct _AioThreadedServer
{
  GObject         parent_instance;

  AioLoop        *loop;          /* (owned) the caller's */
  AioClientFunc   func;
  gpointer        user_data;
  GDestroyNotify  destroy;
  char           *host;          /* (owned) (nullable) */
  guint16         port;          /* asked for, then the one worker 0 got */
  int             backlog;
  AioTlsContext  *tls;           /* (owned) (nullable) */

  Worker         *workers;       /* (array length=n_threads) (owned) */
  guint           n_threads;
  guint           n_spawned;     /* threads started */
  guint           n_reported;    /* workers that said whether they listen */
  guint           n_ended;       /* threads joined */
  gint            n_clients;     /* (atomic) client tasks running, all threads */

  AioFuture      *start_future;  /* (owned) (nullable) until started or failed */
  GError         *start_error;   /* (owned) (nullable) first failure, or the cancellation */
  GPtrArray      *closed_waiters;  /* (element-type AioFuture) (owned) */
  GPtrArray      *forever_waiters; /* (element-type AioFuture) (owned) */
  guint           serving : 1;
  guint           stopping : 1;    /* close requested, or the start failed */
};

G_DEFINE_FINAL_TYPE (AioThreadedServer, aio_threaded_server, G_TYPE_OBJECT)

typedef enum
{
  WORKER_CLOSE,
  WORKER_CLOSE_CLIENTS,
  WORKER_ABORT_CLIENTS,
} WorkerCommand;

typedef struct
{
  Worker        *worker;
  WorkerCommand  command;
} Command;

/* ---- on a worker's thread ---- */

static void
run_command (gpointer data)
{
  Command *command = data;
  AioServer *inner = command->worker->inner;

  if (inner == NULL)
    return;
  switch (command->command)
    {
    case WORKER_CLOSE:
      aio_server_close (inner);
      break;
    case WORKER_CLOSE_CLIENTS:
      aio_server_close_clients (inner);
      break;
    case WORKER_ABORT_CLIENTS:
      aio_server_abort_clients (inner);
      break;
    }
}

static void
serve_client (AioStreamReader *reader,
              AioStreamWriter *writer,
              gpointer         user_data)
{
  AioThreadedServer *self = ((Worker *) user_data)->server;

  g_atomic_int_inc (&self->n_clients);
  self->func (reader, writer, self->user_data);
  g_atomic_int_add (&self->n_clients, -1);
}

static void worker_reported (gpointer data);

static void
worker_body (AioTask  *task,
             gpointer  data)
{
  Worker *worker = data;
  AioThreadedServer *self = worker->server;
  AioServer *inner;

  inner = aio_await_object (aio_start_server_full (serve_client, worker, NULL,
                                                   self->host, self->port, self->backlog,
                                                   self->n_threads > 1 ? AIO_SERVER_REUSE_PORT
                                                                       : AIO_SERVER_NONE,
                                                   self->tls),
                            &worker->error);
  if (inner != NULL)
    {
      GPtrArray *addresses = aio_server_get_addresses (inner);
      guint i;

      worker->addresses = g_ptr_array_new_full (addresses->len, g_object_unref);
      for (i = 0; i < addresses->len; i++)
        g_ptr_array_add (worker->addresses, g_object_ref (addresses->pdata[i]));
      worker->port = aio_server_get_port (inner);
    }
  worker->inner = inner;
  aio_handle_unref (aio_loop_call_soon_threadsafe (self->loop, worker_reported, worker, NULL));
  if (inner == NULL)
    return;

  /* Until the caller closes it; then until its clients are gone. */
  aio_await (aio_server_serve_forever (inner), NULL);
  aio_await (aio_server_wait_closed (inner), NULL);
}

static void worker_ended (gpointer data);

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  GMainContext *context = g_main_context_new ();
  g_autoptr(AioTask) task = NULL;

  /* The context outlives the thread: the caller's thread may still post
   * a command to this loop after it stopped, and the context goes (with
   * whatever was posted) when the server is finalized.
   */
  worker->context = context;
  g_main_context_push_thread_default (context);
  worker->loop = g_object_ref (aio_loop_get_thread_default ());
  task = aio_task_new_full (worker->loop, "aio-threaded-server-worker", 0,
                            worker_body, worker, NULL);
  aio_loop_run_until_complete (worker->loop, AIO_FUTURE (task), NULL);
  g_clear_object (&task);
  g_clear_object (&worker->inner);
  g_main_context_pop_thread_default (context);
  aio_handle_unref (aio_loop_call_soon_threadsafe (worker->server->loop, worker_ended,
                                                   worker, NULL));
  return NULL;
}

/* ---- on the caller's thread ---- */

static void
post_command (Worker        *worker,
              WorkerCommand  which)
{
  Command *command = g_new (Command, 1);

  command->worker = worker;
  command->command = which;
  aio_handle_unref (aio_loop_call_soon_threadsafe (worker->loop, run_command, command, g_free));
}

static void
post_to_reported (AioThreadedServer *self,
                  WorkerCommand      which)
{
  guint i;

  for (i = 0; i < self->n_threads; i++)
    if (self->workers[i].listening)
      post_command (&self->workers[i], which);
}

static gboolean
spawn (AioThreadedServer  *self,
       guint               index)
{
  Worker *worker = &self->workers[index];
  GError *error = NULL;

  g_object_ref (self);
  worker->thread = g_thread_try_new ("aio-server", worker_thread, worker, &error);
  if (worker->thread == NULL)
    {
      g_object_unref (self);
      if (self->start_error == NULL)
        self->start_error = error;
      else
        g_error_free (error);
      return FALSE;
    }
  self->n_spawned++;
  return TRUE;
}

static void
stop_starting (AioThreadedServer *self)
{
  /* Those that listen already shut down; the start fails once they end. */
  self->stopping = TRUE;
  post_to_reported (self, WORKER_CLOSE);
  post_to_reported (self, WORKER_ABORT_CLIENTS);
}

static void
worker_reported (gpointer data)
{
  Worker *worker = data;
  AioThreadedServer *self = worker->server;
  GValue value = G_VALUE_INIT;
  guint i;

  self->n_reported++;
  worker->listening = worker->error == NULL;
  if (worker->error != NULL)
    {
      if (self->start_error == NULL)
        self->start_error = g_error_copy (worker->error);
      self->stopping = TRUE;
    }
  if (self->stopping)
    {
      if (worker->listening)
        {
          post_command (worker, WORKER_CLOSE);
          post_command (worker, WORKER_ABORT_CLIENTS);
        }
      return;
    }

  if (worker->index == 0)
    {
      /* The first one picked the port the others share. */
      self->port = worker->port;
      for (i = 1; i < self->n_threads; i++)
        if (!spawn (self, i))
          {
            stop_starting (self);
            return;
          }
    }
  if (self->n_reported < self->n_threads)
    return;

  self->serving = TRUE;
  g_value_init (&value, AIO_TYPE_THREADED_SERVER);
  g_value_set_object (&value, self);
  _aio_future_complete (self->start_future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
  g_clear_object (&self->start_future);
}

static void
worker_ended (gpointer data)
{
  Worker *worker = data;
  AioThreadedServer *self = worker->server;

  g_thread_join (g_steal_pointer (&worker->thread));
  worker->listening = FALSE;
  self->n_ended++;
  if (self->n_ended == self->n_spawned)
    {
      self->serving = FALSE;
      if (self->start_future != NULL)
        {
          AioFutureState state = g_error_matches (self->start_error, G_IO_ERROR,
                                                  G_IO_ERROR_CANCELLED)
            ? AIO_FUTURE_CANCELLED : AIO_FUTURE_FINISHED;

          _aio_future_complete (self->start_future, state, NULL,
                                g_steal_pointer (&self->start_error), NULL);
          g_clear_object (&self->start_future);
        }
      _aio_stream_waiters_complete (self->forever_waiters, NULL);
      _aio_stream_waiters_complete (self->closed_waiters, NULL);
    }
  /* The reference the thread held, dropped on this thread. */
  g_object_unref (self);
}

static gboolean
start_cancelled (AioFuture  *future,
                 const char *msg,
                 gpointer    data)
{
  AioThreadedServer *self = data;

  if (self->start_error == NULL)
    self->start_error = _aio_cancelled_error_new (msg);
  stop_starting (self);
  /* The future ends once the threads that started have exited. */
  return FALSE;
}

static void
aio_threaded_server_finalize (GObject *object)
{
  AioThreadedServer *self = AIO_THREADED_SERVER (object);
  guint i;

  for (i = 0; i < self->n_threads; i++)
    {
      Worker *worker = &self->workers[i];

      g_clear_object (&worker->loop);
      g_clear_pointer (&worker->context, g_main_context_unref);
      g_clear_pointer (&worker->addresses, g_ptr_array_unref);
      g_clear_error (&worker->error);
    }
  g_free (self->workers);
  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_clear_object (&self->start_future);
  g_clear_error (&self->start_error);
  g_ptr_array_unref (self->closed_waiters);
  g_ptr_array_unref (self->forever_waiters);
  g_clear_object (&self->tls);
  g_free (self->host);
  g_object_unref (self->loop);

  G_OBJECT_CLASS (aio_threaded_server_parent_class)->finalize (object);
}

static void
aio_threaded_server_class_init (AioThreadedServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aio_threaded_server_finalize;
}

static void
aio_threaded_server_init (AioThreadedServer *self)
{
  self->closed_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->forever_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * aio_start_threaded_server: (skip)
 * @func: (scope notified) (closure user_data) (destroy destroy): serves
 *   each client, in a task of its own on the thread that accepted it
 * @user_data: data for @func, shared by every thread
 * @destroy: (nullable): frees @user_data once every thread has ended and
 *   the server is finalized
 * @host: (nullable): the address or host name to listen on; %NULL or `""`
 *   for every interface, IPv4 and IPv6
 * @port: the TCP port; 0 picks a free one (see
 *   [method@Aio.ThreadedServer.get_port])
 * @n_threads: how many threads and loops; 0 for one per processor
 * @backlog: each listener's queue length; 0 or less for asyncio's 100
 * @tls: (nullable): a server [class@Aio.TlsContext] to serve TLS, as for
 *   [func@Aio.start_server_full]
 *
 * Starts a TCP server on @n_threads new threads, each running its own
 * [class@Aio.Loop] with an [class@Aio.Server] listening on the same port
 * with `SO_REUSEPORT`, so the kernel spreads the connections over the
 * threads (with one thread, the option is not set, so no other socket can
 * share the port).  The first thread binds (picking the port if @port is 0), then
 * the others join it.  Each client runs @func in a C coroutine on the
 * loop of the thread that accepted it, as with [func@Aio.start_server];
 * @func runs on several threads at once, so what it shares through
 * @user_data must be thread-safe.
 *
 * If a thread cannot listen (the port is taken, the host does not
 * resolve) or cannot be created, those already listening stop and the
 * future fails with that error once their threads have exited, so
 * nothing is left running.  Cancelling the future does the same.
 *
 * This is for C handlers: a language binding's handler runs on its
 * interpreter's own loop, so bindings use [func@Aio.start_server].
 *
 * Returns: (transfer full): a future for the [class@Aio.ThreadedServer],
 *   on the calling thread's loop
 *
 * Since: 1.0
 */
AioFuture *
aio_start_threaded_server (AioClientFunc   func,
                           gpointer        user_data,
                           GDestroyNotify  destroy,
                           const char     *host,
                           guint16         port,
                           guint           n_threads,
                           int             backlog,
                           AioTlsContext  *tls)
{
  AioThreadedServer *self;
  AioFuture *future;
  guint i;

  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (tls == NULL || AIO_IS_TLS_CONTEXT (tls), NULL);
  g_return_val_if_fail (tls == NULL || aio_tls_context_is_server (tls), NULL);
  g_return_val_if_fail (n_threads <= 4096, NULL);

  if (n_threads == 0)
    n_threads = MAX (1, g_get_num_processors ());

  self = g_object_new (AIO_TYPE_THREADED_SERVER, NULL);
  self->loop = g_object_ref (_aio_loop_get_current ());
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  self->host = g_strdup (host);
  self->port = port;
  self->backlog = backlog;
  self->tls = tls != NULL ? g_object_ref (tls) : NULL;
  self->n_threads = n_threads;
  self->workers = g_new0 (Worker, n_threads);
  for (i = 0; i < n_threads; i++)
    {
      self->workers[i].server = self;
      self->workers[i].index = i;
    }

  future = _aio_future_new_for_loop (self->loop);
  self->start_future = g_object_ref (future);
  if (spawn (self, 0))
    _aio_future_set_cancel_hook (future, start_cancelled, self, NULL);
  else
    {
      _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL,
                            g_steal_pointer (&self->start_error), NULL);
      g_clear_object (&self->start_future);
    }
  /* The threads hold the server until they end; the future, once done. */
  g_object_unref (self);
  return future;
}

/**
 * aio_threaded_server_close:
 * @self: an [class@Aio.ThreadedServer]
 *
 * Stops every thread accepting, as [method@Aio.Server.close]; the clients
 * being served go on.  Ends [method@Aio.ThreadedServer.serve_forever].
 *
 * Since: 1.0
 */
void
aio_threaded_server_close (AioThreadedServer *self)
{
  g_return_if_fail (AIO_IS_THREADED_SERVER (self));

  if (!self->serving || self->stopping)
    return;
  self->serving = FALSE;
  self->stopping = TRUE;
  post_to_reported (self, WORKER_CLOSE);
  _aio_stream_waiters_complete (self->forever_waiters, NULL);
}

/**
 * aio_threaded_server_close_clients:
 * @self: an [class@Aio.ThreadedServer]
 *
 * Closes every client connection on every thread, as
 * [method@Aio.Server.close_clients].  It happens on each worker's loop,
 * soon after this returns.
 *
 * Since: 1.0
 */
void
aio_threaded_server_close_clients (AioThreadedServer *self)
{
  g_return_if_fail (AIO_IS_THREADED_SERVER (self));

  post_to_reported (self, WORKER_CLOSE_CLIENTS);
}

/**
 * aio_threaded_server_abort_clients:
 * @self: an [class@Aio.ThreadedServer]
 *
 * Drops every client connection on every thread and cancels the client
 * tasks, as [method@Aio.Server.abort_clients].  It happens on each
 * worker's loop, soon after this returns.
 *
 * Since: 1.0
 */
void
aio_threaded_server_abort_clients (AioThreadedServer *self)
{
  g_return_if_fail (AIO_IS_THREADED_SERVER (self));

  post_to_reported (self, WORKER_ABORT_CLIENTS);
}

/**
 * aio_threaded_server_is_serving:
 * @self: an [class@Aio.ThreadedServer]
 *
 * Whether the server still accepts connections.
 *
 * Returns: %TRUE from the start until [method@Aio.ThreadedServer.close]
 *
 * Since: 1.0
 */
gboolean
aio_threaded_server_is_serving (AioThreadedServer *self)
{
  g_return_val_if_fail (AIO_IS_THREADED_SERVER (self), FALSE);

  return self->serving;
}

/**
 * aio_threaded_server_wait_closed:
 * @self: an [class@Aio.ThreadedServer]
 *
 * Waits until the server is closed, every client task on every thread
 * has ended and the threads have exited.
 *
 * Returns: (transfer full): a future for %TRUE
 *
 * Since: 1.0
 */
AioFuture *
aio_threaded_server_wait_closed (AioThreadedServer *self)
{
  AioFuture *future;

  g_return_val_if_fail (AIO_IS_THREADED_SERVER (self), NULL);

  future = _aio_stream_waiters_add (self->closed_waiters, self->loop);
  if (self->n_ended == self->n_spawned)
    _aio_stream_waiters_complete (self->closed_waiters, NULL);
  return future;
}

static gboolean
forever_cancelled (AioFuture  *future,
                   const char *msg,
                   gpointer    data)
{
  AioThreadedServer *self = data;

  g_ptr_array_remove_fast (self->forever_waiters, future);
  /* As asyncio's serve_forever(): cancelling it closes the server. */
  aio_threaded_server_close (self);
  return TRUE;
}

/**
 * aio_threaded_server_serve_forever:
 * @self: an [class@Aio.ThreadedServer]
 *
 * Waits until the server is closed, as [method@Aio.Server.serve_forever];
 * cancelling the wait closes the server.
 *
 * Returns: (transfer full): a future for %TRUE, once closed
 *
 * Since: 1.0
 */
AioFuture *
aio_threaded_server_serve_forever (AioThreadedServer *self)
{
  AioFuture *future;

  g_return_val_if_fail (AIO_IS_THREADED_SERVER (self), NULL);

  future = _aio_stream_waiters_add (self->forever_waiters, self->loop);
  if (!self->serving)
    _aio_stream_waiters_complete (self->forever_waiters, NULL);
  else
    _aio_future_set_cancel_hook (future, forever_cancelled, self, NULL);
  return future;
}

/**
 * aio_threaded_server_get_addresses:
 * @self: an [class@Aio.ThreadedServer]
 *
 * The addresses every thread listens on, with their port.
 *
 * Returns: (transfer none) (element-type GSocketAddress): the addresses
 *
 * Since: 1.0
 */
GPtrArray *
aio_threaded_server_get_addresses (AioThreadedServer *self)
{
  g_return_val_if_fail (AIO_IS_THREADED_SERVER (self), NULL);
  g_return_val_if_fail (self->workers[0].addresses != NULL, NULL);

  return self->workers[0].addresses;
}

/**
 * aio_threaded_server_get_port:
 * @self: an [class@Aio.ThreadedServer]
 *
 * The TCP port the threads share, the one picked when started with
 * port 0.
 *
 * Returns: the port
 *
 * Since: 1.0
 */
guint16
aio_threaded_server_get_port (AioThreadedServer *self)
{
  g_return_val_if_fail (AIO_IS_THREADED_SERVER (self), 0);

  return self->port;
}

/**
 * aio_threaded_server_get_n_threads:
 * @self: an [class@Aio.ThreadedServer]
 *
 * How many threads (and loops) serve.
 *
 * Returns: the count
 *
 * Since: 1.0
 */
guint
aio_threaded_server_get_n_threads (AioThreadedServer *self)
{
  g_return_val_if_fail (AIO_IS_THREADED_SERVER (self), 0);

  return self->n_threads;
}

/**
 * aio_threaded_server_get_loop:
 * @self: an [class@Aio.ThreadedServer]
 * @index: a thread's index, below [method@Aio.ThreadedServer.get_n_threads]
 *
 * The loop of one of the threads, to hand it work with
 * [method@Aio.Loop.call_soon_threadsafe] or to tell which thread a client
 * handler runs on (its [func@Aio.Loop.get_running]).
 *
 * Returns: (transfer none): the loop
 *
 * Since: 1.0
 */
AioLoop *
aio_threaded_server_get_loop (AioThreadedServer *self,
                              guint              index)
{
  g_return_val_if_fail (AIO_IS_THREADED_SERVER (self), NULL);
  g_return_val_if_fail (index < self->n_threads, NULL);
  g_return_val_if_fail (self->workers[index].loop != NULL, NULL);

  return self->workers[index].loop;
}

/**
 * aio_threaded_server_get_n_clients:
 * @self: an [class@Aio.ThreadedServer]
 *
 * How many client handlers are running, over all the threads (a snapshot:
 * the threads accept while this reads).
 *
 * Returns: the count
 *
 * Since: 1.0
 */
guint
aio_threaded_server_get_n_clients (AioThreadedServer *self)
{
  g_return_val_if_fail (AIO_IS_THREADED_SERVER (self), 0);

  return (guint) g_atomic_int_get (&self->n_clients);
}

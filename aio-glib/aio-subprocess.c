/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "aio-future-private.h"
#include "aio-subprocess.h"

/**
 * AioSubprocess:
 *
 * A child process, as asyncio's `asyncio.subprocess.Process`, over a
 * [class@Gio.Subprocess].
 *
 * Create one with [func@Aio.create_subprocess_exec],
 * [func@Aio.create_subprocess_shell] or, for a working directory, an
 * environment or file descriptors of your own, with
 * [func@Aio.create_subprocess_launch] and a [class@Gio.SubprocessLauncher].
 * Each standard stream the [flags@Gio.SubprocessFlags] ask to pipe is
 * wrapped in an [class@Aio.StreamWriter] (stdin) or an
 * [class@Aio.StreamReader] (stdout, stderr); the pipes are read and
 * written without blocking, the task waiting on the loop only when a pipe
 * is empty or full.
 *
 * [method@Aio.Subprocess.wait] waits for the exit,
 * [method@Aio.Subprocess.communicate] feeds stdin and collects stdout and
 * stderr at the same time, so neither side can fill up and stall the
 * other.  [class@Gio.Subprocess] reaps the child through GLib's child
 * watch whether or not anyone waits, so a process whose wait was
 * cancelled, or that nobody waits for, leaves no zombie.
 *
 * Writing to a pipe whose reader has gone raises `SIGPIPE`, which by
 * default ends the writing process.  So when the first subprocess with a
 * stdin pipe is created, aio-glib ignores `SIGPIPE` in the process if its
 * disposition is still the default (a handler or an ignore the application
 * set up itself is left alone); writes to a closed pipe then fail with
 * %G_IO_ERROR_BROKEN_PIPE instead.  Children do not inherit that: GLib's
 * spawning code puts `SIGPIPE` back to its default in each child before it
 * runs the program.
 *
 * Thread safety: an [class@Aio.Subprocess] belongs to the loop of the
 * thread that created it (the thread-default main context's loop); use it
 * from that thread only.  Its futures complete on that loop.
 *
 * Since: 1.0
 */

/* What a communicate() writes at a time before it waits for room. */
#define FEED_CHUNK (256 * 1024)

typedef struct _Watch Watch;

struct _AioSubprocess
{
  GObject           parent_instance;

  AioLoop          *loop;           /* (owned) */
  GSubprocess      *process;        /* (owned) */
  AioStreamWriter  *stdin_writer;   /* (owned) (nullable) */
  AioStreamReader  *stdout_reader;  /* (owned) (nullable) */
  AioStreamReader  *stderr_reader;  /* (owned) (nullable) */
  Watch            *watch;          /* (unowned) (nullable) the pending wait_async's */
  GPtrArray        *waiters;        /* (owned) (element-type AioFuture) wait() futures */
  int               pid;
  int               returncode;     /* valid once exited */
  guint             exited : 1;
};

/* The wait_async() that learns of the exit.  It holds no reference to the
 * subprocess, so dropping the last reference does not wait for the child:
 * finalize clears @self and cancels the call, and the callback frees the
 * watch.
 */
struct _Watch
{
  AioSubprocess *self;         /* (unowned) (nullable) */
  GCancellable  *cancellable;  /* (owned) */
};

G_DEFINE_FINAL_TYPE (AioSubprocess, aio_subprocess, G_TYPE_OBJECT)

static void
aio_subprocess_finalize (GObject *object)
{
  AioSubprocess *self = AIO_SUBPROCESS (object);

  /* Every wait() future holds a reference to self until it is done. */
  g_assert (self->waiters->len == 0);
  if (self->watch != NULL)
    {
      self->watch->self = NULL;
      g_cancellable_cancel (self->watch->cancellable);
    }
  g_ptr_array_unref (self->waiters);
  g_clear_object (&self->stdin_writer);
  g_clear_object (&self->stdout_reader);
  g_clear_object (&self->stderr_reader);
  g_clear_object (&self->process);
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_subprocess_parent_class)->finalize (object);
}

static void
aio_subprocess_class_init (AioSubprocessClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aio_subprocess_finalize;
}

static void
aio_subprocess_init (AioSubprocess *self)
{
  self->waiters = g_ptr_array_new ();
  self->pid = -1;
}

/* -- SIGPIPE ----------------------------------------------------------- */

static void
ignore_sigpipe_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      struct sigaction old;

      if (sigaction (SIGPIPE, NULL, &old) == 0 &&
          !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL)
        {
          struct sigaction ignore = { 0, };

          ignore.sa_handler = SIG_IGN;
          sigemptyset (&ignore.sa_mask);
          sigaction (SIGPIPE, &ignore, NULL);
          g_debug ("Ignoring SIGPIPE: writes to a closed pipe fail with EPIPE");
        }
      g_once_init_leave (&done, 1);
    }
}

/* -- the exit ---------------------------------------------------------- */

static void
waiter_free (gpointer data)
{
  AioFuture *future = data;

  g_object_unref (future);
}

static void
complete_waiters (AioSubprocess *self)
{
  GPtrArray *waiters = g_steal_pointer (&self->waiters);
  guint i;

  self->waiters = g_ptr_array_new ();
  /* Each waiter holds a reference to self; keep self alive until the
   * loop is done with them.
   */
  g_object_ref (self);
  for (i = 0; i < waiters->len; i++)
    {
      AioFuture *future = waiters->pdata[i];
      GValue value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, self->returncode);
      _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
      g_object_unref (self);   /* the waiter's */
    }
  g_ptr_array_set_free_func (waiters, waiter_free);
  g_ptr_array_unref (waiters);
  g_object_unref (self);
}

static void
process_exited (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Watch *watch = user_data;
  AioSubprocess *self = watch->self;
  GSubprocess *process = G_SUBPROCESS (source);
  gboolean ok;

  ok = g_subprocess_wait_finish (process, result, NULL);
  g_object_unref (watch->cancellable);
  g_free (watch);
  if (self == NULL)
    return;   /* finalized meanwhile */
  self->watch = NULL;
  /* Only cancellation fails the wait, and only finalize cancels it. */
  g_return_if_fail (ok);

  if (g_subprocess_get_if_signaled (process))
    self->returncode = -g_subprocess_get_term_sig (process);
  else
    self->returncode = g_subprocess_get_exit_status (process);
  self->exited = TRUE;
  complete_waiters (self);
}

static void
watch_exit (AioSubprocess *self)
{
  GMainContext *context = aio_loop_get_context (self->loop);
  Watch *watch = g_new0 (Watch, 1);

  watch->self = self;
  watch->cancellable = g_cancellable_new ();
  self->watch = watch;
  /* GTask calls back on the thread-default context of the call. */
  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (self->process, watch->cancellable, process_exited, watch);
  g_main_context_pop_thread_default (context);
}

/* GSubprocess's pipes are blocking descriptors, and GUnixOutputStream's
 * "non-blocking" write only polls before a write(): a write larger than
 * the pipe's room would then block the loop until the child has read it
 * all, and a child that writes back before it reads would deadlock with
 * us.  With O_NONBLOCK, the readers and the writer get EAGAIN
 * (G_IO_ERROR_WOULD_BLOCK) and wait on the loop instead.  GIO's blocking
 * calls on these streams still work: they poll and retry on EAGAIN.
 */
static void
set_nonblocking (int fd)
{
  GError *error = NULL;

  if (fd >= 0 && !g_unix_set_fd_nonblocking (fd, TRUE, &error))
    {
      g_warning ("Cannot make a subprocess pipe non-blocking: %s", error->message);
      g_error_free (error);
    }
}

/* The child reports its own pid before it execs: GSubprocess forgets
 * the pid (get_identifier() gives NULL) as soon as GLib's worker thread
 * has reaped the child, which for a short-lived program can happen
 * before the spawning call has returned.  Only async-signal-safe calls
 * here: this runs between fork() and exec(). */
static void
child_setup (gpointer data)
{
  int fd = GPOINTER_TO_INT (data);
  pid_t pid = getpid ();
  struct sigaction deflt = { 0, };
  ssize_t written;

  deflt.sa_handler = SIG_DFL;
  sigemptyset (&deflt.sa_mask);
  sigaction (SIGPIPE, &deflt, NULL);
  do
    written = write (fd, &pid, sizeof pid);
  while (written < 0 && errno == EINTR);
}

static int
read_child_pid (int fd)
{
  pid_t pid;
  ssize_t got;

  do
    got = read (fd, &pid, sizeof pid);
  while (got < 0 && errno == EINTR);
  return got == (ssize_t) sizeof pid ? (int) pid : -1;
}

/* Takes @process.  @pid is the child's pid when the caller knows it, or
 * -1 to ask GSubprocess. */
static AioSubprocess *
subprocess_new (GSubprocess *process,
                int          pid)
{
  AioSubprocess *self = g_object_new (AIO_TYPE_SUBPROCESS, NULL);
  GOutputStream *in;
  GInputStream *out, *err;
  const char *identifier;

  self->loop = g_object_ref (_aio_loop_get_current ());
  self->process = process;
  identifier = g_subprocess_get_identifier (process);
  if (pid > 0)
    self->pid = pid;
  else if (identifier != NULL)
    self->pid = atoi (identifier);

  in = g_subprocess_get_stdin_pipe (process);
  out = g_subprocess_get_stdout_pipe (process);
  err = g_subprocess_get_stderr_pipe (process);
  if (in != NULL)
    {
      if (G_IS_UNIX_OUTPUT_STREAM (in))
        set_nonblocking (g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (in)));
      ignore_sigpipe_once ();
      self->stdin_writer = aio_stream_writer_new_for_stream (in, self->loop);
    }
  if (out != NULL && G_IS_UNIX_INPUT_STREAM (out))
    set_nonblocking (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (out)));
  if (err != NULL && G_IS_UNIX_INPUT_STREAM (err))
    set_nonblocking (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (err)));
  if (out != NULL)
    self->stdout_reader = aio_stream_reader_new_for_stream (out, self->loop);
  if (err != NULL)
    self->stderr_reader = aio_stream_reader_new_for_stream (err, self->loop);

  watch_exit (self);
  return self;
}

/* -- creating ---------------------------------------------------------- */

/**
 * aio_create_subprocess_exec:
 * @argv: (array zero-terminated=1): the program and its arguments;
 *   `argv[0]` is looked up in `PATH` unless it contains a `/`
 * @flags: what to do with the standard streams, as
 *   [ctor@Gio.Subprocess.newv]: stdout and stderr are each inherited (the
 *   default), piped (%G_SUBPROCESS_FLAGS_STDOUT_PIPE,
 *   %G_SUBPROCESS_FLAGS_STDERR_PIPE) or silenced (the `_SILENCE` flags),
 *   and %G_SUBPROCESS_FLAGS_STDERR_MERGE sends stderr into stdout; stdin
 *   is piped (%G_SUBPROCESS_FLAGS_STDIN_PIPE), inherited
 *   (%G_SUBPROCESS_FLAGS_STDIN_INHERIT) or, by default, `/dev/null`
 * @error: return location for an error
 *
 * Starts a program, as asyncio's `create_subprocess_exec()`.  The pipes
 * are available as [method@Aio.Subprocess.get_stdin],
 * [method@Aio.Subprocess.get_stdout] and
 * [method@Aio.Subprocess.get_stderr], on the calling thread's loop.
 *
 * Unlike asyncio's, this function does not need to be awaited: the
 * process is running when it returns.  A program that cannot be started
 * (it does not exist, it is not executable) fails here with
 * [class@Gio.Subprocess]'s own error (in %G_SPAWN_ERROR or %G_IO_ERROR),
 * whose message names the program.
 *
 * Returns: (transfer full): the new subprocess, or %NULL with @error set
 *
 * Since: 1.0
 */
AioSubprocess *
aio_create_subprocess_exec (const char * const  *argv,
                            GSubprocessFlags     flags,
                            GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  GSubprocess *process;
  int pid_pipe[2];
  int pid = -1;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_unix_open_pipe (pid_pipe, FD_CLOEXEC, error))
    return NULL;
  launcher = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_set_child_setup (launcher, child_setup,
                                         GINT_TO_POINTER (pid_pipe[1]), NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  g_close (pid_pipe[1], NULL);
  if (process != NULL)
    pid = read_child_pid (pid_pipe[0]);
  g_close (pid_pipe[0], NULL);
  if (process == NULL)
    return NULL;
  return subprocess_new (process, pid);
}

/**
 * aio_create_subprocess_shell:
 * @command: a shell command line
 * @flags: what to do with the standard streams, as for
 *   [func@Aio.create_subprocess_exec]
 * @error: return location for an error
 *
 * Runs @command with `/bin/sh -c`, as asyncio's
 * `create_subprocess_shell()`.  Quoting is the caller's business (see
 * [func@GLib.shell_quote]).  A command the shell cannot find makes the
 * shell exit with status 127, as in asyncio.
 *
 * Returns: (transfer full): the new subprocess, or %NULL with @error set
 *
 * Since: 1.0
 */
AioSubprocess *
aio_create_subprocess_shell (const char        *command,
                             GSubprocessFlags   flags,
                             GError           **error)
{
  const char *argv[] = { "/bin/sh", "-c", command, NULL };

  g_return_val_if_fail (command != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return aio_create_subprocess_exec (argv, flags, error);
}

/**
 * aio_create_subprocess_launch:
 * @launcher: a [class@Gio.SubprocessLauncher] with the flags, the
 *   working directory, the environment and the descriptors to use
 * @argv: (array zero-terminated=1): the program and its arguments
 * @error: return location for an error
 *
 * Starts a program as [method@Gio.SubprocessLauncher.spawnv] does with
 * @launcher's settings (its [flags@Gio.SubprocessFlags] included), and
 * wraps it as [func@Aio.create_subprocess_exec] does.  This is the way to
 * pass asyncio's `cwd` and `env`.
 *
 * @launcher's child setup function is left alone, so the child's pid is
 * taken from [method@Gio.Subprocess.get_identifier]: a program that has
 * already exited and been reaped when this function returns has a pid of
 * -1 here, where [func@Aio.create_subprocess_exec] always knows it.
 *
 * Returns: (transfer full): the new subprocess, or %NULL with @error set
 *
 * Since: 1.0
 */
AioSubprocess *
aio_create_subprocess_launch (GSubprocessLauncher  *launcher,
                              const char * const   *argv,
                              GError              **error)
{
  GSubprocess *process;

  g_return_val_if_fail (G_IS_SUBPROCESS_LAUNCHER (launcher), NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return NULL;
  return subprocess_new (process, -1);
}

/* -- accessors --------------------------------------------------------- */

/**
 * aio_subprocess_get_subprocess:
 * @self: an [class@Aio.Subprocess]
 *
 * The [class@Gio.Subprocess] behind @self.  Waiting on it or reading its
 * pipes directly bypasses @self's readers and writer.
 *
 * Returns: (transfer none): the GIO subprocess
 *
 * Since: 1.0
 */
GSubprocess *
aio_subprocess_get_subprocess (AioSubprocess *self)
{
  g_return_val_if_fail (AIO_IS_SUBPROCESS (self), NULL);

  return self->process;
}

/**
 * aio_subprocess_get_stdin:
 * @self: an [class@Aio.Subprocess]
 *
 * The writer of the child's stdin, as asyncio's `Process.stdin`, when
 * it was created with %G_SUBPROCESS_FLAGS_STDIN_PIPE.  Close it (or call
 * [method@Aio.StreamWriter.write_eof]) to let the child read the end of
 * its input.
 *
 * Returns: (transfer none) (nullable): the writer, or %NULL if stdin is
 *   not a pipe
 *
 * Since: 1.0
 */
AioStreamWriter *
aio_subprocess_get_stdin (AioSubprocess *self)
{
  g_return_val_if_fail (AIO_IS_SUBPROCESS (self), NULL);

  return self->stdin_writer;
}

/**
 * aio_subprocess_get_stdout:
 * @self: an [class@Aio.Subprocess]
 *
 * The reader of the child's stdout, as asyncio's `Process.stdout`, when
 * it was created with %G_SUBPROCESS_FLAGS_STDOUT_PIPE.
 *
 * Returns: (transfer none) (nullable): the reader, or %NULL if stdout is
 *   not a pipe
 *
 * Since: 1.0
 */
AioStreamReader *
aio_subprocess_get_stdout (AioSubprocess *self)
{
  g_return_val_if_fail (AIO_IS_SUBPROCESS (self), NULL);

  return self->stdout_reader;
}

/**
 * aio_subprocess_get_stderr:
 * @self: an [class@Aio.Subprocess]
 *
 * The reader of the child's stderr, as asyncio's `Process.stderr`, when
 * it was created with %G_SUBPROCESS_FLAGS_STDERR_PIPE (with
 * %G_SUBPROCESS_FLAGS_STDERR_MERGE, stderr arrives on stdout instead).
 *
 * Returns: (transfer none) (nullable): the reader, or %NULL if stderr is
 *   not a pipe
 *
 * Since: 1.0
 */
AioStreamReader *
aio_subprocess_get_stderr (AioSubprocess *self)
{
  g_return_val_if_fail (AIO_IS_SUBPROCESS (self), NULL);

  return self->stderr_reader;
}

/**
 * aio_subprocess_get_pid:
 * @self: an [class@Aio.Subprocess]
 *
 * The child's process id, as asyncio's `Process.pid`.  It stays the same
 * after the child has exited (where [method@Gio.Subprocess.get_identifier]
 * becomes %NULL); by then the id may belong to another process, so use
 * [method@Aio.Subprocess.send_signal] rather than kill(2) with it.
 *
 * Returns: the process id, or -1 for a short-lived child of
 *   [func@Aio.create_subprocess_launch] that was gone before the call
 *   returned
 *
 * Since: 1.0
 */
int
aio_subprocess_get_pid (AioSubprocess *self)
{
  g_return_val_if_fail (AIO_IS_SUBPROCESS (self), -1);

  return self->pid;
}

/**
 * aio_subprocess_get_returncode:
 * @self: an [class@Aio.Subprocess]
 * @returncode: (out) (optional): the return code: the exit status, or the
 *   negative number of the signal that ended the child (`-9` for
 *   `SIGKILL`)
 *
 * The child's return code, as asyncio's `Process.returncode`.  It is
 * known once the loop has seen the exit: after a
 * [method@Aio.Subprocess.wait] future completed, and also a loop
 * iteration after the exit when nobody waits.
 *
 * Returns: %TRUE if the child has exited, %FALSE while it runs
 *
 * Since: 1.0
 */
gboolean
aio_subprocess_get_returncode (AioSubprocess *self,
                               int           *returncode)
{
  g_return_val_if_fail (AIO_IS_SUBPROCESS (self), FALSE);

  if (self->exited && returncode != NULL)
    *returncode = self->returncode;
  return self->exited;
}

/* -- wait -------------------------------------------------------------- */

static gboolean
wait_cancelled (AioFuture  *future,
                const char *msg,
                gpointer    data)
{
  AioSubprocess *self = data;

  if (g_ptr_array_remove_fast (self->waiters, future))
    {
      g_object_unref (future);
      g_object_unref (self);
    }
  return TRUE;
}

/**
 * aio_subprocess_wait:
 * @self: an [class@Aio.Subprocess]
 *
 * Waits for the child to exit, as asyncio's `Process.wait()`.  The
 * future's value is the return code, an int (see
 * [method@Aio.Subprocess.get_returncode]).
 *
 * Waiting with stdout or stderr piped and nobody reading them can
 * deadlock: a child blocks once a pipe is full.  Use
 * [method@Aio.Subprocess.communicate] then.
 *
 * Cancelling the future does not kill the child; GLib still reaps it
 * when it exits.
 *
 * Returns: (transfer full): a future for the return code
 *
 * Since: 1.0
 */
AioFuture *
aio_subprocess_wait (AioSubprocess *self)
{
  AioFuture *future;

  g_return_val_if_fail (AIO_IS_SUBPROCESS (self), NULL);

  future = _aio_future_new_for_loop (self->loop);
  if (self->exited)
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_INT);
      g_value_set_int (&value, self->returncode);
      _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
      return future;
    }
  g_ptr_array_add (self->waiters, g_object_ref (future));
  g_object_ref (self);
  _aio_future_set_cancel_hook (future, wait_cancelled, self, NULL);
  return future;
}

/* -- communicate ------------------------------------------------------- */

/* One communicate(): feeds stdin, reads stdout and stderr to their ends,
 * then waits for the exit.  Each step runs from a done callback on the
 * loop; @pending counts the sub-futures whose callbacks are still to come.
 */
typedef struct
{
  AioSubprocess *self;       /* (owned) */
  AioFuture     *future;     /* (owned) the communicate() future */
  GBytes        *input;      /* (owned) (nullable) */
  gsize          offset;     /* how much of @input the writer has */
  AioFuture     *feed;       /* (owned) (nullable) drain() or wait_closed() */
  AioFuture     *out_read;   /* (owned) (nullable) */
  AioFuture     *err_read;   /* (owned) (nullable) */
  AioFuture     *exit_wait;  /* (owned) (nullable) */
  GBytes        *out_data;   /* (owned) (nullable) */
  GBytes        *err_data;   /* (owned) (nullable) */
  GError        *error;      /* (owned) (nullable) the first failure */
  char          *cancel_msg; /* (owned) (nullable) */
  guint          pending;
  guint          cancelled : 1;
} Communicate;

static void comm_step (Communicate *comm);

static void
comm_free (Communicate *comm)
{
  g_clear_object (&comm->feed);
  g_clear_object (&comm->out_read);
  g_clear_object (&comm->err_read);
  g_clear_object (&comm->exit_wait);
  g_clear_pointer (&comm->input, g_bytes_unref);
  g_clear_pointer (&comm->out_data, g_bytes_unref);
  g_clear_pointer (&comm->err_data, g_bytes_unref);
  g_clear_error (&comm->error);
  g_free (comm->cancel_msg);
  g_object_unref (comm->future);
  g_object_unref (comm->self);
  g_free (comm);
}

static void
cancel_pending (Communicate *comm)
{
  if (comm->feed != NULL)
    aio_future_cancel (comm->feed, comm->cancel_msg);
  if (comm->out_read != NULL)
    aio_future_cancel (comm->out_read, comm->cancel_msg);
  if (comm->err_read != NULL)
    aio_future_cancel (comm->err_read, comm->cancel_msg);
  if (comm->exit_wait != NULL)
    aio_future_cancel (comm->exit_wait, comm->cancel_msg);
}

static void
comm_fail (Communicate *comm,
           GError      *error)
{
  if (comm->error == NULL)
    comm->error = error;
  else
    g_error_free (error);
  cancel_pending (comm);
}

static gboolean
comm_cancel (AioFuture  *future,
             const char *msg,
             gpointer    data)
{
  Communicate *comm = data;

  if (!comm->cancelled)
    {
      comm->cancelled = TRUE;
      comm->cancel_msg = g_strdup (msg);
      cancel_pending (comm);
    }
  /* The future ends once every sub-future has called back. */
  return FALSE;
}

static void
bytes_unref0 (gpointer data)
{
  if (data != NULL)
    g_bytes_unref (data);
}

/* Ends the communicate() future; called once nothing is pending. */
static void
comm_finish (Communicate *comm)
{
  if (_aio_future_is_done (comm->future))
    ;
  else if (comm->cancelled)
    _aio_future_complete (comm->future, AIO_FUTURE_CANCELLED, NULL,
                          _aio_cancelled_error_new (comm->cancel_msg), NULL);
  else if (comm->error != NULL)
    _aio_future_complete (comm->future, AIO_FUTURE_FINISHED, NULL,
                          g_steal_pointer (&comm->error), NULL);
  else
    {
      GPtrArray *array = g_ptr_array_new_full (2, bytes_unref0);
      GValue value = G_VALUE_INIT;

      g_ptr_array_add (array, g_steal_pointer (&comm->out_data));
      g_ptr_array_add (array, g_steal_pointer (&comm->err_data));
      g_value_init (&value, G_TYPE_PTR_ARRAY);
      g_value_take_boxed (&value, array);
      _aio_future_complete (comm->future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
    }
  comm_free (comm);
}

/* After a sub-future's callback: the next step, or the end. */
static void
comm_settled (Communicate *comm)
{
  g_assert (comm->pending > 0);
  comm->pending--;
  if (comm->cancelled || comm->error != NULL)
    {
      if (comm->pending == 0)
        comm_finish (comm);
      return;
    }
  comm_step (comm);
}

static void
comm_watch (Communicate        *comm,
            AioFuture          *future,
            AioFutureCallback   callback)
{
  comm->pending++;
  aio_future_add_done_callback (future, callback, comm, NULL);
}

/* A broken pipe on stdin means the child exited (or closed its stdin)
 * without reading it all: ignored, as in asyncio.
 */
static gboolean
is_broken_pipe (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
}

static void feed_stdin (Communicate *comm);

static void
feed_done (AioFuture *future,
           gpointer   data)
{
  Communicate *comm = data;
  GError *error = NULL;

  g_clear_object (&comm->feed);
  if (!aio_future_propagate (future, &error))
    {
      if (is_broken_pipe (error))
        {
          g_clear_error (&error);
          comm->offset = comm->input != NULL ? g_bytes_get_size (comm->input) : 0;
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        comm_fail (comm, g_steal_pointer (&error));
      g_clear_error (&error);
    }
  if (!comm->cancelled && comm->error == NULL && comm->self->stdin_writer != NULL &&
      !aio_stream_writer_is_closing (comm->self->stdin_writer))
    feed_stdin (comm);
  comm_settled (comm);
}

/* Hands the writer the next part of the input, and closes stdin once all
 * of it is handed over.
 */
static void
feed_stdin (Communicate *comm)
{
  AioStreamWriter *writer = comm->self->stdin_writer;
  gsize len = comm->input != NULL ? g_bytes_get_size (comm->input) : 0;
  const guint8 *data = comm->input != NULL ? g_bytes_get_data (comm->input, NULL) : NULL;

  while (comm->offset < len)
    {
      gsize n = MIN (FEED_CHUNK, len - comm->offset);
      GError *error = NULL;

      if (!aio_stream_writer_write (writer, data + comm->offset, n, &error))
        {
          if (!is_broken_pipe (error))
            {
              comm_fail (comm, error);
              return;
            }
          g_error_free (error);
          break;
        }
      comm->offset += n;
      if (comm->offset < len && aio_stream_writer_get_write_buffer_size (writer) > 0)
        {
          /* Wait for room before copying more into the buffer. */
          comm->feed = aio_stream_writer_drain (writer);
          comm_watch (comm, comm->feed, feed_done);
          return;
        }
    }
  aio_stream_writer_close (writer);
  comm->feed = aio_stream_writer_wait_closed (writer);
  comm_watch (comm, comm->feed, feed_done);
}

static void
read_done (AioFuture *future,
           gpointer   data)
{
  Communicate *comm = data;
  GError *error = NULL;
  GBytes **slot = future == comm->out_read ? &comm->out_data : &comm->err_data;

  if (aio_future_propagate (future, &error))
    *slot = aio_future_dup_boxed (future, NULL);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !comm->cancelled)
    comm_fail (comm, g_steal_pointer (&error));
  g_clear_error (&error);
  if (future == comm->out_read)
    g_clear_object (&comm->out_read);
  else
    g_clear_object (&comm->err_read);
  comm_settled (comm);
}

static void
exit_done (AioFuture *future,
           gpointer   data)
{
  Communicate *comm = data;
  GError *error = NULL;

  if (!aio_future_propagate (future, &error) && !comm->cancelled)
    comm_fail (comm, g_steal_pointer (&error));
  g_clear_error (&error);
  g_clear_object (&comm->exit_wait);
  comm_settled (comm);
}

/* Once the pipes are done, waits for the exit; once that is known, ends. */
static void
comm_step (Communicate *comm)
{
  if (comm->pending > 0)
    return;
  if (comm->exit_wait == NULL && !comm->self->exited)
    {
      comm->exit_wait = aio_subprocess_wait (comm->self);
      comm_watch (comm, comm->exit_wait, exit_done);
      return;
    }
  comm_finish (comm);
}

/**
 * aio_subprocess_communicate:
 * @self: an [class@Aio.Subprocess]
 * @input: (nullable): the bytes to write to the child's stdin
 *
 * Talks with the child to its end, as asyncio's `Process.communicate()`:
 * writes @input to stdin and closes it, reads stdout and stderr until
 * their ends, all at the same time (so a child that writes a lot before
 * it reads everything does not deadlock), then waits for the exit.
 *
 * The future's value is a [struct@GLib.PtrArray] of exactly two
 * [struct@GLib.Bytes]: what the child wrote on stdout, then on stderr;
 * each is %NULL when that stream is not a pipe.  stdin is closed even
 * without @input, when it is a pipe; @input must be %NULL when it is not.
 * A child that exits (or closes stdin) without reading all of @input is
 * no error, as in asyncio.  Read the return code with
 * [method@Aio.Subprocess.get_returncode] afterwards.
 *
 * Cancelling the future cancels the reads (what arrived stays in the
 * readers) and stops feeding stdin; it does not kill the child.
 *
 * Returns: (transfer full): a future for a [struct@GLib.PtrArray] of
 *   two (nullable) [struct@GLib.Bytes]
 *
 * Since: 1.0
 */
AioFuture *
aio_subprocess_communicate (AioSubprocess *self,
                            GBytes        *input)
{
  Communicate *comm;
  AioFuture *future;

  g_return_val_if_fail (AIO_IS_SUBPROCESS (self), NULL);
  g_return_val_if_fail (input == NULL || self->stdin_writer != NULL, NULL);

  comm = g_new0 (Communicate, 1);
  comm->self = g_object_ref (self);
  comm->future = _aio_future_new_for_loop (self->loop);
  comm->input = input != NULL ? g_bytes_ref (input) : NULL;
  future = g_object_ref (comm->future);
  _aio_future_set_cancel_hook (future, comm_cancel, comm, NULL);

  /* A pending step's callback always comes later, from the loop, so no
   * step below can end the future while this function runs.
   */
  if (self->stdout_reader != NULL)
    {
      comm->out_read = aio_stream_reader_read (self->stdout_reader, -1);
      comm_watch (comm, comm->out_read, read_done);
    }
  if (self->stderr_reader != NULL)
    {
      comm->err_read = aio_stream_reader_read (self->stderr_reader, -1);
      comm_watch (comm, comm->err_read, read_done);
    }
  if (self->stdin_writer != NULL && !aio_stream_writer_is_closing (self->stdin_writer))
    feed_stdin (comm);
  if (comm->pending == 0)
    {
      /* Nothing piped: only the exit to wait for. */
      comm->pending++;
      comm_settled (comm);
    }
  return future;
}

/**
 * aio_subprocess_communicate_result:
 * @future: a done future from [method@Aio.Subprocess.communicate]
 * @stdout_data: (out) (optional) (nullable) (transfer full): what the
 *   child wrote on stdout, %NULL if stdout was not a pipe
 * @stderr_data: (out) (optional) (nullable) (transfer full): what the
 *   child wrote on stderr, %NULL if stderr was not a pipe
 * @error: return location for the future's error
 *
 * Reads the outcome of a [method@Aio.Subprocess.communicate] future as
 * two [struct@GLib.Bytes], for code that cannot take the elements out of
 * its [struct@GLib.PtrArray] (language bindings, where the array is
 * opaque): `ok, out, err = Aio.Subprocess.communicate_result (future)`
 * once the future is awaited.
 *
 * Returns: %TRUE with the data, or %FALSE with @error set if the future
 *   failed, was cancelled or is not done
 *
 * Since: 1.0
 */
gboolean
aio_subprocess_communicate_result (AioFuture  *future,
                                   GBytes    **stdout_data,
                                   GBytes    **stderr_data,
                                   GError    **error)
{
  GPtrArray *array;

  g_return_val_if_fail (AIO_IS_FUTURE (future), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!aio_future_propagate (future, error))
    return FALSE;
  if (aio_future_get_value_type (future) != G_TYPE_PTR_ARRAY ||
      (array = (GPtrArray *) aio_future_get_boxed (future, NULL)) == NULL ||
      array->len != 2)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The future is not one of aio_subprocess_communicate()");
      return FALSE;
    }
  if (stdout_data != NULL)
    *stdout_data = array->pdata[0] != NULL ? g_bytes_ref (array->pdata[0]) : NULL;
  if (stderr_data != NULL)
    *stderr_data = array->pdata[1] != NULL ? g_bytes_ref (array->pdata[1]) : NULL;
  return TRUE;
}

/* -- signals ----------------------------------------------------------- */

/**
 * aio_subprocess_send_signal:
 * @self: an [class@Aio.Subprocess]
 * @signum: the signal number
 *
 * Sends @signum to the child, as asyncio's `Process.send_signal()`.
 * Does nothing once the child has exited (GLib never signals a process
 * id it has reaped, which another process may have by then).
 *
 * Since: 1.0
 */
void
aio_subprocess_send_signal (AioSubprocess *self,
                            int            signum)
{
  g_return_if_fail (AIO_IS_SUBPROCESS (self));

  if (!self->exited)
    g_subprocess_send_signal (self->process, signum);
}

/**
 * aio_subprocess_terminate:
 * @self: an [class@Aio.Subprocess]
 *
 * Sends `SIGTERM` to the child, as asyncio's `Process.terminate()`.
 * Does nothing once it has exited.
 *
 * Since: 1.0
 */
void
aio_subprocess_terminate (AioSubprocess *self)
{
  g_return_if_fail (AIO_IS_SUBPROCESS (self));

  aio_subprocess_send_signal (self, SIGTERM);
}

/**
 * aio_subprocess_kill:
 * @self: an [class@Aio.Subprocess]
 *
 * Sends `SIGKILL` to the child, as asyncio's `Process.kill()`.  Does
 * nothing once it has exited.
 *
 * Since: 1.0
 */
void
aio_subprocess_kill (AioSubprocess *self)
{
  g_return_if_fail (AIO_IS_SUBPROCESS (self));

  aio_subprocess_send_signal (self, SIGKILL);
}

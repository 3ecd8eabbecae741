/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AioSubprocess: exec and shell, the stdio modes, communicate, exit
 * codes, signals, cancellation, errors and SIGPIPE.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stream-test-utils.h"

#define BIG (8 * 1024 * 1024)

static AioSubprocess *
spawn (GSubprocessFlags flags,
       ...) G_GNUC_NULL_TERMINATED;

static AioSubprocess *
spawn (GSubprocessFlags flags,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  AioSubprocess *process;
  const char *arg;
  va_list ap;

  va_start (ap, flags);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process = aio_create_subprocess_exec ((const char * const *) argv->pdata, flags, &error);
  g_assert_no_error (error);
  g_assert_nonnull (process);
  return process;
}

static int
await_exit (AioSubprocess *process)
{
  GError *error = NULL;
  int code = aio_await_int (aio_subprocess_wait (process), &error);
  int again = -1000;

  g_assert_no_error (error);
  g_assert_true (aio_subprocess_get_returncode (process, &again));
  g_assert_cmpint (again, ==, code);
  return code;
}

/* Awaits a communicate() future; returns stdout and stderr. */
static void
await_communicate (AioFuture  *future,
                   GBytes    **out,
                   GBytes    **err)
{
  GError *error = NULL;
  GPtrArray *array;

  g_assert_true (aio_await (g_object_ref (future), &error));
  g_assert_no_error (error);
  g_assert_true (aio_future_get_value_type (future) == G_TYPE_PTR_ARRAY);
  array = (GPtrArray *) aio_future_get_boxed (future, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (array->len, ==, 2);
  g_assert_true (aio_subprocess_communicate_result (future, out, err, &error));
  g_assert_no_error (error);
  g_assert_true (array->pdata[0] == (out != NULL ? *out : array->pdata[0]));
  g_object_unref (future);
}

static GBytes *
pattern (gsize size)
{
  guint8 *data = g_malloc (size);
  gsize i;

  for (i = 0; i < size; i++)
    data[i] = (guint8) ((i * 7 + i / 4096) % 251);
  return g_bytes_new_take (data, size);
}

static gboolean
proc_exists (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d", pid);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The SigIgn mask of a child, from its /proc/self/status. */
static guint64
child_sigign (GSubprocessLauncher *launcher)
{
  const char *argv[] = { "grep", "^SigIgn:", "/proc/self/status", NULL };
  g_autoptr(AioSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (launcher != NULL)
    process = aio_create_subprocess_launch (launcher, argv, &error);
  else
    process = aio_create_subprocess_exec (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  await_communicate (aio_subprocess_communicate (process, NULL), &out, NULL);
  g_assert_cmpint (await_exit (process), ==, 0);
  text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  g_assert_true (g_str_has_prefix (text, "SigIgn:"));
  return g_ascii_strtoull (text + strlen ("SigIgn:"), NULL, 16);
}

static void
noop_child_setup (gpointer data)
{
}

/* -- SIGPIPE (runs first, before any stdin pipe exists) ---------------- */

static void
sigpipe_body (AioTask  *task,
              gpointer  data)
{
  struct sigaction action;
  g_autoptr(AioSubprocess) process = NULL;
  g_autoptr(AioSubprocess) pipeline = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GBytes) input = pattern (BIG);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  GError *error = NULL;
  guint64 sigpipe_bit = G_GUINT64_CONSTANT (1) << (SIGPIPE - 1);

  g_assert_cmpint (sigaction (SIGPIPE, NULL, &action), ==, 0);
  g_assert_true (action.sa_handler == SIG_DFL);

  /* A pipe to a child that exits without reading: the parent survives,
   * communicate() ignores the broken pipe as asyncio does.
   */
  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE, "true", NULL);
  g_assert_cmpint (sigaction (SIGPIPE, NULL, &action), ==, 0);
  g_assert_true (action.sa_handler == SIG_IGN);
  await_communicate (aio_subprocess_communicate (process, input), &out, &err);
  g_assert_null (out);
  g_assert_null (err);
  g_assert_cmpint (await_exit (process), ==, 0);

  /* A plain write after the exit fails with EPIPE instead of a signal. */
  g_clear_object (&process);
  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE, "true", NULL);
  g_assert_cmpint (await_exit (process), ==, 0);
  aio_stream_writer_write_bytes (aio_subprocess_get_stdin (process), input, NULL);
  g_assert_false (aio_await (aio_stream_writer_drain (aio_subprocess_get_stdin (process)), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_clear_error (&error);

  /* Children get the default disposition back, through posix_spawn()
   * and through fork() (a child setup function forces that path).
   */
  g_assert_cmpuint (child_sigign (NULL) & sigpipe_bit, ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, noop_child_setup, NULL, NULL);
  g_assert_cmpuint (child_sigign (launcher) & sigpipe_bit, ==, 0);

  /* So `yes` dies of SIGPIPE quietly instead of reporting EPIPE. */
  pipeline = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                    "sh", "-c", "yes | head -1", NULL);
  g_clear_pointer (&out, g_bytes_unref);
  await_communicate (aio_subprocess_communicate (pipeline, NULL), &out, &err);
  assert_bytes (g_steal_pointer (&out), "y\n");
  assert_bytes (g_steal_pointer (&err), "");
  g_assert_cmpint (await_exit (pipeline), ==, 0);
}

static void
test_sigpipe (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (sigpipe_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* -- exec, shell and the stdio modes ------------------------------------ */

static void
exec_body (AioTask  *task,
           gpointer  data)
{
  g_autoptr(AioSubprocess) process = NULL;
  GError *error = NULL;
  int code = -1;

  process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, "echo", "hello", "world", NULL);
  g_assert_cmpint (aio_subprocess_get_pid (process), >, 0);
  g_assert_true (aio_subprocess_get_subprocess (process) != NULL);
  g_assert_true (G_IS_SUBPROCESS (aio_subprocess_get_subprocess (process)));
  g_assert_null (aio_subprocess_get_stdin (process));
  g_assert_nonnull (aio_subprocess_get_stdout (process));
  g_assert_null (aio_subprocess_get_stderr (process));
  assert_bytes (await_bytes (aio_stream_reader_read (aio_subprocess_get_stdout (process), -1), &error),
                "hello world\n");
  g_assert_no_error (error);
  g_assert_cmpint (await_exit (process), ==, 0);
  /* The pid stays known after the exit; a second wait is done at once. */
  g_assert_cmpint (aio_subprocess_get_pid (process), >, 0);
  g_assert_cmpint (aio_await_int (aio_subprocess_wait (process), &error), ==, 0);
  g_assert_no_error (error);
  g_clear_object (&process);

  /* The shell. */
  process = aio_create_subprocess_shell ("echo $((40 + 2)); exit 5",
                                         G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_assert_false (aio_subprocess_get_returncode (process, &code));
  assert_bytes (await_bytes (aio_stream_reader_read (aio_subprocess_get_stdout (process), -1), NULL),
                "42\n");
  g_assert_cmpint (await_exit (process), ==, 5);
  g_clear_object (&process);

  /* A shell command that does not exist: the shell's 127. */
  process = aio_create_subprocess_shell ("aio-no-such-command-here 2>/dev/null",
                                         G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (await_exit (process), ==, 127);
}

static void
test_exec (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (exec_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

static void
stdio_body (AioTask  *task,
            gpointer  data)
{
  g_autoptr(AioSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  const char *script = "echo out; echo err >&2";

  /* Everything inherited: no pipes. */
  process = spawn (G_SUBPROCESS_FLAGS_NONE, "true", NULL);
  g_assert_null (aio_subprocess_get_stdin (process));
  g_assert_null (aio_subprocess_get_stdout (process));
  g_assert_null (aio_subprocess_get_stderr (process));
  await_communicate (aio_subprocess_communicate (process, NULL), &out, &err);
  g_assert_null (out);
  g_assert_null (err);
  g_assert_cmpint (await_exit (process), ==, 0);
  g_clear_object (&process);

  /* Each pipe alone. */
  process = spawn (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                   "sh", "-c", script, NULL);
  g_assert_null (aio_subprocess_get_stdout (process));
  g_assert_nonnull (aio_subprocess_get_stderr (process));
  await_communicate (aio_subprocess_communicate (process, NULL), &out, &err);
  g_assert_null (out);
  assert_bytes (g_steal_pointer (&err), "err\n");
  g_assert_cmpint (await_exit (process), ==, 0);
  g_clear_object (&process);

  process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                   "sh", "-c", script, NULL);
  await_communicate (aio_subprocess_communicate (process, NULL), &out, &err);
  assert_bytes (g_steal_pointer (&out), "out\n");
  assert_bytes (g_steal_pointer (&err), "err\n");
  g_assert_cmpint (await_exit (process), ==, 0);
  g_clear_object (&process);

  /* By default stdin is /dev/null (GSubprocess's choice): the end at once. */
  process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, "wc", "-c", NULL);
  await_communicate (aio_subprocess_communicate (process, NULL), &out, NULL);
  assert_bytes (g_steal_pointer (&out), "0\n");
  g_assert_cmpint (await_exit (process), ==, 0);
  g_clear_object (&process);

  /* Inherited stdin and silenced stderr: no pipes either. */
  process = spawn (G_SUBPROCESS_FLAGS_STDIN_INHERIT | G_SUBPROCESS_FLAGS_STDERR_SILENCE |
                   G_SUBPROCESS_FLAGS_STDOUT_PIPE, "sh", "-c", script, NULL);
  g_assert_null (aio_subprocess_get_stdin (process));
  g_assert_null (aio_subprocess_get_stderr (process));
  await_communicate (aio_subprocess_communicate (process, NULL), &out, &err);
  assert_bytes (g_steal_pointer (&out), "out\n");
  g_assert_null (err);
  g_assert_cmpint (await_exit (process), ==, 0);
  g_clear_object (&process);

  /* stderr merged into stdout. */
  process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                   "sh", "-c", script, NULL);
  g_assert_null (aio_subprocess_get_stderr (process));
  await_communicate (aio_subprocess_communicate (process, NULL), &out, &err);
  assert_bytes (g_steal_pointer (&out), "out\nerr\n");
  g_assert_null (err);
  g_assert_cmpint (await_exit (process), ==, 0);
}

static void
test_stdio (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (stdio_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

static void
launcher_body (AioTask  *task,
               gpointer  data)
{
  const char *argv[] = { "sh", "-c", "pwd; echo \"$AIO_TEST_VALUE\"", NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(AioSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("aio-subprocess-XXXXXX", &error);
  g_autofree char *real = NULL;
  g_autofree char *expected = NULL;

  g_assert_no_error (error);
  real = realpath (dir, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_cwd (launcher, real);
  g_subprocess_launcher_setenv (launcher, "AIO_TEST_VALUE", "from the launcher", TRUE);
  process = aio_create_subprocess_launch (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_nonnull (aio_subprocess_get_stdout (process));
  await_communicate (aio_subprocess_communicate (process, NULL), &out, NULL);
  expected = g_strdup_printf ("%s\nfrom the launcher\n", real);
  assert_bytes (g_steal_pointer (&out), expected);
  g_assert_cmpint (await_exit (process), ==, 0);
  g_assert_cmpint (g_rmdir (real), ==, 0);
}

static void
test_launcher (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (launcher_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* -- the streams ------------------------------------------------------- */

static void
streams_body (AioTask  *task,
              gpointer  data)
{
  g_autoptr(AioSubprocess) process = NULL;
  AioStreamReader *out;
  AioStreamWriter *in;
  GError *error = NULL;

  process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, "printf", "one\\ntwo\\nthree", NULL);
  out = aio_subprocess_get_stdout (process);
  assert_bytes (await_bytes (aio_stream_reader_readline (out), NULL), "one\n");
  assert_bytes (await_bytes (aio_stream_reader_readline (out), NULL), "two\n");
  assert_bytes (await_bytes (aio_stream_reader_readline (out), NULL), "three");
  assert_bytes (await_bytes (aio_stream_reader_readline (out), NULL), "");
  g_assert_true (aio_stream_reader_at_eof (out));
  g_assert_cmpint (await_exit (process), ==, 0);
  g_clear_object (&process);

  /* Write to stdin, end it, read the echo. */
  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, "cat", NULL);
  in = aio_subprocess_get_stdin (process);
  out = aio_subprocess_get_stdout (process);
  g_assert_true (aio_stream_writer_write (in, (const guint8 *) "ping\n", 5, &error));
  g_assert_no_error (error);
  g_assert_true (aio_await (aio_stream_writer_drain (in), &error));
  assert_bytes (await_bytes (aio_stream_reader_readline (out), NULL), "ping\n");
  g_assert_true (aio_stream_writer_write (in, (const guint8 *) "last", 4, &error));
  g_assert_true (aio_stream_writer_can_write_eof (in));
  g_assert_true (aio_stream_writer_write_eof (in, &error));
  g_assert_no_error (error);
  assert_bytes (await_bytes (aio_stream_reader_read (out, -1), NULL), "last");
  g_assert_cmpint (await_exit (process), ==, 0);
}

static void
test_streams (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (streams_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

static void
communicate_body (AioTask  *task,
                  gpointer  data)
{
  g_autoptr(AioSubprocess) process = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;

  /* With input. */
  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                   G_SUBPROCESS_FLAGS_STDERR_PIPE,
                   "sh", "-c", "tr a-z A-Z; echo done >&2; exit 4", NULL);
  input = g_bytes_new_static ("some text", 9);
  await_communicate (aio_subprocess_communicate (process, input), &out, &err);
  assert_bytes (g_steal_pointer (&out), "SOME TEXT");
  assert_bytes (g_steal_pointer (&err), "done\n");
  g_assert_cmpint (await_exit (process), ==, 4);
  g_clear_object (&process);

  /* Without input: stdin is closed all the same, so cat ends. */
  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, "cat", NULL);
  await_communicate (aio_subprocess_communicate (process, NULL), &out, &err);
  assert_bytes (g_steal_pointer (&out), "");
  g_assert_null (err);
  g_assert_cmpint (await_exit (process), ==, 0);
  g_clear_object (&process);

  /* Megabytes both ways at once: no deadlock, every byte back. */
  g_clear_pointer (&input, g_bytes_unref);
  input = pattern (BIG);
  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                   G_SUBPROCESS_FLAGS_STDERR_PIPE,
                   "sh", "-c", "tee /dev/stderr", NULL);
  await_communicate (aio_subprocess_communicate (process, input), &out, &err);
  g_assert_true (g_bytes_equal (out, input));
  g_assert_true (g_bytes_equal (err, input));
  g_assert_cmpint (await_exit (process), ==, 0);
  g_clear_object (&process);
  g_clear_pointer (&out, g_bytes_unref);

  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, "cat", NULL);
  await_communicate (aio_subprocess_communicate (process, input), &out, NULL);
  g_assert_cmpuint (g_bytes_get_size (out), ==, BIG);
  g_assert_true (g_bytes_equal (out, input));
  g_assert_cmpint (await_exit (process), ==, 0);
}

static void
test_communicate (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (communicate_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* -- exit codes and signals -------------------------------------------- */

static void
signals_body (AioTask  *task,
              gpointer  data)
{
  g_autoptr(AioSubprocess) process = NULL;
  GError *error = NULL;
  int code = 12345;

  process = spawn (G_SUBPROCESS_FLAGS_NONE, "sh", "-c", "exit 3", NULL);
  g_assert_cmpint (await_exit (process), ==, 3);
  g_clear_object (&process);

  /* kill: -9; no-ops after the exit. */
  process = spawn (G_SUBPROCESS_FLAGS_NONE, "sleep", "100", NULL);
  g_assert_false (aio_subprocess_get_returncode (process, &code));
  g_assert_cmpint (code, ==, 12345);
  aio_subprocess_kill (process);
  g_assert_cmpint (await_exit (process), ==, -SIGKILL);
  aio_subprocess_kill (process);
  aio_subprocess_terminate (process);
  aio_subprocess_send_signal (process, SIGUSR1);
  g_assert_cmpint (await_exit (process), ==, -SIGKILL);
  g_clear_object (&process);

  process = spawn (G_SUBPROCESS_FLAGS_NONE, "sleep", "100", NULL);
  aio_subprocess_terminate (process);
  g_assert_cmpint (await_exit (process), ==, -SIGTERM);
  g_clear_object (&process);

  /* A signal the child traps. */
  process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, "sh", "-c",
                   "trap 'echo got usr1; exit 7' USR1; echo ready; "
                   "while :; do sleep 0.05; done", NULL);
  assert_bytes (await_bytes (aio_stream_reader_readline (aio_subprocess_get_stdout (process)), &error),
                "ready\n");
  aio_subprocess_send_signal (process, SIGUSR1);
  assert_bytes (await_bytes (aio_stream_reader_readline (aio_subprocess_get_stdout (process)), &error),
                "got usr1\n");
  g_assert_no_error (error);
  g_assert_cmpint (await_exit (process), ==, 7);
}

static void
test_signals (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (signals_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* -- cancellation ------------------------------------------------------ */

static void
cancel_wait_body (AioTask  *task,
                  gpointer  data)
{
  g_autoptr(AioSubprocess) process = NULL;
  g_autoptr(AioFuture) wait = NULL;
  g_autoptr(AioFuture) other = NULL;
  GError *error = NULL;
  int pid, code = -1;
  guint i;

  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE, "cat", NULL);
  pid = aio_subprocess_get_pid (process);
  wait = aio_subprocess_wait (process);
  other = aio_subprocess_wait (process);
  g_assert_true (aio_future_cancel (wait, "no more waiting"));
  g_assert_false (aio_await (g_object_ref (wait), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (aio_future_cancelled (wait));
  g_assert_false (aio_future_done (other));

  /* The child still runs; cancel the second wait too, then let it end. */
  g_assert_true (aio_await (aio_sleep (0.05), NULL));
  g_assert_false (aio_subprocess_get_returncode (process, NULL));
  g_assert_true (proc_exists (pid));
  g_assert_true (aio_future_cancel (other, NULL));
  aio_stream_writer_close (aio_subprocess_get_stdin (process));

  /* Reaped with nobody waiting: /proc/PID goes (a zombie keeps it). */
  for (i = 0; i < 1000 && (proc_exists (pid) || !aio_subprocess_get_returncode (process, NULL)); i++)
    g_assert_true (aio_await (aio_sleep (0.01), NULL));
  g_assert_false (proc_exists (pid));
  g_assert_true (aio_subprocess_get_returncode (process, &code));
  g_assert_cmpint (code, ==, 0);
}

static void
test_cancel_wait (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (cancel_wait_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

static void
await_cancelled (AioFuture *future)
{
  GError *error = NULL;

  g_assert_true (aio_future_cancel (future, "stop talking"));
  g_assert_false (aio_await (future, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "stop talking");
  g_clear_error (&error);
}

static void
cancel_communicate_body (AioTask  *task,
                         gpointer  data)
{
  g_autoptr(AioSubprocess) process = NULL;
  g_autoptr(GBytes) input = pattern (BIG);
  AioFuture *future;

  /* While reading: what arrived stays in the reader; the child lives. */
  process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, "sh", "-c", "echo partial; exec sleep 100", NULL);
  future = aio_subprocess_communicate (process, NULL);
  g_assert_true (aio_await (aio_sleep (0.1), NULL));
  await_cancelled (future);
  g_assert_false (aio_subprocess_get_returncode (process, NULL));
  assert_bytes (await_bytes (aio_stream_reader_readline (aio_subprocess_get_stdout (process)), NULL),
                "partial\n");
  aio_subprocess_kill (process);
  g_assert_cmpint (await_exit (process), ==, -SIGKILL);
  g_clear_object (&process);

  /* While feeding stdin to a child that does not read. */
  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE, "sleep", "100", NULL);
  future = aio_subprocess_communicate (process, input);
  g_assert_true (aio_await (aio_sleep (0.05), NULL));
  await_cancelled (future);
  g_assert_false (aio_subprocess_get_returncode (process, NULL));
  aio_subprocess_kill (process);
  g_assert_cmpint (await_exit (process), ==, -SIGKILL);
  g_clear_object (&process);

  /* While waiting for the exit, the pipes done. */
  process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, "sh", "-c", "exec >&-; exec sleep 100", NULL);
  future = aio_subprocess_communicate (process, NULL);
  g_assert_true (aio_await (aio_sleep (0.1), NULL));
  g_assert_true (aio_stream_reader_at_eof (aio_subprocess_get_stdout (process)));
  await_cancelled (future);
  g_assert_false (aio_subprocess_get_returncode (process, NULL));
  aio_subprocess_terminate (process);
  g_assert_cmpint (await_exit (process), ==, -SIGTERM);
  g_clear_object (&process);

  /* Cancelled before the loop ran any of it. */
  process = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, "cat", NULL);
  future = aio_subprocess_communicate (process, input);
  await_cancelled (future);
  aio_subprocess_kill (process);
  g_assert_cmpint (await_exit (process), ==, -SIGKILL);
}

static void
test_cancel_communicate (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (cancel_communicate_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

/* -- errors ------------------------------------------------------------ */

static void
test_no_such_program (void)
{
  const char *argv[] = { "aio-no-such-program-xyz", "arg", NULL };
  const char *path[] = { "/nonexistent/aio-no-such-program-abs", NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  GError *error = NULL;
  AioSubprocess *process;

  process = aio_create_subprocess_exec (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_null (process);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_SPAWN_ERROR || error->domain == G_IO_ERROR);
  g_assert_nonnull (strstr (error->message, "aio-no-such-program-xyz"));
  g_clear_error (&error);

  process = aio_create_subprocess_exec (path, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_null (process);
  g_assert_true (error->domain == G_SPAWN_ERROR || error->domain == G_IO_ERROR);
  g_assert_nonnull (strstr (error->message, "aio-no-such-program-abs"));
  g_clear_error (&error);

  process = aio_create_subprocess_launch (launcher, argv, &error);
  g_assert_null (process);
  g_assert_nonnull (strstr (error->message, "aio-no-such-program-xyz"));
  g_clear_error (&error);

  /* The result helper refuses other futures. */
  {
    g_autoptr(AioFuture) future = aio_future_new ();

    g_assert_false (aio_subprocess_communicate_result (future, NULL, NULL, &error));
    g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
    g_clear_error (&error);
    g_assert_true (aio_future_set_int (future, 1, NULL));
    g_assert_false (aio_subprocess_communicate_result (future, NULL, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }
}

/* Dropping the last reference while the child runs does not wait for it,
 * and the child is still reaped.
 */
static void
drop_running_body (AioTask  *task,
                   gpointer  data)
{
  AioSubprocess *process = spawn (G_SUBPROCESS_FLAGS_NONE, "sleep", "0.1", NULL);
  int pid = aio_subprocess_get_pid (process);
  guint i;

  g_object_unref (process);
  for (i = 0; i < 1000 && proc_exists (pid); i++)
    g_assert_true (aio_await (aio_sleep (0.01), NULL));
  g_assert_false (proc_exists (pid));
}

static void
test_drop_running (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (drop_running_body, NULL);

  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* GLib skips test paths with a "/subprocess" part: "child-process".
   * First: it checks the parent's SIGPIPE before any stdin pipe. */
  aio_test_add_func ("/aio/child-process/sigpipe", test_sigpipe);
  aio_test_add_func ("/aio/child-process/exec", test_exec);
  aio_test_add_func ("/aio/child-process/stdio", test_stdio);
  aio_test_add_func ("/aio/child-process/launcher", test_launcher);
  aio_test_add_func ("/aio/child-process/streams", test_streams);
  aio_test_add_func ("/aio/child-process/communicate", test_communicate);
  aio_test_add_func ("/aio/child-process/signals", test_signals);
  aio_test_add_func ("/aio/child-process/cancel-wait", test_cancel_wait);
  aio_test_add_func ("/aio/child-process/cancel-communicate", test_cancel_communicate);
  aio_test_add_func ("/aio/child-process/no-such-program", test_no_such_program);
  aio_test_add_func ("/aio/child-process/drop-running", test_drop_running);

  return g_test_run ();
}

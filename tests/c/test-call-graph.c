/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Call graphs and the task tree: a hung program built from a task group,
 * gather, shield and wait_for is captured from a callback, and every edge
 * is checked; AIO_DEBUG=sigusr1 prints the tree from a child process.
 */

#include <signal.h>
#include <string.h>

#include <aio-glib.h>

#include "aio-test-utils.h"

typedef struct
{
  AioFuture *never;   /* (owned) completed by nobody: the hang */
  AioTask   *main;
  AioTask   *leaf_a;
  AioTask   *leaf_b;
  AioTask   *worker;
  AioTask   *timed;
} Hang;

static void
leaf_a_body (AioTask  *task,
             gpointer  user_data)
{
  Hang *hang = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_await (g_object_ref (hang->never), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  aio_task_return_error (task, g_steal_pointer (&error));
}

static void
leaf_b_body (AioTask  *task,
             gpointer  user_data)
{
  Hang *hang = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_await (aio_shield (g_object_ref (hang->never)), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  aio_task_return_error (task, g_steal_pointer (&error));
}

/* Awaits both leaves through a gather. */
static void
worker_body (AioTask  *task,
             gpointer  user_data)
{
  Hang *hang = user_data;
  g_autoptr(GError) error = NULL;

  hang->leaf_a = AIO_TASK_HERE (aio_task_new_full (NULL, "leaf-a", 0, leaf_a_body, hang, NULL));
  hang->leaf_b = aio_task_new_full (NULL, "leaf-b", 0, leaf_b_body, hang, NULL);
  g_assert_false (aio_await (aio_gather (g_object_ref (AIO_FUTURE (hang->leaf_a)),
                                         g_object_ref (AIO_FUTURE (hang->leaf_b)), NULL),
                             &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  aio_task_return_error (task, g_steal_pointer (&error));
}

static void
timed_body (AioTask  *task,
            gpointer  user_data)
{
  Hang *hang = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_await (aio_wait_for (g_object_ref (hang->never), 1000), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  aio_task_return_error (task, g_steal_pointer (&error));
}

static void
main_body (AioTask  *task,
           gpointer  user_data)
{
  Hang *hang = user_data;
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  g_autoptr(GError) error = NULL;

  hang->worker = g_object_ref (aio_task_group_create_task_full (group, "worker", 0, worker_body,
                                                                hang, NULL, &error));
  g_assert_no_error (error);
  hang->timed = g_object_ref (aio_task_group_create_task_full (group, "timed", 0, timed_body,
                                                               hang, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (aio_await (aio_task_group_wait (group, NULL), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  aio_task_return_error (task, g_steal_pointer (&error));
}

static gboolean
contains (GPtrArray *tasks,
          AioTask   *task)
{
  return g_ptr_array_find (tasks, task, NULL);
}

static void
start_hang (Hang *hang)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(AioFuture) pause = NULL;

  hang->never = aio_loop_create_future (loop);
  hang->main = AIO_TASK_HERE (aio_task_new_full (NULL, "main", 0, main_body, hang, NULL));
  /* Let every task reach its await. */
  pause = aio_sleep (0.05);
  g_assert_true (aio_test_run_future (pause, NULL));
  g_assert_nonnull (hang->leaf_a);
}

static void
stop_hang (Hang *hang)
{
  g_autoptr(GError) error = NULL;

  aio_task_cancel (hang->main, NULL);
  g_assert_false (aio_test_run_future (AIO_FUTURE (hang->main), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The leaves are not the group's: gather cancels them with the worker. */
  g_assert_true (aio_future_cancelled (AIO_FUTURE (hang->leaf_a)));
  g_assert_true (aio_future_cancelled (AIO_FUTURE (hang->leaf_b)));
  aio_future_cancel (hang->never, NULL);
  aio_test_drain (NULL);
  g_clear_object (&hang->never);
  g_clear_object (&hang->main);
  g_clear_object (&hang->leaf_a);
  g_clear_object (&hang->leaf_b);
  g_clear_object (&hang->worker);
  g_clear_object (&hang->timed);
}

static void
test_capture_up_and_down (void)
{
  Hang hang = { 0 };
  g_autoptr(AioCallGraph) graph = NULL;
  g_autoptr(AioCallGraph) worker_graph = NULL;
  g_autofree char *text = NULL;
  AioCallGraph *up, *top;

  start_hang (&hang);

  /* leaf-a awaits the future nobody completes; the worker awaits it
   * through gather, and main through the task group's wait. */
  graph = aio_task_capture_call_graph (hang.leaf_a);
  g_assert_true (aio_call_graph_get_future (graph) == AIO_FUTURE (hang.leaf_a));
  g_assert_null (aio_call_graph_get_via (graph));
  g_assert_true (aio_call_graph_get_awaiting (graph) == hang.never);
  g_assert_cmpfloat (aio_call_graph_get_waiting_time (graph), >=, 0.0);
  g_assert_cmpfloat (aio_call_graph_get_waiting_time (graph), <, 60.0);
  g_assert_cmpuint (aio_call_graph_get_awaited_tasks (graph)->len, ==, 0);
  g_assert_cmpuint (aio_call_graph_get_awaited_by (graph)->len, ==, 1);
  up = g_ptr_array_index (aio_call_graph_get_awaited_by (graph), 0);
  g_assert_true (aio_call_graph_get_future (up) == AIO_FUTURE (hang.worker));
  g_assert_cmpstr (aio_call_graph_get_via (up), ==, "gather");
  g_assert_cmpuint (aio_call_graph_get_awaited_by (up)->len, ==, 1);
  top = g_ptr_array_index (aio_call_graph_get_awaited_by (up), 0);
  g_assert_true (aio_call_graph_get_future (top) == AIO_FUTURE (hang.main));
  g_assert_cmpstr (aio_call_graph_get_via (top), ==, "task group");
  g_assert_cmpuint (aio_call_graph_get_awaited_by (top)->len, ==, 0);
  g_assert_cmpuint (aio_call_graph_get_awaited_tasks (top)->len, ==, 2);
  g_assert_true (contains (aio_call_graph_get_awaited_tasks (top), hang.worker));
  g_assert_true (contains (aio_call_graph_get_awaited_tasks (top), hang.timed));

  text = aio_call_graph_to_string (graph);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "* Task 'leaf-a' (waiting "));
  g_assert_nonnull (strstr (text, "on AioFuture 0x"));
  g_assert_nonnull (strstr (text, "; created at "));
  g_assert_nonnull (strstr (text, "test-call-graph.c:"));
  g_assert_nonnull (strstr (text, "* [gather] Task 'worker' (waiting "));
  g_assert_nonnull (strstr (text, "on gather"));
  g_assert_nonnull (strstr (text, "* [task group] Task 'main' (waiting "));

  /* Down from the worker: both leaves, through the gather. */
  worker_graph = aio_task_capture_call_graph (hang.worker);
  g_assert_cmpuint (aio_call_graph_get_awaited_tasks (worker_graph)->len, ==, 2);
  g_assert_true (contains (aio_call_graph_get_awaited_tasks (worker_graph), hang.leaf_a));
  g_assert_true (contains (aio_call_graph_get_awaited_tasks (worker_graph), hang.leaf_b));

  stop_hang (&hang);
}

/* shield and wait_for are edges too, though nothing awaits their inner
 * future but them. */
static void
test_shield_and_wait_for (void)
{
  Hang hang = { 0 };
  g_autoptr(AioCallGraph) leaf_b = NULL;
  g_autoptr(AioCallGraph) timed = NULL;
  g_autofree char *text = NULL;

  start_hang (&hang);
  leaf_b = aio_task_capture_call_graph (hang.leaf_b);
  g_assert_nonnull (aio_call_graph_get_awaiting (leaf_b));
  g_assert_false (aio_call_graph_get_awaiting (leaf_b) == hang.never);   /* the shield's */
  timed = aio_task_capture_call_graph (hang.timed);
  g_assert_cmpstr (aio_call_graph_get_via (g_ptr_array_index (aio_call_graph_get_awaited_by (timed), 0)),
                   ==, "task group");

  text = aio_loop_format_tasks (NULL);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "5 pending tasks on loop "));
  /* main is the only root, and each task appears once under its awaiter. */
  g_assert_true (g_str_has_prefix (strchr (text, '\n') + 1, "Task 'main' (waiting "));
  g_assert_nonnull (strstr (text, "├── [task group] Task 'worker' (waiting "));
  g_assert_nonnull (strstr (text, "└── [task group] Task 'timed' (waiting "));
  g_assert_nonnull (strstr (text, "│   ├── [gather] Task 'leaf-a' (waiting "));
  g_assert_nonnull (strstr (text, "│   └── [gather] Task 'leaf-b' (waiting "));
  g_assert_nonnull (strstr (strstr (text, "Task 'leaf-b'"), "on shield;"));
  g_assert_nonnull (strstr (strstr (text, "Task 'timed'"), "on wait_for;"));
  g_assert_nonnull (strstr (strstr (text, "Task 'main'"), "on task group;"));
  /* main_body is static: dladdr() gives its address and file. */
  g_assert_nonnull (strstr (text, "Task 'worker' (waiting "));
  g_assert_nonnull (strstr (strstr (text, "Task 'worker'"), "; created by 0x"));
  g_assert_null (strstr (strstr (text, "leaf-b") + 1, "leaf-b"));
  stop_hang (&hang);
}

static void
test_print_to_stream (void)
{
  Hang hang = { 0 };
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  const char *text;

  start_hang (&hang);
  g_assert_true (aio_loop_print_tasks (NULL, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  text = g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_nonnull (strstr (text, "Task 'main'"));
  g_assert_nonnull (strstr (text, "[gather] Task 'leaf-a'"));

  /* A closed stream is an error, not a crash. */
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  g_assert_false (aio_loop_print_tasks (NULL, out, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  stop_hang (&hang);
}

static void
test_idle_loop (void)
{
  g_autofree char *text = aio_loop_format_tasks (NULL);
  g_autofree char *expected = g_strdup_printf ("0 pending tasks on loop %p:\n",
                                               (gpointer) aio_loop_get_default ());

  g_assert_cmpstr (text, ==, expected);
}

static gpointer
format_from_thread (gpointer data)
{
  return aio_loop_format_tasks (data);
}

static void
test_other_thread (void)
{
  AioLoop *loop = aio_loop_get_default ();
  GThread *thread;

  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*must be called from the thread that runs the loop*");
  thread = g_thread_new ("other", format_from_thread, loop);
  g_assert_null (g_thread_join (thread));
  g_test_assert_expected_messages ();
}

static void
done_task_body (AioTask  *task,
                gpointer  user_data)
{
  aio_task_return_int (task, 1);
}

static void
test_done_task (void)
{
  g_autoptr(AioTask) task = aio_test_run_task (done_task_body, NULL);
  g_autoptr(AioCallGraph) graph = aio_task_capture_call_graph (task);
  g_autofree char *text = aio_call_graph_to_string (graph);

  g_assert_null (aio_call_graph_get_awaiting (graph));
  g_assert_cmpfloat (aio_call_graph_get_waiting_time (graph), ==, -1.0);
  g_assert_cmpuint (aio_call_graph_get_awaited_by (graph)->len, ==, 0);
  g_assert_true (g_str_has_prefix (text, "* Task 'Task-"));
  g_assert_nonnull (strstr (text, " (finished; created by "));
}

/* The child hangs on purpose and prints the tree on SIGUSR1. */
static int
sigusr1_child (void)
{
  Hang hang = { 0 };

  start_hang (&hang);
  g_print ("ready\n");
  aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (hang.main), NULL);
  return 0;
}

static void
test_sigusr1 (void)
{
  const char *argv[] = { g_getenv ("AIO_TEST_SELF"), NULL };
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "AIO_DEBUG", "sigusr1", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *err_text = NULL;
  GString *err = g_string_new (NULL);
  gint64 deadline;

  env = g_environ_setenv (env, "AIO_TEST_SIGUSR1_CHILD", "1", TRUE);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, env);
  child = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");

  g_subprocess_send_signal (child, SIGUSR1);
  /* Read stderr until the whole tree has come. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (strstr (err->str, "[task group] Task 'timed'") == NULL ||
         strchr (strstr (err->str, "[task group] Task 'timed'"), '\n') == NULL)
    {
      char buf[512];
      gssize n = g_input_stream_read (g_subprocess_get_stderr_pipe (child), buf, sizeof buf, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (err, buf, n);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  err_text = g_string_free (err, FALSE);
  g_test_message ("%s", err_text);
  g_assert_nonnull (strstr (err_text, "5 pending tasks on loop "));
  g_assert_nonnull (strstr (err_text, "Task 'main' (waiting "));
  g_assert_nonnull (strstr (err_text, "[gather] Task 'leaf-b' (waiting "));
  g_assert_nonnull (strstr (err_text, "on shield"));
  g_assert_nonnull (strstr (err_text, "[task group] Task 'timed' (waiting "));
  g_assert_nonnull (strstr (err_text, "on wait_for"));

  /* Still alive after the dump, so the kill ends it: the signal only
   * woke a GLib source. */
  g_subprocess_force_exit (child);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("AIO_TEST_SIGUSR1_CHILD") != NULL)
    return sigusr1_child ();
  g_setenv ("AIO_TEST_SELF", argv[0], TRUE);
  g_test_init (&argc, &argv, NULL);
  aio_test_add_func ("/aio/call-graph/capture", test_capture_up_and_down);
  aio_test_add_func ("/aio/call-graph/tree", test_shield_and_wait_for);
  aio_test_add_func ("/aio/call-graph/print", test_print_to_stream);
  aio_test_add_func ("/aio/call-graph/idle", test_idle_loop);
  aio_test_add_func ("/aio/call-graph/other-thread", test_other_thread);
  aio_test_add_func ("/aio/call-graph/done", test_done_task);
  aio_test_add_func ("/aio/call-graph/sigusr1", test_sigusr1);
  return g_test_run ();
}

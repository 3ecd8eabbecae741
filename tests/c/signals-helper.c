/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* aio_run() and SIGINT, in a process of its own so the test process is
 * never hit.  `signals-helper MODE`: exits 0 when what MODE checks held,
 * or dies by SIGINT where that is what should happen; anything else
 * prints why and exits 1.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aio-test-utils.h"

static const char *mode;
static volatile sig_atomic_t own_handler_ran;
static gboolean loop_handler_ran;

static void
own_handler (int signum)
{
  own_handler_ran = 1;
}

static void
fail (const char *why)
{
  printf ("signals-helper %s: %s\n", mode, why);
  fflush (stdout);
  exit (1);
}

static void
say (const char *line)
{
  printf ("%s\n", line);
  fflush (stdout);
}

static void
on_loop_sigint (gpointer data)
{
  loop_handler_ran = TRUE;
}

static void
main_body (AioTask  *task,
           gpointer  data)
{
  GError *error = NULL;
  guint i;

  if (strcmp (mode, "cancel") == 0 || strcmp (mode, "swallow") == 0 ||
      strcmp (mode, "twice") == 0 || strcmp (mode, "thread") == 0)
    {
      raise (SIGINT);
      if (aio_await (aio_sleep (10), &error))
        fail ("the sleep was not cancelled");
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail ("the sleep failed with another error");
      if (strcmp (mode, "twice") == 0)
        {
          /* From now on SIGINT ends the process, even a stuck one. */
          raise (SIGINT);
          fail ("a second SIGINT did not end the process");
        }
      if (strcmp (mode, "swallow") == 0)
        {
          g_clear_error (&error);
          aio_task_uncancel (task);
          aio_task_return_int (task, 7);
          return;
        }
      aio_task_return_error (task, error);
    }
  else if (strcmp (mode, "external") == 0)
    {
      say ("ready");
      if (aio_await (aio_sleep (10), &error))
        fail ("the sleep was not cancelled");
      g_clear_error (&error);
      say ("cancelled");
      aio_await (aio_sleep (10), NULL);
      fail ("a second SIGINT did not end the process");
    }
  else if (strcmp (mode, "own-handler") == 0 || strcmp (mode, "ignored") == 0)
    {
      raise (SIGINT);
      if (!aio_await (aio_sleep (0.05), &error))
        fail ("aio_run() handled a SIGINT the program had claimed");
      if (strcmp (mode, "own-handler") == 0 && !own_handler_ran)
        fail ("the program's own handler did not run");
      aio_task_return_int (task, 1);
    }
  else if (strcmp (mode, "loop-handler") == 0)
    {
      if (!aio_loop_add_signal_handler (aio_loop_get_running (), SIGINT,
                                        on_loop_sigint, NULL, NULL, &error))
        fail (error->message);
      raise (SIGINT);
      for (i = 0; i < 1000 && !loop_handler_ran; i++)
        if (!aio_await (aio_sleep (0.005), NULL))
          fail ("the main task was cancelled instead of the loop's handler running");
      if (!loop_handler_ran)
        fail ("the loop's own SIGINT handler did not run");
      if (!aio_loop_remove_signal_handler (aio_loop_get_running (), SIGINT))
        fail ("the loop's handler was not there to remove");
      aio_task_return_int (task, 1);
    }
  else
    fail ("unknown mode");
}

static gpointer
thread_main (gpointer data)
{
  GMainContext *context = g_main_context_new ();
  AioTask *task;

  g_main_context_push_thread_default (context);
  task = aio_task_new (main_body, NULL, NULL);
  aio_run (AIO_FUTURE (task), NULL);
  fail ("aio_run() off the main thread handled SIGINT");
  return NULL;
}

static gboolean
sigint_is (void (*handler) (int))
{
  struct sigaction current;

  sigaction (SIGINT, NULL, &current);
  return current.sa_handler == handler;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (argc != 2)
    return 2;
  mode = argv[1];

  if (strcmp (mode, "own-handler") == 0)
    signal (SIGINT, own_handler);
  else if (strcmp (mode, "ignored") == 0)
    signal (SIGINT, SIG_IGN);
  else if (strcmp (mode, "thread") == 0)
    {
      g_thread_join (g_thread_new ("not-main", thread_main, NULL));
      return 1;
    }

  task = aio_task_new (main_body, NULL, NULL);
  ok = aio_run (AIO_FUTURE (task), &error);

  if (strcmp (mode, "cancel") == 0)
    {
      if (ok || !g_error_matches (error, AIO_ERROR, AIO_ERROR_INTERRUPTED))
        fail ("aio_run() did not fail with AIO_ERROR_INTERRUPTED");
      if (!aio_future_cancelled (AIO_FUTURE (task)))
        fail ("the main task did not end cancelled");
    }
  else if (strcmp (mode, "swallow") == 0)
    {
      if (!ok || aio_future_get_int (AIO_FUTURE (task), NULL) != 7)
        fail ("a main task that caught the cancellation did not succeed");
    }
  else if (!ok)
    fail (error->message);

  if (strcmp (mode, "own-handler") == 0 ? !sigint_is (own_handler) :
      strcmp (mode, "ignored") == 0 ? !sigint_is (SIG_IGN) : !sigint_is (SIG_DFL))
    fail ("SIGINT was not left as it was before aio_run()");
  return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* aio-demo: a tour of aio-glib on loopback.  Each section is a C coroutine
 * task; the main task runs them one after the other and prints what
 * happens.  Run "aio-demo --list" for the sections, or name some to run
 * only those.
 */

#include <locale.h>
#include <stdio.h>

#include "demo.h"

/* To add a section: write its body in a demo-<name>.c file, declare it in
 * demo.h, add the file to examples/meson.build and a line here.
 */
const DemoSection demo_sections[] = {
  { "echo", "a TCP echo service and many concurrent clients, all coroutines",
    demo_echo_section },
  { "timeouts", "aio_wait_for() and a timeout scope around several awaits",
    demo_timeout_section },
  { "group", "a task group fetching pages four at a time; one fails",
    demo_group_section },
  { "pipeline", "async generator -> bounded queue -> three workers",
    demo_pipeline_section },
  { "cancel", "cancelling a task that then cleans up after itself",
    demo_cancel_section },
  { "threads", "worker threads completing futures the loop awaits",
    demo_threads_section },
};
const guint demo_n_sections = G_N_ELEMENTS (demo_sections);

static gint64 demo_start_time;

void
demo_say (const char *format,
          ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_print ("[%6.3fs] %s\n",
           (g_get_monotonic_time () - demo_start_time) / (double) G_USEC_PER_SEC,
           message);
}

typedef struct
{
  GPtrArray *selected;   /* (element-type DemoSection) (owned) */
} DemoPlan;

static void
demo_main_body (AioTask  *task,
                gpointer  user_data)
{
  DemoPlan *plan = user_data;
  g_autoptr(GError) error = NULL;
  DemoServer *server;
  guint i, failed = 0;

  server = demo_server_start (&error);
  if (server == NULL)
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  demo_say ("echo service listening on 127.0.0.1:%u",
            demo_server_get_port (server));

  for (i = 0; i < plan->selected->len; i++)
    {
      const DemoSection *section = g_ptr_array_index (plan->selected, i);
      g_autoptr(AioTask) section_task = NULL;
      g_autofree char *name = g_strdup_printf ("section-%s", section->name);
      gint64 started = g_get_monotonic_time ();

      g_print ("\n== %u. %s: %s\n", i + 1, section->name, section->summary);
      section_task = aio_task_new_full (NULL, name, 0, section->run, server,
                                        NULL);
      if (!aio_await (g_object_ref (AIO_FUTURE (section_task)), &error))
        {
          demo_say ("section '%s' FAILED: %s", section->name, error->message);
          g_clear_error (&error);
          failed++;
          continue;
        }
      demo_say ("section '%s' done in %.0f ms", section->name,
                (g_get_monotonic_time () - started) / 1000.0);
    }

  g_print ("\n");
  demo_say ("the service answered %u requests; shutting it down",
            demo_server_get_served (server));
  demo_server_stop (server);

  if (failed > 0)
    aio_task_return_error (task, g_error_new (AIO_ERROR, AIO_ERROR_FAILED,
                                              "%u section(s) failed", failed));
}

static gboolean
select_sections (DemoPlan  *plan,
                 int        argc,
                 char     **argv)
{
  int i;
  guint j;

  for (i = 1; i < argc; i++)
    {
      gboolean found = FALSE;

      for (j = 0; j < demo_n_sections; j++)
        if (g_str_equal (argv[i], demo_sections[j].name))
          {
            g_ptr_array_add (plan->selected, (gpointer) &demo_sections[j]);
            found = TRUE;
          }
      if (!found)
        {
          g_printerr ("aio-demo: no section '%s' (try --list)\n", argv[i]);
          return FALSE;
        }
    }
  if (argc <= 1)
    for (j = 0; j < demo_n_sections; j++)
      g_ptr_array_add (plan->selected, (gpointer) &demo_sections[j]);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;
  DemoPlan plan;
  guint i;

  setlocale (LC_ALL, "");
  /* The narrative goes to a pipe under meson test and tools/demo. */
  setvbuf (stdout, NULL, _IOLBF, 0);

  if (argc == 2 && g_str_equal (argv[1], "--list"))
    {
      for (i = 0; i < demo_n_sections; i++)
        g_print ("%-10s %s\n", demo_sections[i].name, demo_sections[i].summary);
      return 0;
    }

  plan.selected = g_ptr_array_new ();
  if (!select_sections (&plan, argc, argv))
    {
      g_ptr_array_unref (plan.selected);
      return 2;
    }

  demo_start_time = g_get_monotonic_time ();
  g_print ("aio-glib %s demo: asyncio-style coroutines in C, on loopback only\n",
           AIO_VERSION_S);

  main_task = aio_task_new_full (NULL, "main", 0, demo_main_body, &plan, NULL);
  if (!aio_run (AIO_FUTURE (main_task), &error))
    {
      g_printerr ("aio-demo: %s\n", error->message);
      g_ptr_array_unref (plan.selected);
      return 1;
    }

  g_ptr_array_unref (plan.selected);
  demo_say ("all done");
  return 0;
}

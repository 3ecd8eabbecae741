/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "structured-test-utils.h"

/* AioTaskGroup: asyncio's TaskGroup rules, from C coroutines, stackless
 * tasks and callbacks; nesting; misuse; 10k tasks; cancellation at each
 * await.
 */

typedef struct
{
  StChild  children[3];
  guint    n_children;
  gdouble  body_sleep;
  GError  *body_fails_with;     /* (owned) (nullable) the body ends with it */
  gboolean started;             /* the body reached its await */
  gboolean waiting;             /* the body is in the wait */
  GError  *body_error;
  GError  *error;               /* the wait's outcome */
  guint    n_errors;
  char    *failed_names;
  guint    cancelling_after;
  gboolean later_await_ok;
  GError  *later_error;
  guint    cleanups_at_resume;
  gboolean parent_was_set;
} GroupCase;

static void
group_case_clear (GroupCase *gc)
{
  g_clear_error (&gc->body_fails_with);
  g_clear_error (&gc->body_error);
  g_clear_error (&gc->error);
  g_clear_error (&gc->later_error);
  g_clear_pointer (&gc->failed_names, g_free);
}

static void
group_body (AioTask  *task,
            gpointer  data)
{
  GroupCase *gc = data;
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  GString *names = g_string_new (NULL);
  guint i;

  gc->parent_was_set = aio_task_group_get_parent (group) == task;
  for (i = 0; i < gc->n_children; i++)
    {
      g_autofree char *name = g_strdup_printf ("child-%d", gc->children[i].value);

      g_assert_nonnull (aio_task_group_create_task_full (group, name, 0, st_child_body,
                                                         &gc->children[i], NULL, NULL));
    }
  g_assert_cmpuint (aio_task_group_get_n_tasks (group), ==, gc->n_children);

  gc->started = TRUE;
  if (gc->body_sleep > 0)
    aio_await (aio_sleep (gc->body_sleep), &gc->body_error);
  if (gc->body_error == NULL && gc->body_fails_with != NULL)
    gc->body_error = g_error_copy (gc->body_fails_with);

  gc->waiting = TRUE;
  aio_await (aio_task_group_wait (group, gc->body_error), &gc->error);
  gc->waiting = FALSE;
  gc->cleanups_at_resume = 0;
  for (i = 0; i < gc->n_children; i++)
    gc->cleanups_at_resume += gc->children[i].cleanups;

  gc->n_errors = aio_task_group_get_n_errors (group);
  for (i = 0; i < gc->n_errors; i++)
    {
      AioTask *failed = aio_task_group_get_failed_task (group, i);

      g_assert_nonnull (aio_task_group_get_error (group, i));
      g_string_append_printf (names, "%s%s", i > 0 ? "," : "",
                              failed != NULL ? aio_task_get_name (failed) : "body");
    }
  gc->failed_names = g_string_free (names, FALSE);
  g_assert_null (aio_task_group_get_parent (group));
  gc->cancelling_after = aio_task_cancelling (task);
  gc->later_await_ok = aio_await (aio_sleep (0), &gc->later_error);
  if (g_error_matches (gc->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    aio_task_return_error (task, g_error_copy (gc->error));
}

static void
test_group_all_succeed (void)
{
  GroupCase gc = {
    .children = {
      { .value = 1, .delay = 0.002, .n_awaits = 2 },
      { .value = 2, .delay = 0, .n_awaits = 1 },
      { .value = 3, .delay = 0.001, .n_awaits = 1 },
    },
    .n_children = 3,
    .body_sleep = 0.001,
  };
  g_autoptr(AioTask) task = st_run (group_body, &gc);

  g_assert_no_error (gc.error);
  g_assert_true (gc.parent_was_set);
  /* The wait returned only when every task was done. */
  g_assert_cmpuint (gc.cleanups_at_resume, ==, 3);
  g_assert_cmpuint (gc.n_errors, ==, 0);
  g_assert_true (gc.later_await_ok);
  g_assert_false (gc.children[0].was_cancelled);
  group_case_clear (&gc);
}

static void
test_group_one_fails (void)
{
  GroupCase gc = {
    .children = {
      { .value = 1, .delay = 0.001, .n_awaits = 1, .fail = TRUE },
      { .value = 2, .delay = 10, .n_awaits = 1, .slow_cleanup = TRUE },
      { .value = 3, .delay = 10, .n_awaits = 1 },
    },
    .n_children = 3,
    .body_sleep = 10,
  };
  g_autoptr(AioTask) task = st_run (group_body, &gc);

  /* The failure cancelled the body's await... */
  g_assert_error (gc.body_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* ...and the other tasks, which finished cleaning up before the wait
   * ended with all the errors.
   */
  g_assert_true (gc.children[1].was_cancelled && gc.children[2].was_cancelled);
  g_assert_cmpuint (gc.cleanups_at_resume, ==, 3);
  g_assert_error (gc.error, AIO_ERROR, AIO_ERROR_MULTIPLE);
  g_assert_nonnull (strstr (gc.error->message, "1 of the 3 tasks"));
  g_assert_nonnull (strstr (gc.error->message, "child-1"));
  g_assert_nonnull (strstr (gc.error->message, "child 1 failed"));
  g_assert_cmpuint (gc.n_errors, ==, 1);
  g_assert_cmpstr (gc.failed_names, ==, "child-1");
  /* The group withdrew its cancellation of the parent, which goes on. */
  g_assert_cmpuint (gc.cancelling_after, ==, 0);
  g_assert_true (gc.later_await_ok);
  g_assert_false (st_cancelled (task));
  group_case_clear (&gc);
}

typedef struct
{
  AioFuture *gate;
  gint       value;
  gboolean   fail;
} GateChild;

static void
gate_child_body (AioTask  *task,
                 gpointer  data)
{
  GateChild *gc = data;
  GError *error = NULL;

  if (!aio_await (g_object_ref (gc->gate), &error))
    aio_task_return_error (task, error);
  else if (gc->fail)
    aio_task_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "gate child %d", gc->value));
}

typedef struct
{
  GateChild children[3];
  GError   *error;
  guint     n_errors;
} SeveralCase;

static void
several_body (AioTask  *task,
              gpointer  data)
{
  SeveralCase *sc = data;
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  g_autoptr(AioFuture) gate = aio_future_new ();
  guint i;

  for (i = 0; i < 3; i++)
    {
      sc->children[i].gate = gate;
      aio_task_group_create_task (group, gate_child_body, &sc->children[i], NULL, NULL);
    }
  aio_yield (NULL);
  /* All three wake in one batch; two fail before anything is cancelled. */
  aio_future_set_int (gate, 1, NULL);
  aio_await (aio_task_group_wait (group, NULL), &sc->error);
  sc->n_errors = aio_task_group_get_n_errors (group);
}

static void
test_group_several_fail (void)
{
  SeveralCase sc = { .children = { { .value = 1, .fail = TRUE }, { .value = 2 }, { .value = 3, .fail = TRUE } } };
  g_autoptr(AioTask) task = st_run (several_body, &sc);

  g_assert_error (sc.error, AIO_ERROR, AIO_ERROR_MULTIPLE);
  g_assert_cmpuint (sc.n_errors, ==, 2);
  g_assert_nonnull (strstr (sc.error->message, "2 of the 3 tasks"));
  g_assert_nonnull (strstr (sc.error->message, "gate child 1"));
  g_assert_nonnull (strstr (sc.error->message, "gate child 3"));
  g_clear_error (&sc.error);
}

static void
test_group_body_error (void)
{
  GroupCase gc = {
    .children = {
      { .value = 1, .delay = 10, .n_awaits = 1 },
    },
    .n_children = 1,
    .body_sleep = 0.001,
    .body_fails_with = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no such thing"),
  };
  g_autoptr(AioTask) task = st_run (group_body, &gc);

  g_assert_true (gc.children[0].was_cancelled);
  g_assert_error (gc.error, AIO_ERROR, AIO_ERROR_MULTIPLE);
  g_assert_nonnull (strstr (gc.error->message, "body of the task group failed"));
  g_assert_nonnull (strstr (gc.error->message, "no such thing"));
  g_assert_cmpuint (gc.n_errors, ==, 1);
  g_assert_cmpstr (gc.failed_names, ==, "body");
  group_case_clear (&gc);
}

static void
test_group_parent_cancelled_while_waiting (void)
{
  GroupCase gc = {
    .children = {
      { .value = 1, .delay = 10, .n_awaits = 1, .slow_cleanup = TRUE },
      { .value = 2, .delay = 10, .n_awaits = 1 },
    },
    .n_children = 2,
  };
  g_autoptr(AioTask) task = aio_task_new (group_body, &gc, NULL);

  aio_test_wait_for_flag (&gc.waiting, 5);
  aio_test_drain (NULL);
  aio_task_cancel (task, "from outside");
  st_wait (AIO_FUTURE (task));
  st_settle ();

  g_assert_true (gc.children[0].was_cancelled && gc.children[1].was_cancelled);
  g_assert_cmpuint (gc.cleanups_at_resume, ==, 2);
  g_assert_error (gc.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (gc.error->message, ==, "from outside");
  g_assert_cmpuint (gc.cancelling_after, ==, 1);
  g_assert_true (st_cancelled (task));
  group_case_clear (&gc);
}

static void
test_group_parent_cancelled_in_body (void)
{
  GroupCase gc = {
    .children = { { .value = 1, .delay = 10, .n_awaits = 1 } },
    .n_children = 1,
    .body_sleep = 10,
  };
  g_autoptr(AioTask) task = aio_task_new (group_body, &gc, NULL);

  aio_test_wait_for_flag (&gc.started, 5);
  aio_test_drain (NULL);
  aio_task_cancel (task, "stop the body");
  st_wait (AIO_FUTURE (task));
  st_settle ();

  g_assert_error (gc.body_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (gc.children[0].was_cancelled);
  g_assert_error (gc.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (gc.error->message, ==, "stop the body");
  g_assert_true (st_cancelled (task));
  group_case_clear (&gc);
}

/* Cancelled from outside, and a task fails while cancelling: the errors
 * win, and the parent gets its cancellation again at its next await.
 */
static void
test_group_parent_cancelled_and_task_fails (void)
{
  GroupCase gc = {
    .children = {
      { .value = 1, .delay = 10, .n_awaits = 1, .swallow = TRUE, .fail = TRUE },
      { .value = 2, .delay = 10, .n_awaits = 1 },
    },
    .n_children = 2,
  };
  g_autoptr(AioTask) task = aio_task_new (group_body, &gc, NULL);

  aio_test_wait_for_flag (&gc.waiting, 5);
  aio_test_drain (NULL);
  aio_task_cancel (task, "from outside");
  st_wait (AIO_FUTURE (task));
  st_settle ();

  g_assert_error (gc.error, AIO_ERROR, AIO_ERROR_MULTIPLE);
  g_assert_cmpuint (gc.n_errors, ==, 1);
  g_assert_cmpuint (gc.cancelling_after, ==, 1);
  g_assert_false (gc.later_await_ok);
  g_assert_error (gc.later_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  group_case_clear (&gc);
}

static void
test_group_task_cancelled_alone (void)
{
  GroupCase gc = {
    .children = {
      { .value = 1, .delay = 10, .n_awaits = 1 },
      { .value = 2, .delay = 0.003, .n_awaits = 1 },
    },
    .n_children = 2,
  };
  g_autoptr(AioTask) task = aio_task_new (group_body, &gc, NULL);
  GList *tasks, *l;

  aio_test_wait_for_flag (&gc.waiting, 5);
  aio_test_drain (NULL);
  tasks = aio_all_tasks (aio_loop_get_default ());
  for (l = tasks; l != NULL; l = l->next)
    if (g_strcmp0 (aio_task_get_name (l->data), "child-1") == 0)
      aio_task_cancel (l->data, NULL);
  g_list_free_full (tasks, g_object_unref);
  st_wait (AIO_FUTURE (task));

  /* A task cancelled on its own is no failure and stops nothing. */
  g_assert_no_error (gc.error);
  g_assert_false (gc.children[1].was_cancelled);
  g_assert_cmpuint (gc.n_errors, ==, 0);
  group_case_clear (&gc);
}

static void
count_destroy (gpointer data)
{
  (*(guint *) data)++;
}

static void
never_body (AioTask  *task,
            gpointer  data)
{
  g_error ("A task refused by its group ran");
}

typedef struct
{
  guint    destroyed;
  GError  *finished_error;
  GError  *add_error;
  GError  *aborting_error;
  GError  *wait_again_error;
  AioTask *refused;
} MisuseCase;

static void
misuse_body (AioTask  *task,
             gpointer  data)
{
  MisuseCase *mc = data;
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  StChild failing = { .value = 1, .fail = TRUE };
  StChild slow = { .value = 2, .delay = 10, .n_awaits = 1 };
  GError *error = NULL;

  aio_task_group_create_task (group, st_child_body, &failing, NULL, NULL);
  aio_task_group_create_task (group, st_child_body, &slow, NULL, NULL);
  /* The failure cancels this await; the group is now shutting down. */
  aio_await (aio_sleep (10), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (aio_task_group_create_task (group, never_body, &mc->destroyed, count_destroy,
                                             &mc->aborting_error));
  aio_await (aio_task_group_wait (group, error), NULL);
  g_clear_error (&error);

  g_assert_null (aio_task_group_create_task (group, never_body, &mc->destroyed, count_destroy,
                                             &mc->finished_error));
  mc->refused = aio_task_new (never_body, NULL, NULL);
  g_assert_false (aio_task_group_add_task (group, mc->refused, &mc->add_error));
  aio_await (aio_task_group_wait (group, NULL), &mc->wait_again_error);
}

static void
test_group_misuse (void)
{
  MisuseCase mc = { 0 };
  g_autoptr(AioTask) task = st_run (misuse_body, &mc);

  g_assert_error (mc.aborting_error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (mc.aborting_error->message, "shutting down"));
  g_assert_error (mc.finished_error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_assert_nonnull (strstr (mc.finished_error->message, "finished"));
  g_assert_cmpuint (mc.destroyed, ==, 2);
  /* A refused task is cancelled before its body could run. */
  g_assert_error (mc.add_error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (mc.refused)));
  g_assert_error (mc.wait_again_error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&mc.aborting_error);
  g_clear_error (&mc.finished_error);
  g_clear_error (&mc.add_error);
  g_clear_error (&mc.wait_again_error);
  g_clear_object (&mc.refused);
}

static void
test_group_other_loop_task (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  g_autoptr(AioTask) task = aio_task_new_full (aio_loop_get_for_context (context), NULL, 0,
                                               never_body, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_task_group_add_task (group, task, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  while (!aio_future_done (AIO_FUTURE (task)))
    g_main_context_iteration (context, TRUE);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
  g_object_unref (aio_task_group_wait (group, NULL));
}

/* A task of the group adds a sibling while the parent waits. */
typedef struct
{
  AioTaskGroup *group;
  StChild       late;
  guint         spawned;
} SpawnCase;

static void
spawner_body (AioTask  *task,
              gpointer  data)
{
  SpawnCase *sc = data;

  aio_yield (NULL);
  if (aio_task_group_create_task (sc->group, st_child_body, &sc->late, NULL, NULL) != NULL)
    sc->spawned++;
}

static void
spawn_parent_body (AioTask  *task,
                   gpointer  data)
{
  SpawnCase *sc = data;
  g_autoptr(GError) error = NULL;

  sc->group = aio_task_group_new ();
  aio_task_group_create_task (sc->group, spawner_body, sc, NULL, NULL);
  aio_await (aio_task_group_wait (sc->group, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sc->late.cleanups, ==, 1);
  g_clear_object (&sc->group);
}

static void
test_group_add_while_waiting (void)
{
  SpawnCase sc = { .late = { .value = 5, .delay = 0.002, .n_awaits = 1 } };
  g_autoptr(AioTask) task = st_run (spawn_parent_body, &sc);

  g_assert_cmpuint (sc.spawned, ==, 1);
  g_assert_false (st_cancelled (task));
}

/* Nested groups: a failure inside propagates out as one error. */
typedef struct
{
  StChild inner_children[2];
  StChild outer_sibling;
  GError *error;
  guint   n_errors;
} NestedCase;

static void
inner_group_body (AioTask  *task,
                  gpointer  data)
{
  NestedCase *nc = data;
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  GError *error = NULL;

  aio_task_group_create_task_full (group, "inner-1", 0, st_child_body, &nc->inner_children[0], NULL, NULL);
  aio_task_group_create_task_full (group, "inner-2", 0, st_child_body, &nc->inner_children[1], NULL, NULL);
  if (!aio_await (aio_task_group_wait (group, NULL), &error))
    aio_task_return_error (task, error);
}

static void
outer_group_body (AioTask  *task,
                  gpointer  data)
{
  NestedCase *nc = data;
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();

  aio_task_group_create_task_full (group, "runs-inner", 0, inner_group_body, nc, NULL, NULL);
  aio_task_group_create_task_full (group, "sibling", 0, st_child_body, &nc->outer_sibling, NULL, NULL);
  aio_await (aio_task_group_wait (group, NULL), &nc->error);
  nc->n_errors = aio_task_group_get_n_errors (group);
  if (nc->n_errors > 0)
    {
      const GError *inner = aio_task_group_get_error (group, 0);

      g_assert_error (inner, AIO_ERROR, AIO_ERROR_MULTIPLE);
      g_assert_cmpstr (aio_task_get_name (aio_task_group_get_failed_task (group, 0)), ==, "runs-inner");
    }
}

static void
test_group_nested_failure (void)
{
  NestedCase nc = {
    .inner_children = {
      { .value = 1, .delay = 0.001, .n_awaits = 1, .fail = TRUE },
      { .value = 2, .delay = 10, .n_awaits = 1 },
    },
    .outer_sibling = { .value = 3, .delay = 10, .n_awaits = 1 },
  };
  g_autoptr(AioTask) task = st_run (outer_group_body, &nc);

  g_assert_true (nc.inner_children[1].was_cancelled);
  g_assert_true (nc.outer_sibling.was_cancelled);
  g_assert_error (nc.error, AIO_ERROR, AIO_ERROR_MULTIPLE);
  g_assert_cmpuint (nc.n_errors, ==, 1);
  g_assert_nonnull (strstr (nc.error->message, "runs-inner"));
  g_assert_nonnull (strstr (nc.error->message, "inner-1"));
  g_clear_error (&nc.error);
}

static void
test_group_nested_cancel (void)
{
  NestedCase nc = {
    .inner_children = {
      { .value = 1, .delay = 10, .n_awaits = 1, .slow_cleanup = TRUE },
      { .value = 2, .delay = 10, .n_awaits = 1 },
    },
    .outer_sibling = { .value = 3, .delay = 10, .n_awaits = 1 },
  };
  g_autoptr(AioTask) task = aio_task_new (outer_group_body, &nc, NULL);

  while (nc.inner_children[1].runs == 0)
    g_main_context_iteration (NULL, TRUE);
  aio_test_drain (NULL);
  aio_task_cancel (task, NULL);
  st_wait (AIO_FUTURE (task));
  st_settle ();

  g_assert_true (nc.inner_children[0].was_cancelled);
  g_assert_true (nc.inner_children[1].was_cancelled);
  g_assert_true (nc.outer_sibling.was_cancelled);
  g_assert_error (nc.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (nc.n_errors, ==, 0);
  g_clear_error (&nc.error);
}

/* Stackless parent and children, as a language binding would run them. */
typedef struct
{
  AioTaskGroup *group;
  gint          sum;
  gint          values[2];
  GError       *error;
} StacklessCase;

static AioFuture *
stackless_child_step (AioTask   *task,
                      AioFuture *awaited,
                      gpointer   user_data)
{
  gint *value = user_data;

  if (awaited == NULL)
    return aio_sleep (0.001);
  if (aio_future_cancelled (awaited))
    aio_task_return_error (task, aio_future_dup_error (awaited));
  else
    aio_task_return_int (task, *value);
  return NULL;
}

static AioFuture *
stackless_parent_step (AioTask   *task,
                       AioFuture *awaited,
                       gpointer   user_data)
{
  StacklessCase *sc = user_data;
  guint i;

  if (awaited == NULL)
    {
      sc->group = aio_task_group_new ();
      for (i = 0; i < 2; i++)
        {
          g_autoptr(AioTask) child = aio_task_new_stackless (NULL, NULL, stackless_child_step,
                                                             &sc->values[i], NULL);

          g_assert_true (aio_task_group_add_task (sc->group, child, NULL));
        }
      return aio_task_group_wait (sc->group, NULL);
    }
  aio_future_propagate (awaited, &sc->error);
  return NULL;
}

static void
test_group_stackless (void)
{
  StacklessCase sc = { .values = { 4, 5 } };
  g_autoptr(AioTask) task = aio_task_new_stackless (NULL, NULL, stackless_parent_step, &sc, NULL);

  st_wait (AIO_FUTURE (task));
  g_assert_no_error (sc.error);
  g_assert_true (aio_future_done (AIO_FUTURE (task)));
  g_assert_cmpuint (aio_task_group_get_n_tasks (sc.group), ==, 0);
  g_clear_object (&sc.group);
}

/* No parent task: plain callbacks. */
static void
record_done (AioFuture *future,
             gpointer   user_data)
{
  *(AioFuture **) user_data = g_object_ref (future);
}

static void
test_group_callback_style (void)
{
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  StChild failing = { .value = 1, .delay = 0.001, .n_awaits = 1, .fail = TRUE };
  StChild slow = { .value = 2, .delay = 10, .n_awaits = 1 };
  g_autoptr(AioFuture) done = NULL;
  g_autoptr(GError) error = NULL;
  AioFuture *wait;

  g_assert_null (aio_task_group_get_parent (group));
  aio_task_group_create_task (group, st_child_body, &failing, NULL, NULL);
  aio_task_group_create_task (group, st_child_body, &slow, NULL, NULL);
  wait = aio_task_group_wait (group, NULL);
  aio_future_add_done_callback (wait, record_done, &done, NULL);
  g_object_unref (wait);
  while (done == NULL)
    g_main_context_iteration (NULL, TRUE);

  /* The first failure still cancels the rest. */
  g_assert_true (slow.was_cancelled);
  g_assert_false (aio_future_propagate (done, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_MULTIPLE);
}

static void
test_group_callback_style_cancel (void)
{
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  StChild slow = { .value = 2, .delay = 10, .n_awaits = 1, .slow_cleanup = TRUE };
  g_autoptr(AioFuture) wait = NULL;
  g_autoptr(GError) error = NULL;

  aio_task_group_create_task (group, st_child_body, &slow, NULL, NULL);
  wait = aio_task_group_wait (group, NULL);
  aio_test_drain (NULL);
  /* Cancelling the wait cancels the tasks, and waits for them. */
  g_assert_true (aio_future_cancel (wait, "no more"));
  g_assert_false (aio_future_done (wait));
  st_wait (wait);
  g_assert_cmpuint (slow.cleanups, ==, 1);
  g_assert_false (aio_future_propagate (wait, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "no more");
}

/* aio_task_group_cancel() from one of the group's tasks. */
typedef struct
{
  AioTaskGroup *group;
  StChild       slow;
  GError       *error;
  guint         cancelling_after;
} GroupCancelCase;

static void
canceller_body (AioTask  *task,
                gpointer  data)
{
  GroupCancelCase *gc = data;

  aio_yield (NULL);
  aio_task_group_cancel (gc->group);
  aio_task_group_cancel (gc->group);   /* idempotent */
}

static void
group_cancel_parent_body (AioTask  *task,
                          gpointer  data)
{
  GroupCancelCase *gc = data;
  GError *body_error = NULL;

  gc->group = aio_task_group_new ();
  aio_task_group_create_task (gc->group, st_child_body, &gc->slow, NULL, NULL);
  aio_task_group_create_task (gc->group, canceller_body, gc, NULL, NULL);
  aio_await (aio_sleep (10), &body_error);
  aio_await (aio_task_group_wait (gc->group, body_error), &gc->error);
  g_clear_error (&body_error);
  gc->cancelling_after = aio_task_cancelling (task);
  g_clear_object (&gc->group);
}

static void
test_group_cancel (void)
{
  GroupCancelCase gc = { .slow = { .value = 1, .delay = 10, .n_awaits = 1 } };
  g_autoptr(AioTask) task = st_run (group_cancel_parent_body, &gc);

  /* Ends without an error, and without the parent staying cancelled. */
  g_assert_no_error (gc.error);
  g_assert_true (gc.slow.was_cancelled);
  g_assert_cmpuint (gc.cancelling_after, ==, 0);
  g_assert_false (st_cancelled (task));
}

static void
test_group_destroyed_without_wait (void)
{
  AioTaskGroup *group = aio_task_group_new ();
  StChild failing = { .value = 1, .fail = TRUE };

  aio_task_group_create_task (group, st_child_body, &failing, NULL, NULL);
  g_object_unref (group);
  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING, "*without aio_task_group_wait*child 1 failed*");
  st_settle ();
  g_test_assert_expected_messages ();
}

static void
yield_body (AioTask  *task,
            gpointer  data)
{
  if (aio_yield (NULL))
    (*(guint *) data)++;
}

typedef struct
{
  guint   n;
  guint   done;
  GError *error;
} ManyCase;

static void
many_body (AioTask  *task,
           gpointer  data)
{
  ManyCase *mc = data;
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  guint i;

  for (i = 0; i < mc->n; i++)
    aio_task_group_create_task (group, yield_body, &mc->done, NULL, NULL);
  aio_await (aio_task_group_wait (group, NULL), &mc->error);
}

static void
test_group_many (void)
{
  ManyCase mc = { .n = st_many_tasks () };
  g_autoptr(AioTask) task = st_run (many_body, &mc);

  g_assert_no_error (mc.error);
  g_assert_cmpuint (mc.done, ==, mc.n);
}

typedef struct
{
  guint   n;
  guint   cancelled;
  GError *error;
  guint   n_errors;
} ManyFailCase;

static void
sleeper_body (AioTask  *task,
              gpointer  data)
{
  GError *error = NULL;

  if (!aio_await (aio_sleep (10), &error))
    {
      (*(guint *) data)++;
      aio_task_return_error (task, error);
    }
}

static void
failer_body (AioTask  *task,
             gpointer  data)
{
  aio_yield (NULL);
  aio_task_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "one of many"));
}

static void
many_fail_body (AioTask  *task,
                gpointer  data)
{
  ManyFailCase *mc = data;
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  guint i;

  for (i = 0; i < mc->n; i++)
    aio_task_group_create_task (group, i == mc->n / 2 ? failer_body : sleeper_body,
                                &mc->cancelled, NULL, NULL);
  aio_await (aio_task_group_wait (group, NULL), &mc->error);
  mc->n_errors = aio_task_group_get_n_errors (group);
}

static void
test_group_many_one_fails (void)
{
  ManyFailCase mc = { .n = st_many_tasks () };
  g_autoptr(AioTask) task = st_run (many_fail_body, &mc);
  g_autofree char *expected = g_strdup_printf ("1 of the %u tasks", mc.n);

  g_assert_error (mc.error, AIO_ERROR, AIO_ERROR_MULTIPLE);
  g_assert_nonnull (strstr (mc.error->message, expected));
  g_assert_cmpuint (mc.n_errors, ==, 1);
  g_assert_cmpuint (mc.cancelled, ==, mc.n - 1);
  g_clear_error (&mc.error);
}

static void
test_group_other_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  GroupCase gc = {
    .children = { { .value = 1, .delay = 0.001, .n_awaits = 1 } },
    .n_children = 1,
  };
  g_autoptr(AioTask) task = NULL;
  AioLoop *loop;

  g_main_context_push_thread_default (context);
  loop = aio_loop_get_thread_default ();
  task = aio_task_new_full (loop, NULL, 0, group_body, &gc, NULL);
  aio_loop_run_until_complete (loop, AIO_FUTURE (task), NULL);
  aio_test_drain (context);
  g_main_context_pop_thread_default (context);

  g_assert_no_error (gc.error);
  g_assert_cmpuint (gc.children[0].cleanups, ==, 1);
  group_case_clear (&gc);
}

/* Cancellation at every await of a group's life. */
typedef struct
{
  StChild  children[3];
  gboolean with_failure;
  GError  *error;
} GroupScenario;

static void
group_scenario (AioTask  *task,
                gpointer  data)
{
  GroupScenario *gs = data;
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  GError *body_error = NULL;
  GError *error = NULL;
  guint i;

  g_clear_error (&gs->error);
  for (i = 0; i < 3; i++)
    {
      gs->children[i].runs = gs->children[i].cleanups = 0;
      gs->children[i].was_cancelled = FALSE;
      aio_task_group_create_task (group, st_child_body, &gs->children[i], NULL, NULL);
    }
  if (st_await (aio_sleep (0), &body_error))
    st_await (aio_sleep (0.001), &body_error);
  st_await (aio_task_group_wait (group, body_error), &error);
  g_clear_error (&body_error);
  if (error == NULL)
    st_await (aio_sleep (0), &error);
  if (error != NULL)
    {
      gs->error = g_error_copy (error);
      aio_task_return_error (task, error);
    }
}

static void
group_scenario_check (AioTask  *root,
                      guint     cancel_at,
                      gpointer  data)
{
  GroupScenario *gs = data;
  guint i;

  for (i = 0; i < 3; i++)
    g_assert_cmpuint (gs->children[i].runs, ==, gs->children[i].cleanups);

  if (cancel_at == 0 && !gs->with_failure)
    g_assert_no_error (gs->error);
  else if (!gs->with_failure)
    {
      g_assert_error (gs->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_true (st_cancelled (root));
      g_assert_cmpuint (aio_task_cancelling (root), ==, 1);
    }
  else if (cancel_at == 0)
    {
      g_assert_error (gs->error, AIO_ERROR, AIO_ERROR_MULTIPLE);
      g_assert_cmpuint (aio_task_cancelling (root), ==, 0);
    }
  else
    {
      /* Whichever came first, the outer cancellation is never lost: the
       * root ends cancelled, or failed with the group's error while
       * still counting the request.
       */
      g_assert_nonnull (gs->error);
      g_assert_cmpuint (aio_task_cancelling (root), ==, 1);
      if (!st_cancelled (root))
        g_assert_error (gs->error, AIO_ERROR, AIO_ERROR_MULTIPLE);
    }
  g_clear_error (&gs->error);
}

static void
test_group_cancel_at_each_await (void)
{
  GroupScenario gs = {
    .children = {
      { .value = 1, .delay = 0.001, .n_awaits = 2 },
      { .value = 2, .delay = 0, .n_awaits = 3, .slow_cleanup = TRUE },
      { .value = 3, .delay = 0.002, .n_awaits = 1 },
    },
  };

  g_assert_cmpuint (st_cancel_at_each_await (group_scenario, group_scenario_check, &gs), ==, 3 + 6 + 1);
}

static void
test_group_cancel_at_each_await_with_failure (void)
{
  GroupScenario gs = {
    .children = {
      { .value = 1, .delay = 0.001, .n_awaits = 2, .fail = TRUE },
      { .value = 2, .delay = 0.003, .n_awaits = 3, .slow_cleanup = TRUE },
      { .value = 3, .delay = 0.002, .n_awaits = 1 },
    },
    .with_failure = TRUE,
  };

  /* The failure cancels the other children after a varying number of
   * their awaits.
   */
  st_plan.variable = TRUE;
  st_cancel_at_each_await (group_scenario, group_scenario_check, &gs);
  st_plan.variable = FALSE;
  g_assert_cmpuint (st_plan.n_cancelled_runs, >=, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/task-group/all-succeed", test_group_all_succeed);
  aio_test_add_func ("/aio/task-group/one-fails", test_group_one_fails);
  aio_test_add_func ("/aio/task-group/several-fail", test_group_several_fail);
  aio_test_add_func ("/aio/task-group/body-error", test_group_body_error);
  aio_test_add_func ("/aio/task-group/parent-cancelled-while-waiting", test_group_parent_cancelled_while_waiting);
  aio_test_add_func ("/aio/task-group/parent-cancelled-in-body", test_group_parent_cancelled_in_body);
  aio_test_add_func ("/aio/task-group/parent-cancelled-and-task-fails", test_group_parent_cancelled_and_task_fails);
  aio_test_add_func ("/aio/task-group/task-cancelled-alone", test_group_task_cancelled_alone);
  aio_test_add_func ("/aio/task-group/misuse", test_group_misuse);
  aio_test_add_func ("/aio/task-group/other-loop-task", test_group_other_loop_task);
  aio_test_add_func ("/aio/task-group/add-while-waiting", test_group_add_while_waiting);
  aio_test_add_func ("/aio/task-group/nested-failure", test_group_nested_failure);
  aio_test_add_func ("/aio/task-group/nested-cancel", test_group_nested_cancel);
  aio_test_add_func ("/aio/task-group/stackless", test_group_stackless);
  aio_test_add_func ("/aio/task-group/callback-style", test_group_callback_style);
  aio_test_add_func ("/aio/task-group/callback-style-cancel", test_group_callback_style_cancel);
  aio_test_add_func ("/aio/task-group/cancel", test_group_cancel);
  aio_test_add_func ("/aio/task-group/destroyed-without-wait", test_group_destroyed_without_wait);
  aio_test_add_func ("/aio/task-group/many", test_group_many);
  aio_test_add_func ("/aio/task-group/many-one-fails", test_group_many_one_fails);
  aio_test_add_func ("/aio/task-group/other-context", test_group_other_context);
  aio_test_add_func ("/aio/task-group/cancel-at-each-await", test_group_cancel_at_each_await);
  aio_test_add_func ("/aio/task-group/cancel-at-each-await-with-failure",
                     test_group_cancel_at_each_await_with_failure);

  return g_test_run ();
}

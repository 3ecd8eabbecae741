/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "aio-call-graph-private.h"
#include "aio-call-graph.h"
#include "aio-task-private.h"

/**
 * AioCallGraph:
 *
 * What a task awaits and who awaits it, captured at one moment: asyncio
 * 3.14's `FutureCallGraph`, from [method@Aio.Task.capture_call_graph].
 *
 * A task awaits a future directly, or through the futures that combine
 * others: [func@Aio.gather], [func@Aio.wait], [func@Aio.wait_for],
 * [func@Aio.shield], and the wait of an [class@Aio.TaskGroup]; a task that
 * owns a task group also counts as awaiting its tasks.  A graph follows
 * these edges up from its task to every task that waits on it
 * ([method@Aio.CallGraph.get_awaited_by]), and down to the tasks it waits
 * on ([method@Aio.CallGraph.get_awaited_tasks]).
 *
 * [method@Aio.Loop.print_tasks] prints the same edges as a tree of all the
 * pending tasks of a loop; with `AIO_DEBUG=sigusr1` in the environment,
 * sending the process `SIGUSR1` prints it to stderr.
 *
 * Since: 1.0
 */
struct _AioCallGraph
{
  gatomicrefcount  ref_count;
  AioFuture       *future;          /* (owned) */
  char            *via;             /* (owned) (nullable) */
  AioFuture       *awaiting;        /* (owned) (nullable) */
  gdouble          waiting_time;
  GPtrArray       *awaited_by;      /* (owned) (element-type AioCallGraph) */
  GPtrArray       *awaited_tasks;   /* (owned) (element-type AioTask) */
  char            *line;            /* (owned) the task as it was at capture */
};

G_DEFINE_BOXED_TYPE (AioCallGraph, aio_call_graph, aio_call_graph_ref, aio_call_graph_unref)

/* The core's loops print their tasks on SIGUSR1 through this layer. */
__attribute__((constructor)) static void
register_task_printer (void)
{
  _aio_loop_debug_print_tasks = aio_loop_print_tasks;
}

/* Past this many combinators or tasks in a row, a chain is cut short: no
 * real program nests deeper, and a cycle cannot hang the walk.
 */
#define MAX_DEPTH 64

static const AioWaiterOwnerFunc waiter_owner_funcs[] = {
  _aio_task_waiter_owner,
  _aio_gather_waiter_owner,
  _aio_task_group_waiter_owner,
  _aio_wait_for_waiter_owner,
  _aio_wait_waiter_owner,
  _aio_shield_waiter_owner,
};

static gboolean
waiter_owner (AioWaiter   *waiter,
              AioFuture  **owner,
              const char **via)
{
  for (gsize i = 0; i < G_N_ELEMENTS (waiter_owner_funcs); i++)
    if (waiter_owner_funcs[i] (waiter, owner, via))
      return TRUE;
  return FALSE;
}

typedef void (*AwaiterFunc) (AioTask    *awaiter,
                             const char *via,
                             gpointer    data);

/* Calls @func for each task waiting on @future, directly ("await") or
 * through combinators, whose names @path collects innermost first.
 */
static void
for_each_awaiter_in (AioFuture   *future,
                     GString     *path,
                     guint        depth,
                     AwaiterFunc  func,
                     gpointer     data)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  /* Another loop's waiter lists belong to its thread. */
  if (!_aio_loop_is_owner (priv->loop) || depth > MAX_DEPTH)
    return;

  for (AioLink *link = priv->waiters.head; link != NULL; link = link->next)
    {
      AioWaiter *waiter = _aio_waiter_from_link (link);
      AioFuture *owner;
      const char *via;
      gsize len = path->len;

      if (!waiter_owner (waiter, &owner, &via))
        continue;
      if (strcmp (via, "await") != 0)
        {
          if (path->len > 0)
            g_string_append (path, " in ");
          g_string_append (path, via);
        }
      if (_aio_future_priv (owner)->is_task)
        func (AIO_TASK (owner), path->len > 0 ? path->str : "await", data);
      else
        for_each_awaiter_in (owner, path, depth + 1, func, data);
      g_string_truncate (path, len);
    }
}

static void
for_each_awaiter (AioFuture   *future,
                  AwaiterFunc  func,
                  gpointer     data)
{
  g_autoptr(GString) path = g_string_new (NULL);

  for_each_awaiter_in (future, path, 0, func, data);
}

static const char *
task_state (AioTask *task)
{
  AioFuture *future = AIO_FUTURE (task);

  if (aio_future_cancelled (future))
    return "cancelled";
  if (_aio_future_is_done (future))
    return _aio_future_priv (future)->error != NULL ? "failed" : "finished";
  if (task == aio_current_task ())
    return "running";
  if (task->num_cancels_requested > 0)
    return "cancelling";
  if (task->fut_waiter != NULL)
    return "waiting";
  return "scheduled";
}

static gdouble
task_waiting_time (AioTask *task)
{
  if (task->fut_waiter == NULL || _aio_future_is_done (AIO_FUTURE (task)))
    return -1.0;
  return MAX (0, g_get_monotonic_time () - task->wait_since) / (gdouble) G_USEC_PER_SEC;
}

/* What a combinator's future is, or NULL for another future. */
static const char *
combinator_kind (AioFuture *future)
{
  const char *kind;

  if ((kind = _aio_gather_future_kind (future)) != NULL ||
      (kind = _aio_shield_future_kind (future)) != NULL ||
      (kind = _aio_wait_future_kind (future)) != NULL ||
      (kind = _aio_task_group_future_kind (future)) != NULL)
    return kind;
  return NULL;
}

static void
append_future (GString   *out,
               AioFuture *future)
{
  const char *kind = combinator_kind (future);

  if (AIO_IS_TASK (future))
    g_string_append_printf (out, "Task '%s'", aio_task_get_name (AIO_TASK (future)));
  else if (kind != NULL)
    g_string_append (out, kind);
  else
    g_string_append_printf (out, "%s %p", G_OBJECT_TYPE_NAME (future), (gpointer) future);
}

/* "Task 'name' (waiting 1.20 s on gather; created at file.c:12)" */
static void
append_task_line (GString *out,
                  AioTask *task)
{
  g_autofree char *origin = _aio_task_describe_origin (task);
  gdouble waiting = task_waiting_time (task);

  g_string_append_printf (out, "Task '%s' (%s", aio_task_get_name (task), task_state (task));
  if (waiting >= 0)
    {
      g_string_append_printf (out, " %.2f s on ", waiting);
      append_future (out, task->fut_waiter);
    }
  if (task->num_cancels_requested > 0 && task->fut_waiter != NULL)
    g_string_append_printf (out, ", %u cancel requests", task->num_cancels_requested);
  if (origin != NULL)
    g_string_append_printf (out, "; %s", origin);
  g_string_append_c (out, ')');
}

/* Capturing ------------------------------------------------------------ */

typedef struct
{
  AioCallGraph *graph;
  GHashTable   *on_path;   /* AioTask* being expanded, against cycles */
  guint         depth;
} CaptureUp;

static AioCallGraph *capture (AioTask    *task,
                              const char *via,
                              GHashTable *on_path,
                              guint       depth);

static void
add_awaited_by (AioTask    *awaiter,
                const char *via,
                gpointer    data)
{
  CaptureUp *up = data;

  if (g_hash_table_contains (up->on_path, awaiter))
    return;
  g_ptr_array_add (up->graph->awaited_by, capture (awaiter, via, up->on_path, up->depth + 1));
}

typedef struct
{
  AioTask *task;
  gboolean found;
} FindAwaited;

static void
match_awaiter (AioTask    *awaiter,
               const char *via,
               gpointer    data)
{
  FindAwaited *find = data;

  if (awaiter == find->task)
    find->found = TRUE;
}

/* The tasks of @task's loop that @task waits on. */
static GPtrArray *
awaited_tasks_of (AioTask *task)
{
  GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);

  for (AioLink *link = task->loop->tasks.tail; link != NULL; link = link->prev)
    {
      AioTask *other = _aio_task_from_all_link (link);
      FindAwaited find = { task, FALSE };

      for_each_awaiter (AIO_FUTURE (other), match_awaiter, &find);
      if (find.found)
        g_ptr_array_add (tasks, g_object_ref (other));
    }
  return tasks;
}

static AioCallGraph *
capture (AioTask    *task,
         const char *via,
         GHashTable *on_path,
         guint       depth)
{
  AioCallGraph *graph = g_new0 (AioCallGraph, 1);
  CaptureUp up = { graph, on_path, depth };

  g_atomic_ref_count_init (&graph->ref_count);
  graph->future = g_object_ref (AIO_FUTURE (task));
  graph->via = g_strdup (via);
  graph->waiting_time = task_waiting_time (task);
  if (graph->waiting_time >= 0)
    graph->awaiting = g_object_ref (task->fut_waiter);
  graph->awaited_by = g_ptr_array_new_with_free_func ((GDestroyNotify) aio_call_graph_unref);
  graph->awaited_tasks = awaited_tasks_of (task);
  {
    GString *line = g_string_new (NULL);

    append_task_line (line, task);
    graph->line = g_string_free (line, FALSE);
  }

  if (depth < MAX_DEPTH)
    {
      g_hash_table_add (on_path, task);
      for_each_awaiter (AIO_FUTURE (task), add_awaited_by, &up);
      g_hash_table_remove (on_path, task);
    }
  return graph;
}

/**
 * aio_task_capture_call_graph:
 * @task: an [class@Aio.Task]
 *
 * Captures what @task awaits and which tasks await it, as asyncio 3.14's
 * `capture_call_graph()`: the graph's future is @task, its awaited-by list
 * holds a graph for each task waiting on @task (directly or through
 * [func@Aio.gather], [func@Aio.wait], [func@Aio.wait_for],
 * [func@Aio.shield] or a task group), each with its own awaited-by list up
 * to tasks nobody awaits.
 *
 * Call it from the thread of @task's loop, for instance from a task, a
 * callback or a signal handler of that loop.
 *
 * Returns: (transfer full) (nullable): the call graph, or %NULL (with a
 *   critical warning) when called from another thread
 *
 * Since: 1.0
 */
AioCallGraph *
aio_task_capture_call_graph (AioTask *task)
{
  g_autoptr(GHashTable) on_path = NULL;

  g_return_val_if_fail (AIO_IS_TASK (task), NULL);

  if (!_aio_loop_is_owner (task->loop))
    {
      g_critical ("aio_task_capture_call_graph() must be called from the thread that runs the task's loop");
      return NULL;
    }
  on_path = g_hash_table_new (NULL, NULL);
  return capture (task, NULL, on_path, 0);
}

/**
 * aio_call_graph_ref:
 * @self: an [struct@Aio.CallGraph]
 *
 * Adds a reference to @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
AioCallGraph *
aio_call_graph_ref (AioCallGraph *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * aio_call_graph_unref:
 * @self: (transfer full): an [struct@Aio.CallGraph]
 *
 * Drops a reference; the last one frees @self and the graphs it holds.
 *
 * Since: 1.0
 */
void
aio_call_graph_unref (AioCallGraph *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_object_unref (self->future);
  g_clear_object (&self->awaiting);
  g_free (self->via);
  g_ptr_array_unref (self->awaited_by);
  g_ptr_array_unref (self->awaited_tasks);
  g_free (self->line);
  g_free (self);
}

/**
 * aio_call_graph_get_future:
 * @self: an [struct@Aio.CallGraph]
 *
 * The task this graph describes.
 *
 * Returns: (transfer none): the task this graph is about
 *
 * Since: 1.0
 */
AioFuture *
aio_call_graph_get_future (AioCallGraph *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->future;
}

/**
 * aio_call_graph_get_via:
 * @self: an [struct@Aio.CallGraph]
 *
 * How the task of @self waits on the task of the graph whose awaited-by
 * list holds @self: `"await"` when it awaits it directly, else the
 * combinators in between, innermost first, such as `"gather"`,
 * `"task group"` or `"gather in wait_for"`.
 *
 * Returns: (nullable): the path, or %NULL for the graph
 *   [method@Aio.Task.capture_call_graph] returned
 *
 * Since: 1.0
 */
const char *
aio_call_graph_get_via (AioCallGraph *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->via;
}

/**
 * aio_call_graph_get_awaiting:
 * @self: an [struct@Aio.CallGraph]
 *
 * What the task was waiting on: a task, a combinator's future (such as
 * the one [func@Aio.gather] returns) or any other future.
 *
 * Returns: (transfer none) (nullable): the future the task was suspended
 *   on when the graph was captured, or %NULL if it was not waiting
 *
 * Since: 1.0
 */
AioFuture *
aio_call_graph_get_awaiting (AioCallGraph *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->awaiting;
}

/**
 * aio_call_graph_get_waiting_time:
 * @self: an [struct@Aio.CallGraph]
 *
 * How long the task had been waiting on
 * [method@Aio.CallGraph.get_awaiting] when the graph was captured,
 * measured from the loop iteration in which it began to wait.
 *
 * Returns: seconds, or -1 if the task was not waiting
 *
 * Since: 1.0
 */
gdouble
aio_call_graph_get_waiting_time (AioCallGraph *self)
{
  g_return_val_if_fail (self != NULL, -1.0);

  return self->waiting_time;
}

/**
 * aio_call_graph_get_awaited_by:
 * @self: an [struct@Aio.CallGraph]
 *
 * The tasks waiting on this graph's task, each as a graph of its own
 * whose [method@Aio.CallGraph.get_via] tells how it waits.
 *
 * Returns: (transfer none) (element-type AioCallGraph): the graphs, oldest
 *   waiter first
 *
 * Since: 1.0
 */
GPtrArray *
aio_call_graph_get_awaited_by (AioCallGraph *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->awaited_by;
}

/**
 * aio_call_graph_get_awaited_tasks:
 * @self: an [struct@Aio.CallGraph]
 *
 * The pending tasks this graph's task waits on, directly or through
 * combinators, and those of the task groups it owns.
 *
 * Returns: (transfer none) (element-type AioTask): the tasks, oldest first
 *
 * Since: 1.0
 */
GPtrArray *
aio_call_graph_get_awaited_tasks (AioCallGraph *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->awaited_tasks;
}

static void
format_graph (GString      *out,
              AioCallGraph *graph,
              guint         indent)
{
  g_string_append_printf (out, "%*s* ", indent, "");
  if (graph->via != NULL)
    g_string_append_printf (out, "[%s] ", graph->via);
  g_string_append (out, graph->line);
  g_string_append_c (out, '\n');
  if (indent == 0 && graph->awaited_tasks->len > 0)
    {
      g_string_append_printf (out, "  awaits %u task%s:", graph->awaited_tasks->len,
                              graph->awaited_tasks->len == 1 ? "" : "s");
      for (guint i = 0; i < graph->awaited_tasks->len; i++)
        g_string_append_printf (out, "%s '%s'", i == 0 ? "" : ",",
                                aio_task_get_name (g_ptr_array_index (graph->awaited_tasks, i)));
      g_string_append_c (out, '\n');
    }
  if (graph->awaited_by->len > 0)
    {
      g_string_append_printf (out, "%*s  awaited by:\n", indent, "");
      for (guint i = 0; i < graph->awaited_by->len; i++)
        format_graph (out, g_ptr_array_index (graph->awaited_by, i), indent + 4);
    }
}

/**
 * aio_call_graph_to_string:
 * @self: an [struct@Aio.CallGraph]
 *
 * Formats @self for people, as asyncio's `format_call_graph()`: the task
 * with its state, what it awaits and for how long, and where it was
 * created, all as they were when @self was captured; the tasks it awaits;
 * then the tasks awaiting it, indented:
 *
 * ```
 * * Task 'fetch-2' (waiting 3.02 s on AioFuture 0x55d0c8a0; created by fetch_all)
 *   awaited by:
 *     * [gather in wait_for] Task 'main' (waiting 3.02 s on wait_for; ...)
 * ```
 *
 * Returns: (transfer full): the text, ending in a newline
 *
 * Since: 1.0
 */
char *
aio_call_graph_to_string (AioCallGraph *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  format_graph (out, self, 0);
  return g_string_free (out, FALSE);
}

/* The tree of a loop's tasks ------------------------------------------ */

typedef struct
{
  AioTask *task;   /* (unowned) held by the loop's task list */
  char    *via;    /* (owned) */
} Edge;

static void
edge_clear (gpointer data)
{
  g_free (((Edge *) data)->via);
}

typedef struct
{
  GHashTable *children;   /* AioTask* -> GArray of Edge */
  AioTask    *child;
  guint       n_awaiters;
} Tree;

static void
add_child (AioTask    *awaiter,
           const char *via,
           gpointer    data)
{
  Tree *tree = data;
  GArray *edges = g_hash_table_lookup (tree->children, awaiter);
  Edge edge = { tree->child, g_strdup (via) };

  if (edges == NULL)
    {
      edges = g_array_new (FALSE, FALSE, sizeof (Edge));
      g_array_set_clear_func (edges, edge_clear);
      g_hash_table_insert (tree->children, awaiter, edges);
    }
  g_array_append_val (edges, edge);
  tree->n_awaiters++;
}

static void
print_subtree (GString    *out,
               Tree       *tree,
               AioTask    *task,
               GString    *prefix,
               GHashTable *on_path)
{
  GArray *edges = g_hash_table_lookup (tree->children, task);

  if (edges == NULL || g_hash_table_size (on_path) >= MAX_DEPTH)
    return;
  g_hash_table_add (on_path, task);
  for (guint i = 0; i < edges->len; i++)
    {
      Edge *edge = &g_array_index (edges, Edge, i);
      gboolean last = i + 1 == edges->len;
      gsize len = prefix->len;

      g_string_append_printf (out, "%s%s[%s] ", prefix->str, last ? "└── " : "├── ", edge->via);
      append_task_line (out, edge->task);
      g_string_append_c (out, '\n');
      if (g_hash_table_contains (on_path, edge->task))
        continue;
      g_string_append (prefix, last ? "    " : "│   ");
      print_subtree (out, tree, edge->task, prefix, on_path);
      g_string_truncate (prefix, len);
    }
  g_hash_table_remove (on_path, task);
}

/**
 * aio_loop_format_tasks:
 * @loop: (nullable): an [class@Aio.Loop], or %NULL for the running loop or,
 *   outside one, the thread-default loop
 *
 * Formats the pending tasks of @loop as a tree, as the `asyncio pstree`
 * tool of Python 3.14 shows them: each task nobody awaits is a root, and
 * under each task are the tasks it waits on, with how it waits on them
 * (`[await]`, `[gather]`, `[task group]`, ...), their state, what they
 * await and for how long, and where they were created:
 *
 * ```
 * 3 pending tasks on loop 0x5581c7a0:
 * Task 'main' (waiting 2.01 s on gather; created by main)
 * ├── [gather] Task 'fetch-1' (waiting 2.01 s on AioFuture 0x5581c9e0; created by main_body)
 * └── [gather] Task 'fetch-2' (scheduled; created by main_body)
 * ```
 *
 * Call it from the loop's thread.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL (with a critical
 *   warning) from another thread
 *
 * Since: 1.0
 */
char *
aio_loop_format_tasks (AioLoop *loop)
{
  g_autoptr(GHashTable) children = NULL;
  g_autoptr(GHashTable) has_awaiter = NULL;
  g_autoptr(GHashTable) on_path = NULL;
  g_autoptr(GString) prefix = NULL;
  Tree tree;
  GString *out;

  g_return_val_if_fail (loop == NULL || AIO_IS_LOOP (loop), NULL);

  if (loop == NULL)
    loop = _aio_loop_get_current ();
  if (!_aio_loop_is_owner (loop))
    {
      g_critical ("aio_loop_format_tasks() must be called from the thread that runs the loop");
      return NULL;
    }

  children = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  has_awaiter = g_hash_table_new (NULL, NULL);
  tree.children = children;
  /* Oldest first, so the tree reads in the order the tasks began. */
  for (AioLink *link = loop->tasks.tail; link != NULL; link = link->prev)
    {
      tree.child = _aio_task_from_all_link (link);
      tree.n_awaiters = 0;
      for_each_awaiter (AIO_FUTURE (tree.child), add_child, &tree);
      if (tree.n_awaiters > 0)
        g_hash_table_add (has_awaiter, tree.child);
    }

  out = g_string_new (NULL);
  g_string_append_printf (out, "%u pending task%s on loop %p:\n", loop->n_tasks,
                          loop->n_tasks == 1 ? "" : "s", (gpointer) loop);
  on_path = g_hash_table_new (NULL, NULL);
  prefix = g_string_new (NULL);
  for (AioLink *link = loop->tasks.tail; link != NULL; link = link->prev)
    {
      AioTask *task = _aio_task_from_all_link (link);

      if (g_hash_table_contains (has_awaiter, task))
        continue;
      append_task_line (out, task);
      g_string_append_c (out, '\n');
      print_subtree (out, &tree, task, prefix, on_path);
    }
  return g_string_free (out, FALSE);
}

/**
 * aio_loop_print_tasks:
 * @loop: (nullable): an [class@Aio.Loop], or %NULL for the running loop or,
 *   outside one, the thread-default loop
 * @stream: (nullable): where to write, or %NULL for stderr
 * @error: return location for a #GError
 *
 * Writes [method@Aio.Loop.format_tasks] to @stream, blocking until it is
 * written.  Call it from the loop's thread.
 *
 * Returns: %TRUE, or %FALSE with @error set if writing failed
 *
 * Since: 1.0
 */
gboolean
aio_loop_print_tasks (AioLoop        *loop,
                      GOutputStream  *stream,
                      GError        **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (loop == NULL || AIO_IS_LOOP (loop), FALSE);
  g_return_val_if_fail (stream == NULL || G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = aio_loop_format_tasks (loop);
  if (text == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "The tasks of a loop can only be listed from its thread");
      return FALSE;
    }
  if (stream == NULL)
    {
      fputs (text, stderr);
      fflush (stderr);
      return TRUE;
    }
  return g_output_stream_write_all (stream, text, strlen (text), NULL, NULL, error);
}

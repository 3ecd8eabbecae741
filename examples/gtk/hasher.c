/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* aio-gtk-hasher [--folder DIR] [--jobs N] [--start] [--cancel-after SECONDS]
 *                [--quit-when-done] [--screenshot FILE.png]
 *
 * A GTK 4 folder hasher on aio-glib: it lists a folder (and its
 * subfolders) with aio_file_enumerate(), then hashes every file with
 * SHA-256 in a task group, at most N files at once (a semaphore), each
 * read in 64 KiB chunks through an AioStreamReader.  Every task is a C
 * coroutine on GTK's own main context: the window stays responsive
 * because each chunk is one short step.  Cancel cancels the task group
 * mid-flight.  A frame-clock tick callback records the longest frame while
 * the job runs.
 *
 * When a job ends it prints, like sha256sum, "HASH  PATH" for each file
 * hashed (paths relative to the folder, sorted), then
 * "hashed N of M files, B bytes" or "cancelled: hashed N of M files, B
 * bytes", then "longest frame: X ms (F frames)".  The app.start and
 * app.cancel actions do what the buttons do; the options drive them from
 * the command line, for tests.  --screenshot saves the window as PNG once
 * the job has ended.
 *
 * examples/gtk/hasher.py is the same application in Python.
 */

#include <stdio.h>
#include <string.h>

#include <gtk/gtk.h>
#include <aio-glib.h>

#define CHUNK_SIZE (64 * 1024)

typedef struct _Hasher Hasher;

typedef struct
{
  Hasher        *hasher;
  GFile         *file;       /* (owned) */
  char          *path;       /* (owned) relative to the folder */
  goffset        size;
  goffset        done;
  goffset        shown;      /* what its progress bar shows */
  char          *digest;     /* (owned) (nullable) until hashed */
  GtkProgressBar *bar;       /* (unowned) in the list */
  GtkLabel      *result;     /* (unowned) */
} Entry;

struct _Hasher
{
  GtkApplication *app;
  GtkWindow      *window;
  GtkLabel       *status;
  GtkProgressBar *overall;
  GtkListBox     *list;
  GtkLabel       *frames;
  GtkWidget      *start_button;
  GtkWidget      *cancel_button;

  char           *folder;
  gint            jobs;
  gboolean        start_at_once;
  gdouble         cancel_after;
  gboolean        quit_when_done;
  char           *screenshot;

  AioTask        *job;         /* (owned) (nullable) while a job runs */
  AioSemaphore   *slots;       /* (owned) (nullable) files hashed at once */
  gboolean        closed;      /* the window is gone: no more widget updates */
  GPtrArray      *entries;     /* (owned) (element-type Entry) */
  goffset         total_bytes;
  goffset         hashed_bytes;
  guint           n_hashed;

  gint64          last_frame;  /* frame clock µs, 0 before the first */
  gint64          longest_frame;
  guint           n_frames;
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_object_unref (entry->file);
  g_free (entry->path);
  g_free (entry->digest);
  g_free (entry);
}

static void
update_overall (Hasher *self)
{
  g_autofree char *text = NULL;

  if (self->total_bytes > 0)
    gtk_progress_bar_set_fraction (self->overall, (double) self->hashed_bytes / self->total_bytes);
  text = g_strdup_printf ("Hashed %u of %u files, %" G_GOFFSET_FORMAT " of %" G_GOFFSET_FORMAT " bytes",
                          self->n_hashed, self->entries->len, self->hashed_bytes, self->total_bytes);
  gtk_label_set_text (self->status, text);
}

/* The regular files under @dir, recursively, each an Entry. */
static gboolean
list_folder (Hasher      *self,
             GFile       *root,
             GFile       *dir,
             GError     **error)
{
  g_autoptr(AioAsyncGenerator) entries =
    aio_file_enumerate (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                        G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, 0);
  g_auto(GValue) value = G_VALUE_INIT;

  while (aio_async_generator_iterate (entries, &value, error))
    {
      GFileInfo *info = g_value_get_object (&value);
      g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!list_folder (self, root, child, error))
            return FALSE;
        }
      else if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
        {
          Entry *entry = g_new0 (Entry, 1);

          entry->hasher = self;
          entry->file = g_steal_pointer (&child);
          entry->path = g_file_get_relative_path (root, entry->file);
          entry->size = g_file_info_get_size (info);
          g_ptr_array_add (self->entries, entry);
          self->total_bytes += entry->size;
        }
      g_value_unset (&value);
    }
  return *error == NULL;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  return strcmp ((*(Entry **) a)->path, (*(Entry **) b)->path);
}

static void
add_row (Hasher *self,
         Entry  *entry)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (entry->path);
  GtkWidget *bar = gtk_progress_bar_new ();
  GtkWidget *result = gtk_label_new ("");

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_width_chars (GTK_LABEL (name), 18);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (bar, 140, -1);
  gtk_label_set_xalign (GTK_LABEL (result), 0);
  gtk_label_set_width_chars (GTK_LABEL (result), 20);
  gtk_label_set_ellipsize (GTK_LABEL (result), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (result, TRUE);
  gtk_widget_add_css_class (result, "monospace");
  gtk_box_append (GTK_BOX (row), name);
  gtk_box_append (GTK_BOX (row), bar);
  gtk_box_append (GTK_BOX (row), result);
  gtk_list_box_append (self->list, row);
  entry->bar = GTK_PROGRESS_BAR (bar);
  entry->result = GTK_LABEL (result);
}

/* What a worker hashes: its own copy of the checksum so far, and the
 * chunk.  A task cancelled while the worker runs resumes at once, so the
 * worker shares nothing with it; the executor frees what it returns.
 */
typedef struct
{
  GChecksum *state;   /* (owned) (nullable) until handed back */
  GBytes    *chunk;   /* (owned) */
} HashJob;

static void
hash_job_free (gpointer data)
{
  HashJob *job = data;

  g_clear_pointer (&job->state, g_checksum_free);
  g_bytes_unref (job->chunk);
  g_free (job);
}

/* Runs on a worker thread: the loop's thread only reads and draws. */
static gpointer
hash_chunk (GCancellable  *cancellable,
            gpointer       data,
            GError       **error)
{
  HashJob *job = data;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (job->chunk, &len);

  g_checksum_update (job->state, bytes, len);
  return g_steal_pointer (&job->state);
}

/* One file: its SHA-256, 64 KiB at a time, the semaphore held meanwhile.
 * A read may well be done at once (the reader reads ahead), so awaiting
 * it does not always let the loop turn: the hashing, which is what takes
 * time, is awaited on a worker thread instead, with aio_to_thread().
 */
static void
hash_body (AioTask  *task,
           gpointer  data)
{
  Entry *entry = data;
  Hasher *self = entry->hasher;
  g_autoptr(AioSemaphoreGuard) slot = NULL;
  g_autoptr(AioStreamReader) reader = NULL;
  GChecksum *checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) error = NULL;

  slot = aio_semaphore_acquire_guard (self->slots, &error);
  if (slot == NULL)
    goto out;
  reader = aio_await_object (aio_file_open_reader (entry->file), &error);
  if (reader == NULL)
    goto out;

  for (;;)
    {
      g_autoptr(GBytes) chunk = aio_await_boxed (aio_stream_reader_read (reader, CHUNK_SIZE), &error);
      HashJob *job;
      GChecksum *next;
      gsize len;

      if (chunk == NULL)
        goto out;
      len = g_bytes_get_size (chunk);
      if (len == 0)
        break;
      job = g_new0 (HashJob, 1);
      job->state = g_checksum_copy (checksum);
      job->chunk = g_bytes_ref (chunk);
      next = aio_await_pointer (aio_to_thread (hash_chunk, job, (GDestroyNotify) g_checksum_free,
                                               hash_job_free), &error);
      if (next == NULL)
        goto out;
      g_checksum_free (checksum);
      checksum = next;
      /* The widgets show it at the next frame (see on_tick()). */
      entry->done += len;
      self->hashed_bytes += len;
    }

  entry->digest = g_strdup (g_checksum_get_string (checksum));
  self->n_hashed++;
  if (!self->closed)
    {
      gtk_label_set_text (entry->result, entry->digest);
      gtk_progress_bar_set_fraction (entry->bar, 1);   /* even for an empty file */
    }

out:
  g_checksum_free (checksum);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->closed)
        gtk_label_set_text (entry->result, error->message);
      aio_task_return_error (task, g_steal_pointer (&error));
    }
}

/* The job: list, then hash in a task group. */
static void
job_body (AioTask  *task,
          gpointer  data)
{
  Hasher *self = data;
  g_autoptr(GFile) root = g_file_new_for_commandline_arg (self->folder);
  g_autoptr(AioTaskGroup) group = NULL;
  g_autoptr(GError) error = NULL;

  gtk_label_set_text (self->status, "Listing the folder…");
  if (!list_folder (self, root, root, &error))
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_sort (self->entries, compare_entries);
  for (guint i = 0; i < self->entries->len; i++)
    add_row (self, g_ptr_array_index (self->entries, i));
  update_overall (self);

  group = aio_task_group_new ();
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      aio_task_group_create_task_full (group, entry->path, 0, hash_body, entry, NULL, NULL);
    }
  if (!aio_await (aio_task_group_join (group), &error))
    aio_task_return_error (task, g_steal_pointer (&error));
}

/* Progress is drawn once per frame, however many chunks were read. */
static void
update_progress (Hasher *self)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->bar != NULL && entry->shown != entry->done)
        {
          entry->shown = entry->done;
          gtk_progress_bar_set_fraction (entry->bar, entry->size > 0 ? (double) entry->done / entry->size : 1);
        }
    }
  update_overall (self);
}

static void
save_screenshot (Hasher *self)
{
  GtkWidget *widget = GTK_WIDGET (self->window);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_printerr ("aio-gtk-hasher: nothing to take a screenshot of\n");
      return;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (self->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, self->screenshot))
    g_printerr ("aio-gtk-hasher: could not save %s\n", self->screenshot);
}

static void
report (Hasher   *self,
        gboolean  cancelled,
        GError   *error)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->digest != NULL)
        printf ("%s  %s\n", entry->digest, entry->path);
    }
  if (error != NULL && !cancelled)
    printf ("error: %s\n", error->message);
  printf ("%shashed %u of %u files, %" G_GOFFSET_FORMAT " bytes\n", cancelled ? "cancelled: " : "",
          self->n_hashed, self->entries->len, self->hashed_bytes);
  printf ("longest frame: %.1f ms (%u frames)\n", self->longest_frame / 1000.0, self->n_frames);
  fflush (stdout);
}

static gboolean
finish_later (gpointer data)
{
  Hasher *self = data;

  if (self->screenshot != NULL)
    save_screenshot (self);
  if (self->quit_when_done)
    g_application_quit (G_APPLICATION (self->app));
  return G_SOURCE_REMOVE;
}

static void
job_done (AioFuture *future,
          gpointer   data)
{
  Hasher *self = data;
  g_autoptr(GError) error = NULL;
  gboolean cancelled = aio_future_cancelled (future);

  aio_future_propagate (future, &error);
  report (self, cancelled, error);
  g_clear_object (&self->job);
  if (self->closed)
    return;
  update_progress (self);
  if (cancelled || error != NULL)
    gtk_label_set_text (self->status, cancelled ? "Cancelled" : error->message);
  gtk_widget_set_sensitive (self->start_button, TRUE);
  gtk_widget_set_sensitive (self->cancel_button, FALSE);
  /* A few frames later, so the window shows the final state. */
  g_timeout_add (200, finish_later, self);
}

static gboolean cancel_later (gpointer data);


static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  Hasher *self = data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  /* --start waits for the window to be on screen, as a user would. */
  if (self->start_at_once && ++self->n_frames >= 3)
    {
      self->start_at_once = FALSE;
      g_action_group_activate_action (G_ACTION_GROUP (self->app), "start", NULL);
      if (self->cancel_after >= 0)
        g_timeout_add ((guint) (self->cancel_after * 1000), cancel_later, self);
    }
  else if (self->job != NULL)
    update_progress (self);
  if (self->job != NULL && self->last_frame != 0)
    {
      gint64 frame = now - self->last_frame;
      g_autofree char *text = NULL;

      self->n_frames++;
      if (frame > self->longest_frame)
        {
          self->longest_frame = frame;
          text = g_strdup_printf ("Longest frame while hashing: %.1f ms", frame / 1000.0);
          gtk_label_set_text (self->frames, text);
        }
    }
  self->last_frame = now;
  return G_SOURCE_CONTINUE;
}

static void
start_job (Hasher *self)
{
  GtkWidget *row;

  if (self->job != NULL)
    return;
  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, row);
  g_ptr_array_set_size (self->entries, 0);
  self->total_bytes = self->hashed_bytes = 0;
  self->n_hashed = 0;
  self->longest_frame = 0;
  self->n_frames = 0;
  g_clear_object (&self->slots);
  self->slots = aio_semaphore_new (self->jobs);

  self->job = aio_task_new_full (NULL, "hash-folder", 0, job_body, self, NULL);
  aio_future_add_done_callback (AIO_FUTURE (self->job), job_done, self, NULL);
  gtk_widget_set_sensitive (self->start_button, FALSE);
  gtk_widget_set_sensitive (self->cancel_button, TRUE);
}

static void
on_start (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       data)
{
  start_job (data);
}

static void
on_cancel (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       data)
{
  Hasher *self = data;

  if (self->job != NULL)
    aio_task_cancel (self->job, "cancelled from the window");
}

static gboolean
cancel_later (gpointer data)
{
  Hasher *self = data;

  g_action_group_activate_action (G_ACTION_GROUP (self->app), "cancel", NULL);
  return G_SOURCE_REMOVE;
}

/* Closing the window mid-job cancels the job; the tasks unwind on the
 * loop's next turns, after the widgets are gone. */
static gboolean
on_close_request (GtkWindow *window,
                  gpointer   data)
{
  Hasher *self = data;

  self->closed = TRUE;
  if (self->job != NULL)
    aio_task_cancel (self->job, "the window was closed");
  return FALSE;
}

static void
build_window (Hasher *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *folder = gtk_label_new (self->folder);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->window = GTK_WINDOW (gtk_application_window_new (self->app));
  gtk_window_set_title (self->window, "aio-glib folder hasher");
  gtk_window_set_default_size (self->window, 720, 480);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (folder), 0);
  gtk_label_set_ellipsize (GTK_LABEL (folder), PANGO_ELLIPSIZE_START);
  gtk_widget_set_hexpand (folder, TRUE);
  self->start_button = gtk_button_new_with_label ("Start");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->start_button), "app.start");
  self->cancel_button = gtk_button_new_with_label ("Cancel");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->cancel_button), "app.cancel");
  gtk_widget_set_sensitive (self->cancel_button, FALSE);
  gtk_box_append (GTK_BOX (buttons), folder);
  gtk_box_append (GTK_BOX (buttons), self->start_button);
  gtk_box_append (GTK_BOX (buttons), self->cancel_button);

  self->overall = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  self->status = GTK_LABEL (gtk_label_new ("Press Start to hash the folder"));
  gtk_label_set_xalign (self->status, 0);
  self->frames = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->frames, 0);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));
  gtk_widget_set_vexpand (scroller, TRUE);

  gtk_box_append (GTK_BOX (box), buttons);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->overall));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->frames));
  gtk_window_set_child (self->window, box);
  gtk_widget_add_tick_callback (GTK_WIDGET (self->window), on_tick, self, NULL);
  g_signal_connect (self->window, "close-request", G_CALLBACK (on_close_request), self);
}

static void
on_activate (GApplication *app,
             gpointer      data)
{
  Hasher *self = data;

  if (self->window == NULL)
    build_window (self);
  gtk_window_present (self->window);
}

int
main (int   argc,
      char *argv[])
{
  Hasher self = { 0 };
  g_autofree char *folder = NULL;
  g_autofree char *screenshot = NULL;
  GOptionEntry entries[] = {
    { "folder", 0, 0, G_OPTION_ARG_FILENAME, &folder, "The folder to hash (default: the current one)", "DIR" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &self.jobs, "Files hashed at once (default 4)", "N" },
    { "start", 0, 0, G_OPTION_ARG_NONE, &self.start_at_once, "Start hashing at once", NULL },
    { "cancel-after", 0, 0, G_OPTION_ARG_DOUBLE, &self.cancel_after, "Cancel the job after SECONDS", "SECONDS" },
    { "quit-when-done", 0, 0, G_OPTION_ARG_NONE, &self.quit_when_done, "Quit once the job has ended", NULL },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &screenshot, "Save the window as PNG when the job ends", "FILE" },
    { NULL }
  };
  const GActionEntry actions[] = {
    { .name = "start", .activate = on_start },
    { .name = "cancel", .activate = on_cancel },
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- hash a folder's files concurrently");
  g_autoptr(GError) error = NULL;
  int status;

  self.jobs = 4;
  self.cancel_after = -1;
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("aio-gtk-hasher: %s\n", error->message);
      return 2;
    }
  if (self.jobs < 1)
    {
      g_printerr ("aio-gtk-hasher: --jobs takes at least 1\n");
      return 2;
    }
  self.folder = folder != NULL ? folder : g_get_current_dir ();
  self.screenshot = screenshot;
  self.entries = g_ptr_array_new_with_free_func (entry_free);

  self.app = gtk_application_new ("org.aioglib.Hasher", G_APPLICATION_NON_UNIQUE);
  g_action_map_add_action_entries (G_ACTION_MAP (self.app), actions, G_N_ELEMENTS (actions), &self);
  g_signal_connect (self.app, "activate", G_CALLBACK (on_activate), &self);
  /* The options were parsed above; GApplication gets none. */
  status = g_application_run (G_APPLICATION (self.app), 1, argv);

  if (self.job != NULL)
    {
      /* Quit mid-job (the window was closed): let the tasks unwind.  The
       * job's done callback drops self.job, so this holds its own. */
      g_autoptr(AioFuture) job = g_object_ref (AIO_FUTURE (self.job));

      self.closed = TRUE;
      aio_task_cancel (self.job, NULL);
      aio_loop_run_until_complete (aio_loop_get_default (), job, NULL);
    }
  g_clear_object (&self.slots);
  g_object_unref (self.app);
  g_ptr_array_unref (self.entries);
  if (folder == NULL)
    g_free (self.folder);
  return status;
}

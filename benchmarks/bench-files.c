/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Reading files from the page cache, against cat:
 *
 *   bench-files [--read-all-mib 64] [--reader-mib 1024] [--rounds 3] [--dir DIR]
 *
 * cat:      `cat FILE > /dev/null`, the process started and waited for;
 * read(2):  the same loop in-process (128 KiB reads into one buffer), the
 *           floor without the exec;
 * read_all: aio_file_read_all() of the smaller file, awaited, into one
 *           buffer of the file's size (each round's bytes are dropped
 *           before the next, as a program that reads one file after
 *           another would);
 * reader:   aio_file_open_reader() and read (128 KiB, what cat asks for)
 *           to the end of the larger file, each chunk dropped.
 * The files are written first and read once, so every round reads from
 * the page cache.  Prints MiB/s for each (the best round) and the ratios
 * to cat.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <aio-glib.h>

#include "bench-common.h"

#define CHUNK (128 * 1024)

static void
make_file (const char *path,
           gsize       size)
{
  guint8 *block = g_malloc (1024 * 1024);
  FILE *out = fopen (path, "wb");

  if (out == NULL)
    g_error ("%s: %s", path, g_strerror (errno));
  for (gsize i = 0; i < 1024 * 1024; i++)
    block[i] = (guint8) (i * 31);
  for (gsize done = 0; done < size; done += 1024 * 1024)
    if (fwrite (block, 1, 1024 * 1024, out) != 1024 * 1024)
      g_error ("%s: short write", path);
  fclose (out);
  g_free (block);
}

static gsize
read_loop (const char *path)
{
  static guint8 buf[CHUNK];
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gsize total = 0;
  ssize_t got;

  if (fd < 0)
    g_error ("%s: %s", path, g_strerror (errno));
  while ((got = read (fd, buf, sizeof buf)) > 0)
    total += (gsize) got;
  close (fd);
  return total;
}

static double
run_cat (const char *path)
{
  gint64 start = bench_now_ns ();
  int status;
  pid_t pid = fork ();

  if (pid == 0)
    {
      int null = open ("/dev/null", O_WRONLY);

      dup2 (null, 1);
      execlp ("cat", "cat", path, NULL);
      _exit (127);
    }
  if (waitpid (pid, &status, 0) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("cat failed");
  return (bench_now_ns () - start) / 1e9;
}

static double
run_read_loop (const char *path,
               gsize       size)
{
  gint64 start = bench_now_ns ();

  if (read_loop (path) != size)
    g_error ("read(2): wrong size");
  return (bench_now_ns () - start) / 1e9;
}

static double
run_read_all (const char *path,
              gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AioFuture) future = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 start = bench_now_ns ();

  future = aio_path_read_all (path);
  if (!aio_loop_run_until_complete (aio_loop_get_default (), future, &error))
    g_error ("read_all: %s", error->message);
  bytes = aio_future_dup_boxed (future, &error);
  if (bytes == NULL || g_bytes_get_size (bytes) != size)
    g_error ("read_all: wrong size");
  return (bench_now_ns () - start) / 1e9;
}

typedef struct
{
  const char *path;
  gsize       total;
} ReaderRun;

static void
reader_body (AioTask  *task,
             gpointer  data)
{
  ReaderRun *run = data;
  g_autoptr(GFile) file = g_file_new_for_path (run->path);
  g_autoptr(AioStreamReader) reader = NULL;
  GError *error = NULL;

  reader = aio_await_object (aio_file_open_reader (file), &error);
  if (reader == NULL)
    g_error ("open_reader: %s", error->message);
  for (;;)
    {
      g_autoptr(GBytes) chunk = aio_await_boxed (aio_stream_reader_read (reader, CHUNK), &error);

      if (chunk == NULL)
        g_error ("read: %s", error->message);
      if (g_bytes_get_size (chunk) == 0)
        break;
      run->total += g_bytes_get_size (chunk);
    }
}

static double
run_reader (const char *path,
            gsize       size)
{
  ReaderRun run = { path, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(AioTask) task = NULL;
  gint64 start = bench_now_ns ();

  task = aio_task_new (reader_body, &run, NULL);
  if (!aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), &error))
    g_error ("reader: %s", error->message);
  if (run.total != size)
    g_error ("reader: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes", run.total, size);
  return (bench_now_ns () - start) / 1e9;
}

static void
report (const char *what,
        gint        mib,
        double      cat_s,
        double      loop_s,
        double      aio_s,
        const char *result_name)
{
  printf ("%-9s %5d MiB: cat %6.0f MiB/s, read(2) %6.0f MiB/s, aio %6.0f MiB/s, aio/cat %.2f\n",
          what, mib, mib / cat_s, mib / loop_s, mib / aio_s, cat_s / aio_s);
  printf ("RESULT name=%s unit=MiB/s value=%.0f\n", result_name, mib / aio_s);
  printf ("RESULT name=%s-ratio-to-cat unit=x value=%.2f\n", result_name, cat_s / aio_s);
}

int
main (int   argc,
      char *argv[])
{
  gint read_all_mib = 64, reader_mib = 1024, rounds = 3;
  g_autofree char *dir = NULL;
  GOptionEntry entries[] = {
    { "read-all-mib", 0, 0, G_OPTION_ARG_INT, &read_all_mib, "size of the read_all file", "N" },
    { "reader-mib", 0, 0, G_OPTION_ARG_INT, &reader_mib, "size of the reader's file", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "rounds (the best is kept)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "where to put the files (default: a new temporary directory)", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- file reads against cat");
  g_autoptr(GError) error = NULL;
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  gsize small_size, large_size;
  double cat_small = G_MAXDOUBLE, loop_small = G_MAXDOUBLE, aio_small = G_MAXDOUBLE;
  double cat_large = G_MAXDOUBLE, loop_large = G_MAXDOUBLE, aio_large = G_MAXDOUBLE;
  gboolean own_dir = dir == NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (read_all_mib < 1 || reader_mib < 1 || rounds < 1)
    {
      g_printerr ("sizes and rounds must be at least 1\n");
      return 2;
    }
  own_dir = dir == NULL;
  if (own_dir)
    dir = g_dir_make_tmp ("aio-bench-files-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  small = g_build_filename (dir, "read-all.bin", NULL);
  large = g_build_filename (dir, "reader.bin", NULL);
  small_size = (gsize) read_all_mib * 1024 * 1024;
  large_size = (gsize) reader_mib * 1024 * 1024;
  make_file (small, small_size);
  make_file (large, large_size);
  read_loop (small);
  read_loop (large);

  for (gint i = 0; i < rounds; i++)
    {
      cat_small = MIN (cat_small, run_cat (small));
      loop_small = MIN (loop_small, run_read_loop (small, small_size));
      aio_small = MIN (aio_small, run_read_all (small, small_size));
      cat_large = MIN (cat_large, run_cat (large));
      loop_large = MIN (loop_large, run_read_loop (large, large_size));
      aio_large = MIN (aio_large, run_reader (large, large_size));
    }
  report ("read_all", read_all_mib, cat_small, loop_small, aio_small, "file-read-all");
  report ("reader", reader_mib, cat_large, loop_large, aio_large, "file-reader");

  g_unlink (small);
  g_unlink (large);
  if (own_dir)
    g_rmdir (dir);
  return 0;
}

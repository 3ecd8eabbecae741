/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Files: whole-file reads and atomic writes, readers and writers, lines,
 * directory listings, copy/move/delete/mkdir/query, GIO's error codes and
 * cancellation.
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

#include "stream-test-utils.h"

static char *tmpdir;

static char *
in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static GFile *
tmp_file (const char *name)
{
  g_autofree char *path = in_tmp (name);

  return g_file_new_for_path (path);
}

static void
put (const char *name,
     const char *contents)
{
  g_autofree char *path = in_tmp (name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
get (const char *name)
{
  g_autofree char *path = in_tmp (name);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The names in the test directory, sorted and joined with spaces. */
static char *
listing (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
await_io_error (AioFuture *future,
                int        code)
{
  GError *error = NULL;

  g_assert_false (aio_await (future, &error));
  g_assert_error (error, G_IO_ERROR, code);
  g_clear_error (&error);
}

static void
await_true (AioFuture *future)
{
  GError *error = NULL;

  g_assert_true (aio_await_boolean (future, &error));
  g_assert_no_error (error);
}

/* Each test starts with an empty directory. */
static void
clean_tmpdir (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = in_tmp (name);
      g_autofree char *command = g_strdup_printf ("rm -rf '%s'", path);

      g_assert_cmpint (system (command), ==, 0);
    }
}

static void
run (AioTaskFunc body)
{
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  clean_tmpdir ();
  task = aio_test_run_task (body, NULL);
  error = aio_future_dup_error (AIO_FUTURE (task));
  g_assert_no_error (error);
}

/* -- read_all and write_all --------------------------------------------- */

/* Writes @bytes to @file, reads the file back and checks it: the bytes
 * read. */
static GBytes *
write_and_read_back (GFile  *file,
                     GBytes *bytes)
{
  GError *error = NULL;
  GBytes *back;

  g_free (aio_await_string (aio_file_write_all (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE), &error));
  g_assert_no_error (error);
  back = await_bytes (aio_file_read_all (file), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, bytes));
  return back;
}

static void
contents_body (AioTask  *task,
               gpointer  data)
{
  g_autoptr(GFile) file = tmp_file ("a.txt");
  g_autofree char *path = in_tmp ("a.txt");
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello\n", 6);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree guint8 *big = g_malloc (16 * 1024 * 1024 + 3);
  g_autoptr(GBytes) big_bytes = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *names = NULL;
  GError *error = NULL;

  etag = aio_await_string (aio_file_write_all (file, hello, NULL, FALSE, G_FILE_CREATE_NONE), &error);
  g_assert_no_error (error);
  g_assert_nonnull (etag);
  assert_bytes (await_bytes (aio_file_read_all (file), &error), "hello\n");
  g_assert_no_error (error);
  assert_bytes (await_bytes (aio_path_read_all (path), &error), "hello\n");
  g_assert_no_error (error);

  /* Replacing keeps the permissions and leaves no temporary file. */
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_free (aio_await_string (aio_path_write_all (path, empty), &error));
  g_assert_no_error (error);
  assert_bytes (await_bytes (aio_file_read_all (file), &error), "");
  g_assert_no_error (error);
  {
    struct stat st;

    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  }
  names = listing ();
  g_assert_cmpstr (names, ==, "a.txt");

  /* Sixteen megabytes and a little, byte for byte. */
  for (gsize i = 0; i < 16 * 1024 * 1024 + 3; i++)
    big[i] = (guint8) (i * 7 + i / 4096);
  big_bytes = g_bytes_new_static (big, 16 * 1024 * 1024 + 3);
  back = write_and_read_back (file, big_bytes);

  /* A smaller large file read next (into the buffer the last one freed)
   * holds its own bytes only. */
  g_clear_pointer (&back, g_bytes_unref);
  g_clear_pointer (&big_bytes, g_bytes_unref);
  for (gsize i = 0; i < 12 * 1024 * 1024 + 1; i++)
    big[i] = (guint8) (i * 13 + 5);
  big_bytes = g_bytes_new_static (big, 12 * 1024 * 1024 + 1);
  back = write_and_read_back (file, big_bytes);
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (back, NULL))[12 * 1024 * 1024 + 1], ==, 0);

  /* A file of size 0 whose contents are made on read. */
  g_clear_pointer (&back, g_bytes_unref);
  back = await_bytes (aio_path_read_all ("/proc/self/status"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (back), >, 0);
}

static void
test_contents (void)
{
  run (contents_body);
}

static void
etag_body (AioTask  *task,
           gpointer  data)
{
  g_autoptr(GFile) file = tmp_file ("e.txt");
  g_autoptr(GBytes) one = g_bytes_new_static ("one", 3);
  g_autoptr(GBytes) two = g_bytes_new_static ("two", 3);
  g_autofree char *etag = NULL;
  g_autofree char *names = NULL;
  g_autofree char *text = NULL;
  g_autofree char *backup = NULL;
  GError *error = NULL;

  etag = aio_await_string (aio_file_write_all (file, one, NULL, FALSE, G_FILE_CREATE_NONE), &error);
  g_assert_no_error (error);
  /* The right etag, with a backup: the old file stays as "e.txt~". */
  g_free (aio_await_string (aio_file_write_all (file, two, etag, TRUE, G_FILE_CREATE_NONE), &error));
  g_assert_no_error (error);
  text = get ("e.txt");
  g_assert_cmpstr (text, ==, "two");
  backup = get ("e.txt~");
  g_assert_cmpstr (backup, ==, "one");
  /* A stale etag. */
  await_io_error (aio_file_write_all (file, one, "1:2", FALSE, G_FILE_CREATE_NONE),
                  G_IO_ERROR_WRONG_ETAG);
  g_free (text);
  text = get ("e.txt");
  g_assert_cmpstr (text, ==, "two");
  names = listing ();
  g_assert_cmpstr (names, ==, "e.txt e.txt~");
}

static void
test_etag (void)
{
  run (etag_body);
}

static void
errors_body (AioTask  *task,
             gpointer  data)
{
  g_autoptr(GFile) missing = tmp_file ("missing");
  g_autoptr(GFile) dir = tmp_file ("dir");
  g_autoptr(GFile) orphan = tmp_file ("no/such/dir/file");
  g_autoptr(GBytes) x = g_bytes_new_static ("x", 1);

  await_io_error (aio_file_read_all (missing), G_IO_ERROR_NOT_FOUND);
  await_true (aio_file_make_directory (dir, FALSE));
  await_io_error (aio_file_read_all (dir), G_IO_ERROR_IS_DIRECTORY);
  await_io_error (aio_file_write_all (dir, x, NULL, FALSE, G_FILE_CREATE_NONE),
                  G_IO_ERROR_IS_DIRECTORY);
  await_io_error (aio_file_write_all (orphan, x, NULL, FALSE, G_FILE_CREATE_NONE),
                  G_IO_ERROR_NOT_FOUND);
  await_io_error (aio_file_open_reader (missing), G_IO_ERROR_NOT_FOUND);
  await_io_error (aio_file_open_reader (dir), G_IO_ERROR_IS_DIRECTORY);
}

static void
test_errors (void)
{
  run (errors_body);
}

/* Root reads anything: the check runs as "nobody" in a child process. */
static void
permission_body (AioTask  *task,
                 gpointer  data)
{
  g_autoptr(GFile) secret = tmp_file ("secret");
  g_autoptr(GBytes) x = g_bytes_new_static ("x", 1);
  g_autoptr(GFile) locked = tmp_file ("locked/file");

  await_io_error (aio_file_read_all (secret), G_IO_ERROR_PERMISSION_DENIED);
  await_io_error (aio_file_write_all (locked, x, NULL, FALSE, G_FILE_CREATE_NONE),
                  G_IO_ERROR_PERMISSION_DENIED);
}

static void
test_permission (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(AioTask) task = NULL;
      g_autoptr(GError) error = NULL;

      if (geteuid () == 0)
        {
          g_assert_cmpint (setgid (65534), ==, 0);
          g_assert_cmpint (setuid (65534), ==, 0);
        }
      task = aio_test_run_task (permission_body, NULL);
      error = aio_future_dup_error (AIO_FUTURE (task));
      g_assert_no_error (error);
      return;
    }

  clean_tmpdir ();
  {
    g_autofree char *secret = in_tmp ("secret");
    g_autofree char *locked = in_tmp ("locked");

    put ("secret", "s");
    g_assert_cmpint (g_chmod (secret, 0600), ==, 0);
    g_assert_cmpint (g_mkdir (locked, 0555), ==, 0);
    if (geteuid () != 0)
      g_assert_cmpint (g_chmod (secret, 0000), ==, 0);
    /* "nobody" must get into the directory to meet the files. */
    g_assert_cmpint (g_chmod (tmpdir, 0755), ==, 0);
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Cancelled mid-way, an atomic write leaves the old file and nothing
 * else, by the time the cancelled await returns. */
static void
cancel_write_body (AioTask  *task,
                   gpointer  data)
{
  g_autoptr(GFile) file = tmp_file ("keep.txt");
  gsize size = 256 * 1024 * 1024;
  g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (size), size);
  g_autofree char *names = NULL;
  g_autofree char *text = NULL;
  GError *error = NULL;
  AioFuture *write;

  put ("keep.txt", "old");
  for (int round = 0; round < 2; round++)
    {
      write = aio_file_write_all (file, huge, NULL, FALSE, G_FILE_CREATE_NONE);
      /* First round: at once, so the job may not have started; second:
       * once the worker is writing. */
      if (round == 1)
        g_assert_true (aio_await (aio_sleep (0.02), NULL));
      aio_future_cancel (write, "stop");
      g_assert_false (aio_await (write, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      g_free (names);
      names = listing ();
      g_assert_cmpstr (names, ==, "keep.txt");
      g_free (text);
      text = get ("keep.txt");
      g_assert_cmpstr (text, ==, "old");
    }

  /* A new file is not left half-written either. */
  {
    g_autoptr(GFile) fresh = tmp_file ("fresh.bin");

    write = aio_file_write_all (fresh, huge, NULL, FALSE, G_FILE_CREATE_NONE);
    g_assert_true (aio_await (aio_sleep (0.02), NULL));
    aio_future_cancel (write, NULL);
    g_assert_false (aio_await (write, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_free (names);
    names = listing ();
    g_assert_cmpstr (names, ==, "keep.txt");
  }
}

static void
test_cancel_write (void)
{
  run (cancel_write_body);
}

/* -- readers, writers, lines ------------------------------------------- */

static AioStreamWriter *
await_writer (GFile            *file,
              AioFileWriteMode  mode)
{
  GError *error = NULL;
  AioStreamWriter *writer;

  writer = aio_await_object (aio_file_open_writer (file, mode, G_FILE_CREATE_NONE), &error);
  g_assert_no_error (error);
  g_assert_true (AIO_IS_STREAM_WRITER (writer));
  return writer;
}

static void
finish_writer (AioStreamWriter *writer)
{
  GError *error = NULL;

  g_assert_true (aio_await (aio_stream_writer_drain (writer), &error));
  g_assert_no_error (error);
  aio_stream_writer_close (writer);
  g_assert_true (aio_await (aio_stream_writer_wait_closed (writer), &error));
  g_assert_no_error (error);
}

static void
streams_body (AioTask  *task,
              gpointer  data)
{
  g_autoptr(GFile) file = tmp_file ("s.txt");
  g_autoptr(AioStreamWriter) writer = NULL;
  g_autoptr(AioStreamReader) reader = NULL;
  g_autofree char *text = NULL;
  GError *error = NULL;

  writer = await_writer (file, AIO_FILE_WRITE_CREATE);
  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "first\n", 6, NULL));
  finish_writer (writer);
  g_clear_object (&writer);
  await_io_error (aio_file_open_writer (file, AIO_FILE_WRITE_CREATE, G_FILE_CREATE_NONE),
                  G_IO_ERROR_EXISTS);

  writer = await_writer (file, AIO_FILE_WRITE_APPEND);
  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "second\nthird", 12, NULL));
  finish_writer (writer);
  g_clear_object (&writer);
  text = get ("s.txt");
  g_assert_cmpstr (text, ==, "first\nsecond\nthird");

  reader = aio_await_object (aio_file_open_reader (file), &error);
  g_assert_no_error (error);
  assert_bytes (await_bytes (aio_stream_reader_readline (reader), &error), "first\n");
  assert_bytes (await_bytes (aio_stream_reader_readexactly (reader, 3), &error), "sec");
  assert_bytes (await_bytes (aio_stream_reader_read (reader, -1), &error), "ond\nthird");
  g_assert_no_error (error);
  g_assert_true (aio_stream_reader_at_eof (reader));

  /* Replace: the old contents stay until the writer is closed. */
  writer = await_writer (file, AIO_FILE_WRITE_REPLACE);
  g_assert_true (aio_stream_writer_write (writer, (const guint8 *) "new", 3, NULL));
  g_assert_true (aio_await (aio_stream_writer_drain (writer), &error));
  g_free (text);
  text = get ("s.txt");
  g_assert_cmpstr (text, ==, "first\nsecond\nthird");
  finish_writer (writer);
  g_free (text);
  text = get ("s.txt");
  g_assert_cmpstr (text, ==, "new");
}

static void
test_streams (void)
{
  run (streams_body);
}

/* Reads @reader to its end in pieces of every kind, as @expected. */
static void
read_in_pieces (AioStreamReader *reader,
                GBytes          *expected)
{
  g_autoptr(GByteArray) got = g_byte_array_new ();
  GError *error = NULL;
  guint round = 0;

  while (!aio_stream_reader_at_eof (reader))
    {
      g_autoptr(GBytes) piece = NULL;

      switch (round++ % 4)
        {
        case 0:
          piece = await_bytes (aio_stream_reader_read (reader, 1000), &error);
          break;
        case 1:
          piece = await_bytes (aio_stream_reader_readexactly (reader, 300 * 1000), &error);
          if (piece == NULL && g_error_matches (error, AIO_ERROR, AIO_ERROR_INCOMPLETE_READ))
            {
              /* The end: what there was is the error's. */
              piece = g_bytes_ref (aio_error_get_partial (error));
              g_clear_error (&error);
            }
          break;
        case 2:
          piece = await_bytes (aio_stream_reader_readline (reader), &error);
          break;
        default:
          piece = await_bytes (aio_stream_reader_read (reader, 3 * 1024 * 1024), &error);
          break;
        }
      g_assert_no_error (error);
      g_assert_nonnull (piece);
      g_byte_array_append (got, g_bytes_get_data (piece, NULL), g_bytes_get_size (piece));
    }
  g_assert_cmpmem (got->data, got->len, g_bytes_get_data (expected, NULL),
                   g_bytes_get_size (expected));
}

static void
file_reader_body (AioTask  *task,
                  gpointer  data)
{
  g_autoptr(GFile) file = tmp_file ("r.bin");
  g_autofree char *path = in_tmp ("r.bin");
  gsize size = 5 * 1024 * 1024 + 17;
  guint8 *bytes = g_malloc (size);
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(AioStreamReader) reader = NULL;
  g_autoptr(GInputStream) input = NULL;
  GError *error = NULL;
  int fd;

  for (gsize i = 0; i < size; i++)
    bytes[i] = i % 251 == 0 ? '\n' : (guint8) (i * 29);
  contents = g_bytes_new_take (bytes, size);
  g_free (aio_await_string (aio_file_write_all (file, contents, NULL, FALSE, G_FILE_CREATE_NONE), &error));
  g_assert_no_error (error);

  /* From the page cache, then (where the file system lets the cache be
   * dropped) from the disk, through GIO's worker thread. */
  for (guint pass = 0; pass < 2; pass++)
    {
      reader = aio_await_object (aio_file_open_reader (file), &error);
      g_assert_no_error (error);
      read_in_pieces (reader, contents);
      g_clear_object (&reader);

      fd = g_open (path, O_RDONLY, 0);
      g_assert_cmpint (fd, >=, 0);
      g_assert_cmpint (fsync (fd), ==, 0);
      (void) posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
      g_close (fd, NULL);
    }

  /* A descriptor's stream over a regular file reads the same way, and
   * once closed under the reader, fails to read as GIO's streams do. */
  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  input = g_unix_input_stream_new (fd, TRUE);
  reader = aio_stream_reader_new_for_stream (input, NULL);
  {
    g_autoptr(GBytes) head = await_bytes (aio_stream_reader_read (reader, 10), &error);

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (head, NULL), g_bytes_get_size (head),
                     g_bytes_get_data (contents, NULL), 10);
  }
  g_assert_true (g_input_stream_close (input, NULL, NULL));
  /* What was buffered before the close still comes out first. */
  for (;;)
    {
      g_autoptr(GBytes) more = await_bytes (aio_stream_reader_read (reader, 4 * 1024 * 1024), &error);

      if (more == NULL)
        break;
      g_assert_cmpuint (g_bytes_get_size (more), >, 0);
      g_assert_cmpuint (g_bytes_get_size (more), <, size - 10);
    }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
}

static void
test_file_reader (void)
{
  run (file_reader_body);
}

static void
lines_body (AioTask  *task,
            gpointer  data)
{
  g_autoptr(GFile) file = tmp_file ("l.txt");
  g_autoptr(GFile) missing = tmp_file ("missing");
  g_autoptr(AioAsyncGenerator) lines = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  GValue value = G_VALUE_INIT;
  GError *error = NULL;
  guint count = 0;

  put ("l.txt", "alpha\n\nbeta\ngamma");
  lines = aio_file_lines (file);
  while (aio_async_generator_iterate (lines, &value, &error))
    {
      g_string_append_printf (seen, "[%s]", g_value_get_string (&value));
      g_value_unset (&value);
      count++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 4);
  g_assert_cmpstr (seen->str, ==, "[alpha\n][\n][beta\n][gamma]");
  g_clear_object (&lines);

  /* Closed early. */
  lines = aio_file_lines (file);
  g_assert_true (aio_async_generator_iterate (lines, &value, &error));
  g_assert_cmpstr (g_value_get_string (&value), ==, "alpha\n");
  g_value_unset (&value);
  g_assert_true (aio_await (aio_async_generator_aclose (lines), &error));
  g_assert_no_error (error);
  g_clear_object (&lines);

  /* A line longer than a stream reader's default limit. */
  {
    g_autofree char *longline = g_strnfill (200 * 1024, 'z');
    g_autofree char *contents = g_strconcat (longline, "\nend\n", NULL);

    put ("l.txt", contents);
    lines = aio_file_lines (file);
    g_assert_true (aio_async_generator_iterate (lines, &value, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (strlen (g_value_get_string (&value)), ==, 200 * 1024 + 1);
    g_value_unset (&value);
    g_clear_object (&lines);
  }

  lines = aio_file_lines (missing);
  g_assert_false (aio_async_generator_iterate (lines, &value, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_lines (void)
{
  run (lines_body);
}

/* -- enumerate ---------------------------------------------------------- */

static void
enumerate_body (AioTask  *task,
                gpointer  data)
{
  g_autoptr(GFile) dir = tmp_file ("many");
  g_autoptr(GFile) file = tmp_file ("plain");
  g_autoptr(GFile) missing = tmp_file ("missing");
  g_autoptr(AioAsyncGenerator) entries = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GValue value = G_VALUE_INIT;
  GError *error = NULL;

  await_true (aio_file_make_directory (dir, FALSE));
  for (int i = 0; i < 250; i++)
    {
      g_autofree char *name = g_strdup_printf ("many/f%03d", i);

      put (name, "");
    }
  entries = aio_file_enumerate (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                G_FILE_QUERY_INFO_NONE, 7);
  while (aio_async_generator_iterate (entries, &value, &error))
    {
      GFileInfo *info = g_value_get_object (&value);

      g_assert_true (G_IS_FILE_INFO (info));
      g_assert_cmpint (g_file_info_get_file_type (info), ==, G_FILE_TYPE_REGULAR);
      g_assert_true (g_hash_table_add (names, g_strdup (g_file_info_get_name (info))));
      g_value_unset (&value);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (names), ==, 250);
  g_assert_true (g_hash_table_contains (names, "f000"));
  g_assert_true (g_hash_table_contains (names, "f249"));
  g_clear_object (&entries);

  /* Closed after a few entries. */
  entries = aio_file_enumerate (dir, "standard::name", G_FILE_QUERY_INFO_NONE, 0);
  g_assert_true (aio_async_generator_iterate (entries, &value, &error));
  g_value_unset (&value);
  g_assert_true (aio_await (aio_async_generator_aclose (entries), &error));
  g_assert_no_error (error);
  g_clear_object (&entries);

  put ("plain", "x");
  entries = aio_file_enumerate (file, "standard::name", G_FILE_QUERY_INFO_NONE, 0);
  g_assert_false (aio_async_generator_iterate (entries, &value, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_clear_error (&error);
  g_clear_object (&entries);
  entries = aio_file_enumerate (missing, "standard::name", G_FILE_QUERY_INFO_NONE, 0);
  g_assert_false (aio_async_generator_iterate (entries, &value, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_enumerate (void)
{
  run (enumerate_body);
}

/* -- copy, move, delete, make_directory, query_info -------------------- */

typedef struct
{
  GThread *loop_thread;
  guint    calls;
  goffset  last;
  goffset  total;
  gboolean destroyed;
} Progress;

static void
on_progress (goffset  current,
             goffset  total,
             gpointer data)
{
  Progress *p = data;

  g_assert_true (g_thread_self () == p->loop_thread);
  g_assert_cmpint (current, >=, p->last);
  p->last = current;
  p->total = total;
  p->calls++;
}

static void
progress_destroyed (gpointer data)
{
  ((Progress *) data)->destroyed = TRUE;
}

static void
ops_body (AioTask  *task,
          gpointer  data)
{
  g_autoptr(GFile) src = tmp_file ("src.bin");
  g_autoptr(GFile) dst = tmp_file ("dst.bin");
  g_autoptr(GFile) moved = tmp_file ("moved.bin");
  g_autoptr(GFile) deep = tmp_file ("a/b/c");
  g_autoptr(GFile) orphan = tmp_file ("x/y");
  g_autoptr(GFileInfo) info = NULL;
  gsize size = 4 * 1024 * 1024;
  g_autoptr(GBytes) data_bytes = g_bytes_new_take (g_malloc0 (size), size);
  g_autoptr(GBytes) back = NULL;
  Progress progress = { g_thread_self (), 0, 0, 0, FALSE };
  g_autofree char *names = NULL;
  GError *error = NULL;

  g_free (aio_await_string (aio_file_write_all (src, data_bytes, NULL, FALSE, G_FILE_CREATE_NONE), &error));
  g_assert_no_error (error);

  await_true (aio_file_copy (src, dst, G_FILE_COPY_NONE, on_progress, &progress, progress_destroyed));
  g_assert_true (progress.destroyed);
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpint (progress.total, ==, (goffset) size);
  back = await_bytes (aio_file_read_all (dst), &error);
  g_assert_true (g_bytes_equal (back, data_bytes));
  await_io_error (aio_file_copy (src, dst, G_FILE_COPY_NONE, NULL, NULL, NULL), G_IO_ERROR_EXISTS);
  await_true (aio_file_copy (src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL));

  info = aio_await_object (aio_file_query_info (dst, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE),
                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_file_info_get_size (info), ==, (goffset) size);

  await_true (aio_file_move (dst, moved, G_FILE_COPY_NONE));
  await_io_error (aio_file_query_info (dst, "standard::size", G_FILE_QUERY_INFO_NONE), G_IO_ERROR_NOT_FOUND);
  await_true (aio_file_delete (moved));
  await_io_error (aio_file_delete (moved), G_IO_ERROR_NOT_FOUND);

  await_io_error (aio_file_make_directory (orphan, FALSE), G_IO_ERROR_NOT_FOUND);
  await_true (aio_file_make_directory (deep, TRUE));
  await_io_error (aio_file_make_directory (deep, FALSE), G_IO_ERROR_EXISTS);
  {
    g_autoptr(GFile) a = tmp_file ("a");

    await_io_error (aio_file_delete (a), G_IO_ERROR_NOT_EMPTY);
  }

  /* A cancelled copy leaves no destination. */
  {
    g_autoptr(GFile) big = tmp_file ("big.bin");
    g_autoptr(GFile) copy = tmp_file ("copy.bin");
    gsize big_size = 256 * 1024 * 1024;
    g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (big_size), big_size);
    AioFuture *copying;

    g_free (aio_await_string (aio_file_write_all (big, huge, NULL, FALSE, G_FILE_CREATE_NONE), &error));
    g_assert_no_error (error);
    copying = aio_file_copy (big, copy, G_FILE_COPY_NONE, NULL, NULL, NULL);
    g_assert_true (aio_await (aio_sleep (0.01), NULL));
    aio_future_cancel (copying, NULL);
    g_assert_false (aio_await (copying, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_false (g_file_query_exists (copy, NULL));
    await_true (aio_file_delete (big));
  }
  names = listing ();
  g_assert_cmpstr (names, ==, "a src.bin");
}

static void
test_ops (void)
{
  run (ops_body);
}

/* Cancelling the task that awaits reaches the worker too. */
static void
cancel_task_body (AioTask  *task,
                  gpointer  data)
{
  g_autoptr(GFile) file = tmp_file ("t.bin");
  gsize size = 256 * 1024 * 1024;
  g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (size), size);
  GError *error = NULL;

  g_assert_false (aio_await (aio_file_write_all (file, huge, NULL, FALSE, G_FILE_CREATE_NONE), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (g_file_query_exists (file, NULL));
}

static gboolean
cancel_soon (gpointer data)
{
  aio_task_cancel (data, "enough");
  return G_SOURCE_REMOVE;
}

static void
test_cancel_task (void)
{
  g_autoptr(AioTask) task = NULL;
  g_autofree char *names = NULL;

  clean_tmpdir ();
  task = aio_task_new (cancel_task_body, NULL, NULL);
  g_timeout_add (10, cancel_soon, task);
  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_null (aio_future_dup_error (AIO_FUTURE (task)));
  names = listing ();
  g_assert_cmpstr (names, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* The permission test's child works in its parent's directory. */
  if (g_test_subprocess () && g_getenv ("AIO_TEST_FILES_DIR") != NULL)
    tmpdir = g_strdup (g_getenv ("AIO_TEST_FILES_DIR"));
  else
    tmpdir = g_dir_make_tmp ("aio-files-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  g_setenv ("AIO_TEST_FILES_DIR", tmpdir, TRUE);

  aio_test_add_func ("/aio/files/contents", test_contents);
  aio_test_add_func ("/aio/files/etag-backup", test_etag);
  aio_test_add_func ("/aio/files/errors", test_errors);
  aio_test_add_func ("/aio/files/permission", test_permission);
  aio_test_add_func ("/aio/files/cancel-write", test_cancel_write);
  aio_test_add_func ("/aio/files/cancel-task", test_cancel_task);
  aio_test_add_func ("/aio/files/streams", test_streams);
  aio_test_add_func ("/aio/files/file-reader", test_file_reader);
  aio_test_add_func ("/aio/files/lines", test_lines);
  aio_test_add_func ("/aio/files/enumerate", test_enumerate);
  aio_test_add_func ("/aio/files/ops", test_ops);
  status = g_test_run ();

  if (!g_test_subprocess ())
    {
      clean_tmpdir ();
      g_rmdir (tmpdir);
    }
  g_free (tmpdir);
  return status;
}

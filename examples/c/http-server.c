/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* aio-http-server [--port N] [--root DIR] [--host H]
 *
 * A small HTTP/1.1 static file server: GET and HEAD, keep-alive (HTTP/1.1
 * by default, HTTP/1.0 when asked), Content-Length, index.html for a
 * directory, 404 for what is not there, 400 for a malformed request.
 * Each connection is served by a C coroutine; files are read through
 * GIO's asynchronous calls, awaited, so a slow disk never blocks the
 * loop.  The first line on stdout is "listening on HOST:PORT"; SIGINT or
 * SIGTERM closes the server and its clients, and the program exits 0.
 */

#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <aio-glib.h>

/* The request line and headers must fit in this much. */
#define MAX_HEAD (16 * 1024)

typedef struct
{
  GFile *root;
} Site;

typedef struct
{
  char     *method;
  char     *path;            /* decoded, without query or fragment */
  gboolean  keep_alive;
  guint64   content_length;
} Request;

static void
request_clear (Request *request)
{
  g_free (request->method);
  g_free (request->path);
}

static const char *
reason (guint status)
{
  switch (status)
    {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

static gboolean
is_token (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && strchr ("!#$%&'*+-.^_`|~", *s) == NULL)
      return FALSE;
  return TRUE;
}

/* Whether the comma-separated @value lists @token, in any case. */
static gboolean
lists_token (const char *value,
             const char *token)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);
  guint i;

  for (i = 0; parts[i] != NULL; i++)
    if (g_ascii_strcasecmp (g_strstrip (parts[i]), token) == 0)
      return TRUE;
  return FALSE;
}

/* Parses the request line and headers in @head; 200, or the status to
 * refuse the request with.
 */
static guint
parse_request (const char *head,
               Request    *request)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);
  g_auto(GStrv) words = NULL;
  const char *target, *version;
  gboolean http_1_1;
  char *end;
  guint i;

  words = g_strsplit (lines[0], " ", -1);
  if (g_strv_length (words) != 3 || !is_token (words[0]) || words[1][0] != '/')
    return 400;
  target = words[1];
  version = words[2];
  if (g_str_equal (version, "HTTP/1.1"))
    http_1_1 = TRUE;
  else if (g_str_equal (version, "HTTP/1.0"))
    http_1_1 = FALSE;
  else if (g_str_has_prefix (version, "HTTP/") && g_ascii_isdigit (version[5]))
    return 505;
  else
    return 400;

  request->method = g_strdup (words[0]);
  end = strpbrk (target, "?#");
  request->path = g_uri_unescape_segment (target, end, NULL);
  if (request->path == NULL)   /* a bad escape, or an escaped NUL */
    return 400;
  request->keep_alive = http_1_1;

  for (i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      char *colon = strchr (lines[i], ':');
      g_autofree char *name = NULL;
      const char *value;

      if (colon == NULL || colon == lines[i])
        return 400;
      name = g_strndup (lines[i], colon - lines[i]);
      if (!is_token (name))
        return 400;
      value = colon + 1;
      while (*value == ' ' || *value == '\t')
        value++;

      if (g_ascii_strcasecmp (name, "Connection") == 0)
        {
          if (lists_token (value, "close"))
            request->keep_alive = FALSE;
          else if (lists_token (value, "keep-alive"))
            request->keep_alive = TRUE;
        }
      else if (g_ascii_strcasecmp (name, "Content-Length") == 0)
        {
          if (!g_ascii_string_to_unsigned (g_strstrip ((char *) value), 10, 0, G_MAXUINT32,
                                           &request->content_length, NULL))
            return 400;
        }
      else if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
        return 501;
    }
  return 200;
}

static gboolean
send_response (AioStreamWriter *writer,
               guint            status,
               const char      *content_type,
               guint64          length,
               GBytes          *body,
               gboolean         keep_alive,
               const char      *extra_headers)
{
  g_autoptr(GString) head = g_string_new (NULL);

  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", status, reason (status));
  g_string_append (head, "Server: aio-http-server\r\n");
  if (content_type != NULL)
    g_string_append_printf (head, "Content-Type: %s\r\n", content_type);
  g_string_append_printf (head, "Content-Length: %" G_GUINT64_FORMAT "\r\n", length);
  g_string_append_printf (head, "Connection: %s\r\n", keep_alive ? "keep-alive" : "close");
  if (extra_headers != NULL)
    g_string_append (head, extra_headers);
  g_string_append (head, "\r\n");

  if (!aio_stream_writer_write (writer, (const guint8 *) head->str, head->len, NULL))
    return FALSE;
  if (body != NULL && !aio_stream_writer_write_bytes (writer, body, NULL))
    return FALSE;
  return aio_await (aio_stream_writer_drain (writer), NULL);
}

static void
send_error (AioStreamWriter *writer,
            guint            status,
            gboolean         head_only,
            gboolean         keep_alive)
{
  g_autofree char *text = g_strdup_printf ("%u %s\n", status, reason (status));
  g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&text), strlen (reason (status)) + 5);

  send_response (writer, status, "text/plain; charset=utf-8", g_bytes_get_size (body),
                 head_only ? NULL : body, keep_alive,
                 status == 405 ? "Allow: GET, HEAD\r\n" : NULL);
}

/* The file for @path under the root, or NULL (a 404) when the path
 * would leave it.
 */
static GFile *
resolve (Site       *site,
         const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  g_autoptr(GFile) file = g_object_ref (site->root);
  guint i;

  for (i = 0; segments[i] != NULL; i++)
    {
      GFile *child;

      if (segments[i][0] == '\0' || g_str_equal (segments[i], "."))
        continue;
      if (g_str_equal (segments[i], ".."))
        return NULL;
      child = g_file_get_child (file, segments[i]);
      g_object_unref (file);
      file = child;
    }
  return g_steal_pointer (&file);
}

static guint
status_for (GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY))
    return 404;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return 403;
  return 500;
}

/* Answers one well-formed request; FALSE when the connection must end. */
static gboolean
respond (Site            *site,
         AioStreamWriter *writer,
         Request         *request)
{
  gboolean head_only = g_str_equal (request->method, "HEAD");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *mime = NULL;
  const char *content_type;
  gsize length = 0;

  if (!head_only && !g_str_equal (request->method, "GET"))
    {
      send_error (writer, 405, FALSE, request->keep_alive);
      return request->keep_alive;
    }

  file = resolve (site, request->path);
  if (file == NULL)
    {
      send_error (writer, 404, head_only, request->keep_alive);
      return request->keep_alive;
    }

  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, AIO_GIO_ARGS);
  info = g_file_query_info_finish (file, aio_await_gio (), &error);
  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      GFile *index = g_file_get_child (file, "index.html");

      g_object_unref (file);
      file = index;
      g_clear_object (&info);
      g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                               G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, AIO_GIO_ARGS);
      info = g_file_query_info_finish (file, aio_await_gio (), &error);
    }
  if (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_clear_object (&info);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "not a regular file");
    }

  if (info != NULL && !head_only)
    {
      g_file_load_contents_async (file, AIO_GIO_ARGS);
      if (g_file_load_contents_finish (file, aio_await_gio (), &contents, &length, NULL, &error))
        body = g_bytes_new_take (g_steal_pointer (&contents), length);
      else
        g_clear_object (&info);
    }
  if (info == NULL)
    {
      send_error (writer, status_for (error), head_only, request->keep_alive);
      return request->keep_alive;
    }
  if (head_only)
    length = g_file_info_get_size (info);

  {
    g_autofree char *basename = g_file_get_basename (file);
    g_autofree char *guessed = g_content_type_guess (basename, NULL, 0, NULL);

    mime = g_content_type_get_mime_type (guessed);
    content_type = mime != NULL ? mime : "application/octet-stream";
    if (g_str_has_prefix (content_type, "text/"))
      {
        char *with_charset = g_strconcat (content_type, "; charset=utf-8", NULL);

        g_free (mime);
        mime = with_charset;
        content_type = mime;
      }
  }
  if (!send_response (writer, 200, content_type, length, body, request->keep_alive, NULL))
    return FALSE;
  return request->keep_alive;
}

static void
serve_client (AioStreamReader *reader,
              AioStreamWriter *writer,
              gpointer         user_data)
{
  Site *site = user_data;

  aio_stream_reader_set_limit (reader, MAX_HEAD);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) head = NULL;
      g_autofree char *text = NULL;
      Request request = { 0 };
      guint status;
      gboolean keep_going;

      head = aio_await_boxed (aio_stream_reader_readuntil (reader, (const guint8 *) "\r\n\r\n", 4),
                              &error);
      if (head == NULL)
        {
          /* The client left (between requests, or in the middle of one,
           * which needs no answer), or sent too much head.
           */
          if (g_error_matches (error, AIO_ERROR, AIO_ERROR_LIMIT_OVERRUN))
            send_error (writer, 431, FALSE, FALSE);
          return;
        }
      text = g_strndup (g_bytes_get_data (head, NULL), g_bytes_get_size (head));
      if (strlen (text) != g_bytes_get_size (head))
        status = 400;   /* a NUL byte in the head */
      else
        status = parse_request (text, &request);
      if (status != 200)
        {
          send_error (writer, status, FALSE, FALSE);
          request_clear (&request);
          return;
        }
      /* A body nobody asked for is read and dropped. */
      if (request.content_length > 0)
        {
          g_autoptr(GBytes) body = aio_await_boxed (aio_stream_reader_readexactly (reader,
                                                                                  request.content_length),
                                                    NULL);

          if (body == NULL)
            {
              request_clear (&request);
              return;
            }
        }
      keep_going = respond (site, writer, &request);
      request_clear (&request);
      if (!keep_going)
        return;
    }
}

typedef struct
{
  const char *host;
  guint16     port;
  Site       *site;
  AioServer  *server;   /* (owned) (nullable) */
  int         status;
} Main;

static gboolean
on_signal (gpointer data)
{
  Main *main_data = data;

  if (main_data->server != NULL)
    aio_server_close (main_data->server);
  return G_SOURCE_CONTINUE;
}

static void
run_server (AioTask  *task,
            gpointer  data)
{
  Main *main_data = data;
  g_autoptr(GError) error = NULL;

  main_data->server = aio_await_object (aio_start_server (serve_client, main_data->site, NULL,
                                                          main_data->host, main_data->port),
                                        &error);
  if (main_data->server == NULL)
    {
      g_printerr ("aio-http-server: cannot listen on %s:%u: %s\n",
                  main_data->host, main_data->port, error->message);
      main_data->status = EXIT_FAILURE;
      return;
    }
  printf ("listening on %s:%u\n", main_data->host, aio_server_get_port (main_data->server));
  fflush (stdout);

  /* Until a signal closes the server; then the clients go too. */
  aio_await (aio_server_serve_forever (main_data->server), NULL);
  aio_server_close_clients (main_data->server);
  aio_await (aio_server_wait_closed (main_data->server), NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *host = NULL;
  g_autofree char *root = NULL;
  int port = 8080;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port; 0 picks a free one (default 8080)", "N" },
    { "root", 'r', 0, G_OPTION_ARG_FILENAME, &root, "Directory to serve (default: the current one)", "DIR" },
    { "host", 'h', 0, G_OPTION_ARG_STRING, &host, "Address to listen on (default 127.0.0.1)", "H" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- serve static files over HTTP/1.1");
  g_autoptr(GError) error = NULL;
  g_autoptr(AioTask) task = NULL;
  Site site = { NULL };
  Main main_data = { 0 };
  guint sigint, sigterm;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("aio-http-server: %s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535)
    {
      g_printerr ("aio-http-server: --port must be 0-65535\n");
      return 2;
    }
  site.root = g_file_new_for_commandline_arg (root != NULL ? root : ".");
  if (g_file_query_file_type (site.root, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    {
      g_printerr ("aio-http-server: %s is not a directory\n", root != NULL ? root : ".");
      g_object_unref (site.root);
      return 2;
    }

  main_data.host = host != NULL ? host : "127.0.0.1";
  main_data.port = port;
  main_data.site = &site;
  main_data.status = EXIT_SUCCESS;
  sigint = g_unix_signal_add (SIGINT, on_signal, &main_data);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &main_data);

  task = aio_task_new (run_server, &main_data, NULL);
  aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), NULL);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_clear_object (&main_data.server);
  g_object_unref (site.root);
  return main_data.status;
}

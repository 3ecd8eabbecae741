/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The reader-model check of the fuzzer, run on generated scripts: random
 * operations and chunk sizes over payloads made mostly of separator
 * bytes, so that lines, separators cut by chunk ends, limits and
 * incomplete reads all come up.  The seed is GLib's test seed (--seed).
 */
#include "config.h"

#if HAVE_VALGRIND
# include <valgrind/valgrind.h>
#endif

#include "aio-glib.h"
#include "reader-model.h"

#define N_SCRIPTS 10000

static void
test_generated_scripts (void)
{
  static const guint8 alphabet[] = "ab\n\r\nxab";
  guint8 script[1024];
  guint i, n = N_SCRIPTS;

#if HAVE_VALGRIND
  /* A tenth under valgrind, where each script costs fifty times more. */
  if (RUNNING_ON_VALGRIND)
    n /= 10;
#endif
  for (i = 0; i < n; i++)
    {
      gsize size = g_test_rand_int_range (3, sizeof script);
      gsize j, header = g_test_rand_int_range (3, 64);

      for (j = 0; j < size; j++)
        script[j] = j < header ? g_test_rand_int_range (0, 256)
                               : alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
      aio_reader_model_run (script, size);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aio/reader-model/generated-scripts", test_generated_scripts);
  return g_test_run ();
}

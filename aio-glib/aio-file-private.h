/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A G_IO_ERROR for @saved_errno, worded "@what “@path”: strerror". */
void _aio_file_set_errno_error (GError     **error,
                                int          saved_errno,
                                const char  *what,
                                const char  *path) G_GNUC_INTERNAL;

G_END_DECLS

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Takes a reference to a binding's @closure (sinking a floating one) and
 * gives it the generic marshaller if it has none; returns @closure.
 */
GClosure *_aio_closure_take (GClosure *closure) G_GNUC_INTERNAL;

G_END_DECLS

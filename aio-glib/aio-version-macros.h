/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <glib.h>

#include "aio-version.h"

#ifndef _AIO_EXTERN
# define _AIO_EXTERN __attribute__((visibility("default"))) extern
#endif

#define AIO_VERSION_1_0 (AIO_ENCODE_VERSION (1, 0, 0))

#ifndef AIO_VERSION_MIN_REQUIRED
# define AIO_VERSION_MIN_REQUIRED (AIO_VERSION_1_0)
#endif

#ifndef AIO_VERSION_MAX_ALLOWED
# define AIO_VERSION_MAX_ALLOWED (AIO_ENCODE_VERSION (AIO_MAJOR_VERSION, AIO_MINOR_VERSION, 0))
#endif

/**
 * AIO_DEPRECATED_FOR:
 * @f: the symbol to use instead
 *
 * Marks a declaration as deprecated in favour of @f; defining
 * `AIO_DISABLE_DEPRECATION_WARNINGS` silences the warning.
 *
 * Since: 1.0
 */

/**
 * AIO_UNAVAILABLE:
 * @maj: the major version that introduced the symbol
 * @min: the minor version that introduced the symbol
 *
 * Marks a declaration that is newer than %AIO_VERSION_MAX_ALLOWED, so
 * using it warns.
 *
 * Since: 1.0
 */
#ifdef AIO_DISABLE_DEPRECATION_WARNINGS
# define AIO_DEPRECATED _AIO_EXTERN
# define AIO_DEPRECATED_FOR(f) _AIO_EXTERN
# define AIO_UNAVAILABLE(maj,min) _AIO_EXTERN
#else
# define AIO_DEPRECATED G_DEPRECATED _AIO_EXTERN
# define AIO_DEPRECATED_FOR(f) G_DEPRECATED_FOR (f) _AIO_EXTERN
# define AIO_UNAVAILABLE(maj,min) G_UNAVAILABLE (maj, min) _AIO_EXTERN
#endif

#define AIO_AVAILABLE_IN_ALL _AIO_EXTERN

#if AIO_VERSION_MAX_ALLOWED < AIO_VERSION_1_0
# define AIO_AVAILABLE_IN_1_0 AIO_UNAVAILABLE (1, 0)
#else
# define AIO_AVAILABLE_IN_1_0 _AIO_EXTERN
#endif

/**
 * AIO_DEPRECATED_IN_1_0_FOR:
 * @f: the symbol to use instead
 *
 * Marks a declaration deprecated since 1.0 in favour of @f, when
 * %AIO_VERSION_MIN_REQUIRED is 1.0 or later.
 *
 * Since: 1.0
 */
#if AIO_VERSION_MIN_REQUIRED >= AIO_VERSION_1_0
# define AIO_DEPRECATED_IN_1_0 AIO_DEPRECATED
# define AIO_DEPRECATED_IN_1_0_FOR(f) AIO_DEPRECATED_FOR (f)
#else
# define AIO_DEPRECATED_IN_1_0 _AIO_EXTERN
# define AIO_DEPRECATED_IN_1_0_FOR(f) _AIO_EXTERN
#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* AddressSanitizer has to be told about every stack we switch to, and
 * about stack memory that a finished coroutine leaves poisoned.  AIO_ASAN
 * is set when this file is built with it (GCC or clang).
 */
#if defined(__SANITIZE_ADDRESS__)
# define AIO_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define AIO_ASAN 1
# endif
#endif

#ifdef AIO_ASAN
# include <sanitizer/asan_interface.h>
# include <sanitizer/common_interface_defs.h>
#endif

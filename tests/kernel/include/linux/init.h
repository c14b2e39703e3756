/* SPDX-License-Identifier: MIT */
/* Init and exit sections do not exist in userspace. */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H
#define __init
#define __exit
#endif

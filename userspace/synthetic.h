/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* synthetic: 'clonegate events --synthetic N' (see synthetic.c). */
#ifndef CLONEGATE_SYNTHETIC_H
#define CLONEGATE_SYNTHETIC_H

#include <linux/types.h>

struct reader;

/* N made-up records through the reader and its sinks, timed. EXIT_* code. */
int synthetic_run(struct reader *r, unsigned long long n, __u32 fields);

#endif /* CLONEGATE_SYNTHETIC_H */

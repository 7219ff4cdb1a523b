/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* profile_show: a profile as 'clonegate profile show' prints it. */
#ifndef CLONEGATE_PROFILE_SHOW_H
#define CLONEGATE_PROFILE_SHOW_H

#include "profile_file.h"

/* One JSON object and a newline on stdout. */
void profile_show_json(const struct profile *pf);

/* The text form, several lines on stdout. */
void profile_show_text(const struct profile *pf);

#endif

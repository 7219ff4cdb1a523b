// SPDX-License-Identifier: GPL-2.0
/*
 * bypass.c's clone-family cases against the BPF backend, with the module
 * unloaded: see bypass.c and bpf_backend.h.
 */
#define T_BPF	1
#include "bypass.c"

// SPDX-License-Identifier: GPL-2.0
/*
 * policy_rules.c's rows against the BPF backend, with the module unloaded:
 * see rules_bpf.h and bpf_backend.h.
 */
#define T_BPF	1
#include "policy_rules.c"

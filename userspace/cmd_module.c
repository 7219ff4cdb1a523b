// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clonegate module: load and unload clonegate.ko. A path is loaded with
 * finit_module(2) directly, so no kmod tools are needed (the test guests
 * have none); without a path, /clonegate/clonegate.ko, else modprobe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmds.h"
#include "ctl.h"
#include "diag.h"
#include "opts.h"

#define DEFAULT_KO	"/clonegate/clonegate.ko"

static int load_help(void)
{
	printf("Usage: clonegate module load [PATH]\n"
	       "\n"
	       "Load the clonegate kernel module from PATH with finit_module(2). Without\n"
	       "PATH: %s if it exists, else 'modprobe %s'.\n"
	       "The module must be built for the running kernel. Needs CAP_SYS_MODULE.\n",
	       DEFAULT_KO, CLONEGATE_MODULE_NAME);
	return EXIT_OK;
}

static int unload_help(void)
{
	printf("Usage: clonegate module unload\n"
	       "\n"
	       "Unload the clonegate kernel module with delete_module(2). Fails while\n"
	       "something still uses it. Needs CAP_SYS_MODULE.\n");
	return EXIT_OK;
}

static int do_module_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Usage: clonegate module { load [PATH] | unload | help }\n"
	       "\n"
	       "  load [PATH]  load clonegate.ko (default %s, else modprobe)\n"
	       "  unload       unload it\n",
	       DEFAULT_KO);
	return EXIT_OK;
}

static int report_load_error(int err, const char *path)
{
	struct utsname u;
	const char *rel = uname(&u) == 0 ? u.release : "the running kernel";

	switch (err) {
	case EEXIST:
		p_err("module already loaded (run 'clonegate module unload' first)");
		break;
	case EPERM:
		if (geteuid() != 0)
			p_err("permission denied: loading a module needs CAP_SYS_MODULE (run as root)");
		else
			p_err("permission denied: the kernel refuses to load modules (kernel.modules_disabled=1, lockdown, or a security module)");
		break;
	case ENOSYS:
		p_err("this kernel was built without module support (CONFIG_MODULES=n)");
		break;
	case ENOEXEC:
		p_err("'%s' is not a loadable module for %s: wrong architecture or version magic (rebuild it for %s; see dmesg)",
		      path, rel, rel);
		break;
	case EINVAL:
		p_err("the kernel rejected '%s' (rebuild it for %s; see dmesg for why)", path, rel);
		break;
	case EKEYREJECTED:
	case EBADMSG:
	case ENOKEY:
		p_err("the kernel rejected the signature of '%s': %s (sign it, or boot without module.sig_enforce)",
		      path, strerror(err));
		break;
	case EBUSY:
		p_err("the module is being loaded or unloaded by someone else; retry");
		break;
	default:
		p_err("loading '%s': %s (see dmesg)", path, strerror(err));
	}
	return EXIT_FAIL;
}

static int load_path(const char *path)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			p_err("'%s' does not exist (build the module, or give its path)", path);
		else if (errno == EACCES)
			p_err("permission denied reading '%s' (run as root)", path);
		else
			p_err("cannot open '%s': %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	ret = syscall(SYS_finit_module, fd, "", 0);
	if (ret < 0) {
		int err = errno;

		close(fd);
		return report_load_error(err, path);
	}
	close(fd);
	return EXIT_OK;
}

static int load_modprobe(void)
{
	char *argv[] = { "modprobe", CLONEGATE_MODULE_NAME, NULL };
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		p_err("cannot run modprobe: fork: %s", strerror(errno));
		return EXIT_FAIL;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			p_err("waiting for modprobe: %s", strerror(errno));
			return EXIT_FAIL;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return EXIT_OK;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		p_err("no %s and no modprobe: give the module's path ('clonegate module load PATH')",
		      DEFAULT_KO);
	else
		p_err("'modprobe %s' failed: install the module for this kernel, or give its path ('clonegate module load PATH')",
		      CLONEGATE_MODULE_NAME);
	return EXIT_FAIL;
}

static int module_load(int argc, char **argv)
{
	const char *where = "clonegate module load";
	const char *path = NULL;
	int ret;

	ret = parse_simple_opts(argc, argv, where, load_help);
	if (ret >= 0)
		return ret;
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);

	if (ctl_module_loaded()) {
		p_err("module already loaded (run 'clonegate module unload' first)");
		return EXIT_FAIL;
	}
	if (path)
		return load_path(path);
	if (access(DEFAULT_KO, F_OK) == 0)
		return load_path(DEFAULT_KO);
	return load_modprobe();
}

static int module_unload(int argc, char **argv)
{
	const char *where = "clonegate module unload";
	char refcnt[32] = "";
	int ret, fd;
	ssize_t n;

	ret = parse_simple_opts(argc, argv, where, unload_help);
	if (ret >= 0)
		return ret;
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);

	/* Flags 0: no O_NONBLOCK, no O_TRUNC (never forced). */
	if (syscall(SYS_delete_module, CLONEGATE_MODULE_NAME, 0) == 0)
		return EXIT_OK;

	switch (errno) {
	case ENOENT:
		p_err("module not loaded (nothing to unload)");
		break;
	case EPERM:
		if (geteuid() != 0)
			p_err("permission denied: unloading a module needs CAP_SYS_MODULE (run as root)");
		else
			p_err("permission denied: the kernel refuses to unload modules (kernel.modules_disabled=1 or lockdown)");
		break;
	case EWOULDBLOCK:
		fd = open(CLONEGATE_SYSFS_MODULE "/refcnt", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, refcnt, sizeof(refcnt) - 1);
			refcnt[n > 0 ? n : 0] = '\0';
			refcnt[strcspn(refcnt, "\n")] = '\0';
			close(fd);
		}
		p_err("module is in use%s%s%s: stop the processes that hold %s open and retry",
		      refcnt[0] ? " (refcnt " : "", refcnt, refcnt[0] ? ")" : "",
		      CLONEGATE_DEVICE);
		break;
	case EBUSY:
		p_err("the module is still being loaded or unloaded; retry");
		break;
	case ENOSYS:
		p_err("this kernel was built without module support (CONFIG_MODULES=n)");
		break;
	default:
		p_err("unloading the module: %s", strerror(errno));
	}
	return EXIT_FAIL;
}

static const struct cmd cmds[] = {
	{ "load",	module_load },
	{ "unload",	module_unload },
	{ "help",	do_module_help },
	{ 0 }
};

int do_module(int argc, char **argv)
{
	return cmd_select(cmds, argc - 1, argv + 1, do_module_help, "clonegate module");
}

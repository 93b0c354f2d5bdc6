/*
 * The conformance tests' two helpers (Pid1ConformanceIT), one program:
 *   pid1probe exec ARGV ENV FDS IGNORED   execs ARGV (a file of NUL-terminated strings) with exactly the environment
 *       in ENV (the same), after closing ("c0") or opening ("o3=/path") descriptors as FDS says ("-" for none,
 *       "c0,o3=/etc/hostname"), setting every signal to its default and then ignoring those listed in IGNORED ("-", or "1,13"): what a caller can hand an
 *       init that the JDK's ProcessBuilder cannot (bytes, duplicate names, entries without '=', closed descriptors).
 *   pid1probe report FILE [ARG...]        COMMAND: writes to FILE what it was given, one item a line: each open
 *       descriptor and its target, argv and environ as hex bytes, SigBlk, SigIgn and SigCgt, whether it leads its own
 *       process group and session, and whether its process group, and its parent's, hold the terminal on stdin.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char **entries(const char *path) {
    static char buffer[2][1 << 20];
    static int which = 0;
    char *block = buffer[which++];
    FILE *file = fopen(path, "r");
    if (file == NULL) { perror(path); exit(97); }
    size_t length = fread(block, 1, (1 << 20) - 1, file);
    fclose(file);
    char **list = calloc(length + 2, sizeof *list);
    size_t n = 0;
    for (size_t start = 0; start < length; start += strlen(block + start) + 1) list[n++] = block + start;
    return list;
}

static int exec(char **argv) {
    char **args = entries(argv[2]), **env = entries(argv[3]);
    for (char *fd = strtok(argv[4], ","); fd != NULL && strcmp(fd, "-") != 0; fd = strtok(NULL, ",")) {
        int number = atoi(fd + 1);
        if (fd[0] == 'c') close(number);
        else if (fd[0] == 'o') { int opened = open(strchr(fd, '=') + 1, O_RDONLY); dup2(opened, number); if (opened != number) close(opened); }
    }
    /* Every signal at its default first, even glibc's own 32 and 33 that the test's JVM (its posix_spawn) leaves
     * ignored and glibc's sigaction refuses to touch: the kernel's call, with an all-zero struct (SIG_DFL). */
    for (int sig = 1; sig <= 64; sig++) {
        long action[8] = {0};
        if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, action, NULL, 8);
    }
    for (char *sig = strtok(argv[5], ","); sig != NULL && strcmp(sig, "-") != 0; sig = strtok(NULL, ",")) signal(atoi(sig), SIG_IGN);
    execve(args[0], args, env);
    perror(args[0]);
    return 98;
}

static void hex(FILE *out, const char *label, const char *path) {
    FILE *file = fopen(path, "r");
    fprintf(out, "%s", label);
    for (int c; file != NULL && (c = fgetc(file)) != EOF;) fprintf(out, " %02x", c);
    fprintf(out, "\n");
    if (file != NULL) fclose(file);
}

static int report(char **argv) {
    FILE *out = fopen(argv[2], "w");
    if (out == NULL) { perror(argv[2]); return 96; }
    DIR *dir = opendir("/proc/self/fd");
    for (struct dirent *e = readdir(dir); e != NULL; e = readdir(dir)) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] == '.' || fd == dirfd(dir) || fd == fileno(out)) continue;
        char path[64], target[4096] = "";
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (readlink(path, target, sizeof target - 1) < 0) strcpy(target, "?");
        fprintf(out, "fd %d %s\n", fd, target);
    }
    closedir(dir);
    hex(out, "argv", "/proc/self/cmdline");
    hex(out, "environ", "/proc/self/environ");
    FILE *status = fopen("/proc/self/status", "r");
    char line[512];
    while (fgets(line, sizeof line, status) != NULL) {
        if (!strncmp(line, "SigBlk", 6) || !strncmp(line, "SigIgn", 6) || !strncmp(line, "SigCgt", 6)) fputs(line, out);
    }
    fclose(status);
    pid_t pid = getpid(), foreground = tcgetpgrp(0);
    fprintf(out, "own process group %d\nsession leader %d\nforeground %d\nparent foreground %d\n", getpgrp() == pid,
            getsid(0) == pid, foreground == getpgrp(), foreground == getpgid(getppid()));
    fclose(out);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 6 && strcmp(argv[1], "exec") == 0) return exec(argv);
    if (argc >= 3 && strcmp(argv[1], "report") == 0) return report(argv);
    fprintf(stderr, "usage: pid1probe exec ARGV ENV FDS IGNORED | pid1probe report FILE [ARG...]\n");
    return 2;
}

/*
 * proa's launcher, /opt/proa/bin/proa: a static executable, so that it runs in any image, even one built FROM scratch
 * with no shell and no C library. It starts proa's own Java runtime through the dynamic loader and C library shipped
 * beside it (runtime/libc/), never the image's: the loader is run by its path, with the runtime's own library path, so
 * nothing about it depends on where /opt/proa is, and nothing is added to the environment that COMMAND inherits.
 *
 * Its duties, each below: hold every signal proa forwards, from its first instruction (hold_signals); find its own
 * directory (through symlinks, from any working directory); tell proa what the JVM hides from it, in system properties
 * that no environment holds: which signals were ignored when it started, which descriptors were open, and the
 * environment exactly as it was given (for COMMAND), since the JVM's own differs (the variables meant for the user's
 * own Java program kept away, HotSpot's suspend signal moved); use the AOT cache when it is there; pass the JVM flags
 * (see the README's Performance section) and PROA_JVM_OPTIONS. It writes nothing.
 *
 * Why C and not the JDK's jpackage launcher: that one is linked against the C library, so it would itself need the
 * image's loader (the README's "Putting proa into your image" has the measurements). No library offers this.
 *
 * Built by src/build/dist: musl-gcc -static -DPROA_LOADER='"<the loader's file name>"'.
 */
#define _GNU_SOURCE /* asprintf, memfd_create, syscall */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PROA_LOADER
#error "PROA_LOADER: the file name of the runtime's dynamic loader, e.g. \"ld-linux-x86-64.so.2\""
#endif

extern char **environ;

/* The JVM would read these, meant for the user's own Java program: proa's JVM does not get them, and proa gives
 * COMMAND the environment exactly as it was (see hand_over_environment). LD_PRELOAD and LD_AUDIT would load the
 * image's libraries into proa's runtime, which has a C library of its own. _JAVA_SR_SIGNUM: proa's JVM gets its own
 * (see hold_signals). */
static const char *const KEPT[] = {"JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "_JAVA_SR_SIGNUM",
                                   "LD_PRELOAD", "LD_AUDIT"};
#define KEPT_COUNT (sizeof KEPT / sizeof KEPT[0])

/* A short-lived, mostly idle wrapper: see the README's Performance section for what each flag is worth. */
static const char *const JVM_FLAGS[] = {
    "-Xlog:aot=off", "-Xlog:cds=off", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
    "-XX:+DisplayVMOutputToStderr", "-Xss512k", "-Xms8m", "-Xmx64m", "-XX:MaxHeapFreeRatio=20",
    "-XX:MinHeapFreeRatio=10",
    /* The AOT cache mapped where it was built to go, not relocated: relocated pages are written, so private to the
     * process (15 MiB of them, measured); unrelocated ones stay the file's, shared and reclaimable. Should the address
     * be taken, the JVM relocates after all. */
    "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
    /* The AOT cache's training run records no profiles or compilations: C1 alone uses no profile, and replaying the
     * training's compilations at every start compiled at once what the whole training run had found hot, much of
     * it never run before COMMAND (measured: 11 % of the start on one core). Only the cache's creation reads it.
     * Nor is there anything to replay: without it, the JVM still started a replay thread that took 10 ms of CPU
     * (measured: start and CPU a little lower, on one core and unlimited). */
    "-XX:-AOTRecordTraining", "-XX:-AOTReplayTraining",
    /* C1 compiles a method after twice its usual count of calls: fewer compilations of code the start runs a few
     * times, which on one core share it with the start (measured: start, CPU and memory each a little lower). */
    "-XX:CompileThresholdScaling=2",
    /* One method left to the interpreter: C1 compiling the class-file API's stack map loop, which FFM runs as it makes
     * each downcall's class, took a 6.3 MiB arena that the JVM keeps pooled for seconds and glibc keeps after that
     * (measured: private memory 2 s into COMMAND 38.6 → 33.5 MiB, start and CPU no worse). quiet: the JVM prints no
     * line about the exclusion. */
    "-XX:CompileCommand=quiet", "-XX:CompileCommand=exclude,jdk.internal.classfile.impl.StackMapGenerator::processBlock",
    /* What the compiler's arenas held at the start, the JVM frees within 5 s and glibc keeps: the JVM's trimmer gives
     * it back to the system every 5 s (measured: private memory 10 s into COMMAND 33.3 → 32.3 MiB, start no worse). */
    "-XX:TrimNativeHeapInterval=5000",
    /* Signals are proa's, not the JVM's: with -Xrs HotSpot leaves SIGHUP, SIGINT, SIGTERM and SIGQUIT blocked, as
     * hold_signals() left them, so proa reads every one from a signalfd (process/Signals.java), none is lost
     * before that, and SIGQUIT is forwarded like the others instead of printing a thread dump. */
    "-Xrs",
    /* proa starts COMMAND with posix_spawn itself; the JDK's own way to start a child (only the AOT cache's training
     * run does: it assembles the cache in a child JVM) goes through its helper jspawnhelper, which the dist leaves
     * out: fork and exec directly instead. */
    "-Djdk.lang.Process.launchMechanism=FORK",
};
#define JVM_FLAG_COUNT (sizeof JVM_FLAGS / sizeof JVM_FLAGS[0])

static void fail(const char *what, const char *path) {
    fprintf(stderr, "proa: %s %s: %s. Is /opt/proa complete (copied whole from proa's image)?\n", what, path,
            strerror(errno));
    exit(125); /* proa-failed, before any option is read: not remapped (README, "Exit status") */
}

static char *joined(const char *a, const char *b) {
    size_t length = strlen(a) + strlen(b) + 1;
    char *both = malloc(length);
    if (both == NULL) fail("out of memory joining", a);
    snprintf(both, length, "%s%s", a, b);
    return both;
}

/* Where proa's runtime finds its libraries: the JDK's own, then the C library it was built against. */
static char *library_path(const char *dir) {
    char *path = NULL;
    if (asprintf(&path, "%s/runtime/lib:%s/runtime/lib/server:%s/runtime/libc", dir, dir, dir) < 0) {
        fail("out of memory joining", dir);
    }
    return path;
}

/* The installation directory: this executable's, less "/bin/proa". */
static char *home(const char *argv0) {
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length > 0) {
        self[length] = '\0';
    } else if (strchr(argv0, '/') == NULL || realpath(argv0, self) == NULL) {
        fail("cannot find its own directory: /proc/self/exe is unreadable, and argv[0] is", argv0);
    }
    for (int level = 0; level < 2; level++) {
        char *slash = strrchr(self, '/');
        if (slash == NULL) fail("cannot find its own directory from", self);
        *slash = '\0';
    }
    return strdup(self[0] == '\0' ? "/" : self);
}

static int kept(const char *entry) {
    for (size_t i = 0; i < KEPT_COUNT; i++) {
        size_t length = strlen(KEPT[i]);
        if (strncmp(entry, KEPT[i], length) == 0 && entry[length] == '=') return 1;
    }
    return 0;
}

/*
 * Signals: from this program's first instruction until proa reads them, every signal proa forwards is blocked, so the
 * kernel holds it pending instead of dropping it (a signal left at its default action is dropped when sent to a PID
 * namespace's init, and would kill proa elsewhere); the mask survives execve, and every thread the JVM creates
 * inherits it. The numbers must match process/Signals.java's NOT_FORWARDED. Raw system calls, because musl reserves
 * signal 34 for itself, which the JVM's glibc does not, and sigaddset would refuse it.
 */
#define SR_SIGNAL 64 /* HotSpot's thread suspend/resume signal (_JAVA_SR_SIGNUM), moved off SIGUSR2 to free it */

static int forwardable(int signal) {
    switch (signal) {
    case 4: case 7: case 8: case 11: /* SIGILL, SIGBUS, SIGFPE, SIGSEGV: the JVM's own (implicit null checks...) */
    case 9: case 19: /* SIGKILL, SIGSTOP: cannot be caught */
    case 17: /* SIGCHLD: proa's own, for reaping */
    case 32: case 33: /* the JVM's C library's own (thread cancellation, set*id) */
    case SR_SIGNAL:
        return 0;
    default:
        return signal >= 1 && signal <= 64;
    }
}

static void hold_signals(void) {
    unsigned long long mask = 0;
    for (int signal = 1; signal <= 64; signal++) {
        if (forwardable(signal)) mask |= 1ULL << (signal - 1);
    }
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &mask, NULL, sizeof mask);
}

/* The kernel's struct sigaction: the handler comes first on every Linux architecture. */
struct kernel_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    unsigned long long mask;
};

/* The signals ignored now, as -Dproa.ignored=<a hexadecimal mask, bit N-1 for signal N, as /proc's SigIgn>: they stay
 * ignored for proa (it does not forward them) and for COMMAND, as under tini; the JVM installs handlers of its own for
 * some (PIPE, XFSZ), hiding them. Its presence tells proa that its signals are held. */
static void hand_over_ignored_signals(char **args, size_t *n) {
    unsigned long long ignored = 0;
    for (int signal = 1; signal <= 64; signal++) {
        struct kernel_sigaction action;
        if (signal == 9 || signal == 19) continue;
        if (syscall(SYS_rt_sigaction, signal, NULL, &action, sizeof action.mask) == 0 && action.handler == (void *) 1) {
            ignored |= 1ULL << (signal - 1);
        }
    }
    if (asprintf(&args[(*n)++], "-Dproa.ignored=%llx", ignored) < 0) fail("out of memory for", "the arguments");
}

/* The environment for proa's JVM: the same, less the KEPT variables, with HotSpot's suspend signal moved. Since that
 * always differs from what proa was given, the whole environment as it was (every entry, in order, duplicates and all)
 * goes to proa in a memfd named proa-environ, whose descriptor -Dproa.environ names; proa reads it and gives it to
 * COMMAND, which never gets the descriptor. */
static char **hand_over_environment(char **args, size_t *n) {
    size_t count = 0, left = 0;
    while (environ[count] != NULL) count++;
    char **env = calloc(count + 3, sizeof *env);
    if (env == NULL) fail("out of memory copying", "the environment");
    for (size_t i = 0; i < count; i++) {
        if (!kept(environ[i])) env[left++] = environ[i];
    }
    if (asprintf(&env[left], "_JAVA_SR_SIGNUM=%d", SR_SIGNAL) < 0) fail("out of memory for", "the signals");
    int fd = memfd_create("proa-environ", 0); /* no MFD_CLOEXEC: the JVM inherits it */
    if (fd < 0) fail("cannot hand the environment over to proa in", "a memfd (memfd_create)");
    for (size_t i = 0; i < count; i++) {
        size_t length = strlen(environ[i]) + 1;
        if (write(fd, environ[i], length) != (ssize_t) length) fail("cannot write the environment to", "a memfd");
    }
    if (asprintf(&args[(*n)++], "-Dproa.environ=%d", fd) < 0) fail("out of memory for", "the arguments");
    return env;
}

/* The descriptors open now, as -Dproa.fds=0,1,2,...: the JVM opens its own files on the lowest free descriptor, so a
 * closed stdin would become its lib/modules, and COMMAND is to get exactly these. A closed 0, 1 or 2 is held with
 * /dev/null until proa starts COMMAND with it closed. */
static void hand_over_descriptors(char **args, size_t *n) {
    char *list = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&list, &length);
    DIR *dir = opendir("/proc/self/fd");
    if (out == NULL) fail("out of memory for", "the arguments");
    if (dir == NULL) return; /* no /proc: proa finds them itself */
    int separator = 0;
    for (struct dirent *entry = readdir(dir); entry != NULL; entry = readdir(dir)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9' || atoi(entry->d_name) == dirfd(dir)) continue;
        fprintf(out, "%s%s", separator++ ? "," : "", entry->d_name);
    }
    closedir(dir);
    fclose(out);
    if (asprintf(&args[(*n)++], "-Dproa.fds=%s", list) < 0) fail("out of memory for", "the arguments");
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int null = open("/dev/null", O_RDWR);
            if (null >= 0 && null != fd) close(null); /* the lowest free one is fd, unless /dev/null is missing */
        }
    }
}

int main(int argc, char **argv) {
    hold_signals(); /* first: a signal that arrives from here on waits for proa */
    char *dir = home(argv[0]);
    char *loader = joined(dir, "/runtime/libc/" PROA_LOADER);
    char *aot = joined(dir, "/lib/proa.aot");
    char *jvm_options = getenv("PROA_JVM_OPTIONS");
    size_t extra = jvm_options == NULL ? 0 : strlen(jvm_options) / 2 + 1;
    char **args = calloc(16 + JVM_FLAG_COUNT + extra + (size_t) argc, sizeof *args);
    if (args == NULL) fail("out of memory for", "the arguments");

    size_t n = 0;
    args[n++] = loader;
    args[n++] = "--inhibit-cache"; /* not the image's /etc/ld.so.cache: its libraries are not proa's */
    args[n++] = "--library-path"; /* the runtime's libraries, then its C library; never the image's */
    args[n++] = library_path(dir);
    args[n++] = joined(dir, "/runtime/bin/java");
    /* A missing or stale AOT cache costs only speed: the JVM then starts without it, and says nothing. */
    if (access(aot, R_OK) == 0) args[n++] = joined("-XX:AOTCache=", aot);
    for (size_t i = 0; i < JVM_FLAG_COUNT; i++) args[n++] = (char *) JVM_FLAGS[i];
    hand_over_ignored_signals(args, &n);
    hand_over_descriptors(args, &n); /* before the memfd: COMMAND is not to get it */
    char **env = hand_over_environment(args, &n);
    /* PROA_JVM_OPTIONS: extra JVM flags, split at white space, e.g. "-Xmx128m -Xlog:gc". */
    if (jvm_options != NULL) {
        for (char *flag = strtok(strdup(jvm_options), " \t\n"); flag != NULL; flag = strtok(NULL, " \t\n")) {
            args[n++] = flag;
        }
    }
    args[n++] = "-jar";
    args[n++] = joined(dir, "/lib/proa.jar");
    for (int i = 1; i < argc; i++) args[n++] = argv[i];
    args[n] = NULL;

    execve(loader, args, env);
    fail("cannot start its Java runtime through", loader);
    return 125;
}

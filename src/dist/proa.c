/*
 * proa's launcher, /opt/proa/bin/proa: a static executable, so that it runs in any image, even one built FROM scratch
 * with no shell and no C library. It starts proa's own Java runtime through the dynamic loader and C library shipped
 * beside it (runtime/libc/), never the image's: the loader is run by its path, with the runtime's own library path, so
 * nothing about it depends on where /opt/proa is, and nothing is added to the environment that COMMAND inherits.
 *
 * Its duties, each below: hold every signal proa forwards, from its first instruction (hold_signals); find its own
 * directory (through symlinks, from any working directory); keep the variables meant for the user's own programs away
 * from proa's JVM and hand them back to COMMAND; use the AOT cache when it is there; pass the JVM flags (see the
 * README's Performance section) and PROA_JVM_OPTIONS. It writes nothing.
 *
 * Why C and not the JDK's jpackage launcher: that one is linked against the C library, so it would itself need the
 * image's loader (the README's "Putting proa into your image" has the measurements). No library offers this.
 *
 * Built by src/build/dist: musl-gcc -static -DPROA_LOADER='"<the loader's file name>"'.
 */
#define _GNU_SOURCE /* asprintf, syscall */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PROA_LOADER
#error "PROA_LOADER: the file name of the runtime's dynamic loader, e.g. \"ld-linux-x86-64.so.2\""
#endif

extern char **environ;

/* The JVM would read these, meant for the user's own Java program: proa's JVM gets them as PROA_KEEP_<name>, and proa
 * gives them back to COMMAND under their own names. LD_PRELOAD and LD_AUDIT would load the image's libraries into
 * proa's runtime, which has a C library of its own; COMMAND gets them back too. */
static const char *const KEPT[] = {"JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "_JAVA_SR_SIGNUM",
                                   "LD_PRELOAD", "LD_AUDIT"};
#define KEPT_COUNT (sizeof KEPT / sizeof KEPT[0])
#define KEEP_PREFIX "PROA_KEEP_"

/* A short-lived, mostly idle wrapper: see the README's Performance section for what each flag is worth. */
static const char *const JVM_FLAGS[] = {
    "-Xlog:aot=off", "-Xlog:cds=off", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
    "-XX:+DisplayVMOutputToStderr", "-Xss512k", "-Xms8m", "-Xmx64m", "-XX:MaxHeapFreeRatio=20",
    "-XX:MinHeapFreeRatio=10",
    /* Signals are proa's, not the JVM's: with -Xrs HotSpot leaves SIGHUP, SIGINT, SIGTERM and SIGQUIT blocked, as
     * hold_signals() left them, so proa reads every one from a signalfd (process/Signals.java), none is lost
     * before that, and SIGQUIT is forwarded like the others instead of printing a thread dump. */
    "-Xrs",
    /* The JDK starts a child through its helper executable jspawnhelper, whose loader would be the image's: fork and
     * exec COMMAND directly instead, so COMMAND gets the image's own loader and libraries. */
    "-Djdk.lang.Process.launchMechanism=FORK",
};
#define JVM_FLAG_COUNT (sizeof JVM_FLAGS / sizeof JVM_FLAGS[0])

static void fail(const char *what, const char *path) {
    fprintf(stderr, "proa: %s %s: %s. Is /opt/proa complete (copied whole from proa's image)?\n", what, path,
            strerror(errno));
    exit(125); /* as proa itself when it cannot start COMMAND */
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
 * inherits it. The numbers must match process/Signals.java's FORWARDABLE. Raw system calls, because musl reserves
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

/* "PROA_IGNORED_SIGNALS=1,13": the signals ignored when proa started (nohup's SIGHUP), which stay ignored for proa
 * and COMMAND. Its presence tells proa that its signals are held. */
static char *ignored_signals(void) {
    char *list = calloc(1, sizeof "PROA_IGNORED_SIGNALS=" + 64 * 3);
    if (list == NULL) fail("out of memory for", "the signals");
    strcpy(list, "PROA_IGNORED_SIGNALS=");
    const char *comma = "";
    for (int signal = 1; signal <= 64; signal++) {
        struct kernel_sigaction action;
        if (!forwardable(signal)) continue;
        if (syscall(SYS_rt_sigaction, signal, NULL, &action, sizeof action.mask) == 0 && action.handler == (void *) 1) {
            sprintf(list + strlen(list), "%s%d", comma, signal);
            comma = ",";
        }
    }
    return list;
}

/* The environment for proa's JVM: the same, with each KEPT variable renamed PROA_KEEP_<name>, and the signals' two:
 * which were ignored, and HotSpot's suspend/resume signal. proa removes both from COMMAND's. */
static char **environment(void) {
    size_t count = 0;
    while (environ[count] != NULL) count++;
    char **env = calloc(count + 3, sizeof *env);
    if (env == NULL) fail("out of memory copying", "the environment");
    for (size_t i = 0; i < count; i++) env[i] = kept(environ[i]) ? joined(KEEP_PREFIX, environ[i]) : environ[i];
    env[count] = ignored_signals();
    if (asprintf(&env[count + 1], "_JAVA_SR_SIGNUM=%d", SR_SIGNAL) < 0) fail("out of memory for", "the signals");
    return env;
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

    execve(loader, args, environment());
    fail("cannot start its Java runtime through", loader);
    return 125;
}

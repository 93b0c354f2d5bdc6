package dev.proa.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * Starts COMMAND with glibc's posix_spawnp(3), called as {@link Libc} calls libc, instead of the JDK's ProcessBuilder,
 * which cannot do what a PID 1 owes COMMAND: argv and environment as bytes (the JDK re-encodes them, and rebuilds the
 * environment from a map), the descriptors proa was given (the JDK closes all but 0-2, and a closed one became the
 * JVM's lib/modules), the signals of {@link CommandSignals} (the JDK's spawn left glibc's signals 32 and 33 ignored), a process group of COMMAND's own and the terminal's foreground, and no /bin/sh for an executable that is
 * not one (the /bin/sh fallback of execvp, and of posix_spawnp before glibc 2.29, for ENOEXEC). glibc's posix_spawn
 * clones with CLONE_VFORK and a stack of its own: safe in a JVM. posix_spawn_file_actions_addtcsetpgrp_np (glibc
 * 2.35) and _addclosefrom_np (2.34) are in the glibc proa's dist bundles (Debian 12's 2.36). No library offers this.
 */
final class Spawn {
    private static final short SETPGROUP = 0x02;
    private static final short SETSIGDEF = 0x04;
    private static final short SETSIGMASK = 0x08;
    /** Generous sizes for glibc's opaque structures (336 and 80 bytes on x86_64 and arm64). */
    private static final long ATTR_SIZE = 1024;
    private static final long ACTIONS_SIZE = 512;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SPAWNP = function("posix_spawnp", ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    private static final MethodHandle ATTR_INIT = function("posix_spawnattr_init", ValueLayout.ADDRESS);
    private static final MethodHandle ATTR_FLAGS = function("posix_spawnattr_setflags", ValueLayout.ADDRESS,
            ValueLayout.JAVA_SHORT);
    private static final MethodHandle ATTR_SIGDEF = function("posix_spawnattr_setsigdefault", ValueLayout.ADDRESS,
            ValueLayout.ADDRESS);
    private static final MethodHandle ATTR_SIGMASK = function("posix_spawnattr_setsigmask", ValueLayout.ADDRESS,
            ValueLayout.ADDRESS);
    private static final MethodHandle ATTR_PGROUP = function("posix_spawnattr_setpgroup", ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT);
    private static final MethodHandle ATTR_DESTROY = function("posix_spawnattr_destroy", ValueLayout.ADDRESS);
    private static final MethodHandle ACTIONS_INIT = function("posix_spawn_file_actions_init", ValueLayout.ADDRESS);
    private static final MethodHandle ADD_CLOSE = function("posix_spawn_file_actions_addclose", ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT);
    /** glibc 2.34's and 2.35's: absent from an older glibc, or musl, under java -jar (then null). */
    private static final MethodHandle ADD_CLOSEFROM = optional("posix_spawn_file_actions_addclosefrom_np",
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle ADD_TCSETPGRP = optional("posix_spawn_file_actions_addtcsetpgrp_np",
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    /** Linked on first use: only a signal ignored when proa started needs it. */
    private static final class Sigaction {
        static final MethodHandle SIGACTION = function("sigaction", ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS);
    }

    /** glibc's struct sigaction: the handler first (1 is SIG_IGN), 152 bytes on x86_64 and arm64. */
    private static final long SIGACTION_SIZE = 256;
    private static final long SIG_IGN = 1;
    private static final MethodHandle ACTIONS_DESTROY = function("posix_spawn_file_actions_destroy", ValueLayout.ADDRESS);

    /**
     * What COMMAND gets: {@code argv} and {@code environment} as bytes; the descriptors in {@code close} closed, and
     * every one from {@code closeFrom} on; the signal mask and dispositions of {@code signals}; a process group of its
     * own, made the foreground process group of the terminal on stdin when {@code terminal}.
     */
    record Request(List<byte[]> argv, List<byte[]> environment, List<Integer> close, int closeFrom,
            CommandSignals signals, boolean terminal) {}

    /** posix_spawnp's answer: the pid, or the errno why COMMAND could not be started (0 when it was). */
    record Result(long pid, int errno) {}

    private Spawn() {}

    private static MethodHandle function(String name, ValueLayout... arguments) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, arguments));
    }

    private static MethodHandle optional(String name, ValueLayout... arguments) {
        return LINKER.defaultLookup().find(name).map(address -> LINKER.downcallHandle(address,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, arguments))).orElse(null);
    }

    /**
     * Whether this C library can make COMMAND the terminal's foreground process group. Without it COMMAND stays in
     * proa's process group on a terminal, where a group of its own would be stopped by its first read (SIGTTIN).
     */
    static boolean canGiveTheTerminal() {
        return ADD_TCSETPGRP != null;
    }

    static Result start(Request request) {
        return prepared(request, (arena, attr, actions, argv, env) -> {
            MemorySegment pid = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment file = argv.getAtIndex(ValueLayout.ADDRESS, 0);
            MemorySegment[] handlers = ignoreForTheSpawn(arena, request.signals());
            int errno;
            try {
                errno = (int) SPAWNP.invokeExact(pid, file, actions, attr, argv, env);
            } finally {
                restore(handlers);
            }
            return new Result(errno == 0 ? pid.get(ValueLayout.JAVA_INT, 0) : 0, errno);
        });
    }

    /**
     * Everything {@link #start} does for {@code request} but posix_spawnp itself and the signal dispositions: it
     * changes nothing in the process. A downcall's first invocation links its invoker, a few milliseconds cold for
     * each of posix_spawn's attributes and file actions, which COMMAND's start, once the sidecars are ready, then
     * does not wait for (measured: the README's Performance section).
     */
    static void rehearse(Request request) {
        prepared(request, (arena, attr, actions, argv, env) -> null);
    }

    /** What {@link #start} and {@link #rehearse} do with posix_spawn's arguments made. */
    private interface WithArguments {
        Result with(Arena arena, MemorySegment attr, MemorySegment actions, MemorySegment argv, MemorySegment env)
                throws Throwable;
    }

    private static Result prepared(Request request, WithArguments then) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 16);
            MemorySegment actions = arena.allocate(ACTIONS_SIZE, 16);
            check((int) ATTR_INIT.invokeExact(attr));
            check((int) ACTIONS_INIT.invokeExact(actions));
            try {
                attributes(arena, attr, request);
                fileActions(actions, request);
                return then.with(arena, attr, actions, strings(arena, request.argv()),
                        strings(arena, request.environment()));
            } finally {
                int ignored = (int) ACTIONS_DESTROY.invokeExact(actions);
                ignored = (int) ATTR_DESTROY.invokeExact(attr);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("posix_spawnp could not be called", e);
        }
    }

    /**
     * A signal ignored when proa started and caught now (the JVM took it over, as PIPE and XFSZ, whose handlers do
     * nothing) is ignored again for the instant posix_spawn takes: its child resets a caught signal to the default,
     * and keeps an ignored one ignored. Never those proa does not forward ({@link Signals#NOT_FORWARDED}): the JVM
     * lives by them (its null checks, thread suspension), or glibc, or proa's reaping; COMMAND gets those at their
     * defaults. (With -Xrs and the suspend signal moved to 64, QUIT and USR2 are not the JVM's: when ignored at start
     * they are still ignored in proa, and stay so in COMMAND without this.) Returns the handlers to restore, by
     * signal number.
     */
    private static MemorySegment[] ignoreForTheSpawn(Arena arena, CommandSignals signals) throws Throwable {
        MemorySegment[] saved = new MemorySegment[65];
        MemorySegment ignore = arena.allocate(SIGACTION_SIZE, 8);
        ignore.set(ValueLayout.JAVA_LONG, 0, SIG_IGN);
        for (int signal : signals.ignored()) {
            if (Signals.NOT_FORWARDED.containsKey(signal)) continue;
            MemorySegment old = arena.allocate(SIGACTION_SIZE, 8);
            if ((int) Sigaction.SIGACTION.invokeExact(signal, MemorySegment.NULL, old) != 0) continue; // glibc's own, 32-33
            if (old.get(ValueLayout.JAVA_LONG, 0) <= SIG_IGN) continue; // at its default, or ignored still
            if ((int) Sigaction.SIGACTION.invokeExact(signal, ignore, MemorySegment.NULL) == 0) saved[signal] = old;
        }
        return saved;
    }

    private static void restore(MemorySegment[] handlers) throws Throwable {
        for (int signal = 1; signal < handlers.length; signal++) {
            if (handlers[signal] != null) {
                int ignored = (int) Sigaction.SIGACTION.invokeExact(signal, handlers[signal], MemorySegment.NULL);
            }
        }
    }

    private static void attributes(Arena arena, MemorySegment attr, Request request) throws Throwable {
        // Bits set directly, not with sigaddset: glibc's refuses its own signals 32 and 33, which its posix_spawn
        // otherwise leaves ignored in the child.
        MemorySegment defaults = arena.allocate(Libc.SIGSET_SIZE, 8);
        defaults.set(ValueLayout.JAVA_LONG, 0, request.signals().resetToDefaultMask());
        MemorySegment mask = arena.allocate(Libc.SIGSET_SIZE, 8);
        mask.set(ValueLayout.JAVA_LONG, 0, request.signals().mask());
        check((int) ATTR_SIGDEF.invokeExact(attr, defaults));
        check((int) ATTR_SIGMASK.invokeExact(attr, mask));
        check((int) ATTR_PGROUP.invokeExact(attr, 0)); // a group of its own, numbered by its pid
        boolean ownGroup = !request.terminal() || canGiveTheTerminal();
        check((int) ATTR_FLAGS.invokeExact(attr, (short) (SETSIGDEF | SETSIGMASK | (ownGroup ? SETPGROUP : 0))));
    }

    private static void fileActions(MemorySegment actions, Request request) throws Throwable {
        if (request.terminal() && canGiveTheTerminal()) check((int) ADD_TCSETPGRP.invokeExact(actions, 0));
        for (int fd : request.close()) check((int) ADD_CLOSE.invokeExact(actions, fd));
        // Without closefrom, every descriptor open now that is not to be passed on is in request.close().
        if (ADD_CLOSEFROM != null) check((int) ADD_CLOSEFROM.invokeExact(actions, request.closeFrom()));
    }

    /** A NULL-terminated array of NUL-terminated strings, as execve(2) takes them. */
    private static MemorySegment strings(Arena arena, List<byte[]> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            byte[] value = values.get(i);
            MemorySegment string = arena.allocate(value.length + 1L);
            MemorySegment.copy(value, 0, string, ValueLayout.JAVA_BYTE, 0, value.length);
            array.setAtIndex(ValueLayout.ADDRESS, i, string);
        }
        array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static void check(int result) {
        if (result != 0) throw new IllegalStateException("posix_spawn set-up failed with errno " + result);
    }
}

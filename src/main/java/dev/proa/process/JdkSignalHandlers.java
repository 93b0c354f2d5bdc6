package dev.proa.process;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's signal handlers ({@code sun.misc.Signal}, exported by the jdk.unsupported module), for a JVM whose signals
 * are not held. Reached through method handles rather than named in the source: javac warns at every mention of a
 * proprietary API and no option of javac's silences that warning, which would be the one line in every build's output.
 */
final class JdkSignalHandlers {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

    private final Class<?> handlerType;
    private final MethodHandle newSignal;
    private final MethodHandle handle;
    private final MethodHandle number;
    private final MethodHandle name;

    private JdkSignalHandlers() throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        handlerType = Class.forName("sun.misc.SignalHandler");
        newSignal = LOOKUP.findConstructor(signal, MethodType.methodType(void.class, String.class));
        handle = LOOKUP.findStatic(signal, "handle", MethodType.methodType(handlerType, signal, handlerType));
        number = LOOKUP.findVirtual(signal, "getNumber", MethodType.methodType(int.class));
        name = LOOKUP.findVirtual(signal, "getName", MethodType.methodType(String.class));
    }

    /** This JDK's handlers; fails when it has none (a JDK without jdk.unsupported). */
    static JdkSignalHandlers load() throws ReflectiveOperationException {
        return new JdkSignalHandlers();
    }

    /**
     * From now on, signal {@code signalName} ("TERM") is handed to {@code listener} on a thread the JDK starts for it.
     * Throws IllegalArgumentException when this JVM keeps that signal for itself.
     */
    void handle(String signalName, Signals.Listener listener) {
        try {
            MethodHandle received = MethodHandles.lookup().findVirtual(JdkSignalHandlers.class, "received",
                    MethodType.methodType(void.class, Signals.Listener.class, Object.class))
                    .bindTo(this).bindTo(listener);
            Object handler = MethodHandleProxies.asInterfaceInstance(handlerType, received);
            handle.invoke(newSignal.invoke(signalName), handler);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("the JDK's signal handler for SIG" + signalName + " could not be set", e);
        }
    }

    private void received(Signals.Listener listener, Object signal) throws Throwable {
        listener.received((int) number.invoke(signal), (String) name.invoke(signal));
    }
}

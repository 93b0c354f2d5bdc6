package dev.proa.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which container of the Pod proa runs in, as the kubelet's mounts tell it: the termination-message file is mounted
 * from {@code .../pods/<pod uid>/containers/<container name>/<id>}. No API says it, and the Pod's first container is
 * not always proa's: Istio's holdApplicationUntilProxyStarts puts istio-proxy first, and proa would then wait for
 * itself to stop.
 */
public final class OwnContainer {
    private static final Pattern KUBELET_MOUNT = Pattern.compile("/pods/([0-9a-f-]{36})/containers/([^/]+)/[^/]+$");

    private OwnContainer() {}

    /** What /proc/self/mountinfo says, or empty outside a Pod (or where it cannot be read). */
    public static Optional<String> detect() {
        try {
            return fromMountinfo(Files.readString(Path.of("/proc/self/mountinfo")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The container name in the root (the 4th field) of a kubelet container mount, if there is one. */
    public static Optional<String> fromMountinfo(String mountinfo) {
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length < 5) continue;
            Matcher m = KUBELET_MOUNT.matcher(fields[3]);
            if (m.find()) return Optional.of(m.group(2).replace("\\040", " "));
        }
        return Optional.empty();
    }
}

package dev.proa.sidecars;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * What is known of proa's Pod at one moment, as the API server last told it. {@code pod} is null until it is first
 * seen; {@code gone} is set when the API server said it does not exist (not found at the first listing, or deleted
 * since); {@code error} is the last failure to list or watch it, in one line, until a listing works again, and
 * {@code denied} says whether that failure was a denial (401 or 403).
 */
public record PodView(Pod pod, boolean gone, String error, boolean denied) {
    /** Nothing heard yet. */
    public static final PodView UNSEEN = new PodView(null, false, null, false);

    /** Whether the Pod can be watched for its sidecars to stop: it is known, still exists, and access is not denied. */
    public boolean observable() {
        return pod != null && !gone && !denied;
    }
}

package dev.proa.config;

/** What to do when the startup timeout passes. */
public enum OnStartupTimeout {
    /** Exit sidecars-not-ready (193 unless --exit-status remaps it) without running COMMAND. */
    FAIL,
    /** Run COMMAND anyway. */
    CONTINUE;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

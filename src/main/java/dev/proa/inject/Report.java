package dev.proa.inject;

import com.fasterxml.jackson.databind.JsonNode;

/** What inject says on stderr about each Pod template, and the webhook in its log: one line each. */
final class Report {
    private Report() {}

    static String line(Manifests.Outcome outcome, Injection.Settings settings, String source) {
        return switch (outcome.verdict()) {
            case Injection.Inject inject -> outcome.where() + ": container " + inject.main().getName() + ": proa injected ("
                    + how(settings) + ")" + (inject.added().isEmpty() ? "" : "; added " + String.join(", ", inject.added()));
            case Injection.AlreadyRunsProa already -> outcome.where() + ": container " + already.container()
                    + " already runs proa: unchanged";
            case Injection.OptedOut out -> outcome.where() + ": opted out by " + out.how() + ": unchanged";
            case Injection.Refuse refuse -> "refused " + outcome.where() + " (" + source + "): " + refuse.why();
        };
    }

    static String how(Injection.Settings settings) {
        return switch (settings.mode()) {
            case IMAGE -> "image volume of " + settings.image() + " at " + Injection.MOUNT;
            case COPY -> "init container " + Injection.COPIER + " copies " + settings.image() + "'s " + Injection.MOUNT
                    + " into an emptyDir at " + Injection.MOUNT;
        };
    }

    static String passedThrough(JsonNode document) {
        String kind = document.path("kind").asText("a document without kind");
        String name = document.path("metadata").path("name").asText("");
        return kind + (name.isEmpty() ? "" : " " + name) + ": no Pod template: unchanged";
    }
}

package dev.proa.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.Base64;

/**
 * The webhook's decision: an AdmissionReview v1 in, its answer out, read and written as Jackson trees (the
 * admission model is left out of proa's jar). The change is {@link Manifests#inject}'s, the same as
 * {@code proa inject} makes, sent as the JSONPatch from the Pod as it came to the Pod injected (fabric8's
 * zjsonpatch computes it). Pure.
 * <p>
 * Only Pods: a Job's, CronJob's or Deployment's Pods all pass through Pod admission, so one rule covers every
 * workload, and the objects users apply stay as they wrote them (GitOps tools see no drift).
 */
public final class Admission {
    static final String API_VERSION = "admission.k8s.io/v1";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The answer to one request. */
    public sealed interface Answer {}

    /** An AdmissionReview to send back (200), and the line to log about it. */
    public record Review(ObjectNode review, String log) implements Answer {}

    /** Not an AdmissionReview v1 this webhook can answer: 400, with why. */
    public record BadRequest(String why) implements Answer {}

    private Admission() {}

    public static Answer review(JsonNode body, Injection.Settings settings) {
        if (!body.isObject() || !"AdmissionReview".equals(body.path("kind").asText())) {
            return new BadRequest("the body is not an AdmissionReview (kind: AdmissionReview), which /mutate answers");
        }
        if (!API_VERSION.equals(body.path("apiVersion").asText())) {
            return new BadRequest("apiVersion '" + body.path("apiVersion").asText() + "' is not " + API_VERSION
                    + ": set admissionReviewVersions: [v1] in the MutatingWebhookConfiguration");
        }
        JsonNode request = body.path("request");
        String uid = request.path("uid").asText("");
        if (uid.isEmpty()) return new BadRequest("the AdmissionReview has no request.uid");
        JsonNode object = request.path("object");
        String kind = request.path("kind").path("kind").asText("");
        String where = kind + " " + request.path("namespace").asText("") + "/"
                + object.path("metadata").path("name").asText(object.path("metadata").path("generateName").asText("") + "*");
        if (!kind.equals("Pod") || !object.isObject()) {
            return allow(uid, where + ": not a Pod (proa's webhook changes Pods only): allowed unchanged");
        }
        Manifests.Result result = Manifests.inject(object, settings);
        Manifests.Outcome outcome = result.outcomes().isEmpty() ? null : result.outcomes().getFirst();
        return switch (outcome == null ? null : outcome.verdict()) {
            case null -> allow(uid, where + ": no containers: allowed unchanged");
            case Injection.Inject inject -> patch(uid, JsonDiff.asJson(object, result.document()),
                    where + ": container " + inject.main().getName() + ": proa injected (" + Report.how(settings) + ")");
            case Injection.AlreadyRunsProa already -> allow(uid, where + ": container " + already.container()
                    + " already runs proa: allowed unchanged");
            case Injection.OptedOut out -> allow(uid, where + ": opted out by " + out.how() + ": allowed unchanged");
            case Injection.Refuse refuse -> deny(uid, refuse.why() + ". Or opt this Pod out with the annotation "
                    + Injection.INJECT + ": disabled", where + ": denied: " + refuse.why());
        };
    }

    private static Review allow(String uid, String log) {
        ObjectNode review = review(uid, true);
        return new Review(review, log);
    }

    private static Review patch(String uid, JsonNode patch, String log) {
        ObjectNode review = review(uid, true);
        ((ObjectNode) review.get("response")).put("patchType", "JSONPatch")
                .put("patch", Base64.getEncoder().encodeToString(Yaml.utf8(patch)));
        return new Review(review, log);
    }

    private static Review deny(String uid, String message, String log) {
        ObjectNode review = review(uid, false);
        ((ObjectNode) review.get("response")).putObject("status").put("code", 403)
                .put("message", "proa's webhook: " + message);
        return new Review(review, log);
    }

    private static ObjectNode review(String uid, boolean allowed) {
        ObjectNode review = JSON.objectNode().put("apiVersion", API_VERSION).put("kind", "AdmissionReview");
        review.putObject("response").put("uid", uid).put("allowed", allowed);
        return review;
    }
}

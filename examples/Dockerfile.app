# A user's own application image, not written in Java, Debian-based (python:3.13-slim), with proa copied in.
# /opt/proa carries its own Java runtime, C library and a static launcher: it needs nothing from the image, so the same
# COPY works in Alpine (Dockerfile.alpine), distroless (Dockerfile.distroless) and FROM scratch images too.
# The example Jobs (job.yaml, ...) run this image.
#
# Build, from the repository root:
#   docker build -t proa .
#   docker build -f examples/Dockerfile.app -t proa-example-app examples/
# To use a proa image from elsewhere: --build-arg PROA_IMAGE=registry.example.com/proa:0.1.0
# With kind, load it into the cluster (the example Jobs use imagePullPolicy: IfNotPresent):
#   kind load docker-image proa-example-app:latest

# Declared before the first FROM, so that a FROM line can use it.
ARG PROA_IMAGE=proa:latest

# COPY --from does not expand build arguments: name the proa image as a stage, and copy from the stage.
FROM ${PROA_IMAGE} AS proa

FROM python:3.13.9-slim-bookworm
COPY --from=proa /opt/proa /opt/proa

# The Kubernetes manifests set the container's command to /opt/proa/bin/proa and pass the application's own command
# after proa's options. To make proa the image's entrypoint instead:
#   ENTRYPOINT ["/opt/proa/bin/proa"]
#   CMD ["python3", "/app/main.py"]

# proa's image: its self-contained distribution at /opt/proa, for other images to copy in:
#   COPY --from=<this image> /opt/proa /opt/proa
# Build: docker build -t proa .

# The JDK proa is built and tested with (Eclipse Temurin 25), taken from its own image.
FROM eclipse-temurin:25-jdk AS jdk

# The builder runs the same build as anyone: mvn -Pdist package (src/build/dist: jlink, the C library, the launcher,
# the AOT cache). Debian 12, as where proa's tests run: the glibc it bundles into /opt/proa is Debian 12's (2.36).
# Pinned: Maven; musl-tools (musl-gcc, for the static launcher); patchelf (reads the runtime's loader name); binutils
# (strip).
FROM debian:bookworm-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends maven=3.8.7-1 musl-tools=1.2.3-1 patchelf=0.14.3-1+b1 \
       binutils=2.40-2 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=jdk /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk
WORKDIR /src
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -Pdist -Dmaven.test.skip=true package

# Nothing in /opt/proa needs an operating system: its launcher is static, and its runtime brings its own C library.
FROM scratch
COPY --from=build /src/target/dist/proa /opt/proa
USER 65532:65532
ENTRYPOINT ["/opt/proa/bin/proa"]

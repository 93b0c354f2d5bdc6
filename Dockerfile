# proa's image: its self-contained distribution at /opt/proa, for other images to copy in:
#   COPY --from=<this image> /opt/proa /opt/proa
# Build: docker build -t proa .

# The builder runs the same build as anyone: mvn -Pdist package (src/build/dist does the jlink, AOT and launcher).
# maven:3.9-eclipse-temurin-25: Maven 3.9 on Eclipse Temurin JDK 25, the JDK proa is built and tested with.
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -Pdist -DskipTests package

# debian:bookworm-slim: small, glibc-based (the jlink runtime needs glibc, so not Alpine), with the POSIX sh the
# launcher runs under. proa itself runs in the user's image; this stage only carries it.
FROM debian:bookworm-slim
COPY --from=build /src/target/dist/proa /opt/proa
USER 65532:65532
ENTRYPOINT ["/opt/proa/bin/proa"]

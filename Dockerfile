# sitescreen serve in a container, on Debian 12 (bookworm), built from this source tree.
#   docker build -t sitescreen .
#   docker run --rm -p 8080:8080 -v sitescreen-jobs:/var/lib/sitescreen/jobs -e SITESCREEN_TOKEN=... sitescreen
# Not built by CI (no container runtime there); see docs/serve.md.

FROM debian:12 AS build
COPY scripts/install-deps.sh /src/scripts/install-deps.sh
RUN /src/scripts/install-deps.sh
COPY . /src
WORKDIR /src
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSITESCREEN_TESTS=OFF -DSITESCREEN_BENCH=OFF \
          -DCMAKE_INSTALL_PREFIX=/opt/sitescreen \
 && ninja -C /build \
 && cmake --install /build

FROM debian:12
# The run-time libraries only: what the build linked against.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libgdal32 libproj25 libgeos-c1v5 libyaml-cpp0.7 libfmt9 libcairo2 libpng16-16 libjemalloc2 \
      libcpp-httplib0.11 libssl3 fonts-noto-cjk ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/sitescreen /opt/sitescreen
RUN useradd --system --home-dir /var/lib/sitescreen --create-home sitescreen \
 && mkdir -p /var/lib/sitescreen/jobs && chown sitescreen /var/lib/sitescreen/jobs
USER sitescreen
WORKDIR /var/lib/sitescreen
VOLUME /var/lib/sitescreen/jobs
EXPOSE 8080
# Inside the container the service must listen on all of its interfaces for -p to reach it; set
# SITESCREEN_TOKEN when the published port is reachable by anyone but you.
ENTRYPOINT ["/opt/sitescreen/bin/sitescreen", "serve", "--bind", "0.0.0.0", "--port", "8080", \
            "--layers", "/opt/sitescreen/share/sitescreen/layers/catalog.yaml", \
            "--profiles", "/opt/sitescreen/share/sitescreen/config/profiles", \
            "--jobs-dir", "/var/lib/sitescreen/jobs"]
HEALTHCHECK --interval=30s --timeout=5s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 || exit 1"]

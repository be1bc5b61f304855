# varde-node on Debian 12. Built by docker-compose.yml; the PKI is mounted, never baked in.
FROM debian:12 AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config libboost1.81-dev libboost-system1.81-dev libssl-dev \
      libpqxx-dev libpq-dev nlohmann-json3-dev ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY server server
COPY client client
COPY migrations migrations
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DVARDE_BUILD_TESTS=OFF \
    && cmake --build /build -j 2 --target varde-node

FROM debian:12-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpqxx-6.4 libssl3 libboost-system1.81.0 ca-certificates \
    && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 varde
COPY --from=build /build/server/src/app/varde-node /usr/local/bin/varde-node
COPY examples /usr/share/varde/examples
USER varde
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/varde-node"]
CMD ["serve"]

# egressproof in a container: the scanner and the live-account reader (`snapshot`).
#
#   docker build -t egressproof .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/src" egressproof scan .
#
# Build stage: the release build with the `live` feature (the AWS SDK), as README's "Install"
# documents it. The release profile keeps line tables for the workspace's crates only.
FROM rust:1.95-bookworm AS build
WORKDIR /build
COPY . .
RUN cargo build --release --locked -p egressproof --features live \
    && install -D -m 0755 target/release/egressproof /out/egressproof

# Runtime: glibc, libgcc and CA certificates (for the AWS API in `snapshot`), no shell, and a
# non-root user (uid 65532). Debian 12 matches the builder's glibc.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/egressproof /usr/local/bin/egressproof
USER nonroot
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/egressproof"]
CMD ["scan", "."]

# The service image: a release build on Debian, run as an unprivileged user.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin efiling

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3 fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /nonexistent efiling
COPY --from=build /src/target/release/efiling /usr/local/bin/efiling
USER efiling
ENV EFILING_LISTEN=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["efiling"]
CMD ["serve"]

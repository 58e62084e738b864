#!/bin/sh
# BEFORE: the wheels of hello-server, built by go-to-wheel from the Go module
# in this directory (main.go and go.mod: the sources of examples/hello-server).
# Extra arguments are passed on, e.g. `sh release.sh --platforms linux-amd64`.
set -eu
go-to-wheel . \
    --name hello-server \
    --version 0.1.0 \
    --entry-point hello \
    --set-version-var main.version \
    --description "A tiny HTTP server written in Go" \
    --license MIT \
    --requires-python ">=3.9" \
    --readme README.md \
    --platforms linux-amd64,linux-arm64,linux-amd64-musl,linux-arm64-musl,darwin-amd64,darwin-arm64,windows-amd64 \
    --output-dir dist \
    "$@"

#!/usr/bin/env bash
# Builds the plain C++ dlib reference (face_reference.cpp) with g++ against Debian's
# libdlib-dev, the same library and flags CVision uses (-O2, asserts off), and runs it.
#
#   Benchmarks/dlib-reference/face-reference.sh --build-only
#   Benchmarks/dlib-reference/face-reference.sh INPUTS LANDMARKS68 LANDMARKS5 RESNET < requests
#
# `kiosk bench faces` starts it on the inputs it times and sends it requests (see the
# .cpp); by hand: `echo "detect640 10" | face-reference.sh DIR MODEL68 MODEL5 RESNET` with
# DIR from `kiosk bench faces --inputs DIR`. The binary is rebuilt when the source is
# newer (it shares the network type with CVision); set CXX=clang++ to build with the compiler SwiftPM uses for CVision.
# Build output: Benchmarks/dlib-reference/.build/ (not committed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cxx=${CXX:-g++}
binary="$here/.build/face_reference-$(basename "$cxx")"
net="$here/../../Sources/CDlib/cdlib_face_net.hpp"
if [ ! -x "$binary" ] || [ "$here/face_reference.cpp" -nt "$binary" ] || [ "$net" -nt "$binary" ]; then
    mkdir -p "$here/.build"
    echo "face-reference: building $binary (about a minute)" >&2
    "$cxx" -std=c++17 -O2 -DDLIB_DISABLE_ASSERTS -o "$binary" "$here/face_reference.cpp" -ldlib -lblas -llapack -lpthread
fi
[ "${1:-}" = "--build-only" ] && exit 0
# One thread, like the Swift side (Debian's reference BLAS is single-threaded; these keep
# an installed OpenBLAS so too).
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
exec "$binary" "$@"

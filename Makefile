# Photo Kiosk: the two commands a new machine needs are `make demo` and `make test`.
# Both install what is missing (Debian packages, test data in ~/.cache/photo-kiosk).

SWIFT ?= swift

.PHONY: demo test bench setup data build clean-data

## Build in release mode and run a whole station on built-in defaults: replayed camera, scripted
## student, an embedded kiosk-server on loopback (no camera, no server to install).
demo: setup data
	$(SWIFT) build -c release --product kiosk
	$(SWIFT) build -c release --product kiosk-server
	.build/release/kiosk demo

## Build and run every test.
test: setup data
	scripts/test.sh

## Measure speed (release build), with Pillow timed on the same inputs for comparison.
bench: setup data
	$(SWIFT) build -c release --product kiosk
	$(SWIFT) build -c release --product kiosk-server  # the server suite runs the real server
	scripts/bench.sh

setup:
	scripts/setup.sh

data:
	scripts/fetch-test-data.sh

build: setup
	$(SWIFT) build -c release

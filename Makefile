# The two commands of the README. Both install missing Debian packages themselves
# (packaging/install-deps.sh, through sudo when not root).
.PHONY: demo test build deps clean

STATE_DIR ?= $(CURDIR)/.build/demo-state

demo: deps
	swift build -c release --product edgemlops
	EDGEMLOPS_STATE_DIR=$(STATE_DIR) .build/release/edgemlops doctor
	EDGEMLOPS_STATE_DIR=$(STATE_DIR) .build/release/edgemlops demo --duration 30

test:
	scripts/test.sh

build: deps
	swift build

deps:
	packaging/install-deps.sh

clean:
	rm -rf .build

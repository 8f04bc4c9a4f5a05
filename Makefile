# Visage: the two commands a user needs are `make run` and `make test`.
SWIFT ?= swift
APT_PACKAGES = pkg-config libopenblas-dev libpng-dev libjpeg62-turbo-dev zlib1g-dev libncurses-dev tmux
SAMPLE ?= assets/samples/sketch.png

.PHONY: deps build run test bench fmt lint clean

deps:
	@bash scripts/deps.sh $(APT_PACKAGES)

build: deps
	$(SWIFT) build -c release

run: build
	./.build/release/visage edit $(SAMPLE)

test: deps
	bash scripts/run-tests.sh

bench: build
	./.build/release/visage bench engine

fmt:
	$(SWIFT) format format --parallel --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build

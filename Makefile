# The two commands: `make up` runs the platform, `make test` runs every test.
.PHONY: up down test bench build clean

up:
	@scripts/up.sh

down:
	@scripts/down.sh

test:
	@scripts/test.sh

bench:
	@scripts/bench.sh

build:
	@scripts/install-deps.sh
	cmake --preset release
	cmake --build --preset release -j$$(nproc)

clean:
	rm -rf build

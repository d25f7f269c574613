# The two commands: `make up` runs the platform, `make test` runs every test.
.PHONY: up down test test-tsan test-containers images bench fuzz lint format build clean

up:
	@scripts/up.sh

down:
	@scripts/down.sh

test:
	@scripts/test.sh

# The same tests built with ThreadSanitizer (build/tsan); no fuzzing.
test-tsan:
	@PRESET=tsan scripts/test.sh

# The container images and the compose stack: builds every image, starts the stack and
# runs the seed's client and a booking-to-socket test through its gateway.
test-containers:
	@scripts/test-containers.sh

# The container images (podman, else docker), with their sizes.
images:
	@scripts/images.sh

bench:
	@scripts/bench.sh

# make fuzz SECONDS=N: every fuzz target for N seconds (scripts/fuzz.sh).
SECONDS ?= 60
fuzz:
	@scripts/fuzz.sh $(SECONDS)

# clang-format and clang-tidy, clean or failing (scripts/lint.sh); make format rewrites
# the sources in the project's format.
lint:
	@scripts/lint.sh

format:
	@scripts/lint.sh --fix

build:
	@scripts/install-deps.sh
	cmake --preset release
	cmake --build --preset release -j$$(nproc)

clean:
	rm -rf build

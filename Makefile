# Thin wrapper: the install step and meson do the work.
BUILD ?= build

.PHONY: all deps build run test clean

all: build

deps:
	@.ci/install-deps.sh

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD)
	@meson compile -C $(BUILD)

# Both servers in the foreground on 8001/8002; Ctrl-C stops both.
run: build
	@trap 'trap - INT TERM; kill 0' INT TERM; \
	$(BUILD)/mock_llamaparse/mock_llamaparse --port 8001 & \
	$(BUILD)/mock_openai/mock_openai --port 8002 & \
	wait

test: build
	@.ci/install-deps.sh --tests
	@meson test -C $(BUILD) -v --print-errorlogs

clean:
	rm -rf $(BUILD)

# bench/bench.mk - the benchmark programs, built with the main Makefile's
# flags and objects. Read together with it (tests/bench.sh does this):
#   make -f Makefile -f bench/bench.mk BUILD=build build/bench/redraw
# Kept out of tests/ so the test wildcard does not link bench code into tests.

BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

$(BUILD)/bench:
	mkdir -p $@
$(BUILD)/bench/%.o: bench/%.c | $(BUILD)/bench
	$(CC) $(CSTD) $(WARN) $(OPT) -Iinclude $(ALL_CFLAGS) $(SDL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/bench/%: $(BUILD)/bench/%.o $($(BUILD)_PLAT_OBJ) $($(BUILD)_CORE_OBJ)
	$(CC) $(OPT) -o $@ $^ $(SDL_LIBS) $(CORE_LIBS)
# suggest replays the recorded handwriting with the tests' own loader.
$(BUILD)/bench/strokes.o: tests/support/strokes.c | $(BUILD)/bench
	$(CC) $(CSTD) $(WARN) $(OPT) -Iinclude $(ALL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/bench/suggest.o: bench/suggest.c | $(BUILD)/bench
	$(CC) $(CSTD) $(WARN) $(OPT) -Iinclude -Itests/support $(ALL_CFLAGS) $(SDL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/bench/suggest: $(BUILD)/bench/suggest.o $(BUILD)/bench/strokes.o $($(BUILD)_PLAT_OBJ) $($(BUILD)_CORE_OBJ)
	$(CC) $(OPT) -o $@ $^ $(SDL_LIBS) $(CORE_LIBS)
# upload runs the fault server with the tests' own support code.
$(BUILD)/bench/faultsrv.o: tests/support/faultsrv.c | $(BUILD)/bench
	$(CC) $(CSTD) $(WARN) $(OPT) -Iinclude -Itests/support $(ALL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/bench/proc.o: tests/support/proc.c | $(BUILD)/bench
	$(CC) $(CSTD) $(WARN) $(OPT) -Iinclude -Itests/support $(ALL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/bench/upload.o: bench/upload.c | $(BUILD)/bench
	$(CC) $(CSTD) $(WARN) $(OPT) -Iinclude -Itests/support $(ALL_CFLAGS) $(SDL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/bench/upload: $(BUILD)/bench/upload.o $(BUILD)/bench/faultsrv.o $(BUILD)/bench/proc.o $($(BUILD)_PLAT_OBJ) $($(BUILD)_CORE_OBJ)
	$(CC) $(OPT) -o $@ $^ $(SDL_LIBS) $(CORE_LIBS)
# pictures makes its JPEG with the tests' own picture generator.
$(BUILD)/bench/testimg.o: tests/support/testimg.c | $(BUILD)/bench
	$(CC) $(CSTD) $(WARN) $(OPT) -Iinclude $(ALL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/bench/pictures.o: bench/pictures.c | $(BUILD)/bench
	$(CC) $(CSTD) $(WARN) $(OPT) -Iinclude -Itests/support $(ALL_CFLAGS) $(SDL_CFLAGS) -MMD -MP -c $< -o $@
# (testimg.c's chunk CRCs are zlib's.)
$(BUILD)/bench/pictures: $(BUILD)/bench/pictures.o $(BUILD)/bench/testimg.o $($(BUILD)_PLAT_OBJ) $($(BUILD)_CORE_OBJ)
	$(CC) $(OPT) -o $@ $^ $(SDL_LIBS) $(CORE_LIBS) $(shell pkg-config --libs zlib)
# floor is the SDL floor under a start: SDL2 and its ttf and image only.
$(BUILD)/bench/floor: $(BUILD)/bench/floor.o
	$(CC) $(OPT) -o $@ $^ $(SDL_LIBS)
# spawn only starts programs: plain libc.
$(BUILD)/bench/spawn: $(BUILD)/bench/spawn.o
	$(CC) $(OPT) -o $@ $^

.PHONY: bench-programs
bench-programs: $(BENCH_BIN)

# treewatch (the browser comparison, section 7) reads the X screen when
# Xlib and its MIT-SHM extension can be linked; without them it is built
# without -x and the window half of section 7 is skipped.
X11_OK := $(shell pkg-config --exists x11 xext 2>/dev/null && echo yes)
TREEWATCH_X := $(if $(X11_OK),-DHAVE_X11 $(call pc,--cflags,x11 xext))
TREEWATCH_XLIBS := $(if $(X11_OK),$(call pc,--libs,x11 xext))
$(BUILD)/bench/treewatch: bench/chromium/treewatch.c | $(BUILD)/bench
	$(CC) $(CSTD) $(WARN) $(OPT) $(TREEWATCH_X) -o $@ $< $(TREEWATCH_XLIBS)
bench-programs: $(BUILD)/bench/treewatch
# office (tests/bench-office.sh) seeds through the office's own store calls
# and drives the server with libcurl: the office's objects and libraries.
$(BUILD)/bench/office: $(BUILD)/bench/office.o $($(BUILD)_OFF_OBJ)
	$(CC) $(OPT) -o $@ $^ $(OFFICE_LIBS) $(call pc,--libs,libcurl)

# Lobby Kiosk - GNU make build.
#   make run      install missing packages, build, start in a window
#   make run-office  the same for Lobby Office: a demo server on loopback (docs/OFFICE.md)
#   make test     build and run every test, normally and under ASan+UBSan
#   make valgrind every test program of $(BUILD) under valgrind memcheck
#   make bench    speed and memory figures (docs/BENCHMARKS.md)
#   make fuzz     each libFuzzer harness for FUZZ_SECONDS (60): docs/TESTING.md
#   make screenshots  every screen into docs/screenshots/
#   make install  (after make) PREFIX=/usr DESTDIR=...: docs/OPERATIONS.md

CC      ?= cc
BUILD   ?= build
CSTD    := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The source is in layer folders (README.md, "Layout of the source"). Each
# layer is compiled with only its own libraries' flags, and
# scripts/check-layers.sh reads every object's dependency list (-MD, system
# headers included) so that a file including another layer's header, or SDL
# (<SDL.h> or <SDL2/SDL.h>) outside app/platform/, fails the build.
LAYERS         := data config ime net staff ui kiosk cli platform office
PKGS_data      := sqlite3 jansson libsodium libpng libjpeg
PKGS_ime       := googlepinyin zinnia
PKGS_net       := libcurl sqlite3 jansson libsodium
PKGS_staff     := jansson libsodium
PKGS_ui        := libunibreak
PKGS_config    :=
PKGS_kiosk     :=
PKGS_cli       :=
PKGS_platform  := sdl2 SDL2_ttf libpng libqrencode
# Lobby Office (app/office/): the server and officectl, linked with the
# layers it may use (data, config, staff) and never into the kiosk.
PKGS_office    := libmicrohttpd sqlite3 libpq jansson libsodium libpng libjpeg
OFFICE_LAYERS  := data config staff
ALL_PKGS       := sqlite3 jansson libunibreak libqrencode libsodium googlepinyin zinnia libcurl libpng libjpeg
SDL_PKGS       := sdl2 SDL2_ttf libpng
# The pixel tests read PNG files with SDL2_image; the kiosk writes them with libpng.
# zlib (libpng-dev's own dependency): tests/support/testimg.c's chunk CRCs.
TEST_PKGS      := cmocka SDL2_image zlib

pc = $(shell pkg-config $(1) $(2) 2>/dev/null)
$(foreach l,$(LAYERS),$(eval CFLAGS_$(l) := $(call pc,--cflags,$(PKGS_$(l)))))
# Not -lcurl: app/net/curl_lazy.c opens libcurl.so.4 at the first curl call,
# so a start does not map and relocate libcurl and the thirty libraries it
# needs before the first frame (docs/BENCHMARKS.md).
CORE_LIBS   := $(call pc,--libs,$(filter-out libcurl,$(ALL_PKGS))) -lm
OFFICE_LIBS := $(call pc,--libs,$(PKGS_office)) -lm
# The office programs link libcurl (the alert webhook); test programs get
# its functions from app/net/curl_lazy.c like the kiosk.
OFFICE_BIN_LIBS := $(OFFICE_LIBS) $(call pc,--libs,libcurl)
SDL_CFLAGS  := $(call pc,--cflags,$(SDL_PKGS))
SDL_LIBS    := $(call pc,--libs,$(SDL_PKGS))
TEST_CFLAGS := $(call pc,--cflags,$(TEST_PKGS))
TEST_LIBS   := $(call pc,--libs,$(TEST_PKGS))
# Tests and fuzz targets may use every layer.
ALL_CFLAGS  := $(call pc,--cflags,$(ALL_PKGS) $(PKGS_office))

layer_of = $(word 2,$(subst /, ,$(1)))
SRC       := $(wildcard app/*/*.c app/*/*/*.c)
MAIN_SRC  := $(filter %_main.c,$(SRC))
PLAT_SRC  := $(filter-out $(MAIN_SRC),$(filter app/platform/%,$(SRC)))
OFFICE_SRC := $(filter-out $(MAIN_SRC),$(filter app/office/%,$(SRC)))
CORE_SRC  := $(filter-out $(MAIN_SRC) $(PLAT_SRC) $(OFFICE_SRC),$(SRC))
OFFICE_DEP_SRC := $(filter $(foreach l,$(OFFICE_LAYERS),app/$(l)/%),$(CORE_SRC))
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_SUPPORT := $(wildcard tests/support/*.c)

# Two variants: normal (build/) and sanitized (build/san/). Objects keep the
# source's folders: build/obj/net/upload.o.
define variant
$(1)/obj/%.o: app/%.c
	@mkdir -p $$(@D)
	$$(CC) $(CSTD) $(WARN) $(2) -Iinclude $$(CFLAGS_$$(call layer_of,$$<)) -MD -MP -c $$< -o $$@
	@scripts/check-layers.sh $$< $$(@:.o=.d) || { rm -f $$@; exit 1; }
$(1)/tests/%.o: tests/%.c
	@mkdir -p $$(@D)
	$$(CC) $(CSTD) $(WARN) $(2) -Iinclude -Itests/support $$(ALL_CFLAGS) $$(SDL_CFLAGS) $$(TEST_CFLAGS) -MMD -MP -c $$< -o $$@
$(1)_CORE_OBJ := $(patsubst app/%.c,$(1)/obj/%.o,$(CORE_SRC))
$(1)_PLAT_OBJ := $(patsubst app/%.c,$(1)/obj/%.o,$(PLAT_SRC))
$(1)_OFF_OBJ  := $(patsubst app/%.c,$(1)/obj/%.o,$(OFFICE_SRC) $(OFFICE_DEP_SRC))
$(1)_SUP_OBJ  := $(patsubst tests/%.c,$(1)/tests/%.o,$(TEST_SUPPORT))
$(1)_TESTS    := $(patsubst tests/%.c,$(1)/tests/%,$(TEST_SRC))
$(1)/kiosk: $(1)/obj/platform/kiosk_main.o $$($(1)_PLAT_OBJ) $$($(1)_CORE_OBJ)
	$$(CC) $(2) -o $$@ $$^ $$(SDL_LIBS) $$(CORE_LIBS)
$(1)/kioskctl: $(1)/obj/cli/kioskctl_main.o $$($(1)_CORE_OBJ)
	$$(CC) $(2) -o $$@ $$^ $$(CORE_LIBS)
$(1)/office: $(1)/obj/office/office_main.o $$($(1)_OFF_OBJ)
	$$(CC) $(2) -o $$@ $$^ $$(OFFICE_BIN_LIBS)
$(1)/officectl: $(1)/obj/office/officectl_main.o $$($(1)_OFF_OBJ)
	$$(CC) $(2) -o $$@ $$^ $$(OFFICE_BIN_LIBS)
$(1)/tests/test_%: $(1)/tests/test_%.o $$($(1)_SUP_OBJ) $$($(1)_PLAT_OBJ) $$($(1)_CORE_OBJ) $$(patsubst app/%.c,$(1)/obj/%.o,$(OFFICE_SRC)) | $(1)/kiosk $(1)/kioskctl $(1)/office $(1)/officectl
	$$(CC) $(2) -o $$@ $$(filter %.o,$$^) $$(TEST_LIBS) $$(SDL_LIBS) $$(CORE_LIBS) $$(OFFICE_LIBS)
endef

# The first target is the default: plain `make` builds every program.
.DEFAULT_GOAL := all

$(eval $(call variant,$(BUILD),$(OPT)))
$(eval $(call variant,$(BUILD)/san,-O1 -g $(SAN)))

# Fuzzing (docs/TESTING.md). The targets' bodies (tests/fuzz/) also run in
# make test: test_fuzz_regress replays the seeds and every saved crash.
FUZZ_NAMES   := content textedit layout replay office image
FUZZ_SUPPORT := tests/fuzz/fuzz_targets.c tests/fuzz/fuzz_text.c tests/fuzz/office_targets.c \
                tests/fuzz/image_targets.c
$(BUILD)/tests/test_fuzz_regress: $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(FUZZ_SUPPORT))
$(BUILD)/san/tests/test_fuzz_regress: $(patsubst tests/%.c,$(BUILD)/san/tests/%.o,$(FUZZ_SUPPORT))

# libFuzzer harnesses (clang; Debian: clang, libclang-rt-14-dev) in
# $(BUILD)/fuzz/: the core and the targets with ASan+UBSan and coverage.
# make fuzz runs each for FUZZ_SECONDS on a scratch copy of the corpus;
# a crash's input goes to $(BUILD)/fuzz/crashes/NAME/ and fails the run.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=all
FUZZ_OBJ     := $(patsubst app/%.c,$(FUZZ_DIR)/obj/%.o,$(CORE_SRC) $(OFFICE_SRC)) \
                $(patsubst tests/%.c,$(FUZZ_DIR)/tests/%.o,$(FUZZ_SUPPORT) tests/support/fake_measure.c)
$(FUZZ_DIR)/obj/%.o: app/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CSTD) $(WARN) $(FUZZ_FLAGS) -Iinclude $(ALL_CFLAGS) -MMD -MP -c $< -o $@
$(FUZZ_DIR)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CSTD) $(WARN) $(FUZZ_FLAGS) -Iinclude -Itests/support $(ALL_CFLAGS) -MMD -MP -c $< -o $@
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/tests/fuzz/fuzz_%.o $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(CORE_LIBS) $(OFFICE_LIBS)


.SECONDARY:
.PHONY: all deps run run-office test test-run valgrind bench golden screenshots clean install uninstall fuzz fuzz-build
all: $(BUILD)/kiosk $(BUILD)/kioskctl $(BUILD)/office $(BUILD)/officectl

deps:
	@scripts/install-deps.sh

# `make run` checks packages first, then builds (a fresh make sees pkg-config).
run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/kiosk --windowed --data-dir $(BUILD)/data --content assets/content/sample.json

# A demo Lobby Office on 127.0.0.1:8080 with a demo organisation,
# community and enrolled kiosk (scripts/run-office.sh; OFFICE_PORT=...).
run-office: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-office.sh $(BUILD)

# `make test` checks the packages first, as `make run` does (installing the
# missing ones, or saying in one sentence what to run), then builds in a
# fresh make that sees pkg-config's flags, then runs every test program.
# (Defined before test-run: a prerequisite list is expanded when its rule is read.)
SESSION_TOOLS := $(BUILD)/tests/session/cage_shim.so $(BUILD)/tests/session/pngcmp

test: deps
	@$(MAKE) --no-print-directory test-run

test-run: all $(BUILD)/san/kiosk $(BUILD)/san/kioskctl $(BUILD)/san/office $(BUILD)/san/officectl $($(BUILD)_TESTS) $($(BUILD)/san_TESTS) \
	  $(SESSION_TOOLS)
	@tests/run-tests.sh $(BUILD) $(BUILD)/san

# The installed session under cage (tests/session/session-test.sh, run by
# tests/run-tests.sh): a preload for cage that gives its headless backend an
# output of a chosen size and a touch panel and keyboard, and a PNG compare.
$(BUILD)/tests/session/cage_shim.so: tests/session/cage_shim.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -fPIC -shared $(call pc,--cflags,wlroots wayland-server) $< -o $@ -ldl
$(BUILD)/tests/session/pngcmp: tests/session/pngcmp.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 $(call pc,--cflags,libpng) $< -o $@ $(call pc,--libs,libpng)

# The normal build's test programs under memcheck (tests/run-valgrind.sh:
# its skip list, tests/valgrind.supp: library suppressions, each explained).
valgrind: all $($(BUILD)_TESTS)
	@tests/run-valgrind.sh $(BUILD)

fuzz-build: $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run-fuzz.sh $(FUZZ_DIR) $(FUZZ_NAMES)

bench: all
	@tests/bench.sh $(BUILD)

# Rewrite the pixel tests' references (tests/golden/*.png) from the current
# code; look at every image before committing them.
golden: $(BUILD)/tests/test_golden
	KIOSK_GOLDEN_UPDATE=1 TZ=Asia/Shanghai SDL_VIDEODRIVER=dummy KIOSK_BUILD=$(BUILD) $(BUILD)/tests/test_golden

screenshots: all
	@tests/screenshots.sh $(BUILD) docs/screenshots

# Install what `make` built (docs/OPERATIONS.md): `make && sudo make install
# PREFIX=/usr`. It never builds: root then never writes into build/, and an
# install of build/san cannot rebuild it with other flags. The unit goes
# where Debian keeps its own (/lib/systemd/system) for PREFIX=/usr, else
# under PREFIX (systemd also reads /usr/local/lib/systemd/system). An
# existing /etc/lobby-kiosk/kiosk.conf is never overwritten.
PREFIX      ?= /usr/local
SYSCONFDIR  ?= /etc
BINDIR      := $(PREFIX)/bin
LIBEXECDIR  := $(PREFIX)/libexec/lobby-kiosk
SHAREDIR    := $(PREFIX)/share/lobby-kiosk
DOCDIR      := $(PREFIX)/share/doc/lobby-kiosk
UNITDIR     ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
INSTALL     ?= install

install:
	@for f in $(BUILD)/kiosk $(BUILD)/kioskctl $(BUILD)/office $(BUILD)/officectl; do [ -x $$f ] || \
	  { echo "make install: $$f is missing: run make first" >&2; exit 1; }; done
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SHAREDIR)/fonts $(DESTDIR)$(DOCDIR) \
	  $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(SYSCONFDIR)/lobby-kiosk
	$(INSTALL) -m 0755 $(BUILD)/kiosk $(BUILD)/kioskctl $(BUILD)/office $(BUILD)/officectl $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0755 dist/kiosk-session $(DESTDIR)$(LIBEXECDIR)/
	for f in $$(find assets -type f); do $(INSTALL) -D -m 0644 $$f $(DESTDIR)$(SHAREDIR)/$$f || exit 1; done
	$(INSTALL) -m 0644 fonts/*.otf fonts/*.ttf fonts/*.txt $(DESTDIR)$(SHAREDIR)/fonts/
	$(INSTALL) -m 0644 README.md docs/*.md dist/lobby-kiosk-usb.rules $(DESTDIR)$(DOCDIR)/
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
	  -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
	  dist/lobby-kiosk.service >$(DESTDIR)$(UNITDIR)/lobby-kiosk.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/lobby-kiosk.service
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
	  dist/lobby-office.service >$(DESTDIR)$(UNITDIR)/lobby-office.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/lobby-office.service
	$(INSTALL) -m 0644 dist/lobby-kiosk.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/lobby-kiosk.conf
	$(INSTALL) -m 0644 dist/lobby-office.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/lobby-office.conf
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/lobby-kiosk/kiosk.conf ]; then \
	  echo "kept $(DESTDIR)$(SYSCONFDIR)/lobby-kiosk/kiosk.conf (new defaults: dist/kiosk.conf)"; \
	else $(INSTALL) -m 0644 dist/kiosk.conf $(DESTDIR)$(SYSCONFDIR)/lobby-kiosk/kiosk.conf; fi
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/lobby-kiosk/office.conf ]; then \
	  echo "kept $(DESTDIR)$(SYSCONFDIR)/lobby-kiosk/office.conf (new defaults: dist/office.conf)"; \
	else $(INSTALL) -m 0644 dist/office.conf $(DESTDIR)$(SYSCONFDIR)/lobby-kiosk/office.conf; fi

# Leaves /etc/lobby-kiosk (settings, keys) and /var/lib/lobby-kiosk (the
# suggestions) alone.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kiosk $(DESTDIR)$(BINDIR)/kioskctl $(DESTDIR)$(UNITDIR)/lobby-kiosk.service \
	  $(DESTDIR)$(SYSUSERSDIR)/lobby-kiosk.conf $(DESTDIR)$(BINDIR)/office $(DESTDIR)$(BINDIR)/officectl \
	  $(DESTDIR)$(UNITDIR)/lobby-office.service $(DESTDIR)$(SYSUSERSDIR)/lobby-office.conf
	rm -rf $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(DOCDIR)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Backsight: two commands do all the set-up.
#   make scan   installs what is missing, builds release, scans Corpus/ (or ROOT=dir)
#   make test   installs what is missing, builds, runs every test, lints and proves the rules
SWIFT ?= swift
ROOT ?= Corpus
ARGS ?=
RELEASE = .build/release/backsight
DEBUG = .build/debug/backsight
# The C API test is built with the C compiler every Swift toolchain ships.
CAPI_CC ?= clang

.PHONY: asan deps build release scan test capi-test python-test real corpus bench fuzz install clean

deps:
	@bash .ci/deps

# SwiftPM names the C API's library after its product (libBacksightC.so: `backsight` is the
# executable's name); both builds link libbacksight.so, the name C programs link with, to it.
build: deps
	$(SWIFT) build
	ln -sf libBacksightC.so .build/debug/libbacksight.so

release: deps
	$(SWIFT) build -c release
	ln -sf libBacksightC.so .build/release/libbacksight.so

# Exit status 1 (findings) is the expected outcome on the corpus; only 2 (fatal) fails make.
scan: release
	@$(RELEASE) scan $(ROOT) $(ARGS); status=$$?; [ $$status -le 1 ]

test: build
	$(SWIFT) test
	$(MAKE) --no-print-directory capi-test python-test
	python3 Corpus/check-index.py
	python3 Rules/examples-from-index.py --check $$(find Rules -name "*.yaml" -not -path "Rules/lists/*")
	$(DEBUG) rules lint
	$(DEBUG) rules test

# The XCTest suite under AddressSanitizer, in a build directory of its own (about 5 minutes of
# building, 3 of testing on 2 cores; not part of `test`). It found the dirent over-read that once
# crashed the walker thread.
asan: deps
	$(SWIFT) build --build-tests --sanitize=address --build-path .build/asan
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --skip-build --sanitize=address --build-path .build/asan

# The C program that calls every function of backsight.h on the corpus (needs `swift build`).
capi-test:
	$(CAPI_CC) -std=c11 -Wall -Wextra -Werror -ISources/CBacksight/include Tests/CAPI/capi_test.c \
		-L.build/debug -lbacksight -Wl,-rpath,$(CURDIR)/.build/debug -lpthread -o .build/debug/capi_test
	.build/debug/capi_test $(CURDIR) $(CURDIR)/$(DEBUG)

# The Python package's tests, on the library `swift build` made. pytest exits 5 when it finds
# no test, which fails this target too.
python-test:
	BACKSIGHT_LIBRARY=$(CURDIR)/.build/debug/libbacksight.so BACKSIGHT_CLI=$(CURDIR)/$(DEBUG) \
		PYTHONPATH=bindings/python python3 -m pytest -q -p no:cacheprovider bindings/python/tests

# The real samples in ../shared/real, technique rules only: a table per group, every miss and
# false alarm; fails on an outcome Tests/RealSamples/known-misses.tsv does not list.
REAL ?= ../shared/real
real: build
	@if [ -f $(REAL)/expect.tsv ]; then \
		$(DEBUG) verify --no-signatures --known-misses Tests/RealSamples/known-misses.tsv $(REAL)/expect.tsv; \
	else echo "make real: $(REAL)/expect.tsv is absent; nothing to check"; fi

# Rebuilds every corpus sample from source with Debian's cross compilers (installs them).
corpus:
	bash Corpus/build.sh

# Builds the debootstrap'd trees once (outside the repository) and times the scanner.
bench: release
	bash Benchmarks/build-trees.sh
	BACKSIGHT=$(RELEASE) bash Benchmarks/run.sh

# Builds the libFuzzer targets (Benchmarks/Fuzz) and runs each for FUZZ_SECONDS (default 600).
fuzz: deps
	bash Benchmarks/fuzz.sh

PREFIX ?= /usr/local
install: release
	install -D -m 755 $(RELEASE) $(DESTDIR)$(PREFIX)/bin/backsight
	install -D -m 755 .build/release/libBacksightC.so $(DESTDIR)$(PREFIX)/lib/libbacksight.so
	install -D -m 644 Sources/CBacksight/include/backsight.h $(DESTDIR)$(PREFIX)/include/backsight.h
	mkdir -p $(DESTDIR)$(PREFIX)/share/backsight
	cp -R Rules $(DESTDIR)$(PREFIX)/share/backsight/

clean:
	rm -rf .build

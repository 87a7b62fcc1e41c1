# Backsight: two commands do all the set-up.
#   make scan   installs what is missing, builds release, scans Corpus/ (or ROOT=dir)
#   make test   installs what is missing, builds, runs every test, lints and proves the rules
SWIFT ?= swift
ROOT ?= Corpus
ARGS ?=
RELEASE = .build/release/backsight
DEBUG = .build/debug/backsight

.PHONY: deps build release scan test real corpus bench fuzz install clean

deps:
	@bash .ci/deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Exit status 1 (findings) is the expected outcome on the corpus; only 2 (fatal) fails make.
scan: release
	@$(RELEASE) scan $(ROOT) $(ARGS); status=$$?; [ $$status -le 1 ]

test: deps
	$(SWIFT) build
	$(SWIFT) test
	python3 Corpus/check-index.py
	python3 Rules/examples-from-index.py --check $$(find Rules -name "*.yaml" -not -path "Rules/lists/*")
	$(DEBUG) rules lint
	$(DEBUG) rules test

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
	mkdir -p $(DESTDIR)$(PREFIX)/share/backsight
	cp -R Rules $(DESTDIR)$(PREFIX)/share/backsight/

clean:
	rm -rf .build

# gongwen-ocr — every target creates what it needs; nothing is installed by hand.
#   make demo    convert the committed sample scan and print its clean text
#   make test    run the whole test suite (what .ci/run runs)
#   make corpus  generate the full fixture corpus (deterministic) under corpus/
#   make corpus-varied  the second typesetter's corpus, three colour modes, dev/held halves, corpus-varied/
#   make corpus-photo  phone photos of the corpus documents (simulated), dev/held halves, corpus-photo/
#   make bench   run the benchmark over the corpus, the varied corpus (a row per half and colour mode)
#                and the photo corpus (its own rows); reports under results/
#   make bench-split  a 100-page archive batch split into its documents (bench/split.py)
#   make serve   start the HTTP API and one worker against the local Redis

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
RAPIDOCR_VERSION := 3.10.0
STAMP := $(VENV)/.installed
SAMPLE ?= fixtures/samples/sample_reply.pdf
FONT_PACKAGES := fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei
BROWSER_PACKAGES := chromium chromium-driver
TOOL_PACKAGES := redis-server gcc

.PHONY: demo test test-fast corpus corpus-varied corpus-photo bench bench-quick bench-split bench-memory bench-service serve worker lint typecheck fonts browser tools clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	# rapidocr is only the carrier of the PP-OCRv6 small ONNX files: --no-deps keeps its
	# opencv-python-headless out, so cv2 comes from paddlex's opencv-contrib-python alone.
	$(PIP) install -q --no-deps rapidocr==$(RAPIDOCR_VERSION)
	$(PY) -c "import importlib.metadata as m; names=[d.metadata['Name'] for d in m.distributions()]; bad=[n for n in names if n.lower().startswith('opencv') and n.lower()!='opencv-contrib-python']; assert not bad, f'second cv2 provider installed: {bad}'"
	touch $(STAMP)

# CJK fonts render the fixture corpus; Debian packages, installed when missing (root or sudo).
fonts:
	@if ! fc-list :lang=zh 2>/dev/null | grep -qi 'noto\|arphic\|wqy'; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(FONT_PACKAGES) >/dev/null; \
	fi

# Headless Chromium + its driver for the review page's end-to-end test (tests/e2e); Debian packages.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	fi

# redis-server (the Redis-restart test runs its own) and gcc (the hung-native-call test compiles one C
# function); Debian packages, installed when missing. The tmpfs disk-full test needs root (mount).
tools:
	@if ! command -v redis-server >/dev/null || ! command -v gcc >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TOOL_PACKAGES) >/dev/null; \
	fi

demo: $(STAMP)
	$(VENV)/bin/gongwen convert $(SAMPLE)

test: $(STAMP) fonts browser tools
	$(PY) -m pytest -q

test-fast: $(STAMP) fonts
	$(PY) -m pytest -q -m "not slow"

corpus: $(STAMP) fonts
	$(PY) -m fixtures.corpus build --out corpus

corpus-photo: $(STAMP) fonts
	$(PY) -m fixtures.corpus photo --out corpus-photo --jobs 2

corpus-varied: $(STAMP) fonts
	$(PY) -m fixtures.corpus build --profile varied --out corpus-varied --jobs 2

bench: $(STAMP) fonts
	$(PY) -m bench.run --corpus corpus --varied corpus-varied --photos corpus-photo --out results

bench-quick: $(STAMP) fonts
	$(PY) -m bench.run --quick --out results

# Batch scans split into documents: boundaries, per-document CER vs alone, s/page vs one by one (100 pages)
bench-split: $(STAMP) fonts
	$(PY) -m bench.split --pages 100 --seed 1 --out results

# A worker's peak RSS over a 50-page PDF and its RSS over 200 one-page jobs (bench/SPEED.md)
bench-memory: $(STAMP)
	$(PY) -m bench.memory --out results

# Pages/min with 1 and 2 workers, submit p50/p99 under load, worker RSS: real API + workers, Redis DB 13
bench-service: $(STAMP) corpus/manifest.json
	$(PY) -m bench.service --corpus corpus --out results

corpus/manifest.json:
	$(MAKE) corpus

serve: $(STAMP)
	$(VENV)/bin/gongwen serve

worker: $(STAMP)
	$(VENV)/bin/gongwen worker

lint: $(STAMP)
	$(VENV)/bin/ruff check layout workers service fixtures bench tests

typecheck: $(STAMP)
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) results .pytest_cache .mypy_cache

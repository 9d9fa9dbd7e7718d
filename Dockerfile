# syntax=docker/dockerfile:1.7
# gongwen-ocr: one image for the API (`gongwen serve --no-worker`) and the workers (`gongwen worker`).
# The OCR models are baked in at build time: the PP-OCRv6 small ONNX files come with the rapidocr wheel,
# the PaddleX model folders are prepared under GONGWEN_CACHE_DIR, and the engine is loaded once during the
# build with the network switched off (RUN --network=none, BuildKit), which proves a container starts
# and converts without network.
FROM python:3.11-slim-bookworm

# opencv-contrib-python (the one cv2, via paddlex) needs libGL and glib; onnxruntime wants libgomp.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 libgomp1 \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/home/gongwen \
    GONGWEN_CACHE_DIR=/opt/gongwen/cache \
    GONGWEN_STORAGE_DIR=/data/storage \
    GONGWEN_HOST=0.0.0.0 \
    GONGWEN_PORT=8000

RUN useradd --create-home --home-dir /home/gongwen --uid 10001 gongwen \
 && mkdir -p /opt/gongwen/cache /data/storage \
 && chown -R gongwen:gongwen /opt/gongwen /data

WORKDIR /app
# Dependencies first (cached layer), pinned by constraints.txt; rapidocr --no-deps (model carrier only:
# its opencv-python-headless would be a second cv2), as in the Makefile.
COPY pyproject.toml constraints.txt README.md ./
COPY layout ./layout
COPY workers ./workers
COPY service ./service
COPY fixtures ./fixtures
COPY bench ./bench
RUN pip install -c constraints.txt . \
 && pip install --no-deps "rapidocr==3.10.0" \
 && python -c "import importlib.metadata as m; bad=[d.metadata['Name'] for d in m.distributions() if d.metadata['Name'].lower().startswith('opencv') and d.metadata['Name'].lower()!='opencv-contrib-python']; assert not bad, bad"

USER gongwen
# Bake the model folders, then load and run every model offline once, exactly as a worker does at start
# (workers.queue.jobs.install_runtime: detector+recogniser, recogniser alone, direction classifier).
RUN python -c "from workers.settings import load_settings; from workers.ocr.models import prepare_model_dirs; print(prepare_model_dirs(load_settings()))"
RUN --network=none python -c "from workers.queue.jobs import install_runtime; rt = install_runtime(); print(f'models load offline in {rt.engine_load_s:.1f} s')"

VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)" || exit 1
CMD ["gongwen", "serve", "--no-worker"]

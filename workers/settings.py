"""Settings: read from the environment once, into a frozen object that is passed down.

Nothing else in the project reads `os.environ` (except `workers.ocr.engine`, which must *set*
PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK before paddleocr is imported).

| variable                  | meaning                                                         | default |
|---------------------------|-----------------------------------------------------------------|---------|
| GONGWEN_CACHE_DIR         | where prepared model folders live                               | ~/.cache/gongwen-ocr |
| GONGWEN_DET_MODEL_DIR     | a PaddleX text-detection model folder to use instead of the bundled one | (bundled PP-OCRv6 small) |
| GONGWEN_REC_MODEL_DIR     | a PaddleX text-recognition model folder to use instead          | (bundled PP-OCRv6 small) |
| GONGWEN_DET_MODEL_NAME    | PaddleX model name of that detection folder                     | PP-OCRv6_small_det |
| GONGWEN_REC_MODEL_NAME    | PaddleX model name of that recognition folder                   | PP-OCRv6_small_rec |
| GONGWEN_ENGINE            | PaddleOCR inference engine (onnxruntime, paddle, …)              | onnxruntime |
| GONGWEN_DEVICE            | PaddleOCR device (cpu, gpu:0)                                   | cpu |
| GONGWEN_CPU_THREADS       | threads the OCR engine may use                                  | number of cores |
| GONGWEN_DPI               | PDF render resolution, dots per inch                             | 200 |
| GONGWEN_MAX_PAGES         | pages a document may have                                       | 500 |
| GONGWEN_MAX_PIXELS        | pixels one page may have (pixel bombs are refused before decode) | 80_000_000 |
| GONGWEN_MAX_UPLOAD_MB     | bytes an upload may have, in MiB                                | 200 |
| GONGWEN_REDIS_URL         | the queue's Redis                                               | redis://127.0.0.1:6379/0 |
| GONGWEN_STORAGE_DIR       | uploads and results, shared by API and workers (directory backend) | ./var/storage |
| GONGWEN_STORAGE_URL       | `s3://bucket/prefix`: keep uploads and results in an S3 bucket instead of the directory | (empty: the directory) |
| GONGWEN_STORAGE_PRESIGN_S | with S3: answer GET …/result with a redirect to a presigned URL valid this many seconds; 0 = stream it | 0 |
| AWS_ENDPOINT_URL (_S3)    | the S3 API's address (MinIO, SeaweedFS, …); empty = AWS                   | (AWS) |
| AWS_DEFAULT_REGION (AWS_REGION) | the bucket's region                                         | us-east-1 |
| AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY | S3 credentials; empty = boto3's own chain (profile, instance role) | (empty) |
| GONGWEN_API_KEYS          | comma-separated API keys; empty = no authentication             | (empty) |
| GONGWEN_RATE_LIMIT_PER_MIN | submissions (POST) per minute per API key (per client address without keys); 0 = no limit | 0 |
| GONGWEN_CORS_ORIGINS      | comma-separated origins browsers may call the API from; empty = CORS off | (empty) |
| GONGWEN_QUEUE             | RQ queue name, also the prefix of our Redis keys                 | gongwen |
| GONGWEN_RESULT_TTL_S      | seconds finished jobs and their result files are kept            | 604800 (7 days) |
| GONGWEN_FAILURE_TTL_S     | seconds failed and canceled jobs are kept                        | 259200 (3 days) |
| GONGWEN_HOST / GONGWEN_PORT | where `gongwen serve` listens                                  | 127.0.0.1 / 8000 |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from workers import defaults as queue_defaults


def _default_cache_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gongwen-ocr"


@dataclass(frozen=True)
class Settings:
    cache_dir: Path = field(default_factory=lambda: _default_cache_dir(os.environ))
    det_model_dir: Path | None = None
    rec_model_dir: Path | None = None
    det_model_name: str = "PP-OCRv6_small_det"
    rec_model_name: str = "PP-OCRv6_small_rec"
    engine: str = "onnxruntime"
    device: str = "cpu"
    cpu_threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    dpi: int = 200
    max_pages: int = 500
    max_pixels: int = 80_000_000
    max_upload_mb: int = 200
    redis_url: str = "redis://127.0.0.1:6379/0"
    storage_dir: Path = Path("var/storage")
    storage_url: str = ""
    storage_presign_s: int = 0
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = field(default="", repr=False)
    api_keys: tuple[str, ...] = ()
    rate_limit_per_min: int = 0
    cors_origins: tuple[str, ...] = ()
    queue_name: str = queue_defaults.QUEUE_NAME
    result_ttl_s: int = queue_defaults.RESULT_TTL_S
    failure_ttl_s: int = queue_defaults.FAILURE_TTL_S
    api_host: str = queue_defaults.API_HOST
    api_port: int = queue_defaults.API_PORT

    def with_(self, **changes: object) -> Settings:
        """A copy with some settings changed (CLI flags override the environment this way)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _path(value: str | None) -> Path | None:
    return Path(value).expanduser() if value else None


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from `env` (default: the process environment). Call once per process."""
    env = os.environ if env is None else env
    defaults = Settings(cache_dir=_default_cache_dir(env))
    return Settings(
        cache_dir=_path(env.get("GONGWEN_CACHE_DIR")) or defaults.cache_dir,
        det_model_dir=_path(env.get("GONGWEN_DET_MODEL_DIR")),
        rec_model_dir=_path(env.get("GONGWEN_REC_MODEL_DIR")),
        det_model_name=env.get("GONGWEN_DET_MODEL_NAME", defaults.det_model_name),
        rec_model_name=env.get("GONGWEN_REC_MODEL_NAME", defaults.rec_model_name),
        engine=env.get("GONGWEN_ENGINE", defaults.engine),
        device=env.get("GONGWEN_DEVICE", defaults.device),
        cpu_threads=int(env.get("GONGWEN_CPU_THREADS", defaults.cpu_threads)),
        dpi=int(env.get("GONGWEN_DPI", defaults.dpi)),
        max_pages=int(env.get("GONGWEN_MAX_PAGES", defaults.max_pages)),
        max_pixels=int(env.get("GONGWEN_MAX_PIXELS", defaults.max_pixels)),
        max_upload_mb=int(env.get("GONGWEN_MAX_UPLOAD_MB", defaults.max_upload_mb)),
        redis_url=env.get("GONGWEN_REDIS_URL", defaults.redis_url),
        storage_dir=_path(env.get("GONGWEN_STORAGE_DIR")) or defaults.storage_dir,
        storage_url=env.get("GONGWEN_STORAGE_URL", "").strip(),
        storage_presign_s=int(env.get("GONGWEN_STORAGE_PRESIGN_S", defaults.storage_presign_s)),
        s3_endpoint_url=env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL", ""),
        s3_region=env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION") or defaults.s3_region,
        s3_access_key_id=env.get("AWS_ACCESS_KEY_ID", ""),
        s3_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", ""),
        api_keys=tuple(k.strip() for k in env.get("GONGWEN_API_KEYS", "").split(",") if k.strip()),
        rate_limit_per_min=int(env.get("GONGWEN_RATE_LIMIT_PER_MIN", defaults.rate_limit_per_min)),
        cors_origins=tuple(o.strip() for o in env.get("GONGWEN_CORS_ORIGINS", "").split(",") if o.strip()),
        queue_name=env.get("GONGWEN_QUEUE", defaults.queue_name),
        result_ttl_s=int(env.get("GONGWEN_RESULT_TTL_S", defaults.result_ttl_s)),
        failure_ttl_s=int(env.get("GONGWEN_FAILURE_TTL_S", defaults.failure_ttl_s)),
        api_host=env.get("GONGWEN_HOST", defaults.api_host),
        api_port=int(env.get("GONGWEN_PORT", defaults.api_port)),
    )

"""The OCR model folders: the PP-OCRv6 small ONNX files of the `rapidocr` wheel, dressed as PaddleX folders.

PaddleOCR 3.x loads a model from a folder holding `inference.onnx` and `inference.yml` (pre-/post-processing
recipe). The `rapidocr` wheel carries the bare ONNX files; `prepare_model_dirs` builds the two folders once
per wheel version under `settings.cache_dir/models/`, atomically (built in a temporary folder, then
`os.rename`d into place, so a racing process sees either nothing or a complete folder). The folder name
carries a fingerprint of the ONNX file and of the recipe: a changed wheel or recipe builds a new folder.

Users who bring their own PaddleX folders set `det_model_dir` / `rec_model_dir` (and the model names);
those are used as they are. Nothing is ever downloaded.

`rapidocr` is never imported (it would pull a second cv2): its folder is found with `find_spec`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from workers.errors import ModelError
from workers.settings import Settings

DET_ONNX = "PP-OCRv6_det_small.onnx"
REC_ONNX = "PP-OCRv6_rec_small.onnx"
CLS_ONNX = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
DET_NAME = "PP-OCRv6_small_det"
REC_NAME = "PP-OCRv6_small_rec"
RECIPE_VERSION = "1"
"""Bump when the generated inference.yml changes: the fingerprint includes it, so caches rebuild."""

_HASH_CHUNK_BYTES = 1 << 20
_FINGERPRINT_HEX = 12


@dataclass(frozen=True)
class ModelDirs:
    """The two PaddleX model folders PaddleOCR is given, and their PaddleX model names."""

    det: Path
    rec: Path
    det_name: str
    rec_name: str


def rapidocr_model_path(filename: str) -> Path:
    """The path of `filename` in the installed rapidocr wheel's `models/` folder (rapidocr is not imported)."""
    try:
        spec = importlib.util.find_spec("rapidocr")
    except (ImportError, ValueError) as exc:
        raise ModelError(f"cannot locate the rapidocr package: {exc}") from exc
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the rapidocr wheel (carrier of the PP-OCRv6 small models) is not installed; "
            "run `make` or `pip install --no-deps rapidocr`"
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / "models" / filename
        if path.is_file():
            return path
    raise ModelError(f"model file {filename} not found in the rapidocr wheel ({list(spec.submodule_search_locations)})")


def det_config() -> dict[str, Any]:
    """inference.yml of the PP-OCRv6 small detector (DB, longest side 960 as in PaddleOCR's recipe)."""
    return {
        "Global": {"model_name": DET_NAME},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"DetLabelEncode": None},
                {"DetResizeForTest": {"resize_long": 960}},
                {
                    "NormalizeImage": {
                        "mean": [0.485, 0.456, 0.406],
                        "std": [0.229, 0.224, 0.225],
                        "scale": "1./255.",
                        "order": "hwc",
                    }
                },
                {"ToCHWImage": None},
                {"KeepKeys": {"keep_keys": ["image", "shape", "polys", "ignore_tags"]}},
            ]
        },
        "PostProcess": {
            "name": "DBPostProcess",
            "thresh": 0.3,
            "box_thresh": 0.6,
            "max_candidates": 1000,
            "unclip_ratio": 1.5,
        },
    }


def rec_config(characters: list[str]) -> dict[str, Any]:
    """inference.yml of the PP-OCRv6 small recogniser (CTC over `characters`, input 3×48×320)."""
    return {
        "Global": {"model_name": REC_NAME},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"MultiLabelEncode": {"gtc_encode": "NRTRLabelEncode"}},
                {"RecResizeImg": {"image_shape": [3, 48, 320]}},
                {"KeepKeys": {"keep_keys": ["image", "label_ctc", "label_gtc", "length", "valid_ratio"]}},
            ]
        },
        "PostProcess": {"name": "CTCLabelDecode", "character_dict": characters},
    }


def onnx_characters(onnx_path: Path) -> list[str]:
    """The recogniser's character list, from the ONNX model's custom metadata key `character`."""
    import onnxruntime as ort  # heavy; only needed when a folder is built

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    try:
        session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise ModelError(f"cannot load {onnx_path.name}: {exc}") from exc
    meta = session.get_modelmeta().custom_metadata_map
    if "character" not in meta:
        raise ModelError(f"{onnx_path.name} carries no `character` metadata (not a PP-OCR recogniser?)")
    return str(meta["character"]).split("\n")


@lru_cache(maxsize=8)
def _file_fingerprint(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK_BYTES):
            digest.update(chunk)
    return f"{size}-{digest.hexdigest()[:_FINGERPRINT_HEX]}-r{RECIPE_VERSION}"


def fingerprint(path: Path) -> str:
    """Size + sha256 prefix of the file + recipe version: names the cached folder built from it."""
    stat = path.stat()
    return _file_fingerprint(path, stat.st_size, stat.st_mtime_ns)


def _is_complete(folder: Path) -> bool:
    return (folder / "inference.onnx").is_file() and (folder / "inference.yml").is_file()


def _write_folder(tmp: Path, onnx_path: Path, config: dict[str, Any]) -> None:
    shutil.copyfile(onnx_path, tmp / "inference.onnx")
    with (tmp / "inference.yml").open("w", encoding="utf-8") as handle:
        yaml.safe_dump(config, handle, allow_unicode=True, sort_keys=False)


def build_model_dir(cache_dir: Path, kind: str, onnx_path: Path) -> Path:
    """The PaddleX folder for `onnx_path` under `cache_dir/models/`, built atomically if missing.

    `kind` is "det" or "rec". Safe when several processes call it at once: each builds in its own
    temporary folder next to the target and renames it into place; the loser of the race discards its copy.
    """
    root = cache_dir / "models"
    target = root / f"{onnx_path.stem}-{fingerprint(onnx_path)}"
    if _is_complete(target):
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=root))
    except OSError as exc:
        raise ModelError(f"cannot create the model cache in {root}: {exc}") from exc
    try:
        config = det_config() if kind == "det" else rec_config(onnx_characters(onnx_path))
        _write_folder(tmp, onnx_path, config)
        try:
            os.rename(tmp, target)
        except OSError:
            if not _is_complete(target):  # not a lost race: a real failure
                raise
    except OSError as exc:
        raise ModelError(f"cannot build the model folder {target}: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _user_dir(folder: Path, what: str) -> Path:
    if not (folder / "inference.yml").is_file():
        raise ModelError(f"{what} model folder {folder} has no inference.yml (not a PaddleX model folder)")
    return folder


def prepare_model_dirs(settings: Settings) -> ModelDirs:
    """The det/rec folders to give PaddleOCR: the user's (from settings) or the bundled ones, built at first use."""
    if settings.det_model_dir is not None:
        det = _user_dir(settings.det_model_dir, "detection")
    else:
        det = build_model_dir(settings.cache_dir, "det", rapidocr_model_path(DET_ONNX))
    if settings.rec_model_dir is not None:
        rec = _user_dir(settings.rec_model_dir, "recognition")
    else:
        rec = build_model_dir(settings.cache_dir, "rec", rapidocr_model_path(REC_ONNX))
    # the bundled folders' inference.yml names their model: the name settings only apply to users' folders
    det_name = settings.det_model_name if settings.det_model_dir is not None else DET_NAME
    rec_name = settings.rec_model_name if settings.rec_model_dir is not None else REC_NAME
    return ModelDirs(det=det, rec=rec, det_name=det_name, rec_name=rec_name)

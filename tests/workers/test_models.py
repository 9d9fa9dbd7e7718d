"""workers.ocr.models: the rapidocr wheel's files found without importing it; PaddleX folders built atomically."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from workers.errors import ModelError
from workers.ocr import models
from workers.ocr.models import (
    CLS_ONNX,
    DET_ONNX,
    REC_ONNX,
    build_model_dir,
    onnx_characters,
    prepare_model_dirs,
    rapidocr_model_path,
)
from workers.settings import Settings

REC_CHARACTERS = 18708
"""Characters in PP-OCRv6 small's recogniser dictionary (its ONNX `character` metadata)."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _yml(folder: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((folder / "inference.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize("name", [DET_ONNX, REC_ONNX, CLS_ONNX])
def test_the_wheel_carries_the_three_models(name: str) -> None:
    path = rapidocr_model_path(name)
    assert path.is_file() and path.name == name and path.parent.name == "models"


def test_locating_models_does_not_import_rapidocr() -> None:
    code = ("import sys; from workers.ocr.models import rapidocr_model_path as f; f('PP-OCRv6_det_small.onnx'); "
            "assert 'rapidocr' not in sys.modules, 'rapidocr was imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_missing_wheel_or_file_is_a_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match="not found"):
        rapidocr_model_path("PP-OCRv9_imaginary.onnx")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match="rapidocr"):
        rapidocr_model_path(DET_ONNX)


def test_prepared_folders_hold_the_model_and_its_recipe(tmp_path: Path) -> None:
    dirs = prepare_model_dirs(Settings(cache_dir=tmp_path))
    assert (dirs.det_name, dirs.rec_name) == ("PP-OCRv6_small_det", "PP-OCRv6_small_rec")
    for folder, onnx in ((dirs.det, DET_ONNX), (dirs.rec, REC_ONNX)):
        assert folder.parent == tmp_path / "models"
        assert sorted(p.name for p in folder.iterdir()) == ["inference.onnx", "inference.yml"]
        assert _sha256(folder / "inference.onnx") == _sha256(rapidocr_model_path(onnx))

    det = _yml(dirs.det)
    assert det["Global"]["model_name"] == "PP-OCRv6_small_det"
    ops = {next(iter(op)): next(iter(op.values())) for op in det["PreProcess"]["transform_ops"]}
    assert list(ops) == ["DecodeImage", "DetLabelEncode", "DetResizeForTest", "NormalizeImage", "ToCHWImage",
                         "KeepKeys"]
    assert ops["DecodeImage"]["img_mode"] == "BGR" and ops["DetResizeForTest"] == {"resize_long": 960}
    assert ops["NormalizeImage"]["std"] == [0.229, 0.224, 0.225] and ops["NormalizeImage"]["order"] == "hwc"
    assert det["PostProcess"] == {"name": "DBPostProcess", "thresh": 0.3, "box_thresh": 0.6, "max_candidates": 1000,
                                  "unclip_ratio": 1.5}

    rec = _yml(dirs.rec)
    assert rec["Global"]["model_name"] == "PP-OCRv6_small_rec"
    ops = {next(iter(op)): next(iter(op.values())) for op in rec["PreProcess"]["transform_ops"]}
    assert ops["RecResizeImg"] == {"image_shape": [3, 48, 320]}
    assert ops["MultiLabelEncode"] == {"gtc_encode": "NRTRLabelEncode"}
    assert rec["PostProcess"]["name"] == "CTCLabelDecode"
    characters = rec["PostProcess"]["character_dict"]
    assert len(characters) == REC_CHARACTERS
    assert characters == onnx_characters(rapidocr_model_path(REC_ONNX))
    assert "渝" in characters and "〔" in characters


def test_a_built_folder_is_reused(tmp_path: Path) -> None:
    first = build_model_dir(tmp_path, "det", rapidocr_model_path(DET_ONNX))
    stamp = (first / "inference.yml").stat().st_mtime_ns
    again = build_model_dir(tmp_path, "det", rapidocr_model_path(DET_ONNX))
    assert again == first and (again / "inference.yml").stat().st_mtime_ns == stamp


def test_a_changed_model_file_builds_a_new_folder(tmp_path: Path) -> None:
    onnx = tmp_path / DET_ONNX
    onnx.write_bytes(rapidocr_model_path(DET_ONNX).read_bytes())
    old = build_model_dir(tmp_path / "cache", "det", onnx)
    with onnx.open("ab") as handle:  # a new wheel version: other bytes under the same name
        handle.write(b"\0")
    new = build_model_dir(tmp_path / "cache", "det", onnx)
    assert new != old and _sha256(new / "inference.onnx") == _sha256(onnx)


def test_a_half_built_folder_is_never_visible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    write = models._write_folder

    def watching(tmp: Path, onnx_path: Path, config: dict[str, Any]) -> None:
        write(tmp, onnx_path, config)
        seen.append(any(p.name.startswith("PP-OCRv6_det_small") for p in (tmp_path / "models").iterdir()))

    monkeypatch.setattr(models, "_write_folder", watching)
    folder = build_model_dir(tmp_path, "det", rapidocr_model_path(DET_ONNX))
    assert seen == [False]  # written in full under a hidden temporary name, then renamed
    assert [p.name for p in (tmp_path / "models").iterdir()] == [folder.name]


def _build_det(cache: str) -> str:
    return str(build_model_dir(Path(cache), "det", rapidocr_model_path(DET_ONNX)))


def test_racing_processes_agree_on_one_complete_folder(tmp_path: Path) -> None:
    with ProcessPoolExecutor(max_workers=3) as pool:
        built = list(pool.map(_build_det, [str(tmp_path)] * 6))
    assert len(set(built)) == 1
    folder = Path(built[0])
    assert _sha256(folder / "inference.onnx") == _sha256(rapidocr_model_path(DET_ONNX))
    assert os.listdir(tmp_path / "models") == [folder.name]  # no temporary folder left behind


def test_users_folders_are_used_as_they_are(tmp_path: Path) -> None:
    det, rec = tmp_path / "my_det", tmp_path / "my_rec"
    for folder in (det, rec):
        folder.mkdir()
        (folder / "inference.yml").write_text("Global: {model_name: PP-OCRv5_server_det}\n")
    settings = Settings(cache_dir=tmp_path / "cache", det_model_dir=det, rec_model_dir=rec,
                        det_model_name="PP-OCRv5_server_det", rec_model_name="PP-OCRv5_server_rec")
    dirs = prepare_model_dirs(settings)
    assert (dirs.det, dirs.rec, dirs.det_name, dirs.rec_name) == (det, rec, "PP-OCRv5_server_det",
                                                                   "PP-OCRv5_server_rec")
    assert not (tmp_path / "cache").exists()


def test_a_users_folder_without_a_recipe_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="inference.yml"):
        prepare_model_dirs(Settings(cache_dir=tmp_path, det_model_dir=tmp_path / "empty"))

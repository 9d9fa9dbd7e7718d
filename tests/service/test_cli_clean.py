"""`gongwen clean FILE.txt|-`: text dumps in, the SPEC outputs out, errors as exit codes."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import pytest

from service.cli import main

SEED_000 = (
    "# 重庆市渝北区卫生健康委员会文件\n\n渝北卫健函〔2024〕117号\n\n"
    "## 重庆市渝北区卫生健康委员会 关于区人大第十九届第四次会议第46号 建议的复函\n\n陈邦友代表：\n\n"
    "您提出的建议已收悉。现将办理情况答复如下：\n\n"
    "### 一、关于基层医疗机构用药限制大，药品种类不足\n\n"
    "坚持基药主导。印发《渝北区基层医疗机构实施基本药物制度补助实施方\n\n— 2 —\n\n案》等，强化绩效管理。\n\n"
    "重庆市渝北区卫生健康委员会\n\n2024年5月15日\n\n（此件公开发布）\n\n---\n\n"
    "抄送：区人大代工委，洛碛镇人大主席团。\n\n---\n\n重庆市渝北区卫生健康委员会办公室\n\n2024年5月15日印发\n"
)
CLEAN_000 = [
    "重庆市渝北区卫生健康委员会文件",
    "渝北卫健函〔2024〕117号",
    "重庆市渝北区卫生健康委员会关于区人大第十九届第四次会议第46号建议的复函",
    "陈邦友代表：",
    "您提出的建议已收悉。现将办理情况答复如下：",
    "一、关于基层医疗机构用药限制大，药品种类不足",
    "坚持基药主导。印发《渝北区基层医疗机构实施基本药物制度补助实施方案》等，强化绩效管理。",
    "重庆市渝北区卫生健康委员会",
    "2024年5月15日",
    "（此件公开发布）",
    "抄送：区人大代工委，洛碛镇人大主席团。",
    "重庆市渝北区卫生健康委员会办公室2024年5月15日印发",
]


@pytest.fixture
def dump_file(tmp_path: Path) -> Path:
    path = tmp_path / "dump.txt"
    path.write_text(SEED_000, encoding="utf-8")
    return path


def test_clean_prints_the_clean_text(dump_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(dump_file)]) == 0
    assert capsys.readouterr().out.splitlines() == CLEAN_000


def test_clean_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED_000.encode("utf-8")), encoding="utf-8"))
    assert main(["clean", "-"]) == 0
    assert capsys.readouterr().out.splitlines() == CLEAN_000


def test_clean_json_is_the_spec_envelope(dump_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(dump_file), "--format", "json"]) == 0
    envelope = json.loads(capsys.readouterr().out)
    assert list(envelope) == ["source", "fields", "blocks", "text", "seals", "warnings", "timings"]
    assert envelope["source"] == {"filename": "dump.txt", "sha256": hashlib.sha256(dump_file.read_bytes()).hexdigest(),
                                  "media_type": "text/plain", "pages": None}
    fields = envelope["fields"]
    assert fields["doc_number"] == "渝北卫健函〔2024〕117号"
    assert fields["title"] == CLEAN_000[2] and fields["addressee"] == "陈邦友代表"
    assert fields["issuers"] == ["重庆市渝北区卫生健康委员会"] and fields["signature"] == ["重庆市渝北区卫生健康委员会"]
    assert (fields["date"], fields["printed_date"]) == ("2024-05-15", "2024-05-15")
    assert fields["cc"] == ["区人大代工委", "洛碛镇人大主席团"]
    assert [block["type"] for block in envelope["blocks"]][:6] == [
        "issuer_mark", "doc_number", "title", "addressee", "paragraph", "heading"]
    assert envelope["blocks"][5]["level"] == 1
    assert envelope["text"].splitlines() == CLEAN_000
    assert envelope["timings"]["repair_s"] >= 0


def test_clean_markdown_to_a_file(dump_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "doc.md"
    assert main(["clean", str(dump_file), "-f", "md", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    markdown = out.read_text(encoding="utf-8")
    assert f"# {CLEAN_000[2]}\n" in markdown and f"## {CLEAN_000[5]}\n" in markdown
    assert "**" not in markdown and "---" not in markdown and "— 2 —" not in markdown


def test_clean_reads_gb18030(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(SEED_000.encode("gb18030"))
    assert main(["clean", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == CLEAN_000


@pytest.mark.parametrize(("content", "code", "exit_code"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "unsupported_type", 3),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "unsupported_type", 3),
    (b"\xef\xbb\xbf\xff\xfe broken", "corrupt_input", 4),
])
def test_clean_refuses_what_is_not_text(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        content: bytes, code: str, exit_code: int) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    assert main(["clean", str(path)]) == exit_code
    assert capsys.readouterr().err.startswith(f"gongwen: {code}: ")


def test_clean_missing_file_is_a_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(tmp_path / "missing.txt")]) == 2
    assert "gongwen: bad_input: cannot read" in capsys.readouterr().err


def test_clean_refuses_more_than_the_upload_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GONGWEN_MAX_UPLOAD_MB", "1")
    path = tmp_path / "big.txt"
    path.write_bytes("文".encode() * (1024 * 1024 // 3 + 1))
    assert main(["clean", str(path)]) == 6
    assert "too_large" in capsys.readouterr().err

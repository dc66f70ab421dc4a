"""scripts/icu_trim.py: what the bundle keeps of Qt's ICU data, and that Qt still sorts
Chinese and names time zones with the trimmed library (loaded with LD_PRELOAD in a
child process, as the bundle loads it by its soname)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from shared_paths import project_module

icu_trim = project_module("scripts/icu_trim.py")

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="Qt ships its own ICU on Linux only"
)


@pytest.mark.parametrize(
    "item",
    [
        "root.res",
        "en.res",
        "en_GB.res",
        "zh.res",
        "zh_Hant_HK.res",
        "coll/zh.res",
        "coll/root.res",
        "coll/ucadata.icu",
        "zone/zh_Hans_CN.res",
        "region/en.res",
        "res_index.res",
        "coll/res_index.res",
        "pool.res",
        "zone/pool.res",
        "supplementalData.res",
        "metaZones.res",
        "zoneinfo64.res",
        "timezoneTypes.res",
        "likelySubtags.res",
        "cnvalias.icu",
        "gb18030.cnv",
        "nfkc.nrm",
        "ulayout.icu",
    ],
)
def test_kept(item: str) -> None:
    assert not icu_trim.is_dropped(item)


@pytest.mark.parametrize(
    "item",
    [
        "de.res",
        "sr_Latn_BA.res",
        "yue.res",
        "coll/de.res",
        "coll/de_.res",
        "zone/fr.res",
        "region/ja.res",
        "brkitr/cjdict.dict",
        "brkitr/zh.res",
        "translit/root.res",
        "rbnf/zh.res",
        "unit/zh.res",
        "curr/zh.res",
        "lang/zh.res",
        "unames.icu",
        "confusables.cfu",
        "uts46.nrm",
        "rfc3491.spp",
        "ibm-37_P100-1995.cnv",
        "euc-tw-2014.cnv",
    ],
)
def test_dropped(item: str) -> None:
    assert icu_trim.is_dropped(item)


def test_the_locales_kept_are_a_parameter() -> None:
    assert icu_trim.is_dropped("coll/zh.res", keep_locales=("root", "en"))
    assert not icu_trim.is_dropped("coll/root.res", keep_locales=("root", "en"))


def qt_icu_library() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 has no ICU of its own")
    return found[0]


def icu_step(library: Path) -> subprocess.CompletedProcess[str]:
    """The self-test's icu step in a child process whose ICU data is LIBRARY."""
    env = {**os.environ, "LD_PRELOAD": str(library), "QT_QPA_PLATFORM": "offscreen"}
    code = "from checkpoint_app.selftest import step_icu; print(step_icu())"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


@linux_only
def test_qt_sorts_chinese_and_names_zones_with_the_trimmed_data(tmp_path: Path) -> None:
    library = qt_icu_library()
    result = icu_trim.trim(library, tmp_path)
    assert result.library == tmp_path / library.name
    assert result.bytes_after < result.bytes_before / 4  # 32 MB -> about 4 MB
    assert result.items_after < result.items_before
    step = icu_step(result.library)
    assert step.returncode == 0, step.stderr
    assert "Chinese collation (pinyin)" in step.stdout


@linux_only
def test_the_check_fails_when_the_chinese_data_is_gone(tmp_path: Path) -> None:
    """The control: trimmed without zh, Qt falls back to code-point order and the
    self-test's icu step says so (so the test above can fail)."""
    result = icu_trim.trim(qt_icu_library(), tmp_path, keep_locales=("root", "en"))
    step = icu_step(result.library)
    assert step.returncode != 0
    assert "no Chinese collation" in step.stderr


@linux_only
def test_a_library_without_icu_data_is_refused(tmp_path: Path) -> None:
    import PySide6

    other = Path(PySide6.__file__).parent / "Qt" / "lib" / "libicuuc.so.73"
    if not other.is_file():
        pytest.skip("no libicuuc.so.73 to pose as data")
    fake = tmp_path / "libicudata.so.73"
    fake.write_bytes(other.read_bytes())
    with pytest.raises(icu_trim.TrimError, match="does not export icudt73_dat"):
        icu_trim.trim(fake, tmp_path / "out")
    with pytest.raises(icu_trim.TrimError, match=r"expected libicudata\.so"):
        icu_trim.trim(other, tmp_path / "out")

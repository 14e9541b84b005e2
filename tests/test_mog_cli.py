"""Checks of the `bre-mog` command: help text, option validation, the no-overwrite rule, output files and reproducibility."""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bre_nb.mog import main

TINY = ["--iterations", "6", "--batch-size", "8", "--no-progress"]
RUN_FILES = ["figure4.png", "metrics.json", "samples.npy", "training.png"]
TOP_FILES = ["bre", "comparison.md", "control", "figure4_comparison.png", "training_comparison.png"]


def bre_mog_command() -> list[str]:
    "The installed console script, next to this interpreter."
    script = Path(sys.executable).parent / "bre-mog"
    if not script.exists():
        pytest.fail(f"{script} not found; install the package with `pip install -e .` to get the bre-mog command.")
    return [str(script)]


def exit_message(capsys, argv: list[str]) -> str:
    "Run main(argv), check that it exits with argparse's usage error code 2 quickly, and return stderr."
    start = time.perf_counter()
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert time.perf_counter() - start < 5, "validation took too long, so training may have started"
    return capsys.readouterr().err


def test_help_lists_options_with_units():
    result = subprocess.run(bre_mog_command() + ["--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for option in ["--dataset", "--architecture", "--iterations", "--batch-size", "--lr", "--beta1", "--bre-weight",
                   "--layers", "--seed", "--output", "--overwrite"]:
        assert option in result.stdout
    assert "generator updates" in result.stdout
    assert "Runtime: with the defaults" in result.stdout


@pytest.mark.parametrize("argv, expected", [
    (["--dataset", "spiral"], "Unknown dataset 'spiral'; use one of ['grid', 'imbalanced', 'ring']"),
    (["--architecture", "dcgan"], "Unknown architecture 'dcgan'"),
    (["--bre-weight", "-0.5"], "bre_weight must be a finite number >= 0 (0 gives the control run), got -0.5"),
    (["--batch-size", "1"], "batch_size must be at least 2"),
    (["--iterations", "0"], "iterations must be at least 1, got 0"),
    (["--lr", "0"], "lr must be a positive finite number, got 0.0"),
    (["--beta1", "1"], "beta1 must be in [0, 1), got 1.0"),
    (["--layers", "h2,h7"], "got ['h2', 'h7']"),
    (["--threads", "0"], "threads must be at least 1"),
])
def test_invalid_option_fails_fast(tmp_path, capsys, argv, expected):
    message = exit_message(capsys, argv + ["--output", str(tmp_path / "out")])
    assert expected in message
    assert not (tmp_path / "out").exists()


def test_unwritable_output_fails_fast(tmp_path, capsys):
    (tmp_path / "file").write_text("a file, not a folder")
    message = exit_message(capsys, TINY + ["--output", str(tmp_path / "file" / "out")])
    assert "Cannot write to output folder" in message
    assert "choose a writable --output" in message

    message = exit_message(capsys, TINY + ["--output", str(tmp_path / "file")])
    assert "exists and is not a folder" in message


def test_nonempty_output_needs_overwrite(tmp_path, capsys):
    output = tmp_path / "out"
    output.mkdir()
    (output / "notes.txt").write_text("keep me")
    message = exit_message(capsys, TINY + ["--output", str(output)])
    assert "is not empty; pass --overwrite" in message
    assert sorted(p.name for p in output.iterdir()) == ["notes.txt"]

    main(TINY + ["--output", str(output), "--overwrite"])
    assert (output / "notes.txt").read_text() == "keep me"
    assert (output / "comparison.md").exists()


def test_end_to_end_writes_every_file(tmp_path):
    output = tmp_path / "out"
    result = subprocess.run(bre_mog_command() + TINY + ["--output", str(output)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| control |" in result.stdout
    assert "| bre |" in result.stdout

    assert sorted(p.name for p in output.iterdir()) == TOP_FILES
    for run in ["control", "bre"]:
        assert sorted(p.name for p in (output / run).iterdir()) == RUN_FILES
        samples = np.load(output / run / "samples.npy")
        assert samples.shape == (2500, 2)
        assert samples.dtype == np.float32
        record = json.loads((output / run / "metrics.json").read_text())
        assert record["config"]["iterations"] == 6
        assert record["metrics"]["n_modes"] == 8
        assert sum(record["metrics"]["mode_counts"]) <= 2500
    assert json.loads((output / "control" / "metrics.json").read_text())["config"]["bre_weight"] == 0.0
    assert json.loads((output / "bre" / "metrics.json").read_text())["config"]["bre_weight"] == 1.0


def test_same_seed_same_results(tmp_path):
    for name in ["first", "second"]:
        main(TINY + ["--dataset", "grid", "--seed", "3", "--output", str(tmp_path / name)])
    for run in ["control", "bre"]:
        first = np.load(tmp_path / "first" / run / "samples.npy")
        second = np.load(tmp_path / "second" / run / "samples.npy")
        np.testing.assert_array_equal(first, second)
        metrics = [json.loads((tmp_path / name / run / "metrics.json").read_text())["metrics"] for name in ["first", "second"]]
        for m in metrics: m.pop("train_seconds")
        assert metrics[0] == metrics[1]

    main(TINY + ["--dataset", "grid", "--seed", "4", "--output", str(tmp_path / "other")])
    other = np.load(tmp_path / "other" / "bre" / "samples.npy")
    assert not np.array_equal(other, np.load(tmp_path / "first" / "bre" / "samples.npy"))

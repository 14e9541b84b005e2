"""Time `bre_loss` forward and backward against one critic step of a DCGAN-sized conv critic.

The critic step is what a WGAN-style critic update costs without BRE: forward passes on a real,
a fake and an interpolated batch of 32x32 RGB images, the backward pass and an Adam step. BRE on
d units is `bre_loss` forward and backward on a (batch, d) activation tensor. Both are timed in
the same run, interleaved, and the median of each is reported, because the machines are shared
and absolute times drift. Target: BRE under 5% of the critic step for every d.

Usage: python benchmarks/bench_core.py [--repeats N] [--batch-size K] [--out FILE]
"""
import argparse
import datetime
import platform
import statistics
import subprocess
import time
from pathlib import Path

import torch
from torch import nn

from bre_nb.core import bre_loss

WIDTHS = (1_024, 16_384, 65_536)


def dcgan_critic(channels: int = 64) -> nn.Module:
    "DCGAN discriminator for 32x32 RGB images (Radford et al. 2015), without the final sigmoid."
    return nn.Sequential(
        nn.Conv2d(3, channels, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(channels, 2 * channels, 4, 2, 1), nn.BatchNorm2d(2 * channels), nn.LeakyReLU(0.2),
        nn.Conv2d(2 * channels, 4 * channels, 4, 2, 1), nn.BatchNorm2d(4 * channels), nn.LeakyReLU(0.2),
        nn.Conv2d(4 * channels, 1, 4, 1, 0), nn.Flatten(),
    )


def time_call(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def make_critic_step(critic: nn.Module, optimizer: torch.optim.Optimizer, batch_size: int):
    real, fake = torch.randn(batch_size, 3, 32, 32), torch.randn(batch_size, 3, 32, 32)

    def step():
        alpha = torch.rand(batch_size, 1, 1, 1)
        interpolates = alpha * real + (1 - alpha) * fake
        loss = critic(fake).mean() - critic(real).mean() + critic(interpolates).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return step


def make_bre_step(batch_size: int, d: int):
    h = torch.randn(batch_size, d, requires_grad=True)

    def step():
        bre_loss(h).loss.backward()
        h.grad = None
    return step


def machine_description() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(line.split(":", 1)[1].strip() for line in lscpu.splitlines() if line.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        model = platform.processor() or "unknown CPU"
    return f"{model}, {torch.get_num_threads()} torch threads, {platform.system()} {platform.machine()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed repetitions of each step (default 30)")
    parser.add_argument("--batch-size", type=int, default=64, help="mini-batch size K (default 64)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "core_speed.md",
                        help="markdown file to write the table to")
    args = parser.parse_args()
    if args.repeats < 3: parser.error(f"--repeats must be at least 3, got {args.repeats}")
    if args.batch_size < 2: parser.error(f"--batch-size must be at least 2 (R_AC needs pairs), got {args.batch_size}")

    torch.manual_seed(0)
    critic = dcgan_critic()
    optimizer = torch.optim.Adam(critic.parameters(), lr=2e-4, betas=(0.5, 0.999))
    steps = {"critic step": make_critic_step(critic, optimizer, args.batch_size)}
    steps.update({f"BRE d={d:,}": make_bre_step(args.batch_size, d) for d in WIDTHS})

    for step in steps.values(): step()  # warm-up
    times = {name: [] for name in steps}
    for _ in range(args.repeats):  # interleave so that load changes hit every step alike
        for name, step in steps.items(): times[name].append(time_call(step))

    median = {name: statistics.median(t) for name, t in times.items()}
    critic_ms = 1e3 * median["critic step"]
    lines = [
        f"Batch size {args.batch_size}, median of {args.repeats} interleaved repeats.",
        "",
        "| step | median time (ms) | ratio to critic step | target |",
        "|---|---:|---:|---|",
        f"| critic step (real + fake + interpolates, forward, backward, Adam) | {critic_ms:.1f} | 1 | |",
    ]
    for d in WIDTHS:
        name = f"BRE d={d:,}"
        ratio = median[name] / median["critic step"]
        verdict = "met" if ratio < 0.05 else "missed"
        lines.append(f"| `bre_loss` forward + backward, d = {d:,} | {1e3 * median[name]:.2f} | {ratio:.2%} | < 5%: {verdict} |")
    lines += [
        "",
        f"Command: `python benchmarks/bench_core.py --repeats {args.repeats} --batch-size {args.batch_size}`. "
        f"Machine: {machine_description()}. Date: {datetime.date.today().isoformat()}. "
        f"torch {torch.__version__}, CPU.",
    ]
    table = "\n".join(lines)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table + "\n")


if __name__ == "__main__":
    main()

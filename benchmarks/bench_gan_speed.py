"""Speed of fastai GAN training with BRE against a plain PyTorch loop doing the same updates.

The script measures two things. First, generator updates per second of `bre_gan_learner` and of a
minimal PyTorch loop with the same networks, batch size, critic:generator ratio, optimizer and BRE
terms (fake and interpolates, "multi" layers), timing the variants in interleaved repeats. Second,
the time of a critic step with BRE relative to a plain critic step, in the PyTorch loop. It prints
a markdown table and writes it to benchmarks/results/gan_speed.md.

    python benchmarks/bench_gan_speed.py [--repeats 5] [--gen-updates 300]
"""
from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import math
import platform
import pstats
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import fastai
import torch
import torch.nn.functional as F
from torch import nn

from bre_nb.core import ActivationRecorder, bre_loss
from bre_nb.gan import bre_gan_learner, gan_critic_loss, gan_gen_loss, select_critic_layers, synthetic_gan_dls

RESULTS = Path(__file__).parent / "results" / "gan_speed.md"


def ring(n: int) -> torch.Tensor:
    "n points of a mixture of 8 Gaussians (standard deviation 0.02) on the unit circle."
    angle = torch.randint(0, 8, (n,)).float() * (2 * math.pi / 8)
    return torch.stack([angle.cos(), angle.sin()], 1) + 0.02 * torch.randn(n, 2)


def mlp(widths, act, out_act=None, batch_norm=False) -> nn.Sequential:
    "Fully connected network with `act` (after batch norm if `batch_norm`) on each hidden layer."
    layers = []
    for n_in, n_out in zip(widths[:-2], widths[1:-1]):
        layers += [nn.Linear(n_in, n_out)] + ([nn.BatchNorm1d(n_out)] if batch_norm else []) + [act()]
    layers.append(nn.Linear(widths[-2], widths[-1]))
    if out_act is not None: layers.append(out_act())
    return nn.Sequential(*layers)


def make_models(size: str, seed: int = 0):
    "Generator and critic: 'mog' (appendix A.1, 10 units) or 'pacgan' (G 4x400 ReLU + batch norm, D 3x200 LeakyReLU)."
    torch.manual_seed(seed)
    leaky = partial(nn.LeakyReLU, 0.2)
    if size == "mog":
        return mlp([2, 10, 10, 10, 10, 2], nn.ReLU, nn.Tanh), mlp([2, 10, 10, 10, 10, 1], leaky)
    return mlp([2, 400, 400, 400, 400, 2], nn.ReLU, nn.Tanh, batch_norm=True), mlp([2, 200, 200, 200, 1], leaky)


def fastai_runner(size: str, bs: int, n_critic: int, gen_updates: int, log: bool):
    "A function that trains a BRE GANLearner for `gen_updates` generator updates."
    generator, critic = make_models(size)
    layers = "multi" if size == "mog" else "single"
    dls = synthetic_gan_dls(ring, 2, bs=bs, n_batches=gen_updates * (n_critic + 1), n_valid=0)
    learn = bre_gan_learner(dls, generator, critic, layers=layers, n_critic=n_critic, lr=1e-3)
    learn.bre.log = log
    def train():
        with learn.no_bar(), learn.no_logging(): learn.fit(1)
    return train


def plain_runner(size: str, bs: int, n_critic: int, gen_updates: int, bre: bool = True):
    "A function that does the same updates as `fastai_runner` in a plain PyTorch loop."
    generator, critic = make_models(size)
    layers = select_critic_layers(critic, "multi" if size == "mog" else "single")
    # fastai's Adam adds eps outside the square root, as torch.optim.Adam does, and its default eps is 1e-5.
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.0, 0.999), eps=1e-5)
    opt_d = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.0, 0.999), eps=1e-5)
    rng = torch.Generator().manual_seed(0)

    def critic_step():
        noise, real = torch.randn(bs, 2), ring(bs)
        with torch.no_grad(): fake = generator(noise)
        real_pred = critic(real)
        with ActivationRecorder(critic, layers) as recorder:
            fake_pred = critic(fake)
            loss = gan_critic_loss(real_pred, fake_pred)
            if bre:
                fake_activations = recorder.activations
                recorder.clear()
                alpha = torch.rand(bs, generator=rng).view(-1, 1)
                critic(alpha * real + (1 - alpha) * fake)
                terms = [bre_loss(fake_activations, check_finite=False).loss, bre_loss(recorder.activations, check_finite=False).loss]
                loss = loss + torch.stack(terms).mean()
        opt_d.zero_grad(set_to_none=True)
        loss.backward()
        opt_d.step()

    def generator_step():
        noise, _ = torch.randn(bs, 2), ring(bs)
        loss = gan_gen_loss(critic(generator(noise)), None, None)
        opt_g.zero_grad(set_to_none=True)
        loss.backward()
        opt_g.step()

    def train():
        for _ in range(gen_updates):
            critic.requires_grad_(True); generator.requires_grad_(False)
            for _ in range(n_critic): critic_step()
            critic.requires_grad_(False); generator.requires_grad_(True)
            generator_step()
    return train, critic_step


def median(values): return sorted(values)[len(values) // 2]


def time_interleaved(runners: dict, repeats: int) -> dict:
    "Median seconds per call of each runner, calling them in turn `repeats` times after one warm-up round."
    for run in runners.values(): run()
    times = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: median(t) for name, t in times.items()}


def critic_step_ratio(size: str, bs: int, steps: int, repeats: int) -> float:
    "Median time of a BRE critic step over a plain critic step, both in the PyTorch loop."
    _, with_bre = plain_runner(size, bs, 1, 1, bre=True)
    _, without = plain_runner(size, bs, 1, 1, bre=False)
    def many(step): return lambda: [step() for _ in range(steps)]
    t = time_interleaved({"bre": many(with_bre), "plain": many(without)}, repeats)
    return t["bre"] / t["plain"]


def profile_fastai(size: str, bs: int, n_critic: int, gen_updates: int, top: int = 12) -> str:
    "cProfile summary (by own time) of one fastai training run."
    train = fastai_runner(size, bs, n_critic, gen_updates, log=True)
    train()
    profiler = cProfile.Profile()
    profiler.enable()
    train()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    lines = [l for l in out.getvalue().splitlines() if l.strip()]
    start = next(i for i, l in enumerate(lines) if l.lstrip().startswith("ncalls"))
    return "\n".join(lines[start - 1:start + top + 1])


def cpu_model() -> str:
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines():
            if line.startswith("Model name:"): return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError): pass
    return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds per variant (median reported)")
    parser.add_argument("--gen-updates", type=int, default=300, help="generator updates per timed round")
    parser.add_argument("--bs", type=int, default=64, help="batch size")
    parser.add_argument("--n-critic", type=int, default=1, help="critic updates per generator update")
    parser.add_argument("--sizes", nargs="+", default=["mog", "pacgan"], choices=["mog", "pacgan"], help="network sizes to measure")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--no-write", action="store_true", help=f"print the table without writing {RESULTS}")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    rows, profiles = [], {}
    for size in args.sizes:
        # Rounds of 30 updates gave ratios from 0.55 to 1.0 between runs on a shared machine, so the slower
        # PacGAN-sized networks get half as many updates per round as the small ones, not a tenth.
        n = args.gen_updates if size == "mog" else max(args.gen_updates // 2, 10)
        runners = {
            "fastai, BRE logged": fastai_runner(size, args.bs, args.n_critic, n, log=True),
            "fastai, BRE not logged": fastai_runner(size, args.bs, args.n_critic, n, log=False),
            "PyTorch loop": plain_runner(size, args.bs, args.n_critic, n)[0],
        }
        seconds = time_interleaved(runners, args.repeats)
        plain_rate = n / seconds["PyTorch loop"]
        ratio = critic_step_ratio(size, args.bs, n, args.repeats)
        for name, t in seconds.items():
            rows.append(f"| {size} | {name} | {n / t:.0f} | {(n / t) / plain_rate:.2f} | {ratio:.2f} |")
        if n / seconds["fastai, BRE logged"] < 0.7 * plain_rate: profiles[size] = profile_fastai(size, args.bs, args.n_critic, n)

    header = ["| networks | trainer | generator updates/s | rate / PyTorch loop | BRE critic step / plain critic step |",
              "|---|---|---|---|---|"]
    table = "\n".join(header + rows)
    print(table)
    for size, text in profiles.items(): print(f"\nfastai profile, {size}:\n{text}")
    if args.no_write: return

    report = [
        "# GAN training speed: fastai with BRE against a plain PyTorch loop", "",
        f"- command: `python {' '.join(sys.argv)}`",
        f"- machine: {cpu_model()}, {torch.get_num_threads()} torch thread(s) of {__import__('os').cpu_count()} logical cores, CPU only",
        f"- date: {datetime.date.today().isoformat()}; torch {torch.__version__}, fastai {fastai.__version__}, Python {platform.python_version()}",
        f"- batch size {args.bs}, {args.n_critic} critic update(s) per generator update, median of {args.repeats} interleaved rounds after a warm-up round",
        "- networks: mog = appendix A.1 (G 4x10 ReLU + tanh, D 5-layer LeakyReLU(0.2) with 10 units, BRE on 'multi' = h2, h3);",
        "  pacgan = G 4x400 ReLU with batch norm, D 3x200 LeakyReLU(0.2), BRE on 'single' (the middle rectifier, since 'multi' selects one layer there too)",
        "- BRE on fake samples and interpolates in both trainers; fastai runs without progress bar and without validation batches", "",
        table, "",
    ]
    for size, text in profiles.items():
        report += [f"fastai below 0.7 of the PyTorch loop for {size}; cProfile of one fastai round, sorted by own time:", "",
                   "```", text, "```", ""]
    RESULTS.write_text("\n".join(report))
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
